"""Notes, citations and cross-references agree across formats: built from the example that uses every
piece (specs/niger-access.yaml), each format read back gives the same notes, numbered the same, the same
words for the same references and citations, and the sources in the same order, as the layout decided."""

from __future__ import annotations

import re
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import lxml.html
import pytest
from lxml import etree
from openpyxl import load_workbook

from briefing import build, load
from briefing.layout import InternalLink, Laid, LaidDocument, SourceEntry, lay_out

from .conftest import SPECS, require_tool, squash, words

EXAMPLE = SPECS / "niger-access.yaml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def pack(tmp_path_factory) -> tuple[LaidDocument, dict[str, Path]]:
    built = build(EXAMPLE, out=tmp_path_factory.mktemp("niger"))
    assert built.warnings == ()
    return lay_out(load(EXAMPLE)), {p.suffix[1:]: p for p in built.paths}


def walk(nodes: tuple[Laid, ...]):
    for node in nodes:
        yield node
        yield from walk(node.children)


def notes(laid: LaidDocument) -> list[tuple[int, str]]:
    return [(note.number, squash(words(note.text))) for note in laid.notes]


def links(laid: LaidDocument) -> Counter[tuple[str, str]]:
    """Every internal link the layout words, as (text, target): in texts, table cells, credits and notes."""
    texts = []
    for node in walk(laid.body):
        texts.append(getattr(node.node, "text", ()))
        texts.extend(text for _, _, text in node.place.cells)
        texts.append(node.place.credit or ())
    texts.extend(note.text for note in laid.notes)
    return Counter((s.text, s.target) for text in texts for s in text if isinstance(s, InternalLink))


def entries(laid: LaidDocument) -> list[str]:
    return [squash(words(n.node.text)) for n in walk(laid.body) if isinstance(n.node, SourceEntry)]


def in_order(text: str, parts: list[str]) -> bool:
    """Whether each part stands in the text, each after the one before."""
    at = -1
    for part in parts:
        at = text.find(part, at + 1)
        if at < 0:
            return False
    return True


def _docx(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read(name))


def _text(element: etree._Element) -> str:
    return squash("".join(t.text or "" for t in element.iter(W + "t")))


def test_the_example_has_every_piece(pack):
    laid, _ = pack
    assert len(laid.notes) >= 5 and len(entries(laid)) >= 3
    targets = {target.split("-")[0] for _, target in links(laid)}
    assert targets == {"ref", "sec", "tbl", "fig", "box"}


def test_each_format_gives_each_note_its_number_and_text(pack):
    laid, files = pack
    expected = notes(laid)
    word = [
        (int(n.get(W + "id")), _text(n))
        for n in _docx(files["docx"], "word/footnotes.xml").findall(W + "footnote")
        if int(n.get(W + "id")) > 0
    ]
    assert word == expected
    page = lxml.html.fromstring(files["html"].read_bytes())
    listed = page.xpath('//*[@role="doc-endnotes"]//li')
    for (number, text), li in zip(expected, listed, strict=True):
        assert squash(li.text_content()).startswith(text) and li.get("id") == f"note-{number}"
    sheet = [str(c) for row in load_workbook(files["xlsx"])["Briefing"].iter_rows(values_only=True) for c in row if c]
    assert [line for line in sheet if re.match(r"\[\d+\] ", line)] == [f"[{n}] {t}" for n, t in expected]
    pdftotext = require_tool("pdftotext")
    printed = squash(subprocess.run([pdftotext, str(files["pdf"]), "-"], capture_output=True, text=True).stdout)
    for number, text in expected:
        assert f"{number} {text[:40]}" in printed, number


def test_each_format_words_and_links_references_and_citations_alike(pack):
    laid, files = pack
    expected = links(laid)
    page = lxml.html.fromstring(files["html"].read_bytes())
    html = Counter(
        (squash(a.text_content()), a.get("href")[1:])
        for a in page.xpath('//a[starts-with(@href, "#")]')
        if not a.get("href").startswith("#note-") and a.get("role") != "doc-backlink"
    )
    assert html == expected
    word = Counter(
        _text(h) for h in _docx(files["docx"], "word/document.xml").iter(W + "hyperlink") if h.get(W + "anchor")
    )
    word += Counter(
        _text(h) for h in _docx(files["docx"], "word/footnotes.xml").iter(W + "hyperlink") if h.get(W + "anchor")
    )
    assert word == Counter(text for (text, _), count in expected.items() for _ in range(count))


def test_each_format_lists_the_sources_in_the_same_order(pack):
    laid, files = pack
    starts = [entry[:30] for entry in entries(laid)]
    page = squash(lxml.html.fromstring(files["html"].read_bytes()).text_content())
    word = squash(" ".join(_text(p) for p in _docx(files["docx"], "word/document.xml").iter(W + "p")))
    sheet = squash(
        " ".join(
            str(c) for row in load_workbook(files["xlsx"])["Briefing"].iter_rows(values_only=True) for c in row if c
        )
    )
    pdftotext = require_tool("pdftotext")
    printed = squash(subprocess.run([pdftotext, str(files["pdf"]), "-"], capture_output=True, text=True).stdout)
    for name, text in (("html", page), ("docx", word), ("xlsx", sheet), ("pdf", printed)):
        assert in_order(text, starts), name
