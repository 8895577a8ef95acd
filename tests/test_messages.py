"""Messages that fix a spec in one round: each mistake a desk makes, its exact line and position."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing import SpecError, load
from briefing.cli import main

HEAD = "title: T\nsections:\n  - heading: H\n    content:\n"


def problems(folder: Path, text: str) -> list[str]:
    spec = folder / "s.yaml"
    spec.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        load(spec)
    return [str(p).removeprefix(f"{spec}:") for p in caught.value.problems]


def test_an_equals_sign_as_a_filter_is_told_the_double_one(tmp_path):
    (tmp_path / "d.csv").write_text("region,incidents\nGao,4\n")
    spec = HEAD + "      - table:\n          source: d.csv\n          where: [{column: region, op: '=', value: Gao}]\n"
    assert problems(tmp_path, spec) == [
        "7:40: expected one of ==, !=, <, <=, >, >=, in, not in, contains, got '=' (did you mean '=='?)"
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "      - numbered: [*First, Second]\n",
            "5:20: a value starting with '*' must be quoted (\"*First\"): unquoted, YAML reads it as an alias",
        ),
        (
            "      - bullets:\n        - *First item\n",
            "6:11: a value starting with '*' must be quoted (\"*First item\"): unquoted, YAML reads it as an alias",
        ),
        (
            "      - bullets:\n        - {{ x }} rose\n",
            "6:11: a value starting with '{{' must be quoted: \"{{ x }} rose\"",
        ),
        (
            "      - paragraph: {{ count }} incidents  # this week\n",
            "5:20: a value starting with '{{' must be quoted: \"{{ count }} incidents\"",
        ),
    ],
)
def test_a_value_yaml_reads_as_something_else_is_told_to_be_quoted(tmp_path, line, message):
    assert problems(tmp_path, HEAD + line) == [message]


def validate(folder: Path, text: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    spec = folder / "s.yaml"
    spec.write_text(text, encoding="utf-8")
    status = main(["validate", str(spec)])
    err = capsys.readouterr().err.splitlines()
    lines = [line.removeprefix(f"{spec}:") for line in err if ": warning: " not in line]
    assert status == (2 if lines else 0)
    return lines


def test_a_name_with_a_comma_is_told_to_be_quoted_not_split(tmp_path, capsys):
    spec = "title: T\nsections:\n  - heading: H\ndistribution:\n  - name: x\n    to: ['Müller, Anna <a@x.org>']\n"
    assert validate(tmp_path, spec, capsys) == [
        "6:10: 'Müller, Anna <a@x.org>': a name holding a comma must be in double quotes: '\"Müller, Anna\" <a@x.org>'"
    ]
    two = "title: T\nsections:\n  - heading: H\ndistribution:\n  - name: x\n    to: ['a@x.org, b@y.org']\n"
    assert validate(tmp_path, two, capsys) == [
        "6:10: 'a@x.org, b@y.org' holds 2 addresses (a@x.org, b@y.org); give each one its own entry in the list"
    ]
    quoted = spec.replace("'Müller, Anna <a@x.org>'", "'\"Müller, Anna\" <a@x.org>'")
    assert validate(tmp_path, quoted, capsys) == []


def test_lint_points_at_the_word_not_the_paragraphs_start(tmp_path, capsys):
    spec = tmp_path / "s.yaml"
    spec.write_text(
        HEAD + "      - paragraph: >-\n          The the army moved.  this is\n          bad,ok and teh end.\n",
        encoding="utf-8",
    )
    assert main(["lint", str(spec)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{spec}:6:11: doubled-word: 'The The' in 'The the army moved.'",
        f"{spec}:6:32: lower-case-start: sentence starts in lower case: 'army moved.  this is bad,ok and'",
        f"{spec}:7:11: missing-space: no space after ',' in ' this is bad,ok and teh end.'",
        f"{spec}:7:22: misspelling: 'teh' should be 'the'",
    ]


def test_an_empty_section_and_a_picture_wider_than_the_page_are_positioned_warnings(tmp_path, capsys):
    from PIL import Image

    Image.new("RGB", (200, 100), "white").save(tmp_path / "p.png")
    spec = tmp_path / "s.yaml"
    spec.write_text(
        "title: T\nsections:\n  - heading: Empty\n    content: []\n  - heading: Wide\n    content:\n"
        "      - image: {path: p.png, width_cm: 40}\n",
        encoding="utf-8",
    )
    assert main(["build", str(spec), "-o", str(tmp_path / "out.pdf")]) == 0
    assert capsys.readouterr().err.splitlines() == [
        f"{spec}:4:14: warning: the section 'Empty' is empty: nothing under its heading",
        f"{spec}:7:16: warning: the picture is 40 cm wide (width_cm), wider than the page's text (17.0 cm):"
        " it is shown 17.0 cm wide",
    ]
    assert main(["validate", str(spec)]) == 0
    assert capsys.readouterr().err == f"{spec}:4:14: warning: the section 'Empty' is empty: nothing under its heading\n"


def test_one_run_reports_every_problem_data_files_and_filters_included(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.csv").write_text("region,incidents\nGao,48\nMopti,n/a\nKidal,12\n")
    spec = tmp_path / "s.yaml"
    spec.write_text(
        HEAD + "      - paragraf: Hello\n"
        "      - table:\n          source: bad.csv\n          columns: [regoin, incidents]\n"
        "          where: {column: region, op: '=', value: Gao}\n"
        "      - table:\n          source: bad.csv\n          columns: [region, {from: incidents, type: integer}]\n"
        "          where: {column: regon, value: Gao}\n          sort: [-incidnts]\n"
        "          totals: {incidents: summ}\n"
        "      - chart: {type: bar, title: C, source: bad.csv, x: regio, y: incidents}\n",
        encoding="utf-8",
    )
    assert main(["validate", "s.yaml"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "bad.csv:3:2: 'n/a' in column 'incidents' is not an integer",
        "s.yaml:5:9: unknown key 'paragraf' in a block (did you mean 'paragraph'?)",
        "s.yaml:8:21: no column 'regoin' in the data (did you mean 'region'?)",
        "s.yaml:9:39: expected one of ==, !=, <, <=, >, >=, in, not in, contains, got '=' (did you mean '=='?)",
        "s.yaml:13:27: no column 'regon' in the data (did you mean 'region'?)",
        "s.yaml:14:18: no column 'incidnts' in the data (did you mean 'incidents'?)",
        "s.yaml:15:31: expected one of sum, mean, count, got 'summ' (did you mean 'sum'?)",
        "s.yaml:16:58: no column 'regio' in the data (did you mean 'region'?)",
    ]
    spec.write_text("title: [T\nsections: {oops\n")
    assert main(["validate", "s.yaml"]) == 2
    assert (
        capsys.readouterr().err == "s.yaml:1:8: this '[' is not closed by a ']'\n"
    )  # after a YAML error, nothing more
