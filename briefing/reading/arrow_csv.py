"""CSV data files read by Arrow: parsed in blocks by pyarrow's CSV reader, each column held as its distinct texts.

Python's csv module reads a million-row file in seconds, and typing its values one at a
time takes a minute. Here pyarrow parses the file a block at a time, each column
dictionary-encoded as it comes (a region, a date, "yes" held once), and a column's type
is read from its distinct texts (briefing/reading/arrow_types.py), not from every row.

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
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..limits import current
from ..model import Pos
from . import arrow_types
from .arrow_store import TextStore
from .arrow_types import POOL
from .datafiles import Frame, Held, SourceOptions, count_rows, csv_records

BLOCK = 1 << 22
"""Bytes of the file parsed at a time: what Arrow holds of the text at once, beside the columns read."""

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


def _parse(path: Path, shown: str, options: SourceOptions, raw: list[str]) -> TextStore | None:
    """Every column's distinct texts and each row's entry, blank rows left out, the data budgets counted."""
    reader = pacsv.open_csv(
        pa.OSFile(str(path), memory_pool=POOL),
        read_options=pacsv.ReadOptions(block_size=BLOCK, use_threads=True),
        parse_options=pacsv.ParseOptions(delimiter=options.delimiter, newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types={name: TEXT for name in raw},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            null_values=[],
        ),
        memory_pool=POOL,
    )
    if reader.schema.names != raw:
        return None  # Arrow took another row for the header
    width, longest = len(raw), current().data_value_length
    parts: list[list[pa.Array]] = [[] for _ in range(width)]
    count = 0
    for batch in reader:
        columns = batch.columns
        if any(
            len(c.dictionary)
            and pc.max(pc.binary_length(c.dictionary, memory_pool=POOL), memory_pool=POOL).as_py() > longest
            for c in columns
        ):
            return None  # perhaps longer than a value may be: Python counts its characters
        blank = _blank_rows(columns)
        keep = pa.array(~blank, memory_pool=POOL)
        for col, part in zip(columns, parts, strict=True):
            part.append(pc.filter(col, keep, memory_pool=POOL) if blank.any() else col)
        count += batch.num_rows - int(blank.sum())
        count_rows(count, shown, width)
    return _held(parts, count, options)


def _blank_rows(columns: list[pa.DictionaryArray]) -> np.ndarray:
    """Which rows have no value in any column (Python's reader skips them).

    The columns of fewest distinct texts are looked at first, and the looking stops at the
    first column that leaves no row blank: in most files, the first.
    """
    blank = np.ones(len(columns[0]) if columns else 0, dtype=bool)
    for col in sorted(columns, key=lambda c: len(c.dictionary)):
        empty = arrow_types.blank(col.dictionary)
        blank &= empty[col.indices.to_numpy(zero_copy_only=False)] if empty.any() else False
        if not blank.any():
            break
    return blank


def _held(parts: list[list[pa.Array]], count: int, options: SourceOptions) -> TextStore:
    """One dictionary per column over all the blocks, with blanks (and ``missing:`` texts) as -1.

    The indices are made in Arrow's memory, where the blocks' were: what the blocks let go
    is used again, rather than held beside new arrays.
    """
    texts, indices = [], []
    for chunks in parts:
        unified = pa.chunked_array(chunks, type=TEXT).unify_dictionaries(memory_pool=POOL)
        chunks.clear()
        entries = unified.chunks[0].dictionary if unified.num_chunks else pa.array([], pa.string(), memory_pool=POOL)
        rows = (
            pa.concat_arrays([c.indices for c in unified.chunks], memory_pool=POOL)
            if unified.num_chunks
            else pa.array([], pa.int32(), memory_pool=POOL)
        )
        del unified
        nothing = arrow_types.blank(entries, options.missing)
        if nothing.any():
            rows = pc.if_else(
                pc.array_take(pa.array(nothing, memory_pool=POOL), rows, memory_pool=POOL),
                pa.scalar(-1, pa.int32(), memory_pool=POOL),
                rows,
                memory_pool=POOL,
            )
        texts.append(entries)
        indices.append(rows.to_numpy(zero_copy_only=False))
    POOL.release_unused()
    return TextStore(texts, indices, count)


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
