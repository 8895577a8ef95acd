"""Bases and includes: merge rules, chains, cycles, and errors at their true origin."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from PIL import Image as PILImage

from briefing import SpecError, load
from briefing.cli import main
from briefing.model import Image, ListBlock, plain

from .conftest import SPECS


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def headings(doc) -> list[str]:
    return [plain(s.heading) for s in doc.sections]


def problems(path: Path) -> list[str]:
    with pytest.raises(SpecError) as caught:
        load(path)
    return [str(p) for p in caught.value.problems]


BASE = """\
    title: Base title
    classification: OFFICIAL
    summary: [base judgement one, base judgement two]
    style:
      accent: navy
      table: {zebra: "#EEEEEE", header_fill: "#111111"}
    sections:
      - heading: Background
        content: [{paragraph: Base background.}]
      - heading: Outlook
        content: [{paragraph: Base outlook.}]
      - heading: Contacts
        content: [{paragraph: Desk contacts.}]
    """


def test_child_wins_mappings_merge_lists_replace_sections_merge_by_heading(tmp_path):
    write(
        tmp_path,
        {
            "base.yaml": BASE,
            "mali.yaml": """\
            extends: base.yaml
            title: Mali
            summary: [only judgement]
            style:
              table: {zebra: none}
            sections:
              - heading: Outlook
                content: [{paragraph: Mali outlook.}]
              - heading: Annex
                content: [{paragraph: New section.}]
            """,
        },
    )
    doc = load(tmp_path / "mali.yaml")
    assert doc.title == "Mali"
    assert doc.classification == "OFFICIAL"
    (summary,) = doc.summary
    assert isinstance(summary, ListBlock) and [plain(i.text) for i in summary.items] == ["only judgement"]
    assert doc.style.accent == "000080" and doc.style.table.zebra is None and doc.style.table.header_fill == "111111"
    assert headings(doc) == ["Background", "Outlook", "Contacts", "Annex"]
    assert plain(doc.sections[1].content[0].text) == "Mali outlook."


def test_sections_mode_replace(tmp_path):
    write(
        tmp_path,
        {
            "base.yaml": BASE,
            "short.yaml": "extends: base.yaml\nsections_mode: replace\nsections:\n  - heading: Only\n",
        },
    )
    assert headings(load(tmp_path / "short.yaml")) == ["Only"]


def test_a_chain_of_bases(tmp_path):
    write(
        tmp_path,
        {
            "desk/base.yaml": BASE,
            "desk/sahel.yaml": "extends: base.yaml\nsource: Sahel desk\nsections:\n  - heading: Region\n",
            "mali.yaml": "extends: desk/sahel.yaml\ntitle: Mali\n",
        },
    )
    doc = load(tmp_path / "mali.yaml")
    assert (doc.title, doc.source, doc.classification) == ("Mali", "Sahel desk", "OFFICIAL")
    assert headings(doc) == ["Background", "Outlook", "Contacts", "Region"]


def test_an_extends_cycle_is_an_error(tmp_path):
    write(tmp_path, {"a.yaml": "extends: b.yaml\ntitle: A\n", "b.yaml": "extends: a.yaml\nsections: []\n"})
    assert problems(tmp_path / "a.yaml") == [
        f"{tmp_path / 'a.yaml'}:1 extends {tmp_path / 'b.yaml'}:1:10: extends cycle: a.yaml -> b.yaml -> a.yaml"
    ]


def test_includes_in_sections_and_content_and_nested(tmp_path):
    write(
        tmp_path,
        {
            "parts/closing.yaml": """\
            - heading: Contacts
              content:
                - include: note.yaml
            """,
            "parts/note.yaml": "- paragraph: Call the desk.\n- bullets: [a, b]\n",
            "brief.yaml": """\
            title: T
            sections:
              - heading: First
                content:
                  - paragraph: Before.
                  - include: parts/note.yaml
                  - paragraph: After.
              - include: parts/closing.yaml
            """,
        },
    )
    doc = load(tmp_path / "brief.yaml")
    assert headings(doc) == ["First", "Contacts"]
    assert [type(b).__name__ for b in doc.sections[0].content] == ["Paragraph", "Paragraph", "ListBlock", "Paragraph"]
    assert plain(doc.sections[1].content[0].text) == "Call the desk."


def test_an_include_cycle_is_an_error(tmp_path):
    write(
        tmp_path,
        {
            "a.yaml": "- paragraph: x\n- include: b.yaml\n",
            "b.yaml": "- include: a.yaml\n",
            "brief.yaml": "title: T\nsections:\n  - heading: H\n    content:\n      - include: a.yaml\n",
        },
    )
    (line,) = problems(tmp_path / "brief.yaml")
    assert line.endswith(":1:12: includes cycle: a.yaml -> b.yaml -> a.yaml")


def test_errors_in_bases_and_includes_are_reported_where_they_are(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path,
        {
            "base.yaml": "title: Base\nsections:\n  - heading: H\n    content:\n      - paragrph: typo\n",
            "part.yaml": "- bullets: []\n",
            "spec.yaml": "extends: base.yaml\nsections:\n  - heading: J\n    content:\n      - include: part.yaml\n",
        },
    )
    assert problems(Path("spec.yaml")) == [
        "spec.yaml:1 extends base.yaml:5:9: unknown key 'paragrph' in a block (did you mean 'paragraph'?)",
        "spec.yaml:5 includes part.yaml:1:12: a list needs at least one item",
    ]


def test_syntax_errors_and_missing_files_in_bases(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path,
        {
            "broken.yaml": "title: [unclosed\n",
            "a.yaml": "extends: broken.yaml\n",
            "b.yaml": "extends: missing.yaml\n",
            "c.yaml": "extends: ../outside.yaml\n",
            "d.yaml": "title: T\nsections:\n  - include: broken.yaml\n",
        },
    )
    assert problems(Path("a.yaml")) == ["a.yaml:1 extends broken.yaml:1:8: this '[' is not closed by a ']'"]
    assert problems(Path("b.yaml")) == ["b.yaml:1:10: extends file 'missing.yaml' not found"]
    assert problems(Path("c.yaml")) == [
        "c.yaml:1:10: extends path '../outside.yaml' leads outside the spec's folder (--allow-path DIR lets it)"
    ]
    assert problems(Path("d.yaml"))[0] == "d.yaml:3 includes broken.yaml:1:8: this '[' is not closed by a ']'"


def test_paths_in_a_base_start_at_the_base(tmp_path):
    (tmp_path / "shared" / "img").mkdir(parents=True)
    PILImage.new("RGB", (40, 20)).save(tmp_path / "shared" / "img" / "logo.png")
    write(
        tmp_path,
        {
            "shared/base.yaml": """\
            title: Base
            style: {logo: img/logo.png}
            sections:
              - heading: Picture
                content: [{image: {path: img/logo.png}}]
            """,
            "brief.yaml": "extends: shared/base.yaml\n",
        },
    )
    doc = load(tmp_path / "brief.yaml")
    assert doc.style.logo == tmp_path / "shared" / "img" / "logo.png"
    image = doc.sections[0].content[0]
    assert isinstance(image, Image) and image.size_px == (40, 20)


def test_allow_path_lets_a_spec_reach_a_shared_folder(tmp_path, capsys):
    shared = tmp_path / "shared"
    desk = tmp_path / "desk"
    write(
        tmp_path,
        {
            "shared/base.yaml": "title: Shared\nsections:\n  - heading: Picture\n"
            "    content: [{image: {path: logo.png}}]\n",
            "desk/brief.yaml": "extends: ../shared/base.yaml\n",
        },
    )
    PILImage.new("RGB", (40, 20)).save(shared / "logo.png")
    spec = desk / "brief.yaml"
    out = tmp_path / "out"
    assert main(["build", str(spec), "--out", str(out)]) == 2
    assert (
        capsys.readouterr().err == f"{spec}:1:10: extends path '../shared/base.yaml' leads outside the spec's folder"
        " (--allow-path DIR lets it)\n"
    )
    assert not out.exists()
    assert main(["build", str(spec), "--out", str(out), "--allow-path", str(shared), "--format", "pdf"]) == 0
    assert (out / "brief.pdf").is_file()


def test_a_closing_section_of_a_base_stays_last(tmp_path):
    (tmp_path / "base.yaml").write_text(
        "title: T\nsections:\n  - heading: Situation\n  - heading: Handling\n    place: end\n"
    )
    (tmp_path / "child.yaml").write_text(
        "extends: base.yaml\nsections:\n  - heading: Situation\n    content: [paragraph: Now.]\n"
        "  - heading: Outlook\n  - heading: Annex\n"
    )
    doc = load(tmp_path / "child.yaml")
    assert [plain(s.heading) for s in doc.sections] == ["Situation", "Outlook", "Annex", "Handling"]
    weekly = load(SPECS / "sahel-weekly.yaml")
    assert plain(weekly.sections[-1].heading) == "Handling and contacts"
    (tmp_path / "bad.yaml").write_text("title: T\nsections:\n  - heading: H\n    place: last\n")
    with pytest.raises(SpecError) as caught:
        load(tmp_path / "bad.yaml")
    assert str(caught.value).endswith("4:12: expected one of end, got 'last'")


SERIES_BASE = (
    "title: T\nsections:\n  - heading: Situation\n  - heading: Outlook\n  - heading: Background\n"
    "  - heading: Handling\n    place: end\n"
)


def test_a_childs_order_wins_for_the_sections_it_names(tmp_path):
    (tmp_path / "base.yaml").write_text(SERIES_BASE)
    (tmp_path / "child.yaml").write_text(
        "extends: base.yaml\nsections:\n  - heading: Situation\n  - heading: Trend\n"
        "  - heading: Regional response\n  - heading: Outlook\n    content: [paragraph: Calm.]\n"
    )
    assert headings(load(tmp_path / "child.yaml")) == [
        "Situation",
        "Trend",
        "Regional response",
        "Outlook",
        "Background",
        "Handling",
    ]
    (tmp_path / "swap.yaml").write_text("extends: base.yaml\nsections:\n  - heading: Outlook\n  - heading: Situation\n")
    assert headings(load(tmp_path / "swap.yaml")) == ["Outlook", "Situation", "Background", "Handling"]
    weekly = load(SPECS / "sahel-weekly.yaml")
    assert headings(weekly) == ["Situation", "Trend", "Regional response", "Outlook", "Handling and contacts"]


def test_after_before_and_place_end_in_a_child(tmp_path):
    (tmp_path / "base.yaml").write_text(SERIES_BASE)
    (tmp_path / "child.yaml").write_text(
        "extends: base.yaml\nsections:\n  - heading: Annex\n    place: end\n  - heading: Key points\n"
        "    before: Situation\n  - heading: Trend\n    after: Outlook\n  - heading: Background\n    place: end\n"
    )
    assert headings(load(tmp_path / "child.yaml")) == [
        "Key points",
        "Situation",
        "Outlook",
        "Trend",
        "Handling",
        "Annex",
        "Background",
    ]
    (tmp_path / "bad.yaml").write_text("extends: base.yaml\nsections:\n  - heading: Trend\n    after: Outlok\n")
    assert problems(tmp_path / "bad.yaml") == [
        f"{tmp_path / 'bad.yaml'}:4:12: no section has the heading 'Outlok' (did you mean 'Outlook'?)"
    ]
