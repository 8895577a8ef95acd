"""Data files a table or chart takes its rows from: CSV, JSON and .xlsx sheets."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import re
import zipfile
from array import array
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..limits import current
from ..model import Cell, Pos
from .compose import unencodable


class DataError(Exception):
    """A data file cannot be read; ``pos`` is in the data file when known, else None."""

    def __init__(self, message: str, pos: Pos | None = None) -> None:
        super().__init__(message)
        self.pos = pos


SHARED = 4096
"""Distinct texts per column held once however often they repeat (regions, dates, yes and no).

A column of all-different texts stops sharing once it has this many: remembering each would
cost more than it saves."""


class Columns:
    """Values gathered a row at a time into one list per column, repeated texts held once."""

    def __init__(self, width: int) -> None:
        self.lists: list[list[Cell]] = [[] for _ in range(width)]
        self._seen: list[dict[str, str]] = [{} for _ in range(width)]

    def add(self, row: Iterable[Cell]) -> None:
        """Add a row, as long as the columns are."""
        for value, column, seen in zip(row, self.lists, self._seen, strict=True):
            if isinstance(value, str):
                held = seen.get(value)
                if held is None and len(seen) < SHARED:
                    held = seen[value] = value
                column.append(held or value)
            else:
                column.append(value)

    def __len__(self) -> int:
        return len(self.lists[0]) if self.lists else 0


@dataclass
class Frame:
    """Named columns read from a data file or from a spec, before a table is made of them."""

    names: list[str]
    """Column names, from the header."""
    columns: list[list[Cell]]
    """Values, one list per column, all as long."""
    locate: Callable[[int, int], Pos]
    """Where the value at (row index, column index) was read, for messages."""
    text: bool = False
    """The values were read as text (CSV), so their types are to be inferred."""

    @property
    def count(self) -> int:
        """Number of rows."""
        return len(self.columns[0]) if self.columns else 0


@dataclass(frozen=True)
class SourceOptions:
    """How to read a data file, from the keys beside ``source:``."""

    delimiter: str = ","
    """Separator of CSV values."""
    encoding: str = "utf-8"
    """Text encoding of CSV and JSON files; with UTF-8, a leading byte-order mark is skipped."""
    sheet: str | None = None
    """The .xlsx sheet; the first when None."""
    range: str | None = None
    """The .xlsx cells holding header and rows, e.g. ``B3:F40``; the used area when None."""


def read(path: Path, shown: str, options: SourceOptions) -> Frame:
    """The header and rows of a data file; raises DataError."""
    kind = path.suffix.lower()
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DataError(f"cannot read '{path.name}': {exc.strerror}") from exc
    if size > current().data_bytes:
        raise DataError(f"'{path.name}' is {size:,} bytes, more than a data file may be ({current().data_bytes:,})")
    if kind in (".csv", ".tsv", ".txt"):
        return _csv(path, shown, options)
    if kind == ".json":
        return _json(path, shown, options)
    if kind in (".xlsx", ".xlsm"):
        return _xlsx(path, shown, options)
    raise DataError(f"'{path.name}' is not a data file briefing reads (use .csv, .json or .xlsx)")


def _header(values: list[Any], where: Callable[[int], Pos]) -> list[str]:
    names = []
    for i, value in enumerate(values):
        name = "" if value is None else str(value).strip()
        if not name:
            raise DataError(f"column {i + 1} of the header has no name", where(i))
        if name in names:
            raise DataError(f"column name '{name}' appears twice in the header", where(i))
        names.append(name)
    if not names:
        raise DataError("the data has no header row", where(0))
    return names


def _csv(path: Path, shown: str, options: SourceOptions) -> Frame:
    lines = array("L")  # where each row starts, for messages: a machine word a row
    csv.field_size_limit(current().data_value_length)
    try:
        with _decoding(path, options), path.open(encoding=_codec(options.encoding), newline="") as handle:
            reader = csv.reader(handle, delimiter=options.delimiter, strict=True)
            names = _header(next(reader, []), lambda i: Pos(shown, 1, i + 1))
            if len(names) > current().data_columns:
                raise DataError(f"more than {current().data_columns:,} columns in the header", Pos(shown, 1, 1))
            columns = Columns(len(names))
            for record in reader:
                fields = [None if not field or field.isspace() else field for field in record]
                if len(record) != len(names):
                    if not any(fields):
                        continue  # blank lines, often at the end
                    found = f"{len(record)} value{'s' if len(record) != 1 else ''}"
                    raise DataError(f"row has {found}, but the header has {len(names)}", Pos(shown, reader.line_num, 1))
                if not any(fields):
                    continue
                columns.add(fields)
                lines.append(reader.line_num)
                _count(len(lines), shown, len(names))
    except csv.Error as exc:
        raise DataError(f"'{path.name}' is not readable CSV: {exc}") from exc
    return Frame(names, columns.lists, lambda row, col: Pos(shown, lines[row], col + 1), text=True)


@contextmanager
def _decoding(path: Path, options: SourceOptions) -> Iterator[None]:
    """Text that is not in its encoding, or an encoding that does not exist, as one line for the user."""
    try:
        yield
    except UnicodeDecodeError as exc:
        raise DataError(f"'{path.name}' is not {options.encoding} text ({exc.reason}); set encoding:") from exc
    except LookupError as exc:
        raise DataError(f"unknown encoding '{options.encoding}'") from exc


def _codec(encoding: str) -> str:
    # Excel writes UTF-8 CSV with a byte-order mark; utf-8-sig reads files with and without one.
    return "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding


def _json(path: Path, shown: str, options: SourceOptions) -> Frame:
    with _decoding(path, options):
        text = path.read_text(encoding=_codec(options.encoding))
    items = list(_json_items(text, shown))
    if not items:
        raise DataError("the JSON list is empty; it needs a header or objects", Pos(shown, 1, 1))
    places = [pos for pos, _ in items]
    if all(isinstance(item, dict) for _, item in items):
        # Objects: the columns are their keys, in the order first seen.
        names = list(dict.fromkeys(key for _, item in items for key in item))
        columns = Columns(len(names))
        for pos, item in items:
            columns.add([_json_value(item.get(name), pos, shown) for name in names])
        return Frame(names, columns.lists, lambda row, col: places[row])
    if all(isinstance(item, list) for _, item in items):
        head_pos, head = items[0]
        names = _header(head, lambda i: head_pos)
        columns = Columns(len(names))
        for pos, item in items[1:]:
            if len(item) != len(names):
                raise DataError(f"row has {len(item)} values, but the header has {len(names)}", pos)
            columns.add([_json_value(value, pos, shown) for value in item])
        return Frame(names, columns.lists, lambda row, col: places[row + 1])
    raise DataError("expected a list of objects, or a list of lists with a header first", Pos(shown, 1, 1))


def _json_items(text: str, shown: str) -> Iterator[tuple[Pos, Any]]:
    """The items of a top-level JSON list, each with where it starts."""
    decoder = json.JSONDecoder()
    space = re.compile(r"\s*")
    at = space.match(text, 0).end()  # type: ignore[union-attr]
    if not text.startswith("[", at):
        raise DataError("expected a JSON list", _text_pos(text, at, shown))
    at = space.match(text, at + 1).end()  # type: ignore[union-attr]
    if text.startswith("]", at):
        return
    count = 0
    while True:
        try:
            item, end = decoder.raw_decode(text, at)
        except json.JSONDecodeError as exc:
            raise DataError(f"not valid JSON: {exc.msg}", _text_pos(text, exc.pos, shown)) from exc
        except RecursionError:
            raise DataError(
                "JSON nested too deeply; table rows are lists or objects of values", _text_pos(text, at, shown)
            ) from None
        yield _text_pos(text, at, shown), item
        count += 1
        _count(count, shown)
        at = space.match(text, end).end()  # type: ignore[union-attr]
        if text.startswith("]", at):
            return
        if not text.startswith(",", at):
            raise DataError("expected , or ] after a list item", _text_pos(text, at, shown))
        at = space.match(text, at + 1).end()  # type: ignore[union-attr]


def _text_pos(text: str, offset: int, shown: str) -> Pos:
    line = text.count("\n", 0, offset) + 1
    return Pos(shown, line, offset - (text.rfind("\n", 0, offset) + 1) + 1)


def _json_value(value: Any, pos: Pos, shown: str) -> Cell:
    if isinstance(value, (dict, list)):
        raise DataError("a value is a JSON object or list; table values must be single values", pos)
    if isinstance(value, str):
        if len(value) > current().data_value_length:
            raise DataError(f"a value of {len(value):,} characters (at most {current().data_value_length:,})", pos)
        bad = unencodable(value)
        if bad is not None:
            raise DataError(f"'\\u{ord(bad):04x}' is half of a character pair, which no file can hold", pos)
    if isinstance(value, float) and not math.isfinite(value):
        raise DataError("a value is not a finite number", pos)
    return value  # type: ignore[no-any-return]


def _xlsx(path: Path, shown: str, options: SourceOptions) -> Frame:
    # Imported here: only specs with an .xlsx source pay for openpyxl.
    from openpyxl import load_workbook
    from openpyxl.utils.cell import range_boundaries

    _unpacked_size(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for files it cannot read
        raise DataError(f"'{path.name}' is not a readable .xlsx workbook") from exc
    try:
        if options.sheet is not None and options.sheet not in book.sheetnames:
            raise DataError(f"no sheet '{options.sheet}' in '{path.name}' (it has: {', '.join(book.sheetnames)})")
        sheet = book[options.sheet] if options.sheet is not None else book.worksheets[0]
        if options.range:
            try:
                min_col, min_row, max_col, max_row = range_boundaries(options.range)
            except ValueError as exc:
                raise DataError(f"'{options.range}' is not a range of cells such as B3:F40") from exc
        else:
            # The size a sheet declares (its <dimension>) is not trusted: a hostile one claims
            # millions of rows and columns. The header row says how wide the data is.
            sheet.reset_dimensions()
            min_col = min_row = 1
            max_col = max_row = None
        head = sheet.iter_rows(min_row=min_row, max_row=min_row, min_col=min_col, max_col=max_col, values_only=True)
        first = list(next(head, ()))[: current().data_columns + 1]
        names = _header(_trim(first), lambda i: Pos(shown, min_row, min_col + i))
        if len(names) > current().data_columns:
            raise DataError(f"more than {current().data_columns:,} columns in the header", Pos(shown, min_row, min_col))
        last_col = min_col + len(names) - 1 if max_col is None else max_col
        cells = sheet.iter_rows(
            min_row=min_row + 1, max_row=max_row, min_col=min_col, max_col=last_col, values_only=True
        )
        columns = Columns(len(names))
        numbers = array("L")
        empty = 0
        for number, values in enumerate(cells, min_row + 1):
            row = [_xlsx_value(v) for v in list(values)[: len(names)]]
            row += [None] * (len(names) - len(row))
            if any(v is not None for v in row):
                columns.add(row)
                numbers.append(number)
                _count(len(numbers), shown, len(names))
                empty = 0
            else:
                empty += 1
                if empty > current().data_empty_rows:
                    message = (
                        f"more than {current().data_empty_rows:,} empty rows in a row; "
                        "give range: to say where the data is"
                    )
                    raise DataError(message, Pos(shown, number, min_col))
    except DataError:
        raise
    except Exception as exc:  # the sheet's XML is read as rows come; a broken or hostile one fails here
        raise DataError(f"'{path.name}' is not a readable .xlsx workbook ({type(exc).__name__})") from exc
    finally:
        book.close()
    return Frame(names, columns.lists, lambda row, col: Pos(shown, numbers[row], min_col + col))


def _trim(header: list[Any]) -> list[Any]:
    """A header row without the empty cells after its last name."""
    while header and (header[-1] is None or str(header[-1]).strip() == ""):
        header.pop()
    return header


def _xlsx_value(value: Any) -> Cell:
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()  # a date cell: openpyxl reads every date as a datetime
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, (int, float, bool, dt.date)) or value is None:
        return value
    return str(value)  # times and durations are shown as written


def _count(rows: int, shown: str, columns: int = 1) -> None:
    limits = current()
    if rows > limits.data_rows:
        raise DataError(f"more than {limits.data_rows:,} rows; filter or split the data", Pos(shown, 1, 1))
    if rows * columns > limits.data_values:
        raise DataError(f"more than {limits.data_values:,} values; filter or split the data", Pos(shown, 1, 1))


def _unpacked_size(path: Path) -> None:
    """Refuse a workbook that unpacks to more than the data limit (a 1 MB file can hold a 1 GB string)."""
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise DataError(f"'{path.name}' is not a readable .xlsx workbook") from exc
    if total > current().data_bytes:
        limit = current().data_bytes
        raise DataError(f"'{path.name}' unpacks to {total:,} bytes, more than a data file may be ({limit:,})")
