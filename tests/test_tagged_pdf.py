"""The tagged PDF (PDF/UA-1): the checker of its rules fails on files broken one rule at a time; a table
over many pages stays one table; links, charts and right-to-left text read as a screen reader needs.

Every example in every style is read back with poppler and checked in tests/test_agree_looks.py.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest.mock import ANY

import pypdfium2
import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ContentStream,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
)

from briefing.layout import lay_out
from briefing.model import Briefing, Chart, ListBlock, ListItem, Paragraph, Section, Series, Table
from briefing.reading.inline import parse_inline
from briefing.writers.pdf import PdfWriter as BriefingPdf
from briefing.writers.pdf import tagging

from . import pdf_ua
from .conftest import require_tool


@pytest.fixture(scope="module")
def tagged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A briefing with a heading, a link, a list, a table, a chart, a picture and a callout, tagged."""
    from PIL import Image as PILImage

    from briefing.model import Callout, Image

    folder = tmp_path_factory.mktemp("tagged")
    PILImage.new("RGB", (400, 200), "#336699").save(folder / "p.png")
    p = parse_inline
    doc = Briefing(
        title="Sahel Outlook",
        classification="OFFICIAL",
        sections=(
            Section(
                p("Situation"),
                (
                    Paragraph(p("See [the source](https://example.org/a).")),
                    ListBlock((ListItem(p("One")), ListItem(p("Two"))), numbered=True),
                    Table(("Region", "Incidents"), (("Mopti", 14), ("Gao", 9)), title="Incidents"),
                    Chart("bar", "Incidents by region", ("Mopti", "Gao"), (Series("2026", (14.0, 9.0)),)),
                    Image(folder / "p.png", (400, 200), caption=p("A box"), alt="A blue rectangle", width_cm=6),
                    Callout("warning", "Watch", (Paragraph(p("Watch Gao.")),)),
                ),
            ),
        ),
    )
    path = folder / "tagged.pdf"
    BriefingPdf().write(doc, path)
    return path


def test_the_tagged_file_passes(tagged):
    assert pdf_ua.check(tagged) == []


# -- the checker fails on a file broken one rule at a time -------------------------------


def _catalog(writer: PdfWriter) -> DictionaryObject:
    return writer.root_object


def _no_lang(w: PdfWriter) -> None:
    del _catalog(w)[NameObject("/Lang")]


def _not_marked(w: PdfWriter) -> None:
    _catalog(w)["/MarkInfo"].get_object()[NameObject("/Marked")] = BooleanObject(False)


def _title_not_shown(w: PdfWriter) -> None:
    _catalog(w)["/ViewerPreferences"].get_object()[NameObject("/DisplayDocTitle")] = BooleanObject(False)


def _metadata(w: PdfWriter, change: Callable[[str], str]) -> None:
    stream = _catalog(w)["/Metadata"].get_object()
    fresh = DecodedStreamObject()
    fresh.set_data(change(stream.get_data().decode()).encode())
    fresh.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    _catalog(w)[NameObject("/Metadata")] = w._add_object(fresh)


def _no_title(w: PdfWriter) -> None:
    _metadata(w, lambda xmp: re.sub(r"<dc:title>.*?</dc:title>", "", xmp, flags=re.S))


def _no_identification(w: PdfWriter) -> None:
    _metadata(w, lambda xmp: xmp.replace("<pdfuaid:part>1</pdfuaid:part>", ""))


def _no_tabs(w: PdfWriter) -> None:
    del w.pages[0][NameObject("/Tabs")]


def _untagged_text(w: PdfWriter) -> None:
    page = w.pages[0]
    font = next(iter(page["/Resources"]["/Font"]))
    stream = ContentStream(page.get_contents(), w)
    stream.operations.extend(
        [
            ([], b"BT"),
            ([NameObject(font), NumberObject(12)], b"Tf"),
            ([NumberObject(100), NumberObject(100)], b"Td"),
            ([pdf_text("Hidden")], b"Tj"),
            ([], b"ET"),
        ]
    )
    page.replace_contents(stream)


def pdf_text(text: str) -> Any:
    from pypdf.generic import TextStringObject

    return TextStringObject(text)


def _content_outside_tree(w: PdfWriter) -> None:
    title = pdf_ua.first(_catalog(w), "H1")  # the title: an element holding text alone, no link
    title[NameObject("/K")] = ArrayObject()


def _figure_without_alt(w: PdfWriter) -> None:
    del pdf_ua.first(_catalog(w), "Figure")[NameObject("/Alt")]


def _cells_outside_rows(w: PdfWriter) -> None:
    pdf_ua.first(_catalog(w), "TR")[NameObject("/S")] = NameObject("/Div")


def _note_without_id(w: PdfWriter) -> None:
    del pdf_ua.first(_catalog(w), "Note")[NameObject("/ID")]


def _heading_skipped(w: PdfWriter) -> None:
    pdf_ua.first(_catalog(w), "H1")[NameObject("/S")] = NameObject("/H3")


def _font_without_text_map(w: PdfWriter) -> None:
    fonts = w.pages[0]["/Resources"]["/Font"]
    del fonts[next(iter(fonts))].get_object()[NameObject("/ToUnicode")]


def _font_not_embedded(w: PdfWriter) -> None:
    fonts = w.pages[0]["/Resources"]["/Font"]
    font = fonts[next(iter(fonts))].get_object()
    descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
    del descendant["/FontDescriptor"].get_object()[NameObject("/FontFile2")]


def _annotation_outside_tree(w: PdfWriter) -> None:
    page = next(page for page in w.pages if "/Annots" in page)
    del page["/Annots"][0].get_object()[NameObject("/StructParent")]


def _link_without_contents(w: PdfWriter) -> None:
    page = next(page for page in w.pages if "/Annots" in page)
    del page["/Annots"][0].get_object()[NameObject("/Contents")]


BREAKS = {
    "lang": _no_lang,
    "marked": _not_marked,
    "display-doc-title": _title_not_shown,
    "title": _no_title,
    "identification": _no_identification,
    "tabs": _no_tabs,
    "untagged-content": _untagged_text,
    "outside-tree": _content_outside_tree,
    "figure-alt": _figure_without_alt,
    "table-cells": _cells_outside_rows,
    "note-id": _note_without_id,
    "headings": _heading_skipped,
    "fonts": _font_without_text_map,
    "fonts ": _font_not_embedded,
    "annotations": _annotation_outside_tree,
    "annotations ": _link_without_contents,
}


@pytest.mark.parametrize("rule", BREAKS, ids=lambda rule: BREAKS[rule].__name__.strip("_"))
def test_the_checker_fails_a_file_broken_by_one_rule(tagged, tmp_path, rule):
    writer = PdfWriter(clone_from=str(tagged))
    BREAKS[rule](writer)
    broken = tmp_path / "broken.pdf"
    writer.write(broken)
    found = pdf_ua.check(broken)
    assert found, f"the checker passed a file without {rule.strip()}"
    assert {f.split(":", 1)[0] for f in found} == {rule.strip()}, found


def test_the_file_written_again_by_another_tool_still_passes(tagged, tmp_path):
    """The tree, written after reportlab's file as an update, is read whole by pypdf and qpdf."""
    writer = PdfWriter(clone_from=str(tagged))
    writer.write(tmp_path / "again.pdf")
    assert pdf_ua.check(tmp_path / "again.pdf") == []
    qpdf = require_tool("qpdf")
    checked = subprocess.run([qpdf, "--check", str(tagged)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


# -- what a screen reader is given -------------------------------------------------------


def _element(reader: PdfReader, kind: str) -> DictionaryObject:
    return pdf_ua.first(reader.trailer["/Root"], kind)


def test_a_chart_is_a_figure_whose_alt_gives_its_title_and_data(tagged):
    alt = str(_element(PdfReader(str(tagged)), "Figure")["/Alt"])
    assert alt == "Bar chart: Incidents by region. Mopti 14, Gao 9."


def test_a_figures_alt_is_the_layouts_in_every_case(tmp_path):
    """A chart's Alt is its ``alt:``, or the one the layout writes from its title and data; a picture's is
    its ``alt:``: what the layout decided, the words the other formats use too."""
    from PIL import Image as PILImage

    from briefing.model import Image

    PILImage.new("RGB", (40, 20), "#336699").save(tmp_path / "p.png")
    series = (Series("2026", (14.0, 9.0)), Series("2025", (3.0, 4.5)))
    blocks = (
        Chart("bar", "Incidents by region", ("Mopti", "Gao"), series),
        Chart("pie", "Shares", ("Mopti", "Gao"), series[:1], alt="Mopti has most of them."),
        Image(tmp_path / "p.png", (40, 20), caption=parse_inline("A box"), width_cm=3),
        Image(tmp_path / "p.png", (40, 20), alt="A blue rectangle", width_cm=3),
    )
    doc = Briefing(title="Alt", sections=(Section(parse_inline("Figures"), blocks),))
    path = tmp_path / "alt.pdf"
    BriefingPdf().write(doc, path)
    laid = [place.alt for node, place in lay_out(doc).flow if isinstance(node, (Chart, Image))]
    drawn = [str(figure["/Alt"]) for figure in _all(PdfReader(str(path)), "Figure")]
    assert drawn[0] == laid[0] == "Bar chart: Incidents by region. 2026: Mopti 14, Gao 9. 2025: Mopti 3, Gao 4.5."
    assert drawn[1] == laid[1] == "Mopti has most of them."
    assert drawn[3] == laid[3] == "A blue rectangle"
    assert drawn[2] == laid[2] == "A box"  # no alt: given: its caption's words, as every format reads them


def _all(reader: PdfReader, kind: str) -> list[DictionaryObject]:
    found, stack = [], [reader.trailer["/Root"]["/StructTreeRoot"].get_object()]
    while stack:
        node = stack.pop(0)
        if node.get("/S") == "/" + kind:
            found.append(node)
        stack.extend(k.get_object() for k in pdf_ua._kids(node) if hasattr(k, "idnum") and "/S" in k.get_object())
    return found


def test_a_link_is_in_the_tree_with_its_annotation_and_a_description(tagged):
    reader = PdfReader(str(tagged))
    (link,) = _all(reader, "Link")
    (objr,) = link["/K"]
    annotation = objr["/Obj"].get_object()
    assert annotation["/A"]["/URI"] == "https://example.org/a"
    assert annotation["/Contents"] == "https://example.org/a"
    assert link["/P"].get_object()["/S"] == "/P"


def test_a_callout_is_a_note_and_a_list_says_how_it_is_numbered(tagged):
    reader = PdfReader(str(tagged))
    (note,) = _all(reader, "Note")
    assert note["/ID"]
    (numbered,) = _all(reader, "L")
    assert numbered["/A"]["/ListNumbering"] == "/Decimal"
    assert [k.get_object()["/S"] for k in numbered["/K"]] == ["/LI", "/LI"]


def test_the_catalog_says_what_a_reader_needs(tagged):
    root = PdfReader(str(tagged)).trailer["/Root"]
    assert root["/Lang"] == "en"
    assert root["/MarkInfo"]["/Marked"] == BooleanObject(True)
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert "<pdfuaid:part>1</pdfuaid:part>" in root["/Metadata"].get_data().decode()
    assert root["/Outlines"]["/Count"] != 0  # bookmarks for the headings


def test_a_table_over_many_pages_is_one_table_its_repeated_header_an_artifact(tmp_path):
    require_tool("pdfinfo")
    rows = tuple((f"Place {n}", n) for n in range(300))
    doc = Briefing("Long", (Section(parse_inline("Data"), (Table(("Place", "Count"), rows, title="All"),)),))
    path = tmp_path / "long.pdf"
    BriefingPdf().write(doc, path)
    assert len(PdfReader(str(path)).pages) >= 4
    tree = pdf_ua.struct_tree(path)
    (table,) = tree.all("Table")
    (head,) = [k for k in table.kids if k.kind == "THead"]
    (body,) = [k for k in table.kids if k.kind == "TBody"]
    assert [[" ".join(c.text) for c in tr.kids] for tr in head.kids] == [["Place", "Count"]]
    assert [" ".join(tr.kids[0].text) for tr in body.kids] == [f"Place {n}" for n in range(300)]
    untagged = pdf_ua.untagged_text(path, tmp_path / "untagged.pdf")
    pages = len(PdfReader(str(path)).pages)
    assert untagged.count("Place") == pages - 1  # the header on each page after the first, and no row
    assert pdf_ua.check(path) == []


def test_right_to_left_text_reads_as_written_in_pdfium_and_poppler(tmp_path):
    """A lam-alef ligature, drawn as one glyph, reads back as its letters in the order written: PDFium (the
    browsers' reader) and poppler read "ثلاثة" as written, not "ثالثة"; a screen reader reading the
    tree gets the paragraph's text as written (ActualText)."""
    require_tool("pdftotext")
    written = "ثلاثة أيام في تمبكتو"
    doc = Briefing("T", (Section(parse_inline("H"), (Paragraph(parse_inline(written)),)),), language="ar")
    path = tmp_path / "ar.pdf"
    BriefingPdf().write(lay_out(doc), path)
    pdfium = pypdfium2.PdfDocument(str(path))[0].get_textpage().get_text_range()
    assert written in pdfium
    poppler = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert written in poppler.translate(dict.fromkeys(range(0x202A, 0x202F)))
    (paragraph,) = [p for p in _all(PdfReader(str(path)), "P") if "/ActualText" in p]
    assert paragraph["/ActualText"] == written
    assert pdf_ua.check(path) == []


def test_heading_levels_beyond_six_are_h6():
    assert [tagging.heading_tag(n) for n in (1, 2, 6, 7, 9)] == ["H1", "H2", "H6", "H6", "H6"]


# -- notes, cross-references and citations ---------------------------------------------


@pytest.fixture(scope="module")
def footnoted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from . import test_pdf_notes as notes

    laid = notes.noted(
        notes._niger(),
        notes=notes._NOTES,
        anchors={k: v for k, v in notes._ANCHORS.items() if k != "Crossing points"},
        credits={"Funding received": "Source: OCHA (2026)"},
        sources=notes._SOURCES,
    )
    return notes._write(laid, tmp_path_factory.mktemp("footnoted") / "notes.pdf")


def test_footnotes_are_notes_in_the_tree_and_their_links_links(footnoted, tmp_path):
    require_tool("pdfinfo")
    assert pdf_ua.check(footnoted) == []
    reader = PdfReader(str(footnoted))
    ids = sorted(str(note["/ID"]) for note in _all(reader, "Note") if note.get("/ID"))
    assert [f"note-{n}" for n in range(1, 10)] == [i for i in ids if i.startswith("note-")]
    tree = pdf_ua.struct_tree(footnoted)
    texts = {" ".join(note.words().split()) for note in tree.all("Note")}
    assert any("Note 5 begins here." in t and "Note 5 ends here." in t for t in texts)  # one Note over two pages
    assert len(tree.all("Link")) >= 9  # each mark links to its note, and back
    untagged = pdf_ua.untagged_text(footnoted, tmp_path / "untagged.pdf")
    assert "Note" not in untagged and "OCHA" not in untagged and "Access" not in untagged


def test_endnotes_stand_in_a_section_of_their_own(tmp_path):
    from . import test_pdf_notes as notes

    laid = notes.noted(notes._niger(), notes=notes._NOTES, at_end=True)
    path = notes._write(laid, tmp_path / "end.pdf")
    assert pdf_ua.check(path) == []
    last = pdf_ua.struct_tree(path).kids[-1].kids[-1]
    assert last.kind == "Sect"
    assert [kid.kind for kid in last.kids] == ["H1", *["Note"] * len(notes._NOTES)]


def _paragraphs_pdf(folder: Path, *paragraphs: str) -> Path:
    """A tagged PDF of one section of ``paragraphs`` (inline markup), checked against PDF/UA's rules."""
    require_tool("pdfinfo")
    p = parse_inline
    doc = Briefing(title="Words", sections=(Section(p("Words"), tuple(Paragraph(p(t)) for t in paragraphs)),))
    path = folder / "words.pdf"
    BriefingPdf().write(doc, path)
    assert pdf_ua.check(path) == []
    return path


def test_words_in_another_language_carry_it(tmp_path):
    """A paragraph all in another language is a P with its /Lang; a run in one inside a paragraph is a
    Span with its /Lang (and, drawn right to left, its text as written), the paragraph's text whole
    around it; a run in the document's own language says nothing more."""
    path = _paragraphs_pdf(
        tmp_path,
        "He said [merci beaucoup]{lang=fr} twice.",
        "[شكرا جزيلا]{lang=ar}",
        "The word [سلام]{lang=ar} means peace.",
        "Plain [words]{lang=en} alone.",
    )
    reader = PdfReader(str(path))
    texts = [[k.get_object() for k in pdf_ua._kids(e) if hasattr(k, "idnum")] for e in _all(reader, "P")]
    spans = {str(s["/Lang"]): s for s in _all(reader, "Span")}
    assert set(spans) == {"fr", "ar"}
    assert str(spans["ar"]["/ActualText"]) == "سلام" and "/ActualText" not in spans["fr"]
    assert [[str(k["/S"]) for k in kids] for kids in texts] == [["/Span"], [], ["/Span"], []]
    whole = _all(reader, "P")[1]
    assert str(whole["/Lang"]) == "ar" and all("/Lang" not in e for e in _all(reader, "P") if e is not whole)
    tree = pdf_ua.struct_tree(path)
    read = [(node.text, [kid.words() for kid in node.kids]) for node in tree.all("P")]
    assert read[0] == (["He said ", " twice."], ["merci beaucoup"])  # poppler prints a Span after its text
    assert read[2][0] == ["The word ", " means peace."] and sorted(read[2][1][0]) == sorted("سلام")
    assert read[3] == (["Plain words alone."], [])


def test_a_list_item_holds_its_label_as_drawn_and_its_body(tagged, tmp_path):
    """Each LI holds a Lbl with its number or bullet as drawn, then an LBody with its text; a long item
    over two pages keeps one label, on the first."""
    require_tool("pdfinfo")
    (numbered,) = pdf_ua.struct_tree(tagged).all("L")
    assert [[(kid.kind, kid.words()) for kid in li.kids] for li in numbered.kids] == [
        [("Lbl", "1."), ("LBody", "One")],
        [("Lbl", "2."), ("LBody", "Two")],
    ]
    long = " ".join(f"word{n}" for n in range(1500))
    items = (ListItem(parse_inline("Alpha")), ListItem(parse_inline(long)))
    doc = Briefing(title="Lists", sections=(Section(parse_inline("Words"), (ListBlock(items),)),))
    path = tmp_path / "bullets.pdf"
    BriefingPdf().write(doc, path)
    assert pdf_ua.check(path) == []
    (bullets,) = pdf_ua.struct_tree(path).all("L")
    assert [[(kid.kind, kid.words()[:5]) for kid in li.kids] for li in bullets.kids] == [
        [("Lbl", "•"), ("LBody", "Alpha")],
        [("Lbl", "•"), ("LBody", "word0")],
    ]
    reader = PdfReader(str(path))
    assert len(reader.pages) > 1
    assert [len(label["/K"]) for label in _all(reader, "Lbl")] == [1, 1]  # each drawn once


def test_a_figure_carries_the_box_it_is_drawn_in(tagged):
    """Each Figure's Layout attribute gives its box on the page (/BBox): a picture's is where its image
    is drawn, a chart's holds every bar of it."""
    import pdfplumber

    reader = PdfReader(str(tagged))
    boxes = []
    for figure in _all(reader, "Figure"):
        assert figure["/A"]["/O"] == "/Layout"
        boxes.append([float(n) for n in figure["/A"]["/BBox"]])
    chart, picture = boxes
    with pdfplumber.open(str(tagged)) as pdf:
        (image,) = [image for page in pdf.pages for image in page.images]
        first = pdf.pages[0]  # the chart's page
        bars = [r for r in first.rects if r["fill"] and r["height"] > 5 and chart[1] < r["y1"] <= chart[3] + 0.01]
    assert picture == pytest.approx([image["x0"], image["y0"], image["x1"], image["y1"]], abs=0.01)
    assert len(bars) >= 2  # Mopti's and Gao's at least
    for bar in bars:
        assert chart[0] - 0.01 <= bar["x0"] < bar["x1"] <= chart[2] + 0.01 and chart[1] - 0.01 <= bar["y0"]


def test_a_link_drawn_by_the_writer_holds_its_words_and_its_annotation(tmp_path):
    """A link in a paragraph the writer draws run by run (right-to-left text, a run in another language)
    is a Link holding its words, then its annotation (OBJR), in the paragraph's text where it stands.
    In a paragraph reportlab draws whole, in one text object, its words stay the paragraph's: a Link's
    own marked content would cut the text object, which marked content may not (ISO 32000-1, 14.6)."""
    path = _paragraphs_pdf(
        tmp_path,
        "See [التقرير](https://example.org/ar) now.",
        "Read [merci]{lang=fr} and [the source](https://example.org/s).",
        "See [the report](https://example.org/r) now.",
    )
    arabic, source, report = pdf_ua.struct_tree(path).all("Link")
    assert sorted(arabic.text[0]) == sorted("التقرير") and source.text == ["the source"] and report.text == []
    paragraph = pdf_ua.struct_tree(path).all("P")[1]
    assert paragraph.text == ["Read ", " and ", "."]
    for link in _all(PdfReader(str(path)), "Link"):
        *words, objr = link["/K"]
        assert objr["/Type"] == "/OBJR" and objr["/Obj"].get_object()["/Subtype"] == "/Link"
        assert len(words) == (0 if objr["/Obj"].get_object()["/A"]["/URI"] == "https://example.org/r" else 1)


def test_words_at_line_ends_read_apart_in_the_tree(tmp_path):
    """reportlab draws no space at a line's end; a paragraph's lines but its last end with one drawn, so a
    screen reader reading the tree (poppler's pdfinfo -struct-text, PDFium) reads "Military Ties", not
    "MilitaryTies": in a plain paragraph, one with a link and bold words, a wrapping table cell and a heading."""
    require_tool("pdfinfo")
    plain_text = "Mali strengthens military ties with Russia in the Sahel region. " * 6
    rich = "Mali **strengthens** military ties with [Russia](https://example.org) in the Sahel region. " * 6
    long_cell = "Attacks on the road from Gao to Menaka reported by several partners this week. " * 4
    long_cell = long_cell.strip()
    heading = "Mali strengthens military ties with Russia in the Sahel region as the junta looks east"
    doc = Briefing(
        "T",
        (
            Section(
                parse_inline(heading),
                (
                    Paragraph(parse_inline(plain_text.strip())),
                    Paragraph(parse_inline(rich.strip())),
                    Table(("Place", "What", "Count"), (("Gao", long_cell, 3),)),
                ),
            ),
        ),
    )
    path = tmp_path / "lines.pdf"
    BriefingPdf().write(lay_out(doc), path)
    tree = pdf_ua.struct_tree(path)
    read = [" ".join(node.words().split()) for node in tree.all("H1", "P", "TD")]
    assert heading in read
    assert plain_text.strip() in read
    assert rich.strip().replace("**", "").replace("[Russia](https://example.org)", "Russia") in read
    assert long_cell in read
    pdfium = " ".join(pypdfium2.PdfDocument(str(path))[0].get_textpage().get_text_range().split())
    assert plain_text.strip() in pdfium
    assert pdf_ua.check(path) == []


def test_a_note_reads_its_number_then_its_text_whole_over_two_pages(footnoted):
    from .test_pdf_notes import _NOTES

    require_tool("pdfinfo")
    read = {" ".join(note.words().split()) for note in pdf_ua.struct_tree(footnoted).all("Note")}
    for number, text in _NOTES.items():
        assert f"{number} {text}" in read


def test_the_contents_read_each_heading_then_its_page_nested_as_the_headings_are(tmp_path):
    """Each entry of the contents is a TOCI whose Reference reads its heading, then its page number;
    the leader dots are artifacts; an entry below another is in a TOC inside it; the cover's title is
    the first heading and "Contents" a heading, so the headings still go in order."""
    from briefing.cli import main

    from .conftest import SPECS

    require_tool("pdfinfo")
    path = tmp_path / "showcase.pdf"
    assert main(["build", str(SPECS / "showcase.yaml"), "--style", "official", "-o", str(path)]) == 0
    assert pdf_ua.check(path) == []
    tree = pdf_ua.struct_tree(path)
    document = tree.kids[0]
    assert [(kid.kind, kid.words()) for kid in document.kids[:2]] == [("H1", "Sahel Security Outlook"), ("P", ANY)]
    (contents,) = [kid for kid in document.kids if kid.kind == "TOC"]
    assert document.kids[document.kids.index(contents) - 1].words() == "Contents"
    assert document.kids[document.kids.index(contents) - 1].kind == "H1"

    def entries(toc: Any) -> list[Any]:
        read = []
        for item in toc.kids:
            assert item.kind == "TOCI" and item.kids[0].kind == "Reference"
            inner = [kid for kid in item.kids[1:] if kid.kind == "TOC"]
            read.append((" ".join(item.kids[0].words().split()), *(entries(toc) for toc in inner)))
        return read

    assert entries(contents) == [
        ("Summary 2",),
        ("Situation 2", [("Timeline 2", [("Sources for the timeline 2",)])]),
        ("Figures 2",),
    ]
    untagged = pdf_ua.untagged_text(path, tmp_path / "untagged.pdf")
    assert untagged.count(".") > 40  # the dots
