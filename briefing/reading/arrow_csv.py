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
from array import array
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..limits import current
from ..model import Cell, Pos
from . import arrow_types
from .datafiles import Frame, Held, SourceOptions, count_rows, csv_records

BLOCK = 1 << 24
"""Bytes of the file parsed at a time: what Arrow holds of the text at once, beside the columns read."""

TEXT = pa.dictionary(pa.int32(), pa.string())


class TextStore:
    """A CSV file's columns as Arrow holds them: per column, its distinct texts and, per row, which one.

    ``indices[col][row]`` is the row's entry in ``texts[col]``, or -1 for an empty value (or one
    ``missing:`` names). ``column(col)`` makes the Python list the rest of reading works on, once.
    """

    def __init__(self, texts: list[pa.Array], indices: list[np.ndarray], length: int) -> None:
        self.texts = texts
        self.indices = indices
        self.length = length
        self.width = len(texts)
        self.lists: list[tuple[Cell, ...] | None] = [None] * self.width
        self.looks: dict[int, np.ndarray] = {}
        """What each column's texts look like (arrow_types.looks), once found."""

    def column(self, col: int) -> tuple[Cell, ...]:
        """The column's values as Python values (its texts, or what typing made of them), made once.

        A tuple, as a table's rows hold it: the table takes it as it is, not a copy. Arrow's
        copy of the column is let go once it is made.
        """
        made = self.lists[col]
        if made is None:
            made = self.lists[col] = self.take(col, self.texts[col].to_pylist())
        return made

    def held(self, col: int) -> bool:
        """Whether the column is still held by Arrow (not yet made Python values)."""
        return self.lists[col] is None

    def take(self, col: int, entries: list[Any] | np.ndarray) -> tuple[Cell, ...]:
        """A value per row from a value per entry, each entry's value one object however many rows hold it."""
        objects = np.empty(len(entries) + 1, dtype=object)
        objects[: len(entries)] = entries
        objects[-1] = None  # index -1: no value
        made = tuple(objects[self.indices[col]])
        self.texts[col] = self.indices[col] = None  # type: ignore[call-overload]
        self.looks.pop(col, None)
        return made

    def text(self, col: int, row: int) -> str | None:
        """The value at a row as written in the file (a bad value stays so once typed)."""
        if self.lists[col] is not None:
            return self.lists[col][row]  # type: ignore[index,return-value]
        at = int(self.indices[col][row])
        return None if at < 0 else self.texts[col][at].as_py()


def read_csv(path: Path, shown: str, options: SourceOptions) -> Frame | None:
    """The file's header and columns, or None when the line-by-line reader is to read it (and say what is wrong)."""
    if options.encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
        return None  # other encodings: Python decodes them as it reads
    names, raw = _header(path, shown, options)
    if raw is None:
        return None
    try:
        store = _parse(path, shown, options, raw)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
        return None  # a row of the wrong length, text that is not UTF-8, a quote out of place
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


def _parse(path: Path, shown: str, options: SourceOptions, raw: list[str]) -> TextStore | None:
    """Every column's distinct texts and each row's entry, blank rows left out, the data budgets counted."""
    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(block_size=BLOCK, use_threads=True),
        parse_options=pacsv.ParseOptions(delimiter=options.delimiter, newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types={name: TEXT for name in raw},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            null_values=[],
        ),
    )
    if reader.schema.names != raw:
        return None  # Arrow took another row for the header
    width, longest = len(raw), current().data_value_length
    parts: list[list[pa.Array]] = [[] for _ in range(width)]
    count = 0
    for batch in reader:
        columns = batch.columns
        blank = np.ones(batch.num_rows, dtype=bool)
        for col in columns:
            empty = arrow_types.blank(col.dictionary)
            blank &= empty[col.indices.to_numpy(zero_copy_only=False)]
            if len(col.dictionary) and pc.max(pc.binary_length(col.dictionary)).as_py() > longest:
                return None  # perhaps longer than a value may be: Python counts its characters
        keep = pa.array(~blank)
        for col, part in zip(columns, parts, strict=True):
            part.append(col.filter(keep) if blank.any() else col)
        count += batch.num_rows - int(blank.sum())
        count_rows(count, shown, width)
    return _held(parts, count, options)


def _held(parts: list[list[pa.Array]], count: int, options: SourceOptions) -> TextStore:
    """One dictionary per column over all the blocks, with blanks (and ``missing:`` texts) as -1."""
    texts, indices = [], []
    for chunks in parts:
        unified = pa.chunked_array(chunks, type=TEXT).unify_dictionaries()
        entries = unified.chunks[0].dictionary if unified.num_chunks else pa.array([], pa.string())
        rows = np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in unified.chunks] or [[]])
        rows = rows.astype(np.int32)
        nothing = arrow_types.blank(entries, options.missing)
        if nothing.any():
            rows[nothing[rows]] = -1
        texts.append(entries)
        indices.append(rows)
        chunks.clear()
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
