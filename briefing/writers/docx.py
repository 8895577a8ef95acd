"""Word writer: walks the model into a python-docx document."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import assert_never

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree

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
)
from . import common

_TWIPS_PER_CM = 567


class DocxWriter:
    """Writes a briefing as a Word document (.docx)."""

    name = "docx"
    extension = ".docx"

    def write(self, doc: Briefing, path: Path) -> list[Problem]:
        _Builder(doc).document.save(str(path))
        return []


class _Builder:
    def __init__(self, doc: Briefing) -> None:
        self.doc = doc
        self.document: Document = docx.Document()
        self.tables = 0
        self.figures = 0
        self._page_setup()
        self._properties()
        self._front_matter()
        for block in doc.summary:
            self.block(block)
        for section in doc.sections:
            self.section(section, 1)

    # -- document furniture -------------------------------------------------

    def _page_setup(self) -> None:
        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(common.PAGE_CM[0]), Cm(common.PAGE_CM[1])
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(common.MARGIN_CM))
        if self.doc.classification:
            for part in (section.header, section.footer):
                para = part.paragraphs[0]
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run = para.add_run(common.xml_safe(self.doc.classification))
                run.bold = True
                run.font.color.rgb = RGBColor.from_string(common.MARKING_RGB)

    def _properties(self) -> None:
        props = self.document.core_properties
        props.title = common.xml_safe(self.doc.title)
        props.subject = common.xml_safe(self.doc.subtitle or "")
        props.author = common.xml_safe(self.doc.author or self.doc.source or "")
        props.category = common.xml_safe(self.doc.classification or "")
        props.created = dt.datetime.now(dt.UTC).replace(microsecond=0)
        props.last_modified_by = ""
        props.revision = 1

    def _front_matter(self) -> None:
        self._plain_paragraph(self.doc.title, "Title")
        if self.doc.subtitle:
            self._plain_paragraph(self.doc.subtitle, "Subtitle")
        meta = common.meta_line(self.doc)
        if meta:
            self._plain_paragraph(meta, None).runs[0].italic = True
        if self.doc.summary:
            self._plain_paragraph("Summary", "Heading 1")

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

    def _restarted_numbering(self, style: str) -> int:
        """A new numbering instance of ``style``'s list, so each list starts at 1."""
        style_num = self.document.styles[style].element.pPr.numPr.numId.val
        numbering = self.document.part.numbering_part.element
        abstract_id = numbering.num_having_numId(style_num).abstractNumId.val
        num = numbering.add_num(abstract_id)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        return int(num.numId)

    def image(self, block: Image) -> None:
        self.figures += 1
        width_cm = block.width_cm or block.size_px[0] * 2.54 / 96
        width_cm = min(width_cm, common.TEXT_WIDTH_CM)
        para = self.document.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        para.paragraph_format.keep_with_next = True
        para.add_run().add_picture(str(block.path), width=Cm(width_cm))
        doc_pr = para._p.xpath(".//wp:docPr")[0]
        doc_pr.set("descr", common.xml_safe(block.alt))
        doc_pr.set("name", f"Figure {self.figures}")
        label = common.caption("Figure", self.figures, None)
        caption = self.document.add_paragraph(style="Caption")
        caption.add_run(label + (": " if block.caption else ""))
        if block.caption:
            self.inline(caption, block.caption)

    # -- tables ------------------------------------------------------------

    def table(self, table: Table) -> None:
        self.tables += 1
        caption = self._plain_paragraph(common.caption("Table", self.tables, table.title), "Caption")
        caption.paragraph_format.keep_with_next = True
        weights = common.column_weights(table)
        scale = common.TEXT_WIDTH_CM * _TWIPS_PER_CM / sum(weights)
        widths = [int(w * scale) for w in weights]
        numeric = common.numeric_columns(table)

        grid = self.document.add_table(rows=0, cols=len(table.columns))
        grid.style = self.document.styles["Table Grid"]
        grid.autofit = False  # a fixed layout: Word need not measure every cell
        tbl = grid._tbl
        width = tbl.tblPr.find(qn("w:tblW"))
        width.set(qn("w:w"), str(sum(widths)))
        width.set(qn("w:type"), "dxa")
        for col, twips in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
            col.set(qn("w:w"), str(twips))
        # Rows are built as XML directly: python-docx's add_row re-reads the
        # whole grid for every row, which makes large tables quadratic.
        header = _row(tbl, table.columns, widths, [False] * len(widths), header=True)
        header.insert(0, _row_props(header=True))
        for values in table.rows:
            _row(tbl, [common.cell_text(v) for v in values], widths, numeric, header=False)


def _row_props(header: bool) -> etree._Element:
    tr_pr = etree.Element(qn("w:trPr"))
    etree.SubElement(tr_pr, qn("w:cantSplit"))
    if header:
        etree.SubElement(tr_pr, qn("w:tblHeader"))
    return tr_pr


def _row(
    tbl: etree._Element, texts: Sequence[str], widths: list[int], right: list[bool], header: bool
) -> etree._Element:
    tr = etree.SubElement(tbl, qn("w:tr"))
    for text, twips, align_right in zip(texts, widths, right, strict=True):
        tc = etree.SubElement(tr, qn("w:tc"))
        tc_pr = etree.SubElement(tc, qn("w:tcPr"))
        tc_w = etree.SubElement(tc_pr, qn("w:tcW"))
        tc_w.set(qn("w:w"), str(twips))
        tc_w.set(qn("w:type"), "dxa")
        if header:
            shd = etree.SubElement(tc_pr, qn("w:shd"))
            shd.set(qn("w:val"), "clear")
            shd.set(qn("w:fill"), common.HEADER_FILL_RGB)
        p = etree.SubElement(tc, qn("w:p"))
        if align_right:
            jc = etree.SubElement(etree.SubElement(p, qn("w:pPr")), qn("w:jc"))
            jc.set(qn("w:val"), "right")
        if not text:
            continue
        r = etree.SubElement(p, qn("w:r"))
        if header:
            etree.SubElement(etree.SubElement(r, qn("w:rPr")), qn("w:b"))
        for i, line in enumerate(common.xml_safe(text).split("\n")):
            if i:
                etree.SubElement(r, qn("w:br"))
            t = etree.SubElement(r, qn("w:t"))
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            t.text = line
    return tr
