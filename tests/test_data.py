"""Data-driven tables and charts: data files and spec keys to models, and bad data to exact lines."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

import pytest
from openpyxl import Workbook

from briefing import SpecError, loads
from briefing.cli import main
from briefing.layout.text import formatted
from briefing.model import Chart, NumberFormat, Series, Table, Totals, tables
from briefing.number_formats import excel_format
from briefing.reading.loader import Options

CSV = """\
date,region,incidents,cas_total,share,notes
2024-01-05,Gao,3,"1,204",0.25,first
2024-02-11,Mopti,5,17,0.125,
2024-02-20,Gao,1,4,0.5,"quoted, with comma"
2024-03-02,Kidal,2,,0.0625,late
"""


def spec(table: str, folder: Path, block: str = "table") -> str:
    body = textwrap.indent(textwrap.dedent(table), " " * 10)
    return f"title: T\nsections:\n  - heading: H\n    content:\n      - {block}:\n{body}"


def load_table(table: str, folder: Path) -> Table:
    doc = loads(spec(table, folder), "spec.yaml", folder)
    return tables(doc)[0]


def errors(table: str, folder: Path, block: str = "table", options: Options | None = None) -> list[str]:
    with pytest.raises(SpecError) as caught:
        loads(spec(table, folder, block), "spec.yaml", folder, options)
    return [str(p).replace(str(folder) + "/", "") for p in caught.value.problems]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "incidents.csv").write_text(CSV, encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # data files are named relative to the working folder in messages
    return tmp_path


def test_csv_values_get_the_types_they_are_written_in(folder):
    table = load_table("source: data/incidents.csv", folder)
    assert table.columns == ("date", "region", "incidents", "cas_total", "share", "notes")
    assert table.rows[0] == (dt.date(2024, 1, 5), "Gao", 3, 1204, 0.25, "first")
    assert table.rows[3] == (dt.date(2024, 3, 2), "Kidal", 2, None, 0.0625, "late")
    assert table.rows[2][5] == "quoted, with comma"


def test_columns_are_picked_renamed_filtered_sorted_cut_and_totalled(folder):
    table = load_table(
        """\
        source: data/incidents.csv
        columns:
          - region
          - {from: cas_total, as: Casualties, format: integer}
          - {from: share, as: Share, format: percent, decimals: 1}
        where: {column: date, op: ">=", value: 2024-02-01}
        sort: [-Casualties]
        limit: 2
        totals: {Casualties: sum, Share: mean}
        """,
        folder,
    )
    assert table.columns == ("region", "Casualties", "Share")
    assert table.rows == (("Mopti", 17, 0.125), ("Gao", 4, 0.5))
    assert table.totals == Totals((None, "sum", "mean"), ("Total", 21, 0.3125))
    assert table.formats == (None, NumberFormat("integer"), NumberFormat("percent", 1))


def test_filters_compare_text_without_case_and_combine(folder):
    table = load_table(
        """\
        source: data/incidents.csv
        columns: [region, incidents]
        where:
          - {column: region, op: in, value: [gao, KIDAL]}
          - {column: incidents, op: "<", value: 3}
        sort: region
        """,
        folder,
    )
    assert table.rows == (("Gao", 1), ("Kidal", 2))


def test_json_objects_and_lists_and_xlsx_sheets_read_alike(folder):
    rows = [{"region": "Gao", "n": 3}, {"region": "Mopti", "n": 5.5}]
    (folder / "data" / "objects.json").write_text(json.dumps(rows))
    (folder / "data" / "lists.json").write_text(json.dumps([["region", "n"], ["Gao", 3], ["Mopti", 5.5]]))
    book = Workbook()
    sheet = book.active
    sheet.title = "Notes"
    data = book.create_sheet("Figures")
    data["B3"], data["C3"] = "region", "n"
    data.append([])
    for row, values in enumerate([("Gao", 3), ("Mopti", 5.5)], 4):
        data.cell(row, 2, values[0])
        data.cell(row, 3, values[1])
    data["E3"] = "ignored"
    book.save(folder / "data" / "book.xlsx")
    expected = (("Gao", 3), ("Mopti", 5.5))
    assert load_table("source: data/objects.json", folder).rows == expected
    assert load_table("source: data/lists.json", folder).rows == expected
    assert load_table("{source: data/book.xlsx, sheet: Figures, range: B3:C5}", folder).rows == expected


def test_delimiter_and_encoding(folder):
    (folder / "data" / "latin.csv").write_bytes("ville;n\nSégou;4\n".encode("latin-1"))
    (folder / "data" / "bom.csv").write_bytes("\ufeffville,n\nSégou,4\n".encode())
    assert load_table("source: data/bom.csv", folder).columns == ("ville", "n")
    table = load_table("{source: data/latin.csv, delimiter: ;, encoding: latin-1}", folder)
    assert table.rows == (("Ségou", 4),)


def test_a_forced_type_reports_each_bad_value_at_its_data_row_and_column(folder):
    assert errors("source: data/incidents.csv\ncolumns: [{from: notes, type: integer}]", folder) == [
        "data/incidents.csv:2:6: 'first' in column 'notes' is not an integer",
        "data/incidents.csv:4:6: 'quoted, with comma' in column 'notes' is not an integer",
        "data/incidents.csv:5:6: 'late' in column 'notes' is not an integer",
    ]


def test_a_format_that_does_not_fit_the_values_is_an_error_in_the_data(folder):
    assert errors("source: data/incidents.csv\ncolumns: [{from: region, format: currency}]", folder)[0] == (
        "data/incidents.csv:2:2: 'Gao' in column 'region' is not a number, as the column's currency format needs"
    )


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (
            "source: data/missing.csv",
            "spec.yaml:6:19: data file 'data/missing.csv' not found (did you mean 'data/incidents.csv'?)",
        ),
        (
            "source: ../outside.csv",
            "spec.yaml:6:19: data path '../outside.csv' leads outside the spec's folder (--allow-path DIR lets it)",
        ),
        (
            "source: data/incidents.csv\ncolumns: [regoin]",
            "spec.yaml:7:21: no column 'regoin' in the data (did you mean 'region'?)",
        ),
        (
            "source: data/incidents.csv\nwhere: {column: incidents, value: many}",
            "spec.yaml:7:45: 'many' cannot be compared with the values of column 'incidents'",
        ),
        (
            "source: data/incidents.csv\ntotals: {region: sum}",
            "spec.yaml:7:28: column 'region' holds text (data/incidents.csv:2:2: 'Gao'), so it can only be counted",
        ),
        (
            "source: data/incidents.csv\ncolumns: [{from: share, format: currency, currency: XYZ}]",
            "spec.yaml:7:63: 'XYZ' is not an ISO 4217 currency code such as EUR",
        ),
        (
            "{columns: [a], source: data/incidents.csv, rows: []}",
            "spec.yaml:6:60: rows come from 'rows' or from 'source', not both",
        ),
    ],
)
def test_spec_errors_point_at_the_key(folder, table, expected):
    (folder.parent / "outside.csv").write_text("a\n1\n")
    assert errors(table, folder) == [expected]


def test_unknown_sheet_names_the_sheets_there(folder):
    Workbook().save(folder / "data" / "book.xlsx")
    assert errors("{source: data/book.xlsx, sheet: Figures}", folder) == [
        "spec.yaml:6:43: no sheet 'Figures' in 'book.xlsx' (it has: Sheet)"
    ]


def test_bad_data_files_get_a_line_in_the_data_file(folder):
    (folder / "data" / "short.csv").write_text("a,b\n1,2\n3\n")
    (folder / "data" / "broken.json").write_text('[\n  {"a": 1},\n  {"a": }\n]')
    assert errors("source: data/short.csv", folder) == ["data/short.csv:3:1: row has 1 value, but the header has 2"]
    assert errors("source: data/broken.json", folder) == ["data/broken.json:3:9: not valid JSON: Expecting value"]


def test_a_quote_left_open_or_closed_too_early_is_told_at_its_row(folder):
    """Arrow reads these files (the quote runs on to the end), so a column holds text among numbers; the
    odd value's line is found by reading the file again, which must tell the quote, not fail."""
    (folder / "data" / "open.csv").write_text('A,B\n1,2\n3,"x\n5,6\n')
    (folder / "data" / "early.csv").write_text('A,B\n1,2\n3,"x"y\n5,6\n')
    assert errors("source: data/open.csv", folder) == [
        "data/open.csv:3:1: a quote opened in this row is never closed: close it, or write a quote inside a value"
        ' twice ("")'
    ]
    assert errors("source: data/early.csv", folder) == [
        'data/early.csv:3:1: a quoted value goes on after its closing quote: write a quote inside a value twice ("")'
    ]


def test_a_quote_left_open_is_refused_with_exit_status_2_and_nothing_written(folder, capsys):
    (folder / "data" / "open.csv").write_text('A,B\n1,2\n3,"x\n5,6\n')
    (folder / "spec.yaml").write_text(spec("source: data/open.csv", folder, "table"))
    assert main(["build", "spec.yaml", "--out", "out"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "data/open.csv:3:1: a quote opened in this row is never closed: close it, or write a quote inside a value"
        ' twice ("")'
    ]
    assert not (folder / "out").exists()


def test_a_chart_reads_categories_and_series(folder):
    doc = loads(
        spec(
            """\
            type: bar
            title: Casualties by month
            source: data/incidents.csv
            columns: [region, incidents, {from: cas_total, as: Casualties, format: integer}]
            x: region
            y: [incidents, Casualties]
            """,
            folder,
            "chart",
        ),
        "spec.yaml",
        folder,
    )
    chart = doc.sections[0].content[0]
    assert chart == Chart(
        "bar",
        "Casualties by month",
        ("Gao", "Mopti", "Gao", "Kidal"),
        (Series("incidents", (3.0, 5.0, 1.0, 2.0)), Series("Casualties", (1204.0, 17.0, 4.0, None))),
        category_name="region",
    )


def test_chart_errors(folder):
    assert errors(
        "{type: pie, title: P, source: data/incidents.csv, x: region, y: [incidents, share]}", folder, "chart"
    ) == ["spec.yaml:6:75: a pie shows one column of values; give y a single column"]
    assert errors("{type: line, title: L, source: data/incidents.csv, x: date, y: region}", folder, "chart") == [
        "spec.yaml:6:74: column 'region' holds text (data/incidents.csv:2:2: 'Gao'); a chart needs numbers"
    ]


@pytest.mark.parametrize(
    ("value", "fmt", "text", "excel"),
    [
        (1234.5, NumberFormat("integer"), "1,235", "#,##0"),
        (2.5, NumberFormat("integer"), "3", "#,##0"),
        (-1234.5, NumberFormat("decimal", 2), "-1,234.50", "#,##0.00"),
        (0.125, NumberFormat("percent", 1), "12.5%", "#,##0.0%"),
        (1234.5, NumberFormat("currency", 2, "EUR"), "€1,234.50", '"€"#,##0.00'),
        (-70, NumberFormat("currency", 0, "CHF"), "-CHF\u00a070", '"CHF\u00a0"#,##0'),
        (dt.date(2025, 3, 3), NumberFormat("date"), "3 Mar 2025", "d mmm yyyy"),
    ],
)
def test_formats_read_the_same_as_their_excel_number_format(value, fmt, text, excel):
    assert formatted(value, fmt) == text
    assert excel_format(fmt) == excel


def test_hostile_data_files_get_one_positioned_line(folder):

    (folder / "data" / "binary.csv").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00\x00")
    (folder / "data" / "nested.json").write_text('[{"a": {"b": 1}}]')
    (folder / "data" / "fake.xlsx").write_text("not a workbook")
    (folder.parent / "secret.csv").write_text("a\n1\n")
    (folder / "data" / "link.csv").symlink_to(folder.parent / "secret.csv")
    assert errors("source: data/binary.csv", folder) == [
        "data/binary.csv:1:1: a byte that is not utf-8 text (invalid start byte); set encoding: to the file's own"
    ]
    assert errors("source: data/nested.json", folder) == [
        "data/nested.json:1:2: a value is a JSON object or list; table values must be single values"
    ]
    assert errors("source: data/fake.xlsx", folder) == ["spec.yaml:6:19: 'fake.xlsx' is not a readable .xlsx workbook"]
    assert errors("source: data/link.csv", folder) == [
        "spec.yaml:6:19: data path 'data/link.csv' leads outside the spec's folder (--allow-path DIR lets it)"
    ]
    from briefing.limits import Limits

    assert errors("source: data/incidents.csv", folder, options=Options(limits=Limits(data_rows=3))) == [
        "data/incidents.csv:1:1: more than 3 rows; filter or split the data"
    ]


def test_a_stray_byte_is_told_at_its_line_and_column(folder):
    """Columns count characters, so 'é' before it counts once; a line of millions of characters is read a
    block at a time, and the byte past the first blocks is still placed."""
    rows = "".join(f"{n},Région {n}\n" for n in range(2, 5000)).encode()
    (folder / "data" / "stray.csv").write_bytes(b"a,b\n" + rows + b"5000,R\xc3\xa9gion \xff\n")
    (folder / "data" / "long.csv").write_bytes(b"a\n" + b"x" * 3_000_000 + b"\xe9\n")
    (folder / "data" / "stray.jsonl").write_bytes(b'{"a": 1}\n{"a": "caf\xe9"}\n')
    told = "a byte that is not utf-8 text ({}); set encoding: to the file's own"
    assert errors("source: data/stray.csv", folder) == [f"data/stray.csv:5000:13: {told.format('invalid start byte')}"]
    assert errors("source: data/long.csv", folder) == [
        f"data/long.csv:2:3000001: {told.format('invalid continuation byte')}"
    ]
    assert errors("source: data/stray.jsonl", folder) == [
        f"data/stray.jsonl:2:11: {told.format('invalid continuation byte')}"
    ]


def test_an_xlsx_with_an_xml_entity_bomb_is_refused(folder):
    import zipfile

    book = Workbook()
    book.active.append(["a"])
    book.active.append([1])
    plain = folder / "data" / "plain.xlsx"
    book.save(plain)
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
        + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    bomb += '<row r="1"><c r="A1" t="inlineStr"><is><t>&i;</t></is></c></row></sheetData></worksheet>'
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(folder / "data" / "bomb.xlsx", "w") as target:
        for item in source.infolist():
            data = bomb.encode() if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            target.writestr(item, data)
    (message,) = errors("source: data/bomb.xlsx", folder)
    assert message.startswith("spec.yaml:6:19: 'bomb.xlsx' is not a readable .xlsx workbook")


def test_an_impossible_date_is_reported_at_its_place_not_turned_into_text(folder):
    (folder / "data" / "ipc.csv").write_text(
        "Week,Phase\n2026-01-05,3\n2026-01-12,3\n2026-02-30,4\n2026-02-09,4\n2026-03-02,1,2\n".replace(",1,2", ",12")
    )
    assert errors("source: data/ipc.csv", folder) == [
        "data/ipc.csv:4:1: '2026-02-30' in column 'Week' is not a date (YYYY-MM-DD):"
        " February 2026 has no day 30 (it has 28)"
    ]
    (folder / "data" / "groups.csv").write_text('Name,People\na,"1,234"\nb,"1,23,4"\n')
    assert errors("source: data/groups.csv", folder) == [
        "data/groups.csv:3:2: '1,23,4' in column 'People' is not an integer: its thousands are not grouped in threes"
    ]


def test_format_date_names_the_values_that_are_not_dates(folder):
    (folder / "data" / "d.csv").write_text("Week,n\n2026-01-05,1\n2026-01-12,2\nsoon,3\n")
    table = "source: data/d.csv\ncolumns: [{from: Week, format: date}, n]"
    assert errors(table, folder) == [
        "data/d.csv:4:1: 'soon' in column 'Week' is not a date (YYYY-MM-DD), as the column's date format needs"
    ]


def built_warnings(folder: Path, name: str, text: str) -> list[str]:
    """The warnings of building a workbook from a spec whose table is the data file ``name`` holding ``text``."""
    from briefing import build

    (folder / "data" / name).write_text(text)
    spec_path = folder / "spec.yaml"
    spec_path.write_text(spec(f"source: data/{name}", folder))
    return [str(w) for w in build(spec_path, formats=["xlsx"], out=folder / "out").warnings]


def test_a_column_of_mixed_kinds_is_read_as_text_and_the_build_says_so(folder):
    assert built_warnings(folder, "mixed.csv", "Region,People\nGao,1200\nMopti,n/a\nKidal,300\n") == [
        "data/mixed.csv:3:2: column 'People' is read as text: 2 of its 3 values are numbers, "
        "but not 'n/a' (give type: number to refuse the others)"
    ]


def test_a_long_data_file_is_held_as_columns_its_repeated_values_once(folder):
    from briefing.model import Rows
    from briefing.reading.datafiles import SHARED

    lines = ["Ref,Region,Week,People"]
    lines += [f"R-{i:06d},{['Gao', 'Mopti', 'Kidal'][i % 3]},2026-01-{1 + i % 28:02d},{i}" for i in range(SHARED + 500)]
    (folder / "data" / "long.csv").write_text("\n".join(lines) + "\n")
    table = load_table("source: data/long.csv", folder)
    assert isinstance(table.rows, Rows) and len(table.rows) == SHARED + 500
    refs, regions, weeks, people = table.rows.columns
    assert [type(c) for c in table.rows.columns] == [tuple] * 4
    last = SHARED + 499
    region, day = ["Gao", "Mopti", "Kidal"][last % 3], dt.date(2026, 1, 1 + last % 28)
    assert table.rows[last] == (f"R-{last:06d}", region, day, last)
    # Equal texts and the dates read from them are one object each, however many rows hold them.
    assert len({id(v) for v in regions}) == 3 and len({id(v) for v in weeks}) == 28
    assert refs[-1] == f"R-{SHARED + 499:06d}"  # past the shared ones, values are still all there
    assert list(people) == list(range(SHARED + 500))


def test_a_mixed_column_is_noticed_past_many_rows_and_text_columns_stop_at_their_first_word(folder):
    rows = [f"{i},{'Gao' if i else 'Menaka'}" for i in range(5000)] + ["n/a,Gao"]
    assert built_warnings(folder, "m.csv", "People,Place\n" + "\n".join(rows) + "\n") == [
        "data/m.csv:5002:1: column 'People' is read as text: 5000 of its 5001 values are numbers, "
        "but not 'n/a' (give type: number to refuse the others)"
    ]


def test_a_file_used_by_many_tables_is_read_once_and_each_table_gets_what_it_asks(folder, monkeypatch):
    from briefing.reading import datafiles

    reads = []
    real = datafiles.read
    monkeypatch.setattr(datafiles, "read", lambda *args: reads.append(args[0].name) or real(*args))
    text = "title: T\nsections:\n  - heading: H\n    content:\n"
    text += "      - table: {source: data/incidents.csv, sort: -incidents, limit: 2}\n"
    text += "      - table: {source: data/incidents.csv, columns: [{from: incidents, type: text}]}\n"
    text += "      - table: {source: data/incidents.csv, where: {column: region, value: Gao}}\n"
    text += "      - table: {source: data/incidents.csv, columns: [incidents, {from: share, format: percent}]}\n"
    first, as_text, gao, shares = tables(loads(text, "spec.yaml", folder))
    assert [row[2] for row in first.rows] == [5, 3]
    assert [row[0] for row in as_text.rows] == ["3", "5", "1", "2"]  # as written, not the numbers another read
    assert [row[1] for row in gao.rows] == ["Gao", "Gao"] and gao.rows[0][3] == 1204
    assert list(shares.rows) == [(3, 0.25), (5, 0.125), (1, 0.5), (2, 0.0625)]
    # Once for the tables that agree on its types, once more for the one that wanted text.
    assert reads == ["incidents.csv", "incidents.csv"]


def test_what_the_tables_of_a_spec_take_from_data_files_is_budgeted_together(folder):
    from briefing.limits import Limits

    text = "title: T\nsections:\n  - heading: H\n    content:\n"
    text += "      - table: {source: data/incidents.csv}\n" * 3
    tight = Options(limits=Limits(data_values_used=60))  # a table takes 4 rows of 6 columns: 24 values
    with pytest.raises(SpecError) as caught:
        loads(text, "spec.yaml", folder, tight)
    assert [str(p) for p in caught.value.problems] == [
        "spec.yaml:7:25: the spec's tables and charts take more than 60 values from data files "
        "(a file used by two tables counts twice); filter the data or split the spec"
    ]
    enough = Options(limits=Limits(data_values_used=72))
    assert len(tables(loads(text, "spec.yaml", folder, enough))) == 3


def test_a_column_one_table_forces_to_text_stays_as_written_for_the_next(folder):
    (folder / "data" / "n.json").write_text(
        json.dumps([{"place": "Gao", "people": 1200}, {"place": "Kidal", "people": 7}])
    )
    text = "title: T\nsections:\n  - heading: H\n    content:\n"
    text += "      - table: {source: data/n.json, columns: [place, {from: people, type: text}]}\n"
    text += "      - table: {source: data/n.json}\n"
    as_text, as_read = tables(loads(text, "spec.yaml", folder))
    assert list(as_text.rows) == [("Gao", "1200"), ("Kidal", "7")]
    assert list(as_read.rows) == [("Gao", 1200), ("Kidal", 7)]
