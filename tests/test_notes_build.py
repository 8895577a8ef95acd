"""A spec with notes, citations and cross-references built by `briefing build`: the HTML page, the workbook
and the mail body read back, each saying the notes, references and sources the layout worded, alike."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest
from openpyxl import load_workbook

from briefing import load
from briefing.cli import main
from briefing.layout import Laid, SourceEntry, lay_out
from briefing.model import plain
from briefing.writers.html.writer import mail_body

from .test_notes_layout import BODY, REFS

SPEC = BODY.format(extra="")
"""The layout's own example: a note in the summary, a paragraph, a table's header and cell and a callout;
citations, cross-references and credits."""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path, Path]:
    folder = tmp_path_factory.mktemp("niger")
    (folder / "refs.json").write_text(json.dumps(REFS), encoding="utf-8")
    spec = folder / "niger.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    assert main(["build", str(spec), "-t", "html,xlsx", "-o", f"{folder / 'out'}/"]) == 0
    return spec, folder / "out" / "niger.html", folder / "out" / "niger.xlsx"


@pytest.fixture(scope="module")
def laid(built):
    return lay_out(load(built[0]))


def words(text) -> str:
    return plain(text)


def sources_of(laid) -> list[str]:
    found: list[str] = []

    def visit(node: Laid) -> None:
        if isinstance(node.node, SourceEntry):
            found.append(plain(node.node.text))
        for child in node.children:
            visit(child)

    for node in laid.body:
        visit(node)
    return found


def test_the_page_says_what_the_layout_worded_and_every_link_lands(built, laid):
    tree = lxml.html.fromstring(built[1].read_bytes())
    ids = set(tree.xpath("//@id"))
    assert {href[1:] for href in tree.xpath("//a/@href") if href.startswith("#")} <= ids
    (section,) = tree.xpath("//section[@role='doc-endnotes']")
    notes = []
    for li in section.xpath("./ol/li"):
        li.xpath("./a[@role='doc-backlink']")[0].drop_tree()
        notes.append((int(li.get("value")), li.text_content().strip()))
    assert notes == [(n.number, words(n.text)) for n in laid.notes] and len(notes) == 5
    assert [a.text_content() for a in tree.xpath("//a[@role='doc-noteref']")] == ["1", "2", "3", "4", "5"]
    (table,) = tree.xpath("//a[text()='Table 1']")
    target = tree.get_element_by_id(table.get("href")[1:])
    assert target.tag == "table" and target.findtext("caption") == "Table 1: Incidents by region"
    figure = tree.get_element_by_id(tree.xpath("//a[text()='Figure 1']")[0].get("href")[1:])
    assert figure.tag == "figure"
    entries = tree.xpath("//section[@role='doc-bibliography']/p")
    assert [p.text_content() for p in entries] == sources_of(laid) and len(entries) == 3
    credits = [c.text_content() for c in tree.find_class("credit")]
    assert credits == ["Source: ACLED (2026)", "Source: OCHA field offices"]


def test_the_workbook_says_the_same_notes_references_and_sources(built, laid):
    workbook = load_workbook(built[2])
    narrative = [row[0] for row in workbook["Briefing"].iter_rows(values_only=True) if row[0]]
    notes = narrative[narrative.index("Notes") + 1 :]
    assert notes == [f"[{n.number}] {words(n.text)}" for n in laid.notes]
    assert "Access fell in 2026.[1]" in narrative and "Convoys wait.[5]" in narrative
    (cited,) = [t for t in narrative if str(t).startswith("Incidents rose")]
    assert "see Table 1 and Outlook.[2]" in cited
    assert narrative[narrative.index("Sources") + 1 : narrative.index("Notes")] == sources_of(laid)
    table = workbook["Incidents by region"]
    rows = [row for row in table.iter_rows(values_only=True) if any(row)]
    assert rows[1] == ("Region", "Incidents[3]") and rows[2] == ("Tillabéri", "41[4]")
    listed = [row[0] for row in rows[-3:]]
    assert listed == ["Source: OCHA field offices", *(f"[{n.number}] {words(n.text)}" for n in laid.notes[2:4])]
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.hyperlink is not None and cell.hyperlink.location:
                    assert cell.hyperlink.location.rpartition("!")[0].strip("'") in workbook.sheetnames
    (links,) = [r[1] for r in workbook["Briefing"].iter_rows() if str(r[0].value).startswith("Incidents rose")]
    assert links.value == "Links:\nTable 1\nOutlook"
    name = links.hyperlink.location.rpartition("!")[0].strip("'")
    assert workbook[name]["A1"].value == "Table 1: Incidents by region"


def test_the_mail_lists_the_summarys_notes(built):
    body = mail_body(load(built[0]), None, [])
    assert "Access fell in 2026.[1]" in body.text
    assert "Notes\n[1] All regions counted.\n" in body.text and "[2]" not in body.text
    tree = lxml.html.fromstring(body.html)
    (notes,) = tree.find_class("notes")
    assert [li.text_content() for li in notes.iter("li")] == ["All regions counted."]


def test_the_live_preview_shows_the_same_page_and_sheets(built):
    pytest.importorskip("starlette")
    from briefing.reading.loader import Options
    from briefing.serve.preview import rebuild

    outcome = rebuild(built[0], Options())
    assert outcome.problems == () and outcome.rendering is not None
    assert outcome.rendering.html == built[1].read_text(encoding="utf-8")
    rows = [row[0] for sheet in outcome.rendering.sheets for row in sheet.rows if row]
    assert "Access fell in 2026.[1]" in rows and "[4] Estimate (ACLED, 2026; OCHA, 2026)." in rows
