"""A briefing's language, direction and labels: from YAML to the model, and read back from every format."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import subprocess
import tempfile
import unicodedata
import zipfile
from itertools import groupby
from pathlib import Path

import docx
import lxml.html
import pdfplumber
import pytest
from docx.oxml.ns import qn
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from openpyxl import load_workbook
from pypdf import PdfReader

from briefing import SpecError, loads
from briefing.build import build
from briefing.model import Briefing, Labels, ListBlock, ListItem, Paragraph, Section, Table
from briefing.reading.inline import parse_inline
from briefing.reading.language import language_labels
from briefing.reading.style_files import merge, read_style_file
from briefing.writers.docx.writer import DocxWriter
from briefing.writers.html.writer import HtmlWriter
from briefing.writers.pdf.writer import PdfWriter
from briefing.writers.xlsx.writer import XlsxWriter

from .conftest import docx_text, html_text, pdf_text, require_tool, squash, xlsx_text

BASE = "title: T\nsections:\n  - heading: H\n    content:\n      - paragraph: p\n"

# -- reading ---------------------------------------------------------------------


def test_language_direction_and_labels_are_read_with_english_and_ltr_by_default():
    plain = loads(BASE)
    assert (plain.language, plain.direction, plain.labels) == ("en", "ltr", Labels())
    french = loads(BASE + "language: fr-ML\nlabels: {contents: Table des matières, of: de}\n")
    assert (french.language, french.direction) == ("fr-ML", "ltr")
    # The words given replace the language's own; the others stay French.
    assert french.labels == dataclasses.replace(language_labels("fr"), contents="Table des matières", of="de")
    assert (french.labels.table, french.labels.summary, french.labels.by) == ("Tableau", "Résumé", "Par")


@pytest.mark.parametrize(
    ("tag", "table", "page"),
    [("fr", "Tableau", "sur"), ("es-ML", "Tabla", "de"), ("de-CH", "Tabelle", "von"), ("ar", "جدول", "من")],
)
def test_a_language_with_words_of_its_own_prints_them_without_labels(tag, table, page):
    labels = loads(BASE + f"language: {tag}\n").labels
    assert (labels.table, labels.of) == (table, page)


def test_a_callout_without_a_title_is_titled_in_the_briefings_language():
    box = "      - callout: {kind: %s, content: [paragraph: p]}\n"
    spec = BASE + "".join(box % kind for kind in ("key-judgement", "warning")) + "language: fr\n"
    titles = [b.title for b in loads(spec).sections[0].content[1:]]
    assert titles == ["Jugement clé", "Avertissement"]
    assert loads(BASE + box % "warning").sections[0].content[1].title == "Warning"


@pytest.mark.parametrize("tag", ["en", "en-GB", "sw", "ha-Arab-NG"])
def test_other_languages_keep_english_words_until_labels_gives_theirs(tag):
    assert loads(BASE + f"language: {tag}\n").labels == Labels()


FRENCH_SPEC = """\
title: Note
author: Cellule d'analyse
language: fr-ML
summary: [Deux régions.]
sections:
  - heading: Sécurité
    content:
      - table: {title: Incidents, credit: OCHA, columns: [Région, Cas], rows: [[Gao, 3], [Mopti, 5]],
                 totals: {Cas: sum}}
"""


def test_a_french_spec_without_labels_prints_french_words_in_every_format(tmp_path):
    """What the pack adds reads French in Word, the PDF, the page and the workbook, with no `labels:`."""
    spec = tmp_path / "note.yaml"
    spec.write_text(FRENCH_SPEC, encoding="utf-8")
    built = {path.suffix[1:]: path for path in build(spec, out=tmp_path / "out").paths if path.suffix != ".json"}
    texts = {
        "docx": squash(docx_text(built["docx"])),
        "pdf": squash(pdf_text(built["pdf"])),
        "html": squash(html_text(built["html"])),
        "xlsx": squash(xlsx_text(built["xlsx"])),
    }
    for fmt, text in texts.items():
        assert "Tableau 1 : Incidents" in text and "Table 1" not in text, fmt
        assert "Source : OCHA" in text and "Total" in text, fmt
    for fmt in ("docx", "pdf", "html"):
        assert "Résumé" in texts[fmt] and "Par Cellule d’analyse" in texts[fmt], fmt
    assert "Page 1 sur 1" in texts["pdf"]
    footer = docx.Document(str(built["docx"])).sections[0].footer.paragraphs[-1].text
    assert footer.startswith("Page ") and " sur " in footer


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
        assert "Tableau 1 : Incidents par région" in text, fmt
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
    narrative = [c for (c,) in workbook["Briefing"].iter_rows(max_col=1) if isinstance(c.value, str)]  # column A
    arabic = [c for c in narrative if any("\u0600" <= ch <= "\u06ff" for ch in c.value)]
    assert arabic and all(c.alignment.readingOrder == 2 for c in arabic)  # read from the right
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
    three = next(c for c in chars if c["text"] == "3")
    gao = [c for c in chars if c["text"] in "غاو" and abs(c["matrix"][5] - three["matrix"][5]) < 1]  # one baseline
    assert gao and three["x1"] < min(c["x0"] for c in gao)
    # Bullets hang at the right of their items; the page number sits at the left.
    bullets = [c for c in chars if c["text"] == "\u2022"]
    assert bullets and all(b["x0"] > width / 2 for b in bullets)
    number = next(w for w in words if w["text"] == "1" and w["top"] > page.height - 60)
    assert number["x1"] < width / 2
    assert PdfReader(str(path)).trailer["/Root"]["/Lang"] == "ar"


def _written(text: str) -> str:
    """Text without its spaces and bidi marks: the order of every letter, digit and sign, whatever
    spacing a text tool puts between the runs it reads."""
    return "".join(c for c in text if not c.isspace() and c not in "\u202a\u202b\u202c\u202d\u202e")


_LAM_ALEF = re.compile("ل[اأإآ]")
"""A lam followed by an alef: drawn as one ligature glyph."""


QUOTES = {
    "arabic": "قال الحاكم: مرحبا بكم في تمبكتو، في 3 مارس 2026.",
    "hebrew": "Hebrew: שלום עולם.",
    "nko": "N'Ko: ߒߞߏ ߞߊ߲ ߛߓߍߟߌ.",
    "mixed": "The governor said: مرحبا بكم في تمبكتو (welcome to Timbuktu) on 3 March.",
    "numbers": "Numbers in Arabic: عام 2026 كان صعبا.",
    "wrapped": " ".join(["قال الحاكم إن الوضع الأمني في تمبكتو وغاو وموبتي يتحسن ببطء منذ بداية العام"] * 3),
}


@pytest.fixture(scope="module")
def quotes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("quotes")
    paths = {}
    for name, text in QUOTES.items():
        doc = Briefing("Q", (Section(parse_inline("H"), (Paragraph(parse_inline(text)),)),))
        paths[name] = folder / f"{name}.pdf"
        assert PdfWriter().write(doc, paths[name]) == []
    return paths


@pytest.mark.parametrize("name", list(QUOTES))
def test_the_pdf_text_reads_back_as_written_right_to_left_runs_included(quotes, name):
    """pypdf reads each paragraph back in the order it was written: every word, number and sign. It
    turns a right-to-left run round by its glyphs, not its letters, so the two letters of a lam-alef,
    drawn as one glyph, come out turned round (poppler and PDFium, which turn letters, read them as
    written: tests/test_tagged_pdf.py)."""
    page = PdfReader(str(quotes[name])).pages[0].extract_text()
    body = page.split("\nH\n", 1)[1].rsplit("Page 1 of 1", 1)[0]
    assert _written(body) == _written(_LAM_ALEF.sub(lambda pair: pair[0][::-1], QUOTES[name]))


def test_a_wrapped_right_to_left_paragraph_reads_from_its_first_line_down(quotes):
    lines = [line for line in PdfReader(str(quotes["wrapped"])).pages[0].extract_text().split("\n") if line.strip()]
    assert len(lines) >= 3 + 2  # title, heading, and at least three lines of the paragraph
    with pdfplumber.open(quotes["wrapped"]) as pdf:
        baselines = sorted({round(c["matrix"][5]) for c in pdf.pages[0].chars if "\u0600" <= c["text"] <= "\u06ff"})
    assert len(baselines) >= 3, "the paragraph wraps over three lines"
    # poppler reads a right-to-left paragraph word by word in order too, a lam-alef's letters as written.
    require_tool("pdftotext")
    found = subprocess.run(["pdftotext", str(quotes["wrapped"]), "-"], capture_output=True, text=True, check=True)
    marks = str.maketrans("", "", "\u202a\u202b\u202c\u202d\u202e")
    words = found.stdout.translate(marks).split()
    words = words[words.index("H") + 1 : words.index("Page")]
    expected = QUOTES["wrapped"].split()
    assert len(words) == len(expected)
    for written, read in zip(expected, words, strict=True):
        assert read == written


def _words(text: str) -> list[str]:
    """The words and numbers of a text, without its signs and spaces: runs of letters of one direction,
    or of digits (a text tool may drop the space between words of two directions)."""
    runs = re.findall(r"[^\W\d_]+|\d+", text)
    return ["".join(g) for run in runs for _, g in groupby(run, lambda c: unicodedata.bidirectional(c) in ("R", "AL"))]


@pytest.mark.parametrize("name", ["arabic", "hebrew", "mixed"])
def test_pdftotext_reads_the_words_of_each_paragraph_in_the_order_written(quotes, name):
    """poppler reads back every word and number, in order, its letters as written. It places the
    signs of a mixed line by its own rules, so they are left out; it reads a number inside Arabic
    after the words that follow it, and N'Ko as left to right, so those paragraphs are not compared."""
    require_tool("pdftotext")
    found = subprocess.run(["pdftotext", str(quotes[name]), "-"], capture_output=True, text=True, check=True)
    text = found.stdout.translate(str.maketrans("", "", "\u202a\u202b\u202c\u202d\u202e"))
    body = text.split("\nH\n", 1)[1].rsplit("Page 1 of 1", 1)[0]
    assert _words(body) == _words(QUOTES[name])


def test_arabic_is_drawn_in_its_joining_forms_and_lam_alef_ligates(tmp_path, monkeypatch):
    """The glyphs drawn for Arabic are its shaped forms (initial, medial, final, lam-alef), which the text
    layer maps back to the letters: the PDF shows joined script and reads as written."""
    from briefing.writers.pdf import fonts

    drawn: list[int] = []
    cmap = fonts._to_unicode_cmap

    def spy(fontname, subset):
        drawn.extend(subset)
        return cmap(fontname, subset)

    monkeypatch.setattr(fonts, "_to_unicode_cmap", spy)
    doc = Briefing("Q", (Section(parse_inline("H"), (Paragraph(parse_inline("مرحبا لا")),)),))
    PdfWriter().write(doc, tmp_path / "j.pdf")
    shaped = {c for c in drawn if 0xFE70 <= c <= 0xFEFF}
    assert {0xFEE3, 0xFEA3, 0xFE92, 0xFEFB} <= shaped  # meem, hah initial; beh medial; lam-alef
    assert not {0x0645, 0x062D, 0x0628} & set(drawn)  # the isolated letters are not what is drawn
    # Each shape reads back as its letter: a lam-alef glyph as lam and alef.
    assert set(_written(PdfReader(str(tmp_path / "j.pdf")).pages[0].extract_text())) >= set("مرحبال")


_WORDS = st.sampled_from(
    ["Gao", "Mopti", "briefing", "2026", "375", "مرحبا", "تمبكتو", "الحاكم", "في", "שלום", "עולם", "Kidal"]
    + ["3.5%", "-12", "«Gao»", "«مرحبا»"]
)


@settings(max_examples=int(os.environ.get("BRIEFING_FUZZ_EXAMPLES", "25")), deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=30), st.booleans())
def test_random_mixed_direction_paragraphs_read_back_in_the_order_written(words, rtl):
    """Words of both directions and numbers, in any order and either base direction, wrapped or not."""
    text = " ".join(words)
    doc = Briefing(
        "Q", (Section(parse_inline("H"), (Paragraph(parse_inline(text)),)),), direction="rtl" if rtl else "ltr"
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "m.pdf"
        PdfWriter().write(doc, path)
        page = PdfReader(str(path)).pages[0].extract_text()
    body = page.split("\n", 2)[2].rsplit("Page", 1)[0]
    assert _written(body) == _written(text)


def test_a_right_to_left_cell_starts_at_the_right_of_its_cell_in_an_english_table(tmp_path):
    table = Table(("Town", "Name in Arabic"), (("Timbuktu", "تمبكتو"), ("Gao", "غاو")), "Towns")
    doc = Briefing("Towns", (Section(parse_inline("Names"), (table,)),), style=merge(read_style_file("plain")))
    path = tmp_path / "towns.pdf"
    PdfWriter().write(doc, path)
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        chars = page.chars
        rects = page.rects
    arabic = [c for c in chars if "\u0600" <= c["text"] <= "\u06ff"]
    right_edge = max(r["x1"] for r in rects)
    # Each Arabic value ends near the table's right edge (its cell's padding away), not at the column's left.
    for baseline in {round(c["matrix"][5]) for c in arabic}:
        line = [c for c in arabic if round(c["matrix"][5]) == baseline]
        assert right_edge - max(c["x1"] for c in line) < 10


def test_the_line_under_the_title_is_written_in_the_briefings_language(tmp_path):
    from briefing.layout.text import meta_line

    french = dataclasses.replace(
        _french(),
        source="Bureau Afrique",
        date=dt.date(2026, 11, 24),
        author="Équipe d'analyse",
        labels=dataclasses.replace(_french().labels, by="Par"),
    )
    line = "Bureau Afrique · 24 novembre 2026 · Par Équipe d'analyse"
    assert meta_line(french) == line
    for writer in (DocxWriter(), PdfWriter(), HtmlWriter()):
        path = tmp_path / f"meta{writer.extension}"
        writer.write(french, path)
        text = {".docx": docx_text, ".pdf": pdf_text, ".html": html_text}[writer.extension](path)
        assert line in squash(text), writer.name
    arabic = dataclasses.replace(
        _arabic(),
        date=dt.date(2026, 11, 24),
        author="فريق التحليل",
        labels=dataclasses.replace(_arabic().labels, by="بقلم"),
    )
    assert meta_line(arabic) == "24 نوفمبر 2026 · بقلم فريق التحليل"
    unknown = dataclasses.replace(_french(), language="xx", date=dt.date(2026, 11, 24))
    assert meta_line(unknown) == "24 November 2026"  # no calendar for the language: as English writes it


def test_a_totals_row_is_labelled_in_the_briefings_words_wherever_the_labels_are_written():
    table = (
        "      - table:\n          columns: [Région, Incidents]\n          rows: [[Gao, 3], [Mopti, 5]]\n"
        "          totals: {Incidents: sum}\n"
    )
    spec = "title: T\nsections:\n  - heading: H\n    content:\n" + table + "labels: {total: Total général}\n"
    doc = loads(spec)
    assert doc.sections[0].content[0].totals.values == ("Total général", 8)
    assert loads(spec.replace("labels: {total: Total général}\n", "")).sections[0].content[0].totals.values[0] == (
        "Total"
    )
