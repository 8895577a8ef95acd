"""Notes, citations, cross-references, credits and sources in the workbook, read back with openpyxl."""

from __future__ import annotations

import dataclasses

import pytest
from openpyxl import load_workbook

from briefing import loads
from briefing.layout import lay_out
from briefing.layout.geometry import PADDING
from briefing.layout.measure import width
from briefing.layout.sheets import SHEET_PT
from briefing.layout.tree import NoteMark
from briefing.model import Briefing, Paragraph, Section, Span, Table
from briefing.reading.inline import parse_inline
from briefing.writers.xlsx.writer import XlsxWriter
from tests.laid_notes import NOTES, SOURCES, laid


@pytest.fixture
def workbook(picture, tmp_path):
    path = tmp_path / "notes.xlsx"
    assert XlsxWriter().write(laid(picture), path) == []
    return load_workbook(path)


def column_a(sheet):
    return [str(row[0]) for row in sheet.iter_rows(values_only=True) if row[0] is not None]


def listed(number):
    note = next(n for n in NOTES if n.number == number)
    return f"[{number}] " + "".join(span.text for span in note.text)


def test_the_narrative_keeps_its_notes_numbers_and_lists_every_note_at_its_end(workbook):
    text = column_a(workbook["Briefing"])
    assert "Access worsened in 2026[1]." in text
    assert "Access fell[2] (see Table 1 and Figure 1; OCHA 2026)." in text
    assert "Source: [5]" in text, "a picture's credit under its caption"
    notes = text[text.index("Notes") + 1 :]
    assert notes == [listed(n.number) for n in NOTES]
    sources = text[text.index("Sources") + 1 : text.index("Notes")]
    assert sources == [entry for _, entry in SOURCES]


def test_a_table_sheet_keeps_its_values_and_lists_its_own_notes_and_credit_below(workbook):
    sheet = workbook["Funding"]
    rows = [row for row in sheet.iter_rows(values_only=True) if any(v is not None for v in row)]
    assert rows[1] == ("Region", "Funding[4]")
    assert rows[2] == ("Tillabéri[3]", 12.5) and rows[3] == ("Tahoua", 8.25), "other cells keep their types"
    (table,) = sheet.tables.values()
    assert [c.name for c in table.tableColumns] == ["Region", "Funding[4]"]
    assert column_a(sheet)[-3:] == ["Source: OCHA (2026)", listed(3), listed(4)]
    chart = column_a(workbook["Incidents"])
    assert chart[-1] == "Source: ACLED (2026)"


def test_every_link_within_the_workbook_lands_on_its_target(workbook):
    locations = [
        cell.hyperlink.location
        for sheet in workbook
        for row in sheet.iter_rows()
        for cell in row
        if cell.hyperlink is not None and cell.hyperlink.location
    ]
    assert len(locations) >= 6
    for location in locations:
        name, _, where = location.rpartition("!")
        assert name.strip("'") in workbook.sheetnames and where.startswith("A")

    def lands(location):
        name, _, where = location.rpartition("!")
        return name.strip("'"), workbook[name.strip("'")][where].value

    narrative = workbook["Briefing"]
    by_text = {row[0].value: row[1] for row in narrative.iter_rows() if row[0].value}
    cross = by_text["Access fell[2] (see Table 1 and Figure 1; OCHA 2026)."]
    assert cross.value == "Links:\nTable 1\nFigure 1", "citations are in the text, their sources on the sheet"
    assert lands(cross.hyperlink.location) == ("Funding", "Table 1: Funding"), "a cross-reference opens its sheet"
    back = by_text["As shown under Access, with the risk in the box and the map in Figure 2 (ACLED 2026)."]
    assert lands(back.hyperlink.location) == ("Briefing", "Access"), "a section's reference lands on its heading"
    credit = workbook["Funding"]
    (cell,) = [c for row in credit.iter_rows() for c in row if c.value == "Source: OCHA (2026)"]
    assert lands(cell.hyperlink.location) == ("Briefing", SOURCES[0][1]), "a citation lands on its source"
    (cell,) = [c for row in workbook["Incidents"].iter_rows() for c in row if c.value == "Source: ACLED (2026)"]
    assert lands(cell.hyperlink.location) == ("Briefing", SOURCES[1][1])


def test_cells_with_notes_in_a_table_of_several_scripts(tmp_path):
    """A table holding text of a script with a font of its own is written row by row apart; its worded
    cells hold their notes' numbers all the same."""
    table = Table(("Place", "People"), (("نيامي", 1200), ("Zinder", 800)), title="Displaced")
    plain = lay_out(Briefing("T", (Section(parse_inline("H"), (Paragraph(parse_inline("x")), table)),)))
    (section,) = plain.body
    laid_table = section.children[-1]
    worded = (
        (1, 0, (Span("Zinder"), NoteMark("1", number=1))),
        (-1, 1, (Span("People"), NoteMark("2", number=2))),
        (0, 1, (Span("1,200"), NoteMark("1", number=1))),
    )
    place = dataclasses.replace(laid_table.place, cells=worded)
    section = dataclasses.replace(
        section, children=(*section.children[:-1], dataclasses.replace(laid_table, place=place))
    )
    doc = dataclasses.replace(plain, body=(section,), notes=NOTES[:2])
    path = tmp_path / "s.xlsx"
    XlsxWriter().write(doc, path)
    sheet = load_workbook(path)["Displaced"]
    rows = [row for row in sheet.iter_rows(values_only=True) if any(v is not None for v in row)]
    assert rows[1:4] == [("Place", "People[2]"), ("نيامي", "1,200[1]"), ("Zinder[1]", 800)]
    assert sheet["B3"].alignment.horizontal == "right", "a number with its note's mark at its column's end"
    assert sheet["A4"].alignment.horizontal in (None, "general", "left"), "text at the start, as the layout has it"
    assert column_a(sheet)[-2:] == [listed(1), listed(2)]


def test_lines_under_a_table_of_a_right_to_left_briefing_read_from_the_right(tmp_path):
    spec = """\
title: موجز
language: ar
labels: {source: Source}  # a line starting in Latin letters
sections:
  - heading: الوضع
    content:
      - table:
          title: المناطق
          credit: "Africa desk, مكتب أفريقيا"
          columns: [المنطقة, "الحوادث^[مؤكدة.]"]
          rows: [[موبتي, 41]]
"""
    path = tmp_path / "ar.xlsx"
    XlsxWriter().write(loads(spec, "ar.yaml"), path)
    sheet = load_workbook(path)["المناطق"]
    under = [row[0] for row in sheet.iter_rows() if row[0].value and str(row[0].value).startswith(("Source", "["))]
    assert [c.value for c in under] == ["Source: Africa desk, مكتب أفريقيا", "[1] مؤكدة."]
    assert all(c.alignment.readingOrder == 2 for c in under), "a line starting in Latin letters starts at the right too"


def test_a_sheet_column_is_as_wide_as_its_worded_cells_as_the_sheet_shows_them(tmp_path):
    spec = """\
title: T
sections:
  - heading: H
    content:
      - table:
          title: Incidents
          columns: [Region, "Against personnel^[Killings and abductions.]"]
          rows: [["Dosso^[On the Niamey road.]", 2], [Agadez, 3]]
"""
    doc = lay_out(loads(spec, "t.yaml"))
    (place,) = [place for node, place in doc.flow if isinstance(node, Table)]
    sheet = place.sheet

    def chars(text, bold=False):
        return (width(text, SHEET_PT, sheet.family, bold) + 2 * PADDING) / sheet.digit

    assert sheet.columns[1].chars >= round(chars("Against personnel[1]", bold=True), 1)
    assert sheet.columns[0].chars >= round(chars("Dosso[2]"), 1)
    path = tmp_path / "t.xlsx"
    XlsxWriter().write(doc, path)
    widths = load_workbook(path)["Incidents"].column_dimensions
    assert (widths["A"].width, widths["B"].width) == (sheet.columns[0].chars, sheet.columns[1].chars)


def test_a_note_in_a_table_title_is_a_note_of_its_caption_and_leaves_the_sheet_name(tmp_path):
    (tmp_path / "refs.json").write_text("[]", encoding="utf-8")
    spec = (
        "title: T\nsections:\n  - heading: H\n    content:\n"
        '      - table: {title: "Incidents by region^[As drawn in 2011.]", columns: [a], rows: [[1]]}\n'
    )
    path = tmp_path / "t.xlsx"
    XlsxWriter().write(lay_out(loads(spec, "spec.yaml", tmp_path)), path)
    book = load_workbook(path)
    assert book.sheetnames[1] == "Incidents by region"
    cells = [str(c.value) for row in book.worksheets[1].iter_rows() for c in row if c.value is not None]
    assert cells[0] == "Table 1: Incidents by region[1]" and "[1] As drawn in 2011." in cells
