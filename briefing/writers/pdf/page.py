"""PDF page furniture: page templates, the marking, "Page X of Y" and the outline."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, KeepTogether, PageTemplate

from ...adapters import reportlab as reportlab_adapter
from ...layout import LaidDocument
from ...style import Style
from .. import markup
from . import bidi, fonts
from .notes import FootnoteFrame, Footnotes
from .tagging import Structure, TaggingCanvas

PORTRAIT, WIDE = "page", "wide"
"""Names of the page templates: the style's page, and the same page turned for wide tables."""
_BAND_CM = 0.75
"""Height of the marking banner at the top and bottom edges."""
_FOOTER_Y_CM = 1.0
"""Baseline of the page number."""


@dataclass(frozen=True)
class Fonts:
    """The registered reportlab names of the style's two families."""

    body: str
    heading: str


class Heading(reportlab_adapter.SpacedParagraph):  # type: ignore[misc]
    """A heading paragraph that also goes into the outline and the contents."""

    def __init__(self, markup: str, style: Any, level: int, text: str, key: str) -> None:
        super().__init__(markup, style)
        self.outline = (level, text, key)


class KeepWithNext(KeepTogether):
    """Keeps a heading or caption with what follows, without wasting pages.

    Plain KeepTogether moves a group that does not fit to the next page, so a
    heading followed by a long table would leave a page nearly empty. Here a
    group that starts with enough room left is split in place instead.
    """

    room = 6 * cm
    """Space left on the page above which a too-tall group starts in place."""

    def split(self, aW: float, aH: float) -> list[Flowable]:
        content = reportlab_adapter.kept_flowables(self)
        # A group ending in a table that stays whole cannot start in place: the table would leave
        # its caption behind. It moves to the next page as one.
        whole = getattr(content[-1], "keeps_whole", False) if content else False
        if reportlab_adapter.kept_height(self, aW, aH) > aH and aH >= self.room and not whole:
            return content
        return super().split(aW, aH)


class Document(BaseDocTemplate):
    """The page set-up of a briefing: the style's page, and a turned one for wide tables."""

    def __init__(
        self,
        path: Path,
        laid: LaidDocument,
        fonts: Fonts,
        footnotes: Footnotes | None = None,
        structure: Structure | None = None,
    ) -> None:
        doc = laid.doc
        style = doc.style
        width, height = style.page_cm[0] * cm, style.page_cm[1] * cm
        margin = style.margin_cm * cm
        super().__init__(
            str(path),
            pagesize=(width, height),
            leftMargin=margin,
            rightMargin=margin,
            topMargin=margin,
            bottomMargin=margin,
            title=laid.properties.title,
            author=laid.properties.author,
            subject=laid.properties.subject,
            creator="briefing",
            keywords=laid.properties.keywords,
            lang=doc.language,  # the catalog's /Lang: screen readers and text tools read by it
            # reportlab's canvas starts in Helvetica, which would be the one
            # font in the file not embedded; start in the bundled font.
            initialFontName=fonts.body,
            keepTogetherClass=KeepWithNext,
        )
        self.doc, self.fonts, self.furniture, self.looks = doc, fonts, laid.furniture, laid.looks
        self.footnotes = footnotes
        """The notes set at the foot of the pages their marks are on, or None."""
        self.structure = structure
        self.addPageTemplates([self._template(PORTRAIT, (width, height)), self._template(WIDE, (height, width))])

    def _template(self, name: str, size: tuple[float, float]) -> PageTemplate:
        margin = self.leftMargin
        # No padding inside the frame: the text column is the page less its margins, as in Word and in
        # the layout's widths, so a table or chart as wide as the column stays within the margins.
        # With footnotes, the text column ends above the notes its page cites.
        column = partial(FootnoteFrame, self.footnotes) if self.footnotes else Frame
        frame = column(
            margin,
            margin,
            size[0] - 2 * margin,
            size[1] - 2 * margin,
            id=name,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        return PageTemplate(name, [frame], onPage=self._furniture, onPageEnd=self._page_end, pagesize=size)

    def beforeDocument(self) -> None:  # noqa: N802 (reportlab's name)
        if self.footnotes:
            self.footnotes.start()  # a document with contents is built twice

    def _page_end(self, canvas: NumberedCanvas, _: BaseDocTemplate) -> None:
        """The notes cited on the page, at the foot of its text."""
        if self.footnotes and isinstance(self.frame, FootnoteFrame):
            self.footnotes.end_page(canvas, self.frame)

    def handle_pageBegin(self) -> None:  # noqa: N802 (reportlab's name)
        marks = getattr(self.canv, "marks", None)
        if marks is not None:  # what the page template draws (the marking) is an artifact
            marks.open_page(self.canv)
        super().handle_pageBegin()

    def afterFlowable(self, flowable: Flowable) -> None:
        outline = getattr(flowable, "outline", None)  # a Heading, or a right-to-left heading laid out apart
        if outline is not None:
            level, text, key = outline
            self.canv.bookmarkPage(key)
            if self.structure is not None:  # a link to it (from the contents) says where it goes
                self.structure.destinations[key] = text
            self.canv.addOutlineEntry(text, key, level=level - 1, closed=level > 1)
            # The contents give the page's printed number: after a cover page, the count starts at the next.
            printed = self.page - (self.furniture.first_numbered_page - 1)
            self.notify("TOCEntry", (level - 1, text, printed, key))

    def _furniture(self, canvas: NumberedCanvas, _: BaseDocTemplate) -> None:
        """The classification marking, centred at the top and bottom of the page."""
        if not self.furniture.marking:
            return
        marking = markup.xml_safe(self.furniture.marking)
        style: Style = self.doc.style
        width, height = canvas.page_size
        colour = colors.HexColor("#" + style.marking_colour)
        canvas.saveState()
        if style.marking_banner:
            band = _BAND_CM * cm
            canvas.setFillColor(colour)
            canvas.rect(0, height - band, width, band, stroke=0, fill=1)
            canvas.rect(0, 0, width, band, stroke=0, fill=1)
            canvas.setFillColor(colors.white)
            lines = (height - band + 0.27 * cm, 0.27 * cm)
        else:
            canvas.setFillColor(colour)
            lines = (height - 1.2 * cm, 0.6 * cm)
        for y in lines:  # in any script, shaped and in visual order as the body's text is
            self._line(canvas, marking, 10, (0.0, width, y), TA_CENTER, bold=True)
        canvas.restoreState()

    def page_number(self, canvas: Canvas, page: int, total: int, size: tuple[float, float]) -> None:
        """ "Page X of Y" at the end of the footer, from the first numbered page on, which the count starts from."""
        before = self.furniture.first_numbered_page - 1
        if page <= before:
            return
        page, total = page - before, total - before
        words, of = self.furniture.page_words
        rtl = self.doc.direction == "rtl"
        canvas.saveState()
        look = self.looks.page_number
        canvas.setFillColor(colors.HexColor("#" + look.colour))
        # At the end of the line: the right, or the left in a right-to-left briefing.
        line = (self.leftMargin, size[0] - self.leftMargin - self.rightMargin, _FOOTER_Y_CM * cm)
        self._line(canvas, f"{words} {page} {of} {total}", look.size, line, TA_LEFT if rtl else TA_RIGHT, look.bold)
        canvas.restoreState()

    def _line(
        self, canvas: Canvas, text: str, size: float, place: tuple[float, float, float], align: int, bold: bool = False
    ) -> None:
        """One line of furniture in the body font, laid out and shaped as the body's text is."""
        pieces = [bidi.Piece(part, face) for part, face in fonts.pieces(text, self.fonts.body, bold)]
        bidi.draw_line(canvas, pieces, size, self.doc.direction == "rtl", place, align)


class NumberedCanvas(TaggingCanvas, Canvas):
    """A canvas that prints "Page X of Y" on each page, Y known only when the last page is done.

    Each page draws a form (a PDF XObject) named for its number; the forms are written once the
    total is known. The pages themselves go to the document as they are finished, so a long
    document holds no more than reportlab itself does.
    """

    def __init__(
        self,
        *args: Any,
        numbers: Callable[[Canvas, int, int, tuple[float, float]], None],
        structure: Structure | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.start_tagging(structure)
        self._numbers = numbers
        self.page_size: tuple[float, float] = kwargs["pagesize"]
        """The size of the page being drawn (reportlab keeps it, but not where one may read it)."""
        self._sizes: list[tuple[float, float]] = []
        """The size of each page finished so far: a turned page has its number elsewhere."""

    def setPageSize(self, size: tuple[float, float]) -> None:
        super().setPageSize(size)
        self.page_size = size

    def showPage(self) -> None:
        self._sizes.append(self.page_size)
        self.doForm(_number_form(len(self._sizes)))  # reportlab lets a form be used before it is defined
        self.finish_page()
        super().showPage()
        self.page_finished()
        reportlab_adapter.compress_last_page(self)  # held compressed, not as text, until the file is written

    def save(self) -> None:
        total = len(self._sizes)
        for number, size in enumerate(self._sizes, 1):
            self.beginForm(_number_form(number), 0, 0, *size)
            self._numbers(self, number, total, size)
            self.endForm()
        super().save()
        self.record_numbers()


def _number_form(page: int) -> str:
    return f"page-number-{page}"
