"""A table: its body rows, held a column at a time (``Rows``), its columns' types and number formats,
its totals row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args, overload

from .inline import Inline
from .positions import Marking, Pos, marking_field, pos_field

Cell = str | int | float | bool | dt.date | dt.datetime | None
"""A table value; its Python type is kept through to the spreadsheet."""


@dataclass(frozen=True, eq=False)
class Rows(Sequence[tuple[Cell, ...]]):
    """A table's body rows, held a column at a time.

    It reads as a sequence of row tuples, each made when asked for. Held as columns, a
    million-row table costs one reference per value, its repeated values shared, rather
    than a tuple per row; and the layout, which measures columns, reads them as they are.
    """

    columns: tuple[tuple[Cell, ...], ...]
    """The values, one tuple per column, each as long as the table."""
    length: int
    """Number of rows (kept apart from the columns, which a table of no columns would not tell)."""

    @classmethod
    def of(cls, rows: Iterable[Sequence[Cell]], width: int) -> Rows:
        """Rows given a row at a time, each ``width`` values long."""
        listed = [tuple(row) for row in rows]
        if any(len(row) != width for row in listed):
            raise ValueError(f"every row must have {width} values")
        columns = tuple(zip(*listed, strict=True)) if listed else tuple(() for _ in range(width))
        return cls(columns, len(listed))

    def __len__(self) -> int:
        return self.length

    @overload
    def __getitem__(self, index: int) -> tuple[Cell, ...]: ...
    @overload
    def __getitem__(self, index: slice) -> Rows: ...
    def __getitem__(self, index: int | slice) -> tuple[Cell, ...] | Rows:
        if isinstance(index, slice):
            columns = tuple(column[index] for column in self.columns)
            return Rows(columns, len(range(*index.indices(self.length))))
        if not -self.length <= index < self.length:
            raise IndexError("row index out of range")
        return tuple(column[index] for column in self.columns)

    def __iter__(self) -> Iterator[tuple[Cell, ...]]:
        return zip(*self.columns, strict=True) if self.columns else iter(() for _ in range(self.length))

    def between(self, start: int, stop: int | None = None) -> Iterator[tuple[Cell, ...]]:
        """The rows from ``start`` up to ``stop``, each made as it is read."""
        stop = self.length if stop is None else min(stop, self.length)
        if not self.columns:
            return iter(() for _ in range(max(stop - start, 0)))
        if start <= 0 and stop >= self.length:
            return zip(*self.columns, strict=True)
        # A slice copies the part's references, as many as its rows; skipping to the start
        # instead (islice) would walk every row before it, for each part of a long table.
        return zip(*(column[start:stop] for column in self.columns), strict=True)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Rows):
            return self.length == other.length and self.columns == other.columns
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(other) == self.length and all(a == tuple(b) for a, b in zip(self, other, strict=True))
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.length, self.columns))

    def __repr__(self) -> str:
        return f"Rows({list(self)!r})" if self.length <= 10 else f"Rows(<{self.length:,} rows>)"


FormatKind = Literal["integer", "decimal", "percent", "currency", "date"]
"""The ways a column's values can be shown."""
FORMAT_KINDS: tuple[FormatKind, ...] = get_args(FormatKind)

ColumnType = Literal["integer", "number", "date", "boolean", "text"]
"""The types a column's values can be read as; inference tries them in this order."""
COLUMN_TYPES: tuple[ColumnType, ...] = get_args(ColumnType)


@dataclass(frozen=True)
class NumberFormat:
    """How a column's values are shown: the same text in documents as in Excel's number format."""

    kind: FormatKind
    """integer (1,234), decimal (1,234.50), percent (12.5% for 0.125), currency ($1,234.50) or date (3 Mar 2025)."""
    decimals: int = 0
    """Digits after the decimal point."""
    currency: str = "USD"
    """ISO 4217 code of the currency, for ``currency``."""
    locale: str | None = None
    """The Babel locale its numbers and dates are written in (``fr_NE``); None for the briefing's own."""


Aggregate = Literal["sum", "mean", "count"]
"""What a totals row shows for a column."""
AGGREGATES: tuple[Aggregate, ...] = get_args(Aggregate)


@dataclass(frozen=True)
class Totals:
    """A totals row under a table's body."""

    functions: tuple[Aggregate | None, ...]
    """Per column, what the row shows; None leaves the cell empty (or holds the label)."""
    values: tuple[Cell, ...]
    """Per column, the computed total, or the totals row's label ("Total") in the first free column."""
    skipped: tuple[int, ...] = field(default=(), compare=False)
    """Per column, how many empty or missing values its total left out (0 for none); empty when not counted."""


@dataclass(frozen=True)
class Table:
    """A table of values with a header row."""

    columns: tuple[str, ...]
    """Column names, shown as the header row."""
    rows: Rows
    """Body rows, each exactly as long as ``columns``; given as a tuple of row tuples, they are made Rows."""
    title: str | None = None
    """Optional title, shown in the caption and used to name its sheet."""
    formats: tuple[NumberFormat | None, ...] = ()
    """Per column, how its values are shown; empty, or None for a column, means as written."""
    totals: Totals | None = None
    """A totals row, or None."""
    split_sheets: bool = False
    """In a spreadsheet, spread rows beyond a sheet's limit over further sheets instead of failing."""
    id: str | None = None
    """Its name for cross-references (``tbl-funding``), or None."""
    credit: Inline | None = None
    """Where its figures come from (plain text or a citation), shown under it as "Source: …"."""
    marked: tuple[tuple[int, int, Inline], ...] = ()
    """Cells written in the spec whose text holds notes, citations or cross-references, as
    (row, column, text), row -1 for the header; their value in ``rows`` reads as written."""
    pos: Pos = pos_field()
    marking: Marking | None = marking_field()
    """Its protective marking, own or inherited; None in a pack that marks no portions."""
    data_files: tuple[Path, ...] = field(default=(), compare=False, repr=False, kw_only=True)
    """The data files its rows were read from: a variant that withholds it names none of them."""
    title_text: Inline = field(default=(), kw_only=True)
    """The title as its caption reads it, when the spec's title holds notes, citations or cross-references;
    empty for a title of plain words. ``title`` is then its words alone (a sheet's name, alternative text)."""
    locales: tuple[str | None, ...] = field(default=(), kw_only=True)
    """Per column, the Babel locale its numbers and dates are written in (``locale: en-GB``); empty, or None
    for a column, means the briefing's."""

    def __post_init__(self) -> None:
        if not isinstance(self.rows, Rows):
            object.__setattr__(self, "rows", Rows.of(self.rows, len(self.columns)))

    def format_of(self, column: int) -> NumberFormat | None:
        """The format of a column, or None."""
        return self.formats[column] if self.formats else None

    def locale_of(self, column: int) -> str | None:
        """The locale a column names for its numbers and dates, or None for the briefing's."""
        return self.locales[column] if self.locales else None
