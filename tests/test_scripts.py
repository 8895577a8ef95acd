"""Scripts beyond the body font's in every part of a pack: the marking, links, charts, and each
format's fonts for Arabic, Hebrew, N'Ko and Tifinagh."""

from __future__ import annotations

import base64
import io
import re
import subprocess
import zipfile

import lxml.html
import pdfplumber
import pytest
from docx.oxml.ns import qn
from fontTools.ttLib import TTFont
from lxml import etree
from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from pypdf import PdfReader

from briefing.model import Briefing, Chart, Paragraph, Section, Series, Table
from briefing.reading.inline import parse_inline
from briefing.reading.style_files import merge, read_style_file
from briefing.style import SCRIPT_FONTS
from briefing.writers.docx.writer import DocxWriter
from briefing.writers.html.writer import HtmlWriter
from briefing.writers.pdf.bidi import levels
from briefing.writers.pdf.writer import PdfWriter
from briefing.writers.xlsx.writer import XlsxWriter

from .conftest import require_tool, run_soffice

MARKING = "سري للغاية"


def _doc(*blocks, **fields) -> Briefing:
    return Briefing("Q", (Section(parse_inline("H"), tuple(blocks)),), style=merge(read_style_file("plain")), **fields)


def test_brackets_take_the_direction_of_what_they_enclose():
    # Rule N0: the brackets around "fabrikam عربي" hold Arabic, the paragraph's own direction, so they
    # and the space before them are right to left; without the rule they would join "smith" at level 2.
    text = "smith (fabrikam عربي) עברית"
    assert levels(text, rtl=True)[:8] == [2, 2, 2, 2, 2, 1, 1, 2]


def test_isolated_text_keeps_its_own_direction_inside_the_paragraph():
    # A right-to-left isolate (RLI … PDI) inside English: its Arabic at 1, the English after it at 0.
    text = "a \u2067ب c\u2069 d"
    found = levels(text, rtl=False)
    assert found[text.index("ب")] == 1 and found[text.index("c")] == 2 and found[-1] == 0


def test_a_classification_marking_in_arabic_is_shaped_and_read_from_the_right(tmp_path):
    path = tmp_path / "m.pdf"
    PdfWriter().write(_doc(Paragraph(parse_inline("Body.")), classification=MARKING), path)
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        top = [c for c in page.chars if c["top"] < 60 and "\u0600" <= c["text"] <= "\u06ff"]
    assert top, "the marking is drawn at the top of the page"
    assert all("NotoSansArabic-Bold" in c["fontname"] for c in top)
    # Read from the right: the first letter written is the rightmost drawn.
    first = next(c for c in top if c["text"] == "س")
    assert first["x1"] == max(c["x1"] for c in top)
    centre = (min(c["x0"] for c in top) + max(c["x1"] for c in top)) / 2
    assert abs(centre - page.width / 2) < 2
    text = PdfReader(str(path)).pages[0].extract_text()
    assert text.count(MARKING) == 2  # top and bottom, in the order written


def test_a_link_in_a_right_to_left_paragraph_is_drawn_as_a_link_and_can_be_followed(tmp_path):
    text = "انظر [تقرير الأمم المتحدة](https://example.org/report) عن مالي."
    path = tmp_path / "l.pdf"
    PdfWriter().write(_doc(Paragraph(parse_inline(text))), path)
    page = PdfReader(str(path)).pages[0]
    links = [a.get_object() for a in page.get("/Annots", [])]
    links = [a for a in links if a.get("/Subtype") == "/Link"]
    assert [a["/A"]["/URI"] for a in links] == ["https://example.org/report"]
    x0, y0, x1, y1 = (float(v) for v in links[0]["/Rect"])
    with pdfplumber.open(path) as pdf:
        plumbed = pdf.pages[0]
        linked = [c for c in plumbed.chars if c["non_stroking_color"] and len(c["non_stroking_color"]) == 3]
    blue = [c for c in linked if abs(c["non_stroking_color"][2] - 0xC1 / 255) < 0.01]
    assert blue, "the link's words are drawn in the link colour"
    # The clickable box covers the link's words, and no others.
    assert all(x0 - 0.5 <= c["x0"] and c["x1"] <= x1 + 0.5 for c in blue)
    assert all(y0 < c["matrix"][5] < y1 for c in blue)  # each letter's baseline is inside the box
    assert set("".join(c["text"] for c in blue)) == set("تقرير الأمم المتحدة")
    line = blue[0]["matrix"][5]
    others = [c for c in linked if c not in blue and c["text"].strip() and c["matrix"][5] == line]
    assert others and not any(x0 < (c["x0"] + c["x1"]) / 2 < x1 for c in others)


# -- each script in its font, in every format ------------------------------------------

MIXED = "Said: مرحبا بكم, in Tifinagh ⵜⵉⴼⵉⵏⴰⵖ and in N'Ko ߒߞߏ."
"""English with Arabic, Tifinagh and N'Ko: four fonts in one paragraph."""

SCRIPT_FONT = {"مرحبا بكم": "Noto Sans Arabic", "ⵜⵉⴼⵉⵏⴰⵖ": "Noto Sans Tifinagh", "ߒߞߏ": "Noto Sans NKo"}


def _scripts_doc() -> Briefing:
    table = Table(("المنطقة", "Town"), (("تمبكتو", "Timbuktu"), ("Gao (غاو)", "Gao")), "Towns")
    return _doc(Paragraph(parse_inline(MIXED)), table)


def test_word_sets_each_script_in_its_font_run_by_run(tmp_path):
    path = tmp_path / "s.docx"
    DocxWriter().write(_scripts_doc(), path)
    body = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    runs = {"".join(r.itertext()): r.find(qn("w:rPr")) for r in body.iter(qn("w:r"))}

    def fonts(text):
        found = runs[text].find(qn("w:rFonts")) if runs[text] is not None else None
        return None if found is None else {a: found.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "cs")}

    for text, family in SCRIPT_FONT.items():
        assert fonts(text) == dict.fromkeys(("ascii", "hAnsi", "cs"), family), text
    assert fonts("Said: ") is None  # the body's text keeps the style's font
    assert runs["مرحبا بكم"].find(qn("w:rtl")) is not None and runs["ⵜⵉⴼⵉⵏⴰⵖ"].find(qn("w:rtl")) is None
    # Table cells are one run each: a cell of Arabic alone in its font, a mixed one with it as its complex-script font.
    assert fonts("المنطقة") == fonts("تمبكتو") == dict.fromkeys(("ascii", "hAnsi", "cs"), "Noto Sans Arabic")
    assert fonts("Gao (غاو)") == {"ascii": None, "hAnsi": None, "cs": "Noto Sans Arabic"}
    assert fonts("Timbuktu") is None
    # Right-to-left text takes Word's complex-script size (and weight), and starts at the right of its cell.
    cell = runs["تمبكتو"]
    assert cell.find(qn("w:szCs")).get(qn("w:val")) == cell.find(qn("w:sz")).get(qn("w:val"))
    assert runs["المنطقة"].find(qn("w:bCs")) is not None  # the header's bold
    aligned = {"".join(p.itertext()): p.find(f"{qn('w:pPr')}/{qn('w:jc')}") for p in body.iter(qn("w:p"))}
    assert aligned["تمبكتو"].get(qn("w:val")) == "right" and aligned["Timbuktu"] is None


def test_bold_and_italic_right_to_left_words_are_bold_and_italic_in_word(tmp_path):
    path = tmp_path / "b.docx"
    DocxWriter().write(_doc(Paragraph(parse_inline("قال **الفيلق الأفريقي** و*غاو*"))), path)
    body = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    props = {"".join(r.itertext()): r.find(qn("w:rPr")) for r in body.iter(qn("w:r"))}
    assert props["الفيلق الأفريقي"].find(qn("w:bCs")) is not None  # Word bolds right-to-left text by bCs
    assert props["غاو"].find(qn("w:iCs")) is not None
    assert props["قال"].find(qn("w:bCs")) is None


def test_libreoffice_prints_each_script_of_the_word_file_in_its_bundled_font(tmp_path, monkeypatch):
    """The fonts the Word file names are the ones a reader's application uses: LibreOffice, on a
    machine with the bundled fonts installed (made known to it through fontconfig)."""
    require_tool("pdffonts")
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<dir>{SCRIPT_FONTS[0].family.regular.parent}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>"
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))
    DocxWriter().write(_scripts_doc(), tmp_path / "s.docx")
    run_soffice(tmp_path / "s.docx", tmp_path)
    listed = subprocess.run(["pdffonts", str(tmp_path / "s.pdf")], capture_output=True, text=True, check=True).stdout
    for family in ("NotoSansArabic", "NotoSansTifinagh", "NotoSansNKo"):
        assert family in listed, listed


def test_excel_names_each_scripts_font_in_rich_text_and_leaves_other_cells_plain(tmp_path):
    path = tmp_path / "s.xlsx"
    XlsxWriter().write(_scripts_doc(), path)
    workbook = load_workbook(path, rich_text=True)
    cells = [c for (c,) in workbook["Briefing"].iter_rows(max_col=1)]
    cell = next(c for c in cells if isinstance(c.value, CellRichText) and "مرحبا" in str(c.value))
    mixed = cell.value
    assert workbook["Briefing"].row_dimensions[cell.row].height > 20  # room for Arabic's taller lines
    assert str(mixed) == MIXED
    by_text = {block.text: block.font.rFont for block in mixed if isinstance(block, TextBlock)}
    for text, family in SCRIPT_FONT.items():
        assert by_text[text] == family
    assert by_text["Said: "] == "Calibri"
    sheet = next(s for s in workbook.worksheets if s.title not in ("Briefing", "Contents"))
    header, first, second = (list(row) for row in sheet.iter_rows(min_row=2, max_row=4))  # under the caption
    assert (header[0].value, header[0].font.name) == ("المنطقة", "Noto Sans Arabic")  # plain: a table's header
    assert (first[0].value, first[0].font.name) == ("تمبكتو", "Noto Sans Arabic")  # one script: plain, in its font
    assert [b.font.rFont for b in second[0].value] == ["Calibri", "Noto Sans Arabic", "Calibri"]
    assert first[1].value == "Timbuktu"  # plain text stays a plain string
    # Right-to-left text starts at the right of its cell; its row is as tall as its script's font sets lines.
    assert header[0].alignment.horizontal == first[0].alignment.horizontal == second[0].alignment.horizontal == "right"
    assert first[1].alignment.horizontal is None
    assert sheet.sheet_format.customHeight and sheet.sheet_format.defaultRowHeight > 20  # every row of the sheet


def test_a_plain_table_is_written_without_a_look_at_its_values_scripts(tmp_path, monkeypatch):

    from briefing.writers.xlsx import tables

    seen = []
    looked = tables.sole_script
    monkeypatch.setattr("briefing.writers.xlsx.tables.sole_script", lambda value: seen.append(value) or looked(value))
    XlsxWriter().write(_doc(Table(("Town",), (("Gao",), ("Mopti",)), "T")), tmp_path / "p.xlsx")
    assert seen == []  # the layout found no script: the cells go as they are
    XlsxWriter().write(_doc(Table(("Town",), (("Gao",), ("غاو",)), "T")), tmp_path / "a.xlsx")
    assert seen == ["غاو"]  # a column with a script: each of its texts beyond ASCII is looked at


def test_the_layout_measures_a_script_in_its_font_and_names_the_scripts_of_each_column():
    from reportlab.pdfbase.ttfonts import TTFont

    from briefing.layout.geometry import geometry
    from briefing.layout.measure import width

    noto = TTFont("noto-arabic-measure", str(SCRIPT_FONTS[0].family.regular))
    assert width("تمبكتو", 10) == pytest.approx(noto.stringWidth("تمبكتو", 10))
    laid = geometry(_scripts_doc().sections[0].content[1], merge(read_style_file("plain")))
    assert [c.scripts for c in laid.columns] == [("Arab",), ()]


def test_the_html_page_carries_the_glyphs_of_the_scripts_it_shows_and_names_their_fonts_first(tmp_path):
    path = tmp_path / "s.html"
    HtmlWriter().write(_scripts_doc(), path)
    page = path.read_text(encoding="utf-8")
    faces = re.findall(r"@font-face \{([^}]*)\}", page)
    families = [re.search(r'font-family: "([^"]+)"', face).group(1) for face in faces]
    assert sorted(set(families)) == ["Noto Sans Arabic", "Noto Sans NKo", "Noto Sans Tifinagh"]
    body = re.search(r"body \{ font-family: ([^;]+);", page).group(1)
    assert body.startswith('"Noto Sans Arabic", "Noto Sans NKo", "Noto Sans Tifinagh", "DejaVu Sans"')
    shown = set(lxml.html.fromstring(page).text_content())
    for face in faces:
        family = re.search(r'font-family: "([^"]+)"', face).group(1)
        script = next(s for s in SCRIPT_FONTS if s.family.name == family)
        assert f"U+{script.ranges[0][0]:04X}" in face  # used for its script's letters only
        data = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", face).group(1))
        cmap = TTFont(io.BytesIO(data)).getBestCmap()
        letters = {c for c in shown if script.holds(ord(c))}
        assert letters and all(ord(c) in cmap for c in letters)
        assert len(data) < script.family.regular.stat().st_size / 3  # the page's letters, not the whole font
    cells = {c.text_content(): c.get("class") for c in lxml.html.fromstring(page).iter("td", "th")}
    assert cells["تمبكتو"] == cells["المنطقة"] == "rtl" and cells["Timbuktu"] is None  # starts at the right
    plain = tmp_path / "p.html"
    HtmlWriter().write(_doc(Paragraph(parse_inline("English only."))), plain)
    assert "@font-face" not in plain.read_text(encoding="utf-8")


def test_a_mail_names_the_script_fonts_without_carrying_them():
    from briefing.writers.html.writer import mail_body

    html = mail_body(_scripts_doc(), None, (), full=True).html
    assert 'local("Noto Sans Arabic")' in html and "base64" not in html


def test_a_browser_sets_the_page_in_the_fonts_it_carries(tmp_path):
    """The page's own faces load in Chromium: with the reader's copies taken away (the rules
    renamed, their local() sources removed), the text is still set in them."""
    from playwright.sync_api import sync_playwright

    from .test_serve import CHROMIUM_FLAGS

    chromium = require_tool("chromium")
    path = tmp_path / "s.html"
    HtmlWriter().write(_scripts_doc(), path)
    page = path.read_text(encoding="utf-8")
    page = re.sub(r'local\("[^"]+"\), ', "", page).replace('"Noto Sans', '"Carried')
    path.write_text(page, encoding="utf-8")
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        tab = browser.new_page()
        tab.goto(path.as_uri())
        tab.evaluate("document.fonts.ready")
        faces = tab.evaluate("[...document.fonts].map(f => [f.family, f.weight, f.status])")
        browser.close()
    loaded = {(family, weight) for family, weight, status in faces if status == "loaded"}
    assert {("Carried Arabic", "400"), ("Carried NKo", "400"), ("Carried Tifinagh", "400")} <= loaded
    assert not [face for face in faces if face[2] == "error"]


# -- charts ---------------------------------------------------------------------------

TOWNS = ("تمبكتو", "غاو", "Mopti موبتي", "ߒߞߏ")


def _chart_doc(kind: str = "horizontal_bar") -> Briefing:
    series = (Series("الحوادث", (14.0, 9.0, 6.0, 4.0)), Series("الضحايا", (37.0, 21.0, 11.0, 8.0)))
    return _doc(Chart(kind, "Incidents", TOWNS, series, y_title="العدد"))


def test_chart_labels_in_other_scripts_are_shaped_in_their_fonts_and_read_back_as_written(tmp_path):
    path = tmp_path / "c.pdf"
    PdfWriter().write(_chart_doc(), path)
    text = PdfReader(str(path)).pages[0].extract_text()
    for label in ("تمبكتو", "غاو", "موبتي", "الحوادث", "الضحايا", "العدد"):
        assert label in text, label
    with pdfplumber.open(path) as pdf:
        chars = pdf.pages[0].chars
    arabic = [c for c in chars if "\u0600" <= c["text"][0] <= "\u06ff"]
    nko = [c for c in chars if "\u07c0" <= c["text"][0] <= "\u07ff"]
    assert arabic and all("NotoSansArabic" in c["fontname"] for c in arabic)
    assert nko and all("NotoSansNKo" in c["fontname"] for c in nko)
    # The category labels end at one line, beside the axis: each measured in the fonts it is drawn in.
    ends = {}
    for c in chars:
        upright_label = c["matrix"][1] == 0 and round(c["size"]) == 8
        if upright_label and c["x0"] < 200 and c["text"].strip() and not c["text"].isdigit():
            ends[round(c["matrix"][5])] = max(ends.get(round(c["matrix"][5]), 0), c["x1"])
    labels = [end for end in ends.values() if end < 150]
    assert len(labels) == 4 and max(labels) - min(labels) < 1


def test_the_pages_chart_leaves_its_labels_as_written_for_the_browser_and_places_them_alike(tmp_path):
    from playwright.sync_api import sync_playwright

    from .test_serve import CHROMIUM_FLAGS

    chromium = require_tool("chromium")
    path = tmp_path / "c.html"
    HtmlWriter().write(_chart_doc(), path)
    svg = lxml.html.fromstring(path.read_bytes()).find(".//svg")
    texts = [(t.text or "").strip("\u2067\u2069") for t in svg.iter("text")]  # right-to-left ones isolated
    assert all(label in texts for label in TOWNS)  # in the order written: the browser lays them out
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        tab = browser.new_page()
        tab.goto(path.as_uri())
        tab.evaluate("document.fonts.ready")
        rights = tab.evaluate(
            "labels => [...document.querySelectorAll('svg text')]"
            ".filter(t => labels.includes(t.textContent.replace(/[\\u2067\\u2069]/g, '')))"
            ".map(t => t.getBoundingClientRect().right)",
            list(TOWNS),
        )
        browser.close()
    assert len(rights) == 4 and max(rights) - min(rights) < 1.5  # each ends beside the axis


def test_each_scripts_font_is_embedded_in_the_pdf_and_no_letter_falls_back_to_a_box(tmp_path):
    require_tool("pdffonts")
    path = tmp_path / "s.pdf"
    PdfWriter().write(_doc(*_scripts_doc().sections[0].content, Paragraph(parse_inline("Hebrew: שלום"))), path)
    listed = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = listed.splitlines()[2:]
    assert all(row.split()[-5] == "yes" for row in rows), listed  # the "emb" column
    for family in ("NotoSansArabic", "NotoSansHebrew", "NotoSansNKo", "NotoSansTifinagh"):
        assert family in listed
    with pdfplumber.open(path) as pdf:
        # Every character of these scripts is drawn in the font of its script, which has its glyph.
        for char in pdf.pages[0].chars:
            script = next((s for s in SCRIPT_FONTS if s.holds(ord(char["text"][0]))), None)
            if script is not None:
                assert script.family.name.replace(" ", "") in char["fontname"], char


@pytest.mark.parametrize(
    ("text", "rtl"), [("مرحبا (غاو)", False), ("(BBC) (غاو)", True), ("قال (BBC) اليوم [غاو]", True)]
)
def test_brackets_set_right_to_left_are_turned_and_read_as_written(tmp_path, text, rtl):
    path = tmp_path / "b.pdf"
    PdfWriter().write(_doc(Paragraph(parse_inline(text)), direction="rtl" if rtl else "ltr"), path)
    read = PdfReader(str(path)).pages[0].extract_text()
    body = read.split("H", 1)[1].rsplit("Page", 1)[0]
    assert "".join(body.split()) == "".join(text.split())
    with pdfplumber.open(path) as pdf:
        chars = pdf.pages[0].chars
        baseline = next(c["matrix"][5] for c in chars if "\u0600" <= c["text"][0] <= "\u06ff")
        line = [c for c in chars if c["matrix"][5] == baseline and c["text"].strip()]
    # The closing bracket of right-to-left text comes first from the left.
    assert min(line, key=lambda c: c["x0"])["text"] in ")]"


def test_a_turned_bracket_draws_its_mirror_image_and_reads_as_the_bracket():
    """The one reach into reportlab's font faces: a private character added to a face's glyph and width maps."""
    from reportlab.pdfbase import pdfmetrics

    from briefing.writers.pdf import fonts

    font = fonts.register(None)
    face = pdfmetrics.getFont(font).face
    turned = fonts.mirrored(font, "(")
    assert face.charToGlyph[ord(turned)] == face.charToGlyph[ord(")")]
    assert face.charWidths[ord(turned)] == face.charWidths[ord(")")]
    assert fonts._written(face.name.decode("latin-1"), ord(turned)) == "("
    assert fonts.mirrored(font, "a") == "a"


def test_the_html_page_names_the_styles_own_families():
    import dataclasses

    from briefing.style import BUNDLED_FONTS
    from briefing.writers.html.writer import page

    style = dataclasses.replace(merge(read_style_file("plain")), body_font=BUNDLED_FONTS["DejaVu Serif"])
    html = page(dataclasses.replace(_doc(Paragraph(parse_inline("English."))), style=style))
    assert re.search(r'body \{ font-family: "DejaVu Serif", "DejaVu Sans"', html)
    assert re.search(r'h1, h2, h3, h4, h5, h6 \{ font-family: "DejaVu Serif"', html)
