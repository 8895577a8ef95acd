"""What one drawing of a tagged PDF's pages marks: each page's marked-content sequences (MCIDs) and
the elements owning them, a long table's rows and cells as flat arrays (``Rows``), links and runs in
another language made as they are drawn; and the runs' side of it (``spoken``, ``language``, ``linked``).

The structure tree's elements are ``tagging``'s; ``tree_file`` writes what is marked here into the file.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from .tagging import Element, Structure, pdf_text

# -- what a drawing marks ----------------------------------------------------


@dataclass
class Rows:
    """A table's rows as drawn, one entry each: a row's element (TR) is followed by its cells' (TH or TD)."""

    first: array = field(default_factory=lambda: array("q"))
    """The row's element id; its cells' are the ids after it."""
    parent: array = field(default_factory=lambda: array("q"))
    """The id of the THead or TBody it is in."""
    cells: array = field(default_factory=lambda: array("H"))
    page: array = field(default_factory=lambda: array("I"))
    """The page it is drawn on (0 for the first)."""
    mcid: array = field(default_factory=lambda: array("I"))
    """The MCID of its first cell as drawn from the left; the others follow."""
    flags: array = field(default_factory=lambda: array("B"))
    """HEADER: its cells are TH; REVERSED: drawn from the last column (a right-to-left table)."""

    HEADER, REVERSED = 1, 2


@dataclass
class Link:
    """A link annotation in the tree: a Link element holding it (OBJR), in the element drawn when it was made."""

    id: int
    parent: int
    page: int
    annotation: str
    """reportlab's name for the annotation."""
    key: int
    """Its /StructParent."""
    mcid: int | None = None
    """Its words' marked-content sequence, where the writer draws them (``linked``), or None: they are
    then its parent's, drawn by reportlab in one text object with the rest of its paragraph."""


@dataclass
class LanguageSpan:
    """A run of text in another language than the document's: a Span element with its /Lang, in the
    element drawn when it was, holding one marked-content sequence."""

    id: int
    parent: int
    page: int
    mcid: int
    lang: str
    written: str | None = None
    """Its /ActualText: its text in the order written, where it is drawn right to left."""


class Marks:
    """What one drawing of the document marks: each page's MCIDs and their owners, table rows, links.

    A page's content starts in an artifact; ``begin`` closes it and opens an element's sequence,
    ``end`` closes that and opens an artifact again.
    """

    def __init__(self, structure: Structure) -> None:
        self.structure = structure
        self.next_id = len(structure.elements)
        self.owners: list[array] = []
        """For each page, the owner's element id of each MCID."""
        self.page_keys: list[int] = []
        """Each page's /StructParents."""
        self.content: dict[int, list[tuple[int, int] | Link | LanguageSpan]] = {}
        """Each story element's marked content, (page, MCID), and links, in drawing order."""
        self.rows = Rows()
        self.links: list[Link] = []
        self.spans: list[LanguageSpan] = []
        self.open_link: Link | None = None
        """The Link whose words are being drawn (``linked``), which the next annotation made is."""
        self.in_span = False
        self.next_key = 0
        """The next key in the parent tree."""
        self.open_element: Element | None = None
        self.depth = 0
        """Marked flowables drawn inside another's content (a paragraph in a callout's table cell)."""
        self.in_artifact = False
        self.cell_texts: dict[int, str] = {}
        """The ActualText of table cells drawn in visual order (right to left), by their element id."""
        self.headers_drawn: set[int] = set()
        """The tables (by their THead's id) whose header row has been drawn once: later ones are artifacts."""
        self.numbers: dict[str, Any] = {}
        """Object numbers reportlab gave, read once the file is written: pages, annotations, the tree's root."""

    def _literal(self, canvas: Any, text: str) -> None:
        canvas.addLiteral(text)

    def open_page(self, canvas: Any) -> None:
        self.owners.append(array("I"))
        self.page_keys.append(self.next_key)
        self.next_key += 1
        self._literal(canvas, "/Artifact BMC")
        self.in_artifact = True

    def close_page(self, canvas: Any) -> None:
        if self.in_artifact or self.open_element is not None:
            self._literal(canvas, "EMC")
        self.in_artifact, self.open_element, self.depth = False, None, 0

    def _mcid(self, canvas: Any, tag: str, owner: int) -> int:
        """Open a marked-content sequence of ``tag`` owned by element ``owner``; its MCID."""
        page = self.owners[-1]
        mcid = len(page)
        page.append(owner)
        if self.in_artifact:
            self._literal(canvas, "EMC")
            self.in_artifact = False
        self._literal(canvas, f"/{tag} <</MCID {mcid}>> BDC")
        return mcid

    def begin(self, element: Element, canvas: Any | None = None) -> None:
        canvas = canvas or self._canvas
        if self.open_element is not None or not self.owners:
            self.depth += 1  # inside another element's content, or off the pages: it is that content
            return
        mcid = self._mcid(canvas, element.kind, element.id)
        self.content.setdefault(element.id, []).append((len(self.owners) - 1, mcid))
        self.open_element = element

    def end(self, canvas: Any | None = None) -> None:
        if self.depth:
            self.depth -= 1
            return
        canvas = canvas or self._canvas
        self._literal(canvas, "EMC")
        self._literal(canvas, "/Artifact BMC")
        self.open_element, self.in_artifact = None, True

    _canvas: Any = None
    """The canvas being drawn on."""

    # -- table rows, made as they are drawn

    def row(self, parent: Element, cells: int, header: bool, reversed_: bool) -> None:
        """A row of ``cells`` cells about to be drawn, in ``parent`` (THead or TBody)."""
        rows = self.rows
        rows.first.append(self.next_id)
        rows.parent.append(parent.id)
        rows.cells.append(cells)
        rows.page.append(len(self.owners) - 1)
        rows.mcid.append(len(self.owners[-1]))
        rows.flags.append((Rows.HEADER if header else 0) | (Rows.REVERSED if reversed_ else 0))
        self._row_first, self._row_cells, self._row_reversed, self._row_done = self.next_id, cells, reversed_, 0
        self._row_tag = "TH" if header else "TD"
        self.next_id += 1 + cells

    def cell(self, written: str | None = None) -> None:
        """The next cell of the row, drawn from the left, about to be drawn; ``written``, its text in the
        order written where it is drawn otherwise. A long table draws many: this is kept short."""
        n = self._row_done
        self._row_done = n + 1
        owner = self._row_first + 1 + (self._row_cells - 1 - n if self._row_reversed else n)
        page = self.owners[-1]
        if self.in_artifact:
            self._canvas.addLiteral("EMC")
            self.in_artifact = False
        self._canvas.addLiteral(f"/{self._row_tag} <</MCID {len(page)}>> BDC")
        page.append(owner)
        if written is not None:
            self.cell_texts[owner] = written
        self.open_element = _CELL

    def end_cell(self) -> None:
        """A cell drawn: the next is drawn straight after it, with nothing between (its background and
        rules are drawn before the first cell and after the last, in an artifact: ``artifact``)."""
        self._canvas.addLiteral("EMC")
        self.open_element = None

    def artifact(self) -> None:
        """What is drawn next is an artifact (a table's rules, after its cells)."""
        if not self.in_artifact and self.open_element is None:
            self._canvas.addLiteral("/Artifact BMC")
            self.in_artifact = True

    # -- links

    def link(self, annotation: str) -> int:
        """A link annotation just made, in the element being drawn; its /StructParent."""
        key, self.next_key = self.next_key, self.next_key + 1
        if self.open_link is not None:  # the Link holding the words just drawn
            self.open_link.annotation, self.open_link.key = annotation, key
            return key
        owner = self.open_element if self.open_element not in (None, _CELL) else self.structure.root
        assert owner is not None
        link = Link(self.next_id, owner.id, len(self.owners) - 1, annotation, key)
        self.next_id += 1
        self.links.append(link)
        self.content.setdefault(owner.id, []).append(link)
        return key

    def open_link_words(self) -> None:
        """Interrupt the open element's content with a Link element's: its words, then (``link``) its
        annotation."""
        owner = self._interrupted()
        self.open_link = Link(self.next_id, owner.id, len(self.owners) - 1, "", -1, len(self.owners[-1]))
        self.links.append(self.open_link)
        self._interrupt(owner, self.open_link, "Link")

    def close_link_words(self) -> None:
        self.open_link = None
        self._reopen()

    # -- runs in another language

    def open_span(self, lang: str, written: str | None = None) -> None:
        """Interrupt the open element's content with a Span element's, in ``lang``."""
        owner = self._interrupted()
        span = LanguageSpan(self.next_id, owner.id, len(self.owners) - 1, len(self.owners[-1]), lang, written)
        self.spans.append(span)
        self.in_span = True
        self._interrupt(owner, span, "Span")

    def close_span(self) -> None:
        """The open element's content goes on after a Span's."""
        self.in_span = False
        self._reopen()

    # A child element drawn inside its parent's content (a Link's words, a Span) interrupts the
    # parent's marked-content sequence with its own, in the parent's content in drawing order. The
    # writer draws such runs each in a text object of its own, so the sequences nest as they must.

    def _interrupted(self) -> Element:
        assert self.open_element is not None
        return self.open_element

    def _interrupt(self, owner: Element, child: Link | LanguageSpan, tag: str) -> None:
        assert child.mcid is not None and child.id == self.next_id
        self.next_id += 1
        self.owners[-1].append(child.id)
        self.content.setdefault(owner.id, []).append(child)
        self._literal(self._canvas, f"EMC /{tag} <</MCID {child.mcid}>> BDC")

    def _reopen(self) -> None:
        """The open element's content goes on after a child's that interrupted it."""
        owner = self._interrupted()
        page = self.owners[-1]
        mcid = len(page)
        page.append(owner.id)
        self.content[owner.id].append((len(self.owners) - 1, mcid))
        self._literal(self._canvas, f"EMC /{owner.kind} <</MCID {mcid}>> BDC")


_CELL = Element(-1, "TD", None)
"""Stands for the open element while a table cell is drawn (cells are recorded in ``Rows``)."""


@contextmanager
def artifact_amid(canvas: Any) -> Iterator[None]:
    """Draw an artifact (a contents entry's leader dots) amid the content of the element being drawn,
    whose content goes on after it."""
    marks: Marks | None = getattr(canvas, "marks", None)
    owner = marks.open_element if marks is not None else None
    if marks is None or owner is None or owner is _CELL or marks.depth:
        yield
        return
    marks._literal(canvas, "EMC /Artifact BMC")
    try:
        yield
    finally:
        page = marks.owners[-1]
        mcid = len(page)
        page.append(owner.id)
        marks.content[owner.id].append((len(marks.owners) - 1, mcid))
        marks._literal(canvas, f"EMC /{owner.kind} <</MCID {mcid}>> BDC")


@contextmanager
def spoken(canvas: Any, text: str | None) -> Iterator[None]:
    """Draw a run whose drawn glyphs read otherwise than ``text`` (right to left, shaped) with ``text``
    as its /ActualText, which readers read instead."""
    marks: Marks | None = getattr(canvas, "marks", None)
    if text is None or marks is None or marks.open_element is None:
        yield
        return
    canvas.addLiteral(f"/Span <</ActualText {pdf_text(text)}>> BDC")
    try:
        yield
    finally:
        canvas.addLiteral("EMC")


@contextmanager
def language(canvas: Any, lang: str | None, written: str | None = None) -> Iterator[None]:
    """Draw a run of text in another language than the document's as a Span element with its /Lang, in
    the element being drawn: a screen reader reads it in that language's voice; ``written``, its text in
    the order written where it is drawn otherwise (right to left). Inside a table cell, a
    marked-content sequence with the /Lang."""
    marks: Marks | None = getattr(canvas, "marks", None)
    if lang is None or marks is None or marks.open_element is None:
        yield
        return
    if marks.open_element is _CELL or marks.depth:
        canvas.addLiteral(f"/Span <</Lang {pdf_text(lang)}>> BDC")
        try:
            yield
        finally:
            canvas.addLiteral("EMC")
        return
    marks.open_span(lang, written)
    try:
        yield
    finally:
        marks.close_span()


@contextmanager
def linked(canvas: Any) -> Iterator[None]:
    """Draw a link's words, and make its annotation, as a Link element's content: its words, then its
    annotation (OBJR), in the element being drawn. Inside a table cell or a run in another language,
    the words stay the cell's or the run's, and the Link holds its annotation."""
    marks: Marks | None = getattr(canvas, "marks", None)
    if marks is None or marks.open_element in (None, _CELL) or marks.depth or marks.in_span:
        yield
        return
    marks.open_link_words()
    try:
        yield
    finally:
        marks.close_link_words()
