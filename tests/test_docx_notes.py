"""Word's notes, citations and cross-references, from laid-out documents: read back from the parts of the file.

The laid-out document is made here by hand, as the layout makes it: paragraphs whose text holds
``NoteMark`` and ``InternalLink`` spans, ``LaidDocument.notes``, ``Place.anchor``, ``credit`` and
``cells``, and a ``SourceList`` of ``SourceEntry`` paragraphs at the end.
"""

from __future__ import annotations

import dataclasses
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from briefing.layout import Laid, LaidDocument, lay_out
from briefing.layout.tree import InternalLink, Note, NoteMark, SourceEntry, SourceList
from briefing.model import (
    NOWHERE,
    Briefing,
    Callout,
    Image,
    Inline,
    Paragraph,
    Section,
    Span,
    Table,
)
from briefing.writers.docx import notes, streaming, tables
from briefing.writers.docx.writer import DocxWriter

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FILLER = (
    "Access to the north-east remained constrained through the reporting period, with convoys held at "
    "checkpoints for days and partners reporting that movement permits were granted late or not at all. "
)


def text(source: str) -> Inline:
    """Inline text with ``{n:3}`` for a note's mark and ``{l:TARGET|words}`` for an internal link."""
    spans: list[Span] = []
    for piece in re.split(r"(\{[nl]:[^}]*\})", source):
        if piece.startswith("{n:"):
            number = int(piece[3:-1])
            spans.append(NoteMark(str(number), number=number))
        elif piece.startswith("{l:"):
            target, words = piece[3:-1].split("|")
            spans.append(InternalLink(words, target=target))
        elif piece:
            spans.append(Span(piece))
    return tuple(spans)


NOTES = {
    1: (
        Span("Figures for "),
        Span("October", bold=True),
        Span(" only; see "),
        Span("the dashboard", href="https://example.org/d"),
    ),
    2: (Span("Counted by "), InternalLink("OCHA (2026)", target="ref-ocha2026"), Span(".")),
    3: (Span("Reported by two partners, "), Span("not confirmed", italic=True), Span(".")),
    4: (Span("A note on the second page, cited late in the text."),),
}
SOURCES = (
    ("ocha2026", "OCHA (2026). Niger: Humanitarian Access Snapshot. Niamey: OCHA."),
    ("wfp2025", "WFP (2025). Sahel market monitor, issue 12. Rome: WFP."),
)


def briefing(picture: Path, rows: int = 2) -> Briefing:
    table = Table(
        ("Region", "Count"),
        tuple((f"Region {i}", i) for i in range(rows)),
        title="Funding by region",
    )
    return Briefing(
        "Niger: humanitarian access",
        (
            Section(
                (Span("Access"),),
                (
                    Paragraph(
                        text(
                            "Access tightened in October.{n:1} See {l:tbl-funding|Table 1} and {l:sec-outlook|Outlook}."
                        )
                    ),
                    table,
                    Image(picture, (400, 200), caption=(Span("Checkpoints"),), alt="A map", width_cm=6),
                    Paragraph(
                        text(
                            "As {l:fig-map|Figure 1} shows, most delays are on the RN1 "
                            "{l:ref-ocha2026|(OCHA 2026, p. 4)}."
                        )
                    ),
                    Callout("warning", "Risk", (Paragraph(text("Convoys may be stopped.{n:3}")),)),
                    *(Paragraph((Span(FILLER * 3),)) for _ in range(5)),
                    Paragraph(text("Cited late, on the second page.{n:4}")),
                ),
            ),
            Section((Span("Outlook"),), (Paragraph(text("More of the same {l:cal-risk|(see the warning)}.")),)),
        ),
    )


def laid_out(doc: Briefing, notes_at_end: bool = False) -> LaidDocument:
    """``doc`` laid out, with what the layout of notes, citations and references adds, as it adds it."""
    laid = lay_out(doc)
    body = tuple(_with_apparatus(node) for node in laid.body)
    sources = Laid(
        SourceList(NOWHERE),
        laid.body[0].place,
        tuple(
            Laid(SourceEntry((Span(words),), key=key), dataclasses.replace(laid.body[0].place, anchor=f"ref-{key}"))
            for key, words in SOURCES
        ),
    )
    notes_ = tuple(Note(n, spans, f"note-{n}", f"note-{n}-ref", NOWHERE) for n, spans in sorted(NOTES.items()))
    return dataclasses.replace(laid, body=(*body, sources), notes=notes_, notes_at_end=notes_at_end)


def _with_apparatus(laid: Laid) -> Laid:
    node, place = laid.node, laid.place
    children = tuple(_with_apparatus(child) for child in laid.children)
    heading = getattr(node, "text", None)
    if type(node).__name__ == "Heading" and heading is not None:
        anchor = {"Access": "sec-access", "Outlook": "sec-outlook"}.get("".join(s.text for s in heading))
        place = dataclasses.replace(place, anchor=anchor)
    elif isinstance(node, Table):
        place = dataclasses.replace(
            place,
            anchor="tbl-funding",
            credit=text("Source: {l:ref-ocha2026|OCHA (2026)}"),
            cells=((-1, 1, text("Count{n:2}")), (1, 0, text("Region 1 {l:ref-wfp2025|(WFP 2025)}"))),
        )
    elif isinstance(node, Image):
        place = dataclasses.replace(place, anchor="fig-map", credit=(Span("Source: field reports"),))
    elif isinstance(node, Callout):
        place = dataclasses.replace(place, anchor="cal-risk")
    return Laid(node, place, children)


@pytest.fixture
def written(picture, tmp_path):
    path = tmp_path / "notes.docx"
    assert DocxWriter().write(laid_out(briefing(picture)), path) == []
    return path


def part(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read(name))


def words(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def test_each_note_is_a_footnote_with_its_number_and_formatted_text(written):
    footnotes = part(written, "word/footnotes.xml")
    kinds = [(f.get(f"{W}type"), f.get(f"{W}id")) for f in footnotes.findall(f"{W}footnote")]
    assert kinds[:2] == [("separator", "-1"), ("continuationSeparator", "0")]
    found = {int(f.get(f"{W}id")): f for f in footnotes.findall(f"{W}footnote") if f.get(f"{W}type") is None}
    assert sorted(found) == [1, 2, 3, 4]
    for number, note in found.items():
        assert words(note).strip() == "".join(span.text for span in NOTES[number])
        (p,) = note.findall(f"{W}p")
        assert p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "FootnoteText"
        first = p.find(f"{W}r")
        assert first.find(f"{W}footnoteRef") is not None
        assert first.find(f"{W}rPr/{W}rStyle").get(f"{W}val") == "FootnoteReference"
    bold = [r for r in found[1].iter(f"{W}r") if r.find(f"{W}rPr/{W}b") is not None]
    assert [words(r) for r in bold] == ["October"]
    italic = [r for r in found[3].iter(f"{W}r") if r.find(f"{W}rPr/{W}i") is not None]
    assert [words(r) for r in italic] == ["not confirmed"]
    rels = part(written, "word/_rels/footnotes.xml.rels")
    assert [r.get("Target") for r in rels] == ["https://example.org/d"]  # the note's link, in the notes part
    (link,) = found[1].iter(f"{W}hyperlink")
    assert rels[0].get("Id") == link.get(qn("r:id")) and words(link) == "the dashboard"
    (citation,) = found[2].iter(f"{W}hyperlink")
    assert citation.get(f"{W}anchor") == notes.bookmark_name("ref-ocha2026") and words(citation) == "OCHA (2026)"


def test_the_package_declares_the_notes_part_and_its_separators(written):
    with zipfile.ZipFile(written) as package:
        types = package.read("[Content_Types].xml").decode()
        rels = package.read("word/_rels/document.xml.rels").decode()
    assert 'PartName="/word/footnotes.xml"' in types and "footnotes+xml" in types
    assert 'Target="footnotes.xml"' in rels and "/relationships/footnotes" in rels
    settings = part(written, "word/settings.xml")
    assert [f.get(f"{W}id") for f in settings.iterfind(f"{W}footnotePr/{W}footnote")] == ["-1", "0"]
    styles = {s.style_id: s for s in docx.Document(str(written)).styles}
    assert styles["FootnoteReference"].font.superscript
    assert styles["FootnoteText"].name == "footnote text"


def test_each_reference_stands_where_its_mark_does_in_order(written):
    body = part(written, "word/document.xml").find(f"{W}body")
    cited = []
    for p in body.iter(f"{W}p"):
        for ref in p.iter(f"{W}footnoteReference"):
            run = ref.getparent()
            assert run.find(f"{W}rPr/{W}rStyle").get(f"{W}val") == "FootnoteReference"
            cited.append((int(ref.get(f"{W}id")), words(p)))
    assert [n for n, _ in cited] == [1, 2, 3, 4]  # in reading order: Word numbers them so
    assert cited[0][1].startswith("Access tightened in October.")
    assert cited[1][1] == "Count"  # the table's header cell
    assert cited[2][1] == "Convoys may be stopped."
    assert cited[3][1] == "Cited late, on the second page."


def test_every_internal_link_lands_on_a_bookmark_round_its_target(written):
    root = part(written, "word/document.xml")
    marks = {}
    for start in root.iter(f"{W}bookmarkStart"):
        p = start.getparent()
        marks[start.get(f"{W}name")] = words(p) if p.tag == f"{W}p" else None
    for name in marks:
        assert len(name) <= 40 and name[0].isalpha() and " " not in name
    links = {(link.get(f"{W}anchor"), words(link)) for link in root.iter(f"{W}hyperlink") if link.get(f"{W}anchor")}
    lands = {
        "tbl-funding": "Table 1: Funding by region",
        "sec-outlook": "Outlook",
        "fig-map": "Figure 1: Checkpoints",
        "ref-ocha2026": SOURCES[0][1],
        "ref-wfp2025": SOURCES[1][1],
        "cal-risk": "Risk",
    }
    assert {anchor for anchor, _ in links} == {notes.bookmark_name(a) for a in lands}
    for anchor, landing in lands.items():
        assert marks[notes.bookmark_name(anchor)] == landing, anchor
    assert marks[notes.bookmark_name("sec-access")] == "Access"
    assert marks[notes.bookmark_name("note-1-ref")] is not None  # round the reference: the note links back
    footnotes = part(written, "word/footnotes.xml")
    assert notes.bookmark_name("note-2") in {b.get(f"{W}name") for b in footnotes.iter(f"{W}bookmarkStart")}
    ids = [b.get(f"{W}id") for b in [*root.iter(f"{W}bookmarkStart"), *footnotes.iter(f"{W}bookmarkStart")]]
    assert len(ids) == len(set(ids))


def test_credits_cells_and_the_sources_in_order(written):
    document = docx.Document(str(written))
    paragraphs = [p.text for p in document.paragraphs]
    assert "Source: OCHA (2026)" in paragraphs
    assert paragraphs[paragraphs.index("Figure 1: Checkpoints") + 1] == "Source: field reports"
    assert paragraphs[-2:] == [words for _, words in SOURCES]
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Region")
    assert table.rows[0].cells[1].text == "Count"
    assert table.rows[2].cells[0].text == "Region 1 (WFP 2025)"
    header = table.rows[0].cells[1].paragraphs[0].runs[0]
    assert header.bold and header.font.size is not None
    body = docx_xml(written)
    tbl = body.find(f".//{W}tbl/{W}tr/{W}tc/{W}p/{W}hyperlink/../../../..")
    assert tbl is not None  # the citation in a cell is a link


def docx_xml(path: Path) -> etree._Element:
    return part(path, "word/document.xml")


def test_a_table_after_the_table_its_credit_under_it(written):
    body = docx_xml(written).find(f"{W}body")
    blocks = list(body)
    tables = [i for i, b in enumerate(blocks) if b.tag == f"{W}tbl" and "Region" in words(b)]
    assert words(blocks[tables[0] + 1]) == "Source: OCHA (2026)"


def test_notes_at_the_end_are_word_endnotes_numbered_1_2_3(picture, tmp_path):
    path = tmp_path / "end.docx"
    DocxWriter().write(laid_out(briefing(picture), notes_at_end=True), path)
    endnotes = part(path, "word/endnotes.xml")
    found = {e.get(f"{W}id"): words(e).strip() for e in endnotes.findall(f"{W}endnote")}
    assert found["1"].startswith("Figures for October") and found["3"].startswith("Reported by two partners")
    body = docx_xml(path)
    assert [r.get(f"{W}id") for r in body.iter(f"{W}endnoteReference")] == ["1", "2", "3", "4"]
    assert not list(body.iter(f"{W}footnoteReference"))
    settings = part(path, "word/settings.xml")
    assert settings.find(f"{W}endnotePr/{W}numFmt").get(f"{W}val") == "decimal"
    paragraphs = docx.Document(str(path)).paragraphs  # Word sets the endnotes after the body: under their heading
    assert (paragraphs[-1].style.name, paragraphs[-1].text) == ("Heading 1", "Notes")
    (section,) = body.iter(f"{W}sectPr")
    assert section.find(f"{W}endnotePr/{W}numFmt").get(f"{W}val") == "decimal"
    with zipfile.ZipFile(path) as package:
        assert "word/footnotes.xml" not in package.namelist()


def test_a_streamed_table_keeps_its_notes_and_links(picture, tmp_path, monkeypatch):
    def xml(path: Path, name: str) -> bytes:
        return etree.tostring(part(path, name), method="c14n")

    def linked(laid_node: Laid) -> Laid:  # and a link out of the document in a streamed row
        place = laid_node.place
        if isinstance(laid_node.node, Table):
            place = dataclasses.replace(
                place, cells=(*place.cells, (17, 0, (Span("site", href="https://example.org/x"),)))
            )
        return Laid(laid_node.node, place, tuple(map(linked, laid_node.children)))

    laid = laid_out(briefing(picture, rows=20))  # longer than a table kept whole on a page
    laid = dataclasses.replace(laid, body=tuple(map(linked, laid.body)))
    saved = []
    monkeypatch.setattr(streaming, "save", lambda *args, save=streaming.save: saved.append(save(*args)))
    streamed, held = tmp_path / "streamed.docx", tmp_path / "held.docx"
    monkeypatch.setattr(tables, "STREAM_ROWS", 1)
    DocxWriter().write(laid, streamed)
    assert len(saved) == 1  # its rows were streamed
    monkeypatch.setattr(tables, "STREAM_ROWS", 10**9)
    DocxWriter().write(laid, held)
    assert len(saved) == 1
    for name in ("word/document.xml", "word/footnotes.xml", "word/_rels/document.xml.rels"):
        assert xml(streamed, name) == xml(held, name)
    table = next(t for t in docx.Document(str(streamed)).tables if t.rows[0].cells[0].text == "Region")
    assert table.rows[2].cells[0].text == "Region 1 (WFP 2025)"
    assert [link.address for link in table.rows[18].cells[0].paragraphs[0].hyperlinks] == ["https://example.org/x"]


@pytest.mark.parametrize(
    "anchor",
    ["tbl-funding", "sec-outlook", "ref-ocha2026", "ref-a.b", "ref-van_der_berg", "1abc", "x" * 80, "ref-Ünal"],
)
def test_bookmark_names_are_words_word_takes(anchor):
    name = notes.bookmark_name(anchor)
    assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,39}", name)
    assert notes.bookmark_name(anchor) == name


def test_bookmark_names_of_different_anchors_differ():
    anchors = ["ref-a-b", "ref-a_b", "ref-a.b", "ref-a b", "x" * 80, "x" * 81, "tbl-a", "tbl_a"]
    assert len({notes.bookmark_name(a) for a in anchors}) == len(anchors)
    assert notes.bookmark_name("tbl-funding") == "bm_tbl_funding"


def test_a_pack_on_a_template_with_notes_of_its_own_has_only_its_own_in_the_templates_look(picture, tmp_path):
    from docx.enum.style import WD_STYLE_TYPE
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.shared import Pt

    from briefing.adapters import docx as docx_adapter

    template = docx.Document()
    text_style = template.styles.add_style("footnote text", WD_STYLE_TYPE.PARAGRAPH)
    text_style.style_id, text_style.font.size = "Funotentext", Pt(7)  # a German template's id
    root = etree.fromstring(
        f'<w:footnotes xmlns:w="{W[1:-1]}"><w:footnote w:id="1"><w:p><w:r><w:t>TEMPLATE NOTE</w:t></w:r></w:p>'
        "</w:footnote></w:footnotes>".encode()
    )
    docx_adapter.notes_part(template.part, RT.FOOTNOTES, "/word/footnotes.xml", CT.WML_FOOTNOTES, root)
    run = template.add_paragraph("Cited.").add_run()._r
    run.append(run.makeelement(qn("w:footnoteReference"), {qn("w:id"): "1"}))
    section = template.sections[0]._sectPr
    own = etree.SubElement(section, qn("w:footnotePr"))
    etree.SubElement(own, qn("w:numFmt")).set(qn("w:val"), "lowerRoman")
    etree.SubElement(own, qn("w:numRestart")).set(qn("w:val"), "eachPage")
    section.insert(0, own)  # the notes' set-up comes first in a section's properties
    template.save(tmp_path / "house.docx")

    doc = briefing(picture)
    doc = dataclasses.replace(doc, style=dataclasses.replace(doc.style, docx_template=tmp_path / "house.docx"))
    path = tmp_path / "on-house.docx"
    DocxWriter().write(laid_out(doc), path)
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        everything = b"".join(package.read(name) for name in names)
    assert [n for n in names if "footnotes" in n] == ["word/footnotes.xml", "word/_rels/footnotes.xml.rels"]
    assert b"TEMPLATE NOTE" not in everything
    footnotes = part(path, "word/footnotes.xml")
    assert [f.get(f"{W}id") for f in footnotes.findall(f"{W}footnote")] == ["-1", "0", "1", "2", "3", "4"]
    styles = {s.style_id: s for s in docx.Document(str(path)).styles}
    assert styles["Funotentext"].font.size == Pt(7) and "FootnoteText" not in styles  # the house's own note text
    note = footnotes.find(f"{W}footnote[@{W}id='1']/{W}p")
    assert note.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "Funotentext"
    (sect,) = docx_xml(path).iter(f"{W}sectPr")
    assert not list(sect.iter(f"{W}numRestart")) and not list(sect.iter(f"{W}numFmt"))  # numbered as laid out


def test_word_and_its_audit_find_the_notes_well_formed(picture, tmp_path, monkeypatch):
    from .conftest import open_xml_audit

    packs = tmp_path / "packs"
    packs.mkdir()
    for name, at_end, stream in (("foot", False, 10**9), ("end", True, 10**9), ("streamed", False, 1)):
        monkeypatch.setattr(tables, "STREAM_ROWS", stream)
        DocxWriter().write(laid_out(briefing(picture, rows=20), notes_at_end=at_end), packs / f"{name}.docx")
    reports = open_xml_audit(packs)
    assert [(Path(r["file"]).name, r["errors"][:3]) for r in reports if r["error_count"]] == []
    assert len(reports) == 3


def test_libreoffice_sets_each_note_at_the_foot_of_the_page_that_cites_it(written, tmp_path):
    import pdfplumber

    from .conftest import run_soffice

    printed = run_soffice(written, tmp_path)
    assert printed.returncode == 0, printed.stderr
    cited = {
        1: ("Access tightened in October.", "Figures for October only"),
        2: ("Table 1: Funding by region", "Counted by OCHA (2026)."),
        3: ("Convoys may be stopped.", "Reported by two partners, not confirmed."),
        4: ("Cited late, on the second page.", "A note on the second page, cited late in the text."),
    }
    with pdfplumber.open(tmp_path / "notes.pdf") as pdf:
        pages = pdf.pages
        for number, (reference, note) in cited.items():
            ((ref_page, ref),) = [
                (n, hit) for n, page in enumerate(pages) for hit in page.search(reference, regex=False)
            ]
            ((note_page, hit),) = [(n, hit) for n, page in enumerate(pages) for hit in page.search(note, regex=False)]
            assert note_page == ref_page, number
            page = pages[note_page]
            assert hit["top"] > ref["bottom"] and hit["top"] > page.height * 0.8, number  # at the foot of the page
            before = [c for c in page.chars if c["x1"] <= hit["x0"] + 0.5 and abs(c["top"] - hit["top"]) < 3]
            assert "".join(c["text"] for c in before).strip() == str(number)  # its number before it, raised
            assert before[0]["size"] < page.search(note, regex=False, return_chars=True)[0]["chars"][0]["size"]
    assert ref_page == 1  # the last note is on the second page


def test_a_note_in_a_heading_or_a_callouts_title_is_a_footnote_and_the_contents_leave_it_out(tmp_path):
    from briefing.layout import CalloutTitle, Heading

    doc = Briefing("T", (Section((Span("Access"),), (Callout("warning", "Risk", (Paragraph((Span("Body."),)),)),)),))
    doc = dataclasses.replace(doc, style=dataclasses.replace(doc.style, toc=True))
    laid = lay_out(doc)

    def marked(laid_node: Laid) -> Laid:
        node = laid_node.node
        if isinstance(node, (Heading, CalloutTitle)):
            number = 1 if isinstance(node, Heading) else 2
            node = dataclasses.replace(node, text=(*node.text, NoteMark(str(number), number=number)))
        return Laid(node, laid_node.place, tuple(marked(child) for child in laid_node.children))

    notes_ = tuple(Note(n, (Span(f"Note {n}."),), f"note-{n}", f"note-{n}-ref", NOWHERE) for n in (1, 2))
    path = tmp_path / "titles.docx"
    DocxWriter().write(dataclasses.replace(laid, body=tuple(map(marked, laid.body)), notes=notes_), path)
    body = docx_xml(path)
    cited = [(r.get(f"{W}id"), words(r.getparent().getparent())) for r in body.iter(f"{W}footnoteReference")]
    assert cited == [("1", "Access"), ("2", "Risk")]
    title = next(p for p in body.iter(f"{W}p") if words(p) == "Risk")
    assert title.find(f"{W}r/{W}rPr/{W}b") is not None  # in the callout title's look
    contents = [p for p in docx.Document(str(path)).paragraphs if p.style.name.startswith("TOC ")]
    assert [p.text.split("\t")[0] for p in contents][-1:] == ["Access"]


def test_a_note_cited_twice_is_one_footnote_and_its_number_again(tmp_path):
    laid = lay_out(Briefing("T", (Section((Span("A"),), (Paragraph((Span("x"),)),)),)))

    def marked(laid_node: Laid) -> Laid:
        node = laid_node.node
        if isinstance(node, Paragraph):
            node = dataclasses.replace(node, text=text("First.{n:1} Again.{n:1}"))
        return Laid(node, laid_node.place, tuple(marked(child) for child in laid_node.children))

    path = tmp_path / "twice.docx"
    note = Note(1, (Span("The note."),), "note-1", "note-1-ref", NOWHERE)
    DocxWriter().write(dataclasses.replace(laid, body=tuple(map(marked, laid.body)), notes=(note,)), path)
    body = docx_xml(path)
    assert len(list(body.iter(f"{W}footnoteReference"))) == 1
    (again,) = [r for r in body.iter(f"{W}r") if words(r) == "1"]
    assert again.find(f"{W}rPr/{W}rStyle").get(f"{W}val") == "FootnoteReference"  # raised, as the first
    assert len(part(path, "word/footnotes.xml").findall(f"{W}footnote")) == 3  # the separators and the note


def test_cross_references_and_citations_are_in_the_links_colour_as_in_the_pdf_and_html(written):
    from briefing.layout import colours

    root = part(written, "word/document.xml")
    inside = [link for link in root.iter(f"{W}hyperlink") if link.get(f"{W}anchor")]
    colours_of = {c.get(f"{W}val") for link in inside for c in link.iter(f"{W}color")}
    runs = [r for link in inside for r in link.iter(f"{W}r")]
    assert runs and colours_of == {colours.LINK_RGB}
    assert all(len(list(r.iter(f"{W}color"))) == 1 for r in runs)
