"""SECURITY.md stays true: its tables of limits hold every limit with its real value, and the tests it names exist.

The check is generic, so that a row added for a new limit is checked as soon as it is
written. A table of limits is any table whose first column is headed "limit"; its first
cell names either a field of ``briefing.limits.Limits`` (its default is checked) or a
constant by its dotted name, such as ``briefing.verify.MAX_MANIFEST_BYTES`` (its value is
checked); the second cell holds the figure, as "2,000,000", "64 MiB" or "30 s".
"""

from __future__ import annotations

import dataclasses
import importlib
import re
from pathlib import Path

import pytest

from briefing.limits import Limits

ROOT = Path(__file__).resolve().parent.parent
SECURITY = ROOT / "SECURITY.md"
UNITS = {"": 1, "B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "s": 1}
"""Units a figure may carry, and what they multiply it by."""
FIGURE = re.compile(r"(?P<number>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>[A-Za-z]*)")
TEST_PATH = re.compile(r"tests/[\w./-]*\w(?:::(?P<name>\w+))?")


def limit_rows(text: str) -> list[tuple[int, str, str]]:
    """(line number, name, figure) of every row of every table of limits in ``text``."""
    rows, in_table = [], False
    for number, line in enumerate(text.splitlines(), 1):
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.lstrip().startswith("|") else None
        if cells is None:
            in_table = False
        elif cells[0].lower() == "limit":
            in_table = True
        elif in_table and not set(cells[0]) <= set("-: "):
            rows.append((number, cells[0].strip("`"), cells[1] if len(cells) > 1 else ""))
    return rows


def figure(cell: str) -> float:
    found = FIGURE.fullmatch(cell.strip())
    if not found or found["unit"] not in UNITS:
        raise ValueError(f"'{cell}' is not a figure such as 2,000,000 or 64 MiB")
    return float(found["number"].replace(",", "")) * UNITS[found["unit"]]


def real_value(name: str) -> object:
    """The value a row's name stands for: a field's default, or a constant found by its dotted name."""
    defaults = {f.name: f.default for f in dataclasses.fields(Limits)}
    if name in defaults:
        return defaults[name]
    module, _, attribute = name.rpartition(".")
    if not module.startswith("briefing"):
        raise LookupError(f"'{name}' is neither a field of Limits nor a constant of briefing")
    return getattr(importlib.import_module(module), attribute)


def wrong_rows(text: str) -> list[str]:
    """One line for each row of a limits table that does not say what the code does."""
    wrong = []
    for line, name, cell in limit_rows(text):
        try:
            value = real_value(name)
            if figure(cell) != value:
                wrong.append(f"SECURITY.md:{line}: {name} is {cell} in the table but {value!r} in the code")
        except (LookupError, ImportError, AttributeError, ValueError) as exc:
            wrong.append(f"SECURITY.md:{line}: {exc}")
    return wrong


def test_every_row_of_a_limits_table_names_a_real_limit_with_its_real_value():
    text = SECURITY.read_text(encoding="utf-8")
    assert len(limit_rows(text)) >= len(dataclasses.fields(Limits))
    assert wrong_rows(text) == []


def test_every_limit_is_in_the_table():
    named = {name for _, name, _ in limit_rows(SECURITY.read_text(encoding="utf-8"))}
    missing = [f.name for f in dataclasses.fields(Limits) if f.name not in named]
    assert missing == [], "limits that SECURITY.md does not list"


def test_every_test_security_names_exists():
    text = SECURITY.read_text(encoding="utf-8")
    named = list(TEST_PATH.finditer(text))
    assert len(named) > 10
    missing = []
    for found in named:
        path = ROOT / found[0].split("::")[0]
        if not path.exists():
            missing.append(found[0])
        elif found["name"] and not re.search(rf"^\s*(?:async\s+)?def {found['name']}\b", path.read_text(), re.M):
            missing.append(found[0])
    assert missing == []


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        ("| limit | default |\n|---|---:|\n| `files` | 201 |\n", "files is 201 in the table but 200 in the code"),
        ("| limit | default |\n|---|---:|\n| `filez` | 200 |\n", "'filez' is neither a field"),
        ("| limit | value |\n|---|---:|\n| `briefing.verify.MAX_MANIFEST_BYTES` | 64 MB |\n", "not a figure"),
        ("| limit | value |\n|---|---:|\n| `briefing.verify.MAX_BYTES` | 64 MiB |\n", "has no attribute"),
    ],
)
def test_the_check_itself_finds_a_wrong_row(table, problem):
    """The check above fails on a wrong figure, an unknown name, a figure it cannot read, a constant that is gone."""
    text = SECURITY.read_text(encoding="utf-8")
    (found,) = wrong_rows(f"{text}\n{table}")
    assert found.startswith(f"SECURITY.md:{len(text.splitlines()) + 4}: ") and problem in found


def test_the_table_reader_reads_figures_and_rows():
    assert [figure(c) for c in ("2,000,000", "64 MiB", "30 s", "1.5 KiB")] == [2e6, 64 * 2**20, 30, 1536]
    text = "| limit | default | what |\n|---|---:|---|\n| `a` | 1 | x |\n| `b` | 2,000 | y |\n"
    text += "\n| other |\n|---|\n| `c` |\n"  # a table of something else is not read
    assert limit_rows(text) == [(3, "a", "1"), (4, "b", "2,000")]
