"""PDF writer: walks the model into reportlab platypus flowables."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any, assert_never
from xml.sax.saxutils import quoteattr

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    ListFlowable,
    LongTable,
    PageTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Image as RLImage
from reportlab.platypus import ListItem as RLListItem
from reportlab.platypus import PageBreak as RLPageBreak
from reportlab.platypus import Paragraph as RLParagraph

from ..errors import Problem
from ..model import (
    Block,
    Briefing,
    Image,
    Inline,
    ListBlock,
    PageBreak,
    Paragraph,
    Section,
    Span,
    Table,
    plain,
)
from . import common, pdffonts
from .pdffonts import FONT, text_markup


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=14.5, spaceAfter=6)
    styles = {
        "body": base,
        "title": ParagraphStyle("title", base, fontName=f"{FONT}-Bold", fontSize=22, leading=27, spaceAfter=6),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=13, leading=17, textColor=colors.HexColor("#444444")),
        "meta": ParagraphStyle(
            "meta", base, fontName=f"{FONT}-Italic", textColor=colors.HexColor("#555555"), spaceAfter=14
        ),
        "caption": ParagraphStyle(
            "caption", base, fontName=f"{FONT}-Bold", fontSize=9, leading=12, spaceBefore=6, spaceAfter=4
        ),
        "cell": ParagraphStyle("cell", base, fontSize=9, leading=11.5, spaceAfter=0),
        "marking": ParagraphStyle("marking", base, fontName=f"{FONT}-Bold", alignment=TA_CENTER),
    }
    # A table's caption stays on the page of the table's first rows.
    styles["table-caption"] = ParagraphStyle("table-caption", styles["caption"], keepWithNext=1)
    styles["cell-right"] = ParagraphStyle("cell-right", styles["cell"], alignment=TA_RIGHT)
    styles["cell-head"] = ParagraphStyle("cell-head", styles["cell"], fontName=f"{FONT}-Bold")
    for level in range(1, 10):
        size = max(16 - 2 * (level - 1), 10.5)
        styles[f"h{level}"] = ParagraphStyle(
            f"h{level}",
            base,
            fontName=f"{FONT}-Bold",
            fontSize=size,
            leading=size * 1.3,
            spaceBefore=12 if level == 1 else 8,
            spaceAfter=4,
            keepWithNext=1,
        )
    return styles


class _Heading(RLParagraph):
    """A heading paragraph that also goes into the PDF outline."""

    def __init__(self, markup: str, style: ParagraphStyle, level: int, text: str) -> None:
        super().__init__(markup, style)
        self.outline = (level, text)


class _KeepWithNext(KeepTogether):
    """Keeps a heading or caption with what follows, without wasting pages.

    Plain KeepTogether moves a group that does not fit to the next page, so a
    heading followed by a long table would leave a page nearly empty. Here a
    group that starts with enough room left is split in place instead.
    """

    room = 6 * cm
    """Space left on the page above which a too-tall group starts in place."""

    def split(self, aW: float, aH: float) -> list[Flowable]:
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        if self._H > aH and aH >= self.room:
            return list(self._content)
        return super().split(aW, aH)


class _Document(BaseDocTemplate):
    def __init__(self, path: Path, doc: Briefing) -> None:
        page = (common.PAGE_CM[0] * cm, common.PAGE_CM[1] * cm)
        margin = common.MARGIN_CM * cm
        super().__init__(
            str(path),
            pagesize=page,
            leftMargin=margin,
            rightMargin=margin,
            topMargin=margin,
            bottomMargin=margin,
            title=doc.title,
            author=doc.author or doc.source or "",
            subject=doc.subtitle or "",
            creator="briefing",
            keywords=doc.classification or "",
            # reportlab's canvas starts in Helvetica, which would be the one
            # font in the file not embedded; start in the bundled font.
            initialFontName=FONT,
            keepTogetherClass=_KeepWithNext,
        )
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate("page", [frame], onPage=partial(_furniture, doc))])
        self._bookmarks = 0

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, _Heading):
            level, text = flowable.outline
            self._bookmarks += 1
            key = f"h{self._bookmarks}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=level - 1, closed=level > 1)


def _furniture(doc: Briefing, canvas: Canvas, template: BaseDocTemplate) -> None:
    """The classification marking, centred at the top and bottom of the page."""
    if not doc.classification:
        return
    canvas.saveState()
    canvas.setFont(f"{FONT}-Bold", 10)
    canvas.setFillColor(colors.HexColor("#" + common.MARKING_RGB))
    width, height = template.pagesize
    canvas.drawCentredString(width / 2, height - 1.2 * cm, doc.classification)
    canvas.drawCentredString(width / 2, 0.9 * cm, doc.classification)
    canvas.restoreState()


class PdfWriter:
    """Writes a briefing as a PDF with embedded fonts and an outline."""

    name = "pdf"
    extension = ".pdf"

    def write(self, doc: Briefing, path: Path) -> list[Problem]:
        pdffonts.register()
        story = _Story(doc).flowables
        template = _Document(path, doc)
        template.build(story)
        return []


class _Story:
    def __init__(self, doc: Briefing) -> None:
        self.styles = _styles()
        self.flowables: list[Flowable] = []
        self.tables = 0
        self.figures = 0
        self.front_matter(doc)
        for block in doc.summary:
            self.block(block)
        for section in doc.sections:
            self.section(section, 1)

    def add(self, flowable: Flowable) -> None:
        self.flowables.append(flowable)

    def front_matter(self, doc: Briefing) -> None:
        self.add(RLParagraph(text_markup(doc.title), self.styles["title"]))
        if doc.subtitle:
            self.add(RLParagraph(text_markup(doc.subtitle), self.styles["subtitle"]))
        meta = common.meta_line(doc)
        self.add(RLParagraph(text_markup(meta), self.styles["meta"]) if meta else Spacer(1, 10))
        if doc.summary:
            self.add(_Heading("Summary", self.styles["h1"], 1, "Summary"))

    def section(self, section: Section, level: int) -> None:
        self.add(_Heading(markup(section.heading), self.styles[f"h{level}"], level, plain(section.heading)))
        for block in section.content:
            self.block(block)
        for sub in section.sections:
            self.section(sub, level + 1)

    def block(self, block: Block) -> None:
        match block:
            case Paragraph():
                self.add(RLParagraph(markup(block.text), self.styles["body"]))
            case ListBlock():
                self.add(self.list(block))
            case Table():
                self.table(block)
            case Image():
                self.image(block)
            case PageBreak():
                self.add(RLPageBreak())
            case _:
                assert_never(block)

    def list(self, block: ListBlock) -> ListFlowable:
        items = []
        for item in block.items:
            text = markup(item.text)
            if item.lead:
                text = f"<b>{markup(item.lead)}:</b> {text}"
            items.append(RLListItem(RLParagraph(text, self.styles["body"])))
        kind: dict[str, Any] = (
            {"bulletType": "1", "bulletFormat": "%s."}
            if block.numbered
            else {"bulletType": "bullet", "start": "\u2022"}
        )
        return ListFlowable(items, bulletFontName=FONT, bulletFontSize=10.5, leftIndent=18, **kind)

    def table(self, table: Table) -> None:
        self.tables += 1
        label = common.caption("Table", self.tables, table.title)
        caption = RLParagraph(text_markup(label), self.styles["table-caption"])
        weights = common.column_weights(table)
        width = common.TEXT_WIDTH_CM * cm
        col_widths = [width * w / sum(weights) for w in weights]
        numeric = common.numeric_columns(table)
        head = [RLParagraph(text_markup(c), self.styles["cell-head"]) for c in table.columns]
        body = [
            [
                RLParagraph(text_markup(common.cell_text(v)), self.styles["cell-right" if num else "cell"])
                for v, num in zip(row, numeric, strict=True)
            ]
            for row in table.rows
        ]
        grid = LongTable([head, *body], colWidths=col_widths, repeatRows=1, hAlign="LEFT")
        grid.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), FONT),  # the cell default is Helvetica
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#8C96A0")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#" + common.HEADER_FILL_RGB)),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        self.add(caption)
        self.add(grid)
        self.add(Spacer(1, 8))

    def image(self, block: Image) -> None:
        self.figures += 1
        px_w, px_h = block.size_px
        width = min((block.width_cm or px_w * 2.54 / 96), common.TEXT_WIDTH_CM) * cm
        height = width * px_h / px_w
        picture = RLImage(str(block.path), width=width, height=height)
        label = common.caption("Figure", self.figures, None)
        text = text_markup(label) + (": " + markup(block.caption) if block.caption else "")
        self.add(KeepTogether([picture, RLParagraph(text, self.styles["caption"])]))


def markup(text: Inline) -> str:
    """Inline spans as reportlab paragraph markup, escaped once here."""
    out = []
    for href, spans in common.link_groups(text):
        inner = "".join(_span(span) for span in spans)
        if href is None:
            out.append(inner)
        else:
            out.append(f'<a href={quoteattr(href)} color="#{common.LINK_RGB}"><u>{inner}</u></a>')
    return "".join(out)


def _span(span: Span) -> str:
    text = text_markup(span.text)
    if span.bold:
        text = f"<b>{text}</b>"
    if span.italic:
        text = f"<i>{text}</i>"
    return text
