"""Table geometry, decided once for every format: column widths, orientation, text size.

Column widths follow automatic table layout as CSS 2.1 (17.5.2.2) describes it. Each
column has a *min-content* width, that of its widest unbreakable token (a word, a
number as displayed, a date, a header word), and a *max-content* width, that of its
widest line. Every column gets its min-content, and what is left of the line is shared
in proportion to (max - min), so long sentences take the room and no word or number is
ever split. A table whose tokens do not fit the page's text column turns to the other
orientation; only when they fit neither is the text made smaller, and past a limit the
tokens break and the build warns.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import chain
from typing import Literal

from ..model import Cell, Chart, NumberFormat, Rows, Table
from ..number_formats import LOCALE
from ..style import Style, scripts_in
from .measure import widest, width
from .text import Show, column_text, display, grouped, has_rtl

Align = Literal["start", "end", "right"]
"""Where a cell's text stands: the start or the end of the line in the briefing's direction, or the right."""

TABLE_TEXT = 0.86
"""Size of table text relative to body text."""
PADDING = 4.5
"""Space left and right of a cell's text, in points."""
SMALLEST = 0.75
"""Table text is never made smaller than this fraction of its size; past it, tokens break."""
_CANDIDATES = 24
"""Values of a column of numbers measured per kind of extreme (the largest, the most negative, the longest
written): a number's width follows its digits, so the widest is among these."""
_SLACK = 1.02
CM = 72 / 2.54
"""Points in a centimetre."""
"""Room added to measured widths, so that a reader's rounding or hinting never breaks a token."""


@dataclass(frozen=True)
class ColumnGeometry:
    """One column as every format lays it out."""

    name: str
    """Header text."""
    width: float
    """Width on the page, in points, padding included."""
    min_content: float
    """Width of its widest unbreakable token, in points, at the table's text size."""
    max_content: float
    """Width of its widest line, in points, at the table's text size."""
    numeric: bool
    """Its values are all numbers: aligned right."""
    format: NumberFormat | None = None
    """How the spec asks for its values to be shown (Excel applies it as a number format)."""
    grouped: bool = True
    """Its numbers have thousands separators (not in a column of years)."""
    scripts: tuple[str, ...] = ()
    """The scripts with a bundled font of their own its texts use (Arabic, N'Ko…), by ISO 15924 code:
    a format that names a font for each cell names theirs for such text."""
    locale: str = LOCALE
    """The Babel locale its numbers and dates are written in (``format.locale`` when it has a format):
    a spreadsheet's number formats name it, so that its cells read as the documents' texts."""


@dataclass(frozen=True)
class TableGeometry:
    """A table as laid out: its columns, its page orientation and the text of every cell."""

    columns: tuple[ColumnGeometry, ...]
    """The columns, in order."""
    landscape: bool
    """The table's pages are landscape."""
    turned: bool
    """The table needs its pages turned from the document's orientation."""
    size: float
    """Size of its text, in points."""
    padding: float
    """Space left and right of a cell's text, in points."""
    broken: bool
    """Even the widest page cannot hold its widest tokens: some break across lines."""
    header: tuple[str, ...]
    """The header row's texts."""
    body: Rows
    """The body's values, the table's own rows (not copied)."""
    shows: tuple[Show, ...]
    """Per column, the function that gives a value its text: the texts are made as they are read,
    so that a long table's are never all held at once."""
    totals: tuple[str, ...] | None
    """The totals row's texts, or None."""

    def align(self, column: int, text: str = "") -> Align:
        """Where a cell's text stands in its cell (see ``align``)."""
        return align(self.columns[column], text)

    @property
    def width(self) -> float:
        """Width of the whole table, in points."""
        return sum(c.width for c in self.columns)

    def rows(self, start: int = 0, stop: int | None = None) -> Iterator[tuple[str, ...]]:
        """The body's texts, row by row, from row ``start`` up to ``stop``."""
        shows = self.shows
        for row in self.body.between(start, stop):
            yield tuple(show(value) for show, value in zip(shows, row, strict=True))


def align(column: ColumnGeometry, text: str = "") -> Align:
    """Where a cell's text stands in its cell, the same in every format: a number at the ``"end"`` (the
    right, or the left in a right-to-left briefing), a text in a right-to-left script at the ``"right"``
    in a table of either direction, any other text at the ``"start"``. ``text`` is the cell's (or the
    header's) text; without it, the column's own alignment."""
    if column.numeric:
        return "end"
    return "right" if text and has_rtl(text) else "start"


def geometry(table: Table, style: Style, locale: str = LOCALE, rtl: bool = False) -> TableGeometry:
    """Lay out ``table`` for pages of ``style``, its numbers and dates written as ``locale`` (a Babel
    locale, the briefing's) writes them, or a column's format's own; in a right-to-left briefing
    (``rtl``), numbers keep their left-to-right order."""
    size = style.font_size * TABLE_TEXT
    columns = table.rows.columns
    locales = [table.locale_of(i) or locale for i in range(len(table.columns))]
    formats = [_localised(table.format_of(i), locales[i]) for i in range(len(table.columns))]
    shows = [_memoized(column_text(values, formats[i], locales[i], rtl)) for i, values in enumerate(columns)]
    numeric = [_numeric(values) for values in columns]
    totals = _totals(table, shows, locales)
    measured = [
        _content(
            name,
            _texts(_candidates(values, num), show),
            style,
            size,
            numeric=num,
            extra=totals[i : i + 1] if totals else (),
        )
        for i, (name, values, show, num) in enumerate(zip(table.columns, columns, shows, numeric, strict=True))
    ]
    scripts = [found for _, _, found in measured]
    contents = [(low, high) for low, high, _ in measured]
    landscape, line = _page(style, sum(low for low, _ in contents) + 2 * PADDING * len(contents))
    # Columns squeezed below their padding (hundreds of them) keep a quarter of their width for it.
    padding = min(PADDING, line / max(len(contents), 1) / 4)
    room = line - 2 * padding * len(contents)
    least = sum(low for low, _ in contents)
    scale = 1.0 if least <= room else max(SMALLEST, room / least)
    contents = [(low * scale, high * scale) for low, high in contents]
    widths = share(contents, room)
    return TableGeometry(
        columns=tuple(
            ColumnGeometry(
                name,
                w + 2 * padding,
                low,
                high,
                num,
                formats[i],
                grouped(columns[i], formats[i]),
                scripts[i],
                locales[i],
            )
            for i, (name, w, (low, high), num) in enumerate(zip(table.columns, widths, contents, numeric, strict=True))
        ),
        landscape=landscape,
        turned=landscape != style.landscape,
        size=size * scale,
        padding=padding,
        broken=least * scale > room * 1.0001,
        header=tuple(table.columns),
        body=table.rows,
        shows=tuple(shows),
        totals=totals,
    )


def share(contents: Sequence[tuple[float, float]], room: float) -> list[float]:
    """Widths for columns of (min-content, max-content) across ``room`` points.

    Each gets its min-content and the rest is shared in proportion to (max - min); when even
    the max-contents fit, each gets its max-content and the rest in equal parts, so the table
    spans the line without one column's long label taking the room of the others (a table of
    numbers under short headings reads as evenly spaced columns). When the min-contents do not
    fit, they are squeezed alike.
    """
    lows = [low for low, _ in contents]
    highs = [max(high, low) for low, high in contents]
    if sum(lows) >= room:
        total = sum(lows) or 1.0
        return [room * low / total for low in lows]
    if sum(highs) <= room:
        extra = (room - sum(highs)) / max(len(highs), 1)
        return [high + extra for high in highs]
    spread = sum(h - low for low, h in zip(lows, highs, strict=True))
    return [low + (room - sum(lows)) * (h - low) / spread for low, h in zip(lows, highs, strict=True)]


def chart_table(chart: Chart) -> Table:
    """A chart's numbers as a table: categories, then one column per series, in the chart's format."""
    header = (chart.category_name, *(s.name for s in chart.series))
    rows = Rows((chart.categories, *(s.values for s in chart.series)), len(chart.categories))
    return Table(header, rows, chart.title, formats=(None, *[chart.value_format] * len(chart.series)))


def _page(style: Style, needed: float) -> tuple[bool, float]:
    """The orientation a table of ``needed`` points takes, and the width of its line: the document's own
    when the table fits it, else the turned page when that is wider."""
    own = (style.landscape, style.text_width_cm * CM)
    turned = (not style.landscape, style.turned_text_width_cm * CM)
    return own if needed <= own[1] or turned[1] <= own[1] else turned


def _numeric(values: Sequence[Cell]) -> bool:
    """Whether a column holds numbers only (booleans are not), some at least."""
    kinds = set(map(type, values))  # by type, a column at a time: no call for each value
    kinds.discard(type(None))
    return bool(kinds) and kinds <= {int, float}


def _candidates(values: Sequence[Cell], numeric: bool) -> Sequence[Cell]:
    """The values whose text may be the widest: all of them, but in a column of numbers only those with
    the most digits (the largest, the most negative, the longest written), which are few."""
    if not numeric:
        return values
    present = [v for v in values if v is not None]
    widest = [
        *heapq.nlargest(_CANDIDATES, present, key=abs),  # type: ignore[arg-type]
        *heapq.nsmallest(_CANDIDATES, present),  # type: ignore[type-var]
        # An int's longest text is its largest or its most negative; a float's may be any (0.30000000000000004).
        *heapq.nlargest(_CANDIDATES, [v for v in present if type(v) is float], key=lambda v: len(repr(v))),
    ]
    return list(dict.fromkeys(widest))


def _texts(values: Sequence[Cell], show: Show) -> Iterable[str]:
    """The texts of a column's values. A text value reads as written, in any format: a column of names
    (most of a long table) is measured without a call for each of its values. Other values are made
    text once each: a date or a "Yes" repeated down the column is measured once."""
    plain = [v for v in values if type(v) is str]
    if len(plain) == len(values):
        return plain
    others: Iterable[Cell] = dict.fromkeys(v for v in values if type(v) is not str)
    if len({type(v) for v in others} & {bool, int, float}) > 1:
        # 1, 1.0 and True are equal, so one key, but written differently: where they mix, each is measured.
        others = [v for v in values if type(v) is not str]
    return chain(plain, map(show, others))


def _memoized(show: Show, most: int = 4_096) -> Show:
    """``show`` remembering the texts of values it has made, for a column that repeats its values
    (regions, years, yes and no); it forgets them all past ``most``, which bounds its memory."""
    seen: dict[tuple[type, Cell], str] = {}

    def remembered(value: Cell) -> str:
        key = (type(value), value)
        text = seen.get(key)
        if text is None:
            if len(seen) >= most:
                seen.clear()
            text = seen[key] = show(value)
        return text

    return remembered


def _localised(fmt: NumberFormat | None, locale: str) -> NumberFormat | None:
    """A column's format naming the locale it is written in: its own, else the briefing's."""
    return fmt if fmt is None or fmt.locale else replace(fmt, locale=locale)


def _totals(table: Table, shows: Sequence[Show], locales: Sequence[str]) -> tuple[str, ...] | None:
    """The totals row: totals in their column's format, counts as plain numbers."""
    if table.totals is None:
        return None
    return tuple(
        display(value, locale=locale) if function == "count" else show(value)
        for value, function, show, locale in zip(
            table.totals.values, table.totals.functions, shows, locales, strict=True
        )
    )


def _content(
    name: str, texts: Iterable[str], style: Style, size: float, numeric: bool, extra: Sequence[str] = ()
) -> tuple[float, float, tuple[str, ...]]:
    """(min-content, max-content) of a column, in points, from its texts, its bold header and its bold
    totals (``extra``); and the scripts with fonts of their own the texts use."""
    font = style.body_font
    lines, tokens, scripts = _widest_candidates(texts, numeric, extra)
    high = widest(lines, size, font)
    low = widest(tokens, size, font)
    # The header and the totals are set bold, so wider than the same text in the body.
    for bold, breaks in ((name, True), *((total, not numeric) for total in extra)):
        words = (_TOKEN.findall(bold) or [""]) if breaks else [bold]
        low = max(low, max(width(w, size, font, bold=True) for w in words))
        high = max(high, width(bold, size, font, bold=True))
    return low * _SLACK, high * _SLACK, scripts


def _widest_candidates(
    texts: Iterable[str], numeric: bool, extra: Sequence[str]
) -> tuple[list[str], list[str], tuple[str, ...]]:
    """Every distinct line and every distinct token of a column's texts, among which the widest in points
    are. A number, a date or a currency amount is one token; text breaks at its spaces.

    Each is measured, not the longest by characters only: a writer draws a line as it is where the
    column's widest fits, so a short line of wide letters ("WWWWWWWW" beside "iiiiiiiiiiiii") must count.

    The texts are read once; a column of a million values is measured without holding its texts twice,
    nor its words before they are told apart (each line's words go into the set of distinct ones at once).
    """
    lines = {*texts, *extra}
    joined = "\n".join(lines)
    scripts = tuple(script.code for script in scripts_in(joined))
    if joined.count("\n") >= len(lines):  # a text of several lines: each line is measured apart
        lines = set(joined.split("\n"))
    del joined
    distinct = list(lines)
    if numeric:
        return distinct, distinct, scripts
    # Words a slice of lines at a time, told apart as they are found; str.split() breaks at the whitespace
    # the pattern \S+ stops at (str.isspace, in both).
    tokens: set[str] = set()
    for start in range(0, len(distinct), _LINES_AT_ONCE):
        tokens.update(" ".join(distinct[start : start + _LINES_AT_ONCE]).split())
    return distinct, list(tokens), scripts


_LINES_AT_ONCE = 16_384
"""Lines whose words are found at once."""


_TOKEN = re.compile(r"\S+")
"""A run of text between spaces, which a line never breaks."""
