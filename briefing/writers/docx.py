"""Word writer: walks the model into a python-docx document."""

from __future__ import annotations

import io
from pathlib import Path
from typing import assert_never

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section as DocxSection
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from .. import collector
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
    walk_sections,
)
from ..reproducible import build_time, fix_zip_times
from ..style import PAGE_SIZES_CM, Style
from . import common, docxparts

_TWIPS_PER_CM = 567
_TOC_LEVELS = 3
_SHORT_TABLE = 15
"""Tables of at most this many rows are kept on one page."""


class DocxWriter:
    """Writes a briefing as a Word document (.docx)."""

    name = "docx"
    extension = ".docx"

    @collector.paused()  # a big table is a million lxml proxies and python-docx objects
    def write(self, doc: Briefing, path: Path) -> list[Problem]:
        builder = _Builder(doc)
        builder.document.save(str(path))
        fix_zip_times(path)
        return builder.warnings


class _Builder:
    def __init__(self, doc: Briefing) -> None:
        self.doc = doc
        self.style: Style = doc.style
        self.warnings: list[Problem] = []
        self.document: Document = self._start()
        self.tables = self.figures = 0
        self._properties()
        self._furniture(self.document.sections[0])
        self._cover()
        if self.style.toc:
            self._contents()
        if doc.summary:
            self._plain_paragraph("Summary", "Heading 1")
        for block in doc.summary:
            self.block(block)
        for section in doc.sections:
            self.section(section, 1)

    # -- document set-up ---------------------------------------------------

    def _start(self) -> Document:
        """A new document, or the template's with its body emptied."""
        style = self.style
        if style.docx_template is None:
            document = docx.Document()
            self._page_setup(document.sections[0], style.landscape)
        else:
            document = docx.Document(str(style.docx_template))
            body = document.element.body
            for child in list(body):
                if child.tag != qn("w:sectPr"):  # the page set-up stays
                    body.remove(child)
        self._house_style(document, template=style.docx_template is not None)
        _drop_styles_with_effects(document)
        return document

    def _page_setup(self, section: DocxSection, landscape: bool) -> None:
        width, height = _page_cm(self.style, landscape)
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(width), Cm(height)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(self.style.margin_cm))

    def _house_style(self, document: Document, template: bool) -> None:
        """Fonts, size and accent colour; over a template, only what the style sets."""
        style, styles, given = self.style, document.styles, self.style.explicit
        if not template or "font_size" in given:
            styles["Normal"].font.size = Pt(style.font_size)
        # Without a template, Calibri: the reader's default, and close to the PDF's font.
        body = style.body_font.name if style.body_font else None if template else "Calibri"
        heading = style.heading_font.name if style.heading_font else body
        headings = ["Title", "Subtitle", "Caption", *(f"Heading {n}" for n in range(1, 10))]
        if body and (not template or "body_font" in given):
            docxparts.set_font(styles["Normal"], body)
        for name in headings:
            if name not in styles:
                styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH).base_style = styles["Normal"]
            if heading and (not template or {"heading_font", "body_font"} & given):
                docxparts.set_font(styles[name], heading)
            if not template or "accent" in given:
                docxparts.set_colour(styles[name], "444444" if name == "Subtitle" else style.accent)
                docxparts.set_rule_colour(styles[name], style.accent)
        for name in ("List Bullet", "List Number"):
            if name not in styles:
                self.warnings.append(Problem(self.doc.pos, f"docx: the template has no '{name}' style"))
                styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH).base_style = styles["Normal"]

    def _properties(self) -> None:
        props = self.document.core_properties
        safe = common.xml_safe
        props.title = safe(self.doc.title)
        props.subject = safe(self.doc.subtitle or "")
        props.author = safe(self.doc.author or self.doc.source or "")
        props.category = safe(self.doc.classification or "")
        props.created = props.modified = build_time()
        props.last_modified_by = ""
        props.revision = 1

    def _furniture(self, section: DocxSection) -> None:
        """The marking at the top and bottom, and "Page X of Y" in the footer."""
        marking = self.doc.classification
        if marking:
            for part in (section.header, section.footer):
                para = part.paragraphs[0] if not part.paragraphs[0].text else part.add_paragraph()
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run = para.add_run(common.xml_safe(marking))
                run.bold = True
                if self.style.marking_banner:
                    docxparts.shade(para, self.style.marking_colour)
                    run.font.color.rgb = RGBColor.from_string("FFFFFF")
                else:
                    run.font.color.rgb = RGBColor.from_string(self.style.marking_colour)
        numbers = section.footer.add_paragraph()
        numbers.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        numbers.add_run("Page ").font.size = Pt(8.5)
        docxparts.add_field(numbers, "PAGE", "1", 8.5)
        numbers.add_run(" of ").font.size = Pt(8.5)
        docxparts.add_field(numbers, "NUMPAGES", "1", 8.5)

    def _cover(self) -> None:
        cover = self.style.cover
        if cover == "none":
            return
        if self.style.logo:
            para = self.document.add_paragraph()
            para.alignment = WD_ALIGN_PARAGRAPH.LEFT if cover == "page" else WD_ALIGN_PARAGRAPH.RIGHT
            px_w, px_h = self.style.logo_size_px
            height_cm = 2.5 if cover == "page" else 1.4
            para.add_run().add_picture(str(self.style.logo), width=Cm(height_cm * px_w / px_h))
        title = self._plain_paragraph(self.doc.title, "Title")
        if cover == "page":
            title.paragraph_format.space_before = Cm(6)
        if self.doc.subtitle:
            self._plain_paragraph(self.doc.subtitle, "Subtitle")
        meta = common.meta_line(self.doc)
        if meta:
            self._plain_paragraph(meta, None).runs[0].italic = True
        if cover == "page":
            self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def _contents(self) -> None:
        """A real TOC field, pre-filled with the headings and updated when Word opens it."""
        styles = self.document.styles
        self._plain_paragraph("Contents", "TOC Heading" if "TOC Heading" in styles else "Heading 1")
        entries = [(level, plain(s.heading)) for level, s in walk_sections(self.doc.sections) if level <= _TOC_LEVELS]
        if self.doc.summary:
            entries.insert(0, (1, "Summary"))
        paragraphs = []
        for level, text in entries:
            name = f"TOC {level}"
            if name not in styles:
                added = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
                added.base_style = styles["Normal"]
                added.paragraph_format.left_indent = Cm(0.6 * (level - 1))
            paragraphs.append(self._plain_paragraph(text, name))
        if not paragraphs:
            return
        docxparts.field_begin(paragraphs[0], f'TOC \\o "1-{_TOC_LEVELS}" \\h \\z \\u')
        first = paragraphs[0]._p
        first.append(first[1])  # the entry's own text goes after the field's instruction
        docxparts.field_end(paragraphs[-1])
        docxparts.update_fields_on_open(self.document.settings.element)
        if self.style.cover == "page":
            self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def _plain_paragraph(self, text: str, style: str | None) -> DocxParagraph:
        return self.document.add_paragraph(common.xml_safe(text), style)

    # -- the body ----------------------------------------------------------

    def section(self, section: Section, level: int) -> None:
        self.inline(self.document.add_paragraph(style=f"Heading {level}"), section.heading)
        for block in section.content:
            self.block(block)
        for sub in section.sections:
            self.section(sub, level + 1)

    def block(self, block: Block) -> None:
        match block:
            case Paragraph():
                self.inline(self.document.add_paragraph(), block.text)
            case ListBlock():
                self.list(block)
            case Table():
                self.table(block)
            case Chart():
                self.chart(block)
            case Image():
                self.image(block)
            case PageBreak():
                self.document.add_page_break()
            case _:
                assert_never(block)

    def inline(self, para: DocxParagraph, text: Inline) -> None:
        for href, spans in common.link_groups(text):
            if href is None:
                for span in spans:
                    self._run(para, span)
            else:
                self._hyperlink(para, href, spans)

    def _run(self, para: DocxParagraph, span: Span) -> None:
        run = para.add_run(common.xml_safe(span.text))
        run.bold = span.bold or None
        run.italic = span.italic or None

    def _hyperlink(self, para: DocxParagraph, href: str, spans: list[Span]) -> None:
        rel_id = para.part.relate_to(href, RT.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), rel_id)
        for span in spans:
            self._run(para, span)
            run = para.runs[-1]
            run.font.color.rgb = RGBColor.from_string(common.LINK_RGB)
            run.font.underline = True
            link.append(run._r)  # moves the run from the paragraph into the link
        para._p.append(link)

    def list(self, block: ListBlock) -> None:
        style = "List Number" if block.numbered else "List Bullet"
        num_id = self._restarted_numbering(style) if block.numbered else None
        for item in block.items:
            para = self.document.add_paragraph(style=style)
            if num_id is not None:
                num_pr = para._p.get_or_add_pPr().get_or_add_numPr()
                num_pr.get_or_add_ilvl().val = 0
                num_pr.get_or_add_numId().val = num_id
            if item.lead:
                self.inline(para, tuple(Span(s.text, True, s.italic, s.href) for s in item.lead))
                para.add_run(": ").bold = True
            self.inline(para, item.text)

    def _restarted_numbering(self, style: str) -> int | None:
        """A new numbering instance of ``style``'s list, so each list starts at 1."""
        num_pr = self.document.styles[style].element.pPr
        num_pr = num_pr.numPr if num_pr is not None else None
        if num_pr is None or num_pr.numId is None:
            return None  # a template whose list style is not numbered
        numbering = self.document.part.numbering_part.element
        abstract_id = numbering.num_having_numId(num_pr.numId.val).abstractNumId.val
        num = numbering.add_num(abstract_id)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        return int(num.numId)

    def image(self, block: Image) -> None:
        self.figures += 1
        width_cm, _ = common.image_size_cm(block, self.style.text_width_cm)
        para = self.document.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        para.paragraph_format.keep_with_next = True
        para.add_run().add_picture(str(block.path), width=Cm(width_cm))
        self._describe(para, block.alt)
        self._figure_caption(block.caption)

    def chart(self, block: Chart) -> None:
        from . import chart  # drawn with reportlab, which a Word file without charts does not load

        self.figures += 1
        width_cm = self.style.text_width_cm
        para = self.document.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        para.paragraph_format.keep_with_next = True
        para.add_run().add_picture(io.BytesIO(chart.png(block, self.style, width_cm)), width=Cm(width_cm))
        self._describe(para, block.title)
        self._figure_caption(block.caption)

    def _describe(self, para: DocxParagraph, alt: str) -> None:
        """Name a picture and give it alternative text for screen readers."""
        doc_pr = para._p.xpath(".//wp:docPr")[0]
        doc_pr.set("descr", common.xml_safe(alt))
        doc_pr.set("name", f"Figure {self.figures}")

    def _figure_caption(self, text: Inline | None) -> None:
        label = common.caption("Figure", self.figures, None)
        caption = self.document.add_paragraph(style="Caption")
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        caption.add_run(label + (": " if text else ""))
        if text:
            self.inline(caption, text)

    # -- tables ------------------------------------------------------------

    def table(self, table: Table) -> None:
        self.tables += 1
        cols = common.columns(table)
        wide = not self.style.landscape and common.is_wide(cols, self.style.text_width_cm)
        if wide:
            self._new_section(landscape=True)
        caption = self._plain_paragraph(common.caption("Table", self.tables, table.title), "Caption")
        caption.paragraph_format.keep_with_next = True
        width_cm = self.style.turned_text_width_cm if wide else self.style.text_width_cm
        total = sum(c.weight for c in cols)
        widths = [int(c.weight / total * width_cm * _TWIPS_PER_CM) for c in cols]
        right = [c.numeric for c in cols]

        grid = self.document.add_table(rows=0, cols=len(cols))
        if "Table Grid" in self.document.styles:
            grid.style = self.document.styles["Table Grid"]
        grid.autofit = False  # a fixed layout: Word need not measure every cell
        tbl = grid._tbl
        width = tbl.tblPr.find(qn("w:tblW"))
        width.set(qn("w:w"), str(sum(widths)))
        width.set(qn("w:type"), "dxa")
        for col, twips in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
            col.set(qn("w:w"), str(twips))
        look = self.style.table
        docxparts.table_borders(tbl.tblPr, look.borders, self.style.accent)
        rule = None if look.borders else self.style.accent
        size = self.style.font_size * 0.86 * common.fit_scale(cols, width_cm)
        header = (look.header_text, rule)
        short = len(table.rows) <= _SHORT_TABLE  # kept on one page, as readers expect
        docxparts.table_row(tbl, table.columns, widths, right, size, look.header_fill, header, keep_next=True)
        last = len(table.rows) - (0 if table.totals else 1)
        body = docxparts.BodyRows(tbl, widths, right, size)
        for n, values in enumerate(table.rows):
            texts = [c.text(v) for v, c in zip(values, cols, strict=True)]
            body.add(texts, look.zebra if n % 2 else None, keep_next=short and n < last)
        if table.totals:
            texts = common.totals_texts(table, cols)
            docxparts.table_row(tbl, texts, widths, right, size, total_rule=self.style.accent)
        if wide:
            self._new_section(landscape=self.style.landscape)
        else:
            self.document.add_paragraph()  # space after the table

    def _new_section(self, landscape: bool) -> None:
        section = self.document.add_section(WD_SECTION.NEW_PAGE)
        self._page_setup(section, landscape)


def _drop_styles_with_effects(document: Document) -> None:
    """Remove the Word 2010 copy of the styles, which would disagree with the styles we set.

    Word reads stylesWithEffects.xml only where styles.xml lacks something,
    and a copy that differs from styles.xml can make it report unreadable
    content; without the copy it simply uses styles.xml.
    """
    part = document.part
    for rel_id, rel in list(part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            part.drop_rel(rel_id)


def _page_cm(style: Style, landscape: bool) -> tuple[float, float]:
    """Page width and height in centimetres, turned when ``landscape``."""
    width, height = PAGE_SIZES_CM[style.page_size]
    return (height, width) if landscape else (width, height)
