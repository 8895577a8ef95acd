"""HTML writer, from model objects: parsed back with lxml, as a browser would read the page."""

from __future__ import annotations

import re

import lxml.html
import pdfplumber
import pytest

from briefing.model import Briefing, Chart, NumberFormat, Paragraph, Section, Series, Table, Totals
from briefing.reading.inline import parse_inline
from briefing.writers.html.writer import Attachment, HtmlWriter, human_size, mail_body


def page(doc, tmp_path):
    path = tmp_path / "page.html"
    assert HtmlWriter().write(doc, path) == []
    return lxml.html.fromstring(path.read_bytes())


def test_every_block_becomes_its_html_element(sample, tmp_path):
    tree = page(sample, tmp_path)
    assert tree.findtext(".//h1") == "Sahel Outlook"
    assert [m.text_content() for m in tree.find_class("marking")] == ["OFFICIAL-SENSITIVE"] * 2
    headings = [h.text_content() for h in tree.iter("h2", "h3")]
    assert headings[0] == "Summary" and len(headings) > 2
    assert tree.xpath("//strong[text()='bold']") and tree.xpath("//em[text()='italic']")
    (link,) = tree.xpath("//a[@href='https://example.org/a?b=1&c=2']")
    (table,) = tree.iter("table")
    assert table.findtext("caption") == "Table 1: Selected indicators"
    assert [th.text for th in table.iter("th")] == ["Name", "Count", "Share", "Confirmed", "As of", "Note"]
    assert [td.text for td in table.find("tbody").find("tr")][:2] == ["Alpha", "1,500"]
    (img,) = tree.iter("img")
    assert img.get("src").startswith("data:image/png;base64,") and img.get("alt")


def test_text_is_escaped_not_interpreted(tmp_path):
    doc = Briefing(
        "<b>T</b> & co", (Section(parse_inline("H"), (Paragraph(parse_inline("<script>x</script> & <i>")),)),)
    )
    path = tmp_path / "p.html"
    HtmlWriter().write(doc, path)
    raw = path.read_text()
    assert "<script>" not in raw and "&lt;script&gt;" in raw
    assert lxml.html.fromstring(raw.encode()).findtext(".//h1") == "<b>T</b> & co"


def test_charts_are_inline_svg_and_totals_a_table_footer(tmp_path):
    chart = Chart("bar", "Incidents", ("Mali", "Niger"), (Series("2024", (3.0, 4.0)),), "Country")
    table = Table(
        ("Country", "USD"),
        (("Mali", 1.5), ("Niger", 2.0)),
        "Aid",
        (None, NumberFormat("currency", 2, "EUR")),
        Totals((None, "sum"), ("Total", 3.5)),
    )
    tree = page(Briefing("T", (Section(parse_inline("H"), (chart, table)),)), tmp_path)
    (figure,) = tree.iter("figure")
    svg = figure.find(".//svg")
    assert svg is not None and svg.findtext("title") == "Incidents"
    assert "Mali" in figure.text_content() and figure.findtext("figcaption") == "Figure 1: Incidents"
    assert [td.text for td in tree.find(".//tfoot").iter("td")] == ["Total", "€3.50"]


def test_the_mail_body_shows_title_marking_note_summary_and_files(sample):
    note = parse_inline("For **decision** by Friday; see [the brief](https://example.org/b).")
    body = mail_body(sample, note, [Attachment("pack.pdf", 123_456)])
    html, text = body.html, body.text
    tree = lxml.html.fromstring(html.encode())
    assert tree.findtext(".//h1") == "Sahel Outlook"
    shown = tree.find_class("note")[0]
    assert shown.text_content() == "For decision by Friday; see the brief."
    assert shown.findtext("strong") == "decision" and shown.find("a").get("href") == "https://example.org/b"
    assert "For decision by Friday; see the brief <https://example.org/b>." in text
    assert [li.text_content() for li in tree.find_class("attachments")[0]] == ["pack.pdf (123.5 KB)"]
    assert "Selected indicators" not in html, "the body stays in the files unless asked for"
    assert text.splitlines()[0] == "OFFICIAL-SENSITIVE" and "- pack.pdf (123.5 KB)" in text
    full = mail_body(sample, None, [], full=True)
    assert "Selected indicators" in full.html
    # The picture is shown by reference to a part of the message, as mail readers show pictures.
    (picture,) = full.pictures
    assert f'src="cid:{picture.cid}"' in full.html and picture.data[:8] == b"\x89PNG\r\n\x1a\n"


def test_sizes_read_as_people_write_them():
    assert [human_size(n) for n in (840, 12_345, 4_100_000, 7_000_000_000)] == [
        "840 bytes",
        "12.3 KB",
        "4.1 MB",
        "7.0 GB",
    ]


def test_chart_text_is_set_in_a_font_browsers_know(tmp_path):
    chart = Chart("bar", "Incidents", ("Mali", "Niger"), (Series("2024", (3.0, 4.0)),))
    doc = Briefing("T", (Section(parse_inline("H"), (chart,)),))
    path = tmp_path / "c.html"
    HtmlWriter().write(doc, path)
    page = path.read_text(encoding="utf-8")
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert "font-family" in svg
    assert not re.search(r"font-family(=\"|: ?)F[0-9a-f]{10}", svg), "reportlab's internal font names"
    assert "font-family: 'DejaVu Sans'" in svg


def test_a_date_or_number_in_a_cell_never_breaks(tmp_path):
    import datetime as dt

    table = Table(("Week", "Note"), ((dt.date(2026, 10, 1), "range 2026-10-01 to 2026-10-08"),), title="T")
    doc = Briefing("T", (Section(parse_inline("H"), (table,)),))
    path = tmp_path / "t.html"
    HtmlWriter().write(doc, path)
    tree = lxml.html.fromstring(path.read_bytes())
    cells = tree.xpath("//tbody//td")
    assert [s.text for s in cells[0].xpath("span[@class='nb']")] == ["2026-10-01"]
    assert [s.text for s in cells[1].xpath("span[@class='nb']")] == ["2026-10-01", "2026-10-08"]
    css = tree.xpath("//style")[0].text
    assert ".nb, td.num, th.num { white-space: nowrap; }" in css and "table-layout: fixed" in css


def test_a_wide_tables_text_is_the_size_the_layout_chose_as_in_the_pdf(tmp_path):
    """A 40-column table is laid out small to fit a turned page: the page draws it at that size, not the
    style sheet's, so the widths computed for it hold its words, as in the PDF."""
    from briefing.layout import lay_out
    from briefing.writers.pdf.writer import PdfWriter

    columns = tuple(f"Indicator {n}" for n in range(40))
    table = Table(columns, tuple(tuple(1000 + r * n for n in range(40)) for r in range(3)), "Wide")
    laid = lay_out(Briefing("T", (Section(parse_inline("H"), (table,)),)))
    (geometry,) = [place.table for node, place in laid.flow if isinstance(node, Table)]
    assert geometry is not None and geometry.size < 7.5  # shrunk from 9 pt to fit the turned page
    html, pdf = tmp_path / "w.html", tmp_path / "w.pdf"
    HtmlWriter().write(laid, html)
    PdfWriter().write(laid, pdf)
    page = lxml.html.parse(str(html))
    # Too wide even turned: its words break inside their cells, as in the PDF and Word, rather than overflow.
    assert geometry.broken and "broken" in page.find(".//div[@class]").get("class").split()
    assert ".broken td, .broken th" in page.findtext(".//style")
    drawn = dict(part.split(":") for part in page.find(".//table").get("style").split(";"))
    assert float(drawn["font-size"].removesuffix("pt")) == pytest.approx(geometry.size, abs=0.01)
    assert float(drawn["width"].removesuffix("pt")) == pytest.approx(geometry.width, abs=0.1)
    with pdfplumber.open(str(pdf)) as document:
        words = [w for page in document.pages for w in page.extract_words(extra_attrs=["size"])]
    header = [w["size"] for w in words if w["text"].startswith("In")]  # "Indicator", broken or not
    assert header and all(size == pytest.approx(geometry.size, abs=0.05) for size in header)


def test_a_control_character_in_the_title_never_reaches_the_page_raw(tmp_path):
    doc = Briefing("Sahel\x00 Outlook\x07", (Section(parse_inline("H"), (Paragraph(parse_inline("Text.")),)),))
    path = tmp_path / "t.html"
    HtmlWriter().write(doc, path)
    page = path.read_bytes()
    assert b"\x00" not in page and b"\x07" not in page
    assert lxml.html.parse(str(path)).findtext(".//h1") == "Sahel\ufffd Outlook\ufffd"
