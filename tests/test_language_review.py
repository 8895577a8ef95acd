"""A right-to-left briefing reads its numbers and dates the same in every format: the line a reader sees,
taken from the page as drawn (the PDF; Word through LibreOffice; the HTML through Chromium), glyph by glyph
from the left."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from openpyxl import load_workbook

from briefing.cli import main

from .conftest import require_tool, run_soffice
from .test_serve import CHROMIUM_FLAGS

ARABIC = """\
title: موجز الساحل
date: 2026-12-01
language: ar
labels: {page: Page, of: of}  # English words in a right-to-left footer: the hard case for Word
sections:
  - heading: الأرقام
    content:
      - table:
          title: التمويل
          columns:
            - المانح
            - {from: سالب, format: decimal, decimals: 2}
            - {from: المبلغ, format: currency, currency: USD, decimals: 0}
          rows:
            - [الاتحاد الأوروبي, -1234.5, -500]
            - [البنك الدولي, 3.25, 700]
          totals: {سالب: sum}
      - chart:
          type: line
          title: الحوادث
          x: الأسبوع
          y: [الحوادث]
          columns: [الأسبوع, الحوادث]
          rows: [[2026-10-06, 12], [2026-10-13, 25], [2026-10-20, 40]]
"""


_MARKS = "\u200e\u200f\u2066\u2067\u2068\u2069"
"""Direction marks and isolates: invisible."""


def seen_lines(pdf: Path) -> list[str]:
    """Each line of a PDF's pages as a reader sees it: its glyphs from the left, invisible marks left out."""
    lines = []
    with pdfplumber.open(pdf) as opened:
        for page in opened.pages:
            for line in page.extract_text_lines(return_chars=True):
                chars = sorted(line["chars"], key=lambda c: c["x0"])
                lines.append("".join(c["text"] for c in chars if c["text"] not in _MARKS))
    return lines


@pytest.fixture(scope="module")
def pack(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("ar")
    spec = folder / "ar.yaml"
    spec.write_text(ARABIC, encoding="utf-8")
    assert main(["build", str(spec), "-o", str(folder / "out")]) == 0
    return folder / "out"


@pytest.fixture(scope="module")
def word_printed(pack: Path) -> Path:
    done = run_soffice(pack / "ar.docx", pack / "lo")
    assert done.returncode == 0, done.stderr
    return pack / "lo" / "ar.pdf"


@pytest.fixture(scope="module")
def html_printed(pack: Path) -> Path:
    from playwright.sync_api import sync_playwright

    chromium = require_tool("chromium")
    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        page = launched.new_page()
        page.goto((pack / "ar.html").as_uri())
        page.pdf(path=str(pack / "html.pdf"))
        launched.close()
    return pack / "html.pdf"


def _with(lines: list[str], needle: str) -> list[str]:
    return [line for line in lines if needle in line]


def test_negative_numbers_keep_their_sign_on_the_left_in_every_format(pack, word_printed, html_printed):
    for pdf in (pack / "ar.pdf", word_printed, html_printed):
        lines = seen_lines(pdf)
        assert any("-1,234.50" in line for line in lines), (pdf, _with(lines, "1,234"))
        assert any("-1,231.25" in line for line in lines), (pdf, _with(lines, "1,231"))
        assert not any("1,234.50-" in line or "1,231.25-" in line for line in lines), pdf
        assert not any("500-" in line.replace(" ", "") for line in lines), (pdf, _with(lines, "500"))


def test_the_workbook_keeps_negative_numbers_as_numbers(pack):
    book = load_workbook(pack / "ar.xlsx")
    values = [cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert -1234.5 in values and not any(isinstance(v, str) and "\u200e" in v for v in values)


def _digits(line: str) -> str:
    return "".join(c for c in line if c.isdigit())


def test_the_html_charts_date_ticks_read_as_the_pdfs(pack, html_printed):
    # The month's letters are drawn shaped (their presentation forms): the ticks are found by their digits.
    ticks = [_digits(line) for line in seen_lines(pack / "ar.pdf")]
    assert "20266202613202620" in ticks  # "6 أكتوبر 2026", drawn right to left: the year on the left
    shown = [_digits(line) for line in seen_lines(html_printed)]
    assert "20266202613202620" in shown, shown


def _built(tmp_path: Path, language: str, capsys) -> tuple[str, str]:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        f"title: T\ndate: 2026-12-01\nlanguage: {language}\nsections:\n  - heading: H\n    content:\n"
        "      - table:\n          title: X\n          columns: [A]\n          rows: [[1234567.5]]\n",
        encoding="utf-8",
    )
    assert main(["build", str(spec), "-o", str(tmp_path / "out"), "-f", "html"]) == 0
    return capsys.readouterr().err, (tmp_path / "out" / "spec.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("language", "warned", "date", "number"),
    [
        ("fr-XX", "3:11: warning: 'fr-XX' is not a region", "1 décembre 2026", "1\u202f234\u202f567,5"),
        ("zz", "3:11: warning: 'zz' is not a language", "1 December 2026", "1,234,567.5"),
        ("en-UK", "(did you mean 'en-GB'?)", "1 December 2026", "1,234,567.5"),
    ],
)  # fmt: skip
def test_a_language_babel_cannot_write_is_warned_of_and_dates_follow_numbers(
    tmp_path, capsys, language, warned, date, number
):
    err, html = _built(tmp_path, language, capsys)
    assert warned in err and len(err.strip().splitlines()) == 1, err
    assert f'class="meta">{date}<' in html and number in html


def test_a_known_language_is_not_warned_of(tmp_path, capsys):
    err, html = _built(tmp_path, "fr-NE", capsys)
    assert "warning" not in err and "1 déc" in html


def test_a_tag_written_with_an_underscore_gets_a_did_you_mean(tmp_path, capsys):
    spec = tmp_path / "spec.yaml"
    spec.write_text("title: T\nlanguage: fr_NE\nsections: []\n", encoding="utf-8")
    assert main(["build", str(spec), "-o", str(tmp_path / "out")]) == 2
    assert "2:11: 'fr_NE' is not a language tag (did you mean 'fr-NE'?)" in capsys.readouterr().err


UNFORMATTED = """\
title: T
language: fr
sections:
  - heading: H
    content:
      - table:
          title: X
          columns: [Lieu, Cas, Taux]
          rows:
            - [A, 1735, 2800.0]
            - [B, 123456, 3400.5]
            - [C, 42, 1234567.25]
          totals: {Cas: sum, Taux: mean}
"""


def test_the_workbook_shows_unformatted_numbers_grouped_with_the_documents_decimals(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(UNFORMATTED, encoding="utf-8")
    assert main(["build", str(spec), "-o", str(tmp_path / "out"), "-f", "xlsx,html"]) == 0
    html = (tmp_path / "out" / "spec.html").read_text(encoding="utf-8")
    sheet = next(s for s in load_workbook(tmp_path / "out" / "spec.xlsx").worksheets if s["B3"].value == 1735)
    shown = {}
    for row in sheet.iter_rows(min_row=3, max_row=6, min_col=2, max_col=3):
        for cell in row:
            shown[cell.coordinate] = cell.number_format
    assert set(shown.values()) == {"#,##0", "#,##0.0", "#,##0.00"}, shown  # not General, grouped
    assert shown["B6"] == "#,##0" and shown["C4"] == "#,##0.0" and shown["C5"] == "#,##0.00"
    # The documents show the same decimals: 3 400,5 and 1 234 567,25; the whole 2 800 none.
    assert "3\u202f400,5<" in html and "1\u202f234\u202f567,25<" in html and "2\u202f800<" in html
    assert shown["C3"] == "#,##0"
    mean = (2800.0 + 3400.5 + 1234567.25) / 3
    assert shown["C6"] == "#,##0." + "0" * len(repr(mean).split(".")[1])


def test_words_page_numbers_read_as_the_pdfs_in_a_right_to_left_briefing(pack, word_printed):
    printed = [line for line in seen_lines(pack / "ar.pdf") if "Page" in line]
    assert printed == ["Page1of1"]
    assert [line for line in seen_lines(word_printed) if "Page" in line] == printed


FRENCH_CSV = """\
title: T
language: fr-NE
sections:
  - heading: H
    content:
      - table:
          title: CSV
          source: d.csv
          delimiter: ";"
          columns: [Région, Incidents]
          totals: {Incidents: sum}
"""


def test_a_number_written_the_french_way_is_never_offered_as_missing(tmp_path, capsys):
    (tmp_path / "d.csv").write_text("Région;Incidents\nGao;1 234\nMopti;12\n", encoding="utf-8")
    spec = tmp_path / "spec.yaml"
    spec.write_text(FRENCH_CSV, encoding="utf-8")
    assert main(["build", str(spec), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "missing:" not in err
    assert "column 'Incidents' holds text" in err and "(it is written as French writes numbers" in err, err
    assert len(err.strip().splitlines()) == 1


def test_a_decimal_comma_is_named_as_such(tmp_path, capsys):
    (tmp_path / "d.csv").write_text("Région;Part\nGao;0,12\nMopti;1\n", encoding="utf-8")
    spec = tmp_path / "spec.yaml"
    spec.write_text(FRENCH_CSV.replace("Incidents", "Part"), encoding="utf-8")
    assert main(["build", str(spec), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "d.csv:2:2: '0,12' in column 'Part' is not " in err and "written as French writes numbers" in err, err
    assert "grouped in threes" not in err


def test_thousands_badly_grouped_in_english_are_still_named_so(tmp_path, capsys):
    (tmp_path / "d.csv").write_text('Région,Part\nGao,"12,34,5"\nMopti,1\n', encoding="utf-8")
    spec = tmp_path / "spec.yaml"
    spec.write_text(FRENCH_CSV.replace("Incidents", "Part").replace('          delimiter: ";"\n', ""), encoding="utf-8")
    assert main(["build", str(spec), "-o", str(tmp_path / "out")]) == 2
    assert "its thousands are not grouped in threes" in capsys.readouterr().err
