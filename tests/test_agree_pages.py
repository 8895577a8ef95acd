"""Every example in every bundled style: the HTML page draws each table at the layout's text size and
width, the mail body of the whole text shows each figure as an inline picture, as the PDF shows it, and
both pass axe-core's WCAG 2.2 AA rules in Chromium."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from briefing import build, load
from briefing.layout import LaidDocument, lay_out
from briefing.model import Chart, Image, Table
from briefing.reading.loader import Options
from briefing.reading.style_files import read_style_file
from briefing.writers.html.writer import mail_body

from .conftest import DATA, SPECS, axe_violations, require_tool, words
from .test_serve import CHROMIUM_FLAGS

EXAMPLES = [*sorted(SPECS.glob("*.yaml")), DATA / "wide-table.yaml"]
STYLES = ("official", "newsroom", "plain")


@pytest.fixture(scope="module", params=[(e, s) for e in EXAMPLES for s in STYLES], ids=lambda p: f"{p[0].stem}-{p[1]}")
def page(request, tmp_path_factory) -> tuple[LaidDocument, Path]:
    spec, style = request.param
    out = tmp_path_factory.mktemp(f"{spec.stem}-{style}")
    built = build(spec, formats=["html"], out=out, style=style)
    laid = lay_out(load(spec, Options(base_style=read_style_file(style))))
    return laid, built.paths[0]


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for every page of the module."""
    from playwright.sync_api import sync_playwright

    chromium = require_tool("chromium")
    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield launched.new_page()
        launched.close()


def test_each_page_passes_wcag_22_aa_in_a_browser(page, browser):
    _, html = page
    browser.goto(html.as_uri())
    assert axe_violations(browser) == []


def test_the_whole_text_mailed_passes_wcag_22_aa_in_a_browser(page, browser):
    laid, _ = page
    browser.set_content(mail_body(laid, None, [], full=True).html)
    assert axe_violations(browser) == []


def test_each_html_table_is_drawn_at_the_layouts_size_and_width(page):
    laid, html = page
    geometries = [place.table for node, place in laid.flow if isinstance(node, Table) and place.table]
    drawn = lxml.html.parse(str(html)).findall(".//table")
    assert len(drawn) == len(geometries)
    for table, geometry in zip(drawn, geometries, strict=True):
        style = dict(part.split(":") for part in table.get("style").split(";"))
        assert float(style["font-size"].removesuffix("pt")) == pytest.approx(geometry.size, abs=0.01)
        assert float(style["width"].removesuffix("pt")) == pytest.approx(geometry.width, abs=0.1)


def test_the_whole_text_mailed_shows_each_figure_as_an_inline_picture(page):
    laid, _ = page
    body = mail_body(laid, None, [], full=True)
    figures = lxml.html.fromstring(body.html.encode()).findall(".//figure")
    captions = [words(place.caption.spans) for node, place in laid.flow if isinstance(node, (Chart, Image))]
    assert [f.findtext("figcaption") for f in figures] == captions
    sources = [img.get("src") for f in figures for img in f.findall(".//img")]
    assert sources == [f"cid:{p.cid}" for p in body.pictures] and len(sources) == len(captions)
    assert all(p.data[:4] in (b"\x89PNG", b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xe1") for p in body.pictures)
    assert "<svg" not in body.html


def test_each_cell_stands_where_the_layout_aligns_it_in_every_format(tmp_path):
    """Numbers end their cells, a right-to-left text starts at the right of its cell, other text at the start:
    decided by the layout, and read back from the PDF, Word, Excel and the HTML page."""
    import docx
    import pdfplumber
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from openpyxl import load_workbook

    from briefing.model import Briefing, Paragraph, Section
    from briefing.reading.inline import parse_inline
    from briefing.writers.docx.writer import DocxWriter
    from briefing.writers.html.writer import HtmlWriter
    from briefing.writers.pdf.writer import PdfWriter
    from briefing.writers.xlsx.writer import XlsxWriter

    table = Table(("Town", "Incidents"), (("Gao", 1234), ("تمبكتو", 56), ("Mopti region", 7)), "Towns")
    laid = lay_out(Briefing("T", (Section(parse_inline("H"), (Paragraph(parse_inline("The towns:")), table)),)))
    (geometry,) = [place.table for node, place in laid.flow if isinstance(node, Table)]
    assert [geometry.align(0, "Gao"), geometry.align(0, "تمبكتو"), geometry.align(1, "1,234")] == [
        "start",
        "right",
        "end",
    ]
    paths = {fmt: tmp_path / f"t.{fmt}" for fmt in ("pdf", "docx", "xlsx", "html")}
    for writer, fmt in ((PdfWriter(), "pdf"), (DocxWriter(), "docx"), (XlsxWriter(), "xlsx"), (HtmlWriter(), "html")):
        writer.write(laid, paths[fmt])

    cells = {td.text_content(): td.get("class") for td in lxml.html.parse(str(paths["html"])).iter("td")}
    assert cells == {"Gao": None, "تمبكتو": "rtl", "Mopti region": None, "1,234": "num", "56": "num", "7": "num"}

    grid = docx.Document(str(paths["docx"])).tables[0]
    sides = {c.text: c.paragraphs[0].alignment for r in grid.rows[1:] for c in r.cells}
    right = WD_ALIGN_PARAGRAPH.RIGHT
    assert sides == {"Gao": None, "تمبكتو": right, "Mopti region": None, "1,234": right, "56": right, "7": right}

    sheet = load_workbook(paths["xlsx"])["Towns"]
    values = {c.value: c for row in sheet.iter_rows() for c in row if c.value is not None}
    assert values["Incidents"].alignment.horizontal == "right" and values["Town"].alignment.horizontal == "left"
    assert values["تمبكتو"].alignment.horizontal == "right"
    assert values["Gao"].alignment.horizontal in (None, "general", "left")
    assert values[1234].alignment.horizontal in (None, "general", "right")  # Excel sets a number at the right

    with pdfplumber.open(str(paths["pdf"])) as pdf:
        words = pdf.pages[0].extract_words()
    numbers = [w for w in words if w["text"] in ("1,234", "56", "7")]
    assert len(numbers) == 3 and max(w["x1"] for w in numbers) - min(w["x1"] for w in numbers) < 1  # one right edge
    latin = [w for w in words if w["text"] in ("Gao", "Mopti")]
    assert max(w["x0"] for w in latin) - min(w["x0"] for w in latin) < 1  # one left edge
    column_right = min(w["x0"] for w in numbers)  # the number column starts after the town column
    arabic = [w for w in words if not w["text"].isascii() and w["x1"] < column_right]
    assert arabic and max(w["x1"] for w in arabic) > max(w["x1"] for w in latin if w["text"] == "Gao") + 20


def test_the_files_describe_themselves_alike(tmp_path):
    """Title, subject, author and marking in each file's own properties: decided once, the same everywhere."""
    import docx
    from openpyxl import load_workbook
    from pypdf import PdfReader

    built = build(SPECS / "sahel-dashboard.yaml", formats=["docx", "pdf", "xlsx"], out=tmp_path)
    files = {p.suffix[1:]: p for p in built.paths}
    given = lay_out(load(SPECS / "sahel-dashboard.yaml")).properties
    word = docx.Document(str(files["docx"])).core_properties
    sheet = load_workbook(files["xlsx"]).properties
    pdf = PdfReader(str(files["pdf"])).metadata
    assert given.title and given.author
    assert (word.title, word.subject, word.author, word.category) == (
        given.title,
        given.subject,
        given.author,
        given.keywords,
    )
    assert (sheet.title, sheet.subject, sheet.creator, sheet.keywords) == (
        given.title,
        given.subject,
        given.author,
        given.keywords,
    )
    assert (pdf.title, pdf.subject, pdf.author) == (given.title, given.subject, given.author)
