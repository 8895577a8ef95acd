"""Workbooks read by calamine give what the streaming openpyxl reader gives: the same names, values, types
and places; a sheet calamine could not hold safely is never given to it."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from briefing.reading import workbooks, xlsx_scan
from briefing.reading.datafiles import SourceOptions

from .conftest import run_briefing_measured
from .test_hostile_budget import DIMENSION_BOMB, workbook

ROOT = Path(__file__).resolve().parent.parent


def frames(path: Path, options: SourceOptions, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """The workbook read by calamine, and read by the streaming reader alone."""
    fast = workbooks.read_xlsx(path, path.name, options)
    with monkeypatch.context() as patch:
        patch.setattr(workbooks, "_calamine", lambda *_: None)
        slow = workbooks.read_xlsx(path, path.name, options)
    return fast, slow


def typed(frame: Any) -> list[list[tuple[str, Any]]]:
    return [[(type(v).__name__, v) for v in column] for column in frame.columns]


def places(frame: Any) -> list[Any]:
    return [frame.locate(row, col) for col in range(len(frame.names)) for row in range(len(frame.columns[col]))]


def assert_alike(path: Path, options: SourceOptions, monkeypatch: pytest.MonkeyPatch) -> None:
    with zipfile.ZipFile(path) as archive:
        shape = xlsx_scan.scan(archive, "xl/worksheets/sheet1.xml")
    assert shape is not None and xlsx_scan.fits(shape), "calamine is used for this workbook"
    fast, slow = frames(path, options, monkeypatch)
    assert fast.names == slow.names
    assert typed(fast) == typed(slow)
    assert places(fast) == places(slow)


def test_the_funding_workbook_reads_alike(monkeypatch):
    assert_alike(ROOT / "specs" / "data" / "sahel-funding.xlsx", SourceOptions(), monkeypatch)


def every_kind(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Figures"
    sheet["A1"] = "not data"
    sheet.append([])
    sheet.append([None, "Region", "People", "Share", "Day", "At", "Open", "Note", "Sum", "Half", ""])
    rows = [
        ["Gao", 12, 0.25, dt.date(2026, 1, 5), dt.datetime(2026, 1, 5, 10, 30), True, "first", None, 1.5],
        ["Ménaka", -3, 1e-7, dt.date(1999, 12, 31), dt.datetime(2026, 2, 1, 23, 59, 59), False, "  ", None, 2.5],
        [None, None, None, None, None, None, None, None, None],
        ["Kidal", 2**40, 1234.5678, dt.date(2026, 3, 1), dt.datetime(2026, 3, 1), None, "x", None, -0.5],
    ]
    for number, row in enumerate(rows, 4):
        sheet.append([None, *row])
        sheet.cell(number, 9, f"=C{number}*2")  # a formula: its cached value is written below
    sheet["K9"] = "outside the header"
    book.save(path)
    # openpyxl writes formulas without their values: give them values as Excel caches them.
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(path.with_suffix(".tmp"), "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                for number, value in ((4, b"24"), (5, b"-6"), (7, b"2199023255552")):
                    formula = b"<f>C%d*2</f><v></v>" % number
                    data = data.replace(formula, b"<f>C%d*2</f><v>%s</v>" % (number, value))
            out.writestr(info, data)
    path.with_suffix(".tmp").replace(path)


def test_a_workbook_of_every_kind_reads_alike(tmp_path, monkeypatch):
    every_kind(tmp_path / "kinds.xlsx")
    assert_alike(tmp_path / "kinds.xlsx", SourceOptions(range="B3:J8"), monkeypatch)
    fast, _ = frames(tmp_path / "kinds.xlsx", SourceOptions(range="B3:J8"), monkeypatch)
    assert [type(v) for v in fast.columns[1]] == [int, int, int]  # whole numbers stay ints; the empty row is left out
    assert fast.columns[7] == [24, -6, 2199023255552]  # the formulas' cached values
    assert fast.columns[3][0] == dt.date(2026, 1, 5)
    assert fast.columns[4][0] == dt.datetime(2026, 1, 5, 10, 30)
    assert fast.columns[6] == ["first", None, "x"]
    assert_alike(tmp_path / "kinds.xlsx", SourceOptions(range="B3:J20"), monkeypatch)


def replaced(path: Path, old: bytes, new: bytes) -> Path:
    out = path.with_name("changed.xlsx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, data.replace(old, new) if info.filename == "xl/worksheets/sheet1.xml" else data)
    return out


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b"<v>24</v>", b"<v>24.0</v>"),  # openpyxl reads it as a float, calamine gives no sign of it
        (b"<v>24</v>", b"<v>12345678901234567890</v>"),  # more digits than a float holds
        (b'<c r="I4"', b'<c r="I4" t="e"'),  # an error value, which calamine gives as an empty cell
        (b'<c r="I4"', b'<c r="I9"'),  # a cell placed in another row than its own
        (b'<c r="I4"', b"<c"),  # a cell with no place
        (b"<sheetData>", b"<sheetData><!-- a comment -->"),
    ],
)
def test_a_sheet_calamine_would_read_otherwise_is_streamed(tmp_path, old, new):
    every_kind(tmp_path / "kinds.xlsx")
    changed = replaced(tmp_path / "kinds.xlsx", old, new)
    with zipfile.ZipFile(changed) as archive:
        assert new in archive.read("xl/worksheets/sheet1.xml")
        assert old not in archive.read("xl/worksheets/sheet1.xml") or new.startswith(old)
        assert xlsx_scan.scan(archive, "xl/worksheets/sheet1.xml") is None


def test_the_dimension_bomb_is_never_given_to_calamine(tmp_path):
    """Calamine would hold 40 million cells in one range and, under a memory limit, abort the process;
    the scan sees two cells nineteen million rows apart and leaves the sheet to the streaming reader."""
    workbook(tmp_path, "dim.xlsx", DIMENSION_BOMB)
    with zipfile.ZipFile(tmp_path / "dim.xlsx") as archive:
        shape = xlsx_scan.scan(archive, "xl/worksheets/sheet1.xml")
    assert shape is not None and shape.cells == 3 and shape.area == 40_000_000
    assert not xlsx_scan.fits(shape)
    code, _seconds, peak = run_briefing_measured(
        ["build", "bad.yaml", "--out", "out"], tmp_path, 1 << 30, 60, tmp_path / "out.txt", tmp_path / "err.txt"
    )
    err = (tmp_path / "err.txt").read_text()
    assert code == 2, err
    assert err.strip() == (
        "dim.xlsx:10002:1: more than 10,000 empty rows in a row; give range: to say where the data is"
    )
    assert peak is not None and peak < 300
