"""Word writer, from model objects: read back with python-docx and as XML parts."""

from __future__ import annotations

import zipfile

import docx
import pytest
from docx.oxml.ns import qn

from briefing.model import Briefing, Section, Table
from briefing.reading.inline import parse_inline
from briefing.writers.docx.writer import DocxWriter


@pytest.fixture
def written(sample, tmp_path):
    path = tmp_path / "out.docx"
    assert DocxWriter().write(sample, path) == []
    return path


def styled(path):
    return [(p.style.name, p.text) for p in docx.Document(str(path)).paragraphs]


def test_front_matter_headings_and_paragraphs(written):
    paragraphs = styled(written)
    assert paragraphs[:4] == [
        ("Title", "Sahel Outlook"),
        ("Subtitle", "Weekly round-up"),
        ("Normal", "Focus on Africa · 24 November 2026 · By Africa Desk"),
        ("Heading 1", "Summary"),
    ]
    assert ("Heading 1", "Situation in Mali") in paragraphs
    assert ("Heading 2", "Figures") in paragraphs
    assert ("Normal", 'Literal <font color="red">&amp; "quotes"</font> Москва Αθήνα') in paragraphs


def test_inline_runs_and_hyperlink(written):
    document = docx.Document(str(written))
    para = next(p for p in document.paragraphs if p.text.startswith("Plain"))
    runs = [(r.text, bool(r.bold), bool(r.italic)) for r in para.iter_inner_content() if hasattr(r, "bold")]
    assert ("bold", True, False) in runs and ("italic", False, True) in runs
    (link,) = para.hyperlinks
    assert link.text == "link"
    assert link.address == "https://example.org/a?b=1&c=2"


def test_lists_are_real_word_lists_and_numbering_restarts(written):
    document = docx.Document(str(written))
    bullets = [p for p in document.paragraphs if p.style.name == "List Bullet"]
    assert [p.text for p in bullets] == [
        "First judgement",
        "Second judgement",
        "Military Support: Provision of arms.",
        "Plain item",
    ]
    lead = bullets[2].runs[0]
    assert lead.text == "Military Support" and lead.bold
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    assert [p.text for p in numbered] == ["One", "Two", "Again one"]
    num_ids = [p._p.pPr.numPr.numId.val for p in numbered]
    assert num_ids[0] == num_ids[1] != num_ids[2], "each numbered list has its own numbering"
    numbering = document.part.numbering_part.element
    restart = numbering.num_having_numId(num_ids[2]).find(qn("w:lvlOverride")).find(qn("w:startOverride"))
    assert restart.get(qn("w:val")) == "1"


def test_table_fixed_layout_repeating_bold_header(written):
    document = docx.Document(str(written))
    (table,) = document.tables
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["Name", "Count", "Share", "Confirmed", "As of", "Note"],
        ["Alpha", "1,500", "0.25", "Yes", "2026-10-01", ""],
        ["=SUM(A1:A2)", "-3", "1.5", "No", "2026-09-30", "+cmd"],
    ]
    tbl = table._tbl
    assert tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    widths = [int(c.get(qn("w:w"))) for c in tbl.tblGrid.findall(qn("w:gridCol"))]
    assert all(w > 0 for w in widths) and sum(widths) <= 17 * 567
    header = table.rows[0]._tr
    assert header.find(qn("w:trPr")).find(qn("w:tblHeader")) is not None
    assert all(run.bold for cell in table.rows[0].cells for run in cell.paragraphs[0].runs)
    count_cell = table.rows[1].cells[1].paragraphs[0]
    assert count_cell.alignment is not None and count_cell.alignment.name == "RIGHT"
    keeps = [row.cells[0].paragraphs[0]._p.pPr.find(qn("w:keepNext")) is not None for row in table.rows]
    assert keeps == [True, True, False], "a short table stays on one page"
    captions = [t for s, t in styled(written) if s == "Caption"]
    assert captions == ["Table 1: Selected indicators", "Figure 1: A blue box"]


def test_image_alt_text_and_size(written):
    document = docx.Document(str(written))
    (shape,) = document.inline_shapes
    assert round(shape.width.cm, 1) == 8.0
    assert round(shape.height.cm, 1) == 4.0
    doc_pr = shape._inline.docPr
    assert doc_pr.get("descr") == "A blue rectangle"


def test_page_break_and_marking_and_properties(written):
    document = docx.Document(str(written))
    body = document.element.body.xml
    assert 'w:type="page"' in body
    section = document.sections[0]
    for part in (section.header, section.footer):
        para = part.paragraphs[0]
        assert para.text == "OFFICIAL-SENSITIVE"
        assert para.runs[0].bold
        assert str(para.runs[0].font.color.rgb) == "C00000"
    props = document.core_properties
    assert (props.title, props.author, props.subject) == ("Sahel Outlook", "Africa Desk", "Weekly round-up")
    assert props.created is not None
    assert round(section.page_width.cm, 1) == 21.0


def test_xml_parts_are_well_formed_and_complete(written):
    with zipfile.ZipFile(written) as z:
        names = set(z.namelist())
        assert {
            "word/document.xml",
            "word/numbering.xml",
            "word/header1.xml",
            "word/footer1.xml",
            "docProps/core.xml",
        } <= names
        rels = z.read("word/_rels/document.xml.rels").decode()
    assert 'TargetMode="External"' in rels and "https://example.org/a?b=1&amp;c=2" in rels


def test_control_characters_are_replaced_visibly(tmp_path):
    doc = Briefing(
        "Bad\x00title",
        (Section(parse_inline("H\x07"), (Table(("a\x1b",), (("x\x0by",),)),)),),
    )
    path = tmp_path / "c.docx"
    DocxWriter().write(doc, path)
    text = "\n".join(t for _, t in styled(path))
    assert "Bad\ufffdtitle" in text and "H\ufffd" in text
    (table,) = docx.Document(str(path)).tables
    assert [c.text for c in table.rows[1].cells] == ["x\ufffdy"]


def test_cloned_body_rows_are_the_xml_that_building_them_gives():
    from docx.oxml.ns import qn
    from lxml import etree

    from briefing.writers.docx import wordml_tables

    rows = [["Alpha", "1,500", ""], ["", "two\nlines", "<&>"], ["x", "", "3"]]
    args = ([1000, 800, 600], [False, True, False], 9.5)
    built, cloned = etree.Element(qn("w:tbl")), etree.Element(qn("w:tbl"))
    body = wordml_tables.BodyRows(cloned, *args)
    for n, texts in enumerate(rows):
        wordml_tables.table_row(built, texts, *args, "EEEEEE" if n % 2 else None, keep_next=n == 0)
        body.add(texts, "EEEEEE" if n % 2 else None, keep_next=n == 0)
    assert etree.tostring(cloned) == etree.tostring(built)


def test_a_streamed_long_table_is_the_same_document(tmp_path, monkeypatch):
    import zipfile

    from lxml import etree

    from briefing.writers.docx import tables

    rows = tuple((f"Incident {i}", i, i * 1.5, None if i % 7 else "line one\nline two") for i in range(2000))
    table = Table(("Name", "Count", "Score", "Note"), rows, "Log")
    doc = Briefing("Annex", (Section(parse_inline("Incident log"), (table,)),))

    def document_xml(path) -> bytes:
        with zipfile.ZipFile(path) as package:
            return etree.tostring(etree.fromstring(package.read("word/document.xml")), method="c14n")

    streamed, held = tmp_path / "streamed.docx", tmp_path / "held.docx"
    DocxWriter().write(doc, streamed)
    monkeypatch.setattr(tables, "STREAM_ROWS", 10**9)  # every row held as an element, as before
    DocxWriter().write(doc, held)
    assert document_xml(streamed) == document_xml(held)
    with zipfile.ZipFile(streamed) as a, zipfile.ZipFile(held) as b:
        assert a.namelist() == b.namelist()
    assert docx.Document(str(streamed)).tables[0].rows[2000].cells[0].text == "Incident 1999"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no skeleton left behind
