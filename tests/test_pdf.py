"""PDF writer, from model objects: read back with pypdf, pdftotext and pdffonts."""

from __future__ import annotations

import subprocess

import pytest
from pypdf import PdfReader

from briefing.model import Briefing, Paragraph, Section, Table, Totals
from briefing.reading.inline import parse_inline
from briefing.writers.pdf.writer import PdfWriter

from .conftest import pdf_text, require_tool, squash


@pytest.fixture
def written(sample, tmp_path):
    path = tmp_path / "out.pdf"
    assert PdfWriter().write(sample, path) == []
    return path


def test_text_is_all_there_and_literal(written):
    text = squash(pdf_text(written))
    for expected in [
        "Sahel Outlook",
        "Weekly round-up",
        "Focus on Africa · 24 November 2026 · By Africa Desk",
        "Summary",
        "First judgement",
        "Situation in Mali",
        "Plain, bold, italic and a link.",
        'Literal <font color="red">&amp; "quotes"</font> Москва Αθήνα',
        "Military Support: Provision of arms.",
        "Table 1: Selected indicators",
        "=SUM(A1:A2)",
        "Figure 1: A blue box",
        "After the break.",
    ]:
        assert expected in text


def test_outline_has_every_heading(written):
    reader = PdfReader(str(written))

    def titles(outline, depth=0):
        for item in outline:
            if isinstance(item, list):
                yield from titles(item, depth + 1)
            else:
                yield depth, item.title

    assert list(titles(reader.outline)) == [(0, "Summary"), (0, "Situation in Mali"), (1, "Figures")]


def test_metadata(written):
    meta = PdfReader(str(written)).metadata
    assert (meta.title, meta.author, meta.subject) == ("Sahel Outlook", "Africa Desk", "Weekly round-up")


def test_page_break_and_marking_on_every_page(written):
    reader = PdfReader(str(written))
    assert len(reader.pages) == 2
    assert "After the break." in reader.pages[1].extract_text()
    assert "After the break." not in reader.pages[0].extract_text()
    for page in reader.pages:
        lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
        assert lines.count("OFFICIAL-SENSITIVE") == 2


def test_link_is_a_real_link_annotation(written):
    annotations = [a.get_object() for a in PdfReader(str(written)).pages[0].get("/Annots", [])]
    uris = [a["/A"]["/URI"] for a in annotations if "/A" in a]
    assert "https://example.org/a?b=1&c=2" in uris


def test_every_font_is_embedded(written):
    pdffonts = require_tool("pdffonts")
    rows = subprocess.run([pdffonts, str(written)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert len(rows) >= 3
    for row in rows:
        assert row.split()[-5] == "yes", row  # the "emb" column


def test_pdftotext_reads_cyrillic_and_greek(written):
    pdftotext = require_tool("pdftotext")
    text = subprocess.run([pdftotext, str(written), "-"], capture_output=True, text=True, check=True).stdout
    assert "Москва Αθήνα" in text


def test_long_table_splits_with_repeated_header(tmp_path):
    rows = tuple((f"row {i}", i) for i in range(300))
    doc = Briefing("Long", (Section(parse_inline("Annex"), (Table(("Label", "Number"), rows, "Annex"),)),))
    path = tmp_path / "long.pdf"
    PdfWriter().write(doc, path)
    pages = PdfReader(str(path)).pages
    assert len(pages) > 3
    for page in pages:
        assert "Label Number" in squash(page.extract_text())
    all_text = squash(" ".join(p.extract_text() for p in pages))
    assert all(f"row {i} {i}" in all_text for i in range(300))


def test_markup_injection_is_printed_not_interpreted(tmp_path):
    hostile = '<font size=40>big</font> <img src="/etc/passwd"/> &lt; & <b>'
    doc = Briefing(hostile, (Section(parse_inline(hostile), (Paragraph(parse_inline(hostile)),)),))
    path = tmp_path / "h.pdf"
    PdfWriter().write(doc, path)
    assert squash(pdf_text(path)).count(hostile) == 3


def test_emoji_and_symbols_print_and_extract_exactly(tmp_path):
    text = "Status ✅ 🌍 🎉 😀 ⚠ Москва Ségou"
    doc = Briefing(text, (Section(parse_inline("**" + text + "**"), (Paragraph(parse_inline(text)),)),))
    path = tmp_path / "e.pdf"
    PdfWriter().write(doc, path)
    assert squash(pdf_text(path)).count(text) == 3
    fonts = {f.split("+")[-1] for f in _font_names(path)}
    assert {"DejaVuSans", "DejaVuSans-Bold", "Symbola"} <= fonts


def test_control_characters_are_replaced_visibly(tmp_path):
    doc = Briefing("Bad\x00title", (Section(parse_inline("H\x1b[31m"), (Paragraph(parse_inline("a\x0bb\x07")),)),))
    path = tmp_path / "c.pdf"
    PdfWriter().write(doc, path)
    text = pdf_text(path)
    assert "Bad\ufffdtitle" in text and "H\ufffd[31m" in text and "a\ufffdb\ufffd" in text


def _font_names(path):
    reader = PdfReader(str(path))
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            yield str(font.get_object()["/BaseFont"])


@pytest.mark.parametrize("style", ["plain", "newsroom"])
def test_a_long_table_reads_as_one_table_whatever_its_runs(style, tmp_path, monkeypatch):
    """Runs of 7 rows force seams mid-page and at page tops: one header a page, every row once, in order."""
    import dataclasses
    import re

    from briefing.reading.style_files import merge, read_style_file

    monkeypatch.setattr("briefing.writers.pdf.tables.RUN_ROWS", 7)
    rows = tuple((f"Incident {i}", i, f"Region {i % 7}") for i in range(400))
    table = Table(
        ("Name", "Count", "Region"), rows, "Log", totals=Totals((None, "sum", None), ("Total", sum(range(400)), None))
    )
    doc = Briefing("Annex", (Section(parse_inline("Log"), (Paragraph(parse_inline("Intro.")), table)),))
    doc = dataclasses.replace(doc, style=merge(read_style_file(style), {}, {}))
    path = tmp_path / "long.pdf"
    PdfWriter().write(doc, path)
    pages = [squash(page.extract_text()) for page in PdfReader(str(path)).pages]
    assert len(pages) > 5 and all(text.count("Name Count Region") == 1 for text in pages), "one header a page"
    found = [int(n) for text in pages for n in re.findall(r"Incident (\d+) ", text)]
    assert found == list(range(400))
    assert "Total 79,800" in pages[-1]


def test_a_wide_value_far_down_a_long_table_stays_on_one_line(tmp_path):
    # Columns are fitted to the first rows; a wider value further down must widen its column,
    # not wrap inside its cell.
    names = tuple(f"C{n}" for n in range(8))
    rows = [tuple(f"{n:04d}-{i:05d}" for n in range(8)) for i in range(2_500)]
    rows.append(("Incident 2026-0001234", *rows[0][1:]))
    doc = Briefing("Annex", (Section(parse_inline("Log"), (Table(names, tuple(rows), "Log"),)),))
    path = tmp_path / "long.pdf"
    PdfWriter().write(doc, path)
    last_page = PdfReader(str(path)).pages[-1].extract_text()
    assert "\nIncident 2026-0001234\n" in last_page, last_page[-120:]


def _annex(rows: int) -> Briefing:
    """A table of ``rows`` rows with a totals row, and a few notes long enough to wrap."""
    note = "A note that goes on long enough to wrap over lines in its cell " * 2
    data = tuple((f"Incident {i}", i, note if i % 97 == 0 else "") for i in range(rows))
    table = Table(("Name", "Count", "Note"), data, "Log", totals=Totals((None, "sum", None), ("Total", None, None)))
    return Briefing("Annex", (Section(parse_inline("Log"), (Paragraph(parse_inline("Intro.")), table)),))


def test_a_long_table_made_a_run_at_a_time_is_the_table_made_at_once(tmp_path, monkeypatch):
    """The runs' cells are made as the pages need them; the document is the one all cells made up front gives."""
    from briefing.writers.pdf import tables

    doc = _annex(2_000)
    lazy, eager = tmp_path / "lazy.pdf", tmp_path / "eager.pdf"
    PdfWriter().write(doc, lazy)
    made_at_once = tables.runs

    def runs(head, body, look):
        every = body.rows(0, body.count)
        return made_at_once(head, tables.Body(body.count, lambda start, stop: every[start:stop]), look)

    monkeypatch.setattr("briefing.writers.pdf.tables.runs", runs)
    PdfWriter().write(doc, eager)
    assert len(PdfReader(str(lazy)).pages) == len(PdfReader(str(eager)).pages) > 30
    assert pdf_text(lazy) == pdf_text(eager)


def test_a_long_tables_runs_are_let_go_once_drawn(tmp_path, monkeypatch):
    """A long table's runs, once drawn, are not held until the file is written (what keeps a 100,000-row
    table within its memory target): when the last page is done no run is left, and every row is in the file."""
    import gc

    from briefing.adapters.reportlab import PlainCellTable
    from briefing.writers.pdf import page

    left: list[int] = []
    save = page.NumberedCanvas.save

    def counted(canvas):
        gc.collect()
        left.append(sum(isinstance(o, PlainCellTable) for o in gc.get_objects()))
        save(canvas)

    monkeypatch.setattr(page.NumberedCanvas, "save", counted)
    path = tmp_path / "annex.pdf"
    PdfWriter().write(_annex(2_000), path)
    assert left == [0]
    text = squash(pdf_text(path))
    assert all(f"Incident {i} {i:,}" in text for i in (0, 150, 1_999)) and "Total" in text


def test_every_page_is_numbered_out_of_the_total_and_compressed_when_done(tmp_path, monkeypatch):
    """Page numbers are forms filled in at the end; each page's content is compressed as it is finished.

    The reach into reportlab's page objects is in briefing/adapters/reportlab.py; tests/test_adapters.py
    says so by name if they change.
    """
    import re

    from briefing.writers.pdf import page

    compressed: list[bool] = []
    compress = page.reportlab_adapter.compress_last_page

    def spy(canvas):
        compressed.append(compress(canvas))
        return compressed[-1]

    monkeypatch.setattr(page.reportlab_adapter, "compress_last_page", spy)
    path = tmp_path / "annex.pdf"
    PdfWriter().write(_annex(1_500), path)
    pages = PdfReader(str(path)).pages
    assert compressed and all(compressed) and len(compressed) == len(pages)
    numbers = [re.findall(r"Page (\d+) of (\d+)", page.extract_text()) for page in pages]
    assert numbers == [[(str(n), str(len(pages)))] for n in range(1, len(pages) + 1)]
    require_tool("qpdf")
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_scripts_the_body_font_lacks_are_set_in_their_bundled_font_bold_where_bold(tmp_path):
    """N'Ko, Tifinagh, Hebrew and Arabic in a serif body (which has none of them): each character is drawn
    in its script's Noto font, embedded, and in its bold face in a bold heading or bold markup."""
    import dataclasses

    import pdfplumber

    from briefing.reading.style_files import merge, read_style_file
    from briefing.style import BUNDLED_FONTS

    serif = BUNDLED_FONTS["DejaVu Serif"]
    style = dataclasses.replace(merge(read_style_file("plain"), {}, {}), body_font=serif, heading_font=serif)
    words = {"NKo": "ߒߞߏ", "Tifinagh": "ⵜⴰⵎⴰⵣⵉⵖⵜ", "Hebrew": "שלום", "Arabic": "تمبكتو"}
    text = " ".join(f"{script}: {word}." for script, word in words.items())
    bold = "**تمبكتو**"
    doc = Briefing(
        "Scripts",
        (Section(parse_inline("Names تمبكتو"), (Paragraph(parse_inline(text)), Paragraph(parse_inline(bold)))),),
        style=style,
    )
    path = tmp_path / "scripts.pdf"
    assert PdfWriter().write(doc, path) == []
    with pdfplumber.open(path) as pdf:
        chars = pdf.pages[0].chars
    by_baseline: dict[float, list] = {}  # a line by its baseline: each script's font has its own ascent and descent
    for char in chars:
        by_baseline.setdefault(round(char["matrix"][5], 1), []).append(char)
    lines = list(by_baseline.values())
    body = next(line for line in lines if "Tifinagh" in "".join(c["text"] for c in line))
    fonts = {c["text"]: c["fontname"].split("+")[-1] for c in body if not c["text"].isascii()}
    for script, word in words.items():
        assert {fonts[c] for c in word} == {f"NotoSans{script}-Regular"}, script
    bold_lines = [line for line in lines if {c["text"] for c in line} >= set("تمبكتو")]
    faces = [{c["fontname"].split("+")[-1] for c in line if not c["text"].isascii()} for line in bold_lines]
    body_faces = {f"NotoSans{script}-Regular" for script in words}
    assert faces == [{"NotoSansArabic-Bold"}, body_faces, {"NotoSansArabic-Bold"}]  # heading, paragraph, ** bold
    require_tool("pdffonts")
    listed = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    for name in ("NotoSansNKo-Regular", "NotoSansTifinagh-Regular", "NotoSansHebrew-Regular", "NotoSansArabic-Bold"):
        line = next(row for row in listed.splitlines() if name in row)
        assert line.split()[-5] == "yes", line  # embedded
