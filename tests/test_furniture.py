"""Page furniture in every format: marking, page numbers, cover, contents, table looks, wide tables."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import zipfile

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree
from openpyxl import load_workbook
from PIL import Image as PILImage
from pypdf import PdfReader

from briefing.model import Briefing, Paragraph, Section, Table
from briefing.reading.inline import parse_inline
from briefing.reading.style_files import merge, read_style_file
from briefing.style import BUNDLED_FONTS, Style, TableLook
from briefing.writers.docx.writer import DocxWriter
from briefing.writers.pdf.writer import PdfWriter
from briefing.writers.xlsx.writer import XlsxWriter

from .conftest import require_tool

OFFICIAL = merge(read_style_file("official"))


def with_style(doc: Briefing, style: Style) -> Briefing:
    return dataclasses.replace(doc, style=style)


def wide_table() -> Table:
    columns = tuple(f"Column heading {n}" for n in range(14))
    rows = tuple(tuple(f"value {r}-{c}" for c in range(14)) for r in range(5))
    return Table(columns, rows, "Wide")


@pytest.fixture
def long_doc(sample) -> Briefing:
    """The sample with many more pages and a table too wide for a portrait page."""
    filler = tuple(Paragraph(parse_inline(f"Paragraph {n}. " + "Filler text. " * 60)) for n in range(25))
    extra = Section(parse_inline("Annex"), (*filler, wide_table(), Paragraph(parse_inline("After the wide table."))))
    return dataclasses.replace(sample, sections=(*sample.sections, extra))


# -- PDF ---------------------------------------------------------------------


def test_pdf_page_x_of_y_and_marking_on_every_page(long_doc, tmp_path):
    path = tmp_path / "p.pdf"
    PdfWriter().write(long_doc, path)
    pages = PdfReader(str(path)).pages
    assert len(pages) > 5
    for number, page in enumerate(pages, 1):
        text = page.extract_text()
        assert f"Page {number} of {len(pages)}" in text
        assert text.count("OFFICIAL-SENSITIVE") == 2


def test_pdf_wide_table_gets_a_landscape_page(long_doc, tmp_path):
    path = tmp_path / "w.pdf"
    PdfWriter().write(long_doc, path)
    shapes = [
        (float(p.mediabox.width) > float(p.mediabox.height), p.extract_text()) for p in PdfReader(str(path)).pages
    ]
    landscape = [text for wide, text in shapes if wide]
    assert len(landscape) == 1 and "Table 2: Wide" in landscape[0] and "4-13" in landscape[0].split()
    assert "After the wide table." in [text for wide, text in shapes if not wide][-1]


def test_pdf_contents_have_the_right_page_numbers(long_doc, tmp_path):
    path = tmp_path / "toc.pdf"
    PdfWriter().write(with_style(long_doc, OFFICIAL), path)
    pages = [p.extract_text() for p in PdfReader(str(path)).pages]
    assert "Sahel Outlook" in pages[0] and "Contents" in pages[1]
    pdftotext = require_tool("pdftotext")
    contents = subprocess.run(
        [pdftotext, "-layout", "-f", "2", "-l", "2", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    entries = dict(re.findall(r"^\s*(Summary|Situation in Mali|Figures|Annex)[ .]*?(\d+)\s*$", contents, re.M))
    assert set(entries) == {"Summary", "Situation in Mali", "Figures", "Annex"}
    # Each entry gives the number printed on its heading's page (the count starts after the cover page).
    printed = {int(m.group(1)): text for text in pages if (m := re.search(r"Page (\d+) of \d+", text))}
    for heading, page in entries.items():
        assert heading in printed[int(page)], heading


# -- Word --------------------------------------------------------------------


def test_docx_every_section_has_marking_and_page_fields(long_doc, tmp_path):
    path = tmp_path / "f.docx"
    DocxWriter().write(long_doc, path)
    document = docx.Document(str(path))
    assert len(document.sections) == 3  # portrait, landscape for the wide table, portrait
    assert [s.orientation.name for s in document.sections] == ["PORTRAIT", "LANDSCAPE", "PORTRAIT"]
    for section in document.sections:
        assert section.header.paragraphs[0].text == "OFFICIAL-SENSITIVE"
        footer = section.footer
        assert footer.paragraphs[0].text == "OFFICIAL-SENSITIVE"
        instructions = [f.get(qn("w:instr")) for f in footer._element.iter(qn("w:fldSimple"))]
        assert instructions == ["PAGE", "NUMPAGES"]
        shown = "".join(t.text for t in footer.paragraphs[1]._p.iter(qn("w:t")))
        assert shown == "Page 1 of 1"  # the cached values, until Word updates the fields


def test_docx_cover_page_has_no_number_and_the_count_leaves_it_out(long_doc, tmp_path):
    path = tmp_path / "cover.docx"
    DocxWriter().write(with_style(long_doc, OFFICIAL), path)
    document = docx.Document(str(path))
    first, *turned = document.sections
    # The cover is the first section's first page, with a header and footer of its own: page 0, unnumbered.
    assert first.different_first_page_header_footer
    assert first._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "0"
    assert first.first_page_footer.paragraphs[0].text == "OFFICIAL-SENSITIVE"
    assert not list(first.first_page_footer._element.iter(qn("w:fldSimple")))
    # The count is the last page's own number (NUMPAGES would count the cover).
    instructions = [f.get(qn("w:instr")) for f in first.footer._element.iter(qn("w:fldSimple"))]
    assert instructions == ["PAGE", "PAGEREF _BriefingLastPage"]
    last = document.element.body.findall(qn("w:p"))[-1]
    assert [b.get(qn("w:name")) for b in last.iter(qn("w:bookmarkStart"))] == ["_BriefingLastPage"]
    # The turned pages' sections go on numbering, their first pages numbered.
    assert len(turned) == 2
    for section in turned:
        assert section._sectPr.find(qn("w:pgNumType")) is None and section._sectPr.find(qn("w:titlePg")) is None


def test_docx_contents_entries_give_their_headings_page_numbers(sample, tmp_path):
    path = tmp_path / "toc.docx"
    DocxWriter().write(with_style(sample, OFFICIAL), path)
    document = docx.Document(str(path))
    toc = [p for p in document.paragraphs if re.fullmatch(r"TOC \d", p.style.name)]
    entries = [(p.style.name, p.text.split("\t")[0]) for p in toc]
    assert entries == [("TOC 1", "Summary"), ("TOC 1", "Situation in Mali"), ("TOC 2", "Figures")]
    # Each entry's number is a PAGEREF field to its heading's bookmark: the number printed on the heading's
    # page, which Word works out on opening and LibreOffice as it lays the pages out (a TOC field's it would not).
    references = [f.get(qn("w:instr")) for p in toc for f in p._p.iter(qn("w:fldSimple"))]
    headings = [p for p in document.paragraphs if p.style.name.startswith("Heading")]
    marks = [b.get(qn("w:name")) for p in headings for b in p._p.iter(qn("w:bookmarkStart"))]
    assert len(marks) == len(entries)
    assert references == [f"PAGEREF {mark} \\h" for mark in marks]
    links = [link.get(qn("w:anchor")) for p in toc for link in p._p.iter(qn("w:hyperlink"))]
    assert links == marks
    assert document.settings.element.find(qn("w:updateFields")).get(qn("w:val")) == "true"


def test_docx_marking_banner_and_table_look(sample, tmp_path):
    path = tmp_path / "look.docx"
    DocxWriter().write(with_style(sample, OFFICIAL), path)
    document = docx.Document(str(path))
    header = document.sections[0].header.paragraphs[0]
    assert header._p.pPr.find(qn("w:shd")).get(qn("w:fill")) == "D4351C"
    assert str(header.runs[0].font.color.rgb) == "FFFFFF"
    (table,) = document.tables
    fills = [c._tc.tcPr.find(qn("w:shd")) for c in table.columns[0].cells]
    assert [f.get(qn("w:fill")) if f is not None else None for f in fills] == ["1D3557", None, "F1F3F6"]
    assert table.rows[1].cells[1].text == "1,500"


# -- Excel -------------------------------------------------------------------


def test_xlsx_print_setup_header_footer_and_widths(long_doc, tmp_path):
    path = tmp_path / "x.xlsx"
    XlsxWriter().write(long_doc, path)
    workbook = load_workbook(path)
    for sheet in workbook.worksheets:
        assert sheet.oddHeader.center.text == "OFFICIAL-SENSITIVE"
        assert sheet.oddFooter.center.text == "OFFICIAL-SENSITIVE"
        assert sheet.oddFooter.right.text == "Page &P of &N"
        assert sheet.page_setup.fitToWidth == 1
    indicators = workbook["Selected indicators"]
    assert indicators.print_title_rows == "$1:$2"  # the caption and the header on every page
    widths = [indicators.column_dimensions[c].width for c in "ABCDEF"]
    assert widths[0] > widths[2] and all(w >= 5 for w in widths)
    assert indicators["B3"].number_format == "#,##0"
    assert indicators.page_setup.orientation == "portrait"
    assert workbook["Wide"].page_setup.orientation == "landscape"


def test_xlsx_contents_sheet_links_every_table(long_doc, tmp_path):
    path = tmp_path / "c.xlsx"
    XlsxWriter().write(with_style(long_doc, OFFICIAL), path)
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Contents", "Briefing", "Selected indicators", "Wide"]
    contents = workbook["Contents"]
    assert (contents["A1"].value, contents["A2"].value) == ("OFFICIAL-SENSITIVE", "Contents")
    assert contents["A1"].fill.fgColor.rgb == "00D4351C"
    links = [(c.value, c.hyperlink.location) for (c,) in contents.iter_rows(min_row=2) if c.hyperlink]
    assert links == [
        ("Briefing", "'Briefing'!A1"),
        ("Table 1: Selected indicators", "'Selected indicators'!A1"),
        ("Table 2: Wide", "'Wide'!A1"),
    ]


def test_xlsx_table_look(sample, tmp_path):
    style = dataclasses.replace(Style(), table=TableLook(header_fill="112233", header_text="FFFFFF", zebra="EEEEEE"))
    path = tmp_path / "t.xlsx"
    XlsxWriter().write(with_style(sample, style), path)
    book = load_workbook(path)
    sheet = book["Selected indicators"]
    assert sheet["A2"].fill.fgColor.rgb == "00112233"  # the header, under the caption
    assert sheet["A2"].font.color.rgb == "00FFFFFF"
    # Zebra rows come from the Excel table's style, so they stay banded when a reader sorts.
    assert sheet["A4"].fill.fill_type is None
    (table,) = sheet.tables.values()
    assert table.tableStyleInfo.name == "Briefing Zebra" and table.tableStyleInfo.showRowStripes
    (zebra,) = [s for s in book._table_styles.tableStyle if s.name == "Briefing Zebra"]
    (stripe,) = zebra.tableStyleElement
    assert stripe.type == "secondRowStripe"
    assert book._differential_styles[stripe.dxfId].fill.bgColor.rgb == "00EEEEEE"


def test_logo_and_house_font_in_every_format(sample, tmp_path):
    logo = tmp_path / "logo.png"
    PILImage.new("RGB", (300, 100), "#A50F15").save(logo)
    serif = BUNDLED_FONTS["DejaVu Serif"]
    style = dataclasses.replace(Style(), logo=logo, logo_size_px=(300, 100), body_font=serif, explicit=frozenset())
    doc = with_style(sample, style)

    pdf = tmp_path / "l.pdf"
    PdfWriter().write(doc, pdf)
    fonts = {
        str(f.get_object()["/BaseFont"]).split("+")[-1]
        for f in PdfReader(str(pdf)).pages[0]["/Resources"]["/Font"].values()
    }
    assert "DejaVuSerif" in fonts and "DejaVuSerif-Bold" in fonts
    images = PdfReader(str(pdf)).pages[0].images
    assert any(img.image.size == (300, 100) for img in images)

    word = tmp_path / "l.docx"
    DocxWriter().write(doc, word)
    document = docx.Document(str(word))
    assert document.styles["Normal"].font.name == "DejaVu Serif"
    assert round(document.inline_shapes[0].height.cm, 1) == 1.4  # the logo, before the figure

    sheet_file = tmp_path / "l.xlsx"
    XlsxWriter().write(doc, sheet_file)
    sheet = load_workbook(sheet_file)["Briefing"]
    assert len(sheet._images) == 2  # the logo and the figure
    assert sheet["B2"].value is None and sheet["A2"].font.name == "DejaVu Serif"


def test_xlsx_long_texts_wrap_and_short_ones_do_not(tmp_path):
    long_text = "A long description of an incident that needs several lines in any column. " * 2
    table = Table(("Name", "Description"), (("a", long_text), ("b", "short")), "Log")
    path = tmp_path / "w.xlsx"
    XlsxWriter().write(Briefing("T", (Section(parse_inline("H"), (table,)),)), path)
    sheet = load_workbook(path)["Log"]
    assert sheet["B3"].alignment.wrap_text and not sheet["A3"].alignment.wrap_text
    assert sheet.column_dimensions["B"].width == 60


@pytest.mark.parametrize("cover", ["block", "page"])
def test_the_logo_has_one_box_in_every_format(sample, tmp_path, cover):
    """One rule, decided by the layout: a set height (2.5 cm on a cover page, 1.4 cm in a title block),
    no wider than half the text column; each format draws that box."""
    import lxml.html
    import pdfplumber

    from briefing.layout import lay_out
    from briefing.writers.html.writer import HtmlWriter

    logo = tmp_path / "logo.png"
    PILImage.new("RGB", (1200, 100), "#A50F15").save(logo)  # so wide that half the column caps it
    style = dataclasses.replace(Style(), logo=logo, logo_size_px=(1200, 100), cover=cover, explicit=frozenset())
    laid = lay_out(with_style(sample, style))
    box = laid.front.logo
    assert box is not None and box.width_cm == pytest.approx(style.text_width_cm / 2, abs=0.01)
    assert box.height_cm == pytest.approx(box.width_cm / 12, abs=0.01)
    paths = {fmt: tmp_path / f"l.{fmt}" for fmt in ("pdf", "docx", "xlsx", "html")}
    for writer, fmt in ((PdfWriter(), "pdf"), (DocxWriter(), "docx"), (XlsxWriter(), "xlsx"), (HtmlWriter(), "html")):
        writer.write(laid, paths[fmt])

    cm = 72 / 2.54
    with pdfplumber.open(str(paths["pdf"])) as pdf:
        drawn = next(i for i in pdf.pages[0].images if i["srcsize"] == (1200, 100))
    assert (drawn["width"] / cm, drawn["height"] / cm) == pytest.approx((box.width_cm, box.height_cm), abs=0.02)
    shape = docx.Document(str(paths["docx"])).inline_shapes[0]
    assert (shape.width.cm, shape.height.cm) == pytest.approx((box.width_cm, box.height_cm), abs=0.02)
    with zipfile.ZipFile(paths["xlsx"]) as book:  # the picture's extent as Excel places it, in EMU
        drawing = etree.fromstring(book.read("xl/drawings/drawing1.xml"))
    ext = drawing.find(".//{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}ext")
    emu = 360_000
    assert (int(ext.get("cx")) / emu, int(ext.get("cy")) / emu) == pytest.approx(
        (box.width_cm, box.height_cm), abs=0.05
    )
    img = lxml.html.parse(str(paths["html"])).find(".//img[@class='logo']")
    sizes = dict(part.split(":") for part in img.get("style").split(";"))
    assert float(sizes["width"].removesuffix("cm")) == pytest.approx(box.width_cm, abs=0.01)
    assert float(sizes["height"].removesuffix("cm")) == pytest.approx(box.height_cm, abs=0.01)
