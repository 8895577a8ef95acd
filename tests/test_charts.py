"""Charts, formats and totals in every writer, from model objects: read back as a reader's tools see them."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree
from openpyxl import load_workbook
from PIL import Image as PILImage
from pypdf import PdfReader

from briefing import cli
from briefing.layout import colours
from briefing.model import Briefing, Chart, NumberFormat, Section, Series, Table, Totals
from briefing.reading.inline import parse_inline
from briefing.style import Style
from briefing.writers.docx.writer import DocxWriter
from briefing.writers.pdf.writer import PdfWriter
from briefing.writers.xlsx.writer import XlsxWriter

from .conftest import pdf_text, run_soffice, squash

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"

FUNDING = Table(
    ("Donor", "Pledged", "Share"),
    (("EU", 412_000_000, 0.732), ("United States", 389_000_000, 0.83), ("Japan", 28_400_000, 0.5985)),
    "Funding",
    (None, NumberFormat("currency", 0, "USD"), NumberFormat("percent", 1)),
    Totals((None, "sum", "mean"), ("Total", 829_400_000, (0.732 + 0.83 + 0.5985) / 3)),
)
BARS = Chart(
    "bar",
    "Incidents by country",
    ("Mali", "Niger", "Burkina Faso"),
    (Series("2023", (61.0, 34.0, 92.0)), Series("2024", (70.0, None, 101.0))),
    "Country",
    x_title="Country",
    y_title="Incidents",
    caption=parse_inline("Counts of *recorded* incidents."),
)
PIE = Chart("pie", "Funding by sector", ("Food", "Health", "Shelter"), (Series("USD", (391.0, 164.0, 61.0)),), "Sector")


def pack(*blocks) -> Briefing:
    return Briefing("Dashboard", (Section(parse_inline("Numbers"), tuple(blocks)),), classification="OFFICIAL")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("charts")
    doc = pack(BARS, FUNDING, PIE)
    paths = {}
    for writer in (DocxWriter(), PdfWriter(), XlsxWriter()):
        paths[writer.name] = folder / f"dashboard{writer.extension}"
        assert writer.write(doc, paths[writer.name]) == []
    return paths


def test_formats_and_totals_read_the_same_in_word_and_pdf(built):
    grid = docx.Document(str(built["docx"])).tables[0]
    rows = [[cell.text for cell in row.cells] for row in grid.rows]
    assert rows[1] == ["EU", "$412,000,000", "73.2%"]
    assert rows[-1] == ["Total", "$829,400,000", "72.0%"]
    assert all(run.bold for run in grid.rows[-1].cells[1].paragraphs[0].runs)
    text = squash(pdf_text(built["pdf"]))
    assert "EU $412,000,000 73.2%" in text
    assert "Total $829,400,000 72.0%" in text


def test_excel_cells_keep_numbers_with_number_formats_and_live_totals(built):
    sheet = load_workbook(built["xlsx"])["Funding"]
    assert [c.value for c in sheet[3]] == ["EU", 412_000_000, 0.732]  # under the caption and the header
    assert sheet["B3"].number_format == '"$"#,##0' and sheet["C3"].number_format == "#,##0.0%"
    assert [c.value for c in sheet[6]] == ["Total", "=SUBTOTAL(109,'Funding'!B3:B5)", "=SUBTOTAL(101,'Funding'!C3:C5)"]
    assert sheet["B6"].number_format == '"$"#,##0' and sheet["B6"].font.b
    (table,) = sheet.tables.values()
    assert table.ref == "A2:C5", "the totals row sits under the table, so it never sorts into the body"


def chart_xml(xlsx: Path) -> list[etree._Element]:
    with zipfile.ZipFile(xlsx) as archive:
        names = sorted(n for n in archive.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        return [etree.fromstring(archive.read(n)) for n in names]


def test_excel_charts_are_native_and_reference_their_numbers(built):
    bars, pie = chart_xml(built["xlsx"])
    assert bars.find(f".//{C}barDir").get("val") == "col"
    series = bars.findall(f".//{C}ser")
    assert [s.find(f"{C}val/{C}numRef/{C}f").text for s in series] == [
        "'Incidents by country'!$B$23:$B$25",
        "'Incidents by country'!$C$23:$C$25",
    ]
    assert series[0].find(f"{C}cat/{C}numRef/{C}f").text == "'Incidents by country'!$A$23:$A$25"
    assert [s.find(f"{C}tx/{C}strRef/{C}f").text for s in series] == [
        "'Incidents by country'!B22",
        "'Incidents by country'!C22",
    ]
    sheet = load_workbook(built["xlsx"])["Incidents by country"]
    assert [[c.value for c in row] for row in sheet["A22:C25"]] == [
        ["Country", "2023", "2024"],
        ["Mali", 61, 70],
        ["Niger", 34, None],
        ["Burkina Faso", 92, 101],
    ]
    # The same colours as the documents' drawing, in the same series order.
    drawn = [s.find(f"{C}spPr/{A}solidFill/{A}srgbClr").get("val") for s in series]
    assert drawn == colours.series_colours(Style(), 2)
    slices = [p.find(f"{C}spPr/{A}solidFill/{A}srgbClr").get("val") for p in pie.findall(f".//{C}dPt")]
    assert slices == colours.series_colours(Style(), 3)
    assert pie.find(f".//{C}showPercent").get("val") == "1"


def test_pdf_chart_is_vector_drawing_not_a_picture(built):
    reader = PdfReader(built["pdf"])
    page = next(p for p in reader.pages if "Incidents by country" in p.extract_text())
    xobjects = page["/Resources"].get("/XObject", {})
    assert not [x for x in xobjects.values() if x.get_object().get("/Subtype") == "/Image"]
    content = page.get_contents().get_data().decode("latin-1")
    bars = re.findall(r"[\d.]+ [\d.]+ ([\d.]+) ([\d.]+) re f\*", content)
    assert len([b for b in bars if float(b[0]) > 20]) == 5, "a filled rectangle per bar: 5 values and one gap"
    for colour in colours.series_colours(Style(), 2):  # the series colours, as in Excel
        rgb = " ".join(pdf_number(int(colour[i : i + 2], 16) / 255) for i in (0, 2, 4))
        assert f"{rgb} rg" in content
    text = page.extract_text()
    for label in (
        "Mali",
        "Niger",
        "Burkina Faso",
        "Incidents",
        "2023",
        "2024",
        "Figure 1: Incidents by country. Counts of recorded incidents.",
    ):
        assert label in text


def pdf_number(value: float) -> str:
    """A number as reportlab writes it in a content stream: .901961, 0, 1."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text if text in ("0", "1") else text.lstrip("0")


def test_word_chart_is_a_sharp_picture_with_alt_text(built):
    document = docx.Document(str(built["docx"]))
    (shape, _) = document.inline_shapes
    doc_pr = shape._inline.docPr
    bars = "Bar chart: Incidents by country. 2023: Mali 61, Niger 34, Burkina Faso 92. 2024: Mali 70, Burkina Faso 101."
    assert doc_pr.get("descr") == bars and doc_pr.get("name") == "Figure 1"
    blob = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
    image = document.part.related_parts[blob].blob
    with PILImage.open(io.BytesIO(image)) as picture:
        assert picture.format == "PNG"
        dpi = picture.width / (shape.width.cm / 2.54)
    assert dpi >= 190
    pie = "Pie chart: Funding by sector. Food 391 (63%), Health 164 (27%), Shelter 61 (9.9%)."
    assert document.inline_shapes[1]._inline.docPr.get("descr") == pie
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert "Figure 1: Incidents by country. Counts of recorded incidents." in captions


def test_libreoffice_opens_the_charts_and_computes_the_totals(built, tmp_path):
    result = run_soffice(built["xlsx"], tmp_path / "pdf")
    assert result.returncode == 0 and (tmp_path / "pdf" / "dashboard.pdf").is_file(), result.stderr
    assert "Incidents by country" in pdf_text(tmp_path / "pdf" / "dashboard.pdf")
    # Every sheet to CSV as LibreOffice shows it: the SUBTOTAL formulas computed, in their number formats.
    result = run_soffice(
        built["xlsx"], tmp_path / "csv", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
    )
    assert result.returncode == 0, result.stderr
    (funding,) = (tmp_path / "csv").glob("*Funding.csv")
    rows = list(csv.reader(funding.open(encoding="utf-8")))
    assert rows[-1] == ["Total", "$829,400,000", "72.0%"]


def test_a_table_too_long_for_a_sheet_is_refused_or_split(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(
        "briefing.writers.xlsx.tables.SHEET_ROWS", 10
    )  # 7 body rows a sheet, under a caption and a header and above totals
    rows = tuple((f"r{i}", i) for i in range(20))
    table = Table(("Name", "N"), rows, "Log", totals=Totals((None, "sum"), ("Total", sum(range(20)))))
    path = tmp_path / "split.xlsx"
    XlsxWriter().write(pack(Table(**{**table.__dict__, "split_sheets": True})), path)
    book = load_workbook(path)
    assert book.sheetnames == ["Briefing", "Log", "Log (2)", "Log (3)"]
    assert [book[n].max_row for n in book.sheetnames[1:]] == [9, 9, 9]
    assert book["Log (3)"]["B9"].value == "=SUBTOTAL(109,'Log'!B3:B9,'Log (2)'!B3:B9,'Log (3)'!B3:B8)"
    assert {book[n]["A1"].value for n in book.sheetnames[1:]} == {"Table 1: Log"}  # each part captioned
    names = [r[0] for n in book.sheetnames[1:] for r in book[n].iter_rows(min_row=3, values_only=True)]
    assert names == [f"r{i}" for i in range(20)] + ["Total"]

    spec = tmp_path / "long.yaml"
    body = "\n".join(f"            - [r{i}, {i}]" for i in range(20))
    head = "title: T\nsections:\n  - heading: H\n    content:\n      - table:\n          columns: [Name, N]\n"
    spec.write_text(f"{head}          rows:\n{body}\n")
    out = tmp_path / "out"
    assert cli.main(["build", str(spec), "--out", str(out)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"{spec}:6:11: 20 rows do not fit in one Excel sheet (7 at most); "
        "set split_sheets: true, or filter with where: or limit:"
    )
    assert not out.exists() or list(out.iterdir()) == [], "nothing written"


def test_value_formats_reach_chart_axes(tmp_path):
    money = Chart(
        "line",
        "Spend",
        (2022, 2023),
        (Series("USD", (1.5e6, 2.25e6)),),
        "Year",
        value_format=NumberFormat("currency", 2, "EUR"),
    )
    path = tmp_path / "m.pdf"
    PdfWriter().write(pack(money), path)
    text = pdf_text(path)
    assert "€2,000,000" in text and "2022" in text and "2,022" not in text
    xlsx = tmp_path / "m.xlsx"
    XlsxWriter().write(pack(money), xlsx)
    (chart,) = chart_xml(xlsx)
    # The axis's ticks read as in the PDF (whole steps need no cents); the cells keep the column's format.
    assert chart.find(f".//{C}valAx/{C}numFmt").get("formatCode") == '"€"#,##0'
    assert load_workbook(xlsx)["Spend"]["B23"].number_format == '"€"#,##0.00'


@pytest.mark.parametrize("kind", ["bar", "horizontal_bar", "stacked_bar", "line", "pie"])
def test_every_label_of_a_chart_lies_inside_its_drawing(kind):
    # Word gets the drawing as a picture of exactly its size: anything outside is cut off.
    from briefing.writers.chart_drawing import drawing

    money = NumberFormat("currency", 0, "USD")
    chart = Chart(
        kind,  # type: ignore[arg-type]
        "Pledged by donor",
        ("European Union", "United States", "Japan"),
        (Series("Pledged", (412e6, 389e6, 28.4e6)), Series("Disbursed", (301e6, 322e6, 9e6))),
        value_format=money,
        x_title="Donor",
        y_title="USD",
    )
    width = Style().text_width_cm / 2.54 * 72
    drawn = drawing(chart, Style(), width)
    x0, y0, x1, y1 = drawn.getBounds()
    assert x0 >= -0.5 and y0 >= -0.5 and x1 <= drawn.width + 0.5 and y1 <= drawn.height + 0.5
