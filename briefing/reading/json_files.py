"""JSON data files read by Python's json module: a list of rows (.json), or a row a line (.jsonl, .ndjson).

A row is an object, whose keys name the columns in the order they are first seen (a key a
row lacks is an empty value), or a list of values under a first list of column names.
Every value keeps the type JSON gives it. This is how a JSON list is read, and how a
JSON-lines file is read when Arrow does not read it as this would (arrow_json.py): each
mistake is said at the line and column of the row it is in.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..limits import current
from ..model import Cell, Pos
from .compose import unencodable
from .datafiles import Columns, DataError, Frame, SourceOptions, _codec, _decoding, count_rows, header

NESTED = "JSON nested too deeply; table rows are lists or objects of values"


def read_json(path: Path, shown: str, options: SourceOptions) -> Frame:
    """A file holding one JSON list of rows."""
    with _decoding(path, shown, options):
        text = path.read_text(encoding=_codec(options.encoding))
    items = list(_json_items(text, shown))
    if not items:
        raise DataError("the JSON list is empty; it needs a header or objects", Pos(shown, 1, 1))
    if not (all(isinstance(item, dict) for _, item in items) or all(isinstance(item, list) for _, item in items)):
        raise DataError("expected a list of objects, or a list of lists with a header first", Pos(shown, 1, 1))
    return rows_frame(items, shown)


def read_lines(path: Path, shown: str, options: SourceOptions) -> Frame:
    """A JSON-lines file: each line that is not blank holds one row, an object or a list."""
    items = list(_line_items(path, shown, options))
    if not items:
        raise DataError("the JSON-lines file is empty; it needs a header or objects", Pos(shown, 1, 1))
    start, kind = items[0][0], type(items[0][1])
    if kind not in (dict, list):
        raise DataError("expected an object or a list of values on each line", start)
    for pos, item in items:
        if type(item) is not kind:
            raise DataError(
                f"expected {'an object' if kind is dict else 'a list'} on each line, as on line {start.line}", pos
            )
    return rows_frame(items, shown)


def rows_frame(items: list[tuple[Pos, Any]], shown: str) -> Frame:
    """Columns from rows that are all objects, or all lists with the header first, each with where it starts."""
    places = [pos for pos, _ in items]
    if isinstance(items[0][1], dict):
        # Objects: the columns are their keys, in the order first seen.
        names = list(dict.fromkeys(key for _, item in items for key in item))
        count_rows(len(items), shown, len(names))
        columns = Columns(len(names))
        for pos, item in items:
            columns.add([_json_value(item.get(name), pos) for name in names])
        return Frame(names, columns.lists, lambda row, col: places[row])
    head_pos, head = items[0]
    names = header(head, lambda i: head_pos)
    count_rows(len(items) - 1, shown, len(names))
    columns = Columns(len(names))
    for pos, item in items[1:]:
        if len(item) != len(names):
            raise DataError(f"row has {len(item)} values, but the header has {len(names)}", pos)
        columns.add([_json_value(value, pos) for value in item])
    return Frame(names, columns.lists, lambda row, col: places[row + 1])


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
            raise DataError(NESTED, _text_pos(text, at, shown)) from None
        except ValueError as exc:  # an integer of more digits than Python reads
            raise DataError(_too_long(exc), _text_pos(text, at, shown)) from None
        yield _text_pos(text, at, shown), item
        count += 1
        count_rows(count, shown)
        at = space.match(text, end).end()  # type: ignore[union-attr]
        if text.startswith("]", at):
            return
        if not text.startswith(",", at):
            raise DataError("expected , or ] after a list item", _text_pos(text, at, shown))
        at = space.match(text, at + 1).end()  # type: ignore[union-attr]


def _line_items(path: Path, shown: str, options: SourceOptions) -> Iterator[tuple[Pos, Any]]:
    """The row on each line that is not blank, with where it starts; lines end at '\\n' alone, as JSON lines do."""
    count = 0
    with _decoding(path, shown, options), path.open(encoding=_codec(options.encoding), newline="\n") as handle:
        for number, line in _bounded(handle, shown):
            if not line or line.isspace():
                continue
            at = Pos(shown, number, len(line) - len(line.lstrip()) + 1)
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                # Past the line's end (a row not closed): said at its end, where the row was to go on.
                column = exc.colno if exc.lineno == 1 else len(line.rstrip("\r\n")) + 1
                raise DataError(f"not valid JSON: {exc.msg}", Pos(shown, number, column)) from exc
            except RecursionError:
                raise DataError(NESTED, at) from None
            except ValueError as exc:
                raise DataError(_too_long(exc), at) from None
            yield at, item
            count += 1
            count_rows(count, shown)


def _bounded(handle: Any, shown: str) -> Iterator[tuple[int, str]]:
    """The file's lines and their numbers, refusing a line longer than a row may be before it is held whole."""
    longest = longest_line()
    number = 0
    while line := handle.readline(longest + 1):
        number += 1
        if len(line) > longest and not line.endswith("\n"):
            raise DataError(
                f"a line of more than {longest:,} characters, more than a row may be", Pos(shown, number, 1)
            )
        yield number, line


def longest_line() -> int:
    """Characters a line of a JSON-lines file may have: two values as long as a value may be."""
    return 2 * current().data_value_length


def _too_long(exc: ValueError) -> str:
    digits = re.search(r"limit \((\d+) digits\)", str(exc))
    most = digits.group(1) if digits else "4300"
    return f"a number of more than {most} digits; write it as text (in quotes) or with an exponent"


def _text_pos(text: str, offset: int, shown: str) -> Pos:
    line = text.count("\n", 0, offset) + 1
    return Pos(shown, line, offset - (text.rfind("\n", 0, offset) + 1) + 1)


def _json_value(value: Any, pos: Pos) -> Cell:
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
