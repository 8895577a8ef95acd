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
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, KeepTogether, ListFlowable, PageTemplate
from reportlab.platypus.doctemplate import ActionFlowable

from ...adapters import reportlab as reportlab_adapter
from ...layout import LaidDocument
from ...style import Style
from .. import markup
from . import bidi, fonts
from .notes import FootnoteFrame, Footnotes
from .tagging import Structure
from .tagging_canvas import TaggingCanvas

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


class KeepWithNext(reportlab_adapter.OpenKeepTogether):  # type: ignore[misc]
    """Keeps a heading or caption with what follows, without wasting pages.

    Plain KeepTogether moves a group that does not fit to the next page, so a
    heading followed by a long table would leave a page nearly empty. Here a
    group that starts with enough room left is split in place instead, when
    what follows the heading starts on the page too: a block that does not
    split (a callout, a chart, a picture) takes the heading with it to the next.
    """

    room = 6 * cm
    """Space left on the page above which a too-tall group starts in place."""

    def split(self, aW: float, aH: float) -> list[Flowable]:
        content = reportlab_adapter.kept_flowables(self)
        # A group ending in a table that stays whole cannot start in place: the table would leave
        # its caption behind. It moves to the next page as one.
        whole = getattr(content[-1], "keeps_whole", False) if content else False
        if (
            reportlab_adapter.kept_height(self, aW, aH) > aH
            and aH >= self.room
            and not whole
            and self._last_starts(content, aW, aH)
        ):
            return content
        return super().split(aW, aH)

    def getSpaceBefore(self) -> float:  # noqa: N802 (reportlab's name)
        """The space before the first flowable that takes room: a named place before a heading takes
        none, and the heading's space is the group's (the room a frame offers the group is less it)."""
        for flowable in reportlab_adapter.kept_flowables(self):
            if not reportlab_adapter.takes_no_room(flowable):
                return float(flowable.getSpaceBefore())
        return 0.0

    def _last_starts(self, content: list[Flowable], width: float, height: float) -> bool:
        """Whether the group's last flowable, under the others, starts in ``height``: placed whole or as
        the first part of a split, with some of its content on the page."""
        *above, last = content
        used, first = 0.0, True
        for flowable in above:  # spaces counted in full: a little less room, never a heading left alone
            drawn = flowable.wrapOn(self.canv, width, height)[1]
            if drawn > _FUZZ:
                used += (0.0 if first else flowable.getSpaceBefore()) + drawn + flowable.getSpaceAfter()
                first = False
        return _starts(last, self.canv, width, height - used - last.getSpaceBefore())


def kept_with_next(story: list[Flowable]) -> list[Flowable]:
    """``story`` with each group (a chart, a picture, a callout kept on one page) or list held in one
    KeepWithNext with the flowables before it that keep with the next (a heading, an anchor, an
    introducing paragraph).

    reportlab keeps a flowable with the next only when the next is no container of others: a
    heading before a chart, a callout or a list would be kept with nothing, and could stand alone
    at the foot of a page.
    """
    out: list[Flowable] = []
    for flowable in story:
        start = len(out)
        if isinstance(flowable, (KeepTogether, ListFlowable)):
            while start and _keeps_with_next(out[start - 1]):
                start -= 1
        if start < len(out):
            out[start:] = [KeepWithNext([*out[start:], flowable])]
        else:
            out.append(flowable)
    return out


def _keeps_with_next(flowable: Flowable) -> bool:
    return not isinstance(flowable, (KeepTogether, ActionFlowable)) and bool(flowable.getKeepWithNext())


_FUZZ = 1e-3
_SPLIT_DEPTH = 4
"""How far into a flowable's first parts to look for content that fits (a list's first item, its first lines)."""


def _starts(flowable: Flowable, canvas: Canvas, width: float, height: float, depth: int = _SPLIT_DEPTH) -> bool:
    """Whether some of ``flowable``'s content is drawn in ``height``, whole or as a split's first part."""
    if height <= _FUZZ or isinstance(flowable, ActionFlowable):  # an action (a frame break): nothing here
        return False
    if flowable.wrapOn(canvas, width, height)[1] <= height + _FUZZ:
        return True
    parts = flowable.splitOn(canvas, width, height) if depth else []
    return bool(parts) and _starts(parts[0], canvas, width, height, depth - 1)


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

    def build(self, flowables: list[Flowable], *args: Any, **kwargs: Any) -> None:
        kept = kept_with_next(flowables)
        # reportlab lets each flowable go once it is drawn from ``kept``: a long table's runs, drawn,
        # are not held on in ``flowables`` (multiBuild builds through here too, from a copy of its story).
        flowables.clear()
        super().build(kept, *args, **kwargs)

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

    @property
    def page_count(self) -> int:
        """The pages finished so far: once saved, the file's pages."""
        return len(self._sizes)

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
