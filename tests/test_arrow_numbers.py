"""Columns read a block at a time give what reading each text alone gives: numbers made as read, in every form they
come in, and texts put under one dictionary as they come, or end to end when they do not repeat."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.reading import arrow_csv
from briefing.reading.datafiles import SourceOptions

from .reference_typing import product_frame, readings

NUMBERS = {
    "integers.csv": "a,b\n1,-2\n007,-0\n9223372036854775807,3\n",
    "integers and fractions.csv": "a,b\n1,2.5\n2.5,3.0\n-0,1e5\n.5,5.\n+7,-.5e-3\n",
    "large integers among fractions.csv": "a\n0.5\n9007199254740993\n",
    "past 64 bits.csv": "a\n1\n9223372036854775808\n",
    "what python does not read as numbers.csv": "a,b,c,d\n1,1,1,1\n0x10,nan,inf,1_000\n",
    "overflowing.csv": "a\n1.5\n1e400\n-1e400\n1e-400\n",
    "signs and spaces.csv": "a,b,c\n1,1,1\n+1, 2,3 \n",
    "grouped.csv": 'a,b\n1,1.5\n"1,234","1,234.5"\n',
    "empty.csv": "a,b\n1,\n,2.5\n3,\n",
    "other digits.csv": "a\n1\n\u0661\u0662\n",
}


@pytest.mark.parametrize("name", sorted(NUMBERS))
def test_numbers_read_as_the_reference_reads_their_texts(tmp_path, name):
    path = tmp_path / name
    path.write_text(NUMBERS[name], encoding="utf-8")
    reference, product = readings(path)
    assert product == reference


def _many(rows: int) -> str:
    lines = ["n,x,t"]
    for i in range(rows):
        lines.append(f"{i},{i / 8},r{i % 3}")
        if i % 97 == 5:
            lines.append(",,")  # a blank row: the texts read again must leave it out too
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "late",
    ["12,34", "n/a", " 7", "1,234.5", "9007199254740993", "", "nan", "0x1F", "12.5"],
    ids=repr,
)
def test_a_text_that_is_not_plainly_a_number_blocks_after_the_first_reads_the_column_again(tmp_path, monkeypatch, late):
    monkeypatch.setattr(arrow_csv, "BLOCK", 1 << 12)
    monkeypatch.setattr(arrow_csv, "SAMPLE", 1 << 12)
    text = _many(3000).splitlines()
    text[2500] = f'"{late}","{late}",x'
    path = tmp_path / "late.csv"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    reference, product = readings(path)
    assert product == reference


def test_a_column_of_numbers_holds_numbers_and_its_texts_only_when_asked_for(tmp_path):
    path = tmp_path / "n.csv"
    path.write_text("a,b,c\n007,1.50,x\n2,2.25,y\n,,\n3,1e3,z\n", encoding="utf-8")
    frame = product_frame(path, "n.csv")
    store = frame.store
    assert sorted(store.numbers) == [0, 1] and store.texts[0] is None and store.texts[1] is None
    assert frame.count == 3  # the blank row left out
    from briefing.reading import frames

    assert frames._infer(frame, 0) == "integer" and frames._infer(frame, 1) == "number"
    assert frames._converted_frame(frame, 1, "text") == []
    assert list(frame.columns[1]) == ["1.50", "2.25", "1e3"]  # as written, read again from the file
    assert list(frame.columns[0]) == ["007", "2", "3"]  # not yet typed: as written


@pytest.mark.parametrize(
    "missing",
    [("n/a", "-"), (" n/a",), ("-999",), ("n/a", "")],
    ids=repr,
)
def test_missing_values_among_numbers_are_blanked_as_the_reference_blanks_them(tmp_path, missing):
    path = tmp_path / "m.csv"
    path.write_text("a,b,c\n1,n/a,x\n2,2.5,y\n-,3.5,\n -999,-999,z\n4, n/a ,\nn/a,,w\n", encoding="utf-8")
    reference, product = readings(path, SourceOptions(missing=missing))
    assert product == reference


def test_a_column_of_numbers_with_missing_values_is_made_numbers(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("a,b\n1,n/a\n2,2.5\nn/a,3.5\n", encoding="utf-8")
    frame = product_frame(path, "m.csv", SourceOptions(missing=("n/a",)))
    assert sorted(frame.store.numbers) == [0, 1]
    from briefing.reading import frames

    assert frames._converted_frame(frame, 1, "number") == []
    assert list(frame.columns[1]) == [None, 2.5, 3.5]


@pytest.mark.parametrize("missing", [(), ("n/a",)], ids=["", "missing"])
def test_texts_put_under_one_dictionary_or_end_to_end_read_as_the_reference(tmp_path, monkeypatch, missing):
    monkeypatch.setattr(arrow_csv, "BLOCK", 1 << 12)
    monkeypatch.setattr(arrow_csv, "MERGE", 16)
    lines = ["region,ref,when,odd"]
    for i in range(4000):
        region = ["Gao", "Ménaka", "n/a", " Kidal ", ""][i % 5]
        lines.append(f"{region},R-{i:05d},2026-01-{1 + i % 28:02d},{'x' if i == 3999 else i}")
        if i % 501 == 7:
            lines.append(",,,")
    path = tmp_path / "texts.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reference, product = readings(path, SourceOptions(missing=missing))
    assert product == reference


# -- random number columns over many blocks ---------------------------------------------------

EXAMPLES = int(os.environ.get("BRIEFING_FUZZ_EXAMPLES", "40"))

plain = st.one_of(
    st.integers(-(10**18) + 1, 10**18 - 1).map(str),
    st.floats(-1e300, 1e300, allow_nan=False).map(repr),
    st.floats(-1e6, 1e6, allow_nan=False).map(lambda f: f"{f:.3f}"),
    st.integers(-(2**60), 2**60).map(lambda n: f"{n}.0"),
    st.sampled_from(["-0", "007", ".5", "5.", "+1", "1e5", "-.5E-3", ""]),
)
odd = st.sampled_from(["1,234", " 5", "n/a", "nan", "inf", "0x1F", "1e400", "9007199254740993", "1_000", "x", "  "])


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.lists(plain, min_size=200, max_size=200), min_size=1, max_size=3),
    st.lists(st.tuples(st.integers(0, 199), st.integers(0, 2), odd), max_size=3),
)
def test_random_number_columns_over_many_blocks_read_as_the_reference(tmp_path, columns, odd_values):
    for row, col, text in odd_values:
        if col < len(columns):
            columns[col][row] = text
    lines = [",".join(f"c{i}" for i in range(len(columns)))]
    lines += [",".join(f'"{c[row]}"' for c in columns) for row in range(200)]
    path = tmp_path / "many.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = arrow_csv.BLOCK, arrow_csv.SAMPLE
    arrow_csv.BLOCK = arrow_csv.SAMPLE = 1 << 10  # a few rows a block: the first block chooses, later ones may not fit
    try:
        reference, product = readings(path)
    finally:
        arrow_csv.BLOCK, arrow_csv.SAMPLE = before
    assert product == reference
