"""CSV data files read by Arrow: parsed in blocks by pyarrow's CSV reader, each column held as its distinct texts.

Python's csv module reads a million-row file in seconds, and typing its values one at a
time takes a minute. Here pyarrow parses the file a block at a time, each column
dictionary-encoded as it comes (a region, a date, "yes" held once), and a column's type
is read from its distinct texts (briefing/reading/arrow_types.py), not from every row. A
column of numbers, whose texts are nearly all distinct, is made numbers a block at a time
instead (briefing/reading/arrow_numbers.py), and its texts are read again from the file
only if a table wants them.

What the file says is what Python's reader would make of it: the header is read by
Python's csv module and checked as before; a file Arrow cannot parse as Python would (a
row of the wrong length, text not in its encoding, a value longer than a value may be)
is left to the line-by-line reader, which says where and why. Where each row stands in
the file is found only when a message needs it, by reading the file again line by line.
"""

from __future__ import annotations

import csv
import re
from array import array
from collections.abc import Collection
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..limits import current
from ..model import Pos
from . import arrow_numbers, arrow_types
from .arrow_store import TextStore
from .arrow_types import POOL
from .datafiles import Frame, Held, SourceOptions, count_rows, csv_records

BLOCK = 1 << 22
"""Bytes of the file parsed at a time: what Arrow holds of the text at once, beside the columns read."""

SAMPLE = 1 << 20
"""Bytes of the file's start read to choose the columns made numbers as they are read."""

TEXT = pa.dictionary(pa.int32(), pa.string())


def read_csv(path: Path, shown: str, options: SourceOptions) -> Frame | None:
    """The file's header and columns, or None when the line-by-line reader is to read it (and say what is wrong)."""
    if options.encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
        return None  # other encodings: Python decodes them as it reads
    names, raw = _header(path, shown, options)
    if raw is None:
        return None
    if _quote_out_of_place(path, options.delimiter):
        return None  # `"x"y`: Python's reader refuses it, and says where; Arrow would read `xy`
    try:
        store = _parse(path, shown, options, raw)
    except MemoryError:
        raise  # pyarrow's ArrowMemoryError too: worded at the table's source
    except (pa.ArrowException, UnicodeDecodeError):
        # A row of the wrong length, text that is not UTF-8, or Arrow unable to start its
        # threads under a limit on address space: the line-by-line reader reads it.
        return None
    if store is None:
        return None
    lines = Lines(path, shown, options)
    return Frame(names, Held(store), lines.at, text=True)


def _header(path: Path, shown: str, options: SourceOptions) -> tuple[list[str], list[str] | None]:
    """The header's names, checked, and as written (Arrow's names for the columns); raises DataError."""
    records = csv_records(path, shown, options)
    try:
        _, names = next(records)
    finally:
        records.close()
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            raw = next(csv.reader(handle, delimiter=options.delimiter, strict=True))
    except (UnicodeDecodeError, csv.Error):
        return names, None  # type: ignore[return-value]
    return names, raw  # type: ignore[return-value]


def _quote_out_of_place(path: Path, delimiter: str) -> bool:
    """Whether a quote may end a quoted field with more than a delimiter, a newline or a quote after it.

    Such a quote is a run of quotes inside a field, odd in length, or at a field's start, even
    in length, with another character after the run. In a quoted field Python's reader refuses
    it; in an unquoted one it is a quote like any letter. Either way the line-by-line reader
    reads the file and says which. Files without quotes are passed over at memchr's speed.
    """
    d = re.escape(delimiter.encode())
    after = rb'(?=[^"' + d + rb"\r\n])"
    misplaced = re.compile(rb'"(?:(?<=[^"' + d + rb'\r\n]")(?:"")*|(?<=[' + d + rb'\r\n]")"(?:"")*)' + after)
    tail = b"\n"  # the file's start is a field's start
    first = True
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            text = tail + (block.removeprefix(b"\xef\xbb\xbf") if first else block)
            first = False
            if b'"' in text and misplaced.search(text):
                return True
            tail = text[max(len(text.rstrip(b'"')) - 1, 0) :]  # a run of quotes across blocks, and what precedes it
    return False


def _reader(
    path: Path,
    options: SourceOptions,
    raw: list[str],
    numbers: Collection[str] = (),
    block: int = BLOCK,
    threads: bool = True,
    only: list[str] | None = None,
) -> Any:
    """Arrow's reader of the file (of the columns ``only`` names): those ``numbers`` names as plain texts, the
    others as distinct texts."""
    return pacsv.open_csv(
        pa.OSFile(str(path), memory_pool=POOL),
        read_options=pacsv.ReadOptions(block_size=block, use_threads=threads),
        parse_options=pacsv.ParseOptions(delimiter=options.delimiter, newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() if name in numbers else TEXT for name in raw},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            null_values=[],
            include_columns=only or [],
        ),
        memory_pool=POOL,
    )


def _numbers(path: Path, options: SourceOptions, raw: list[str]) -> set[str]:
    """The columns whose first rows are all plain numbers (or ``missing:`` texts), to be made numbers as they are
    read (arrow_numbers.py)."""
    try:
        first = _reader(path, options, raw, block=SAMPLE, threads=False).read_next_batch()
    except (pa.ArrowException, StopIteration):
        return set()  # the reading proper says what is wrong
    return arrow_numbers.sample(first, options.missing)


def _parse(path: Path, shown: str, options: SourceOptions, raw: list[str]) -> TextStore | None:
    """Each column's distinct texts (or numbers) and each row's entry, blank rows left out, the data budgets counted."""
    plain = _numbers(path, options, raw)
    reader = _reader(path, options, raw, plain)
    if reader.schema.names != raw:
        return None  # Arrow took another row for the header
    width, longest = len(raw), current().data_value_length
    parts: list[Texts] = [Texts() for _ in range(width)]
    numbers = {col: arrow_numbers.Numbers(options.missing) for col, name in enumerate(raw) if name in plain}
    count, read, dropped = 0, 0, []
    for batch in reader:
        columns = batch.columns
        if any(_longest(c) > longest for c in columns):
            return None  # perhaps longer than a value may be: Python counts its characters
        blank = _blank_rows(columns)
        if blank.any():
            keep = pa.array(~blank, memory_pool=POOL)
            columns = [pc.filter(c, keep, memory_pool=POOL) for c in columns]
            dropped.append(read + np.flatnonzero(blank))
        for col, column in enumerate(columns):
            if col in numbers:
                numbers[col].add(column)
            else:
                parts[col].add(column)
        read += batch.num_rows
        count += len(columns[0]) if columns else 0
        count_rows(count, shown, width)
    store = _held(parts, count, options)
    gone = np.concatenate(dropped) if dropped else None
    again = []
    for col, made in numbers.items():
        if made.ok:
            store.number(col, *made.done())
        else:
            again.append(col)
    store.reread = lambda cols: _reread(path, options, raw, cols, gone)
    store.reread_texts(again)
    return store


def _longest(column: pa.Array) -> int:
    """Bytes of the column's longest text (of its distinct texts, when it holds them)."""
    texts = column.dictionary if isinstance(column, pa.DictionaryArray) else column
    if not len(texts):
        return 0
    return pc.max(pc.binary_length(texts, memory_pool=POOL), memory_pool=POOL).as_py()  # type: ignore[no-any-return]


def _reread(
    path: Path, options: SourceOptions, raw: list[str], cols: list[int], gone: np.ndarray | None
) -> dict[int, tuple[pa.Array, np.ndarray]]:
    """The columns' distinct texts and each row's entry, read from the file again: the rows the parse kept."""
    names = [raw[col] for col in cols]
    reader = _reader(path, options, raw, only=names)
    parts = [Texts() for _ in cols]
    read = 0
    for batch in reader:
        columns = batch.columns
        if gone is not None:
            blank = np.zeros(batch.num_rows, dtype=bool)
            blank[gone[(gone >= read) & (gone < read + batch.num_rows)] - read] = True
            if blank.any():
                keep = pa.array(~blank, memory_pool=POOL)
                columns = [pc.filter(c, keep, memory_pool=POOL) for c in columns]
        for part, column in zip(parts, columns, strict=True):
            part.add(column)
        read += batch.num_rows
    return {col: _texts(part, options) for col, part in zip(cols, parts, strict=True)}


def _blank_rows(columns: list[pa.Array]) -> np.ndarray:
    """Which rows have no value in any column (Python's reader skips them).

    The columns of fewest distinct texts are looked at first, and the looking stops at the
    first column that leaves no row blank: in most files, the first. Plain texts (of number
    columns) are looked at each, and last.
    """
    blank = np.ones(len(columns[0]) if columns else 0, dtype=bool)
    for col in sorted(columns, key=lambda c: len(c.dictionary) if isinstance(c, pa.DictionaryArray) else 1 << 62):
        if not isinstance(col, pa.DictionaryArray):
            blank &= arrow_types.blank(col)
        else:
            empty = arrow_types.blank(col.dictionary)
            blank &= empty[col.indices.to_numpy(zero_copy_only=False)] if empty.any() else False
        if not blank.any():
            break
    return blank


class Texts:
    """A column's blocks of distinct texts, put under one dictionary as they come.

    Each block's dictionary holds most of the block's texts in a column of many; put under
    one as the blocks come, a column of ten thousand distinct texts over a million rows is
    held as those texts and the rows' entries, not as a hundred blocks' worth of texts. A
    column whose texts do not repeat (names, references) gains nothing from it: once the
    first blocks show so, its blocks' texts are only put end to end, a text met in two
    blocks then being two entries.
    """

    def __init__(self) -> None:
        self.chunks: list[pa.DictionaryArray] = []
        self.pending = 0
        """Distinct texts of the blocks not yet put under the first chunk's dictionary."""
        self.apart = False
        """The texts do not repeat enough to be put under one dictionary: they are put end to end."""

    def add(self, column: pa.DictionaryArray) -> None:
        self.chunks.append(column)
        self.pending += len(column.dictionary)
        if not self.apart and len(self.chunks) > 1 and self.pending > max(len(self.chunks[0].dictionary), MERGE):
            merged = _one(self.chunks)
            self.chunks, self.pending = [merged], 0
            self.apart = len(merged.dictionary) * 2 > len(merged)

    def joined(self) -> tuple[pa.Array, pa.Array]:
        """All the blocks' texts and each row's entry among them; the blocks are let go."""
        chunks, self.chunks = self.chunks, []
        if not chunks:
            return pa.array([], pa.string(), memory_pool=POOL), pa.array([], pa.int32(), memory_pool=POOL)
        if self.apart:
            return _end_to_end(chunks)
        one = _one(chunks)
        return one.dictionary, one.indices


MERGE = 1 << 16
"""Distinct texts gathered in a column's blocks before they are put under one dictionary."""


def _one(chunks: list[pa.DictionaryArray]) -> pa.DictionaryArray:
    unified = pa.chunked_array(chunks, type=TEXT).unify_dictionaries(memory_pool=POOL)
    chunks.clear()
    indices = pa.concat_arrays([c.indices for c in unified.chunks], memory_pool=POOL)
    return pa.DictionaryArray.from_arrays(indices, unified.chunks[0].dictionary, safe=False, memory_pool=POOL)


def _end_to_end(chunks: list[pa.DictionaryArray]) -> tuple[pa.Array, pa.Array]:
    """The blocks' dictionaries one after another, and each row's entry in them."""
    rows = np.empty(sum(len(c) for c in chunks), dtype=np.int32)
    at = first = 0
    for chunk in chunks:
        rows[at : at + len(chunk)] = chunk.indices.to_numpy(zero_copy_only=False) + first
        at += len(chunk)
        first += len(chunk.dictionary)
    texts = pa.concat_arrays([c.dictionary for c in chunks], memory_pool=POOL)
    chunks.clear()
    return texts, pa.array(rows, memory_pool=POOL)


def _held(parts: list[Texts], count: int, options: SourceOptions) -> TextStore:
    """One dictionary per column over all the blocks, with blanks (and ``missing:`` texts) as -1."""
    texts, indices = [], []
    for part in parts:
        entries, rows = _texts(part, options)
        texts.append(entries)
        indices.append(rows)
    POOL.release_unused()
    return TextStore(texts, indices, count)


def _texts(part: Texts, options: SourceOptions) -> tuple[pa.Array, np.ndarray]:
    """A column's distinct texts, and each row's entry among them (-1: no value).

    The indices are made in Arrow's memory, where the blocks' were: what the blocks let go
    is used again, rather than held beside new arrays.
    """
    entries, rows = part.joined()
    nothing = arrow_types.blank(entries, options.missing)
    if nothing.any():
        rows = pc.if_else(
            pc.array_take(pa.array(nothing, memory_pool=POOL), rows, memory_pool=POOL),
            pa.scalar(-1, pa.int32(), memory_pool=POOL),
            rows,
            memory_pool=POOL,
        )
    return entries, rows.to_numpy(zero_copy_only=False)


class Lines:
    """Where each row of a CSV file stands, found the first time a message needs it."""

    def __init__(self, path: Path, shown: str, options: SourceOptions) -> None:
        self.path, self.shown, self.options = path, shown, options
        self.lines: array[int] | None = None

    def at(self, row: int, col: int) -> Pos:
        if self.lines is None:
            self.lines = array("L", (line for line, _ in _rows(self.path, self.shown, self.options)))
        return Pos(self.shown, self.lines[row], col + 1)


def _rows(path: Path, shown: str, options: SourceOptions) -> Any:
    records = csv_records(path, shown, options)
    next(records)  # the header
    return records
