"""Word writer: walks the model into a python-docx document."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import cast

from docx.blkcntnr import BlockItemContainer
from docx.document import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_DIRECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section as DocxSection
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run
from lxml import etree

from ... import files, gc_pause
from ...adapters import docx as docx_adapter
from ...errors import Problem, SpecError
from ...layout import CalloutTitle, Heading, Item, LaidDocument, Place, TextLook, colours, laid_out
from ...layout.geometry import TableGeometry
from ...layout.numbering import Caption
from ...layout.tree import SourceEntry
from ...model import (
    Briefing,
    Callout,
    Chart,
    Image,
    ListBlock,
    PageBreak,
    Paragraph,
    Pos,
    Span,
    Table,
    plain,
)
from ...reproducible import build_time, fix_zip_times
from ...style import PAGE_SIZES_CM, Style, script_of_language
from ...walk import walk
from .. import markup
from . import fonts, runs, streaming, template_look, wordml
from .template_package import TemplateError

_TWIPS_PER_CM = 567
_TWIPS_PER_PT = 20
STREAM_ROWS = 1_000
"""Tables longer than this have their rows streamed into the file as it is written."""
_TOC_LEVELS = 3
_LAST_PAGE = "_BriefingLastPage"
"""The bookmark on the body's last paragraph: its page number is the count after a cover."""


class DocxWriter:
    """Writes a briefing as a Word document (.docx)."""

    name = "docx"
    extension = ".docx"
    takes_layout = True

    @gc_pause.paused()  # a big table is a million lxml proxies and python-docx objects
    def write(self, laid: LaidDocument | Briefing, path: Path) -> list[Problem]:
        builder = _Builder(laid_out(laid))
        fonts.embed(builder.document, fonts.streamed_text(builder.streamed))
        if builder.streams:
            streaming.save(builder.document, path, builder.streams)
        else:
            builder.document.save(str(path))
        fix_zip_times(path)
        return builder.warnings


class _Builder:
    def __init__(self, laid: LaidDocument) -> None:
        self.doc = laid.doc
        self.laid = laid
        self.style: Style = laid.doc.style
        self.warnings: list[Problem] = []
        self.streams: list[Callable[[], Iterator[bytes]]] = []
        """The body rows of long tables, made as the file is written (see docxstream)."""
        self.streamed: list[TableGeometry] = []
        """Those tables, whose text is not in the document until then."""
        self.document: Document = self._start()
        self.runs = runs.Runs(self.document, laid)
        """Inline text as runs, with the notes and bookmarks it leads to."""
        self.target: Document | docx_adapter.TableCell = self.document
        """Where the walker's paragraphs go: the body, or the box of a callout."""
        self.list_style: tuple[str, int | None] = ("List Bullet", None)
        """The paragraph style and numbering of the list being walked."""
        self.headings = 0
        """Headings walked so far that the contents list: each is bookmarked for its entry's page number."""
        self._properties()
        self._furniture(self.document.sections[0])
        self._cover()
        if self.style.toc:
            self._contents()
        self.warnings.extend(walk(laid, self, "docx"))
        if laid.notes_at_end and self.runs.notes.cited:  # Word sets its endnotes after the body's last paragraph
            self._plain_paragraph(laid.notes_heading, "Heading 1")
        if laid.furniture.first_numbered_page > 1:
            self._mark_last_page()

    # -- document set-up ---------------------------------------------------

    def _start(self) -> Document:
        """A new document; with a template, its look taken in (and nothing else of it: see template_look)."""
        style = self.style
        document = template_look.fresh_document()
        if style.docx_template is None:
            self._page_setup(document.sections[0], style.landscape)
        else:
            try:
                dropped = template_look.take_look(document, files.local(style.docx_template))
            except TemplateError as exc:  # the file changed since the spec was read
                raise SpecError([Problem(Pos(str(style.docx_template), 1, 1), str(exc))]) from exc
            for what in dropped:
                self.warnings.append(Problem(self.doc.pos, f"docx: dropped from the Word template: {what}"))
        self._house_style(document, template=style.docx_template is not None)
        self._language(document)
        _drop_styles_with_effects(document)
        return document

    def _page_setup(self, section: DocxSection, landscape: bool) -> None:
        width, height = _page_cm(self.style, landscape)
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(width), Cm(height)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(self.style.margin_cm))

    def _house_style(self, document: Document, template: bool) -> None:
        """Fonts, and the layout's looks as paragraph styles; over a template, only what the style sets."""
        style, styles, given, looks = self.style, document.styles, self.style.explicit, self.laid.looks
        # Without a template, Calibri: the reader's default, and close to the PDF's font.
        body = style.body_font.name if style.body_font else None if template else "Calibri"
        heading = style.heading_font.name if style.heading_font else body
        title = looks.cover_title if self.laid.front.cover_page else looks.title
        named = {
            "Normal": looks.body,
            "Title": title,
            "Subtitle": looks.subtitle,
            "Caption": looks.caption,
            **{f"Heading {n}": looks.heading(n) for n in range(1, 10)},
        }
        if body and (not template or "body_font" in given):
            wordml.set_font(styles["Normal"], body)
        for name, look in named.items():
            if name not in styles:
                styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH).base_style = styles["Normal"]
            if name != "Normal" and heading and (not template or {"heading_font", "body_font"} & given):
                wordml.set_font(styles[name], heading)
            if not template:
                wordml.set_look(cast(ParagraphStyle, styles[name]), look.size, look.bold, look.italic, look.colour)
                continue
            # A template's styles are the house's own: they take the layout's looks only where the style says.
            if "font_size" in given:
                wordml.set_size(styles[name], look.size)
            if "accent" in given:
                wordml.set_colour(styles[name], look.colour)
        wordml.drop_rule(styles["Title"])  # the title block has one rule, under its last line, as in every format
        for name in ("List Bullet", "List Number"):
            if name not in styles:
                self.warnings.append(Problem(self.doc.pos, f"docx: the template has no '{name}' style"))
                styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH).base_style = styles["Normal"]

    def _language(self, document: Document) -> None:
        """The document's language; a right-to-left one's direction and its script's font for such text."""
        rtl = self.doc.direction == "rtl"
        wordml.set_language(document.styles.element, self.doc.language, rtl)
        script = script_of_language(self.doc.language)
        if script is not None:
            # Word sets right-to-left and other complex-script text in the cs font: the language's own.
            for name in ("Normal", "Title", "Subtitle", "Caption", *(f"Heading {n}" for n in range(1, 10))):
                if name in document.styles:
                    wordml.set_complex_script_font(document.styles[name], script.family.name)
        if rtl:
            wordml.right_to_left_paragraphs(document.styles.element)
            for section in document.sections:
                wordml.right_to_left_section(docx_adapter.section_element(section))

    def _properties(self) -> None:
        props, given = self.document.core_properties, self.laid.properties
        props.title, props.subject, props.author, props.category = (
            given.title,
            given.subject,
            given.author,
            given.keywords,
        )
        props.created = props.modified = build_time()
        props.last_modified_by = ""
        props.revision = 1

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
            wordml.page_numbers_from(docx_adapter.section_element(section), start, first_page_apart=True)
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
            wordml.left_to_right_paragraph(numbers)
            numbers.alignment = WD_ALIGN_PARAGRAPH.LEFT
        self._look(numbers.add_run(f"{markup.xml_safe(words)} "), look)
        wordml.add_field(numbers, "PAGE", "1", look.size, look.colour)
        self._look(numbers.add_run(f" {markup.xml_safe(of)} "), look)
        # NUMPAGES counts every page, the cover too; the last page's own number does not. (A formula
        # "= NUMPAGES - 1" is not worked out by LibreOffice, and SECTIONPAGES breaks at a turned page.)
        count = f"PAGEREF {_LAST_PAGE}" if cover else "NUMPAGES"
        wordml.add_field(numbers, count, "1", look.size, look.colour)

    def _marking(self, part: BlockItemContainer, marking: str) -> None:
        para = part.paragraphs[0] if not part.paragraphs[0].text else part.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = para.add_run(markup.xml_safe(marking))
        run.bold = True
        wordml.complex_script_twins(run.element.get_or_add_rPr())
        if self.style.marking_banner:
            wordml.shade(para, self.style.marking_colour)
            run.font.color.rgb = RGBColor.from_string("FFFFFF")
        else:
            run.font.color.rgb = RGBColor.from_string(self.style.marking_colour)

    def _mark_last_page(self) -> None:
        """Bookmark the body's last paragraph: the footer's count is the number of the page it is on."""
        paragraphs = self.document.element.body.findall(qn("w:p"))
        last = paragraphs[-1] if paragraphs else docx_adapter.paragraph_element(self.document.add_paragraph())
        wordml.bookmark(DocxParagraph(last, self.document), _LAST_PAGE, 0)

    @staticmethod
    def _look(run: Run, look: TextLook) -> Run:
        """A run set as the layout's ``look`` says."""
        run.font.size = Pt(look.size)
        run.bold, run.italic = look.bold or None, look.italic or None
        run.font.color.rgb = RGBColor.from_string(look.colour)
        wordml.complex_script_twins(run.element.get_or_add_rPr())
        return run

    def _cover(self) -> None:
        front = self.laid.front
        if not front.shown:
            return
        if front.logo is not None and self.style.logo is not None:
            para = self.document.add_paragraph()
            # Start and end of the line: Word turns them round in a right-to-left paragraph itself.
            para.alignment = WD_ALIGN_PARAGRAPH.LEFT if front.logo.align == "start" else WD_ALIGN_PARAGRAPH.RIGHT
            para.add_run().add_picture(str(files.local(self.style.logo)), width=Cm(front.logo.width_cm))
        title = last = self._plain_paragraph(front.title, "Title")
        if front.cover_page:
            title.paragraph_format.space_before = Cm(6)
        if front.subtitle:
            last = self._plain_paragraph(front.subtitle, "Subtitle")
        if front.meta:
            last = self._plain_paragraph(front.meta, None)
            for run in last.runs:
                self._look(run, self.laid.looks.meta)
        wordml.rule_below(last, self.style.accent)  # under the block's last line, as in the PDF
        if front.cover_page:
            self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def _contents(self) -> None:
        """The contents: each heading, a link to it, and the number printed on its page.

        The number is a PAGEREF field to the heading's bookmark, which Word works out when it opens the
        file and LibreOffice as it lays it out; both give the page's printed number, so after a cover the
        count starts at the page after it, as in the PDF. (A TOC field would do in Word, but LibreOffice
        shows a TOC field's entries as written, without their numbers.)
        """
        styles = self.document.styles
        self._plain_paragraph(self.doc.labels.contents, "TOC Heading" if "TOC Heading" in styles else "Heading 1")
        entries = [
            (node.level, plain(runs.unmarked(node.text)))
            for node, _ in self.laid.flow
            if isinstance(node, Heading) and node.level <= _TOC_LEVELS
        ]
        for number, (level, text) in enumerate(entries, 1):
            name = f"TOC {level}"
            if name not in styles:
                added = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
                added.base_style = styles["Normal"]
                added.paragraph_format.left_indent = Cm(0.6 * (level - 1))
                added.paragraph_format.tab_stops.add_tab_stop(
                    Cm(self.style.text_width_cm), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
                )
            para = self.document.add_paragraph(style=name)
            link = OxmlElement("w:hyperlink")
            link.set(qn("w:anchor"), _heading_mark(number))
            for run in self.runs.run(para, Span(text)):
                link.append(run.element)
            docx_adapter.paragraph_element(para).append(link)
            para.add_run("\t")
            wordml.add_field(para, f"PAGEREF {_heading_mark(number)} \\h", "", self.laid.looks.body.size)
        if entries:
            wordml.update_fields_on_open(self.document.settings.element)
        if self.style.cover == "page":
            self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def _plain_paragraph(self, text: str, style: str | None) -> DocxParagraph:
        para = self.document.add_paragraph(style=style)
        self.runs.run(para, Span(text))
        return para

    # -- the body: the walker's handlers ----------------------------------

    def visit_heading(self, node: Heading, place: Place) -> None:
        self._turn(place)
        para = self.document.add_paragraph(style=f"Heading {node.level}")
        self.runs.inline(para, node.text)
        self.runs.bookmarks.around(para, place.anchor)
        if self.style.toc and node.level <= _TOC_LEVELS:
            self.headings += 1
            wordml.bookmark(para, _heading_mark(self.headings), self.headings)
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

    def visit_list_block(self, node: ListBlock, place: Place) -> None:
        style = "List Number" if node.numbered else "List Bullet"
        self.list_style = (style, self._restarted_numbering(style) if node.numbered else None)

    def leave_list_block(self, node: ListBlock, place: Place) -> None:
        self.list_style = ("List Bullet", None)

    def visit_item(self, node: Item, place: Place) -> None:
        style, num_id = self.list_style
        para = self.target.add_paragraph(style=style)
        if num_id is not None:
            num_pr = docx_adapter.paragraph_element(para).get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = 0
            num_pr.get_or_add_numId().val = num_id
        self.runs.inline(para, node.text)

    def visit_page_break(self, node: PageBreak, place: Place) -> None:
        self.document.add_page_break()

    def _direction(self, table: DocxTable) -> None:
        """A right-to-left briefing's tables run from the right: the first column on the right."""
        if self.doc.direction == "rtl":
            table.table_direction = WD_TABLE_DIRECTION.RTL

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
        para = self.document.add_paragraph(style="Caption")
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

    # -- callouts ----------------------------------------------------------

    def visit_callout(self, node: Callout, place: Place) -> None:
        """A shaded, framed one-cell table, kept on one page where it fits."""
        colour = colours.callout_colour(self.style, node.kind)
        box = self.document.add_table(rows=1, cols=1)
        box.autofit = False
        self._direction(box)
        tbl = docx_adapter.table_element(box)
        width = tbl.tblPr.find(qn("w:tblW"))
        width.set(qn("w:w"), str(round(self.style.text_width_cm * _TWIPS_PER_CM)))
        width.set(qn("w:type"), "dxa")
        wordml.table_borders(tbl.tblPr, colour, colour)
        wordml.cell_margins(tbl.tblPr, 160)
        row = box.rows[0]
        etree_row_pr = docx_adapter.row_element(row).get_or_add_trPr()
        etree_row_pr.append(OxmlElement("w:cantSplit"))  # the box stays whole on a page where it fits
        cell = row.cells[0]
        wordml.shade_cell(docx_adapter.cell_element(cell), colours.lighter(colour))
        self.runs.bookmarks.around(cell.paragraphs[0], place.anchor)  # round its title
        self.target = cell  # its title, paragraphs and lists go in the box

    def visit_callout_title(self, node: CalloutTitle, place: Place) -> None:
        title, look = self.target.paragraphs[0], self.laid.looks.callout_title(node.kind)  # the box's own first
        self.runs.inline(title, node.text)
        self.runs.sized(title, look.size, look.bold, look.colour, look.italic)
        title.paragraph_format.space_before = Pt(4)

    def leave_callout(self, node: Callout, place: Place) -> None:
        self.target = self.document
        self.document.add_paragraph()  # space after the box

    # -- tables ------------------------------------------------------------

    def visit_table(self, node: Table, place: Place) -> None:
        laid, caption = place.table, place.caption
        assert laid is not None and caption is not None
        self._turn(place)
        para = self.document.add_paragraph(style="Caption")
        self.runs.inline(para, caption.spans)
        self.runs.bookmarks.around(para, place.anchor)
        para.paragraph_format.keep_with_next = True
        widths = [round(c.width * _TWIPS_PER_PT) for c in laid.columns]
        # The layout's alignment: a column that ends its cells is set right (Word turns "right" round in a
        # right-to-left briefing's paragraphs); a right-to-left text, aligned "right", is set so by wordml.script_cell.
        right = [laid.align(i) == "end" for i in range(len(laid.columns))]

        grid = self.document.add_table(rows=0, cols=len(widths))
        if "Table Grid" in self.document.styles:
            grid.style = self.document.styles["Table Grid"]
        grid.autofit = False  # a fixed layout: Word need not measure every cell
        self._direction(grid)
        tbl = docx_adapter.table_element(grid)
        width = tbl.tblPr.find(qn("w:tblW"))
        width.set(qn("w:w"), str(sum(widths)))
        width.set(qn("w:type"), "dxa")
        for col, twips in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
            col.set(qn("w:w"), str(twips))
        look = self.laid.looks.table
        wordml.table_borders(tbl.tblPr, look.borders, look.rule)
        wordml.cell_margins(tbl.tblPr, round(laid.padding * _TWIPS_PER_PT))
        rule = None if look.borders else look.rule
        header = (look.header_text, rule)
        head = wordml.table_row(tbl, laid.header, widths, right, laid.size, look.header_fill, header, keep_next=True)
        cells = runs.CellTexts(place.cells)
        cells.fill(self.runs, head, -1, laid.size, look.header_text)
        short = place.keep_together
        last = len(node.rows) - (0 if laid.totals else 1)
        body = wordml.BodyRows(tbl, widths, right, laid.size)
        if len(node.rows) > STREAM_ROWS and not short:
            # Written into the file row by row as it is saved: a long table is never held as elements.
            tbl.append(etree.Comment(streaming.marker(len(self.streams))))
            made = cells.streamed(self.runs, body, laid, look.zebra)
            self.streams.append(partial(_streamed, body, laid, look.zebra, made))
            self.streamed.append(laid)
        else:
            for n, texts in enumerate(laid.rows()):
                body.add(texts, look.zebra if n % 2 else None, keep_next=short and n < last)
            cells.fill_body(self.runs, tbl, laid.size)
        if laid.totals:
            wordml.table_row(tbl, laid.totals, widths, right, laid.size, total_rule=look.rule)
        self._credit(place)
        if laid.turned:
            self._new_section(landscape=self.style.landscape)
        else:
            self.document.add_paragraph()  # space after the table

    def _turn(self, place: Place) -> None:
        """Start the turned pages of a wide table where the layout says they start."""
        if place.turn:
            self._new_section(landscape=not self.style.landscape)

    def _new_section(self, landscape: bool) -> None:
        section = self.document.add_section(WD_SECTION.NEW_PAGE)
        self._page_setup(section, landscape)
        # A copy of the first section's set-up: its page numbers go on from the section before, and
        # its first page is numbered (only the cover is set apart).
        wordml.page_numbers_from(docx_adapter.section_element(section), start=None, first_page_apart=False)


def _heading_mark(number: int) -> str:
    """The bookmark of the ``number``th heading the contents list."""
    return f"_BriefingHeading{number}"


def _streamed(
    body: wordml.BodyRows, laid: TableGeometry, zebra: str | None, cells: dict[int, etree._Element]
) -> Iterator[bytes]:
    """The body rows, each made as it is written; those with formatted cells were made with the table."""
    for n, texts in enumerate(laid.rows()):
        yield body.xml(cells[n] if n in cells else body.row(texts, zebra if n % 2 else None, False))


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
