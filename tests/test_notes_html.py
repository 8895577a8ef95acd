"""Notes, citations, cross-references, credits and sources in the HTML page and the mail body, read back."""

from __future__ import annotations

import dataclasses

import lxml.html
import pytest

from briefing.layout import Laid
from briefing.model import Paragraph, Span
from briefing.writers.html.writer import Attachment, HtmlWriter, mail_body
from tests.laid_notes import NOTES, SOURCES, laid
from tests.laid_notes import mark as note_mark

from .conftest import axe_violations, require_tool
from .test_serve import CHROMIUM_FLAGS


def read(element):
    """An element's text as a reader sees it at rest: the notes' popups hidden."""
    copy = lxml.html.fromstring(lxml.html.tostring(element))
    for popup in copy.find_class("note-pop"):
        popup.drop_tree()
    return copy.text_content()


@pytest.fixture
def doc(picture):
    return laid(picture)


@pytest.fixture
def tree(doc, tmp_path):
    path = tmp_path / "notes.html"
    assert HtmlWriter().write(doc, path) == []
    return lxml.html.fromstring(path.read_bytes())


def test_every_internal_link_lands_on_an_element(tree):
    ids = tree.xpath("//@id")
    assert len(ids) == len(set(ids)), "ids are unique"
    targets = [href[1:] for href in tree.xpath("//a/@href") if href.startswith("#")]
    assert targets and set(targets) <= set(ids)
    for anchor in ("sec-access", "tbl-funding", "fig-incidents", "fig-map", "box-risk", "ref-ocha2026"):
        assert anchor in targets
    assert tree.get_element_by_id("sec-access").tag == "h2"
    assert tree.get_element_by_id("tbl-funding").tag == "table"
    assert tree.get_element_by_id("fig-incidents").tag == "figure"
    assert tree.get_element_by_id("box-risk").tag == "aside"


def test_cross_references_and_citations_say_the_layouts_words(tree):
    words = {a.text_content(): a.get("href") for a in tree.iter("a")}
    assert words["Table 1"] == "#tbl-funding" and words["Figure 2"] == "#fig-map"
    assert words["Access"] == "#sec-access" and words["OCHA 2026"] == "#ref-ocha2026"
    (paragraph,) = [p for p in tree.iter("p") if p.text_content().startswith("As shown")]
    said = "As shown under Access, with the risk in the box and the map in Figure 2 (ACLED 2026)."
    assert paragraph.text_content() == said


def test_marks_link_to_numbered_notes_that_link_back(tree):
    marks = tree.xpath("//a[@role='doc-noteref']")
    assert [m.text_content() for m in marks] == ["1", "2", "4", "3", "5"]  # as read: the header before the body
    for mark in marks:
        number = mark.text_content()
        assert mark.find("sup").text == number
        assert mark.get("href") == f"#note-{number}" and mark.get("id") == f"note-{number}-ref"
    (section,) = tree.xpath("//section[@role='doc-endnotes']")
    assert section.xpath("./h2")[0].text == "Notes" and section.get("aria-labelledby") == "notes-heading"
    items = section.xpath("./ol/li")
    assert [int(li.get("value")) for li in items] == [n.number for n in NOTES]
    for li, note in zip(items, NOTES, strict=True):
        (back,) = li.xpath("./a[@role='doc-backlink']")
        assert li.get("id") == note.anchor and back.get("href") == f"#{note.back}"
        back.drop_tree()
        assert li.text_content().strip() == "".join(span.text for span in note.text)
    # The note's own link and citation stay links in the list.
    assert items[1].xpath(".//a[@href='https://example.org/report']") and items[1].xpath(".//a[@href='#ref-ocha2026']")


def test_a_note_shows_beside_its_mark_for_sight_only(tree):
    (mark,) = tree.xpath("//a[@id='note-3-ref']")
    popup = mark.getnext()
    assert popup.get("class") == "note-pop" and popup.get("aria-hidden") == "true"
    assert popup.text_content() == "3. Including Tillabéri & Tahoua <regions>."
    assert not tree.xpath("//*[@class='note-pop']//a"), "nothing in a popup takes focus"


def test_table_cells_credits_and_sources(tree):
    (table,) = tree.iter("table")
    assert [read(th) for th in table.iter("th")] == ["Region", "Funding4"]
    assert [read(td) for td in table.find("tbody").iter("td")][:3] == ["Tillabéri3", "12.5", "Tahoua"]
    (credit,) = table.getparent().find_class("credit")
    assert credit.text_content() == "Source: OCHA (2026)" and credit.find("a").get("href") == "#ref-ocha2026"
    credits = [read(c) for c in tree.xpath("//figcaption/span[@class='credit']")]
    assert credits == ["Source: ACLED (2026)", "Source: 5"]
    (sources,) = tree.xpath("//section[@role='doc-bibliography']")
    entries = sources.find_class("source")
    assert [(p.get("id"), p.text_content()) for p in entries] == [(f"ref-{key}", text) for key, text in SOURCES]


def test_the_mail_lists_the_notes_it_cites_and_says_references_as_text(doc):
    short = mail_body(doc, None, [Attachment("pack.pdf", 2000)])
    assert "Access worsened in 2026[1]." in short.text
    assert "Notes\n[1] Figures for the first nine months of 2026." in short.text and "[2]" not in short.text
    tree = lxml.html.fromstring(short.html)
    (notes,) = tree.find_class("notes")
    assert [li.text_content() for li in notes.iter("li")] == ["Figures for the first nine months of 2026."]

    full = lxml.html.fromstring(mail_body(doc, None, [], full=True).html)
    assert not full.xpath("//a[starts-with(@href, '#')]"), "mail readers keep few links within a message"
    assert not full.find_class("note-pop")
    (paragraph,) = [p for p in full.iter("p") if p.text_content().startswith("Access fell")]
    assert paragraph.text_content() == "Access fell2 (see Table 1 and Figure 1; OCHA 2026)."
    assert [sup.text for sup in full.iter("sup")] == ["1", "2", "4", "3", "5"]
    items = full.find_class("notes")[0].iter("li")
    assert [(int(li.get("value")), li.text_content()) for li in items] == [
        (n.number, "".join(s.text for s in n.text)) for n in NOTES
    ]


def test_the_page_and_the_mail_pass_wcag_22_aa_with_a_note_shown(doc, tmp_path):
    from playwright.sync_api import sync_playwright

    page_path, mail_path = tmp_path / "notes.html", tmp_path / "mail.html"
    HtmlWriter().write(doc, page_path)
    mail_path.write_text(mail_body(doc, None, [], full=True).html, encoding="utf-8")
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=require_tool("chromium"), args=CHROMIUM_FLAGS)
        try:
            tab = browser.new_page()
            tab.goto(page_path.as_uri())
            assert axe_violations(tab) == []
            tab.keyboard.press("Tab")  # the first thing to take focus is the first note's mark
            assert tab.evaluate("document.activeElement.id") == "note-1-ref"
            popup = tab.locator("#note-1-ref + .note-pop")
            assert popup.is_visible() and popup.inner_text() == "1. Figures for the first nine months of 2026."
            assert axe_violations(tab) == []
            tab.keyboard.press("Escape")  # a note shown is hidden without moving focus, until the next is shown
            assert not popup.is_visible() and tab.evaluate("document.activeElement.id") == "note-1-ref"
            tab.keyboard.press("Tab")
            assert tab.locator("#note-2-ref + .note-pop").is_visible()
            tab.keyboard.press("Shift+Tab")
            assert popup.is_visible()
            tab.keyboard.press("Enter")  # the mark leads to its note, which leads back
            assert tab.evaluate("location.hash") == "#note-1"
            tab.click("#note-1 a[role=doc-backlink]")
            assert tab.evaluate("location.hash") == "#note-1-ref"
            tab.goto(mail_path.as_uri())
            assert axe_violations(tab) == []
        finally:
            browser.close()


def test_a_notes_mark_reads_as_a_link_against_the_text_and_the_page(doc, tmp_path):
    from playwright.sync_api import sync_playwright

    from briefing.layout.contrast import contrast

    path = tmp_path / "notes.html"
    HtmlWriter().write(doc, path)
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=require_tool("chromium"), args=CHROMIUM_FLAGS)
        try:
            tab = browser.new_page()
            tab.goto(path.as_uri())
            decoration, colour, page = tab.evaluate(
                """() => {
                    const mark = getComputedStyle(document.getElementById("note-1-ref"));
                    const page = getComputedStyle(document.body).backgroundColor;
                    return [mark.textDecorationLine, mark.color, page];
                }"""
            )
        finally:
            browser.close()

    def rgb(css: str) -> str:
        red, green, blue, *alpha = (float(n) for n in css[css.index("(") + 1 : -1].split(","))
        return "FFFFFF" if alpha == [0.0] else f"{int(red):02X}{int(green):02X}{int(blue):02X}"

    assert "underline" in decoration  # told from the words around it by more than its colour
    assert contrast(rgb(colour), rgb(page)) >= 4.5


def test_a_note_cited_twice_links_back_to_its_first_mark(doc, tmp_path):
    (summary, *rest) = doc.body
    paragraph = next(child for child in summary.children if isinstance(child.node, Paragraph))
    text = (Span("Once"), note_mark(1), Span(", twice"), note_mark(1), Span("."))
    twice = dataclasses.replace(paragraph.node, text=text)
    children = tuple(Laid(twice, c.place) if c is paragraph else c for c in summary.children)
    path = tmp_path / "twice.html"
    HtmlWriter().write(dataclasses.replace(doc, body=(Laid(summary.node, summary.place, children), *rest)), path)
    tree = lxml.html.fromstring(path.read_bytes())
    marks = tree.xpath("//a[@href='#note-1']")
    assert [m.get("id") for m in marks] == ["note-1-ref", None]
    ids = tree.xpath("//@id")
    assert len(ids) == len(set(ids))
    assert len(tree.xpath("//li[@id='note-1']")) == 1
