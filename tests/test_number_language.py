"""Numbers and dates in the briefing's language: a French briefing's tables, totals and charts read
"1 735", "0,118" and "1 déc. 2026" in every format, and its workbook keeps numbers and dates as such,
with number formats showing the same decimals, percent signs and currency symbols."""

from __future__ import annotations

import datetime as dt
import email
import subprocess
import textwrap
import zipfile
from dataclasses import replace
from email import policy
from pathlib import Path

import lxml.html
import pytest
from openpyxl import load_workbook

from briefing import SpecError, load, loads
from briefing.cli import main
from briefing.layout import lay_out
from briefing.layout.charts import chart_scale
from briefing.layout.geometry import geometry
from briefing.layout.measure import width
from briefing.layout.text import display, formatted
from briefing.model import Chart, NumberFormat, Series, Table, tables
from briefing.number_formats import excel_format, number_locale
from briefing.style import Style

from .conftest import docx_text, html_text, pdf_text, require_tool

NNBSP = "\u202f"
"""The narrow no-break space Babel's French groups thousands with."""
NBSP = "\u00a0"

SPEC = """\
title: Point de situation Niger
date: 2026-12-01
language: fr-NE
labels: {table: Tableau, total: Total, of: sur}
sections:
  - heading: Situation
    content:
      - paragraph: "Les chiffres ci-dessous :"
      - table:
          title: Indicateurs
          columns:
            - Région
            - Incidents
            - {from: Taux, format: decimal, decimals: 3}
            - {from: Part, format: percent, decimals: 1}
            - {from: Budget, format: currency, currency: XOF}
            - {from: Dons, format: currency, currency: USD, decimals: 0, locale: en-GB}
            - {from: Date, format: date}
            - Relevé
          rows:
            - [Tillabéri, 1735, 0.118, 0.1185, 1250000, 1500, 2026-12-01, 2026-11-15]
            - [Diffa, 420, 0.25, 0.02, 300000, 2500, 2026-11-03, 2026-10-02]
          totals: {Incidents: sum, Budget: sum, Dons: sum}
      - chart:
          type: line
          title: Incidents par mois
          columns: [Mois, {from: Incidents, format: integer}]
          x: Mois
          y: Incidents
          rows:
            - [2026-01-01, 1735]
            - [2026-02-01, 2210]
            - [2026-03-01, 3120]
{distribution}"""

WANTED = (
    f"1{NNBSP}735",  # an integer, grouped
    "0,118",  # a decimal
    f"11,9{NBSP}%",  # a percentage, 0.1185 at one decimal, rounded half up as Excel does
    f"1{NNBSP}250{NNBSP}000{NBSP}F{NNBSP}CFA",  # an amount in CFA francs, the symbol after
    "1 déc. 2026",  # a formatted date
    "15 nov. 2026",  # a date without a format
    f"2{NNBSP}155",  # the totals row's sum
    "US$1,500",  # a column in its own locale, en-GB
)


def _build(tmp_path: Path, distribution: str = "") -> Path:
    spec = tmp_path / "fr.yaml"
    spec.write_text(SPEC.replace("{distribution}", distribution), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(spec), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("fr"))


def test_the_layout_words_cells_totals_and_ticks_in_the_briefing_language(tmp_path):
    spec = tmp_path / "fr.yaml"
    spec.write_text(SPEC.replace("{distribution}", ""), encoding="utf-8")
    laid = lay_out(load(spec))
    (table, _), (chart, place) = [(n, p) for n, p in laid.flow if p.table is not None]
    geometry = next(p.table for n, p in laid.flow if n is table)
    assert geometry is not None and geometry.totals is not None
    rows = list(geometry.rows())
    assert rows[0][1:] == (
        f"1{NNBSP}735",
        "0,118",
        f"11,9{NBSP}%",
        f"1{NNBSP}250{NNBSP}000{NBSP}F{NNBSP}CFA",
        "US$1,500",
        "1 déc. 2026",
        "15 nov. 2026",
    )
    assert geometry.totals[1] == f"2{NNBSP}155"
    # The totals row is set bold: its column is as wide as its bold text, which then keeps to one line.
    budget = geometry.columns[4]
    assert budget.min_content >= width(geometry.totals[4], geometry.size, Style().body_font, bold=True)
    assert place.chart is not None and place.chart.values is not None
    assert place.chart.categories == ("1 janv. 2026", "1 févr. 2026", "1 mars 2026")
    assert place.chart.values.ticks[-1] == f"4{NNBSP}000"


@pytest.mark.parametrize("reader", ["docx", "pdf", "html"])
def test_every_document_shows_the_french_numbers_and_dates(pack, reader):
    wanted_texts = WANTED
    if reader == "pdf":
        text = pdf_text(pack / "fr.pdf")
        # The PDF's text layer gives a no-break space as a space, as readers copy it.
        wanted_texts = tuple(w.replace(NBSP, " ") for w in WANTED)
    elif reader == "docx":
        text = docx_text(pack / "fr.docx")
    else:
        text = html_text(pack / "fr.html")
    for wanted in wanted_texts:
        assert wanted in text, (reader, wanted)
    assert "1,735" not in text and "0.118" not in text and "2026-11-15" not in text


def test_the_chart_ticks_read_in_french_where_a_reader_can_read_them(pack):
    ticks = [f"4{NNBSP}000", "1 janv. 2026", "1 mars 2026"]
    svg = lxml.html.fromstring((pack / "fr.html").read_bytes()).find(".//svg")
    assert svg is not None
    svg_text = " ".join(t.text_content() for t in svg.iter("text"))
    printed = subprocess.run(
        [require_tool("pdftotext"), str(pack / "fr.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    for tick in ticks:
        # pdftotext gives Babel's narrow no-break space as a space; pypdf (above) keeps it.
        assert tick in svg_text and tick.replace(NNBSP, " ") in printed, tick
    # Word shows the chart as a picture drawn from the same scale; its alternative text reads its numbers.
    with zipfile.ZipFile(pack / "fr.docx") as package:
        assert f"1 janv. 2026 1{NNBSP}735" in package.read("word/document.xml").decode("utf-8")


def test_the_workbook_keeps_numbers_and_dates_with_formats_that_show_the_same(pack):
    book = load_workbook(pack / "fr.xlsx")
    assert book.properties.language == "fr-NE"
    sheet = book["Indicateurs"]
    header = next(r for r in sheet.iter_rows() if r[0].value == "Région")
    first = sheet[header[0].row + 1]
    formats = {cell.column_letter: (type(cell.value), cell.number_format) for cell in first}
    assert formats["B"] == (int, "#,##0")
    assert formats["C"] == (float, "#,##0.000")
    assert formats["D"] == (float, f'#,##0.0"{NBSP}"%')
    assert formats["E"] == (int, f'#,##0"{NBSP}F{NNBSP}CFA"')
    assert formats["F"] == (int, '"US$"#,##0')
    assert formats["G"] == (dt.datetime, "[$-40C]d mmm yyyy")
    assert formats["H"] == (dt.datetime, "[$-40C]d mmm yyyy")
    totals = sheet[header[0].row + 3]
    assert str(totals[1].value).startswith("=SUBTOTAL(") and totals[1].number_format == "#,##0"
    assert totals[4].number_format == f'#,##0"{NBSP}F{NNBSP}CFA"'


def test_the_mail_body_shows_the_french_numbers(tmp_path):
    out = _build(tmp_path, "distribution:\n  - {name: desk, to: [desk@example.org]}\n")
    assert main(["send", str(tmp_path / "fr.yaml"), "--dry-run", "--html", "--out", str(out)]) == 0
    message = email.message_from_bytes((out / "fr.desk.eml").read_bytes(), policy=policy.default)
    html = message.get_body(preferencelist=("html",)).get_content()
    shown = lxml.html.fromstring(html.encode()).text_content()
    for wanted in WANTED:
        assert wanted in shown, wanted


def test_english_stays_as_it_was():
    assert number_locale("en-GB") == number_locale("en") == "en"
    assert display(1735) == "1,735" and display(dt.date(2026, 12, 1)) == "2026-12-01"
    assert formatted(0.125, NumberFormat("percent", 1)) == "12.5%"
    assert formatted(-70, NumberFormat("currency", 0, "CHF")) == f"-CHF{NBSP}70"
    assert excel_format(NumberFormat("date")) == "d mmm yyyy"
    chart = Chart("pie", "P", ("a", "b"), (Series("s", (999.0, 0.1)),))
    assert chart_scale(chart).slices == ("100%", "<0.1%")
    assert chart_scale(chart, "fr_NE").slices == (f"100{NBSP}%", f"<0,1{NBSP}%")


def _read(columns: str, tmp_path: Path) -> list[str] | Table:
    text = f"""\
        title: T
        language: fr-NE
        sections:
          - heading: H
            content:
              - table:
                  columns: [{columns}]
                  rows: [[1735.5]]
        """
    try:
        doc = loads(textwrap.dedent(text), "spec.yaml", tmp_path)
    except SpecError as caught:
        return [str(p) for p in caught.problems]
    return tables(doc)[0]


def test_a_column_names_its_own_locale(tmp_path):
    table = _read("{from: a, format: decimal, locale: en-GB}", tmp_path)
    assert isinstance(table, Table) and table.locales == ("en_GB",)
    assert list(geometry(table, Style(), "fr_NE").rows()) == [("1,735.50",)]
    table = _read("{from: a, locale: en-GB}", tmp_path)  # without a format: every digit, in its marks
    assert isinstance(table, Table) and list(geometry(table, Style(), "fr_NE").rows()) == [("1,735.5",)]
    assert list(geometry(replace(table, locales=()), Style(), "fr_NE").rows()) == [(f"1{NNBSP}735,5",)]


@pytest.mark.parametrize(
    ("column", "message"),
    [
        (
            "{from: a, format: decimal, locale: fr-NEE}",
            "spec.yaml:7:56: 'fr-NEE' is not a locale numbers and dates can be written in (did you mean 'fr-NE'?)",
        ),
        (
            "{from: a, format: decimal, locale: english}",
            "spec.yaml:7:56: 'english' is not a locale numbers and dates can be written in (such as en-GB or fr-NE)",
        ),
    ],
)
def test_an_unknown_locale_is_an_error_at_its_place(tmp_path, column, message):
    assert _read(column, tmp_path) == [message]
