"""Word's pages: the sections a wide table's turned pages take, and the furniture on every page, the
classification marking at the top and bottom and "Page X of Y" in the footer, with the bookmark the
count reads after a cover."""

from __future__ import annotations

from docx.blkcntnr import BlockItemContainer
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.section import Section as DocxSection
from docx.shared import RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from ...adapters import docx as docx_adapter
from ...layout import Place
from .. import markup
from . import wordml_paragraphs, wordml_text
from .document import WordDocument

LAST_PAGE = "_BriefingLastPage"
"""The bookmark on the body's last paragraph: its page number is the count after a cover."""


class Pages(WordDocument):
    """Sections and the furniture of their pages."""

    def _furniture(self, section: DocxSection) -> None:
        """The marking at the top and bottom of every page, and "Page X of Y" at the end of the footer from the
        layout's first numbered page on; the count is the number of the last page, so it leaves a cover out.

        Every header and footer the section uses gets them: a template may set its first page or its even
        pages apart, and a marking missing from one page is a marking missing."""
        furniture = self.laid.furniture
        numbered = [(section.header, section.footer)]
        unnumbered = []
        cover = furniture.first_numbered_page > 1
        if cover:
            # Word sets the first page of a section apart, with a header and footer of its own: the cover
            # is page 0, unnumbered, and the page after it page 1. (A first section numbered from 1 after a
            # section of its own would have LibreOffice count a blank page it adds to keep page 1 on the right.)
            start = 2 - furniture.first_numbered_page
            wordml_paragraphs.page_numbers_from(docx_adapter.section_element(section), start, first_page_apart=True)
            unnumbered.append((section.first_page_header, section.first_page_footer))
        elif section.different_first_page_header_footer:
            numbered.append((section.first_page_header, section.first_page_footer))
        if self.document.settings.odd_and_even_pages_header_footer:
            numbered.append((section.even_page_header, section.even_page_footer))
        for header, footer in [*numbered, *unnumbered]:
            if furniture.marking:
                self._marking(header, furniture.marking)
                self._marking(footer, furniture.marking)
        for _, footer in numbered:
            self._page_numbers(footer, cover)

    def _page_numbers(self, footer: BlockItemContainer, cover: bool) -> None:
        furniture = self.laid.furniture
        look = self.laid.looks.page_number
        numbers = footer.add_paragraph()
        numbers.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        words, of = furniture.page_words
        if self.doc.direction == "rtl" and not markup.has_rtl(words + of):
            # "Page 1 of 3" in English words reads as written, at the page's end side (the left) as before.
            wordml_text.left_to_right_paragraph(numbers)
            numbers.alignment = WD_ALIGN_PARAGRAPH.LEFT
        self._look(numbers.add_run(f"{markup.xml_safe(words)} "), look)
        wordml_paragraphs.add_field(numbers, "PAGE", "1", look.size, look.colour)
        self._look(numbers.add_run(f" {markup.xml_safe(of)} "), look)
        # NUMPAGES counts every page, the cover too; the last page's own number does not. (A formula
        # "= NUMPAGES - 1" is not worked out by LibreOffice, and SECTIONPAGES breaks at a turned page.)
        count = f"PAGEREF {LAST_PAGE}" if cover else "NUMPAGES"
        wordml_paragraphs.add_field(numbers, count, "1", look.size, look.colour)

    def _marking(self, part: BlockItemContainer, marking: str) -> None:
        para = part.paragraphs[0] if not part.paragraphs[0].text else part.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = para.add_run(markup.xml_safe(marking))
        run.bold = True
        wordml_text.complex_script_twins(run.element.get_or_add_rPr())
        if self.style.marking_banner:
            wordml_paragraphs.shade(para, self.style.marking_colour)
            run.font.color.rgb = RGBColor.from_string("FFFFFF")
        else:
            run.font.color.rgb = RGBColor.from_string(self.style.marking_colour)

    def _mark_last_page(self) -> None:
        """Bookmark the body's last paragraph: the footer's count is the number of the page it is on."""
        paragraphs = self.document.element.body.findall(qn("w:p"))
        last = paragraphs[-1] if paragraphs else docx_adapter.paragraph_element(self.document.add_paragraph())
        wordml_paragraphs.bookmark(DocxParagraph(last, self.document), LAST_PAGE, 0)

    # -- sections ----------------------------------------------------------

    def _turn(self, place: Place) -> None:
        """Start the turned pages of a wide table where the layout says they start."""
        if place.turn:
            self._new_section(landscape=not self.style.landscape)

    def _new_section(self, landscape: bool) -> None:
        section = self.document.add_section(WD_SECTION.NEW_PAGE)
        self._page_setup(section, landscape)
        # A copy of the first section's set-up: its page numbers go on from the section before, and
        # its first page is numbered (only the cover is set apart).
        wordml_paragraphs.page_numbers_from(docx_adapter.section_element(section), start=None, first_page_apart=False)
