"""Data files read by Arrow give what reading each value alone gives: the same types, values and bad values' places."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.reading import arrow_csv
from briefing.reading.datafiles import SourceOptions

from .reference_typing import product_column, product_frame, readings

ROOT = Path(__file__).resolve().parent.parent
DATA_FILES = sorted(
    path
    for folder in ("tests", "specs")
    for path in (ROOT / folder).rglob("*")
    if path.suffix.lower() in (".csv", ".json", ".jsonl", ".ndjson", ".xlsx") and "node_modules" not in path.parts
)

TRICKY = {
    "kinds.csv": 'i,n,d,b,t\n1,1.5,2026-01-05,yes,Gao\n-2,"1,234.5",2026-02-30,No,007\n+3,.5,2026-1-05,TRUE,\n',
    "grouping.csv": 'a,b\n"1,234","1,23,4"\n"12,345,678",5\n',
    "spaces.csv": "a,b\n 1 ,\t\n  ,x\n2,\u00a0\n",
    "blank rows.csv": "a,b\n1,2\n\n,\n3,4\n",
    "quoted lines.csv": 'a,b\n"two\nlines",1\nx,2\n"three\n\nlines",2026-13-01\n',
    "not ascii.csv": "a,b,c\n\u0661\u0662,ja,2026-01-05T10:00\n3,nein,2026-01-05 10:00:30.5\n",
    "long numbers.csv": "a,b\n123456789012345678901234,1e400\n5,-.5e-3\n",
    "dates and times.csv": "a\n2026-01-05\n2026-01-05T10:00\n0000-01-01\n2024-02-29\n1900-02-29\n",
    "signs.csv": "a,b\n+,.\n-,e5\n",
    "mixed.csv": "a\n" + "x\n" + "\n" * 3 + "5\n5\n5\n",
    "bom.csv": "\ufeffa,b\n1,2\n",
    "week dates.csv": "a\n2026-W01-1\n2026-01-05\n",
}


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_data_file_reads_as_the_reference_reads_it(path):
    reference, product = readings(path)
    assert product == reference


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_tricky_csv_reads_as_the_reference_reads_it(tmp_path, name):
    path = tmp_path / name
    path.write_text(TRICKY[name], encoding="utf-8")
    reference, product = readings(path)
    assert product == reference


def test_missing_values_are_blanked_as_the_reference_blanks_them(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("a,b\n1,n/a\n - ,2\n3, n/a \n", encoding="utf-8")
    options = SourceOptions(missing=("n/a", "-"))
    reference, product = readings(path, options)
    assert product == reference


def test_a_csv_file_is_read_by_arrow_and_its_rows_found_only_for_messages(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("a,b\n1,x\n\n2,y\n", encoding="utf-8")
    frame = product_frame(path, "d.csv")
    assert frame.store is not None and frame.locate.__self__.lines is None  # type: ignore[attr-defined]
    assert str(frame.locate(1, 1)) == "d.csv:4:2"


def test_what_arrow_cannot_read_as_python_does_is_read_line_by_line(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("a,b\n1,2\n,\n3\n", encoding="utf-8")
    assert arrow_csv.read_csv(path, "short.csv", SourceOptions()) is None


# -- random files ----------------------------------------------------------------------------

EXAMPLES = int(os.environ.get("BRIEFING_FUZZ_EXAMPLES", "40"))

integers = st.integers(-(10**12), 10**12).map(lambda n: f"{n:,}" if abs(n) > 999 and n % 3 else str(n))
floats = st.floats(-1e9, 1e9, allow_nan=False).map(repr)
dates = st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)).map(str)
booleans = st.sampled_from(["true", "false", "yes", "no", "True", "NO"])
texts = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"), max_size=12)
empties = st.sampled_from(["", " ", "  "])
KINDS = {"integer": integers, "number": floats, "date": dates, "boolean": booleans, "text": texts}
BAD = {"integer": ["1,23,4", "12,34"], "number": ["1,2.5"], "date": ["2026-02-30", "2025-13-01", "2026-04-31"]}


@st.composite
def tables(draw):
    kinds = draw(st.lists(st.sampled_from(sorted(KINDS)), min_size=1, max_size=5))
    length = draw(st.integers(1, 30))
    columns, injected = [], []
    for col, kind in enumerate(kinds):
        values = draw(st.lists(st.one_of(KINDS[kind], empties) if draw(st.booleans()) else KINDS[kind],
                               min_size=length, max_size=length))  # fmt: skip
        if kind in BAD and draw(st.booleans()):
            row = draw(st.integers(0, length - 1))
            values[row] = draw(st.sampled_from(BAD[kind]))
            injected.append((row, col))
        columns.append(values)
    return kinds, [list(row) for row in zip(*columns, strict=True)], injected


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tables())
def test_random_csv_files_read_as_the_reference_and_bad_values_are_found_where_they_are(tmp_path, table):
    kinds, rows, injected = table
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow([f"c{i}" for i in range(len(kinds))])
    lines, line = [], 1
    for row in rows:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(row)
        line += out.getvalue().count("\n")
        lines.append(line)
        text.write(out.getvalue())
    path = tmp_path / "random.csv"
    path.write_text(text.getvalue(), encoding="utf-8")
    reference, product = readings(path)
    assert product == reference
    kept = [i for i, row in enumerate(rows) if any(v.strip() for v in row)]
    for row, col in injected:
        if row not in kept:
            continue
        frame = product_frame(path, "random.csv")
        column = product_column(frame, col, kinds[col])
        assert f"random.csv:{lines[row]}:{col + 1}" in column.bad


def test_a_long_table_keeps_arrow_columns_that_read_as_the_reference(tmp_path, monkeypatch):
    import pickle

    from briefing import loads
    from briefing.model import tables
    from briefing.reading.arrow_store import Taken
    from briefing.reading.datafiles import LONG

    monkeypatch.chdir(tmp_path)
    rows = LONG + 10
    lines = ["Ref,Region,Week,People,Score"]
    lines += [f"R-{i:06d},{['Gao', 'Mopti', ''][i % 3]},2026-01-{1 + i % 28:02d},{i},{i / 4}" for i in range(rows)]
    (tmp_path / "long.csv").write_text("\n".join(lines) + "\n")
    spec = "title: T\nsections:\n  - heading: H\n    content:\n      - table: {source: long.csv}\n"
    table = tables(loads(spec, "spec.yaml", tmp_path))[0]
    assert all(isinstance(c, Taken) for c in table.rows.columns)
    last = rows - 1
    assert table.rows[last] == (
        f"R-{last:06d}",
        ["Gao", "Mopti", None][last % 3],
        dt.date(2026, 1, 1 + last % 28),
        last,
        last / 4,
    )
    assert table.rows[10:12] == [table.rows[10], table.rows[11]]
    assert list(table.rows.between(rows - 2)) == [table.rows[rows - 2], table.rows[rows - 1]]
    reference = [
        (f"R-{i:06d}", ["Gao", "Mopti", None][i % 3], dt.date(2026, 1, 1 + i % 28), i, i / 4) for i in range(rows)
    ]
    assert list(table.rows) == reference and table.rows == reference
    assert pickle.loads(pickle.dumps(table.rows)) == table.rows
    sorted_spec = spec.replace(
        "{source: long.csv}", "{source: long.csv, sort: -People, where: {column: Region, value: Gao}}"
    )
    kept = tables(loads(sorted_spec, "spec.yaml", tmp_path))[0]
    assert list(kept.rows) == sorted((r for r in reference if r[1] == "Gao"), key=lambda r: -r[3])


def test_a_build_without_data_files_does_not_import_pyarrow(tmp_path):
    import subprocess
    import sys

    spec = tmp_path / "s.yaml"
    spec.write_text("title: T\nsections:\n  - heading: H\n    content:\n      - table: {columns: [a], rows: [[1]]}\n")
    code = (
        "import sys\nfrom briefing import load\n"
        f"load({str(spec)!r})\n"
        "assert 'pyarrow' not in sys.modules and 'numpy' not in sys.modules, 'imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_running_out_of_memory_while_typing_a_data_file_is_one_line_at_its_source(tmp_path, monkeypatch):
    from briefing import SpecError, loads
    from briefing.reading import arrow_types

    def exhausted(*_args):
        raise MemoryError

    monkeypatch.setattr(arrow_types, "infer", exhausted)
    (tmp_path / "d.csv").write_text("a,b\n1,x\n", encoding="utf-8")
    spec = "title: T\nsections:\n  - heading: H\n    content:\n      - table: {source: d.csv}\n"
    with pytest.raises(SpecError) as caught:
        loads(spec, "spec.yaml", tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        "spec.yaml:5:25: 'd.csv' needs more memory than there is to read; filter or split the data"
    ]


@pytest.mark.parametrize(
    ("text", "line"),
    [('a,b\n1,"x"y\n2,z\n', 2), ('a,b\n1,2\n3,""y\n', 3), ('a,b\r\n1,"x"""y\r\n', 2)],
)
def test_a_quote_closing_a_field_before_its_end_is_refused_where_python_refuses_it(tmp_path, monkeypatch, text, line):
    from briefing import SpecError, loads

    monkeypatch.chdir(tmp_path)  # data files are named from the working folder

    (tmp_path / "quote.csv").write_bytes(text.encode())
    spec = "title: T\nsections:\n  - heading: H\n    content:\n      - table: {source: quote.csv}\n"
    with pytest.raises(SpecError) as caught:
        loads(spec, "spec.yaml", tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        f'quote.csv:{line}:1: a quoted value goes on after its closing quote: write a quote inside a value twice ("")'
    ]


def test_doubled_quotes_leave_a_file_to_arrow(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text('a,b\n"x""y",1\n"""q""",2\n', encoding="utf-8")
    assert not arrow_csv._quote_out_of_place(path, ",")
    frame = arrow_csv.read_csv(path, "q.csv", SourceOptions())
    assert frame is not None and list(frame.columns[0]) == ['x"y', '"q"']
