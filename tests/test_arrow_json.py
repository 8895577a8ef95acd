"""JSON-lines data files read by Arrow give what reading each line with Python's json module gives: the same
names, types and values, and every mistake at the same line and column."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing import SpecError, loads
from briefing.model import tables
from briefing.reading import arrow_json
from briefing.reading.datafiles import SourceOptions

from .reference_typing import product_column, product_frame, readings

HEAD = "title: T\nsections:\n  - heading: H\n    content:\n"

TRICKY = {
    "kinds": '{"i":1,"f":1.5,"b":true,"t":"Gao","n":null}\n{"i":-2,"f":2.25,"b":false,"t":"Mopti","n":null}\n',
    "ints among floats": '{"a":1.5}\n{"a":2}\n{"a":2.0}\n{"a":-0}\n{"a":-0.0}\n{"a":1e3}\n{"a":1E-2}\n',
    "a key of signs, and in a text": (
        '{"a b.c":1.5,"x":"\\"a b.c\\": 3"}\n{"a b.c":2,"x":"q"}\n{"a b.c":2.0}\n{"a b.c":0.0}\n{"a b.c":-0.0}\n'
        '{"a b.c":12345678901234567890}\n{"a b.c":1e2}\n{"a b.c":-7}\n'
    ),
    "a key written with escapes": '{"\\u0061":1.5}\n{"a":2}\n{"a":2.0}\n',
    "whole floats only": '{"a":1.5}\n{"a":2.0}\n{"a":0.0}\n{"a":-0.0}\n{"a":-0.0}\n{"a":1e2}\n',
    "long integers": '{"a":1}\n{"a":123456789012345678901234567890}\n{"a":-9223372036854775808}\n',
    "times as text": '{"b":1,"d":"2026-01-05"}\n{"d":"2026-01-05 10:00:00","b":2}\n{"d":"2026-02-30"}\n',
    "a time column first seen late": '{"b":1}\n{"b":2,"d":"2026-01-05"}\n',
    "keys in other orders": '{"a":1,"b":"x"}\n{"c":true,"b":"y"}\n{"b":"z","a":3,"c":false}\n',
    "escapes": '{"a":"caf\\u00e9 \\ud83d\\ude00 \\"q\\" \\\\ \\/"}\n{"a":"\u0627\u0644\u0646\u064a\u062c\u0631"}\n',
    "crlf": '{"a":1}\r\n{"a":2}\r\n',
    "space at the end": '{"a":1}\n{"a":2}\n\n  \n',
    "a blank line": '{"a":1}\n\n{"a":2}\n',
    "space before a row": '{"a":1}\n  {"a":2}\n',
    "lists under a header": '["a","b"]\n[1,"x"]\n[2.5,null]\n',
    "a brace in a text": '{"a":"{x}"}\n{"a":"[y]"}\n',
    "two kinds in a column": '{"a":1}\n{"a":"one"}\n{"a":true}\n',
    "only empty values": '{"a":null}\n{"a":null}\n',
    "bom": '\ufeff{"a":1}\n',
    "empty objects": "{}\n{}\n",
    "nested value": '{"a":1}\n{"a":{"b":1}}\n',
    "a list as a value": '{"a":1}\n{"a":[1]}\n',
    "two rows on a line": '{"a":1} {"a":2}\n',
    "a row over two lines": '{"a":1,\n"b":2}\n',
    "not valid": '{"a":1}\n{"a":1,}\n',
    "a key twice": '{"a":1,"a":2}\n',
    "not finite": '{"a":1.5}\n{"a":NaN}\n',
    "infinity": '{"a":1.5}\n{"a":-Infinity}\n',
    "too big for a float": '{"a":1.5}\n{"a":1e400}\n',
    "a scalar line": '{"a":1}\n5\n',
    "objects then a list": '{"a":1}\n["a"]\n',
    "lone surrogate": '{"a":"x\\ud800y"}\n',
    "a control character": '{"a":"x\ty"}\n',
    "empty": "",
    "all space": " \n\n",
    "a header with a blank name": '["a",""]\n[1,2]\n',
    "a short row": '["a","b"]\n[1]\n',
}


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_tricky_json_lines_read_as_the_reference_reads_them(tmp_path, name):
    path = tmp_path / f"{name}.jsonl"
    path.write_text(TRICKY[name], encoding="utf-8")
    reference, product = readings(path)
    assert product == reference


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_tricky_json_lines_read_in_small_blocks_as_the_reference_reads_them(tmp_path, name, monkeypatch):
    monkeypatch.setattr(arrow_json, "BLOCK", 96)  # rows cut across blocks; a later block's other columns or types
    path = tmp_path / f"{name}.jsonl"
    path.write_text(TRICKY[name] * 5, encoding="utf-8")
    reference, product = readings(path)
    assert product == reference


LATER = {
    "a column first seen in a later block": '{"a":1}\n' * 20 + '{"a":2,"b":"x"}\n',
    "an integer column with a float in a later block": '{"a":1}\n' * 20 + '{"a":2.5}\n',
    "a column empty in the first block": '{"a":null}\n' * 20 + '{"a":2.5}\n{"a":3}\n',
    "times in a later block": '{"a":"x"}\n' * 20 + '{"a":"2026-01-01"}\n',
    "times then text": '{"a":"2026-01-01"}\n' * 20 + '{"a":"x"}\n',
}


@pytest.mark.parametrize("name", sorted(LATER))
def test_a_later_block_unlike_the_first_is_read_as_the_reference_reads_it(tmp_path, name, monkeypatch):
    monkeypatch.setattr(arrow_json, "BLOCK", 64)
    path = tmp_path / "later.jsonl"
    path.write_text(LATER[name], encoding="utf-8")
    assert arrow_json.read_json_lines(path, "later.jsonl", SourceOptions()) is not None
    reference, product = readings(path)
    assert product == reference


ARROW_READS = (
    "kinds",
    "ints among floats",
    "long integers",
    "times as text",
    "keys in other orders",
    "crlf",
    "a key of signs, and in a text",
    "a key written with escapes",
    "whole floats only",
)


@pytest.mark.parametrize("name", ARROW_READS)
def test_a_well_formed_file_is_read_by_arrow(tmp_path, name):
    path = tmp_path / "d.jsonl"
    path.write_text(TRICKY[name], encoding="utf-8")
    assert arrow_json.read_json_lines(path, "d.jsonl", SourceOptions()) is not None


def test_missing_values_are_blanked_as_the_reference_blanks_them(tmp_path):
    path = tmp_path / "m.jsonl"
    path.write_text('{"a":1,"b":"n/a"}\n{"a":" - ","b":"x"}\n', encoding="utf-8")
    reference, product = readings(path, SourceOptions(missing=("n/a", "-")))
    assert product == reference


@pytest.fixture(autouse=True)
def _in_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # data files are named relative to the working folder in messages


def errors(spec: str, folder: Path) -> list[str]:
    with pytest.raises(SpecError) as caught:
        loads(spec, "spec.yaml", folder)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a":1}\n{"a":2}\n{"a": }\n', "d.jsonl:3:7: not valid JSON: Expecting value"),
        ('{"a":1}\n{"a":{"b":2}}\n', "d.jsonl:2:1: a value is a JSON object or list; table values must be single"),
        ('{"a":1}\n{"a":1} {"a":2}\n', "d.jsonl:2:9: not valid JSON: Extra data"),
        ('{"a":1,\n"b":2}\n', "d.jsonl:1:8: not valid JSON: Expecting property name enclosed in double quotes"),
        ('{"a":1}\n\n  [1]\n', "d.jsonl:3:3: expected an object on each line, as on line 1"),
        ('{"a":1.5}\n{"a":Infinity}\n', "d.jsonl:2:1: a value is not a finite number"),
        ('{"a":1}\n{"a":1' + "0" * 5000 + "}\n", "d.jsonl:2:1: a number of more than 4300 digits"),
    ],
)
def test_a_mistake_is_said_at_its_line_and_column(tmp_path, text, expected):
    (tmp_path / "d.jsonl").write_text(text, encoding="utf-8")
    spec = HEAD + "      - table: {source: d.jsonl}\n"
    found = errors(spec, tmp_path)
    assert len(found) == 1 and found[0].startswith(expected), found


def test_a_value_that_breaks_its_forced_type_is_said_at_its_line(tmp_path):
    rows = [{"n": i, "d": f"2026-01-{1 + i % 28:02d}"} for i in range(20)]
    rows[13]["d"] = "2026-02-30"
    rows[17]["n"] = 2.5
    (tmp_path / "d.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert arrow_json.read_json_lines(tmp_path / "d.jsonl", "d.jsonl", SourceOptions()) is not None
    spec = HEAD + "      - table: {source: d.jsonl, columns: [{from: n, type: integer}, {from: d, type: date}]}\n"
    assert errors(spec, tmp_path) == [
        "d.jsonl:14:1: '2026-02-30' in column 'd' is not a date (YYYY-MM-DD): February 2026 has no day 30 (it has 28)",
        "d.jsonl:18:1: '2.5' in column 'n' is not an integer",
    ]


def test_a_column_one_table_forces_to_text_stays_as_written_for_the_next(tmp_path):
    (tmp_path / "n.jsonl").write_text('{"place":"Gao","people":1200}\n{"place":"Kidal","people":7}\n')
    text = HEAD + "      - table: {source: n.jsonl, columns: [place, {from: people, type: text}]}\n"
    text += "      - table: {source: n.jsonl}\n"
    as_text, as_read = tables(loads(text, "spec.yaml", tmp_path))
    assert list(as_text.rows) == [("Gao", "1200"), ("Kidal", "7")]
    assert list(as_read.rows) == [("Gao", 1200), ("Kidal", 7)]


def test_a_long_table_keeps_arrow_columns_that_read_as_the_reference(tmp_path):
    from briefing.reading.arrow_store import Taken
    from briefing.reading.datafiles import LONG

    rows = LONG + 10
    regions = ["Gao", "Mopti", None]
    with (tmp_path / "long.jsonl").open("w") as out:
        for i in range(rows):
            row = {"Ref": f"R-{i:06d}", "Region": regions[i % 3], "People": i, "Score": i / 4 if i % 4 else i // 4}
            out.write(json.dumps({k: v for k, v in row.items() if v is not None}) + "\n")
    spec = HEAD + "      - table: {source: long.jsonl}\n"
    table = tables(loads(spec, "spec.yaml", tmp_path))[0]
    spec = spec.replace("long.jsonl}", "long.jsonl, sort: -People, where: {column: Region, value: Gao}}")
    kept = tables(loads(spec, "spec.yaml", tmp_path))[0]
    assert all(isinstance(c, Taken) for c in table.rows.columns)
    reference = [(f"R-{i:06d}", regions[i % 3], i, i / 4 if i % 4 else i // 4) for i in range(rows)]
    assert [[(type(v), v) for v in row] for row in table.rows] == [[(type(v), v) for v in row] for row in reference]
    assert list(kept.rows) == sorted((r for r in reference if r[1] == "Gao"), key=lambda r: -r[2])


# -- random files ----------------------------------------------------------------------------

EXAMPLES = int(os.environ.get("BRIEFING_FUZZ_EXAMPLES", "40"))

floats = st.one_of(
    st.floats(-1e9, 1e9, allow_nan=False),
    st.integers(-1000, 1000).map(float),
    st.sampled_from([0.0, -0.0, 1e-300, 2.5e300]),
)
VALUES = {
    "integer": st.one_of(st.integers(-(2**63), 2**63 - 1), st.integers(-(10**30), 10**30)),
    "number": floats,
    "mixed numbers": st.one_of(floats, st.integers(-1000, 1000)),
    "date": st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)).map(str),
    "boolean": st.booleans(),
    "text": st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
}
BAD = {"date": ["2026-02-30", "2025-13-01"], "integer": [1.5], "number": ["n/a"], "boolean": ["maybe"]}


@st.composite
def files(draw):
    kinds = draw(st.lists(st.sampled_from(sorted(VALUES)), min_size=1, max_size=5))
    length = draw(st.integers(1, 30))
    rows: list[dict] = [{} for _ in range(length)]
    injected = []
    for col, kind in enumerate(kinds):
        values = draw(st.lists(st.one_of(VALUES[kind], st.none()) if draw(st.booleans()) else VALUES[kind],
                               min_size=length, max_size=length))  # fmt: skip
        if kind in BAD and draw(st.booleans()):
            row = draw(st.integers(0, length - 1))
            values[row] = draw(st.sampled_from(BAD[kind]))
            injected.append((row, col, kind))
        leave_out = draw(st.booleans())  # a missing key rather than null
        for row, value in zip(rows, values, strict=True):
            if value is not None or not leave_out:
                row[f"c{col}"] = value
    for row in rows:
        if draw(st.booleans()):  # keys in another order
            keys = draw(st.permutations(list(row)))
            row_items = [(k, row[k]) for k in keys]
            row.clear()
            row.update(row_items)
    separators = draw(st.sampled_from([(",", ":"), (", ", ": ")]))
    block = draw(st.sampled_from([arrow_json.BLOCK, 256, 1024]))
    ascii = draw(st.booleans())
    text = "".join(json.dumps(row, separators=separators, ensure_ascii=ascii) + "\n" for row in rows)
    return kinds, text, injected, block


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files())
def test_random_json_lines_read_as_the_reference_and_bad_values_are_found_where_they_are(tmp_path, file):
    kinds, text, injected, block = file
    path = tmp_path / "random.jsonl"
    path.write_text(text, encoding="utf-8")
    was, arrow_json.BLOCK = arrow_json.BLOCK, block  # rows cut across blocks, columns and types changing
    try:
        reference, product = readings(path)
    finally:
        arrow_json.BLOCK = was
    assert product == reference
    for row, col, kind in injected:
        frame = product_frame(path, "random.jsonl")
        if f"c{col}" not in frame.names:
            continue
        column = product_column(frame, frame.names.index(f"c{col}"), "text" if kind == "text" else kind)
        assert f"random.jsonl:{row + 1}:1" in column.bad


# -- hostile files, in a child under a limit on memory ---------------------------------------


def _deep(folder: Path) -> None:
    (folder / "deep.jsonl").write_text('{"a":1}\n{"a":' + "[" * 200_000 + "]" * 200_000 + "}\n")


def _long_line(folder: Path) -> None:
    with (folder / "long.jsonl").open("w") as out:
        out.write('{"a":"x"}\n{"a":"')
        for _ in range(50):
            out.write("x" * 1_000_000)
        out.write('"}\n')


def _long_number(folder: Path) -> None:
    (folder / "number.jsonl").write_text('{"a":1}\n{"a":1' + "0" * 1_500_000 + "}\n")


HOSTILE = {
    "deep nesting": (_deep, "deep.jsonl", "deep.jsonl:2:1: JSON nested too deeply"),
    "a line of 50 MB": (_long_line, "long.jsonl", "long.jsonl:2:1: a line of more than 2,000,000 characters"),
    "a number of 1.5 million digits": (_long_number, "number.jsonl", "number.jsonl:2:1: a number of more than"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_json_lines_file_is_one_line_in_little_memory(case, tmp_path):
    from .test_hostile import POSITIONED
    from .test_hostile_budget import GOOD, PEAK_MB, SECONDS, build, data_spec

    make, name, expected = HOSTILE[case]
    make(tmp_path)
    data_spec(tmp_path, name)
    (tmp_path / "good.yaml").write_text(GOOD)
    result, seconds, peak = build(tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and POSITIONED.match(lines[0]) and expected in lines[0], lines
    assert "Traceback" not in result.stderr and "unexpected error" not in result.stderr
    assert seconds < SECONDS, f"{seconds:.1f} s"
    assert peak is not None and peak < PEAK_MB, peak


def test_the_budgets_refuse_a_file_before_arrow_reads_it_whole(tmp_path, monkeypatch):
    from briefing.limits import Limits, using
    from briefing.reading import datafiles
    from briefing.reading.datafiles import DataError

    def never(*_args):
        raise AssertionError("read whole")

    monkeypatch.setattr(arrow_json, "_stream", never)
    path = tmp_path / "many.jsonl"
    path.write_text('{"a":1,"b":2,"c":3}\n' * 400, encoding="utf-8")
    with using(Limits(data_values=1000)), pytest.raises(DataError) as caught:
        datafiles.read(path, "many.jsonl", SourceOptions())
    assert str(caught.value).startswith("more than 1,000 values; filter or split the data")
    assert str(caught.value.pos) == "many.jsonl:1:1"
