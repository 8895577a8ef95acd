"""The prose check: each rule, no false alarms on ordinary text, --fix and build --strict."""

from __future__ import annotations

import shutil

import pytest

from briefing import loads
from briefing.cli import main
from briefing.lint import lint

from .conftest import SPECS


def rules(text: str, **kwargs) -> list[tuple[str, str]]:
    spec = f"title: T\nsections:\n  - heading: H\n    content:\n      - paragraph: {text!r}\n"
    return [(f.rule, f.message) for f in lint(loads(spec, "s.yaml"))]


@pytest.mark.parametrize(
    ("text", "rule", "message"),
    [
        ("the start is small.", "lower-case-start", "sentence starts in lower case: 'the start is small.'"),
        ("One. two.", "lower-case-start", "sentence starts in lower case: 'One. two.'"),
        ("In the Sahel,possibly more.", "missing-space", "no space after ',' in 'In the Sahel,possibly more.'"),
        ("Military aid.The shift.", "missing-space", "no space after '.' in 'Military aid.The shift.'"),
        ("It is is done.", "doubled-word", "'is is' in 'It is is done.'"),
        ("It affects not onyl Mali.", "misspelling", "'onyl' should be 'only'"),
        ("Two (open and [one closed].", "unbalanced", "1 '(' but 0 ')'"),
        ("He said “yes.", "unbalanced", "1 '“' but 0 '”'"),
    ],
)
def test_each_rule(text, rule, message):
    assert (rule, message) in rules(text)


@pytest.mark.parametrize(
    "text",
    [
        "Prices rose 3.5% to 1,500 units (e.g. fuel), i.e. more.",
        "See [the report](https://example.org/a,b;c:d) and www.example.org/x,y.",
        "Write to desk@example.org today. Then wait.",
        "Ratio 2:1 at 10:30, as planned; done.",
        "“Quoted” text and (brackets) balance.",
    ],
)
def test_ordinary_text_is_clean(text):
    assert rules(text) == []


def test_a_table_without_a_title():
    spec = "title: T\nsections:\n  - heading: H\n    content:\n      - table: {columns: [a]}\n"
    assert [(f.rule, str(f.pos)) for f in lint(loads(spec, "s.yaml"))] == [("table-title", "s.yaml:5:16")]


def test_chart_titles_and_captions_are_checked():
    chart = "{type: pie, title: Spending by by sector, x: s, y: n, caption: shares., columns: [s, n], rows: [[a, 1]]}"
    spec = f"title: T\nsections:\n  - heading: H\n    content:\n      - chart: {chart}\n"
    assert [f.rule for f in lint(loads(spec, "s.yaml"))] == ["doubled-word", "lower-case-start"]


def test_the_example_has_its_slips_found(capsys):
    assert main(["lint", str(SPECS / "mali-russia.yaml")]) == 1
    out = capsys.readouterr().out
    assert "misspelling: 'onyl' should be 'only'" in out
    assert "missing-space: no space after ',' in 'in the Sahel,possibly igniting'" in out
    assert "missing-space: no space after '.' in 'military aid.The shift towards'" in out
    assert "lower-case-start: sentence starts in lower case: 'mali’s Strategic'" in out
    assert all(line.startswith(f"{SPECS / 'mali-russia.yaml'}:") for line in out.splitlines())
    assert main(["lint", str(SPECS / "showcase.yaml")]) == 0


def test_fix_mends_the_mechanical_slips_only(tmp_path, capsys):
    spec = tmp_path / "mali.yaml"
    shutil.copy(SPECS / "mali-russia.yaml", spec)
    before = spec.read_text()
    assert main(["lint", "--fix", str(spec)]) == 1  # sentence case is left to a person
    captured = capsys.readouterr()
    assert captured.err == f"{spec}: fixed 3 slips\n"
    after = spec.read_text()
    assert "Sahel, possibly" in after and "aid. The shift" in after and "not only" in after
    assert "onyl" not in after and "mali’s Strategic" in after
    assert len(before.splitlines()) == len(after.splitlines())
    assert [a for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b] == [
        line for line in before.splitlines() if "Sahel,possibly" in line or "aid.The" in line or "onyl" in line
    ]
    assert "missing-space" not in captured.out and "misspelling" not in captured.out


def test_build_strict_refuses_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", "--strict", str(SPECS / "mali-russia.yaml"), "--out", str(out)]) == 1
    assert not out.exists()
    assert "not built: the prose check found slips" in capsys.readouterr().err
    assert main(["build", "--strict", str(SPECS / "showcase.yaml"), "--out", str(out), "--format", "pdf"]) == 0


def test_the_sources_list_is_the_citation_styles_words_not_checked(tmp_path):
    (tmp_path / "refs.json").write_text(
        '[{"id": "ocha", "type": "report", "title": "Niger: access snapshot", "author": [{"literal": "OCHA"}],'
        ' "issued": {"date-parts": [[2026]]}, "URL": "https://example.org/ocha"}]',
        encoding="utf-8",
    )
    spec = "title: T\nsources: refs.json\nsections:\n  - heading: H\n    content:\n      - paragraph: As [@ocha].\n"
    assert lint(loads(spec, "s.yaml", tmp_path)) == []
