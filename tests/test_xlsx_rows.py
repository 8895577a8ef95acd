"""Excel: a long table's rows written as text are the workbook openpyxl's own writer makes, cell by cell.

The adapter writes plain rows itself (briefing/adapters/openpyxl.py, ``_RowText``); here the same
spec is built with every row left to openpyxl, and the two workbooks are compared: every part's bytes,
and every cell's value, type, number format and look read back by openpyxl.
"""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from briefing import build
from briefing.adapters import openpyxl as openpyxl_adapter

ROWS = 2_000

SPEC = """\
title: Annex
sections:
  - heading: Incident log
    content:
      - paragraph: The log below^[Figures as reported.] lists every incident.
      - table:
          title: Log
          source: log.csv
          columns:
            - Incident
            - {from: Count, format: integer}
            - Score
            - {from: Share, format: percent}
            - Verified
            - Date
            - Region
            - Note
            - Ref
          totals: {Count: sum, Score: mean}
"""

_REGIONS = ["Gao", "Ménaka", "Tillabéri", "  Kidal", "Mopti ", "A & B <north>", "الحوادث", "Ségou 🙂", "Kayes"]


def _row(i: int) -> list[Any]:
    """Row ``i`` of the log: every kind of value a table holds, some missing, some texts XML writes apart."""
    start = dt.date(2026, 1, 1)
    note = ["", "checked", "a long note " * (1 + i % 9), "x\ty", "=not a formula"][i % 5]
    return [
        f"Incident {i}",
        i * 7 - 3_000,
        "" if i % 11 == 0 else i * 1.25 - 0.1,
        (i % 97) / 100,
        ["true", "false", ""][i % 3],
        (start + dt.timedelta(days=i % 400)).isoformat(),
        _REGIONS[i % len(_REGIONS)],
        note,
        f"R-{i:06d}",
    ]


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("annex")
    with (folder / "log.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Incident", "Count", "Score", "Share", "Verified", "Date", "Region", "Note", "Ref"])
        writer.writerows(_row(i) for i in range(ROWS))
    path = folder / "annex.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return path


def _built(spec: Path, out: Path) -> Path:
    (path,) = build(spec, formats=["xlsx"], out=out).paths
    return path


def _both(spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """The spec's workbook as built, and as built with every row left to openpyxl's own writer."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")  # the same time in both
    as_text = []
    made = openpyxl_adapter._RowText.row

    def counted(self: Any, cells: Any, row_idx: int) -> str | None:
        row = made(self, cells, row_idx)
        as_text.append(row is not None)
        return row

    monkeypatch.setattr(openpyxl_adapter._RowText, "row", counted)
    written = _built(spec, tmp_path / "text")
    assert sum(as_text) > ROWS * 0.8 and not all(as_text)  # most rows as text, some (Arabic) by openpyxl
    monkeypatch.setattr(openpyxl_adapter._RowText, "row", lambda *_: None)
    return written, _built(spec, tmp_path / "openpyxl")


def _cells(path: Path) -> dict[str, Any]:
    """Every sheet's cells as openpyxl reads them back, with the sheet's own settings."""
    book = load_workbook(path, rich_text=True)
    found: dict[str, Any] = {}
    for sheet in book.worksheets:
        found[sheet.title] = {
            "widths": {k: d.width for k, d in sheet.column_dimensions.items()},
            "heights": {k: d.height for k, d in sheet.row_dimensions.items() if d.height is not None},
            "frozen": sheet.freeze_panes,
            "tables": dict(sheet.tables.items()),
            "cells": [
                [
                    (c.value, c.data_type, c.number_format, c.style, repr(c.font), repr(c.fill), repr(c.border))
                    + (repr(c.alignment), c.hyperlink.location if c.hyperlink else None)
                    for c in row
                ]
                for row in sheet.iter_rows()
            ],
        }
    return found


def test_a_long_table_is_the_workbook_openpyxl_writes(spec, tmp_path, monkeypatch):
    written, own = _both(spec, tmp_path, monkeypatch)
    ours, theirs = _cells(written), _cells(own)
    assert ours.keys() == theirs.keys()
    for name in ours:
        for key in ("widths", "heights", "frozen", "tables"):
            assert ours[name][key] == theirs[name][key], (name, key)
        assert len(ours[name]["cells"]) == len(theirs[name]["cells"])
        for number, (mine, openpyxl_own) in enumerate(zip(ours[name]["cells"], theirs[name]["cells"], strict=True), 1):
            assert mine == openpyxl_own, f"{name} row {number}"
    log = ours["Log"]["cells"]
    assert len(log) == 1 + 1 + ROWS + 1  # caption, header, body, totals
    assert [c[0] for c in log[2][:5]] == ["Incident 0", -3000, None, 0, True]
    assert log[2][5][0] == dt.datetime(2026, 1, 1) and log[2][5][2] == "yyyy-mm-dd"
    assert log[2 + 3][6][0] == "  Kidal" and log[2 + 5][6][0] == "A & B <north>"
    assert str(log[2 + ROWS][1][0]).startswith("=SUBTOTAL(109,")


def test_a_long_table_is_the_same_bytes_as_openpyxl_writes(spec, tmp_path, monkeypatch):
    written, own = _both(spec, tmp_path, monkeypatch)
    with zipfile.ZipFile(written) as ours, zipfile.ZipFile(own) as theirs:
        assert ours.namelist() == theirs.namelist()
        for name in ours.namelist():
            assert ours.read(name) == theirs.read(name), name
