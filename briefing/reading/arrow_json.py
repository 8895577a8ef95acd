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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pajson

from ..limits import current
from ..model import Cell, Pos
from .arrow_store import TextStore
from .arrow_types import POOL, np_bools
from .datafiles import Frame, Held, SourceOptions, count_rows
from .json_files import longest_line

BLOCK = 1 << 22
"""Bytes of the file parsed at a time; a line longer than half of it is left to Python."""

SLICE = 1 << 16
"""Rows whose lines are looked at again at a time (a whole number among floats)."""

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
        read = _stream(path, first, shown)
        if read is None:
            whole = _schema(path)
            read = None if whole is None else _stream(path, whole, shown)
    except MemoryError:
        raise  # pyarrow's ArrowMemoryError too: worded at the table's source
    except (pa.ArrowException, UnicodeDecodeError):
        # A value of two kinds in a column, a key twice in an object, text that is not UTF-8,
        # a line that is not one object, or Arrow unable to start its threads under a limit
        # on address space: the line-by-line reader reads it.
        return None
    if read is None or read.count != lines or not read.names:
        return None
    count_rows(read.count, shown, len(read.names))
    held = _held(path, read, options)
    if held is None:
        return None
    return Frame(read.names, Held(held), lambda row, col: Pos(shown, row + 1, 1))


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
        opened = 0  # braces and brackets: one a line, the row's own, in a file of flat rows
        carry, brace = b"", True  # the two bytes before the block; whether it is to start with '{'
        while at < end:
            block = handle.read(min(BLOCK, end - at))
            if brace and not block.startswith(b"{"):
                return None
            opened += block.count(b"{") + block.count(b"[")
            data = np.frombuffer(carry + block, dtype=np.uint8)
            found = np.flatnonzero(data[len(carry) :] == 10) + len(carry)
            if len(found):
                before = data[found - 1]
                closed = (before == ord("}")) | ((before == ord("\r")) & (data[found - 2] == ord("}")))
                following = found[found + 1 < len(data)] + 1
                if not closed.all() or not (data[following] == ord("{")).all():
                    return None
                starts = found + (at - len(carry) + 1)
                if np.diff(starts, prepend=start).max() > min(longest, BLOCK // 2):
                    return None  # a line longer than a row may be: Python refuses it
                start = int(starts[-1])
                lines += len(found)
            brace = bool(len(found)) and found[-1] == len(data) - 1
            at += len(block)
            carry = bytes(data[-2:])
        if end - start > min(longest, BLOCK // 2) or opened != lines:
            return None  # an object or a list in a row (or a brace in a text): nesting is Python's to read
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
    return _parse(block).schema


@dataclass
class Read:
    """A file's columns as Arrow read them: per column, its parts (a block's texts dictionary-encoded)."""

    names: list[str]
    types: list[pa.DataType]
    parts: list[list[pa.Array]]
    count: int


def _stream(path: Path, schema: pa.Schema, shown: str) -> Read | None:
    """The file read a block at a time as ``schema``'s columns (texts that Arrow takes for times as text), each
    block's texts held as their distinct texts; None when a block has another column, or a value of another type.

    The columns' types are given, so that Arrow never makes a column of numbers text (as it does reading a
    whole file when a later block has a text where an earlier one had numbers): a value of another kind
    than its column's leaves the file to Python.
    """
    fields = [(f.name, pa.string() if pa.types.is_timestamp(f.type) else f.type) for f in schema]
    if any(pa.types.is_null(kind) for _, kind in fields) and not schema.metadata:
        return None  # a column without a value in the first block: its type is found over the whole file
    given = pa.schema(fields)
    try:
        reader = pajson.open_json(
            pa.OSFile(str(path), memory_pool=POOL),
            read_options=pajson.ReadOptions(block_size=BLOCK, use_threads=True),
            parse_options=pajson.ParseOptions(
                explicit_schema=given, newlines_in_values=False, unexpected_field_behavior="error"
            ),
            memory_pool=POOL,
        )
        parts: list[list[pa.Array]] = [[] for _ in fields]
        shared: list[bool | None] = [None] * len(fields)  # texts held once each, block by block
        count = 0
        for batch in reader:
            for n, (column, part) in enumerate(zip(batch.columns, parts, strict=True)):
                if pa.types.is_string(column.type) and shared[n] is not False:
                    encoded = pc.dictionary_encode(column, memory_pool=POOL)
                    if shared[n] is None:
                        # Texts that mostly differ (names, references) are kept as they are: a dictionary
                        # per block, joined at the end, would cost more than it saves.
                        shared[n] = len(encoded.dictionary) * 2 <= len(column)
                    column = encoded if shared[n] else column
                part.append(column)
            count += batch.num_rows
            count_rows(count, shown, len(fields))
    except pa.ArrowInvalid:
        return None  # another column or type further on
    return Read(given.names, given.types, parts, count)


def _schema(path: Path) -> pa.Schema | None:
    """The columns of the whole file and their types, each block typed alone by Arrow and the blocks' types
    joined here (marked as the whole file's); None when two blocks' types do not join.

    Arrow's own joining of blocks, reading a file at once, makes a column of numbers text when a later
    block has text, and has crashed the process for a text in one block and a boolean in another.
    """
    columns: dict[str, pa.DataType] = {}
    for block in _blocks(path):
        for field in _parse(block).schema:
            kind = pa.string() if pa.types.is_timestamp(field.type) else field.type
            held = columns.setdefault(field.name, kind)
            if held == kind or pa.types.is_null(kind):
                continue
            if pa.types.is_null(held):
                columns[field.name] = kind
            elif {held, kind} == {pa.int64(), pa.float64()}:
                columns[field.name] = pa.float64()
            else:
                return None  # two kinds of value in one column: Python reads the file, and keeps them
    return pa.schema(list(columns.items())).with_metadata({"whole": "1"})


def _blocks(path: Path) -> Iterator[bytes]:
    """The file a block at a time, each block ending at a line's end."""
    carry = b""
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            block = carry + block
            cut = block.rfind(b"\n") + 1
            carry = block[cut:]
            if cut:
                yield block[:cut]
    if carry.strip():
        yield carry


def _parse(block: bytes) -> pa.Table:
    """One block read by Arrow, alone."""
    return pajson.read_json(
        pa.BufferReader(block),
        read_options=pajson.ReadOptions(block_size=max(len(block), 1) * 2, use_threads=False),
        parse_options=pajson.ParseOptions(newlines_in_values=False),
        memory_pool=POOL,
    )


def _held(path: Path, read: Read, options: SourceOptions) -> TextStore | None:
    """Each column as its distinct values and, per row, which (-1: no value); None if one is not as Python reads it."""
    entries: list[list[Cell] | np.ndarray | pa.Array] = []
    indices: list[np.ndarray] = []
    lines = _LineReader(path)
    try:
        for col, (name, kind) in enumerate(zip(read.names, read.types, strict=True)):
            parts, read.parts[col] = read.parts[col], []
            made = _values(kind, parts, read.count, name, lines)
            del parts
            if made is None:
                return None
            entries.append(made[0])
            indices.append(made[1])
    finally:
        lines.close()
    # Texts stay Arrow's, made Python values only when a table asks for them (typed as a CSV's texts are
    # typed, when a table forces a type); with ``missing:``, they are compared as Python compares them.
    missing = frozenset(options.missing)
    held = [v if isinstance(v, pa.Array) and not missing else None for v in entries]
    store = TextStore(held, indices, read.count)
    for col, values in enumerate(entries):
        if held[col] is not None:
            continue
        if isinstance(values, pa.Array):
            values = values.to_pylist()
        if missing and isinstance(values, list):
            # ``missing:`` texts are empty values, compared without the space around them, as Python's reader does
            values = [None if isinstance(v, str) and v.strip() in missing else v for v in values]
        store.typed(col, values)
    POOL.release_unused()
    return store


Values = tuple[list[Cell] | np.ndarray | pa.Array, np.ndarray]
"""A column's distinct values (texts as Arrow's, floats alone as float64, else a list) and, per row, which."""


def _values(kind: pa.DataType, parts: list[pa.Array], count: int, name: str, lines: _LineReader) -> Values | None:
    """A column's distinct values as Python's json module gives them, and each row's (-1: none)."""
    if pa.types.is_null(kind):
        return [], np.full(count, -1, dtype=np.int32)
    if kind not in (pa.int64(), pa.float64(), pa.bool_(), pa.string()):
        return None  # an object or a list as a value: Python says which row
    dictionary, rows = _encoded(kind, parts)
    if pa.types.is_string(kind) and len(dictionary):
        longest = pc.max(pc.utf8_length(dictionary, memory_pool=POOL), memory_pool=POOL).as_py()
        if longest > current().data_value_length:
            return None  # longer than a value may be: Python says which row
    if not pa.types.is_float64(kind):
        return (dictionary if pa.types.is_string(kind) else dictionary.to_pylist()), rows
    numbers = np.array(dictionary.to_numpy(zero_copy_only=True), dtype=np.float64)
    if not np.isfinite(numbers).all():
        return None  # NaN or Infinity: Python says which row
    whole_numbers = numbers == np.floor(numbers)
    if not whole_numbers.any():
        return numbers, rows
    return _as_written(numbers, whole_numbers, rows, name, lines), rows


def _encoded(kind: pa.DataType, parts: list[pa.Array]) -> tuple[pa.Array, np.ndarray]:
    """A column's distinct values, and per row which (-1: none), from its parts: one dictionary over them all."""
    if parts and pa.types.is_dictionary(parts[0].type):
        unified = pa.chunked_array(parts, type=parts[0].type).unify_dictionaries(memory_pool=POOL)
        parts.clear()
        dictionary = unified.chunks[0].dictionary
        indices = pa.concat_arrays([c.indices for c in unified.chunks], memory_pool=POOL)
        del unified
    else:
        whole = pa.chunked_array(parts, type=kind).combine_chunks(memory_pool=POOL)
        parts.clear()
        encoded = pc.dictionary_encode(whole, memory_pool=POOL)
        del whole
        dictionary, indices = encoded.dictionary, encoded.indices
    rows = pc.coalesce(indices, pa.scalar(-1, pa.int32(), memory_pool=POOL), memory_pool=POOL)
    return dictionary, np.array(rows.to_numpy(zero_copy_only=True), dtype=np.int32)


def _as_written(
    numbers: np.ndarray, whole_numbers: np.ndarray, rows: np.ndarray, name: str, lines: _LineReader
) -> list[Cell] | np.ndarray:
    """A number column's values where some are whole, as Python reads each: 2 an int, 2.0 a float.

    Which of those rows wrote a point or an exponent is found in their lines by Arrow's regular
    expressions; a row it does not find so (a key written with escapes), -0.0, and an integer
    too long for a float's 53 bits are read from their lines by Python. ``rows`` is made to point
    at the values added.
    """
    picked = np.flatnonzero(whole_numbers[rows] & (rows >= 0))
    if not len(picked):
        return numbers
    # A slice of rows at a time: their lines are copied out of the file to be looked at.
    slices = [lines.numbers(picked[at : at + SLICE], name) for at in range(0, len(picked), SLICE)]
    written = pa.concat_arrays(slices, memory_pool=POOL)
    found = np_bools(pc.is_valid(written, memory_pool=POOL))
    floats = found & np_bools(pc.match_substring_regex(written, "[.eE]", memory_pool=POOL))
    near = numbers[rows[picked]]
    integers = found & ~floats & (np.abs(near) < 2.0**53)
    # -0.0 and 0.0 may share an entry in Arrow's dictionary: a zero whose sign is not its entry's is Python's
    minus = np_bools(pc.starts_with(written, "-", memory_pool=POOL))
    slow = ~(floats | integers) | (floats & (near == 0) & (np.signbit(near) != minus))
    if not integers.any() and not slow.any():
        return numbers  # whole numbers all written as floats (2.0), as Python writes them: floats they stay
    values: list[Cell] = numbers.tolist()
    whole = near[integers].astype(np.int64)
    distinct, which = np.unique(whole, return_inverse=True)
    rows[picked[integers]] = len(values) + which
    values.extend(distinct.tolist())
    made: dict[tuple[str, str], int] = {}
    for row in picked[slow].tolist():
        value = json.loads(lines.line(row))[name]
        key = (type(value).__name__, repr(value))
        at = made.get(key)
        if at is None:
            at = made[key] = len(values)
            values.append(value)
        rows[row] = at
    return values


class _LineReader:
    """The file's lines by number, for the rows looked at again, read a block at a time (never the whole file
    at once); where the lines start is found when first asked."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle: Any = None
        self.starts: np.ndarray | None = None

    def _open(self) -> tuple[Any, np.ndarray]:
        if self.handle is None:
            self.handle = self.path.open("rb")
            self.starts = _starts(self.handle)
        assert self.starts is not None
        return self.handle, self.starts

    def line(self, row: int) -> bytes:
        handle, starts = self._open()
        handle.seek(int(starts[row]))
        return handle.read(int(starts[row + 1] - starts[row]))  # type: ignore[no-any-return]

    def numbers(self, rows: np.ndarray, name: str) -> pa.Array:
        """The number written for key ``name`` on each of ``rows``' lines (in order), as text (null where not
        found so); the lines a block's span at a time."""
        if any(c in name for c in '"\\') or not name.isprintable():
            return pa.nulls(len(rows), pa.large_string(), memory_pool=POOL)  # written with escapes: Python reads it
        key = "".join(f"\\x{ord(c):02x}" if c.isascii() and not c.isalnum() else c for c in name)
        pattern = '"' + key + '"[ \\t\\r]*:[ \\t\\r]*(?P<n>-?[0-9][0-9.eE+-]*)'
        handle, starts = self._open()
        ends = starts[rows + 1]
        found, at = [], 0
        while at < len(rows):
            low = int(starts[rows[at]])
            upto = max(int(np.searchsorted(ends, low + BLOCK, side="right")), at + 1)
            first, last = int(rows[at]), int(rows[upto - 1])
            handle.seek(low)
            data = handle.read(int(starts[last + 1]) - low)
            offsets = starts[first : last + 2] - low
            lines = pa.LargeStringArray.from_buffers(last + 1 - first, pa.py_buffer(offsets), pa.py_buffer(data))
            picked = pc.take(lines, pa.array(rows[at:upto] - first, memory_pool=POOL), memory_pool=POOL)
            matched = pc.extract_regex(picked, pattern, memory_pool=POOL)
            found.append(pc.struct_field(matched, [0], memory_pool=POOL))
            at = upto
        return pa.concat_arrays(found, memory_pool=POOL)

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()


def _starts(handle: Any) -> np.ndarray:
    """Where each line starts, a block at a time, and where the last ends (the file's end)."""
    found = [np.zeros(1, dtype=np.int64)]
    at = 0
    while block := handle.read(BLOCK):
        found.append(np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == 10).astype(np.int64) + at + 1)
        at += len(block)
    starts = np.concatenate(found)
    return np.append(starts[starts < at], at)
