"""Excel agrees with the documents: captions, chart scales, pie labels, row heights and column widths.

Every example is built once in every bundled style and read back as a reader would read it:
the Word file with python-docx, the PDF with pdfplumber (the tick labels and slice labels as
drawn), the workbook with openpyxl and its chart XML with lxml, and a wrapped table sheet as
LibreOffice prints it.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
import pdfplumber
import pytest
from lxml import etree
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from briefing import build
from briefing.layout import LaidDocument, lay_out
from briefing.layout.sheets import widened
from briefing.layout.tree import sheet_text
from briefing.model import Briefing, Chart, Section, Table, Totals, plain
from briefing.reading.inline import parse_inline
from briefing.reading.loader import Options, load
from briefing.reading.style_files import read_style_file
from briefing.writers.markup import has_rtl
from briefing.writers.xlsx import chart as xlsx_chart
from briefing.writers.xlsx.writer import XlsxWriter

from .conftest import DATA, NOTE_MARK, SPECS, run_soffice, squash, words

EXAMPLES = [*sorted(SPECS.glob("*.yaml")), DATA / "wide-table.yaml", DATA / "small-slices.yaml"]
STYLES = ["official", "newsroom", "plain"]
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"


@dataclass
class Built:
    laid: LaidDocument
    files: dict[str, Path]
    style: str


@pytest.fixture(scope="module", params=[(e, s) for e in EXAMPLES for s in STYLES], ids=lambda p: f"{p[0].stem}-{p[1]}")
def pack(request, tmp_path_factory) -> Built:
    example, style = request.param
    out = tmp_path_factory.mktemp(f"{example.stem}-{style}")
    built = build(example, formats=["docx", "pdf", "xlsx"], out=out, style=style)
    laid = lay_out(load(example, Options(base_style=read_style_file(style))))
    return Built(laid, {p.suffix[1:]: p for p in built.paths}, style)


def captions(laid: LaidDocument, kind: type) -> list[str]:
    return [words(place.caption.spans) for node, place in laid.flow if isinstance(node, kind) and place.caption]


def figure_sheets(book) -> Iterator[Worksheet]:
    """The sheets of tables and charts, in reading order."""
    yield from (s for s in book.worksheets if s.tables)


# -- 1. table sheets are captioned as the documents caption their tables ------------------------------


def test_excel_table_and_chart_sheets_carry_the_documents_captions(pack):
    book = load_workbook(pack.files["xlsx"])
    in_excel = []
    for sheet in figure_sheets(book):
        if sheet.cell(1, 1).value is not None:  # a table's sheet: its caption above its header
            (table,) = sheet.tables.values()
            assert table.ref.startswith("A2:") and sheet.freeze_panes == "A3"
            in_excel.append(NOTE_MARK.sub("", sheet.cell(1, 1).value))
        else:  # a chart's sheet: its caption under the chart
            in_excel.append(NOTE_MARK.sub("", sheet.cell(xlsx_chart.DATA_ROW - 2, 1).value))
    word = [p.text for p in docx.Document(str(pack.files["docx"])).paragraphs if p.style.name == "Caption"]
    tables, charts = captions(pack.laid, Table), captions(pack.laid, Chart)
    assert [c for c in in_excel if c in tables] == tables  # every table, in order, split sheets repeating theirs
    assert [c for c in in_excel if c not in tables] == charts
    assert [c for c in word if c in tables + charts] == [c for c in dict.fromkeys(in_excel)]
    with pdfplumber.open(pack.files["pdf"]) as pdf:
        text = squash(" ".join(page.extract_text() for page in pdf.pages))
        # A note's mark, raised above its line, may be read with the line above; in the order drawn it follows.
        flow = squash(" ".join(page.extract_text(use_text_flow=True) for page in pdf.pages))
    for caption in tables + charts:
        # Right-to-left captions are checked by the conformance test, in the order they are written.
        assert has_rtl(caption) or squash(caption) in text or squash(caption) in flow


# -- 2. one value axis for every format --------------------------------------------------------------


_NUMBER = re.compile(r"^-?[^\d\s-]{0,4}-?[\d,]+(\.\d+)?%?$")


def number(text: str) -> float | None:
    """A tick label's value: "$100,000,000" is 1e8, "20%" is 0.2; None for a word."""
    if not _NUMBER.match(text) or not re.search(r"\d", text):
        return None
    digits = re.sub(r"[^\d.]", "", text)
    value = float(digits) * (-1 if text.startswith("-") else 1)
    return value / 100 if text.endswith("%") else value


def axes_in_pdf(path: Path) -> tuple[list[list[float]], list[list[float]]]:
    """The value axes drawn in a PDF, in reading order: columns of numbers right-aligned and falling
    evenly down the page (vertical axes), and rows rising evenly from left to right (horizontal ones)."""
    vertical, horizontal = [], []
    with pdfplumber.open(path) as pdf:
        for index, page in enumerate(pdf.pages):
            words = [(w, number(w["text"])) for w in page.extract_words()]
            numbers = [(w, v) for w, v in words if v is not None]
            vertical += _runs(index, numbers, lambda w: round(w["x1"]), lambda w: w["top"], falling=True)
            horizontal += _runs(
                index, numbers, lambda w: round(w["top"]), lambda w: (w["x0"] + w["x1"]) / 2, falling=False
            )
    return [values for _, values in sorted(vertical)], [values for _, values in sorted(horizontal)]


def _runs(page: int, numbers, line, along, falling: bool) -> list[tuple[tuple[int, float], list[float]]]:
    """Runs of at least four numbers in even steps, evenly spaced along lines of the page."""
    found = []
    groups: dict[int, list] = {}
    for word, value in numbers:
        groups.setdefault(line(word), []).append((along(word), value, word["top"]))
    for group in groups.values():
        group.sort(key=lambda item: item[0], reverse=falling)  # from the axis's low end
        start = 0
        while start < len(group):
            end = start + 2
            while end < len(group) and _even(*group[end - 2 : end + 1]):
                end += 1
            run = group[start:end]
            if len(run) >= 4 and run[1][1] > run[0][1]:
                found.append(((page, min(top for _, _, top in run)), [v for _, v, _ in run]))
                start = end
            else:
                start += 1
    return found


def _even(a, b, c) -> bool:
    """Whether three labels are as far apart on the page, and in value, from one to the next."""
    return abs((c[0] - b[0]) - (b[0] - a[0])) < 1.5 and abs((c[1] - b[1]) - (b[1] - a[1])) < 1e-9 * max(1, abs(c[1]))


def charts_in_excel(path: Path) -> list[etree._Element]:
    with zipfile.ZipFile(path) as archive:
        names = sorted(
            (n for n in archive.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)),
            key=lambda n: int(re.sub(r"\D", "", n)),
        )
        return [etree.fromstring(archive.read(n)) for n in names]


def test_chart_axes_run_the_same_in_the_pdf_and_in_excel_and_excel_adds_no_title(pack):
    charts = charts_in_excel(pack.files["xlsx"])
    assert len(charts) == len(captions(pack.laid, Chart))
    vertical, horizontal = axes_in_pdf(pack.files["pdf"])
    seen = {id(vertical): 0, id(horizontal): 0}
    for chart in charts:
        assert chart.find(f"{C}chart/{C}title") is None  # the title reads in the caption, as elsewhere
        assert chart.find(f"{C}chart/{C}autoTitleDeleted").get("val") == "1"
        axis = chart.find(f".//{C}valAx")
        if axis is None:
            continue  # a pie
        scaling = axis.find(f"{C}scaling")
        low, high = float(scaling.find(f"{C}min").get("val")), float(scaling.find(f"{C}max").get("val"))
        step = float(axis.find(f"{C}majorUnit").get("val"))
        # The next axis drawn the same way in the PDF runs over the same range in the same steps.
        drawn = horizontal if chart.find(f".//{C}barDir[@val='bar']") is not None else vertical
        ticks = [round(low + i * step, 9) for i in range(round((high - low) / step) + 1)]
        found = [i for i, axis in enumerate(drawn) if i >= seen[id(drawn)] and axis == pytest.approx(ticks)]
        assert found, (ticks, drawn)
        seen[id(drawn)] = found[0] + 1


# -- 3. pie labels: one rule, none on top of another -------------------------------------------------


def test_pie_labels_are_the_layouts_and_none_overlaps_another(pack):
    pies = [
        (place.caption, place.chart) for node, place in pack.laid.flow if isinstance(node, Chart) and node.kind == "pie"
    ]
    if not pies:
        pytest.skip("no pie in this example")
    with pdfplumber.open(pack.files["pdf"]) as pdf:
        for caption, scale in pies:
            page, below = next(
                (p, found[0]["top"]) for p in pdf.pages if (found := p.search(f"{caption.label}:", regex=False))
            )
            expected = sorted(t for t in scale.slices if t)
            labels = [
                w
                for w in page.extract_words(extra_attrs=["size"])
                if w["bottom"] < below and abs(w["size"] - 8) < 0.1 and w["text"] in expected
            ]
            assert sorted(w["text"] for w in labels[-len(expected) :]) == expected
            boxes = [(w["x0"], w["top"], w["x1"], w["bottom"]) for w in labels[-len(expected) :]]
            for i, a in enumerate(boxes):
                for b in boxes[i + 1 :]:
                    apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
                    assert apart, (a, b)


def test_the_pie_rule_tells_slivers_apart():
    laid = lay_out(load(DATA / "small-slices.yaml"))
    (scale,) = [place.chart for node, place in laid.flow if isinstance(node, Chart) and node.kind == "pie"]
    # 520, 310 and 150 of 995.45 read whole; 1% and less with a decimal; 0.005% as "<0.1%".
    assert scale.slices == ("52%", "31%", "15%", "1.0%", "0.4%", "0.2%", "<0.1%")


# -- 4. rows as tall as their wrapped text -----------------------------------------------------------


def wrapped_rows(sheet: Worksheet) -> Iterator[int]:
    for row in sheet.iter_rows(min_row=3):
        if any(c.alignment.wrap_text and isinstance(c.value, str) for c in row):
            yield row[0].row


def test_excel_rows_are_as_tall_as_libreoffice_draws_their_wrapped_text(pack, tmp_path):
    book = load_workbook(pack.files["xlsx"])
    sheets = [s for s in figure_sheets(book) if s.cell(1, 1).value is not None and any(wrapped_rows(s))]
    if not sheets:
        pytest.skip("no wrapped cell in this example's table sheets")
    if pack.style != "official":  # the sheet's widths and heights are the same in every style: printed once
        pytest.skip("printed by LibreOffice in one style")
    printed = run_soffice(pack.files["xlsx"], tmp_path)
    assert printed.returncode == 0, printed.stderr
    with pdfplumber.open(tmp_path / pack.files["xlsx"].with_suffix(".pdf").name) as pdf:
        pages = [(squash(page.extract_text()), page.extract_words()) for page in pdf.pages]
        for sheet in sheets:
            # The sheet's page: its caption right above its header (the narrative sheet lists captions too).
            caption, header = sheet.cell(1, 1).value, sheet.cell(2, 1).value
            head = squash(f"{caption} {header}")
            text, words = next((t, w) for t, w in pages if head in t)
            below = min(w["top"] for w in words if w["text"] == header.split()[0])
            words = [w for w in words if w["top"] >= below - 1]
            boxes = [(w["x0"], w["top"], w["x1"], w["bottom"]) for w in words]
            for i, a in enumerate(boxes):  # nothing is drawn over anything else
                for b in boxes[i + 1 :]:
                    assert a[2] <= b[0] + 0.5 or b[2] <= a[0] + 0.5 or a[3] <= b[1] + 0.5 or b[3] <= a[1] + 0.5, (a, b)
            # Each row's cells are top-aligned: a row starts where its first cell's text does, and the
            # wrapped text under it ends within the height the workbook gives the row.
            firsts = [str(sheet.cell(r, 1).value).split()[0] for r in range(2, sheet.max_row + 1)]
            tops = _row_tops(words, firsts)[1:]  # the header's, then the body's
            for row, (top, next_top) in zip(
                range(3, sheet.max_row + 1), zip(tops, [*tops[1:], None], strict=True), strict=True
            ):
                height = sheet.row_dimensions[row].height or 15.0
                # Under the last row, a line of text running over would start within a line of its end.
                end = next_top if next_top is not None else top + height + 20
                inside = [w for w in words if top - 1 <= w["top"] < end - 1]
                assert max(w["bottom"] for w in inside) - top <= height, (sheet.title, row)
                if row in set(wrapped_rows(sheet)) and len({round(w["top"]) for w in inside}) > 1:
                    assert sheet.row_dimensions[row].height, (sheet.title, row)


def _row_tops(words: list[dict], firsts: list[str]) -> list[float]:
    """The top of each row, from its first cell's first word, in order down the page."""
    tops, last = [], -1.0
    for first in firsts:
        top = min(w["top"] for w in words if w["text"] == first and w["top"] > last + 1)
        tops.append(top)
        last = top
    return tops


# -- 5. widths in Excel's own units, whatever the number of columns ----------------------------------


def test_excel_widths_depend_on_the_text_not_on_the_number_of_columns(pack):
    book = load_workbook(pack.files["xlsx"])
    sheets = [s for s in figure_sheets(book) if s.cell(1, 1).value is not None]
    for table, place in [(n, p) for n, p in pack.laid.flow if isinstance(n, Table)]:
        (sheet, *_) = [s for s in sheets if s.cell(1, 1).value == str(place.caption)]
        alone = [
            lay_out(Briefing("T", (Section(parse_inline("H"), (_column(table, i),)),), style=pack.laid.doc.style))
            for i in range(len(table.columns))
        ]
        for i, laid in enumerate(alone):
            ((_, single),) = [(n, p) for n, p in laid.flow if isinstance(n, Table)]
            # A cell holding a note's mark is as wide as the sheet shows it ("Dosso[4]"), in any table.
            worded = [(0, plain(sheet_text(text)), row < 0) for row, col, text in place.cells if col == i]
            letter = sheet.cell(2, i + 1).column_letter
            expected = widened(single.sheet, worded).columns[0].chars
            assert sheet.column_dimensions[letter].width == expected, (sheet.title, i)


def _column(table: Table, i: int) -> Table:
    """Column ``i`` of ``table`` as a table of its own, its total under it."""
    totals = table.totals and Totals((table.totals.functions[i],), (table.totals.values[i],))
    values = tuple((v,) for v in table.rows.columns[i])
    return Table((table.columns[i],), values, "One", formats=(table.format_of(i),), totals=totals)


@pytest.mark.parametrize("style", STYLES)
def test_the_same_text_is_as_wide_in_a_sheet_of_two_columns_as_in_one_of_forty(style, tmp_path):
    name = "Regional Alliances and their partners"
    narrow = Table(("Factor", "Impact"), ((name, "Possible fracturing"),), "Two")
    wide = Table(("Factor", *(f"c{i}" for i in range(39))), ((name, *range(39)),), "Forty")
    doc = load(DATA / "small-slices.yaml", Options(base_style=read_style_file(style)))
    doc = Briefing("Widths", (Section(parse_inline("H"), (narrow, wide)),), style=doc.style)
    path = tmp_path / "w.xlsx"
    XlsxWriter().write(doc, path)  # the forty columns' page shrinks their text, and warns that it breaks
    book = load_workbook(path)
    two, forty = book["Two"].column_dimensions["A"].width, book["Forty"].column_dimensions["A"].width
    assert two == forty
    # In characters (a digit's width each), not points: about one for each letter of the longest line.
    assert len(name) * 0.8 <= two <= len(name) * 1.6
