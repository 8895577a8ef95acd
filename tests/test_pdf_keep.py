"""A PDF heading stays with the block under it: never the last line of a page, what it heads starting
the next, whatever the block (a paragraph, a list, a table, a chart, a picture, a callout) and
whether or not notes take room at the foot of the page.

Each briefing here sets a heading at every height down the lower part of a page, from where the
heading and its block fit to where the heading alone would; the built PDF is read back with pdfplumber.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.layout import lay_out
from briefing.model import (
    Block,
    Briefing,
    Callout,
    Chart,
    Image,
    ListBlock,
    ListItem,
    PageBreak,
    Paragraph,
    Section,
    Series,
    Table,
)
from briefing.reading.inline import parse_inline
from briefing.style import Style
from briefing.writers.pdf.writer import PdfWriter

from .conftest import pdf_text, squash
from .pdf_lines import Line, lone_headings, text_lines

KINDS = ("paragraph", "list", "table", "chart", "picture", "callout")
LINES = range(14, 34)
"""Lines of text above the heading on its page, one position of the heading for each."""
_SENTENCE = "Convoys wait at the checkpoints north of the river for most of the week while permits are renewed. "


def _text(text: str, noted: bool, note: str) -> tuple:
    return parse_inline(text + (f"^[{note}]" if noted else ""))


def block(kind: str, case: int, noted: bool, picture: Path) -> tuple[Block, str]:
    """A block of ``kind``, and words its first line (or, under a chart or picture, its caption) shows;
    with notes, a table, chart, picture or callout is a place links land on, as in a briefing that cites."""
    key = f"block {case:02d}"
    name = f"block-{case}" if noted else None
    if kind == "paragraph":
        return Paragraph(_text(f"Opening of {key}. " + _SENTENCE * 6, noted, "On the paragraph.")), f"Opening of {key}."
    if kind == "list":
        items = [ListItem(_text(f"First item of {key}. " + _SENTENCE, noted, "On the first item."))]
        items += [ListItem(parse_inline(_SENTENCE * 2)) for _ in range(4)]
        return ListBlock(tuple(items)), f"First item of {key}."
    if kind == "table":
        rows = tuple((f"Region {n}", 10 * n, n) for n in range(1, 9))
        credit = _text("Partners' reports", noted, "On the table's source.")
        return Table(("Region", "Incidents", "Change"), rows, title=f"Incidents of {key}", credit=credit, id=name), key
    if kind == "chart":
        series = (Series("Incidents", (38.0, 41.0, 44.0, 40.0, 52.0, 57.0)),)
        caption = _text(f"Incidents per month, {key}", noted, "On the chart.")
        months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun")
        return Chart("bar", f"Incidents, {key}", months, series, caption=caption, id=name), key
    if kind == "picture":
        caption = _text(f"Regions of {key}", noted, "On the picture.")
        return Image(picture, (400, 300), caption=caption, alt="A map of the regions", width_cm=11, id=name), key
    content = (
        Paragraph(_text(_SENTENCE * 3, noted, "On the callout.")),
        ListBlock(tuple(ListItem(parse_inline(_SENTENCE)) for _ in range(4))),
    )
    return Callout("key-judgement", f"Judgement of {key}", content, id=name), f"Judgement of {key}"


def briefing(kind: str, noted: bool, picture: Path) -> tuple[Briefing, list[tuple[str, str]]]:
    """Parts each starting a page: ``lines`` lines of text, then a heading and its block; and each
    heading with the words its block's first line shows. With notes, the text above each heading
    cites one, and the heading and its block are places links land on."""
    parts, cases = [], []
    for case, lines in enumerate(LINES):
        heading = f"Heading {case:02d} over a {kind}"
        made, first = block(kind, case, noted, picture)
        filler = [Paragraph(parse_inline(f"Line {n} of part {case}.")) for n in range(1, lines)]
        # The text just above the heading cites a note: its page has notes at its foot.
        filler.append(Paragraph(_text(f"Last line of part {case}.", noted, f"Cited above heading {case}.")))
        # With notes, the heading is a place links land on too (a named place before it).
        sub = Section(parse_inline(heading), (made, PageBreak()), id=f"heading-{case}" if noted else None)
        parts.append(Section(parse_inline(f"Part {case:02d}"), tuple(filler), (sub,)))
        cases.append((heading, first))
    return Briefing(title="Headings and what they head", sections=tuple(parts)), cases


def page_of(pages: list[list[Line]], text: str) -> tuple[int, float]:
    """The page and height of the first line showing ``text``."""
    for lines in pages:
        for line in lines:
            if text in line.text:
                return line.page, line.top
    raise AssertionError(f"{text!r} is not in the text column of any page")


@pytest.fixture
def picture(tmp_path: Path) -> Path:
    from PIL import Image as PILImage

    path = tmp_path / "map.png"
    PILImage.new("RGB", (400, 300), "#336699").save(path)
    return path


@pytest.mark.parametrize("noted", [False, True], ids=["without notes", "with notes"])
@pytest.mark.parametrize("kind", KINDS)
def test_a_heading_stands_on_the_page_of_the_first_line_of_what_it_heads(kind, noted, picture, tmp_path):
    doc, cases = briefing(kind, noted, picture)
    path = tmp_path / f"{kind}.pdf"
    assert PdfWriter().write(lay_out(doc), path) == []
    pages = text_lines(path, Style().margin_cm)
    headings = [heading for heading, _ in cases]
    assert lone_headings(pages, headings) == []
    for heading, first in cases:
        page, top = page_of(pages, heading)
        assert page_of(pages, first)[0] == page, heading
        assert page_of(pages, first)[1] > top, heading
    if noted:  # the notes take room at the foot of the headings' pages, under the text column
        assert "Cited above heading 19." in squash(pdf_text(path))
        assert not [line for lines in pages for line in lines if "Cited above" in line.text]
