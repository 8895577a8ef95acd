"""Loader: YAML snippets to models, and bad specs to exact FILE:LINE:COL lines."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from pathlib import Path

import pytest
from PIL import Image as PILImage

from briefing import SpecError, load, loads
from briefing.model import Briefing, Image, ListBlock, ListItem, PageBreak, Paragraph, Section, Table
from briefing.reading.inline import parse_inline


def errors(text: str, base_dir: Path | None = None) -> list[str]:
    with pytest.raises(SpecError) as caught:
        loads(textwrap.dedent(text), "spec.yaml", base_dir)
    return [str(p) for p in caught.value.problems]


MINIMAL = "title: T\nsections:\n  - heading: H\n"


def test_full_spec_becomes_the_expected_tree():
    doc = loads(
        textwrap.dedent("""\
        title: Outlook
        subtitle: Weekly
        source: Focus on Africa
        date: 2026-11-24
        author: Desk
        classification: SECRET
        summary: [One, "**Two**"]
        sections:
          - heading: A *b*
            content:
              - paragraph: Text & <more>
              - bullets: [x, {lead: L, text: T}]
              - numbered: [n]
              - table:
                  title: Tab
                  columns: [s, i, f, b, d, n]
                  rows: [[x, 1, 2.5, true, 2026-01-02, null]]
              - page_break: true
            sections:
              - heading: Sub
        """)
    )
    p = parse_inline
    assert doc == Briefing(
        title="Outlook",
        subtitle="Weekly",
        source="Focus on Africa",
        date=dt.date(2026, 11, 24),
        author="Desk",
        classification="SECRET",
        summary=(ListBlock((ListItem(p("One")), ListItem(p("**Two**")))),),
        sections=(
            Section(
                p("A *b*"),
                (
                    Paragraph(p("Text & <more>")),
                    ListBlock((ListItem(p("x")), ListItem(p("T"), lead=p("L")))),
                    ListBlock((ListItem(p("n")),), numbered=True),
                    Table(("s", "i", "f", "b", "d", "n"), (("x", 1, 2.5, True, dt.date(2026, 1, 2), None),), "Tab"),
                    PageBreak(),
                ),
                (Section(p("Sub")),),
            ),
        ),
    )


def test_positions_are_kept_but_ignored_by_equality():
    doc = loads("title: T\nsections:\n  - heading: H\n    content:\n      - paragraph: P\n", "s.yaml")
    para = doc.sections[0].content[0]
    assert (para.pos.file, para.pos.line, para.pos.col) == ("s.yaml", 5, 9)
    assert str(doc.sections[0].pos) == "s.yaml:3:5"
    assert para == Paragraph(parse_inline("P"))


def test_summary_string_is_one_paragraph():
    doc = loads("title: T\nsummary: Just this.\n" + MINIMAL.split("\n", 1)[1])
    assert doc.summary == (Paragraph(parse_inline("Just this.")),)


def test_bom_and_utf8_are_accepted(tmp_path):
    spec = tmp_path / "s.yaml"
    spec.write_bytes(b"\xef\xbb\xbf" + "title: Москва\nsections:\n  - heading: Ségou\n".encode())
    doc = load(spec)
    assert doc.title == "Москва"


def test_numbers_in_text_fields_are_taken_as_written():
    doc = loads("title: 1984\nsections:\n  - heading: 2.50\n")
    assert doc.title == "1984"
    assert doc.sections[0].heading == parse_inline("2.50")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "titel: T\nsections:\n  - heading: H\n",
            [
                "spec.yaml:1:1: unknown key 'titel' in the spec (did you mean 'title'?)",
            ],
        ),
        ("title: T\n", ["spec.yaml:1:1: missing required key 'sections' in the spec"]),
        (
            "title: T\ntitle: U\nsections: [{heading: H}]\n",
            ["spec.yaml:2:1: duplicate key 'title' (first given on line 1)"],
        ),
        ("title: [a]\nsections: [{heading: H}]\n", ["spec.yaml:1:8: expected a string, got a list"]),
        (
            "title: T\ndate: 24/11/2026\nsections: [{heading: H}]\n",
            ["spec.yaml:2:7: expected a date as YYYY-MM-DD, got '24/11/2026'"],
        ),
        (
            "title: T\ndate: 2026-13-01\nsections: [{heading: H}]\n",
            ["spec.yaml:2:7: '2026-13-01' is not a date: there is no month 13"],
        ),
        ("title: T\nsections: []\n", ["spec.yaml:2:11: 'sections' needs at least one section"]),
        ("- title: T\n", ["spec.yaml:1:1: expected a mapping of keys such as 'title' at the top level, got a list"]),
        (
            "title: T\nsections:\n  - heading: H\n    content:\n      - paragraf: x\n",
            ["spec.yaml:5:9: unknown key 'paragraf' in a block (did you mean 'paragraph'?)"],
        ),
        (
            "title: T\nsections:\n  - heading: H\n    content:\n      - video: x\n",
            [
                "spec.yaml:5:9: unknown key 'video' in a block "
                "(expected one of: paragraph, bullets, numbered, table, chart, image, callout, page_break, sources)"
            ],
        ),
        (
            "title: T\nsections:\n  - heading: H\n    content:\n      - paragraph: x\n        bullets: [y]\n",
            ["spec.yaml:5:9: a block has exactly one type, but this one has 'paragraph' and 'bullets'"],
        ),
        (
            "title: T\nsections:\n  - heading: H\n    content:\n      - table:\n          columns: [a, b]\n"
            "          rows:\n            - [1, 2]\n            - [1]\n",
            ["spec.yaml:9:15: row has 1 cell, but the table has 2 columns"],
        ),
        (
            "title: T\nsections:\n  - heading: H\n    content:\n      - bullets: []\n",
            ["spec.yaml:5:18: a list needs at least one item"],
        ),
        (
            "title: T\nsections:\n  - heading: H\n    content:\n      - bullets: [{lead: L}]\n",
            ["spec.yaml:5:19: missing required key 'text' in a list item"],
        ),
        (
            "title: T\nsections:\n  - heading: H\n    content:\n      - page_break: false\n",
            ["spec.yaml:5:21: page_break takes the value true"],
        ),
        (
            "title: T\nsections:\n  - heading: H\n    content:\n      - paragraph: ''\n",
            ["spec.yaml:5:20: expected text, got an empty string"],
        ),
        ("title: T\nsections:\n  - content: []\n", ["spec.yaml:3:5: missing required key 'heading' in a section"]),
        (
            "title: !!python/object/apply:os.system [echo hi]\nsections: [{heading: H}]\n",
            ["spec.yaml:1:8: expected a string, got a value tagged 'tag:yaml.org,2002:python/object/apply:os.system'"],
        ),
        (
            "title: T\nsections:\n  - heading: H\n    content:\n      - table: {columns: [a], rows: [[.nan]]}\n",
            ["spec.yaml:5:39: '.nan' is not a finite number"],
        ),
        (
            "title: 'unclosed\nsections: []\n",
            ["spec.yaml:3:1: YAML syntax error: found unexpected end of stream (while scanning a quoted scalar)"],
        ),
        (
            "title: T\n\tsections: []\n",
            ["spec.yaml:2:1: a tab is used for indentation; use spaces"],
        ),
        ("", ["spec.yaml:1:1: the spec is empty"]),
        ("# only a comment\n", ["spec.yaml:1:1: the spec is empty"]),
    ],
)
def test_error_lines(text, expected):
    assert errors(text) == expected


def test_all_problems_are_reported_together():
    found = errors("""\
        title: T
        date: soon
        sections:
          - heading: H
            contents: []
          - heading: ""
        """)
    assert found == [
        "spec.yaml:2:7: expected a date as YYYY-MM-DD, got 'soon'",
        "spec.yaml:5:5: unknown key 'contents' in a section (did you mean 'content'?)",
        "spec.yaml:6:14: expected text, got an empty string",
    ]


def test_not_utf8_names_the_byte(tmp_path):
    spec = tmp_path / "s.yaml"
    spec.write_bytes(b"title: caf\xe9\nsections: [{heading: H}]\n")
    with pytest.raises(SpecError) as caught:
        load(spec)
    assert [str(p) for p in caught.value.problems] == [f"{spec}:1:11: not UTF-8 text (byte 0xe9)"]


def test_missing_file():
    with pytest.raises(SpecError, match="no-such.yaml:1:1: no such file"):
        load("no-such.yaml")


def test_alias_bomb_is_refused_quickly():
    # Eight levels of ten aliases each: 10**8 sections if expanded.
    bomb = "s1: &s1 [" + ", ".join(["{heading: x}"] * 10) + "]\n"
    for level in range(2, 9):
        bomb += f"s{level}: &s{level} [" + ", ".join([f"{{heading: x, sections: *s{level - 1}}}"] * 10) + "]\n"
    found = errors(bomb.replace("s8: &s8", "title: T\nsections: &s8"))
    assert any(re.fullmatch(r"spec\.yaml:1:\d+: aliases expand to too many nodes \(alias bomb\?\)", f) for f in found)


def test_very_deep_nesting_is_a_positioned_error():
    deep = "title: T\nsections: " + "[" * 1000 + "]" * 1000 + "\n"
    found = errors(deep)
    assert found == ["spec.yaml:2:110: YAML syntax error: nesting deeper than 100 levels"]


def test_sections_nest_at_most_nine_levels():
    text = "title: T\nsections:\n"
    indent = "  "
    for level in range(10):
        text += f"{indent}- heading: L{level}\n{indent}  sections:\n"
        indent += "    "
    text += f"{indent}- heading: last\n"
    assert any("sections nest deeper than 9 levels" in line for line in errors(text))


# -- images ------------------------------------------------------------------


def image_spec(block: str) -> str:
    return f"title: T\nsections:\n  - heading: H\n    content:\n      - image: {block}\n"


def test_image_is_read_with_its_size_and_alt(tmp_path):
    PILImage.new("RGB", (300, 150)).save(tmp_path / "p.png")
    doc = loads(image_spec("{path: p.png, caption: A *map*, width_cm: 5}"), "s.yaml", tmp_path)
    image = doc.sections[0].content[0]
    assert isinstance(image, Image)
    assert image.path == (tmp_path / "p.png").resolve()
    assert image.size_px == (300, 150)
    assert image.alt == "A map"
    assert image.width_cm == 5.0


def test_image_outside_the_spec_folder_is_refused(tmp_path):
    inner = tmp_path / "spec"
    inner.mkdir()
    PILImage.new("RGB", (10, 10)).save(tmp_path / "outside.png")
    assert errors(image_spec("{path: ../outside.png}"), inner) == [
        "spec.yaml:5:23: image path '../outside.png' leads outside the spec's folder (--allow-path DIR lets it)"
    ]


def test_image_must_be_png_or_jpeg(tmp_path):
    (tmp_path / "fake.png").write_text("not an image")
    PILImage.new("RGB", (10, 10)).save(tmp_path / "p.gif")
    assert errors(image_spec("{path: fake.png}"), tmp_path) == ["spec.yaml:5:23: 'fake.png' is not a PNG or JPEG image"]
    assert errors(image_spec("{path: p.gif}"), tmp_path) == ["spec.yaml:5:23: 'p.gif' is not a PNG or JPEG image"]
    assert errors(image_spec("{path: missing.png}"), tmp_path) == ["spec.yaml:5:23: image file 'missing.png' not found"]
    assert "spec.yaml:5:43: expected a positive number, got an integer" in errors(
        image_spec("{path: fake.png, width_cm: -1}"), tmp_path
    )


def test_a_control_character_in_the_first_chunk_is_a_positioned_error():
    assert errors("title: a\x1fb\nsections: [{heading: H}]\n") == [
        "spec.yaml:1:9: character U+001F is not allowed in YAML"
    ]


@pytest.mark.parametrize(
    "spec", sorted(Path(__file__).resolve().parent.parent.glob("specs/*.yaml")), ids=lambda p: p.stem
)
def test_libyaml_and_the_python_parser_give_the_same_model_and_positions(spec, monkeypatch):
    import yaml

    from briefing.model import walk_sections

    def positions(doc: Briefing) -> list[str]:
        found = [str(doc.pos)]
        for _, section in walk_sections(doc.sections):
            found.append(str(section.pos))
            found.extend(str(block.pos) for block in section.content)
        return found

    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML was built without libyaml")
    fast = load(spec)
    monkeypatch.setattr(yaml, "__with_libyaml__", False)
    slow = load(spec)
    assert fast == slow and positions(fast) == positions(slow)


def test_names_looked_up_get_a_did_you_mean(tmp_path, capsys):
    from briefing.cli import main

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "ipc.csv").write_text("a,b\n1,2\n")
    spec = tmp_path / "s.yaml"
    spec.write_text(
        "title: T\nvars: {lead_agency: UNHCR}\nsections:\n  - heading: '{{ lead_agncy }}'\n"
        "    content:\n      - table: {source: data/ipc-weekly.csv}\n"
    )
    assert main(["validate", str(spec)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"{spec}:4:14: undefined variable: 'lead_agncy' is undefined (did you mean 'lead_agency'?)",
        f"{spec}:6:25: data file 'data/ipc-weekly.csv' not found (did you mean 'data/ipc.csv'?)",
    ]
    assert main(["validate", str(spec).replace("s.yaml", "x.yaml"), "--style", "offical"]) == 2
    assert (
        capsys.readouterr().err.strip()
        == "--style: no style file or bundled style 'offical' (did you mean 'official'?)"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "title: T\nsections:\n  - heading: H\n    content:\n      - paragraph: x\n       - paragraph: y\n",
            "spec.yaml:6:8: indentation: this line is not lined up with the lines above it",
        ),
        ("title: T\nsections:\n  - heading: Note: this matters\n", "spec.yaml:3:18: a ': ' inside an unquoted value"),
        ("title: T\nsections:\n  - heading: H\n      content: []\n", "spec.yaml:4:14: indentation: this line"),
        ("title: [Mali\nsections: []\n", "spec.yaml:1:8: this '[' is not closed by a ']'"),
        (
            "title: T\nsections:\n  - heading: H\n    content:\n      - bullets: [Mali, Niger: new]\n",
            "spec.yaml:5:25: a ': ' inside an unquoted list item makes it a mapping: put the item in quotes",
        ),
        ("title: T\nvars: {x: 1}\nsections:\n  - heading: {{ x }}\n", "spec.yaml:4:14: a value starting with {{ must"),
        (
            "title: T\nsections:\n  - heading: H\n    content:\n      - chart:\n          type: bar\n"
            "          x: a\n          y: b\n          columns: [a, b]\n          rows: [[x, 1]]\n        title: T\n",
            "spec.yaml:11:9: 'title' is misindented: it belongs to the chart above, so indent it under 'chart:'",
        ),
    ],
)
def test_common_mistakes_are_said_in_the_authors_words(text, expected):
    with pytest.raises(SpecError) as caught:
        loads(text, "spec.yaml")
    (problem,) = caught.value.problems
    assert str(problem).startswith(expected)
