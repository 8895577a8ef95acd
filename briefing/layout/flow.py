"""What stays together on a page: headings with what follows, an introduction with its table or figure."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Block, Chart, Image, Paragraph, Table, plain

SHORT_TABLE = 15
"""Tables of at most this many rows are kept on one page, as readers expect."""


def keeps_with_next(blocks: Sequence[Block]) -> list[bool]:
    """Per block, whether it stays on the page of the block after it.

    A paragraph that ends with a colon introduces what follows; when that is a table or a
    figure, the two are not parted by a page break.
    """
    keeps = []
    for i, block in enumerate(blocks):
        after = blocks[i + 1] if i + 1 < len(blocks) else None
        introduces = isinstance(block, Paragraph) and plain(block.text).rstrip().endswith(":")
        keeps.append(introduces and isinstance(after, (Table, Chart, Image)))
    return keeps


def keep_together(table: Table) -> bool:
    """Whether a table is kept whole on one page (a short one) rather than split across pages."""
    return len(table.rows) <= SHORT_TABLE
