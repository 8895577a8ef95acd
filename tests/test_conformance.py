"""One pack, four formats, one text: every example (and a wide table) read back from each format and compared.

The layout decides each heading, caption, list item and table cell once; here every format
is opened again as a reader would open it and must show exactly those strings. The PDF,
and the Word file as LibreOffice prints it, must break no word or number of a table
across lines and draw nothing past the margins.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import docx
import lxml.html
import pdfplumber
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from briefing import build, load
from briefing.layout import Heading, Layout, items, lay_out
from briefing.layout.marks import marked_paragraph
from briefing.model import Callout, ListBlock, Paragraph, Table, plain
from briefing.writers.markup import has_rtl

from .conftest import DATA, NOTE_MARK, SPECS, pdf_text, require_tool, rtl_key, run_soffice, squash, words
from .pdf_lines import lone_headings, text_lines

EXAMPLES = [*sorted(SPECS.glob("*.yaml")), DATA / "wide-table.yaml"]


@pytest.fixture(scope="module", params=EXAMPLES, ids=lambda p: p.stem)
def pack(request, tmp_path_factory) -> tuple[Layout, dict[str, Path]]:
    out = tmp_path_factory.mktemp(request.param.stem)
    built = build(request.param, out=out)
    assert built.warnings == ()
    return lay_out(load(request.param)), {p.suffix[1:]: p for p in built.paths}


def item_texts(block: ListBlock, layout: Layout) -> Iterator[tuple[str, str]]:
    """A list's items as the layout words them: portion mark, lead, text."""
    return (("item", words(item.text)) for item in items(block, layout.doc.style, layout.doc.language))


def strings(layout: Layout) -> Iterator[tuple[str, str]]:
    """(kind, text) of every heading, caption, list item and callout line, in reading order."""
    for node, place in layout.flow:
        if isinstance(node, Heading):
            yield "heading", words(node.text)
        elif place.caption is not None:
            yield "caption", words(place.caption.spans)
        if isinstance(node, ListBlock):
            yield from item_texts(node, layout)
        if isinstance(node, Callout):
            yield "callout", node.title
            for block in node.content:
                if isinstance(block, Paragraph):
                    yield "paragraph", words(marked_paragraph(block, layout.doc.style).text)
                else:
                    yield from item_texts(block, layout)


def table_grids(layout: Layout) -> list[list[tuple[str, ...]]]:
    """Each table's rows of texts as the layout decided them: header, body, totals."""
    grids = []
    for node, place in layout.flow:
        laid = place.table
        if laid is not None and isinstance(node, Table):
            grids.append([laid.header, *laid.rows(), *([laid.totals] if laid.totals else [])])
    return grids


def test_word_shows_the_same_strings(pack):
    layout, files = pack
    document = docx.Document(str(files["docx"]))
    paragraphs = [p.text for p in document.paragraphs]
    boxed = [
        p.text for t in document.tables if len(t.rows) == 1 and len(t.columns) == 1 for p in t.cell(0, 0).paragraphs
    ]
    for kind, text in strings(layout):
        assert text in (boxed if kind in ("callout", "paragraph") else paragraphs + boxed), (kind, text)
    grids = [t for t in document.tables if not (len(t.rows) == 1 and len(t.columns) == 1)]
    assert [[tuple(c.text for c in row.cells) for row in t.rows] for t in grids] == table_grids(layout)


def test_the_pdf_shows_the_same_strings(pack):
    layout, files = pack
    with pdfplumber.open(files["pdf"]) as pdf:
        text = squash(" ".join(page.extract_text() for page in pdf.pages))
        # A note's mark, raised above its line, is read with the line above; in the order drawn it follows its word.
        flow = squash(" ".join(page.extract_text(use_text_flow=True) for page in pdf.pages))
    # pdfplumber gives the page's characters as they sit on the line; right-to-left text is read
    # in the order written by pypdf, and compared without the spaces it puts between runs.
    written = rtl_key(pdf_text(files["pdf"]))
    for kind, expected in strings(layout):
        if has_rtl(expected):
            assert rtl_key(expected) in written, (kind, expected)
        else:
            assert squash(expected) in text or squash(expected) in flow, (kind, expected)
    words = set(text.split())
    for grid in table_grids(layout):
        for row in grid:
            for cell in row:
                assert set(cell.split()) <= words or rtl_key(cell) in written, cell


def test_html_shows_the_same_strings(pack):
    layout, files = pack
    tree = lxml.html.fromstring(files["html"].read_bytes())
    for mark in tree.xpath('//span[@class="noteref"]'):
        mark.drop_tree()  # a note's mark and the note shown beside it; the mark's place is checked elsewhere
    headings = [squash(h.text_content()) for h in tree.xpath("//h2|//h3|//h4|//h5|//h6")]
    captions = [squash(c.text_content()) for c in tree.xpath("//caption|//figcaption")]
    items = [squash(li.text_content()) for li in tree.xpath("//li")]
    asides = [squash(p.text_content()) for p in tree.xpath("//aside/p")]
    found = {"heading": headings, "caption": captions, "item": items, "callout": asides, "paragraph": asides}
    for kind, expected in strings(layout):
        # A figure's credit line may stand in its caption, after the caption's text.
        shown = found[kind] if kind != "caption" else [c[: len(squash(expected))] for c in captions]
        assert squash(expected) in shown, (kind, expected)
    tables = [
        [tuple(cell.text_content() for cell in tr.xpath("th|td")) for tr in table.xpath(".//tr")]
        for table in tree.xpath("//table")
    ]
    assert tables == table_grids(layout)


def test_excel_shows_the_same_text(pack):
    layout, files = pack
    workbook = load_workbook(files["xlsx"])
    narrative = [
        NOTE_MARK.sub("", str(c))
        for row in workbook["Briefing"].iter_rows(values_only=True)
        for c in row
        if c is not None
    ]
    lines = [re.sub(r"^(\u2022 |\d+\. )", "", line) for line in narrative]
    for kind, expected in strings(layout):
        assert expected in narrative or expected in lines, (kind, expected)
    for grid in table_grids(layout):
        # The header under the table's caption.
        name = next(n for n in workbook.sheetnames if workbook[n].cell(2, 1).value == grid[0][0])
        header = tuple(NOTE_MARK.sub("", str(workbook[name].cell(2, c + 1).value)) for c in range(len(grid[0])))
        assert header == grid[0]


def words_of(pdf: Path) -> set[str]:
    pdftotext = require_tool("pdftotext")
    out = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    found = set(out.translate(_BIDI_MARKS).split())  # pdftotext marks out right-to-left runs
    return found | {_MARKED.sub("", word) for word in found}  # a word with a note's number after it


_BIDI_MARKS = str.maketrans("", "", "\u202a\u202b\u202c\u202d\u202e")
_MARKED = re.compile(r"(?<=\D)\d+$")


def test_no_table_token_breaks_in_the_pdf_or_in_word_as_libreoffice_prints_it(pack, tmp_path):
    layout, files = pack
    printed = run_soffice(files["docx"], tmp_path)
    assert printed.returncode == 0, printed.stderr
    for pdf in (files["pdf"], tmp_path / files["docx"].with_suffix(".pdf").name):
        words = words_of(pdf)
        for grid in table_grids(layout):
            for row in grid:
                for cell in row:
                    missing = set(cell.split()) - words
                    assert not missing, f"{pdf.name}: {sorted(missing)} broken across lines"


def test_the_pdf_draws_nothing_past_the_margins(pack):
    layout, files = pack
    margin = layout.doc.style.margin_cm / 2.54 * 72
    with pdfplumber.open(files["pdf"]) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            inside = [
                o
                for o in page.rects + page.lines + page.curves + page.chars
                if o["top"] >= margin - 1
                and o["bottom"] <= page.height - margin + 1  # marking and page numbers
                and not o.get("text", "x").isspace()  # a space paints nothing (a line's last may pass the margin)
            ]
            for drawn in inside:
                assert drawn["x0"] >= margin - 0.6, (number, drawn.get("text"), drawn["x0"])
                assert drawn["x1"] <= page.width - margin + 0.6, (number, drawn.get("text"), drawn["x1"])


def test_the_pdf_keeps_each_caption_with_its_table_and_each_heading_with_what_follows(pack):
    layout, files = pack
    with pdfplumber.open(files["pdf"]) as pdf:
        pages = [squash(page.extract_text()) for page in pdf.pages]
    # Right-to-left text is read in the order written by pypdf, without the spaces it puts between runs.
    written = [rtl_key(page.extract_text()) for page in PdfReader(str(files["pdf"])).pages]

    def on_one_page(*wanted: str) -> list[str]:
        """The pages that show all of ``wanted``, read the way their script needs."""
        if any(has_rtl(w) for w in wanted):
            joined = [rtl_key(w) for w in wanted]
            return [p for p in written if all(w in p for w in joined)]
        return [p for p in pages if all(w in p for w in wanted)]

    flow = layout.flow
    for (node, place), (after, _) in zip(flow, [*flow[1:], (None, None)], strict=True):
        if place.table is not None and place.caption and isinstance(node, Table):
            caption, header = str(place.caption), place.table.header[0].split()[0]
            page = on_one_page(caption, header)[0]
            if not has_rtl(caption + header):
                assert header in page.split(caption)[1], caption
        if isinstance(node, Heading) and isinstance(after, Paragraph):
            heading = plain(node.text)
            assert on_one_page(heading, " ".join(plain(after.text).split()[:4])), heading


def test_no_pdf_page_ends_with_a_heading(pack):
    """A heading stands on the page of the block under it: no page's last line of text is one."""
    layout, files = pack
    headings = [words(node.text) for node, _ in layout.flow if isinstance(node, Heading)]
    assert lone_headings(text_lines(files["pdf"], layout.doc.style.margin_cm), headings) == []


def test_word_headings_go_down_one_level_at_a_time_and_no_table_lays_out_with_empty_cells(pack):
    """What a screen reader's list of headings and its table reading need: no level skipped, and every
    table a table of data, its header row marked and named, with no row or column left empty to make room."""
    _, files = pack
    document = docx.Document(str(files["docx"]))
    levels = [int(p.style.name.split()[-1]) for p in document.paragraphs if p.style.name.startswith("Heading ")]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    for table in document.tables:
        grid = [[cell.text.strip() for cell in row.cells] for row in table.rows]
        if len(grid) == 1 and len(grid[0]) == 1:
            assert grid[0][0]  # a callout's box: its text, in a frame
            continue
        assert table.rows[0]._tr.find(f"{w}trPr/{w}tblHeader") is not None
        assert all(grid[0]), grid[0]
        assert all(any(row) for row in grid) and all(any(column) for column in zip(*grid, strict=True))
