"""Scripts beyond the body font's in every part of a pack: the marking, links, charts, and each
format's fonts for Arabic, Hebrew, N'Ko and Tifinagh."""

from __future__ import annotations

import pdfplumber
from pypdf import PdfReader

from briefing.model import Briefing, Paragraph, Section
from briefing.spec.inline import parse_inline
from briefing.spec.styles import merge, read_style_file
from briefing.writers.pdf import PdfWriter
from briefing.writers.pdfbidi import levels

MARKING = "سري للغاية"


def _doc(*blocks, **fields) -> Briefing:
    return Briefing("Q", (Section(parse_inline("H"), tuple(blocks)),), style=merge(read_style_file("plain")), **fields)


def test_brackets_take_the_direction_of_what_they_enclose():
    # Rule N0: the brackets around "fabrikam عربي" hold Arabic, the paragraph's own direction, so they
    # and the space before them are right to left; without the rule they would join "smith" at level 2.
    text = "smith (fabrikam عربي) עברית"
    assert levels(text, rtl=True)[:8] == [2, 2, 2, 2, 2, 1, 1, 2]


def test_isolated_text_keeps_its_own_direction_inside_the_paragraph():
    # A right-to-left isolate (RLI … PDI) inside English: its Arabic at 1, the English after it at 0.
    text = "a \u2067ب c\u2069 d"
    found = levels(text, rtl=False)
    assert found[text.index("ب")] == 1 and found[text.index("c")] == 2 and found[-1] == 0


def test_a_classification_marking_in_arabic_is_shaped_and_read_from_the_right(tmp_path):
    path = tmp_path / "m.pdf"
    PdfWriter().write(_doc(Paragraph(parse_inline("Body.")), classification=MARKING), path)
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        top = [c for c in page.chars if c["top"] < 60 and "\u0600" <= c["text"] <= "\u06ff"]
    assert top, "the marking is drawn at the top of the page"
    assert all("NotoSansArabic-Bold" in c["fontname"] for c in top)
    # Read from the right: the first letter written is the rightmost drawn.
    first = next(c for c in top if c["text"] == "س")
    assert first["x1"] == max(c["x1"] for c in top)
    centre = (min(c["x0"] for c in top) + max(c["x1"] for c in top)) / 2
    assert abs(centre - page.width / 2) < 2
    text = PdfReader(str(path)).pages[0].extract_text()
    assert text.count(MARKING) == 2  # top and bottom, in the order written


def test_a_link_in_a_right_to_left_paragraph_is_drawn_as_a_link_and_can_be_followed(tmp_path):
    text = "انظر [تقرير الأمم المتحدة](https://example.org/report) عن مالي."
    path = tmp_path / "l.pdf"
    PdfWriter().write(_doc(Paragraph(parse_inline(text))), path)
    page = PdfReader(str(path)).pages[0]
    links = [a.get_object() for a in page.get("/Annots", [])]
    links = [a for a in links if a.get("/Subtype") == "/Link"]
    assert [a["/A"]["/URI"] for a in links] == ["https://example.org/report"]
    x0, y0, x1, y1 = (float(v) for v in links[0]["/Rect"])
    with pdfplumber.open(path) as pdf:
        plumbed = pdf.pages[0]
        linked = [c for c in plumbed.chars if c["non_stroking_color"] and len(c["non_stroking_color"]) == 3]
    blue = [c for c in linked if abs(c["non_stroking_color"][2] - 0xC1 / 255) < 0.01]
    assert blue, "the link's words are drawn in the link colour"
    # The clickable box covers the link's words, and no others.
    assert all(x0 - 0.5 <= c["x0"] and c["x1"] <= x1 + 0.5 for c in blue)
    assert all(y0 < c["matrix"][5] < y1 for c in blue)  # each letter's baseline is inside the box
    assert set("".join(c["text"] for c in blue)) == set("تقرير الأمم المتحدة")
    line = blue[0]["matrix"][5]
    others = [c for c in linked if c not in blue and c["text"].strip() and c["matrix"][5] == line]
    assert others and not any(x0 < (c["x0"] + c["x1"]) / 2 < x1 for c in others)
