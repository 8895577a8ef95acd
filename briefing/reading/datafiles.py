"""Data files a table or chart takes its rows from: CSV, JSON and .xlsx sheets."""

from __future__ import annotations

import codecs
import csv
from array import array
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..limits import current
from ..model import Cell, Pos


class DataError(Exception):
    """A data file cannot be read; ``pos`` is in the data file when known, else None."""

    def __init__(self, message: str, pos: Pos | None = None) -> None:
        super().__init__(message)
        self.pos = pos


SHARED = 4096
"""Distinct texts per column held once however often they repeat (regions, dates, yes and no).

A column of all-different texts stops sharing once it has this many: remembering each would
cost more than it saves."""


JSON_LINES = (".jsonl", ".ndjson")
"""Suffixes of JSON-lines files: one object (or list) a line."""


LONG = 50_000
"""Rows from which a table keeps a column of a CSV file as Arrow read it (arrow_store.Taken), not as a tuple."""


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
    kinds: dict[int, str] = field(default_factory=dict)
    """Columns already read as a type, in place: shared by every table that uses the same file."""
    found: dict[tuple[str, int], Any] = field(default_factory=dict)
    """What reading a column's type found (the type it looks like, its bad values), shared likewise."""

    @property
    def count(self) -> int:
        """Number of rows."""
        if isinstance(self.columns, Held):
            return self.columns.store.length
        return len(self.columns[0]) if self.columns else 0

    @property
    def store(self) -> Any:
        """The columns as read by Arrow (a ``columnar.TextStore``), typed there; None for columns held as lists."""
        return self.columns.store if isinstance(self.columns, Held) else None

    def use(self) -> Frame:
        """The frame for one more table: the same columns, in a list of its own (a table drops them when done)."""
        return Frame(self.names, self.columns.copy(), self.locate, self.text, self.kinds, self.found)


class Held(list):  # type: ignore[type-arg]
    """A table's list of columns whose values are held as Arrow arrays, each made a list when first asked for.

    The store is shared by every table that uses the file; a column one table replaces or
    adds (a computed column, a column let go) is its own.
    """

    def __init__(self, store: Any, own: dict[int, list[Cell]] | None = None, added: list[Any] | None = None) -> None:
        super().__init__()
        self.store = store
        self._own = dict(own or {})
        self._added = list(added or [])

    def __getitem__(self, col: Any) -> Any:
        if col in self._own:
            return self._own[col]
        if col < self.store.width:
            return self.store.column(col)
        return self._added[col - self.store.width]

    def __setitem__(self, col: Any, values: Any) -> None:
        self._own[col] = values

    def __len__(self) -> int:
        return self.store.width + len(self._added)

    def __bool__(self) -> bool:
        return len(self) > 0

    def __iter__(self) -> Iterator[list[Cell]]:
        return (self[col] for col in range(len(self)))

    def append(self, values: Any) -> None:
        self._added.append(values)

    def shared(self, col: int) -> bool:
        """Whether the column is the file's own, as held by the store (not one this table replaced or added)."""
        return col < self.store.width and col not in self._own

    def copy(self) -> Held:
        return Held(self.store, self._own, self._added)


class Spent(DataError):
    """The spec's data budget ran out at an earlier table, where it was reported: the later ones say nothing more."""


class DataFiles:
    """The data files of one spec: each read once, however many tables and charts use it, and every use counted.

    Twenty tables on one million-row file would otherwise read it twenty times and hold
    twenty copies. Each use still costs work in proportion to the file (its rows are
    filtered, sorted and copied), so every use counts against ``data_values_used``.
    """

    def __init__(self) -> None:
        self._read: dict[tuple[Path, SourceOptions], Frame | DataError] = {}
        self.used = 0

    def frame(self, path: Path, shown: str, options: SourceOptions, fresh: bool = False) -> Frame:
        """The file's frame for one table; ``fresh`` reads it again (a table that needs a column as another type)."""
        key = (path.resolve(), options)
        found = None if fresh else self._read.get(key)
        if found is None:
            try:
                found = read(path, shown, options)
                if found.store is None:  # Arrow's columns had their missing values blanked as they were read
                    blank_missing(found.columns, options.missing)
            except DataError as exc:
                found = exc
            except MemoryError:  # under a memory limit: still one line, at the table's source
                found = DataError(f"'{path.name}' needs more memory than there is to read; filter or split the data")
            if not fresh:
                self._read[key] = found
        if isinstance(found, DataError):
            raise found
        limit = current().data_values_used
        if self.used > limit:
            raise Spent("")
        self.used += found.count * max(len(found.names), 1)
        if self.used > limit:
            raise DataError(
                f"the spec's tables and charts take more than {limit:,} values from data files "
                "(a file used by two tables counts twice); filter the data or split the spec"
            )
        return found.use()


def blank_missing(columns: list[list[Cell]], missing: tuple[str, ...]) -> None:
    """Make the values that mean "no value" empty cells, in place, before any type is read."""
    if not missing:
        return
    wanted = frozenset(missing)
    for column in columns:
        for i, value in enumerate(column):
            if isinstance(value, str) and value.strip() in wanted:
                column[i] = None


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
    missing: tuple[str, ...] = ()
    """Texts that mean "no value" (``missing: ["n/a", "-"]``): read as empty cells."""


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
        from .arrow_csv import read_csv  # only specs with a CSV source pay for pyarrow

        return read_csv(path, shown, options) or _csv(path, shown, options)
    if kind == ".json":
        from .json_files import read_json

        return read_json(path, shown, options)
    if kind in JSON_LINES:
        from .arrow_json import read_json_lines  # only specs with a JSON-lines source pay for pyarrow
        from .json_files import read_lines

        return read_json_lines(path, shown, options) or read_lines(path, shown, options)
    if kind in (".xlsx", ".xlsm"):
        from .workbooks import read_xlsx  # only specs with an .xlsx source pay for openpyxl

        return read_xlsx(path, shown, options)
    raise DataError(f"'{path.name}' is not a data file briefing reads (use .csv, .json, .jsonl or .xlsx)")


def header(values: list[Any], where: Callable[[int], Pos]) -> list[str]:
    """Column names from a header row; refuses an empty or repeated name."""
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
    """A CSV file read a row at a time by Python's csv module: what Arrow does not read as Python would."""
    lines = array("L")  # where each row starts, for messages: a machine word a row
    names: list[str] = []
    columns = Columns(0)
    for line, fields in csv_records(path, shown, options):
        if line == 1 and not names:
            names = fields  # type: ignore[assignment]
            columns = Columns(len(names))
            continue
        columns.add(fields)
        lines.append(line)
        count_rows(len(lines), shown, len(names))
    return Frame(names, columns.lists, lambda row, col: Pos(shown, lines[row], col + 1), text=True)


_BLOCK = 1 << 20
"""Bytes of a file read at a time when looking for a byte that is not text."""


def csv_records(path: Path, shown: str, options: SourceOptions) -> Generator[tuple[int, list[str | None]]]:
    """The header's names (as line 1), then each row that is not blank with the line it ends on; raises DataError."""
    csv.field_size_limit(current().data_value_length)
    start = 1  # the line the record being read starts on: where a quote left open was opened
    try:
        with _decoding(path, shown, options), path.open(encoding=_codec(options.encoding), newline="") as handle:
            reader = csv.reader(handle, delimiter=options.delimiter, strict=True)
            names = header(next(reader, []), lambda i: Pos(shown, 1, i + 1))
            if len(names) > current().data_columns:
                raise DataError(f"more than {current().data_columns:,} columns in the header", Pos(shown, 1, 1))
            yield 1, names  # type: ignore[misc]
            while True:
                start = reader.line_num + 1
                if (record := next(reader, None)) is None:
                    break
                fields = [None if not field or field.isspace() else field for field in record]
                if len(record) != len(names):
                    if not any(fields):
                        continue  # blank lines, often at the end
                    found = f"{len(record)} value{'s' if len(record) != 1 else ''}"
                    raise DataError(f"row has {found}, but the header has {len(names)}", Pos(shown, reader.line_num, 1))
                if any(fields):
                    yield reader.line_num, fields
    except csv.Error as exc:
        raise DataError(_csv_reason(exc, options), Pos(shown, start, 1)) from exc


def _csv_reason(exc: csv.Error, options: SourceOptions) -> str:
    """Python's reason a CSV row cannot be read, in the user's words, with the fix where one is known."""
    reason = str(exc)
    if reason == "unexpected end of data":
        return 'a quote opened in this row is never closed: close it, or write a quote inside a value twice ("")'
    if reason.startswith(f"'{options.delimiter}' expected after '\"'"):
        return 'a quoted value goes on after its closing quote: write a quote inside a value twice ("")'
    return f"this row is not readable CSV: {reason}"


@contextmanager
def _decoding(path: Path, shown: str, options: SourceOptions) -> Iterator[None]:
    """Text that is not in its encoding, told at its first such byte, or an encoding that does not exist,
    as one line for the user."""
    try:
        yield
    except UnicodeDecodeError as exc:
        told = f"a byte that is not {options.encoding} text ({exc.reason}); set encoding: to the file's own"
        at = _first_undecodable(path, shown, _codec(options.encoding))
        raise DataError(told if at else f"'{path.name}' holds {told}", at) from exc
    except LookupError as exc:
        raise DataError(f"unknown encoding '{options.encoding}'") from exc


def _first_undecodable(path: Path, shown: str, codec: str) -> Pos | None:
    """Where the first byte that is not text in ``codec`` is: its line, and its column in characters.
    Read a block at a time, so that a file of one long line is never held whole."""
    decoder = codecs.getincrementaldecoder(codec)()
    line, column = 1, 1
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            try:
                text = decoder.decode(block)
            except UnicodeDecodeError as exc:  # exc.object: the bytes held back before, then this block
                good = bytes(exc.object[: exc.start]).decode(codec, errors="replace")
                line, column = _advanced(line, column, good)
                return Pos(shown, line, column)
            line, column = _advanced(line, column, text)
    return None


def _advanced(line: int, column: int, text: str) -> tuple[int, int]:
    """The line and column just after ``text``, read from ``line`` and ``column``."""
    breaks = text.count("\n")
    return (line + breaks, len(text) - text.rfind("\n")) if breaks else (line, column + len(text))


def _codec(encoding: str) -> str:
    # Excel writes UTF-8 CSV with a byte-order mark; utf-8-sig reads files with and without one.
    return "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding


def count_rows(rows: int, shown: str, columns: int = 1) -> None:
    """Refuse a data file past the rows or values one file may have."""
    limits = current()
    if rows > limits.data_rows:
        raise DataError(f"more than {limits.data_rows:,} rows; filter or split the data", Pos(shown, 1, 1))
    if rows * columns > limits.data_values:
        raise DataError(
            f"more than {limits.data_values:,} values; filter or split the data, "
            "or allow more with data_values: in a --limits file (for data you trust)",
            Pos(shown, 1, 1),
        )
