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


def french_or_german(text: str, language: str, name: str, tmp_path) -> list[str]:
    path = tmp_path / name
    path.write_text(
        f"title: T\nlanguage: {language}\nsections:\n  - heading: H\n    content:\n      - paragraph: {text}\n",
        encoding="utf-8",
    )
    return [str(f) for f in lint(loads(path.read_text(encoding="utf-8"), str(path)))]


@pytest.mark.parametrize(
    ("language", "text", "column", "found"),
    [
        ("fr", "Un été été chaud.", 23, "doubled-word: 'été été' in 'Un été été chaud.'"),
        ("fr", "La clé clé perdue.", 23, "doubled-word: 'clé clé' in 'La clé clé perdue.'"),
        ("de", "Die Größe Größe zählt.", 24, "doubled-word: 'Größe Größe' in 'Die Größe Größe zählt.'"),
        ("fr", '''"Le «\u00a0chat\u00a0»,et la clé."''', 31, "missing-space: no space after ',' in"),
        ("fr", "Une clé,évidemment.", 24, "missing-space: no space after ',' in 'Une clé,évidemment.'"),
        ("de", "Die Straße;Öffnung bleibt.", 24, "missing-space: no space after ';' in"),
        ("fr", "Il part.Élise reste.", 23, "missing-space: no space after '.' in 'Il part.Élise reste.'"),
        ("fr", "Il part. été commence.", 29, "lower-case-start: sentence starts in lower case"),
        ("de", "Er kam. über Nacht.", 28, "lower-case-start: sentence starts in lower case"),
    ],
)
def test_the_word_rules_read_french_and_german_letters(language, text, column, found, tmp_path):
    """Letters beyond ASCII (é, ß, Ö) are letters: a doubled ``été``, a comma after ``»`` or ``é`` with no
    space, a sentence starting ``été``; each finding points at the word in the spec."""
    (finding,) = french_or_german(text, language, "s.yaml", tmp_path)
    assert finding.startswith(f"{tmp_path / 's.yaml'}:6:{column}: {found}")


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fr", "Nous nous sommes vus ; vous vous trompez."),
        ("de", "Die Frau, die die Zeitung liest, und das Haus, das das Dorf überragt."),
        ("fr", "Le ratio 2:1 à 10:30 ; « Évidemment », dit-il. Été 2026."),
        ("de", "Die Größe zählt, öfter als gedacht. Übermorgen."),
    ],
)
def test_french_and_german_ordinary_text_is_clean(language, text, tmp_path):
    """Pronouns repeated as the grammar wants (``nous nous``, ``die die``) are no slips."""
    assert french_or_german(f'"{text}"', language, "s.yaml", tmp_path) == []


def test_fix_adds_the_space_after_a_guillemet_and_drops_a_doubled_french_word(tmp_path):
    from briefing.lint import fix_file

    path = tmp_path / "s.yaml"
    path.write_text(
        "title: T\nlanguage: fr\nsections:\n  - heading: H\n    content:\n"
        "      - paragraph: 'Un été été chaud, le «\u00a0chat\u00a0»,et nous nous taisons.'\n",
        encoding="utf-8",
    )
    assert fix_file(path) == 2
    assert "Un été chaud, le «\u00a0chat\u00a0», et nous nous taisons." in path.read_text(encoding="utf-8")
