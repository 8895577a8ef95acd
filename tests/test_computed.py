"""Computed columns (change, pct_change, share) and missing values, from YAML to the files a reader opens."""

from __future__ import annotations

import textwrap
from pathlib import Path

import openpyxl
import pytest

from briefing import SpecError, load
from briefing.build import write_pack
from briefing.model import NumberFormat, tables
from briefing.registry import get

from .conftest import pdf_text, squash

WEEK = "Region,Last week,This week,Spend\nGao,14,19,1000.5\nMénaka,9,7,n/a\nMopti,21,24,300\nKidal,-,3,10\n"
TABLE = """\
title: Week
source: week.csv
missing: ["n/a", "-"]
columns:
  - Region
  - Last week
  - This week
  - {change: This week - Last week}
  - {pct_change: This week - Last week, as: Change (%)}
  - {share: This week, as: Share}
  - {from: Spend, format: currency}
  - {change: Spend - Last week, as: Spend less last week}
sort: [-Change]
"""


def write(folder: Path, table: str, totals: str = "") -> Path:
    (folder / "week.csv").write_text(WEEK, encoding="utf-8")
    body = textwrap.indent(table + totals, " " * 10)
    spec = folder / "week.yaml"
    spec.write_text(f"title: T\nsections:\n  - heading: H\n    content:\n      - table:\n{body}", encoding="utf-8")
    return spec


def problems(spec: Path) -> list[str]:
    with pytest.raises(SpecError) as caught:
        load(spec)
    return [str(p) for p in caught.value.problems]


def test_computed_columns_take_their_type_and_format_from_what_they_read(tmp_path):
    table = tables(load(write(tmp_path, TABLE)))[0]
    assert table.columns[3:6] == ("Change", "Change (%)", "Share")
    rows = list(table.rows)
    assert [r[0] for r in rows] == ["Gao", "Mopti", "Ménaka", "Kidal"]  # sorted by the computed change
    assert [r[3] for r in rows] == [5, 3, -2, None]
    assert all(isinstance(r[3], int) for r in rows[:3])
    assert [round(r[4], 4) if r[4] is not None else None for r in rows] == [0.3571, 0.1429, -0.2222, None]
    assert [round(r[5], 4) for r in rows] == [round(v / 53, 4) for v in (19, 24, 7, 3)]
    assert [r[6] for r in rows] == [1000.5, 300, None, 10]  # 'n/a' is an empty cell, and the column stays numbers
    assert [r[7] for r in rows] == [986.5, 279, None, None]
    assert table.formats[3:] == (
        NumberFormat("integer", 0),
        NumberFormat("percent", 1),
        NumberFormat("percent", 1),
        NumberFormat("currency", 2, "USD"),
        NumberFormat("currency", 2, "USD"),  # a change reads as what it changes
    )


def test_totals_skip_missing_values_and_say_how_many(tmp_path):
    spec = write(tmp_path, TABLE, "totals: {Last week: sum, This week: sum, Change: sum, Spend: mean}\n")
    doc = load(spec)
    totals = tables(doc)[0].totals
    assert totals.values[1:4] == (44, 53, 6) and totals.values[6] == pytest.approx(1310.5 / 3)
    assert totals.skipped == (0, 1, 0, 1, 0, 0, 1, 0)
    assert [f"{pos}: {message}" for pos, message in doc.notices] == [
        f"{spec}:19:31: the sum of column 'Last week' leaves out 1 empty or missing value",
        f"{spec}:19:60: the sum of column 'Change' leaves out 1 empty or missing value",
        f"{spec}:19:72: the mean of column 'Spend' leaves out 1 empty or missing value",
    ]


def test_computed_columns_read_back_from_excel_and_the_pdf(tmp_path):
    doc = load(write(tmp_path, TABLE, "totals: {This week: sum, Change: sum}\n"))
    pack = write_pack(doc, "week", [get("xlsx"), get("pdf")], tmp_path / "out")
    sheet = openpyxl.load_workbook(tmp_path / "out" / "week.xlsx").worksheets[-1]
    header = [c.value for c in sheet[2]]
    gao = {name: cell for name, cell in zip(header, sheet[3], strict=True)}
    assert gao["Change"].value == 5 and gao["Change"].number_format == "#,##0"
    assert gao["Change (%)"].value == pytest.approx(5 / 14) and gao["Change (%)"].number_format == "#,##0.0%"
    assert gao["Spend"].value == 1000.5 and gao["Spend less last week"].number_format == '"$"#,##0.00'
    menaka = {name: cell.value for name, cell in zip(header, sheet[5], strict=True)}
    assert menaka["Spend"] is None and menaka["Region"] == "Ménaka"
    text = squash(pdf_text(pack.paths[1]))
    assert "Gao 14 19 5 35.7% 35.8% $1,000.50 $986.50" in text
    assert "Ménaka 9 7 -2 -22.2% 13.2%" in text


@pytest.mark.parametrize(
    ("column", "message"),
    [
        (
            "{change: This week - Last wek}",
            "no column 'Last wek' in the data (did you mean 'Last week'?)",
        ),
        ("{change: This week}", "change takes two columns, the newer first: 'change: This week - Last week'"),
        ("{share: Regoin}", "no column 'Regoin' in the data (did you mean 'Region'?)"),
        (
            "{from: Spend, change: Spend - This week}",
            "from and change together: a column takes one of from (a column of the data), change, pct_change or share",
        ),
        (
            "{change: Spend - This week, as: Region}",
            "the data has a column 'Region' already: give this one another name (as:)",
        ),
    ],
)
def test_a_computed_column_that_cannot_be_computed_is_one_line(tmp_path, column, message):
    table = "source: week.csv\nmissing: [n/a, '-']\ncolumns:\n  - Region\n  - " + column + "\n"
    spec = write(tmp_path, table)
    (found,) = problems(spec)
    assert found.split(": ", 1)[1] == message
    assert found.startswith(f"{spec}:10:")


def test_the_value_that_breaks_a_type_is_the_one_cited(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # data files are named relative to the working folder
    (tmp_path / "bad.csv").write_text("region,incidents\nGao,48\nMopti,n/a\nKidal,12\n")
    spec = tmp_path / "s.yaml"
    spec.write_text(
        "title: T\nsections:\n  - heading: H\n    content:\n"
        "      - chart: {type: bar, title: C, source: bad.csv, x: region, y: incidents}\n"
        "      - table: {source: bad.csv, totals: {incidents: sum}}\n"
        "      - table: {source: bad.csv, columns: [region, {change: incidents - incidents}]}\n"
    )
    hint = ' (give missing: ["n/a"] if it means "no value")'
    assert problems(spec) == [
        f"{spec}:5:69: column 'incidents' holds text (bad.csv:3:2: 'n/a'); a chart needs numbers{hint}",
        f"{spec}:6:54: column 'incidents' holds text (bad.csv:3:2: 'n/a'), so it can only be counted{hint}",
        f"{spec}:7:61: column 'incidents' holds text (bad.csv:3:2: 'n/a'); change needs numbers{hint}",
    ]
