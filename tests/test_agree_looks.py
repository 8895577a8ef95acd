"""Every format numbers the same pages and draws text and tables alike: read back from the files.

Every example is built in every bundled style, with a briefing that has a cover page, a
contents list, a maroon accent and a table on a turned page. The PDF, and the Word file as
LibreOffice prints it, are read page by page (``pdftotext -f N -l N``) and must print the same
"Page X of Y" on the same pages, none on a cover, the count leaving the cover out, and list
in their contents the number printed on each heading's page. The title is bold and the
subtitle upright in every format; captions have one colour and weight; a table's header is
filled as the style says, or with a tint of its accent, in Word, the PDF, Excel and HTML.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pdfplumber
import pytest
from docx.oxml.ns import qn
from openpyxl import load_workbook

from briefing.build import write_pack, writers_for
from briefing.layout import Heading, LaidDocument, lay_out
from briefing.layout.looks import TextLook
from briefing.model import Callout, Chart, Image, ListBlock, Paragraph, Table, plain
from briefing.reading.loader import Options, load
from briefing.reading.style_files import bundled_names, read_style_file
from briefing.writers.markup import has_rtl
from briefing.writers.pdf.tagging import HEADING_TAGS, heading_tag

from . import pdf_ua
from .conftest import DATA, SPECS, require_tool, run_soffice

EXAMPLES = [*sorted(SPECS.glob("*.yaml")), DATA / "wide-table.yaml", DATA / "cover-maroon.yaml"]
KEYS = [(spec.stem, style) for spec in EXAMPLES for style in bundled_names()]
_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"))
"""Direction marks pdftotext puts round right-to-left runs."""


@dataclass(frozen=True)
class Pack:
    laid: LaidDocument
    """The laid-out briefing: what the files are expected to show."""
    files: dict[str, Path]
    """The files written, by format."""
    printed: Path
    """The Word file as LibreOffice prints it (PDF)."""


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Pack]:
    """Every example in every style, built once; every Word file printed by LibreOffice in one run."""
    out = tmp_path_factory.mktemp("agree")
    specs = {spec.stem: spec for spec in EXAMPLES}
    made: dict[tuple[str, str], tuple[LaidDocument, dict[str, Path]]] = {}
    words = out / "word"
    words.mkdir()
    for stem, style in KEYS:
        doc = load(specs[stem], Options(base_style=read_style_file(style)))
        pack = write_pack(doc, stem, writers_for(None), out / f"{stem}-{style}")
        files = {p.suffix[1:]: p for p in pack.paths}
        shutil.copy(files["docx"], words / f"{stem}-{style}.docx")
        made[stem, style] = (lay_out(doc), files)
    printed = run_soffice(sorted(words.iterdir()), out / "printed")
    assert printed.returncode == 0, printed.stderr
    return {key: Pack(laid, files, out / "printed" / f"{key[0]}-{key[1]}.pdf") for key, (laid, files) in made.items()}


@pytest.fixture(params=KEYS, ids=lambda key: f"{key[0]}-{key[1]}")
def pack(request: pytest.FixtureRequest, packs: dict[tuple[str, str], Pack]) -> Pack:
    return packs[request.param]


# -- reading the files back ----------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One page of a PDF as read back."""

    text: str
    """Its text as ``pdftotext -f N -l N`` gives it, without direction marks."""
    words: list[dict[str, Any]]
    """Its words, with their font, size and colour, as pdfplumber reads them."""
    fills: list[dict[str, Any]]
    """Its filled rectangles (cell backgrounds)."""


@functools.cache
def read_pdf(pdf: Path) -> tuple[Page, ...]:
    """Each page of ``pdf``, read once for all the tests."""
    pdftotext = require_tool("pdftotext")
    pages = []
    with pdfplumber.open(pdf) as opened:
        for n, page in enumerate(opened.pages, 1):
            command = [pdftotext, "-f", str(n), "-l", str(n), str(pdf), "-"]
            text = subprocess.run(command, capture_output=True, text=True, check=True).stdout.translate(_MARKS)
            words = page.extract_words(extra_attrs=["fontname", "size", "non_stroking_color"])
            pages.append(Page(text, words, [r for r in page.rects if r.get("fill")]))
            page.close()  # let pdfplumber drop the page's objects
    return tuple(pages)


def page_texts(pdf: Path) -> list[str]:
    return [page.text for page in read_pdf(pdf)]


def page_numbers(texts: list[str], laid: LaidDocument) -> list[tuple[int, int] | None]:
    """The "Page X of Y" each page prints, as (X, Y), or None; read without spaces, which
    right-to-left runs move about."""
    words, of = ("".join(w.split()) for w in laid.furniture.page_words)
    pattern = re.compile(re.escape(words) + r"(\d+)" + re.escape(of) + r"(\d+)")
    found = [pattern.search("".join(text.split())) for text in texts]
    return [(int(m.group(1)), int(m.group(2))) if m else None for m in found]


def hex_of(colour: Any) -> str:
    """A pdfplumber colour (grey, RGB or CMYK, 0 to 1) as RRGGBB."""
    values = tuple(colour or (0,))
    if len(values) == 1:
        values = values * 3
    elif len(values) == 4:
        c, m, y, k = values
        values = ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    return "".join(f"{round(v * 255):02X}" for v in values)


_LAM_ALEF = dict.fromkeys(map(ord, "\u0627\u0623\u0625\u0622\u0644"))
"""Alef and lam: text tools read the lam-alef ligature back as alef then lam, or lam then alef."""


def _flat(text: str) -> str:
    """A text without its spaces, direction marks and the letters of the lam-alef ligature."""
    return "".join(text.split()).translate(_MARKS).translate(_LAM_ALEF)


def _tokens(text: str) -> set[str]:
    return {token for token in re.split(r"[\s:.,()]+", text.translate(_MARKS)) if token}


def lines_like(page: Page, text: str) -> Iterator[list[dict[str, Any]]]:
    """The words of each line of ``page`` that shows part of ``text`` (a caption may wrap). A right-to-left
    line may be read back in the order it is drawn: it is one when all its words are the text's, either way."""
    whole, want = _flat(text), _tokens(text)
    by_line: dict[int, list[dict[str, Any]]] = {}
    for word in page.words:
        by_line.setdefault(round(word["bottom"]), []).append(word)
    for line in by_line.values():
        shown = _flat("".join(w["text"] for w in line))
        if len(shown) >= 8 and (shown in whole or shown[::-1] in whole):
            yield line
        elif has_rtl(text):
            have = [token for w in line for token in _tokens(w["text"])]
            if len(have) >= 3 and all(token in want or token[::-1] in want for token in have):
                yield line


def assert_looks(words: list[dict[str, Any]], look: TextLook, where: str) -> None:
    """Each word is set as ``look`` says: its size, weight, slope and colour."""
    for word in words:
        face = word["fontname"]
        assert abs(word["size"] - look.size) < 0.3, (where, word["text"], word["size"], look.size)
        assert ("Bold" in face) == look.bold, (where, word["text"], face)
        assert ("Italic" in face or "Oblique" in face) == look.italic, (where, word["text"], face)
        assert hex_of(word["non_stroking_color"]) == look.colour, (where, word["text"], word["non_stroking_color"])


def css_rule(html: Path, selector: str) -> dict[str, str]:
    """The declarations of one rule of the page's style sheet."""
    found = re.search(r"(?m)^" + re.escape(selector) + r" \{([^}]*)\}", html.read_text(encoding="utf-8"))
    assert found, selector
    declarations = (d.split(":", 1) for d in found.group(1).split(";") if ":" in d)
    return {name.strip(): value.strip() for name, value in declarations}


def pdfs(pack: Pack) -> dict[str, Path]:
    return {"pdf": pack.files["pdf"], "docx as printed": pack.printed}


# -- page numbers ----------------------------------------------------------------------


def test_pages_are_numbered_alike_and_a_cover_is_not(pack):
    first = pack.laid.furniture.first_numbered_page
    numbers = {name: page_numbers(page_texts(pdf), pack.laid) for name, pdf in pdfs(pack).items()}
    for name, printed in numbers.items():
        count = len(printed) - (first - 1)
        # The pages before the first numbered one (a cover) print no number; the count leaves them out.
        expected = [None] * (first - 1) + [(n, count) for n in range(1, count + 1)]
        assert printed == expected, name
    if len(numbers["pdf"]) == len(numbers["docx as printed"]):
        assert numbers["pdf"] == numbers["docx as printed"]


def test_contents_give_the_number_printed_on_each_headings_page(pack):
    laid = pack.laid
    if laid.furniture.contents is None:
        pytest.skip("the style asks for no contents")
    headings = [plain(n.text) for n, _ in laid.flow if isinstance(n, Heading) and n.level <= 3]
    for name, pdf in pdfs(pack).items():
        texts = page_texts(pdf)
        printed = dict(enumerate(page_numbers(texts, laid)))
        contents = texts[laid.furniture.first_numbered_page - 1]
        listed = [int(n) for n in re.findall(r"\d+", contents)]
        for number in printed[laid.furniture.first_numbered_page - 1] or ():
            del listed[len(listed) - 1 - listed[::-1].index(number)]  # the page's own "Page X of Y"
        assert len(listed) == len(headings), (name, contents)
        for heading, number in zip(headings, listed, strict=True):
            page = next(i for i, p in printed.items() if p and p[0] == number)
            shown, flat = _flat(heading), _flat(texts[page])
            assert shown in flat or shown[::-1] in flat, (name, heading, number)


# -- looks -----------------------------------------------------------------------------


def test_the_title_is_bold_and_the_subtitle_upright_in_every_format(pack):
    laid, looks = pack.laid, pack.laid.looks
    if not laid.front.shown:
        pytest.skip("the style shows no title")
    title = looks.cover_title if laid.front.cover_page else looks.title
    for name, pdf in pdfs(pack).items():
        page = read_pdf(pdf)[0]
        largest = max(w["size"] for w in page.words)
        assert_looks([w for w in page.words if w["size"] == largest], title, f"{name}: title")
        if laid.front.subtitle:
            subtitle = list(lines_like(page, laid.front.subtitle))
            assert subtitle, name
            assert_looks(subtitle[0], looks.subtitle, f"{name}: subtitle")
    styles = docx.Document(str(pack.files["docx"])).styles
    assert styles["Title"].font.bold is True and styles["Title"].font.italic is False
    assert styles["Subtitle"].font.italic is False
    assert css_rule(pack.files["html"], "h1")["font-weight"] == "bold"
    assert css_rule(pack.files["html"], ".subtitle")["font-style"] == "normal"
    sheet = load_workbook(pack.files["xlsx"])["Briefing"]
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == laid.doc.title)
    assert cell.font.b and not cell.font.i and cell.font.sz == looks.title.size


def test_captions_have_one_colour_and_weight_in_every_format(pack):
    laid, look = pack.laid, pack.laid.looks.caption
    captions = [str(place.caption) for _, place in laid.flow if place.caption is not None]
    if not captions:
        pytest.skip("no captions")
    for name, pdf in pdfs(pack).items():
        found = [line for page in read_pdf(pdf) for caption in captions for line in lines_like(page, caption)]
        assert found, name
        for line in found:
            assert_looks(line, look, f"{name}: caption")
    caption_style = docx.Document(str(pack.files["docx"])).styles["Caption"].font
    assert (caption_style.bold, str(caption_style.color.rgb)) == (look.bold, look.colour)
    for selector in ("caption", "figcaption"):
        rule = css_rule(pack.files["html"], selector)
        assert (rule["color"], rule["font-weight"]) == (f"#{look.colour}", "bold" if look.bold else "normal")
    workbook = load_workbook(pack.files["xlsx"], rich_text=False)
    # The narrative sheet's rows that lead to a table's or chart's sheet, and a chart sheet's caption (the
    # contents sheet lists the captions as links).
    sheets = workbook.worksheets[1:] if laid.furniture.contents else workbook.worksheets
    cells = [c for sheet in sheets for row in sheet.iter_rows() for c in row if c.value in captions]
    assert cells
    for cell in cells:
        assert bool(cell.font.b) == look.bold and cell.font.color.rgb.endswith(look.colour), cell.coordinate


def test_table_headers_are_filled_as_the_style_says_in_every_format(pack):
    laid, look = pack.laid, pack.laid.looks.table
    tables = [place.table for node, place in laid.flow if isinstance(node, Table) and place.table is not None]
    if not tables:
        pytest.skip("no tables")
    header = {token for name in tables[0].header for token in _tokens(name)}
    for name, pdf in pdfs(pack).items():
        fills = set()
        for page in read_pdf(pdf):
            for word in page.words:
                if word["text"] not in header and word["text"][::-1] not in header:
                    continue
                x, y = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
                under = [r for r in page.fills if r["x0"] <= x <= r["x1"] and r["top"] <= y <= r["bottom"]]
                if under and hex_of(under[-1]["non_stroking_color"]) == look.header_fill:
                    fills.add(look.header_fill)  # a header cell: its text in the header's colour
                    assert hex_of(word["non_stroking_color"]) == look.header_text, (name, word["text"])
        assert fills == {look.header_fill}, name
    grid = next(t for t in docx.Document(str(pack.files["docx"])).tables if len(t.columns) > 1)
    shading = grid.rows[0].cells[0]._tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}")
    assert shading.get(qn("w:fill")) == look.header_fill
    assert css_rule(pack.files["html"], "th")["background"] == f"#{look.header_fill}"
    workbook = load_workbook(pack.files["xlsx"])
    # A table sheet's header stands under its caption.
    heads = [c for s in workbook.worksheets for c in (s.cell(1, 1), s.cell(2, 1)) if c.value == tables[0].header[0]]
    assert heads and heads[0].fill.fgColor.rgb.endswith(look.header_fill)
    assert heads[0].font.color.rgb.endswith(look.header_text)


def test_a_maroon_accent_tints_the_headers_where_the_style_gives_no_fill(packs):
    laid = packs["cover-maroon", "plain"].laid
    assert laid.doc.style.table.header_fill is None  # the plain style leaves it to the accent
    assert laid.looks.table.header_fill == "EBDDDF"  # a light tint of #7A1F2B, not the default blue-grey


# -- the tagged PDF: what a screen reader reads -----------------------------------------


def _letters(text: str) -> list[str]:
    """A text's letters and digits, sorted: poppler reads a right-to-left line's text as drawn, from the left."""
    return sorted(c for c in text if c.isalnum())


def _reads(read: str, written: str) -> bool:
    """Whether poppler's text of an element is the text written: it joins the lines of a wrapped
    paragraph without a space, and reads right-to-left lines as drawn."""
    if has_rtl(written):
        return _letters(read) == _letters(written)
    return "".join(read.split()) == "".join(written.split())


def test_the_pdfs_structure_tree_reads_as_the_layout(pack):
    """poppler prints the tree a screen reader reads: the headings at their levels, every table's rows of
    TH and TD with the layout's texts, a Figure for each chart and picture, an LI for each list item, and
    each paragraph's text in a P."""
    require_tool("pdfinfo")
    tree = pdf_ua.struct_tree(pack.files["pdf"])
    flow = pack.laid.flow
    # The title (the first heading) and the contents' heading come before the body's, each an H1.
    laid = pack.laid
    headings = [("H1", laid.front.title)] if laid.front.shown else []
    headings += [("H1", laid.furniture.contents)] if laid.furniture.contents is not None else []
    headings += [(heading_tag(n.level), plain(n.text)) for n, _ in flow if isinstance(n, Heading)]
    found = [(h.kind, " ".join(h.text)) for h in tree.all(*HEADING_TAGS)]
    assert [kind for kind, _ in found] == [kind for kind, _ in headings]
    assert all(_reads(read, written) for (_, read), (_, written) in zip(found, headings, strict=True)), found
    grids = [(p.table, p.cells) for n, p in flow if isinstance(n, Table) and p.table is not None]
    tables = tree.all("Table")
    assert len(tables) == len(grids)
    for table, (laid, cells) in zip(tables, grids, strict=True):
        (head,) = [kid for kid in table.kids if kid.kind == "THead"]
        (body,) = [kid for kid in table.kids if kid.kind == "TBody"]
        assert [kid.kind for kid in table.kids] == ["Caption", "THead", "TBody"]
        rows = [list(row) for row in (laid.header, *laid.rows(), *([laid.totals] if laid.totals else []))]
        for row, column, text in cells:  # a cell citing a note shows its mark
            rows[row + 1][column] = plain(text)
        drawn = [[cell.kind for cell in tr.kids] for tr in head.kids + body.kids]
        assert drawn == [["TH"] * len(laid.header)] + [["TD"] * len(laid.header)] * (len(rows) - 1)
        texts = [[" ".join(cell.text) for cell in tr.kids] for tr in head.kids + body.kids]
        assert all(_reads(r, w) for got, want in zip(texts, rows, strict=True) for r, w in zip(got, want, strict=True))
        assert all(attribute == "/Scope /Column" for th in head.kids[0].kids for attribute in th.attributes)
    assert len(tree.all("Figure")) == sum(isinstance(n, (Chart, Image)) for n, _ in flow)
    items = [i for n, _ in flow for block in _lists(n) for i in block.items]
    assert len(tree.all("LI")) == len(items)
    paragraphs = [" ".join(p.text) for p in tree.all("P")]
    for node, _ in flow:
        if type(node) is Paragraph:
            assert any(_reads(text, plain(node.text)) for text in paragraphs), plain(node.text)


def _lists(node: object) -> list[ListBlock]:
    if isinstance(node, ListBlock):
        return [node]
    if isinstance(node, Callout):
        return [block for block in node.content if isinstance(block, ListBlock)]
    return []


def test_the_pdf_passes_pdf_ua_checks(pack):
    assert pdf_ua.check(pack.files["pdf"]) == []


def test_the_pdfs_untagged_content_is_its_furniture_alone(pack, tmp_path):
    """Drawn outside every element's content: the marking, the page numbers, bullets and list numbers;
    no word of the body."""
    require_tool("pdftotext")
    text = pdf_ua.untagged_text(pack.files["pdf"], tmp_path / "untagged.pdf").translate(_MARKS)
    furniture = pack.laid.furniture
    for word in [furniture.marking or "", *furniture.page_words]:
        text = text.replace(word, "") if word else text
    assert re.sub(r"[\s\d.•]", "", text) == ""
