"""PDF cross-references and citations: named places where internal links land (a heading, a table's or
figure's caption, a callout, an entry of the sources), the links themselves, credit lines and the
sources list's type."""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable

from ...layout import LaidDocument, Place, colours
from ...layout.tree import Heading, InternalLink, Laid, SourceEntry
from ...model import Callout, Chart, Image, Inline, Table
from ..markup import quoteattr

LANDINGS: tuple[type, ...] = (Heading, Table, Chart, Image, Callout, SourceEntry)
"""The nodes the PDF writer marks as places internal links land on: a link to any other is shown as text."""


class Anchor(Flowable):  # type: ignore[misc]
    """A named place links land on, at the top of what follows it: it stays on that flowable's page."""

    _ZEROSIZE = True
    # As reportlab's own anchors: the space after the flowable above still meets the space before the next.
    _SPACETRANSFER = True

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.width = self.height = 0
        self.keepWithNext = 1  # read by reportlab: it goes to the page of what it names

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.bookmarkHorizontal(self.name, 0, 0)


def anchors(place: Place) -> list[Flowable]:
    """The anchor to put before a node the layout gave one, or nothing."""
    return [Anchor(place.anchor)] if place.anchor else []


def landings(laid: LaidDocument) -> set[str]:
    """The anchors of the document that the PDF marks, and so that its links may name."""
    found: set[str] = {note.anchor for note in laid.notes}
    stack: list[Laid] = list(laid.body)
    while stack:
        node = stack.pop()
        if node.place.anchor and isinstance(node.node, LANDINGS):
            found.add(node.place.anchor)
        stack.extend(node.children)
    return found


def link(span: InternalLink, text: str, known: set[str]) -> str:
    """A cross-reference's or citation's markup: a link to its target's page, in the links' colour."""
    if span.href is not None or span.target not in known:  # inside a web link, or to a place not marked
        return text
    return f'<a href={quoteattr("#" + span.target)} color="#{colours.LINK_RGB}">{text}</a>'


def credit_style(caption: ParagraphStyle, face: str) -> ParagraphStyle:
    """A credit line: the captions' size and colour in ``face`` (theirs, not bold), close under what it credits."""
    return ParagraphStyle("credit", caption, fontName=face, spaceBefore=3, spaceAfter=2)


def source_style(body: ParagraphStyle) -> ParagraphStyle:
    """An entry of the sources list: the body's type, each entry's lines after the first indented."""
    indent = body.fontSize * 1.6
    return ParagraphStyle("source", body, leftIndent=indent, firstLineIndent=-indent, spaceAfter=body.fontSize * 0.4)


def noted_cells(place: Place) -> dict[tuple[int, int], Inline]:
    """The table cells whose text holds notes, citations or cross-references, by (row, column); -1 is the header."""
    return {(row, column): text for row, column, text in place.cells}
