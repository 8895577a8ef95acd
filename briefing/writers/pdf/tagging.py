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

Where each part is: here, the elements and the flowables marked as their content;
``marked_content``, what one drawing of the pages marks (each page's MCIDs, a table's rows, links,
runs in another language); ``table_tags``, how a table's rows and cells, and the contents' entries,
are tagged as reportlab draws them; ``tagging_canvas``, the canvas's side (the catalog's and each
page's entries, links' annotations); ``tree_file``, the tree written into the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reportlab.platypus import Flowable

from ...adapters import reportlab as reportlab_adapter

if TYPE_CHECKING:
    from .marked_content import Marks

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


def pdf_text(text: str) -> str:
    """A PDF text string: UTF-16 with its byte order mark, in hex."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


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
