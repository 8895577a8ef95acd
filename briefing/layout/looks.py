"""How text and tables look, decided once from the house style: every format maps these, none decides them.

A briefing's title is bold in the PDF, in Word, in the workbook and on the web page alike; a
caption has one colour everywhere; a level-2 heading has one size. Each writer maps a
``TextLook`` into its own terms (a Word paragraph style, a reportlab paragraph style, an Excel
font, a CSS rule) and keeps only what is its own: spacing, leading, line breaking.

Sizes are in points and rounded to half a point, the finest step Word stores, so that every
format sets the same size.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import CALLOUT_KINDS
from ..style import Style
from . import colours
from .geometry import TABLE_TEXT

BODY_RGB = "000000"
"""Colour of body text, captions and headings below level 2."""
SUBTITLE_RGB = "444444"
"""Colour of the subtitle: dark grey, a step back from the title."""
QUIET_RGB = "555555"
"""Colour of the line under the title (source, date, author) and of page numbers."""
HEADER_TINT = 0.85
"""A table's header fill, where the style gives none: the accent this far towards white."""

_TITLE, _COVER_TITLE, _SUBTITLE = 2.1, 2.8, 1.25
"""Sizes of the title in a block on page 1, on a cover page of its own, and of the subtitle, to body text."""
_HEADINGS = (1.55, 1.35, 1.15, 1.0, 1.0, 1.0)
"""Sizes of headings of levels 1 to 6, to body text: the deeper ones are set apart by weight alone."""
_ACCENTED_LEVELS = 2
"""Headings down to this level are in the accent colour; deeper ones in the body's."""
_CAPTION = 0.86
_NOTE = 0.8
"""A note's size, as a share of the body's: smaller than a caption, as notes are set."""
"""Size of a caption, to body text: that of the table it heads."""
PAGE_NUMBER_PT = 8.5
"""Size of "Page X of Y"."""


@dataclass(frozen=True)
class TextLook:
    """How one kind of text looks, in every format."""

    size: float
    """Size in points."""
    bold: bool
    """Set bold."""
    italic: bool
    """Set italic (sloped)."""
    colour: str
    """Colour, RRGGBB."""


@dataclass(frozen=True)
class TableLook:
    """The colours of a table, in every format."""

    header_fill: str
    """Background of the header row, RRGGBB: the style's, else a light tint of its accent."""
    header_text: str
    """Colour of the header row's text."""
    zebra: str | None
    """Background of every other body row (the second, the fourth…), or None for plain rows."""
    borders: str | None
    """Colour of the grid lines, or None for none: then a rule under the header and under the last row."""
    rule: str
    """Colour of the rule under the header where there is no grid, and over a totals row."""


@dataclass(frozen=True)
class Looks:
    """How every kind of text in a briefing looks, and its tables' colours."""

    body: TextLook
    """Paragraphs and list items."""
    title: TextLook
    """The title in a title block at the top of page 1."""
    cover_title: TextLook
    """The title on a cover page of its own."""
    subtitle: TextLook
    """The subtitle, under the title."""
    meta: TextLook
    """The line under the title: source, date and author."""
    headings: tuple[TextLook, ...]
    """Headings of levels 1 to 6; deeper ones look like level 6."""
    caption: TextLook
    """A table's or figure's numbered caption ("Table 1: …")."""
    table_text: TextLook
    """A table's body cells, at the size a table has before it is made smaller to fit its page:
    a table's own size is in its geometry (``TableGeometry.size``)."""
    table_header: TextLook
    """A table's header cells, at the same size as its body cells."""
    contents: TextLook
    """The heading of the table of contents."""
    page_number: TextLook
    """ "Page X of Y" in the footer."""
    callout_titles: tuple[tuple[str, TextLook], ...]
    """The title of a callout of each kind (in its frame's colour), by kind."""
    table: TableLook
    """The colours of tables."""
    note: TextLook
    """A note's text, at the foot of a page or with the notes at the end, and its number there."""

    def heading(self, level: int) -> TextLook:
        """The look of a heading of ``level`` (1 for a top-level section)."""
        return self.headings[min(max(level, 1), len(self.headings)) - 1]

    def callout_title(self, kind: str) -> TextLook:
        """The look of the title of a callout of ``kind``."""
        return dict(self.callout_titles).get(kind, self.callout_titles[0][1])


def looks_of(style: Style) -> Looks:
    """The looks of a briefing in ``style``."""
    size = style.font_size
    accent = style.accent

    def text(scale: float, colour: str = BODY_RGB, bold: bool = False, italic: bool = False) -> TextLook:
        return TextLook(half_points(size * scale), bold, italic, colour)

    headings = tuple(
        text(scale, accent if level <= _ACCENTED_LEVELS else BODY_RGB, bold=True)
        for level, scale in enumerate(_HEADINGS, 1)
    )
    cells = TABLE_TEXT * size
    return Looks(
        body=text(1),
        title=text(_TITLE, accent, bold=True),
        cover_title=text(_COVER_TITLE, accent, bold=True),
        subtitle=text(_SUBTITLE, SUBTITLE_RGB),
        meta=text(1, QUIET_RGB, italic=True),
        headings=headings,
        caption=text(_CAPTION, bold=True),
        table_text=TextLook(cells, False, False, BODY_RGB),
        table_header=TextLook(cells, True, False, style.table.header_text),
        contents=headings[0],
        page_number=TextLook(PAGE_NUMBER_PT, False, False, QUIET_RGB),
        callout_titles=tuple((kind, text(1, colours.callout_colour(style, kind), bold=True)) for kind in CALLOUT_KINDS),
        table=table_look(style),
        note=text(_NOTE),
    )


def table_look(style: Style) -> TableLook:
    """The colours of tables: the style's, with a header fill of the accent's tint where it gives none."""
    look = style.table
    fill = look.header_fill or colours.lighter(style.accent, HEADER_TINT)
    return TableLook(fill, look.header_text, look.zebra, look.borders, style.accent)


def half_points(points: float) -> float:
    """``points`` to the nearest half point."""
    return round(points * 2) / 2
