"""Notes, cross-references and citations in a workbook: the text as cells show it, and where each link lands.

A cell holds text, not superscripts: a note's mark stands in the text as its number in brackets,
"fell by 40%[3]", as the layout words it for sheets (``sheet_text``, whose docstring says why).
Cross-references and citations are their words in the text. A cross-reference also links, from the
narrative's Links column, to its target: a table's or chart's sheet, or the row of a heading, callout
or picture on the narrative sheet. A credit or note row under a table links to what it cites first,
a source entry's row or a target of a cross-reference.
"""

from __future__ import annotations

from openpyxl.cell.cell import Cell as XLCell
from openpyxl.utils import quote_sheetname
from openpyxl.worksheet.hyperlink import Hyperlink

from ...adapters import openpyxl as openpyxl_adapter
from ...layout.tree import InternalLink, LaidDocument, NoteMark, SourceEntry
from ...model import Inline, Span


def cited(*texts: Inline) -> list[int]:
    """The numbers of the notes marked in ``texts``, in the order read."""
    return [span.number for text in texts for span in text if isinstance(span, NoteMark)]


def note_line(number: int, text: Inline) -> Inline:
    """A note as one row lists it: "[3] What it says."."""
    return (Span(f"[{number}] "), *text)


def targets(text: Inline) -> list[str]:
    """The anchors ``text``'s cross-references and citations land on, in order, each once."""
    return list(dict.fromkeys(s.target for s in text if isinstance(s, InternalLink) and s.target))


def source_anchors(laid: LaidDocument) -> frozenset[str]:
    """The anchors of the sources list's entries: where citations land."""
    found: set[str] = set()
    stack = list(laid.body)
    while stack:
        node = stack.pop()
        if isinstance(node.node, SourceEntry) and node.place.anchor:
            found.add(node.place.anchor)
        stack.extend(node.children)
    return frozenset(found)


class Anchors:
    """Where each anchor of the document stands in the workbook, and the links that land on one.

    A link may be written before its target (a paragraph citing a table further on): its place is set
    when the whole workbook has been walked (``settle``), before it is saved.
    """

    def __init__(self, fallback: str) -> None:
        self.fallback = fallback
        """Where a link whose target stands nowhere in the workbook lands: the top of the narrative."""
        self.places: dict[str, str] = {}
        self.waiting: list[tuple[Hyperlink, str]] = []

    def land(self, anchor: str | None, sheet: str, row: int = 1) -> None:
        """Links to ``anchor`` land on column A of ``row`` of ``sheet``."""
        if anchor and anchor not in self.places:
            self.places[anchor] = f"{quote_sheetname(sheet)}!A{row}"

    def link(self, cell: XLCell, anchor: str) -> None:
        """Make ``cell`` a link to ``anchor``, wherever it stands."""
        self.waiting.append((openpyxl_adapter.link_placed_later(cell), anchor))

    def settle(self) -> None:
        """Give every link its target's place."""
        for link, anchor in self.waiting:
            link.location = self.places.get(anchor, self.fallback)
        self.waiting.clear()
