"""Excel writer, from model objects: read back with openpyxl."""

from __future__ import annotations

import datetime as dt
import os
import tempfile

import pytest
from openpyxl import load_workbook

from briefing.model import Briefing, Paragraph, Section, Table
from briefing.reading.inline import parse_inline
from briefing.writers.xlsx.writer import XlsxWriter


@pytest.fixture
def written(sample, tmp_path):
    path = tmp_path / "out.xlsx"
    assert XlsxWriter().write(sample, path) == []
    return path


def column_a(sheet):
    return [str(row[0]) for row in sheet.iter_rows(values_only=True) if row[0] is not None]


def test_narrative_sheet_has_metadata_summary_and_text(written):
    workbook = load_workbook(written, rich_text=True)
    assert workbook.sheetnames == ["Briefing", "Selected indicators"]
    lines = column_a(workbook["Briefing"])
    assert lines[:5] == [
        "OFFICIAL-SENSITIVE",
        "Sahel Outlook",
        "Weekly round-up",
        "Focus on Africa · 24 November 2026 · By Africa Desk",
        "Summary",
    ]
    for expected in [
        "• First judgement",
        "Situation in Mali",
        "Plain, bold, italic and a link.",
        'Literal <font color="red">&amp; "quotes"</font> Москва Αθήνα',
        "• Military Support: Provision of arms.",
        "1. One",
        "2. Two",
        "1. Again one",
        "Figures",
        "Table 1: Selected indicators",
        "Figure 1: A blue box",
        "After the break.",
    ]:
        assert expected in lines


def test_rich_text_link_image_and_page_break(written):
    sheet = load_workbook(written, rich_text=True)["Briefing"]
    cells = {str(c.value): c for row in sheet.iter_rows() for c in row if c.value is not None}
    rich = cells["Plain, bold, italic and a link."].value
    bold = [block.text for block in rich if not isinstance(block, str) and block.font.b]
    italic = [block.text for block in rich if not isinstance(block, str) and block.font.i]
    assert bold == ["bold"] and italic == ["italic"]
    paragraph = cells["Plain, bold, italic and a link."]
    assert paragraph.hyperlink is None and paragraph.alignment.wrap_text  # readable, not one long link
    beside = sheet.cell(paragraph.row, paragraph.column + 1)
    assert beside.value == "Link: https://example.org/a?b=1&c=2"
    assert beside.hyperlink.target == "https://example.org/a?b=1&c=2"
    link_run = next(b for b in rich if not isinstance(b, str) and b.text == "link")
    assert link_run.font.u == "single" and link_run.font.color.rgb.endswith("0563C1")
    caption = cells["Table 1: Selected indicators"]
    assert caption.hyperlink is None and caption.font.b  # the caption reads in full, wrapped
    table_link = sheet.cell(caption.row, caption.column + 1)
    assert table_link.value == "Sheet: Selected indicators"
    assert table_link.hyperlink.location == "'Selected indicators'!A1"
    assert len(sheet._images) == 1
    assert len(sheet.row_breaks.brk) == 1


def test_table_sheet_keeps_types_and_is_filterable(written):
    sheet = load_workbook(written)["Selected indicators"]
    caption, *rows = list(sheet.iter_rows(values_only=True))
    assert caption[0] == "Table 1: Selected indicators"  # captioned as in the documents
    assert rows[0] == ("Name", "Count", "Share", "Confirmed", "As of", "Note")
    assert rows[1] == ("Alpha", 1500, 0.25, True, dt.datetime(2026, 10, 1), None)
    assert rows[2] == ("=SUM(A1:A2)", -3, 1.5, False, dt.datetime(2026, 9, 30), "+cmd")
    assert sheet["A4"].data_type == "s", "a leading = is text, never a formula"
    assert sheet["E3"].is_date and sheet["E3"].number_format == "yyyy-mm-dd"
    assert sheet.freeze_panes == "A3"  # caption and header stay in view
    (table,) = sheet.tables.values()  # a real Excel table: sorting and filtering work on it
    assert table.ref == "A2:F4" and table.autoFilter is not None
    assert [c.name for c in table.tableColumns] == list(rows[0])
    assert all(cell.font.b for cell in sheet[2])
    assert sheet.print_title_rows == "$1:$2"


def test_marking_on_every_sheet_and_properties(written):
    workbook = load_workbook(written)
    for sheet in workbook.worksheets:
        assert sheet.oddHeader.center.text == "OFFICIAL-SENSITIVE"
        assert sheet.oddFooter.center.text == "OFFICIAL-SENSITIVE"
    props = workbook.properties
    assert (props.title, props.creator, props.subject) == ("Sahel Outlook", "Africa Desk", "Weekly round-up")
    assert props.keywords == "OFFICIAL-SENSITIVE"


def test_sheet_names_are_valid_and_unique(tmp_path):
    titles = ["What? [draft] a/b\\c:d*e", "What  draft  a b c d e", None, "x" * 40, "history", "'quoted'"]
    blocks = tuple(Table(("a",), (("v",),), t) for t in titles)
    doc = Briefing("Names", (Section(parse_inline("H"), blocks),))
    path = tmp_path / "n.xlsx"
    XlsxWriter().write(doc, path)
    names = load_workbook(path).sheetnames[1:]
    assert names == ["What draft a b c d e", "What draft a b c d e (2)", "Table 3", "x" * 31, "history (2)", "quoted"]


def test_formula_injection_is_stored_as_text(tmp_path):
    values = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=1", "\r=1", '=HYPERLINK("http://x")']
    doc = Briefing(
        "=cmd|' /C calc'!A0",
        (Section(parse_inline("=2*3"), (Paragraph(parse_inline("=A1")), Table(("=c",), tuple((v,) for v in values)))),),
    )
    path = tmp_path / "f.xlsx"
    XlsxWriter().write(doc, path)
    workbook = load_workbook(path)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    assert cell.data_type == "s", (sheet.title, cell.coordinate, cell.value)
    assert [r[0] for r in workbook.worksheets[1].iter_rows(min_row=3, values_only=True)] == values


def test_every_link_of_a_paragraph_is_written_out_beside_it(tmp_path):
    text = parse_inline("See [the report](https://a.org/r) and [the annex](https://b.org/x) for **details**.")
    doc = Briefing("Links", (Section(parse_inline("H"), (Paragraph(text),)),))
    path = tmp_path / "l.xlsx"
    assert XlsxWriter().write(doc, path) == []
    sheet = load_workbook(path, rich_text=True)["Briefing"]
    (row,) = [r for r in sheet.iter_rows() if r[0].value is not None and "report" in str(r[0].value)]
    assert str(row[0].value) == "See the report and the annex for details."
    assert row[1].value == "Links:\nhttps://a.org/r\nhttps://b.org/x" and row[1].hyperlink.target == "https://a.org/r"
    assert sheet.row_dimensions[row[0].row].height >= 3 * 15 * 0.85  # tall enough for the three lines
    assert sheet.print_area == "'Briefing'!$A$1:$A$1048576"  # on paper the text keeps its size


def test_control_characters_are_replaced_visibly(tmp_path):
    doc = Briefing(
        "Bad\x00title",
        (Section(parse_inline("H\x1b"), (Paragraph(parse_inline("a\x0bb")), Table(("c\x07",), (("v\x00",),)))),),
        classification="SECRET\x01",
    )
    path = tmp_path / "c.xlsx"
    XlsxWriter().write(doc, path)
    workbook = load_workbook(path)
    assert column_a(workbook["Briefing"])[:3] == ["SECRET\ufffd", "Bad\ufffdtitle", "H\ufffd"]
    assert [r for r in workbook.worksheets[1].iter_rows(min_row=2, values_only=True)] == [("c\ufffd",), ("v\ufffd",)]
    assert workbook.properties.title == "Bad\ufffdtitle"


def test_a_refused_workbook_leaves_no_temporary_files(tmp_path, monkeypatch):
    # Sheets stream their rows to temporary files; a write that fails half-way removes them.
    from briefing.errors import SpecError
    from briefing.writers.xlsx import writer

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setattr("briefing.writers.xlsx.tables.SHEET_ROWS", 10)
    seen: list[list[str]] = []
    real_discard = writer.discard
    monkeypatch.setattr(
        "briefing.writers.xlsx.writer.discard", lambda book: (seen.append(os.listdir(scratch)), real_discard(book))
    )
    too_long = Table(("N",), tuple((i,) for i in range(20)), "Log")
    doc = Briefing("T", (Section(parse_inline("H"), (Paragraph(parse_inline("Before.")), too_long)),))
    with pytest.raises(SpecError):
        XlsxWriter().write(doc, tmp_path / "t.xlsx")
    assert len(seen) == 1 and seen[0], "the narrative sheet had begun streaming"
    assert os.listdir(scratch) == []


def test_a_value_longer_than_an_excel_cell_is_cut_with_a_warning(tmp_path):
    from briefing.model import Pos

    long = "word " * 8_000
    table = Table(("Name", "Note"), (("a", "short"), ("b", long), ("c", long)), title="Notes", pos=Pos("s.yaml", 7, 9))
    doc = Briefing("T", (Section(parse_inline("H"), (table,)),))
    path = tmp_path / "t.xlsx"
    (warning,) = XlsxWriter().write(doc, path)
    assert str(warning) == (
        "s.yaml:7:9: xlsx: the value in row 2 of column 'Note' has 40,000 characters; "
        "an Excel cell holds 32,767, so it is cut there (1 more)"
    )
    assert len(load_workbook(path)["Notes"]["B4"].value) == 32_767


def test_sheet_names_are_cut_between_words_and_stay_unique(tmp_path):
    titles = [
        "Incidents and fatalities per month",
        "Incidents and fatalities per month, by region",
        "Short",
        "Response plan funding by sector, 2026 (USD millions)",
        "Response plan funding by sector, 2025 (USD millions)",
    ]
    tables = tuple(Table(("a",), (("x",),), title=t) for t in titles)
    doc = Briefing("T", (Section(parse_inline("H"), tables),))
    path = tmp_path / "t.xlsx"
    XlsxWriter().write(doc, path)
    assert load_workbook(path).sheetnames == [  # never ending on a word that leads into the rest ("by", "per")
        "Briefing",
        "Incidents and fatalities",
        "Incidents and fatalities (2)",
        "Short",
        "Response plan funding by sector",  # a cut at a comma is between words
        "Response plan funding (2)",
    ]


def test_chart_numbers_read_as_in_the_documents(tmp_path):
    from briefing.model import Chart, Series

    chart = Chart("pie", "Disbursements by sector", ("Food", "Health"), (Series("USD", (391000000.0, 164000000.0)),))
    doc = Briefing("T", (Section(parse_inline("H"), (chart,)),))
    path = tmp_path / "c.xlsx"
    XlsxWriter().write(doc, path)
    sheet = load_workbook(path)["Disbursements by sector"]
    numbers = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, (int, float))]
    assert numbers and all(c.number_format == "#,##0" for c in numbers)
