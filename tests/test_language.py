"""A briefing's language, direction and labels: from YAML to the model, and read back from every format."""

from __future__ import annotations

import dataclasses
import zipfile

import docx
import lxml.html
import pdfplumber
import pytest
from docx.oxml.ns import qn
from lxml import etree
from openpyxl import load_workbook
from pypdf import PdfReader

from briefing import SpecError, loads
from briefing.model import Briefing, Labels, ListBlock, ListItem, Paragraph, Section, Table
from briefing.spec.inline import parse_inline
from briefing.spec.styles import merge, read_style_file
from briefing.writers.docx import DocxWriter
from briefing.writers.html import HtmlWriter
from briefing.writers.pdf import PdfWriter
from briefing.writers.xlsx import XlsxWriter

from .conftest import docx_text, html_text, pdf_text, squash, xlsx_text

BASE = "title: T\nsections:\n  - heading: H\n    content:\n      - paragraph: p\n"

# -- reading ---------------------------------------------------------------------


def test_language_direction_and_labels_are_read_with_english_and_ltr_by_default():
    plain = loads(BASE)
    assert (plain.language, plain.direction, plain.labels) == ("en", "ltr", Labels())
    french = loads(BASE + "language: fr-ML\nlabels: {table: Tableau, of: sur, summary: Résumé}\n")
    assert (french.language, french.direction) == ("fr-ML", "ltr")
    assert french.labels == Labels(table="Tableau", of="sur", summary="Résumé")


@pytest.mark.parametrize(
    ("tag", "direction"),
    [("ar", "rtl"), ("ar-ML", "rtl"), ("he", "rtl"), ("nqo", "rtl"), ("ha-Arab-NG", "rtl"), ("ar-Latn", "ltr")],
)
def test_a_right_to_left_language_runs_right_to_left_unless_the_spec_says_otherwise(tag, direction):
    assert loads(BASE + f"language: {tag}\n").direction == direction
    assert loads(BASE + f"language: {tag}\ndirection: ltr\n").direction == "ltr"


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "language: english\n",
            "<spec>:6:11: 'english' is not a language tag; give one such as en, fr-ML or ar (BCP 47)",
        ),
        ("direction: rlt\n", "<spec>:6:12: expected one of ltr, rtl, got 'rlt' (did you mean 'rtl'?)"),
        ("labels: {tabel: Tableau}\n", "<spec>:6:10: unknown key 'tabel' in the labels (did you mean 'table'?)"),
        ("labels: [Tableau]\n", "<spec>:6:9: expected a mapping, got a list"),
    ],
)
def test_bad_language_keys_get_one_line_at_their_place(extra, expected):
    with pytest.raises(SpecError) as caught:
        loads(BASE + extra)
    assert [str(p) for p in caught.value.problems] == [expected]


# -- labels and language in every format ---------------------------------------------


def _french(toc: bool = True) -> Briefing:
    style = dataclasses.replace(merge(read_style_file("official")), toc=toc)
    table = Table(("Région", "Incidents"), (("Gao", 3), ("Mopti", 5)), "Incidents par région")
    labels = Labels(table="Tableau", figure="Figure", page="Page", of="sur", contents="Sommaire", summary="Résumé")
    return Briefing(
        "Note de synthèse",
        (Section(parse_inline("Sécurité"), (Paragraph(parse_inline("Le tableau suivant :")), table)),),
        summary=(Paragraph(parse_inline("Deux régions.")),),
        language="fr-ML",
        labels=labels,
        style=style,
    )


@pytest.fixture
def french(tmp_path):
    doc = _french()
    paths = {}
    for writer in (DocxWriter(), PdfWriter(), HtmlWriter(), XlsxWriter()):
        paths[writer.name] = tmp_path / f"fr{writer.extension}"
        writer.write(doc, paths[writer.name])
    return paths


def test_labels_read_the_same_in_every_format(french):
    texts = {
        "docx": squash(docx_text(french["docx"])),
        "pdf": squash(pdf_text(french["pdf"])),
        "html": squash(html_text(french["html"])),
        "xlsx": squash(xlsx_text(french["xlsx"])),
    }
    for fmt, text in texts.items():
        assert "Tableau 1: Incidents par région" in text, fmt
        assert "Table 1" not in text, fmt
        assert "Résumé" in text and "Summary" not in text, fmt
    for fmt in ("docx", "pdf"):
        assert "Sommaire" in texts[fmt] and "Contents" not in texts[fmt], fmt
    pages = PdfReader(str(french["pdf"])).pages
    assert f"Page 1 sur {len(pages) - 1}" in pages[1].extract_text()  # the count starts after the cover page
    footer = docx.Document(str(french["docx"])).sections[0].footer.paragraphs[-1]
    assert footer.text.startswith("Page ") and " sur " in footer.text
    workbook = load_workbook(french["xlsx"])
    assert workbook.sheetnames[0] == "Sommaire"
    assert workbook["Briefing"].oddFooter.right.text == "Page &P sur &N"


def test_the_language_is_the_documents_in_every_format(french):
    styles = etree.fromstring(zipfile.ZipFile(french["docx"]).read("word/styles.xml"))
    lang = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    assert lang.get(qn("w:val")) == "fr-ML"
    assert PdfReader(str(french["pdf"])).trailer["/Root"]["/Lang"] == "fr-ML"
    assert lxml.html.fromstring(french["html"].read_bytes()).get("lang") == "fr-ML"


# -- a right-to-left briefing -----------------------------------------------------------


def _arabic() -> Briefing:
    table = Table(("المنطقة", "الحوادث"), (("غاو", 3), ("موبتي", 5)), "الحوادث حسب المنطقة")
    bullets = ListBlock((ListItem(parse_inline("أولا")), ListItem(parse_inline("ثانيا"))))
    return Briefing(
        "موجز",
        (Section(parse_inline("الأمن"), (Paragraph(parse_inline("فقرة قصيرة.")), bullets, table)),),
        language="ar",
        direction="rtl",
        labels=Labels(table="جدول", page="صفحة", of="من", contents="المحتويات", summary="ملخص"),
        style=merge(read_style_file("plain")),
    )


def test_word_lays_a_right_to_left_briefing_out_from_the_right(tmp_path):
    path = tmp_path / "ar.docx"
    DocxWriter().write(_arabic(), path)
    with zipfile.ZipFile(path) as package:
        styles = etree.fromstring(package.read("word/styles.xml"))
        body = etree.fromstring(package.read("word/document.xml"))
    defaults = styles.find(qn("w:docDefaults"))
    assert defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:bidi')}") is not None
    lang = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    assert lang.get(qn("w:bidi")) == "ar"
    normal = next(s for s in styles.iter(qn("w:style")) if s.get(qn("w:styleId")) == "Normal")
    assert normal.find(f"{qn('w:rPr')}/{qn('w:rFonts')}").get(qn("w:cs")) == "Noto Sans Arabic"
    assert all(sect.find(qn("w:bidi")) is not None for sect in body.iter(qn("w:sectPr")))
    assert [t.find(f"{qn('w:tblPr')}/{qn('w:bidiVisual')}") is not None for t in body.iter(qn("w:tbl"))] == [True]
    arabic_runs = [r for r in body.iter(qn("w:r")) if any("\u0600" <= c <= "\u06ff" for c in "".join(r.itertext()))]
    # Every run of right-to-left text says so: paragraphs, headings, captions and table cells alike.
    assert len(arabic_runs) >= 8 and all(r.find(f"{qn('w:rPr')}/{qn('w:rtl')}") is not None for r in arabic_runs)


def test_excel_sheets_and_the_html_page_run_right_to_left(tmp_path):
    doc = dataclasses.replace(_arabic(), style=dataclasses.replace(merge(read_style_file("plain")), toc=True))
    XlsxWriter().write(doc, tmp_path / "ar.xlsx")
    workbook = load_workbook(tmp_path / "ar.xlsx")
    assert len(workbook.worksheets) == 3
    assert all(sheet.sheet_view.rightToLeft for sheet in workbook.worksheets)
    HtmlWriter().write(doc, tmp_path / "ar.html")
    page = lxml.html.fromstring((tmp_path / "ar.html").read_bytes())
    assert (page.get("dir"), page.get("lang")) == ("rtl", "ar")


def test_the_pdf_of_a_right_to_left_briefing_mirrors_its_tables_lists_and_page_number(tmp_path):
    path = tmp_path / "ar.pdf"
    PdfWriter().write(_arabic(), path)
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        words = page.extract_words()
        chars = page.chars
    width = page.width
    # The number column, the table's last, is drawn at the left; the first column's values at the right.
    three = next(w for w in words if w["text"] == "3")
    gao = [c for c in chars if c["text"] in "غاو" and c["top"] > three["top"] - 3 and c["bottom"] < three["bottom"] + 3]
    assert gao and three["x1"] < min(c["x0"] for c in gao)
    # Bullets hang at the right of their items; the page number sits at the left.
    bullets = [c for c in chars if c["text"] == "\u2022"]
    assert bullets and all(b["x0"] > width / 2 for b in bullets)
    number = next(w for w in words if w["text"] == "1" and w["top"] > page.height - 60)
    assert number["x1"] < width / 2
    assert PdfReader(str(path)).trailer["/Root"]["/Lang"] == "ar"


def test_the_build_says_where_the_pdf_first_draws_right_to_left_text_it_cannot_yet_join(tmp_path):
    from briefing import build

    spec = tmp_path / "quote.yaml"
    spec.write_text(
        "title: Quotes\nsections:\n  - heading: Gao\n    content:\n      - paragraph: Plain English.\n"
        "      - paragraph: 'The governor said: مرحبا بكم في تمبكتو'\n",
        encoding="utf-8",
    )
    pack = build(spec, formats=["pdf", "docx"], out=tmp_path / "out")
    assert [str(w) for w in pack.warnings] == [
        f"{spec}:6:9: pdf: right-to-left text (Arabic, Hebrew, N'Ko) is drawn with its letters unjoined "
        "and its words left to right; read it in the Word file or the HTML page"
    ]
