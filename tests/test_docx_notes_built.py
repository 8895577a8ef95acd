"""Word's notes, citations and cross-references from a spec, through ``briefing build``: what the layout
numbered and worded is what Word shows, each note at the foot of its page in LibreOffice's print."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import docx
import pdfplumber
import pytest
from lxml import etree

from briefing import loads
from briefing.cli import main
from briefing.layout import lay_out
from briefing.model import plain
from briefing.writers.docx.notes import bookmark_name

from .conftest import run_soffice

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
REFS = [
    {
        "id": "ocha2026",
        "type": "report",
        "title": "Niger: humanitarian access snapshot",
        "publisher": "OCHA",
        "author": [{"literal": "OCHA"}],
        "issued": {"date-parts": [[2026, 3, 1]]},
    },
    {
        "id": "smith2025",
        "type": "article-journal",
        "title": "Access negotiations in the central Sahel",
        "container-title": "Journal of Humanitarian Affairs",
        "author": [{"family": "Smith", "given": "Jane"}],
        "issued": {"date-parts": [[2025]]},
    },
]
FILLER = " ".join(["Convoys were held at checkpoints for days and permits came late or not at all."] * 14)
SPEC = f"""\
title: Niger access
sources: refs.json
{{extra}}
sections:
  - heading: Access
    id: sec-access
    content:
      - paragraph: >-
          Access tightened [@ocha2026, p. 4], as @smith2025 foresaw;
          see @tbl-incidents and @sec-outlook.^[Counted by **OCHA** field offices, see @tbl-incidents.]
      - table:
          title: Incidents by region
          id: tbl-incidents
          credit: "[@ocha2026]"
          columns: [Region, "Incidents^[Reported to OCHA.]"]
          rows:
            - [Tillabéri, "41^[Estimate [@ocha2026].]"]
            - [Diffa, 12]
      - callout:
          id: box-risk
          title: Risk
          content:
            - paragraph: "Convoys wait.^[Per @ocha2026.]"
      - paragraph: "{FILLER}"
      - paragraph: "{FILLER}"
      - paragraph: "{FILLER}"
      - paragraph: "Late in the text.^[A note on a later page.]"
  - heading: Outlook
    id: sec-outlook
    content:
      - paragraph: "More of the same; see @box-risk."
"""


def build(tmp_path: Path, extra: str = "") -> tuple[Path, object]:
    (tmp_path / "refs.json").write_text(json.dumps(REFS), encoding="utf-8")
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC.format(extra=extra), encoding="utf-8")
    out = tmp_path / "brief.docx"
    assert main(["build", str(spec), "-o", str(out)]) == 0
    return out, lay_out(loads(spec.read_text(encoding="utf-8"), str(spec), tmp_path))


def part(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read(name))


def words(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


@pytest.fixture
def built(tmp_path):
    return build(tmp_path)


def test_each_note_the_layout_numbered_is_the_footnote_of_that_number_cited_in_order(built):
    path, laid = built
    footnotes = {
        int(f.get(f"{W}id")): words(f).strip()
        for f in part(path, "word/footnotes.xml").findall(f"{W}footnote")
        if f.get(f"{W}type") is None
    }
    assert footnotes == {note.number: plain(note.text) for note in laid.notes}
    assert len(footnotes) == 5
    body = part(path, "word/document.xml")
    cited = [int(r.get(f"{W}id")) for r in body.iter(f"{W}footnoteReference")]
    assert cited == sorted(footnotes)  # Word numbers them in this order: the layout's numbers
    assert "Table 1" in footnotes[1]  # a cross-reference in a note, worded by the layout


def test_every_link_lands_on_a_bookmark_round_its_target_and_sources_end_in_order(built):
    path, laid = built
    body = part(path, "word/document.xml")
    marks = {b.get(f"{W}name"): words(b.getparent()) for b in body.iter(f"{W}bookmarkStart")}
    anchors = [link.get(f"{W}anchor") for link in body.iter(f"{W}hyperlink") if link.get(f"{W}anchor")]
    footnotes = part(path, "word/footnotes.xml")
    anchors += [link.get(f"{W}anchor") for link in footnotes.iter(f"{W}hyperlink")]
    assert anchors and all(anchor in marks for anchor in anchors)
    assert marks[bookmark_name("tbl-incidents")] == "Table 1: Incidents by region"
    assert marks[bookmark_name("sec-outlook")] == "Outlook"
    assert marks[bookmark_name("box-risk")] == "Risk"
    paragraphs = [p.text for p in docx.Document(str(path)).paragraphs]
    entries = [plain(entry.text) for entry in _entries(laid)]
    assert len(entries) == 2 and paragraphs[-2:] == entries
    assert all(
        marks[bookmark_name(f"ref-{key}")] == text for key, text in zip(("ocha2026", "smith2025"), entries, strict=True)
    )
    credit = next(p for p in paragraphs if p.startswith("Source:"))
    assert "OCHA" in credit


def _entries(laid):
    from briefing.layout import SourceEntry

    found, stack = [], list(laid.body)
    while stack:
        node = stack.pop(0)
        if isinstance(node.node, SourceEntry):
            found.append(node.node)
        stack[:0] = node.children
    return found


def test_libreoffice_sets_each_note_at_the_foot_of_its_references_page(built, tmp_path):
    path, laid = built
    printed = run_soffice(path, tmp_path)
    assert printed.returncode == 0, printed.stderr
    references = {5: "Late in the text.", 4: "Convoys wait.", 1: "Access tightened"}
    with pdfplumber.open(tmp_path / "brief.pdf") as pdf:
        texts = [page.extract_text() for page in pdf.pages]
        for note in laid.notes:
            text = plain(note.text)
            (page,) = [n for n, page in enumerate(pdf.pages) if page.search(text, regex=False)]
            (hit,) = pdf.pages[page].search(text, regex=False)
            assert hit["top"] > pdf.pages[page].height * 0.6, note.number  # in the foot of the page
            if note.number in references:
                assert references[note.number] in texts[page], note.number  # the page that cites it
    assert len(texts) >= 2 and "Late in the text." in texts[-1] and "Late in the text." not in texts[0]


def test_endnotes_from_the_spec_are_words_endnotes(tmp_path):
    path, laid = build(tmp_path, "note_style: endnotes")
    assert laid.notes_at_end
    endnotes = part(path, "word/endnotes.xml")
    found = {int(e.get(f"{W}id")): words(e).strip() for e in endnotes.findall(f"{W}endnote") if not e.get(f"{W}type")}
    assert found == {note.number: plain(note.text) for note in laid.notes}
    last = docx.Document(str(path)).paragraphs[-1]
    assert (last.style.name, last.text) == ("Heading 1", laid.notes_heading)
