"""How a PDF table is tagged: a laid-out table's rows and cells as reportlab draws them (``TableTags``,
its ``renderCB``), and the contents' table, each entry a TOCI (``Contents``).

A table is one Table element with its Caption, a THead holding its header row (an artifact where a
page repeats it) and a TBody. Its rows and cells are not objects: ``marked_content.Marks.row`` and
``cell`` record each row in flat arrays as it is drawn, and ``tree_file`` writes their TR, TH and TD
elements into the file after the pages.
"""

from __future__ import annotations

from ast import literal_eval
from collections.abc import Iterator
from functools import partial
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus.tableofcontents import TableOfContents

from ...adapters import reportlab as reportlab_adapter
from .marked_content import Marks, artifact_amid
from .tagging import Element


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
