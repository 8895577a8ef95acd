"""Tools around specs: the JSON Schema for editors, the resolved view and new specs."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from briefing import load
from briefing.cli import main
from briefing.reading.shapes import SHAPES
from briefing.schema import schema_text, spec_schema

from .conftest import SPECS


class _DatesAsText(yaml.SafeLoader):
    """YAML as an editor's schema checker reads it: dates are strings."""


_DatesAsText.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@pytest.fixture(scope="module")
def validator():
    schema = spec_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_schema_command_prints_valid_json_schema(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_every_key_of_every_shape_is_described(validator):
    schema = validator.schema
    for shape in SHAPES:
        where = schema if shape.name == "spec" else schema["$defs"][shape.name]
        assert set(where["properties"]) == set(shape.keys)
        assert all(prop["description"] for prop in where["properties"].values())


@pytest.mark.parametrize("spec", sorted(SPECS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_example_spec_validates_against_the_schema(spec, validator):
    data = yaml.load(spec.read_text(encoding="utf-8"), Loader=_DatesAsText)
    assert list(validator.iter_errors(data)) == []


def _messages(errors):
    for error in errors:
        yield error.message
        yield from _messages(error.context or [])


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("title: T\nsections:\n  - heading: H\n    content:\n      - paragraf: x\n", "paragraf"),
        ("title: T\nsubtitel: S\nsections:\n  - heading: H\n", "subtitel"),
        ("title: T\nstyle: {acent: red}\nsections:\n  - heading: H\n", "acent"),
        ("title: T\nsections:\n  - heading: H\n    content:\n      - table: {columns: [a], rowz: []}\n", "rowz"),
    ],
)
def test_a_bad_key_is_named_by_both_schema_and_loader(text, key, validator, tmp_path, capsys):
    data = yaml.load(text, Loader=_DatesAsText)
    assert any(f"'{key}'" in m for m in _messages(validator.iter_errors(data)))
    spec = tmp_path / "bad.yaml"
    spec.write_text(text)
    assert main(["validate", str(spec)]) == 2
    assert f"unknown key '{key}'" in capsys.readouterr().err


def test_show_resolved_prints_what_will_be_built(tmp_path, capsys):
    (tmp_path / "base.yaml").write_text("classification: SECRET\nsections:\n  - heading: Background\n")
    (tmp_path / "part.yaml").write_text("- paragraph: 'From a part, for {{ who }}.'\n")
    spec = tmp_path / "brief.yaml"
    spec.write_text(
        "extends: base.yaml\nvars: {who: ministers}\ntitle: '{{ who }}'\n"
        "sections:\n  - heading: Now\n    content:\n      - include: part.yaml\n"
    )
    assert main(["show", str(spec), "--resolved", "--set", "who=the desk"]) == 0
    shown = yaml.safe_load(capsys.readouterr().out)
    assert shown["title"] == "the desk"
    assert shown["classification"] == "SECRET"
    assert shown["sections"] == [
        {"heading": "Background"},
        {"heading": "Now", "content": [{"paragraph": "From a part, for the desk."}]},
    ]
    assert "extends" not in shown


def test_new_writes_a_spec_that_builds(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "sahel-weekly"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "sahel-weekly.yaml",
        "briefing.schema.json (the schema the spec's $schema line names, for editors to check it against)",
    ]
    text = (tmp_path / "sahel-weekly.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=briefing.schema.json\n")
    assert (tmp_path / "briefing.schema.json").read_text(encoding="utf-8") == schema_text()  # the file it names
    assert main(["new", "second"]) == 0
    assert capsys.readouterr().out == "second.yaml\n"  # the schema is there already
    assert main(["build", "sahel-weekly.yaml", "--out", "out"]) == 0
    assert load("sahel-weekly.yaml").title == "Sahel weekly"
    assert main(["new", "sahel-weekly"]) == 2
    assert "already exists" in capsys.readouterr().err


def test_new_from_an_example(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "copy", "--from", str(SPECS / "mali-russia.yaml")]) == 0
    assert load("copy.yaml") == load(SPECS / "mali-russia.yaml")
    assert main(["new", "other", "--from", "missing.yaml"]) == 2
    assert "missing.yaml: no such spec" in capsys.readouterr().err


def test_the_committed_schema_is_current():
    committed = (SPECS.parent / "briefing.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(), "run: briefing schema > briefing.schema.json"
