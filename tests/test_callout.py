"""The callout block: read from YAML, and a framed box in Word and the PDF, an aside in HTML, set apart in Excel."""

from __future__ import annotations

import docx
import lxml.html
import pdfplumber
import pytest
from docx.oxml.ns import qn
from openpyxl import load_workbook

from briefing import SpecError, loads
from briefing.layout import colours
from briefing.model import Briefing, Callout, ListBlock, ListItem, Paragraph, Section, Span
from briefing.reading.inline import parse_inline
from briefing.style import Style
from briefing.writers.docx.writer import DocxWriter
from briefing.writers.html.writer import HtmlWriter
from briefing.writers.pdf.writer import PdfWriter
from briefing.writers.xlsx.writer import XlsxWriter

HEAD = "title: T\nsections:\n  - heading: H\n    content:\n"


def load_blocks(body: str):
    return loads(HEAD + body, "spec.yaml").sections[0].content


def errors(body: str) -> list[str]:
    with pytest.raises(SpecError) as caught:
        loads(HEAD + body, "spec.yaml")
    return [str(p) for p in caught.value.problems]


def test_a_callout_reads_into_the_model():
    (box,) = load_blocks(
        "      - callout:\n"
        "          kind: key-judgement\n"
        "          content:\n"
        "            - paragraph: Russia's role will **grow**.\n"
        "            - bullets: [Training missions expand, Payment moves to mining]\n"
    )
    assert box == Callout(
        "key-judgement",
        "Key judgement",
        (
            Paragraph(parse_inline("Russia’s role will **grow**.")),
            ListBlock(
                (ListItem(parse_inline("Training missions expand")), ListItem(parse_inline("Payment moves to mining")))
            ),
        ),
    )
    assert (box.pos.line, box.pos.col) == (5, 9)


def test_kind_and_title_have_defaults():
    (box,) = load_blocks("      - callout:\n          content:\n            - paragraph: x\n")
    assert (box.kind, box.title) == ("note", "Note")
    (box,) = load_blocks(
        "      - callout:\n          kind: warning\n          title: Handling\n          content: [paragraph: x]\n"
    )
    assert (box.kind, box.title) == ("warning", "Handling")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "      - callout:\n          kind: key-judgment\n          content:\n            - paragraph: x\n",
            "spec.yaml:6:17: expected one of key-judgement, comment, note, warning, got 'key-judgment'"
            " (did you mean 'key-judgement'?)",
        ),
        (
            "      - callout:\n          content:\n            - table: {columns: [a], rows: [[1]]}\n",
            "spec.yaml:7:15: unknown key 'table' in a block of a callout"
            " (expected one of: paragraph, bullets, numbered)",
        ),
        ("      - callout:\n          content: []\n", "spec.yaml:6:20: a callout needs at least one paragraph or list"),
        ("      - callout:\n          title: T\n", "spec.yaml:6:11: missing required key 'content' in a callout"),
    ],
)
def test_callout_mistakes_are_reported_at_their_place(body, expected):
    assert errors(body) == [expected]


@pytest.fixture
def boxed() -> Briefing:
    p = parse_inline
    judgement = Callout(
        "key-judgement",
        "Key judgement",
        (
            Paragraph(p("Russia's role will **grow** over the next 12 months.")),
            ListBlock((ListItem(p("Training missions expand")), ListItem(p("Payment moves to mining")))),
        ),
    )
    warning = Callout("warning", "Handling", (Paragraph(p("Do not forward.")),))
    body = (Paragraph(p("Before the box.")), judgement, Paragraph(p("Between.")), warning)
    return Briefing("Boxes", (Section((Span("Judgements"),), body),))


def test_word_draws_a_shaded_framed_box_kept_on_one_page(boxed, tmp_path):
    path = tmp_path / "b.docx"
    DocxWriter().write(boxed, path)
    document = docx.Document(str(path))
    boxes = document.tables
    assert len(boxes) == 2
    first = boxes[0]
    assert len(first.rows) == 1 and len(first.columns) == 1
    cell = first.rows[0].cells[0]
    texts = [p.text for p in cell.paragraphs]
    assert texts == [
        "Key judgement",
        "Russia's role will grow over the next 12 months.",
        "Training missions expand",
        "Payment moves to mining",
    ]
    assert cell.paragraphs[0].runs[0].bold and cell.paragraphs[2].style.name == "List Bullet"
    accent = Style().accent
    assert cell._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == colours.lighter(accent)
    assert first.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None
    top = first._tbl.tblPr.find(qn("w:tblBorders")).find(qn("w:top"))
    assert top.get(qn("w:color")) == accent
    warning = boxes[1].rows[0].cells[0]
    assert warning.paragraphs[0].runs[0].font.color.rgb == docx.shared.RGBColor.from_string(
        colours.CALLOUT_RGB["warning"]
    )
    body = [p.text for p in document.paragraphs if p.text]
    assert body.index("Before the box.") < body.index("Between.")  # the boxes sit between them in the body


def test_the_pdf_draws_a_filled_framed_box_within_the_text_column(boxed, tmp_path):
    path = tmp_path / "b.pdf"
    PdfWriter().write(boxed, path)
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        text = page.extract_text()
        for line in (
            "Key judgement",
            "Russia's role will grow over the next 12 months.",
            "Training missions expand",
            "Handling",
            "Do not forward.",
        ):
            assert line in text
        assert text.index("Before the box.") < text.index("Key judgement") < text.index("Between.")
        fill = tuple(int(colours.lighter(Style().accent)[i : i + 2], 16) / 255 for i in (0, 2, 4))
        boxes = [r for r in page.rects if r["fill"] and _close(r["non_stroking_color"], fill)]
        assert boxes, "the box has the kind's light fill"
        margin = Style().margin_cm / 2.54 * 72
        for box in boxes:
            assert box["x0"] >= margin - 0.5 and box["x1"] <= page.width - margin + 0.5


def _close(colour, wanted) -> bool:
    return (
        colour is not None and len(colour) == 3 and all(abs(a - b) < 0.01 for a, b in zip(colour, wanted, strict=True))
    )


def test_html_sets_the_box_apart_as_an_aside_with_a_role(boxed, tmp_path):
    path = tmp_path / "b.html"
    HtmlWriter().write(boxed, path)
    tree = lxml.html.fromstring(path.read_bytes())
    asides = tree.xpath("//aside")
    assert [a.get("class") for a in asides] == ["callout callout-key-judgement", "callout callout-warning"]
    assert all(a.get("role") == "note" for a in asides)
    assert asides[0].get("aria-label") == "Key judgement"
    assert asides[0].xpath("p[@class='callout-title']")[0].text_content() == "Key judgement"
    assert asides[0].xpath("ul/li")[1].text_content() == "Payment moves to mining"
    assert asides[0].xpath("p/strong")[0].text == "grow"
    css = tree.xpath("//style")[0].text
    assert f"aside.callout-warning {{ border-color: #{colours.CALLOUT_RGB['warning']};" in css


def test_excel_sets_the_text_apart_on_the_narrative_sheet(boxed, tmp_path):
    path = tmp_path / "b.xlsx"
    XlsxWriter().write(boxed, path)
    sheet = load_workbook(path).worksheets[0]
    cells = {str(c.value): c for row in sheet.iter_rows() for c in row if c.value is not None}
    title = cells["Key judgement"]
    assert title.font.b and title.font.color.rgb.endswith(Style().accent)
    assert title.fill.fgColor.rgb.endswith(colours.lighter(Style().accent))
    item = cells["\u2022 Payment moves to mining"]
    assert item.fill.fgColor.rgb.endswith(colours.lighter(Style().accent))
    assert cells["Handling"].font.color.rgb.endswith(colours.CALLOUT_RGB["warning"])
    assert cells["Before the box."].fill.fgColor.rgb in (None, "00000000")
