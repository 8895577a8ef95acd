"""Inline text as Word runs: bold and italic, each script in its font, links out of the document and within it,
and the references of notes; in the body, in notes, and in the table cells the layout gave formatted text."""

from __future__ import annotations

from itertools import groupby

from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run
from lxml import etree

from ...adapters import docx as docx_adapter
from ...layout import LaidDocument, colours
from ...layout.geometry import TableGeometry
from ...layout.tree import InternalLink, NoteMark
from ...model import Inline, Span
from ...style import script_runs
from .. import markup
from . import notes, wordml_tables, wordml_text

_R = qn("w:r")


class Runs:
    """Writes inline text into paragraphs, with the document's notes and bookmarks."""

    def __init__(self, document: Document, laid: LaidDocument) -> None:
        self.document = document
        self.bookmarks = notes.Bookmarks()
        self.notes = notes.Notes(document, laid, self.inline, self.bookmarks)

    def inline(self, para: DocxParagraph, text: Inline) -> None:
        """``text`` at the end of ``para``."""
        for (kind, target), group in groupby(text, key=_link_of):
            spans = list(group)
            if kind == "note":
                for span in spans:
                    self.notes.cite(para, span)  # type: ignore[arg-type]  # grouped as a NoteMark
            elif kind == "anchor":
                self._link(para, spans, anchor=target)
            elif kind == "href":
                self._link(para, spans, href=target)
            else:
                for span in spans:
                    self.run(para, span)

    def run(self, para: DocxParagraph, span: Span) -> list[Run]:
        """The span as runs: one for each script with a bundled font of its own, set in that font."""
        runs = []
        for part, script in script_runs(markup.xml_safe(span.text)):
            run = para.add_run(part)
            run.bold = span.bold or None
            run.italic = span.italic or None
            if script is not None:
                wordml_text.set_script_font(run.element.get_or_add_rPr(), script.family.name)
            if markup.has_rtl(part):
                run.font.rtl = True  # Word sets it in the complex-script font, size and weight: the twins below
            if span.lang:
                wordml_text.set_run_language(run.element.get_or_add_rPr(), span.lang, markup.has_rtl(part))
            wordml_text.complex_script_twins(run.element.get_or_add_rPr())
            runs.append(run)
        return runs

    def _link(self, para: DocxParagraph, spans: list[Span], href: str = "", anchor: str = "") -> None:
        """A link: out of the document (``href``), in the links' colour and underlined, or to a bookmark in
        it (``anchor``): a cross-reference or a citation, in the links' colour, as the PDF and the HTML page
        show it."""
        link = OxmlElement("w:hyperlink")
        if href:
            link.set(qn("r:id"), para.part.relate_to(href, RT.HYPERLINK, is_external=True))
        else:
            link.set(qn("w:anchor"), notes.bookmark_name(anchor))
            link.set(qn("w:history"), "1")
        for span in spans:
            for run in self.run(para, span):
                run.font.color.rgb = RGBColor.from_string(colours.LINK_RGB)
                if href:
                    run.font.underline = True
                link.append(run.element)  # moves the run from the paragraph into the link
        docx_adapter.paragraph_element(para).append(link)

    def sized(
        self, para: DocxParagraph, size_pt: float, bold: bool = False, colour: str | None = None, italic: bool = False
    ) -> None:
        """Every run of the paragraph, links' too, at ``size_pt``; bold, italic and in ``colour`` where asked."""
        for r in docx_adapter.paragraph_element(para).iter(_R):
            if r.find(qn("w:footnoteReference")) is not None or r.find(qn("w:endnoteReference")) is not None:
                continue  # a note's number keeps its own style
            run = Run(r, para)
            run.font.size = Pt(size_pt)
            if bold:
                run.bold = True
            if italic:
                run.italic = True
            if colour is not None and r.getparent().tag != qn("w:hyperlink"):
                run.font.color.rgb = RGBColor.from_string(colour)
            wordml_text.complex_script_twins(r.get_or_add_rPr())

    def cell(self, tc: etree._Element, text: Inline, size_pt: float, bold: bool, colour: str | None) -> None:
        """A table cell's text, as the layout gave it, in place of its plain value."""
        p = tc.find(qn("w:p"))
        scratch = DocxParagraph(OxmlElement("w:p"), self.document)  # type: ignore[arg-type]  # the body's part
        self.inline(scratch, text)
        self.sized(scratch, size_pt, bold, colour)
        for old in p.findall(_R):
            p.remove(old)
        for made in list(docx_adapter.paragraph_element(scratch)):
            p.append(made)


class CellTexts:
    """A table's cells whose text is formatted (notes, citations, cross-references), by row (-1: the header)."""

    def __init__(self, given: tuple[tuple[int, int, Inline], ...]) -> None:
        self.rows: dict[int, list[tuple[int, Inline]]] = {}
        for row, col, text in given:
            self.rows.setdefault(row, []).append((col, text))

    def fill(self, runs: Runs, tr: etree._Element, row: int, size_pt: float, header: str | None = None) -> None:
        """Row ``row``'s formatted cells written into its ``w:tr`` (a header's bold, in ``header`` colour)."""
        cells = tr.findall(qn("w:tc"))
        for col, text in self.rows.get(row, ()):
            runs.cell(cells[col], text, size_pt, header is not None, header)

    def fill_body(self, runs: Runs, tbl: etree._Element, size_pt: float) -> None:
        """The formatted cells of a table whose rows are all in ``tbl``, after its header."""
        rows = tbl.findall(qn("w:tr"))
        for row in self.rows:
            if 0 <= row < len(rows) - 1:
                self.fill(runs, rows[row + 1], row, size_pt)

    def streamed(
        self, runs: Runs, body: wordml_tables.BodyRows, laid: TableGeometry, zebra: str | None
    ) -> dict[int, etree._Element]:
        """The rows with formatted cells of a table whose rows are streamed, made now: their notes go in
        the notes part, which is written before the rows are."""
        made = {}
        for row in sorted(r for r in self.rows if r >= 0):
            for texts in laid.rows(row, row + 1):
                made[row] = body.row(texts, zebra if row % 2 else None, False)
                self.fill(runs, made[row], row, laid.size)
        return made


def unmarked(text: Inline) -> Inline:
    """``text`` without its notes' marks: a heading as the contents list it."""
    return tuple(span for span in text if not isinstance(span, NoteMark))


def _link_of(span: Span) -> tuple[str, str]:
    """What a span links to, as (kind, target): a note, an anchor in the document, an address, or nothing."""
    if isinstance(span, NoteMark):
        return ("note", str(span.number))
    if isinstance(span, InternalLink):
        return ("anchor", span.target)
    if span.href is not None:
        return ("href", span.href)
    return ("", "")
