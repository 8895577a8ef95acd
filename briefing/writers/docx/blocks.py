"""The body's blocks in Word, as the walker hands them: headings, paragraphs, source entries, lists and
their items, page breaks, and pictures and charts with their captions and credit lines."""

from __future__ import annotations

import io

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph as DocxParagraph

from ... import files
from ...adapters import docx as docx_adapter
from ...layout import Heading, Item, Place
from ...layout.numbering import Caption
from ...layout.tree import SourceEntry
from ...model import Chart, Image, ListBlock, PageBreak, Paragraph
from .. import markup
from . import wordml_paragraphs
from .front_matter import TOC_LEVELS, heading_mark
from .pages import Pages


class Blocks(Pages):
    """The walker's handlers for text, lists and figures."""

    def visit_heading(self, node: Heading, place: Place) -> None:
        self._turn(place)
        para = self.paragraph(f"Heading {node.level}")
        self.runs.inline(para, node.text)
        self.runs.bookmarks.around(para, place.anchor)
        if self.style.toc and node.level <= TOC_LEVELS:
            self.headings += 1
            wordml_paragraphs.bookmark(para, heading_mark(self.headings), self.headings)
        para.paragraph_format.keep_with_next = place.keep_with_next or None

    def visit_paragraph(self, node: Paragraph, place: Place) -> DocxParagraph:
        self._turn(place)
        para = self.target.add_paragraph()
        self.runs.inline(para, node.text)
        self.runs.bookmarks.around(para, place.anchor)  # a source entry
        para.paragraph_format.keep_with_next = place.keep_with_next or None
        return para

    def visit_source_entry(self, node: SourceEntry, place: Place) -> None:
        """An entry of the sources, its lines after the first set in, so that each entry's start stands out."""
        form = self.visit_paragraph(node, place).paragraph_format
        form.left_indent, form.first_line_indent = Cm(0.75), Cm(-0.75)

    # -- lists -------------------------------------------------------------

    def visit_list_block(self, node: ListBlock, place: Place) -> None:
        style = "List Number" if node.numbered else "List Bullet"
        self.list_style = (style, self._restarted_numbering(style) if node.numbered else None)

    def leave_list_block(self, node: ListBlock, place: Place) -> None:
        self.list_style = ("List Bullet", None)

    def visit_item(self, node: Item, place: Place) -> None:
        style, num_id = self.list_style
        para = self.paragraph(style, self.target)
        if num_id is not None:
            num_pr = docx_adapter.paragraph_element(para).get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = 0
            num_pr.get_or_add_numId().val = num_id
        self.runs.inline(para, node.text)

    def visit_page_break(self, node: PageBreak, place: Place) -> None:
        self.document.add_page_break()

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

    # -- pictures and charts -----------------------------------------------

    def visit_image(self, node: Image, place: Place) -> None:
        assert place.caption is not None
        width_cm = place.box.width_cm if place.box else self.style.text_width_cm
        para = self._picture_paragraph()
        para.add_run().add_picture(str(files.local(node.path)), width=Cm(width_cm))
        self._describe(para, place.alt or "", place.caption)
        self._figure_caption(place)

    def visit_chart(self, node: Chart, place: Place) -> None:
        from .. import chart_drawing  # drawn with reportlab, which a Word file without charts does not load

        assert place.caption is not None
        width_cm = self.style.text_width_cm
        para = self._picture_paragraph()
        para.add_run().add_picture(
            io.BytesIO(chart_drawing.png(node, self.style, width_cm, place.chart)), width=Cm(width_cm)
        )
        self._describe(para, place.alt or node.title, place.caption)
        self._figure_caption(place)

    def _picture_paragraph(self) -> DocxParagraph:
        para = self.document.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        para.paragraph_format.keep_with_next = True  # with its caption
        return para

    def _describe(self, para: DocxParagraph, alt: str, caption: Caption) -> None:
        """Name a picture and give it alternative text for screen readers."""
        doc_pr = docx_adapter.paragraph_element(para).xpath(".//wp:docPr")[0]
        doc_pr.set("descr", markup.xml_safe(alt))
        doc_pr.set("name", caption.label)

    def _figure_caption(self, place: Place) -> None:
        assert place.caption is not None
        para = self.paragraph("Caption")
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.runs.inline(para, place.caption.spans)
        self.runs.bookmarks.around(para, place.anchor)
        para.paragraph_format.keep_with_next = place.credit is not None or None
        self._credit(place, WD_ALIGN_PARAGRAPH.CENTER)

    def _credit(self, place: Place, align: WD_ALIGN_PARAGRAPH | None = None) -> None:
        """The credit line under a table or figure ("Source: ..."), in its caption's size and colour, not bold."""
        if not place.credit:
            return
        para = self.document.add_paragraph()
        para.alignment = align  # type: ignore[assignment]  # None keeps the style's, as python-docx documents
        self.runs.inline(para, place.credit)
        self.runs.sized(para, self.laid.looks.caption.size, colour=self.laid.looks.caption.colour)
        para.paragraph_format.space_before = Pt(3)
