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
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    KeepTogether,
    ListFlowable,
    NextPageTemplate,
    Spacer,
)
from reportlab.platypus import Image as RLImage
from reportlab.platypus import ListItem as RLListItem
from reportlab.platypus import PageBreak as RLPageBreak
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus.tableofcontents import TableOfContents

from ..errors import Problem
from ..model import (
    Block,
    Briefing,
    Chart,
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
from ..style import Style
from . import common, pdffonts, pdftable
from .pdfpage import PORTRAIT, WIDE, Document, Fonts, Heading, NumberedCanvas


class PdfWriter:
    """Writes a briefing as a PDF with embedded fonts, an outline and page numbers."""

    name = "pdf"
    extension = ".pdf"

    def write(self, doc: Briefing, path: Path) -> list[Problem]:
        style = doc.style
        fonts = Fonts(pdffonts.register(style.body_font), pdffonts.register(style.heading_font or style.body_font))
        story = _Story(doc, fonts).flowables
        template = Document(path, doc, fonts)
        canvas = partial(NumberedCanvas, numbers=template.page_number)
        if style.toc:
            # The contents learn their page numbers from a first pass.
            template.multiBuild(story, canvasmaker=canvas)
        else:
            template.build(story, canvasmaker=canvas)
        return []


def _hex(rgb: str) -> colors.Color:
    return colors.HexColor("#" + rgb)


def _styles(style: Style, fonts: Fonts) -> dict[str, ParagraphStyle]:
    size = style.font_size
    accent = _hex(style.accent)
    body, head = fonts.body, fonts.heading
    base = ParagraphStyle("body", fontName=body, fontSize=size, leading=size * 1.38, spaceAfter=size * 0.6)
    grey = colors.HexColor("#555555")
    styles = {
        "body": base,
        "title": ParagraphStyle(
            "title", base, fontName=pdffonts.bold(head), fontSize=size * 2.1, leading=size * 2.6, textColor=accent
        ),
        "cover-title": ParagraphStyle(
            "cover-title", base, fontName=pdffonts.bold(head), fontSize=size * 2.8, leading=size * 3.4, textColor=accent
        ),
        "subtitle": ParagraphStyle(
            "subtitle",
            base,
            fontName=head,
            fontSize=size * 1.25,
            leading=size * 1.7,
            textColor=colors.HexColor("#444444"),
        ),
        "meta": ParagraphStyle("meta", base, fontName=pdffonts.italic(body), textColor=grey, spaceAfter=4),
        "caption": ParagraphStyle(
            "caption", base, fontName=pdffonts.bold(body), fontSize=size * 0.86, leading=size * 1.15, spaceBefore=6
        ),
        "cell": ParagraphStyle("cell", base, fontSize=size * 0.86, leading=size * 1.1, spaceAfter=0),
        "toc-title": ParagraphStyle(
            "toc-title", base, fontName=pdffonts.bold(head), fontSize=size * 1.5, leading=size * 2, textColor=accent
        ),
    }
    # A table's caption stays on the page of the table's first rows.
    styles["table-caption"] = ParagraphStyle("table-caption", styles["caption"], keepWithNext=1, spaceAfter=4)
    styles["cell-right"] = ParagraphStyle("cell-right", styles["cell"], alignment=TA_RIGHT)
    styles["cell-head"] = ParagraphStyle(
        "cell-head", styles["cell"], fontName=pdffonts.bold(body), textColor=_hex(style.table.header_text)
    )
    styles["cell-head-right"] = ParagraphStyle("cell-head-right", styles["cell-head"], alignment=TA_RIGHT)
    styles["figure-caption"] = ParagraphStyle("figure-caption", styles["caption"], alignment=TA_CENTER)
    for level in range(1, 10):
        h = max(size * (1.55 - 0.2 * (level - 1)), size)
        styles[f"h{level}"] = ParagraphStyle(
            f"h{level}",
            base,
            fontName=pdffonts.bold(head),
            fontSize=h,
            leading=h * 1.3,
            textColor=accent if level <= 2 else colors.black,
            spaceBefore=size * (1.4 if level == 1 else 0.9),
            spaceAfter=size * 0.4,
            keepWithNext=1,
        )
    return styles


def _padding(narrowest: float) -> float:
    """Cell padding, shrunk for very narrow columns, which must keep room for text."""
    return max(0.5, min(6.0, narrowest / 4))


class _Fit:
    """Makes table cells: a plain string when it fits on one line, else a wrapping paragraph.

    Plain strings are drawn directly, many times faster than paragraphs, which
    matters for tables of thousands of rows; both look the same.
    """

    def __init__(self, width: float, style: ParagraphStyle) -> None:
        self.width, self.style = width, style

    def cell(self, text: str, story: _Story) -> str | RLParagraph:
        plain = common.xml_safe(text)
        if "\n" not in plain and story.covers(plain):
            if stringWidth(plain, story.fonts.body, self.style.fontSize) <= self.width:
                return plain
        return RLParagraph(story.text(text), self.style)  # story.text makes it XML-safe too


class _Story:
    def __init__(self, doc: Briefing, fonts: Fonts) -> None:
        self.style = doc.style
        self.fonts = fonts
        self.styles = _styles(doc.style, fonts)
        self.flowables: list[Flowable] = []
        self.tables = self.figures = self.headings = 0
        self.cover(doc)
        if doc.style.toc:
            self.contents()
        if doc.summary:
            self.heading(((Span("Summary"),)), 1)
        for block in doc.summary:
            self.block(block)
        for section in doc.sections:
            self.section(section, 1)

    def add(self, *flowables: Flowable) -> None:
        self.flowables.extend(flowables)

    def covers(self, text: str) -> bool:
        """Whether the body font has a glyph for every character of ``text``."""
        return text.isascii() or pdffonts.covers(text, self.fonts.body)

    def text(self, text: str, font: str | None = None) -> str:
        return pdffonts.text_markup(text, font or self.fonts.body)

    def markup(self, text: Inline, font: str | None = None) -> str:
        """Inline spans as reportlab paragraph markup, escaped once here."""
        out = []
        for href, spans in common.link_groups(text):
            inner = "".join(self._span(span, font) for span in spans)
            if href is None:
                out.append(inner)
            else:
                out.append(f'<a href={quoteattr(href)} color="#{common.LINK_RGB}"><u>{inner}</u></a>')
        return "".join(out)

    def _span(self, span: Span, font: str | None) -> str:
        text = self.text(span.text, font)
        if span.bold:
            text = f"<b>{text}</b>"
        if span.italic:
            text = f"<i>{text}</i>"
        return text

    # -- front matter ------------------------------------------------------

    def cover(self, doc: Briefing) -> None:
        if self.style.cover == "none":
            return
        page = self.style.cover == "page"
        if page:
            self.add(Spacer(1, 4 * cm))
        if self.style.logo:
            self.add(self._logo(page))
        head = self.fonts.heading
        self.add(RLParagraph(self.text(doc.title, head), self.styles["cover-title" if page else "title"]))
        if doc.subtitle:
            self.add(RLParagraph(self.text(doc.subtitle, head), self.styles["subtitle"]))
        meta = common.meta_line(doc)
        if meta:
            self.add(RLParagraph(self.text(meta), self.styles["meta"]))
        self.add(HRFlowable(width="100%", thickness=1.2, color=_hex(self.style.accent), spaceBefore=4, spaceAfter=10))
        if page:
            self.add(RLPageBreak())

    def _logo(self, page: bool) -> Flowable:
        px_w, px_h = self.style.logo_size_px
        height = (2.5 if page else 1.4) * cm
        width = min(height * px_w / px_h, self.style.text_width_cm * cm / 2)
        logo = RLImage(str(self.style.logo), width=width, height=width * px_h / px_w)
        logo.hAlign = "LEFT" if page else "RIGHT"
        return logo

    def contents(self) -> None:
        toc = TableOfContents(dotsMinLevel=0)
        toc.levelStyles = [
            ParagraphStyle(f"toc{n}", self.styles["body"], leftIndent=n * 14, firstLineIndent=0, spaceAfter=2)
            for n in range(3)
        ]
        self.add(RLParagraph("Contents", self.styles["toc-title"]), toc)
        if self.style.cover == "page":
            self.add(RLPageBreak())

    # -- the body ----------------------------------------------------------

    def heading(self, text: Inline, level: int) -> None:
        self.headings += 1
        markup = self.markup(text, self.fonts.heading)
        outline = common.xml_safe(plain(text))
        self.add(Heading(markup, self.styles[f"h{level}"], level, outline, f"h{self.headings}"))

    def section(self, section: Section, level: int) -> None:
        self.heading(section.heading, level)
        for block in section.content:
            self.block(block)
        for sub in section.sections:
            self.section(sub, level + 1)

    def block(self, block: Block) -> None:
        match block:
            case Paragraph():
                self.add(RLParagraph(self.markup(block.text), self.styles["body"]))
            case ListBlock():
                self.add(self.list_block(block))
            case Table():
                self.table(block)
            case Chart():
                self.chart(block)
            case Image():
                self.image(block)
            case PageBreak():
                self.add(RLPageBreak())
            case _:
                assert_never(block)

    def list_block(self, block: ListBlock) -> ListFlowable:
        items = []
        for item in block.items:
            text = self.markup(item.text)
            if item.lead:
                text = f"<b>{self.markup(item.lead)}:</b> {text}"
            items.append(RLListItem(RLParagraph(text, self.styles["body"])))
        kind: dict[str, Any] = (
            {"bulletType": "1", "bulletFormat": "%s."}
            if block.numbered
            else {"bulletType": "bullet", "start": "\u2022", "bulletColor": _hex(self.style.accent)}
        )
        size = self.style.font_size
        return ListFlowable(items, bulletFontName=self.fonts.body, bulletFontSize=size, leftIndent=18, **kind)

    def table(self, table: Table) -> None:
        self.tables += 1
        cols = common.columns(table)
        wide = not self.style.landscape and common.is_wide(cols, self.style.text_width_cm)
        width_cm = self.style.turned_text_width_cm if wide else self.style.text_width_cm
        total = sum(c.weight for c in cols)
        col_widths = [width_cm * cm * c.weight / total for c in cols]
        scale = common.fit_scale(cols, width_cm)
        styles = self._cell_styles(scale)
        # Padding shrinks with the text: column widths allow three characters for it at any size.
        padding = _padding(min(col_widths)) * scale
        head = [RLParagraph(self.text(c.name), styles["head-right" if c.numeric else "head"]) for c in cols]
        fits = [
            _Fit(w - 2 * padding, styles["right" if c.numeric else "left"])
            for w, c in zip(col_widths, cols, strict=True)
        ]
        body: list[list[Any]] = [
            [fit.cell(c.text(v), self) for v, c, fit in zip(row, cols, fits, strict=True)] for row in table.rows
        ]
        if table.totals:
            body.append(common.totals_texts(table, cols))
        grid = pdftable.runs(head, body, self._look(col_widths, padding, styles["left"], cols, table))
        label = common.caption("Table", self.tables, table.title)
        caption = RLParagraph(self.text(label), self.styles["table-caption"])
        if wide:
            # A wide table gets pages of its own, turned to landscape.
            self.add(NextPageTemplate(WIDE), RLPageBreak(), caption, *grid, NextPageTemplate(PORTRAIT), RLPageBreak())
        else:
            self.add(caption, *grid, Spacer(1, 8))

    def _cell_styles(self, scale: float) -> dict[str, ParagraphStyle]:
        """Cell paragraph styles, shrunk by ``scale`` for tables that would not fit."""
        names = {"left": "cell", "right": "cell-right", "head": "cell-head", "head-right": "cell-head-right"}
        styles = {key: self.styles[name] for key, name in names.items()}
        if scale == 1:
            return styles
        return {
            key: ParagraphStyle(f"{s.name}-{scale:.2f}", s, fontSize=s.fontSize * scale, leading=s.leading * scale)
            for key, s in styles.items()
        }

    def _look(
        self, widths: list[float], padding: float, cell: ParagraphStyle, cols: list[common.Column], table: Table
    ) -> pdftable.Look:
        look = self.style.table
        return pdftable.Look(
            widths=widths,
            padding=padding,
            font=self.fonts.body,
            bold_font=pdffonts.bold(self.fonts.body),
            size=cell.fontSize,
            leading=cell.leading,
            right=[c.numeric for c in cols],
            header_fill=_hex(look.header_fill),
            zebra=_hex(look.zebra) if look.zebra else None,
            borders=_hex(look.borders) if look.borders else None,
            accent=_hex(self.style.accent),
            totals=table.totals is not None,
        )

    def chart(self, block: Chart) -> None:
        from . import chart  # reportlab's charts load only for packs that have one

        self.figures += 1
        picture = chart.drawing(block, self.style, self.style.text_width_cm * cm)
        label = self.text(common.caption("Figure", self.figures, None))
        text = label + (": " + self.markup(block.caption) if block.caption else "")
        self.add(KeepTogether([picture, RLParagraph(text, self.styles["figure-caption"])]))

    def image(self, block: Image) -> None:
        self.figures += 1
        width, height = common.image_size_cm(block, self.style.text_width_cm)
        picture = RLImage(str(block.path), width=width * cm, height=height * cm)
        label = self.text(common.caption("Figure", self.figures, None))
        text = label + (": " + self.markup(block.caption) if block.caption else "")
        self.add(KeepTogether([picture, RLParagraph(text, self.styles["figure-caption"])]))
