"""A table as a spreadsheet sets it: column widths in Excel's own units, and the lines of each row.

A sheet is not a page: its text keeps the workbook's size (11 points) however many columns a
table has, where a page shrinks a wide table's text to fit. So a sheet column's width is
measured here from the column's texts at 11 points, not taken from the page's geometry: the
same text gets the same width in a table of 2 columns and in one of 40.

Excel counts a column's width in characters: widths of the digit 0 of the workbook's font.
The texts are measured in the font the layout measures the page in (the body font, or the
bundled DejaVu Sans, which is wider than Excel's Calibri) and divided by that font's digit, so
a column holds its text in the font measured and, with room to spare, in a narrower one.

Spreadsheet programs do not grow a row to fit its wrapped text when they open a file (LibreOffice
draws a cell's second line over the next row), so the layout counts the lines each row's wrapped
cells take at their column's width, and the writer gives the row that height. Only columns too
wide for a sheet wrap; a table with none costs nothing here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from ..model import Rows
from ..style import FontFamily, Style
from .geometry import PADDING, TableGeometry
from .measure import DEFAULT_FONT, width
from .text import Show

SHEET_PT = 11.0
"""The size of a table's text in a sheet: the workbook's default."""
WIDEST_CHARS = 60.0
"""A sheet column is no wider than this many characters; longer texts wrap."""
LINE_PT = 15.0
"""The height of a line of 11-point text in a sheet row, Excel's default row height."""
_WORDS_KEPT = 65_536
"""Word widths remembered while counting lines: a long table repeats its words."""
_TEXTS_KEPT = 4_096
"""Texts whose lines a column remembers while they are counted: a long table repeats some of its texts."""


@dataclass(frozen=True)
class SheetColumn:
    """One column of a table's sheet."""

    chars: float
    """Its width in Excel's units: widths of the digit 0 of the sheet's font, room for its widest line
    (header and totals included) up to ``WIDEST_CHARS``."""
    wraps: bool
    """Its longest texts are wider than ``WIDEST_CHARS`` and wrap in their cells."""


@dataclass(frozen=True)
class SheetGeometry:
    """A table's sheet: its columns' widths, and the lines its rows' wrapped cells take."""

    columns: tuple[SheetColumn, ...]
    """The columns, in order."""
    line_pt: float
    """The height of one line of the sheet's text, in points."""
    body: Rows
    """The table's body (the layout's rows, not copied)."""
    shows: tuple[Show, ...]
    """Per column, how a value reads (as in ``TableGeometry``)."""
    family: FontFamily
    """The font the texts are measured in."""
    digit: float
    """The width of the digit 0 of that font at ``SHEET_PT``, in points: one Excel character."""

    @property
    def wraps(self) -> bool:
        """Whether any column wraps, so that some rows may need more than one line."""
        return any(c.wraps for c in self.columns)

    def row_lines(self, start: int = 0, stop: int | None = None) -> Iterator[int]:
        """The lines each body row from ``start`` up to ``stop`` takes: its most in any wrapping column.
        Made as the rows are read, so that a long table's counts are never all held."""
        wrapping = [i for i, c in enumerate(self.columns) if c.wraps]
        if not wrapping:
            yield from (1 for _ in range(len(self.body))[start:stop])
            return
        family, digit = self.family, self.digit
        counts = []
        for i in wrapping:
            show, room = self.shows[i], self.room(i)
            # A text reads as written in every format: most of a wrapping column needs no call to show it.
            texts = (v if type(v) is str else show(v) for v in self.body.columns[i][start:stop])
            counts.append(_counted(texts, room, family, digit))
        yield from counts[0] if len(counts) == 1 else map(max, *counts)

    def room(self, column: int) -> float:
        """The width a line of text has in a column, in points of the measured font."""
        return self.columns[column].chars * self.digit - 2 * PADDING


def sheet_geometry(laid: TableGeometry, style: Style) -> SheetGeometry:
    """The sheet of a table laid out as ``laid``: its widths measured again at the sheet's own size."""
    family = style.body_font or DEFAULT_FONT
    digit = width("0", SHEET_PT, family)
    # Widths scale with the size: the page's are measured at its (perhaps shrunk) size; here at 11 points.
    scale = SHEET_PT / laid.size
    columns = []
    for column in laid.columns:
        chars = (column.max_content * scale + 2 * PADDING) / digit
        columns.append(SheetColumn(round(min(chars, WIDEST_CHARS), 1), chars > WIDEST_CHARS))
    return SheetGeometry(tuple(columns), LINE_PT, laid.body, laid.shows, family, digit)


def widened(sheet: SheetGeometry, texts: Iterable[tuple[int, str, bool]]) -> SheetGeometry:
    """``sheet`` with each column as wide as the texts given for it (column, text, bold), up to
    ``WIDEST_CHARS``: the cells the layout words itself as a sheet shows them ("41[3]", a header's bold)."""
    columns = list(sheet.columns)
    for col, text, bold in texts:
        chars = (width(text, SHEET_PT, sheet.family, bold) + 2 * PADDING) / sheet.digit
        if chars > columns[col].chars:
            columns[col] = replace(columns[col], chars=round(min(chars, WIDEST_CHARS), 1))
    return replace(sheet, columns=tuple(columns))


def _counted(texts: Iterator[str], room: float, family: FontFamily, digit: float) -> Iterator[int]:
    """The lines of each text, a text repeated down the column (a note, a status) counted once."""
    seen: dict[str, int] = {}
    for text in texts:
        count = seen.get(text)
        if count is None:
            if len(seen) >= _TEXTS_KEPT:
                seen.clear()
            count = seen[text] = lines(text, room, family, digit)
        yield count


def lines(text: str, room: float, family: FontFamily, digit: float) -> int:
    """The lines ``text`` takes at ``SHEET_PT`` in a cell ``room`` points wide, broken between words
    as spreadsheet programs break them (a word longer than a line across as many as it needs)."""
    if len(text) * digit * 1.6 <= room and "\n" not in text:  # no letter is much wider than a digit: no need to measure
        return 1
    sizes = _sizes(family)
    space = sizes[" "]
    count = 0
    for paragraph in text.split("\n"):
        widths = [sizes.get(word) or _measure(sizes, word, family) for word in paragraph.split()]
        if sum(widths) + space * (len(widths) - 1) <= room:  # most short texts: one line, no wrapping to follow
            count += 1
            continue
        count += 1
        used = -space
        for wide in widths:
            if used + space + wide <= room:
                used += space + wide
            elif wide <= room:
                count += 1
                used = wide
            else:  # a word wider than the cell runs across lines of its own
                count += (used > 0) + math.ceil(wide / room) - 1
                used = wide % room
    return count


_widths: dict[str, dict[str, float]] = {}
"""Word widths measured at ``SHEET_PT``, by family name and word."""


def _sizes(family: FontFamily) -> dict[str, float]:
    sizes = _widths.get(family.name)
    if sizes is None:
        sizes = _widths[family.name] = {" ": width(" ", SHEET_PT, family)}
    return sizes


def _measure(sizes: dict[str, float], word: str, family: FontFamily) -> float:
    """The width of ``word``, remembered for the words a long table repeats (up to ``_WORDS_KEPT`` of them)."""
    if len(sizes) >= _WORDS_KEPT:
        sizes.clear()
        sizes[" "] = width(" ", SHEET_PT, family)
    found = sizes[word] = width(word, SHEET_PT, family)
    return found
