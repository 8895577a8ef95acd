"""Word's notes, citations and cross-references from a spec, through ``briefing build``: what the layout
numbered and worded is what Word shows, each note at the foot of its page in LibreOffice's print.

Two specs: the example of sources, notes and cross-references (``specs/niger-access.yaml``), and a
short one citing its sources, long enough for a note on a later page, in both note styles.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import docx
import pdfplumber
import pytest
from lxml import etree

from briefing import loads
from briefing.cli import main
from briefing.layout import LaidDocument, SourceEntry, lay_out
from briefing.model import plain
from briefing.writers.docx.notes import bookmark_name

from .conftest import SPECS, run_soffice, squash

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FILLER = " ".join(["Convoys were held at checkpoints for days and permits came late or not at all."] * 14)
SPEC = f"""\
title: Niger access
sources: refs.json
citation_style: apa
{{extra}}
sections:
  - heading: Access
    id: sec-access
    content:
      - paragraph: >-
          Access tightened [@ocha2026access, p. 4], as @acled2026 records;
          see @tbl-incidents and @sec-outlook.^[Counted by **OCHA** field offices, see @tbl-incidents.]
      - table:
          title: Incidents by region
          id: tbl-incidents
          credit: "[@ocha2026access]"
          columns: [Region, "Incidents^[Reported to OCHA.]"]
          rows:
            - [Tillabéri, "41^[Estimate [@ocha2026access].]"]
            - [Diffa, 12]
      - callout:
          id: box-risk
          title: Risk
          content:
            - paragraph: "Convoys wait.^[Per @ocha2026access.]"
      - paragraph: "{FILLER}"
      - paragraph: "{FILLER}"
      - paragraph: "{FILLER}"
      - paragraph: "Late in the text.^[A note on a later page.]"
  - heading: Outlook
    id: sec-outlook
    content:
      - paragraph: "More of the same; see @box-risk."
"""


def build(tmp_path: Path, extra: str = "") -> tuple[Path, LaidDocument]:
    shutil.copyfile(SPECS / "data" / "niger-access-sources.json", tmp_path / "refs.json")
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC.format(extra=extra), encoding="utf-8")
    return built_from(spec, tmp_path / "brief.docx")


def built_from(spec: Path, out: Path) -> tuple[Path, LaidDocument]:
    """The spec built into ``out`` by ``briefing build``, and the layout the build made of it."""
    assert main(["build", str(spec), "-o", str(out)]) == 0
    return out, lay_out(loads(spec.read_text(encoding="utf-8"), str(spec), spec.parent))


def part(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read(name))


def words(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def entries(laid: LaidDocument) -> list[SourceEntry]:
    """The sources list's entries, in order."""
    found, stack = [], list(laid.body)
    while stack:
        node = stack.pop(0)
        if isinstance(node.node, SourceEntry):
            found.append(node.node)
        stack[:0] = node.children
    return found


@pytest.fixture
def built(tmp_path):
    return build(tmp_path)


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    return built_from(SPECS / "niger-access.yaml", tmp_path_factory.mktemp("example") / "niger-access.docx")


@pytest.mark.parametrize("which", ["built", "example"])
def test_each_note_the_layout_numbered_is_the_footnote_of_that_number_cited_in_order(which, request):
    path, laid = request.getfixturevalue(which)
    footnotes = {
        int(f.get(f"{W}id")): words(f).strip()
        for f in part(path, "word/footnotes.xml").findall(f"{W}footnote")
        if f.get(f"{W}type") is None
    }
    assert footnotes == {note.number: plain(note.text) for note in laid.notes}
    assert len(footnotes) >= 5
    body = part(path, "word/document.xml")
    cited = [int(r.get(f"{W}id")) for r in body.iter(f"{W}footnoteReference")]
    assert cited == sorted(footnotes)  # Word numbers them in this order: the layout's numbers


@pytest.mark.parametrize("which", ["built", "example"])
def test_every_link_lands_on_a_bookmark_round_its_target_and_the_sources_end_in_order(which, request):
    path, laid = request.getfixturevalue(which)
    body = part(path, "word/document.xml")
    marks = {b.get(f"{W}name"): words(b.getparent()) for b in body.iter(f"{W}bookmarkStart")}
    anchors = [link.get(f"{W}anchor") for link in body.iter(f"{W}hyperlink") if link.get(f"{W}anchor")]
    anchors += [link.get(f"{W}anchor") for link in part(path, "word/footnotes.xml").iter(f"{W}hyperlink")]
    assert len(anchors) >= 5 and [a for a in anchors if a not in marks] == []
    listed = entries(laid)
    paragraphs = [p.text for p in docx.Document(str(path)).paragraphs]
    assert len(listed) >= 2 and paragraphs[-len(listed) :] == [plain(entry.text) for entry in listed]
    assert all(marks[bookmark_name(f"ref-{entry.key}")] == plain(entry.text) for entry in listed)
    assert any(p.startswith("Source:") for p in paragraphs)


def test_the_short_specs_links_land_on_its_caption_heading_and_callout(built):
    path, _ = built
    marks = {b.get(f"{W}name"): words(b.getparent()) for b in part(path, "word/document.xml").iter(f"{W}bookmarkStart")}
    assert marks[bookmark_name("tbl-incidents")] == "Table 1: Incidents by region"
    assert marks[bookmark_name("sec-outlook")] == "Outlook"
    assert marks[bookmark_name("box-risk")] == "Risk"
    footnotes = part(path, "word/footnotes.xml")
    assert "Table 1" in words(footnotes.find(f"{W}footnote[@{W}id='1']"))  # a cross-reference in a note


@pytest.mark.parametrize("which", ["built", "example"])
def test_libreoffice_sets_each_note_at_the_foot_of_the_page_that_cites_it(which, request, tmp_path):
    path, laid = request.getfixturevalue(which)
    before = _words_before_marks(path)
    printed = run_soffice(path, tmp_path)
    assert printed.returncode == 0, printed.stderr
    with pdfplumber.open(tmp_path / path.with_suffix(".pdf").name) as pdf:
        pages, feet = [squash(page.extract_text()) for page in pdf.pages], set()
        for note in laid.notes:
            start = " ".join(plain(note.text).split()[:4])
            (page,) = [n for n, page in enumerate(pdf.pages) if page.search(start, regex=False)]
            (hit,) = pdf.pages[page].search(start, regex=False)
            assert hit["top"] > pdf.pages[page].height * 0.6, note.number  # in the foot of the page
            assert before[note.number] in pages[page], note.number  # on the page that cites it
            feet.add(page)
    assert len(feet) >= 2  # notes at the foot of more than one page


def _words_before_marks(path: Path) -> dict[int, str]:
    """The last words before each note's mark, by the note's number."""
    found = {}
    for p in part(path, "word/document.xml").iter(f"{W}p"):
        text = ""
        for element in p.iter(f"{W}t", f"{W}footnoteReference"):
            if element.tag == f"{W}t":
                text += element.text or ""
            else:
                found[int(element.get(f"{W}id"))] = " ".join(text.split()[-3:])
    return found


def test_endnotes_from_the_spec_are_words_endnotes_under_the_notes_heading(tmp_path):
    path, laid = build(tmp_path, "note_style: endnotes")
    assert laid.notes_at_end
    endnotes = part(path, "word/endnotes.xml")
    found = {int(e.get(f"{W}id")): words(e).strip() for e in endnotes.findall(f"{W}endnote") if not e.get(f"{W}type")}
    assert found == {note.number: plain(note.text) for note in laid.notes}
    last = docx.Document(str(path)).paragraphs[-1]
    assert (last.style.name, last.text) == ("Heading 1", laid.notes_heading)


@pytest.mark.parametrize("note_style", ["footnotes", "endnotes"])
def test_a_citation_in_a_note_in_a_style_citing_in_notes_makes_a_file_libreoffice_opens(tmp_path, note_style):
    shutil.copyfile(SPECS / "data" / "niger-access-sources.json", tmp_path / "refs.json")
    spec = tmp_path / "spec.yaml"
    text = SPEC.format(extra=f"note_style: {note_style}").replace(
        "citation_style: apa", "citation_style: chicago-notes-bibliography"
    )
    spec.write_text(text, encoding="utf-8")
    path, laid = built_from(spec, tmp_path / "brief.docx")
    name = "word/footnotes.xml" if note_style == "footnotes" else "word/endnotes.xml"
    notes = part(path, name)
    assert not list(notes.iter(f"{W}footnoteReference")) and not list(notes.iter(f"{W}endnoteReference"))
    printed = run_soffice(path, tmp_path)
    assert printed.returncode == 0, printed.stderr
    with pdfplumber.open(tmp_path / "brief.pdf") as pdf:
        text = squash(" ".join(page.extract_text() for page in pdf.pages))
    assert "Per OCHA, Niger: Humanitarian Access Snapshot" in text
