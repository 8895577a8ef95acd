"""What all writers share: page geometry, value display, column fitting, captions."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby

from ..model import Briefing, Cell, Image, Inline, NumberFormat, Span, Table
from ..numbers import show
from ..style import Style

LINK_RGB = "0563C1"
"""Colour of hyperlinks."""
LANDSCAPE_AT = 1.3
"""A table whose fitted width exceeds the text width by this factor goes landscape."""
PALETTE = ("E69F00", "56B4E9", "009E73", "D55E00", "CC79A7", "0072B2", "F0E442")
"""Chart colours after the house accent: the Okabe-Ito set, which colour-blind readers tell apart."""
CHAR_CM = 0.19
"""Average width of a character of 9-point table text, for fitting columns."""

# XML 1.0 cannot hold these characters at all; writers of XML formats replace
# them with a visible U+FFFD rather than failing or dropping text silently.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` with characters XML cannot carry replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def human_date(day: dt.date) -> str:
    """A date as people write it: "24 November 2026"."""
    return f"{day.day} {day:%B %Y}"


def meta_line(doc: Briefing) -> str:
    """Source, date and author in one line, e.g. "Focus on Africa · 24 November 2026"."""
    parts = [doc.source, human_date(doc.date) if doc.date else None]
    if doc.author:
        parts.append(f"By {doc.author}")
    return " · ".join(p for p in parts if p)


def cell_text(value: Cell, grouped: bool = True) -> str:
    """How a table value reads in a document (spreadsheets keep the value itself).

    Numbers get thousands separators unless ``grouped`` is False (years).
    """
    match value:
        case None:
            return ""
        case bool():
            return "Yes" if value else "No"
        case dt.datetime():
            return value.isoformat(sep=" ", timespec="minutes")
        case dt.date():
            return value.isoformat()
        case int() | float() if grouped:
            return f"{value:,}"
        case float():
            return repr(value)
        case _:
            return str(value)


def is_years(values: Sequence[Cell]) -> bool:
    """Whether values are all years (written 2024, never 2,024)."""
    return bool(values) and all(isinstance(v, int) and not isinstance(v, bool) and 1800 <= v <= 2100 for v in values)


def is_number(value: Cell) -> bool:
    """True for values that are aligned to the right in tables."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass(frozen=True)
class Column:
    """What every writer needs to know to lay out one table column."""

    name: str
    """Header text."""
    numeric: bool
    """All values are numbers: aligned right."""
    grouped: bool
    """Numbers get thousands separators (not in a column of years)."""
    weight: float
    """Fitted width, in characters."""
    format: NumberFormat | None = None
    """How the spec asks for its values to be shown."""

    def text(self, value: Cell) -> str:
        """A value of this column as the reader sees it."""
        shown = show(value, self.format) if self.format else None
        return cell_text(value, self.grouped) if shown is None else shown


def totals_texts(table: Table, cols: list[Column]) -> list[str]:
    """The totals row as text: totals in their column's format, counts as plain numbers."""
    assert table.totals is not None
    return [
        cell_text(value) if function == "count" else column.text(value)
        for value, function, column in zip(table.totals.values, table.totals.functions, cols, strict=True)
    ]


def columns(table: Table, sample: int = 2000) -> list[Column]:
    """Layout of each column, fitted to a sample of rows and to the widest values of all.

    A column gets room for its longest header word and for its widest value
    when that is short; otherwise for a typical long text (the 90th
    percentile, capped), so that one huge cell wraps instead of squeezing
    every other column.
    """
    result = []
    rows = table.rows[:sample]
    for i, name in enumerate(table.columns):
        fmt = table.format_of(i)
        values = [row[i] for row in table.rows if row[i] is not None]
        numeric = bool(values) and all(is_number(v) for v in values)
        years = numeric and fmt is None and is_years(values)
        column = Column(name, numeric, not years, 0, fmt)
        lengths = sorted(len(column.text(row[i])) for row in rows) or [0]
        widest = max(lengths[-1], _widest(values, column))
        short = numeric or widest <= 24
        typical = widest if short else lengths[math.ceil(0.9 * (len(lengths) - 1))]
        # Header words are bold, about a fifth wider than body text, and never broken.
        longest_word = math.ceil(1.2 * max((len(w) for w in name.split()), default=1))
        # Three characters of padding: cells have margins and headers are bold.
        weight = float(min(max(typical, longest_word, len(name) / 2, 3), 60) + 3)
        result.append(Column(name, numeric, not years, weight, fmt))
    return result


def _widest(values: list[Cell], column: Column) -> int:
    """Length of the widest of all values, looked for where it can be: the longest text, or an
    extreme number. Rows beyond the sample must not wrap where the sample's did not."""
    if not values:
        return 0
    if column.numeric:
        candidates = [max(values), min(values)]  # type: ignore[type-var]
    else:
        texts = [v for v in values if isinstance(v, str)]
        candidates = [max(texts, key=len)] if texts else []
    return max((len(column.text(v)) for v in candidates), default=0)


def is_wide(cols: list[Column], text_width_cm: float) -> bool:
    """Whether a table needs a landscape page to be readable."""
    return sum(c.weight for c in cols) * CHAR_CM > text_width_cm * LANDSCAPE_AT


def fit_scale(cols: list[Column], width_cm: float) -> float:
    """Factor (at most 1, at least 0.7) by which to shrink table text so columns fit across."""
    needed = sum(c.weight for c in cols) * CHAR_CM
    return max(min(1.0, width_cm / needed), 0.7)


def image_size_cm(image: Image, text_width_cm: float) -> tuple[float, float]:
    """Width and height of a picture on the page: the width asked for, or its
    natural size at 96 pixels an inch, never wider than the text."""
    px_w, px_h = image.size_px
    width = min(image.width_cm or px_w * 2.54 / 96, text_width_cm)
    return width, width * px_h / px_w


def caption(kind: str, number: int, title: str | None) -> str:
    """ "Table 2: Title" or "Figure 1" when there is no title."""
    return f"{kind} {number}: {title}" if title else f"{kind} {number}"


def link_groups(text: Inline) -> Iterator[tuple[str | None, list[Span]]]:
    """Consecutive spans grouped by link target (None for unlinked text)."""
    for href, spans in groupby(text, key=lambda span: span.href):
        yield href, list(spans)


def series_colours(style: Style, count: int) -> list[str]:
    """RRGGBB of each chart series (or pie slice), the same in every format."""
    palette = [style.accent, *(c for c in PALETTE if c != style.accent)]
    return [palette[i % len(palette)] for i in range(count)]
