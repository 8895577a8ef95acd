"""JSON-lines data files read by Arrow: parsed in blocks by pyarrow's JSON reader, each column as its distinct values.

Python's json module reads a million-row file a line at a time, a dictionary a row.
Here pyarrow parses it, and each column is kept as its distinct values once and, per
row, which one (arrow_store.TextStore, already typed): a long table's rows keep it so.

What the file says is what the line-by-line reader (json_files.read_lines) would make of
it, or Arrow leaves the file to that reader, which says where and why. Arrow reads a
file only when each line is one object, starting at the line's start ('{' after each
newline, '}' before it), so a row's place is its line; a value Arrow would give another
type than Python does is left out or looked at again:
- a number column holding a whole number (2, 2.0, 1e3): Arrow gives a float for all of
  them once one is, where Python keeps 2 an int, so those rows' lines are read by Python;
- a text Arrow reads as a time ("2026-01-05"): the file is read again with the column as
  text;
- an object or a list as a value, a value of two kinds in one column, a key twice in an
  object, text that is not UTF-8, a number that is not finite, a text longer than a value
  may be, a blank line: the line-by-line reader reads the file, and says what is wrong.
"""

from __future__ import annotations

import json
import mmap
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pajson

from ..limits import current
from ..model import Cell, Pos
from .arrow_store import TextStore
from .arrow_types import POOL
from .datafiles import Frame, Held, SourceOptions, count_rows
from .json_files import longest_line

BLOCK = 1 << 22
"""Bytes of the file parsed at a time (the longest line Arrow reads; a longer one is left to Python)."""

SPACE = b" \t\r\n"
"""JSON's space between values."""


def read_json_lines(path: Path, shown: str, options: SourceOptions) -> Frame | None:
    """The file's columns, or None when the line-by-line reader is to read it (and say what is wrong)."""
    if options.encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
        return None  # other encodings: Python decodes them as it reads
    lines = _lines(path)
    if lines is None:
        return None
    try:
        first = _first_block(path)
        count_rows(lines, shown, len(first))  # the budgets, before the whole file is read
        table = _read(path, first)
    except MemoryError:
        raise  # pyarrow's ArrowMemoryError too: worded at the table's source
    except (pa.ArrowException, UnicodeDecodeError):
        # A value of two kinds in a column, a key twice in an object, text that is not UTF-8,
        # a line that is not one object, or Arrow unable to start its threads under a limit
        # on address space: the line-by-line reader reads it.
        return None
    if table is None or table.num_rows != lines or not table.num_columns:
        return None
    names = table.column_names
    count_rows(table.num_rows, shown, len(names))
    held = _held(path, table, options)
    if held is None:
        return None
    return Frame(names, Held(held), lambda row, col: Pos(shown, row + 1, 1))


def _lines(path: Path) -> int | None:
    """How many lines the file has, when each starts with '{' and ends with '}' (no blank line, no space
    around the row) and holds no other brace or bracket: then Arrow's rows are the file's lines, one each,
    and no row is nested (Arrow's parser would recurse as deep as the nesting goes). None for any other file.
    """
    longest = longest_line()
    with path.open("rb") as handle:
        end = _end(handle, handle.seek(0, 2))
        if end is None:
            return None
        handle.seek(0)
        lines, at, start = 1, 0, 0  # start: where the line being read starts
        carry, brace = b"", True  # the two bytes before the block; whether it is to start with '{'
        while at < end:
            block = handle.read(min(BLOCK, end - at))
            if brace and not block.startswith(b"{"):
                return None
            if block.count(b"{") + block.count(b"[") != block.count(b"\n") + (at + len(block) == end):
                return None  # an object or a list in a row (or a brace in a text): nesting is Python's to read
            data = np.frombuffer(carry + block, dtype=np.uint8)
            found = np.flatnonzero(data[len(carry) :] == 10) + len(carry)
            if len(found):
                before = data[found - 1]
                closed = (before == ord("}")) | ((before == ord("\r")) & (data[found - 2] == ord("}")))
                following = found[found + 1 < len(data)] + 1
                if not closed.all() or not (data[following] == ord("{")).all():
                    return None
                starts = found + (at - len(carry) + 1)
                if np.diff(starts, prepend=start).max() > longest:
                    return None  # a line longer than a row may be: Python refuses it
                start = int(starts[-1])
                lines += len(found)
            brace = bool(len(found)) and found[-1] == len(data) - 1
            at += len(block)
            carry = bytes(data[-2:])
        if end - start > longest:
            return None
    return lines


def _end(handle: Any, size: int) -> int | None:
    """Where the file's last row ends (space after it let go), if the file ends with '}'."""
    tail = max(size - 4096, 0)
    handle.seek(tail)
    text = handle.read().rstrip(SPACE)
    if not text.endswith(b"}"):
        return None  # empty, all space, more space than a tail holds, or not an object at the end
    return tail + len(text)


def _first_block(path: Path) -> pa.Schema:
    """The columns of the first block's rows, as Arrow types them (the budgets are counted on them)."""
    with path.open("rb") as handle:
        block = handle.read(BLOCK)
    if len(block) == BLOCK:
        block = block[: block.rfind(b"\n") + 1]
    return _parse(pa.BufferReader(block), {}).schema


def _read(path: Path, first: pa.Schema) -> pa.Table | None:
    """The file as Arrow reads it: a column that is text written as times (which Arrow makes times) read as text."""
    texts = [field.name for field in first if pa.types.is_timestamp(field.type)]
    for _ in range(2):
        table = _parse(pa.OSFile(str(path), memory_pool=POOL), {name: pa.string() for name in texts})
        times = [field.name for field in table.schema if pa.types.is_timestamp(field.type)]
        if not times:
            # Columns given as text come first in Arrow's table: back in the order they are first seen.
            order = [name for name in first.names if name in table.column_names]
            order += [name for name in table.column_names if name not in order]
            return table.select(order) if order != table.column_names else table
        texts += times
    return None


def _parse(source: Any, texts: dict[str, pa.DataType]) -> pa.Table:
    return pajson.read_json(
        source,
        read_options=pajson.ReadOptions(block_size=BLOCK, use_threads=True),
        parse_options=pajson.ParseOptions(
            explicit_schema=pa.schema(list(texts.items())) if texts else None,
            newlines_in_values=False,
            unexpected_field_behavior="infer",
        ),
        memory_pool=POOL,
    )


def _held(path: Path, table: pa.Table, options: SourceOptions) -> TextStore | None:
    """Each column as its distinct values and, per row, which (-1: no value); None if one is not as Python reads it."""
    names, columns = table.column_names, table.columns
    count = table.num_rows
    del table
    entries: list[list[Cell] | np.ndarray] = []
    indices: list[np.ndarray] = []
    lines = _LineReader(path)
    try:
        for name, n in zip(names, range(len(columns)), strict=True):
            column, columns[n] = columns[n], None
            made = _values(column, name, lines)
            del column
            if made is None:
                return None
            entries.append(made[0])
            indices.append(made[1])
    finally:
        lines.close()
    store = TextStore([None] * len(names), indices, count)
    missing = frozenset(options.missing)
    for col, values in enumerate(entries):
        if missing and isinstance(values, list):
            # ``missing:`` texts are empty values, compared without the space around them, as Python's reader does
            values = [None if isinstance(v, str) and v.strip() in missing else v for v in values]
        store.typed(col, values)
    POOL.release_unused()
    return store


Values = tuple[list[Cell] | np.ndarray, np.ndarray]
"""A column's distinct values (a list, or float64 for floats alone) and, per row, which (-1: none)."""


def _values(column: pa.ChunkedArray, name: str, lines: _LineReader) -> Values | None:
    """A column's distinct values as Python's json module gives them, and each row's (-1: none)."""
    kind = column.type
    if pa.types.is_null(kind):
        return [], np.full(len(column), -1, dtype=np.int32)
    if kind not in (pa.int64(), pa.float64(), pa.bool_(), pa.string()):
        return None  # an object or a list as a value: Python says which row
    whole = column.combine_chunks(memory_pool=POOL)
    if pa.types.is_string(kind) and whole.null_count < len(whole):
        longest = pc.max(pc.utf8_length(whole, memory_pool=POOL), memory_pool=POOL).as_py()
        if longest > current().data_value_length:
            return None  # longer than a value may be: Python says which row
    encoded = pc.dictionary_encode(whole, memory_pool=POOL)
    del whole
    rows = pc.coalesce(encoded.indices, pa.scalar(-1, pa.int32(), memory_pool=POOL), memory_pool=POOL)
    rows = np.array(rows.to_numpy(zero_copy_only=True), dtype=np.int32)
    dictionary = encoded.dictionary
    if not pa.types.is_float64(kind):
        return dictionary.to_pylist(), rows
    numbers = np.array(dictionary.to_numpy(zero_copy_only=True), dtype=np.float64)
    if not np.isfinite(numbers).all():
        return None  # NaN or Infinity: Python says which row
    whole_numbers = numbers == np.floor(numbers)
    if not whole_numbers.any():
        return numbers, rows
    return _as_written(numbers, whole_numbers, rows, name, lines), rows


def _as_written(
    numbers: np.ndarray, whole_numbers: np.ndarray, rows: np.ndarray, name: str, lines: _LineReader
) -> list[Cell]:
    """A number column's values where some are whole: each of those rows' value read from its line by Python
    (2 is an int, 2.0 a float, -0.0 not 0.0, and an integer of any length exact); ``rows`` made to point at them."""
    values: list[Cell] = numbers.tolist()
    made: dict[tuple[str, str], int] = {}
    for row in np.flatnonzero(whole_numbers[rows] & (rows >= 0)).tolist():
        value = json.loads(lines.line(row))[name]
        key = (type(value).__name__, repr(value))
        at = made.get(key)
        if at is None:
            at = made[key] = len(values)
            values.append(value)
        rows[row] = at
    return values


class _LineReader:
    """The file's lines by number, for the few rows Python reads again; the lines' starts found when first asked."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle: Any = None
        self.map: mmap.mmap | None = None
        self.starts: np.ndarray | None = None

    def line(self, row: int) -> bytes:
        if self.map is None:
            self.handle = self.path.open("rb")
            self.map = mmap.mmap(self.handle.fileno(), 0, access=mmap.ACCESS_READ)
            self.starts = _starts(self.map)
        assert self.starts is not None
        start = int(self.starts[row])
        end = int(self.starts[row + 1]) if row + 1 < len(self.starts) else len(self.map)
        return self.map[start:end]

    def close(self) -> None:
        if self.map is not None:
            self.map.close()
            self.handle.close()


def _starts(data: mmap.mmap) -> np.ndarray:
    """Where each line starts, a block at a time."""
    found = [np.zeros(1, dtype=np.int64)]
    for at in range(0, len(data), BLOCK):
        block = np.frombuffer(data[at : at + BLOCK], dtype=np.uint8)
        found.append(np.flatnonzero(block == 10).astype(np.int64) + at + 1)
    starts = np.concatenate(found)
    return starts[starts < len(data)]
