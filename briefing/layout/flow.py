"""What stays together on a page: headings with what follows, an introduction with its table or figure."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Block, Chart, Image, Paragraph, Table, plain
from ..style import Style
from .measure import width

SHORT_TABLE = 15
"""Tables of at most this many rows are kept on one page, as readers expect."""
SHORT_INTRO = 240
"""A paragraph of at most this many characters, alone under its heading, introduces what follows it."""
INTRO_LINES = 4
"""An introduction longer than this many lines stays where it falls: kept with its table, it would
leave most of a page blank before it."""


def keeps_with_next(blocks: Sequence[Block], style: Style) -> list[bool]:
    """Per block of a section, whether it stays on the page of the block after it.

    A paragraph introduces the table or figure right after it when it ends with a colon,
    or when it is short and the first block under its heading: the heading, the paragraph
    and the table or figure are then not parted by a page break, unless the paragraph runs
    past ``INTRO_LINES`` lines.
    """
    keeps = []
    for i, block in enumerate(blocks):
        after = blocks[i + 1] if i + 1 < len(blocks) else None
        keeps.append(isinstance(after, (Table, Chart, Image)) and _introduces(block, i == 0, style))
    return keeps


def _introduces(block: Block, first: bool, style: Style) -> bool:
    if not isinstance(block, Paragraph):
        return False
    text = plain(block.text).rstrip()
    return (text.endswith(":") or (first and len(text) <= SHORT_INTRO)) and lines(text, style) <= INTRO_LINES


def lines(text: str, style: Style) -> float:
    """About how many lines ``text`` takes in the body's font across the text column (words wrap, so a
    little more than its width over the column's)."""
    column = style.text_width_cm * 72 / 2.54
    return width(text, style.font_size, style.body_font) / column * 1.05


def keep_together(table: Table) -> bool:
    """Whether a table is kept whole on one page (a short one) rather than split across pages."""
    return len(table.rows) <= SHORT_TABLE
