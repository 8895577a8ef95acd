"""The tagged PDF (PDF/UA-1): the structure tree a screen reader reads, made from the laid-out tree.

The story's handlers open an ``Element`` for each node of the laid-out tree as they make its
flowables (``Structure.open``), and mark each flowable with the element it shows (``mark``).
As the pages are drawn, a marked flowable's content becomes a marked-content sequence with an
MCID, owned by its element (``Marks.begin``/``Marks.end``); a list item's bullet or number is
its Lbl's (``label``). Everything drawn outside one (running heads, the marking banner, page
numbers, rules, cell backgrounds, a repeated header row) lies in an ``/Artifact`` sequence: each
page opens one, closed while an element's content is drawn, so nothing drawn is left outside the tree.

A long table's rows and cells are made as they are drawn, and recorded in flat arrays
(``Rows``), not as objects: a 100,000-row table's structure costs a few bytes a cell until
``tree_file`` writes it after the file, compressed.
"""

from __future__ import annotations

from array import array
from ast import literal_eval
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFName, PDFStream
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable
from reportlab.platypus.tableofcontents import TableOfContents

from ...adapters import reportlab as reportlab_adapter

HEADING_TAGS = ("H1", "H2", "H3", "H4", "H5", "H6")
"""PDF/UA's numbered headings: a deeper heading is an H6."""


def heading_tag(level: int) -> str:
    """The tag of a heading of ``level`` (1 for a top-level section)."""
    return HEADING_TAGS[min(max(level, 1), 6) - 1]


@dataclass(eq=False)
class Element:
    """A structure element made as the story is: its type, what it says about itself and what it holds."""

    id: int
    """Its place among the tree's elements: the tree's objects are numbered in this order."""
    kind: str
    """Its standard structure type: Document, Sect, H1, P, L, LI, LBody, Table, Figure, Note..."""
    parent: Element | None
    attrs: dict[str, Any] = field(default_factory=dict)
    """Its entries: Alt, Lang, ID, ActualText (text), and A (attribute objects: Scope, ListNumbering)."""
    kids: list[Element] = field(default_factory=list)
    """Its child elements made with the story, in reading order."""


class Structure:
    """The structure tree of one PDF: the elements made as the story is, and the marks of the last drawing."""

    def __init__(self, language: str, title: str) -> None:
        self.language, self.title = language, title
        self.elements: list[Element] = []
        self.root = self._new("Document", None, {})
        self.current = self.root
        self.destinations: dict[str, str] = {}
        """What an internal link's destination is, by its name (a heading's text): the link's description."""
        self.marks: Marks | None = None
        """What the last drawing of the document marked (the contents make reportlab draw it twice)."""

    def _new(self, kind: str, parent: Element | None, attrs: dict[str, Any]) -> Element:
        element = Element(len(self.elements), kind, parent, attrs)
        self.elements.append(element)
        if parent is not None:
            parent.kids.append(element)
        return element

    def add(self, kind: str, **attrs: Any) -> Element:
        """A new element in the one open."""
        return self._new(kind, self.current, attrs)

    def push(self, kind: str, **attrs: Any) -> Element:
        """A new element in the one open, open until ``pop``: what a node's handler and its leave_ one bracket."""
        self.current = self.add(kind, **attrs)
        return self.current

    def entries(self, levels: list[int]) -> None:
        """The contents' entries, one for each heading (``levels``, in order), nested as the headings are:
        a TOCI holds its entry's Reference (its words and page number), then a TOC of the entries below it."""
        for toc in [e for e in self.elements if e.kind == "TOC"]:
            above: list[tuple[int, Element]] = []  # the entries the next may go in: (level, TOCI)
            for level in levels:
                while above and above[-1][0] >= level:
                    above.pop()
                inside = toc
                if above:
                    parent = above[-1][1]
                    inside = next((kid for kid in parent.kids if kid.kind == "TOC"), None) or self._new(
                        "TOC", parent, {}
                    )
                item = self._new("TOCI", inside, {})
                self._new("Reference", item, {})
                above.append((level, item))

    def pop(self) -> None:
        assert self.current.parent is not None, "the document stays open"
        self.current = self.current.parent

    @contextmanager
    def open(self, kind: str, **attrs: Any) -> Iterator[Element]:
        """A new element in the one open, open itself while its content is made."""
        element, outer = self.add(kind, **attrs), self.current
        self.current = element
        try:
            yield element
        finally:
            self.current = outer


def list_numbering(numbered: bool) -> str:
    """A list's attribute object: how its items are marked (a number, a bullet)."""
    return f"<</O /List /ListNumbering /{'Decimal' if numbered else 'Disc'}>>"


# -- marking flowables -------------------------------------------------------

_marked_classes: dict[type, type] = {}


class _Marked:
    """A flowable whose content is an element's: drawn inside a marked-content sequence of it."""

    tag_element: Element

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803 (reportlab's names)
        marks: Marks | None = getattr(canvas, "marks", None)
        if marks is None:
            super().drawOn(canvas, x, y, _sW)  # type: ignore[misc]
            return
        if self.tag_element.kind == "Figure":
            self.tag_element.attrs["A"] = layout_box(self, x, y, _sW)
        marks.begin(self.tag_element)
        try:
            super().drawOn(canvas, x, y, _sW)  # type: ignore[misc]
        finally:
            marks.end()

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        parts = super().split(available_width, available_height)  # type: ignore[misc]
        for part in parts:  # a paragraph over two pages is one element, with content on each
            if not hasattr(part, "tag_element"):
                mark(part, self.tag_element)
        label = vars(self).get("label_element")
        if label is not None and parts:  # a list item's label is drawn beside its first part
            labelled(parts[0], label)
        return list(parts)


def layout_box(flowable: Flowable, x: float, y: float, slack: float) -> str:
    """A figure's attribute object: the box it is drawn in on its page (/BBox, a Layout attribute),
    for tools that reflow or magnify the page around it."""
    left = reportlab_adapter.drawn_left(flowable, x, slack)
    width = getattr(flowable, "drawWidth", None) or flowable.width * getattr(flowable, "renderScale", 1.0)
    height = getattr(flowable, "drawHeight", None) or flowable.height * getattr(flowable, "renderScale", 1.0)
    box = " ".join(f"{n:.2f}" for n in (left, y, left + width, y + height))
    return f"<</O /Layout /BBox [{box}]>>"


def mark(flowable: Flowable, element: Element) -> Flowable:
    """Make ``flowable`` draw its content as ``element``'s (its class becomes a marked one of the same kind)."""
    cls = type(flowable)
    if not isinstance(flowable, _Marked):
        marked = _marked_classes.get(cls)
        if marked is None:
            marked = _marked_classes[cls] = type(cls.__name__, (_Marked, cls), {"__module__": cls.__module__})
        object.__setattr__(flowable, "__class__", marked)  # a drawing's own __setattr__ would keep it aside
    # Set in its own attributes: a chart's drawing takes no attribute its class does not list.
    vars(flowable)["tag_element"] = element
    return flowable


def labelled(body: Flowable, label: Element) -> Flowable:
    """Give a list item's body (LBody) its label's element (Lbl), for its bullet or number drawn beside it."""
    vars(body)["label_element"] = label
    return body


@contextmanager
def label(body: Flowable, canvas: Any) -> Iterator[None]:
    """Draw a list item's label (its bullet or number, as drawn) as its Lbl element's content."""
    element: Element | None = vars(body).get("label_element")
    marks: Marks | None = getattr(canvas, "marks", None)
    if element is None or marks is None:
        yield
        return
    marks.begin(element, canvas)
    try:
        yield
    finally:
        marks.end(canvas)


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


class TableTags:
    """Tags a laid-out table's runs as reportlab draws them (its ``renderCB``): one Table, its header
    row in THead the first time it is drawn and an artifact where a page repeats it, every other row
    in TBody, each cell a TH or TD."""

    def __init__(self, head: Element, body: Element, columns: int, rtl: bool) -> None:
        self.head, self.body, self.columns, self.rtl = head, body, columns, rtl
        self._marks: Marks | None = None
        """The marks of the drawing under way, while a run is drawn and its rows are tagged."""

    def __call__(self, table: Any, event: str, *args: Any) -> None:
        marks = self._marks
        if event == "startCell":
            if marks is not None:
                marks.cell(getattr(args[2], "written", None) if self.rtl else None)  # read as written
        elif event == "endCell":
            if marks is not None:
                marks.end_cell()
        elif event == "startRow":
            self._row(table, args[0])
        elif event == "startLines":
            drawing: Marks | None = getattr(table.canv, "marks", None)
            if drawing is not None and drawing.owners:
                drawing.artifact()
            self._marks = None

    def _row(self, table: Any, number: int) -> None:
        marks: Marks | None = getattr(table.canv, "marks", None)
        self._marks = None
        if marks is None or not marks.owners:
            return
        header = number == 0 and bool(table.repeatRows)
        if header and self.head.id in marks.headers_drawn:
            return  # a header row repeated on a later page: an artifact
        if header:
            marks.headers_drawn.add(self.head.id)
        marks.row(self.head if header else self.body, self.columns, header, self.rtl)
        self._marks = marks


class ContentsTags:
    """Tags the contents as reportlab draws their table: each entry's words and page number the
    Reference of its TOCI, its leader dots an artifact."""

    def __init__(self, toc: Element) -> None:
        self.toc = toc
        self._references: list[Element] | None = None

    def __call__(self, table: Any, event: str, *args: Any) -> None:
        marks: Marks | None = getattr(table.canv, "marks", None)
        if marks is None or not marks.owners:
            return
        if event == "startCell":
            entry = args[2]
            held = entry if isinstance(entry, (list, tuple)) else [entry]
            if any(hasattr(f, "frags") for f in held):  # an entry's paragraph, not a spacer
                marks.begin(self._item(marks), table.canv)
                self._open = True
        elif event == "endCell" and getattr(self, "_open", False):
            marks.end(table.canv)
            self._open = False

    def _item(self, marks: Marks) -> Element:
        """The Reference of the next entry drawn."""
        if self._references is None:  # the entries are made before the contents are drawn
            self._references = [e for e in _below(self.toc) if e.kind == "Reference"]
        references = self._references or [self.toc]
        drawn = sum(1 for reference in references if reference.id in marks.content)
        return references[min(drawn, len(references) - 1)]


def _below(element: Element) -> Iterator[Element]:
    """The elements below ``element``, in reading order."""
    for kid in element.kids:
        yield kid
        yield from _below(kid)


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


class Contents(TableOfContents):  # type: ignore[misc]
    """The table of contents as a TOC element, each entry a TOCI (with its links): its words, then its
    page number, drawn after them (reportlab draws them before), its leader dots an artifact."""

    def __init__(self, element: Element, **options: Any) -> None:
        super().__init__(**options)
        self.tags = ContentsTags(element)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        size = super().wrap(available_width, available_height)
        # The name reportlab's entries call at the end of their words, here drawing as reportlab does.
        self.canv.setNamedCB("drawTOCEntryEnd", partial(self._entry_end, available_width))
        table = reportlab_adapter.contents_table(self)
        if table is not None:  # its parts, if it is split, are drawn with it too
            reportlab_adapter.watch_table(table, self.tags)
        return size  # type: ignore[no-any-return]

    def _entry_end(self, width: float, canvas: Any, kind: str, label: str) -> None:
        """At the end of an entry's words: its dots and page number, drawn once its words are."""
        page, level, key = label.split(",")
        style = self.getLevelStyle(int(level))
        dot = " . " if 0 <= self.dotsMinLevel <= int(level) else ""
        x, y = reportlab_adapter.text_position(canvas)
        end = partial(_page_number, canvas, style, int(page), literal_eval(key), dot, (x, y, width))
        after = getattr(canvas, "after_text", None)
        end() if after is None else after(end)


def _page_number(canvas: Any, style: Any, page: int, key: str | None, dot: str, at: tuple[float, ...]) -> None:
    """An entry's leader dots and page number, placed as reportlab places them (drawPageNumbers): the
    dots an artifact, the number read after the entry's words with a space before it."""
    x, y, width = at
    number, size = str(page), style.fontSize
    number_width = stringWidth(number, style.fontName, size)
    while number_width > width - x and size >= 1.0:  # a number too wide for what is left is made smaller
        size *= 0.9
        number_width = stringWidth(number, style.fontName, size)
    dot_width = stringWidth(dot, style.fontName, size) if dot else 0
    count = int((width - x - number_width) / dot_width) if dot else 0
    start = width - count * dot_width - number_width
    if count > 0:
        with artifact_amid(canvas):
            _text(canvas, style, size, start, y, count * dot)
    space = stringWidth(" ", style.fontName, size)  # drawn before the number, where it moves nothing
    _text(canvas, style, size, start + max(count, 0) * dot_width - space, y, " " + number)
    if key:
        shown = width - number_width
        canvas.linkRect("", key, (shown, y, shown + number_width, y + style.leading), relative=1)


def _text(canvas: Any, style: Any, size: float, x: float, y: float, text: str) -> None:
    line = canvas.beginText(x, y)
    line.setFont(style.fontName, size)
    line.setFillColor(style.textColor)
    line.textLine(text)
    canvas.drawText(line)


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


def pdf_text(text: str) -> str:
    """A PDF text string: UTF-16 with its byte order mark, in hex."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


# -- the canvas's side -------------------------------------------------------


class TaggingCanvas:
    """What a canvas does for a tagged PDF: the catalog's entries, each page's, and links in the tree.

    A mixin for the writer's canvas, which is given the ``structure`` to mark.
    """

    marks: Marks | None = None
    _after_text: Any = None

    def after_text(self, draw: Any) -> None:
        """Call ``draw`` once the text object being made is drawn (what a paragraph's callback draws
        after its words)."""
        self._after_text = draw

    def drawText(self, text: Any) -> None:  # noqa: N802 (reportlab's name)
        super().drawText(text)  # type: ignore[misc]
        draw, self._after_text = self._after_text, None
        if draw is not None:
            draw()

    def start_tagging(self, structure: Structure | None) -> None:
        if structure is None:
            return
        self.marks = structure.marks = Marks(structure)
        self.marks._canvas = self
        canvas: Any = self
        canvas.setCatalogEntry("MarkInfo", PDFDictionary({"Marked": "true"}))
        canvas.setViewerPreference("DisplayDocTitle", "true")
        self._tree_root = PDFDictionary({"Type": PDFName("StructTreeRoot")})
        canvas.setCatalogEntry("StructTreeRoot", self._tree_root)  # written again with the tree, after the file
        xmp = PDFStream(PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}), _xmp(structure))
        canvas.setCatalogEntry("Metadata", xmp)

    def finish_page(self) -> None:
        """Close the page's marked content and give the page its place in the parent tree."""
        if self.marks is not None:
            self.marks.close_page(self)

    def page_finished(self) -> None:
        if self.marks is not None:
            key = self.marks.page_keys[-1]
            reportlab_adapter.add_page_entries(self, {"StructParents": key, "Tabs": PDFName("S")})

    def record_numbers(self) -> None:
        """Once the file is written, the object numbers the tree refers to."""
        marks = self.marks
        if marks is None:
            return
        pages = [f"Page{n}" for n in range(1, len(marks.owners) + 1)]
        annotations = [link.annotation for link in marks.links]
        root = reportlab_adapter.object_name(self._tree_root)
        numbers = reportlab_adapter.object_numbers(self, [*pages, *annotations, root])
        marks.numbers = {
            "pages": numbers[: len(pages)],
            "annotations": numbers[len(pages) : len(pages) + len(annotations)],
            "root": numbers[-1],
        }

    def linkURL(self, url: str, rect: Any, relative: int = 0, *args: Any, **kw: Any) -> None:  # noqa: N802
        if self.marks is None:
            super().linkURL(url, rect, relative, *args, **kw)  # type: ignore[misc]
            return
        kw.setdefault("Contents", _pdf_string(url))
        kw["StructParent"] = self.marks.next_key
        super().linkURL(url, rect, relative, *args, **kw)  # type: ignore[misc]
        self.marks.link(reportlab_adapter.last_annotation(self))

    def linkRect(self, contents: str, destination: str, *args: Any, **kw: Any) -> Any:  # noqa: N802
        if self.marks is None:
            return super().linkRect(contents, destination, *args, **kw)  # type: ignore[misc]
        said = contents or self.marks.structure.destinations.get(destination, destination)
        made = super().linkRect(said, destination, *args, **kw)  # type: ignore[misc]
        name = reportlab_adapter.last_annotation(self)
        key = self.marks.link(name)
        reportlab_adapter.add_annotation_entries(self, name, {"StructParent": key})
        return made


def _pdf_string(text: str) -> Any:
    from reportlab.pdfbase.pdfdoc import PDFString

    return PDFString(text)


def _xmp(structure: Structure) -> bytes:
    """The file's XMP metadata: its title and language, and that it conforms to PDF/UA-1."""
    from ..markup import escape

    title, lang = escape(structure.title), escape(structure.language)
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
   <dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
   <pdfuaid:part>1</pdfuaid:part>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode()
