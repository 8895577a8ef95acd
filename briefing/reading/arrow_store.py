"""A data file's columns as Arrow read them: each column's distinct values once, and per row which one.

A million-row column of regions is ten texts and a million small integers. The rest of
reading asks for a column's values in Python only where it looks at each (a filter, a
sort); a long table's rows otherwise keep the column as it is held here (``Taken``), and
the writers get Python values a slice at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, overload

import numpy as np
import pyarrow as pa

from ..model import Cell
from . import arrow_types

SLICE = 1 << 16
"""Rows made Python values at a time when a held column is read through."""


class TextStore:
    """A CSV file's columns: per column, its distinct texts (then values, once typed) and, per row, which one.

    ``indices[col][row]`` is the row's entry, or -1 for an empty value (or one ``missing:``
    names). ``texts[col]`` are the distinct texts as Arrow read them, until the column is
    typed; ``entries[col]`` are the entries as Python values (a last None for -1), once made.
    A column made numbers as it was read has no texts but ``numbers[col]``, a value per row.
    """

    def __init__(self, texts: list[pa.Array], indices: list[np.ndarray], length: int) -> None:
        self.texts: list[pa.Array | None] = list(texts)
        self.indices: list[np.ndarray | None] = list(indices)
        self.entries: list[np.ndarray | None] = [None] * len(texts)
        self.length = length
        self.width = len(texts)
        self.lists: list[tuple[Cell, ...] | None] = [None] * self.width
        self.looks: dict[int, np.ndarray] = {}
        """What each column's texts look like (arrow_types.looks), once found."""
        self.numbers: dict[int, tuple[np.ndarray, np.ndarray | None]] = {}
        """Columns made numbers as they were read (arrow_numbers.py), with no texts: per row, the value, and
        (for doubles) which are written as integers (None: none are)."""
        self.reread: Callable[[list[int]], dict[int, tuple[pa.Array, np.ndarray]]] | None = None
        """Reads columns' texts from the file again, and each row's entry among them."""

    def held(self, col: int) -> bool:
        """Whether the column's texts (or numbers) are still held by Arrow, to be typed there."""
        return self.texts[col] is not None or col in self.numbers

    def number(self, col: int, made: np.ndarray, whole: np.ndarray | None, rows: np.ndarray) -> None:
        """The column's values made numbers as read: one per row (``rows`` picks them, -1 for none)."""
        self.numbers[col] = (made, whole)
        self.texts[col], self.indices[col] = None, rows

    def reread_texts(self, cols: list[int]) -> None:
        """The columns' texts, read again from the file, in place of their numbers: to be typed from them."""
        if not cols:
            return
        assert self.reread is not None
        for col, (texts, rows) in self.reread(cols).items():
            self.numbers.pop(col, None)
            self.texts[col], self.indices[col] = texts, rows

    def typed(self, col: int, values: list[Any] | np.ndarray) -> None:
        """The column's entries as ``values`` (one per distinct text, in order): its texts are let go.

        Python objects, with a last None for the rows that have no value; or, for a column of
        floats or of integers, a float64 or int64 array (``pick`` makes those rows None).
        """
        if isinstance(values, np.ndarray) and values.dtype in (np.float64, np.int64):
            self.entries[col] = values
        else:
            objects = np.empty(len(values) + 1, dtype=object)
            objects[: len(values)] = values
            objects[-1] = None  # index -1: no value
            self.entries[col] = objects
        self.texts[col] = None
        self.numbers.pop(col, None)
        self.looks.pop(col, None)
        arrow_types.POOL.release_unused()  # the texts' memory back to the system, for Python's values

    def _entries(self, col: int) -> np.ndarray:
        found = self.entries[col]
        if found is None:
            self.reread_texts([col] if col in self.numbers else [])
            self.typed(col, self.texts[col].to_pylist())  # type: ignore[union-attr]
            found = self.entries[col]
        return found  # type: ignore[return-value]

    def column(self, col: int) -> tuple[Cell, ...]:
        """The column's values as Python values (its texts, or what typing made of them), made once.

        A tuple, as a table's rows hold it: a table takes it as it is, not a copy.
        """
        made = self.lists[col]
        if made is None:
            made = self.lists[col] = tuple(pick(self._entries(col), self.indices[col]))  # type: ignore[arg-type]
            self.entries[col] = self.indices[col] = None
        return made

    def values(self, col: int, kept: Sequence[int]) -> Sequence[Cell]:
        """The values of the rows ``kept``, in order: a table's column, held as it is here if it is long."""
        made = self.lists[col]
        if made is not None:
            return made if kept == range(len(made)) else tuple(made[i] for i in kept)
        rows = self.indices[col]
        assert rows is not None
        picked = rows if kept == range(len(rows)) else rows[np.asarray(kept, dtype=np.int64)]
        return Taken(self._entries(col), picked)

    def text(self, col: int, row: int) -> Cell:
        """The value at a row as written in the file (a bad value stays so once typed)."""
        made = self.lists[col]
        if made is not None:
            return made[row]
        self.reread_texts([col] if col in self.numbers else [])
        at = int(self.indices[col][row])  # type: ignore[index]
        if self.entries[col] is not None:
            return pick(self.entries[col], np.array([at]))[0]  # type: ignore[arg-type]
        return None if at < 0 else self.texts[col][at].as_py()  # type: ignore[index]


def pick(entries: np.ndarray, rows: np.ndarray) -> list[Cell]:
    """The Python values of ``rows`` (-1: None) from a column's entries."""
    values: list[Cell] = entries[rows].tolist()
    if entries.dtype != object:
        for at in np.flatnonzero(rows < 0).tolist():
            values[at] = None
    return values


class Taken(Sequence[Cell]):
    """A table's column as held by Arrow: a value per distinct entry and, per row, which; Python values when read."""

    __slots__ = ("entries", "rows")

    def __init__(self, entries: np.ndarray, rows: np.ndarray) -> None:
        self.entries = entries
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, index: int) -> Cell: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Cell, ...]: ...
    def __getitem__(self, index: int | slice) -> Cell | tuple[Cell, ...]:
        if isinstance(index, slice):
            return tuple(pick(self.entries, self.rows[index]))
        if not -len(self.rows) <= index < len(self.rows):
            raise IndexError("row index out of range")
        return pick(self.entries, self.rows[[index]])[0]

    def __iter__(self) -> Iterator[Cell]:
        for start in range(0, len(self.rows), SLICE):
            yield from pick(self.entries, self.rows[start : start + SLICE])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(other) == len(self) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __reduce__(self) -> tuple[Any, ...]:
        return Taken, (self.entries, self.rows)
