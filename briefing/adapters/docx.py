"""python-docx's internals: the WordprocessingML element behind a paragraph, section, table, row or cell,
a paragraph given its style by id, a part's content replaced by another's (a Word template's look,
cleaned), a part of notes added, and a part of bytes added (an embedded font, a template's picture or font).

python-docx's proxies (``Paragraph``, ``Section``, ``Table``, ``_Row``, ``_Cell``) hold their
element privately (python-docx issue #7 asks for a public name); a run's is public as
``Run.element`` and a part's as ``.element``, and those are used directly. briefing edits the
elements for what python-docx has no API for (fields, shading, numbering, table widths).
"""

from __future__ import annotations

from docx.document import Document
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart
from docx.oxml.parser import parse_xml
from docx.oxml.section import CT_SectPr
from docx.oxml.table import CT_Row, CT_Tbl, CT_Tc
from docx.oxml.text.paragraph import CT_P
from docx.package import Package
from docx.parts.settings import SettingsPart
from docx.section import Section
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from lxml import etree

TableCell = _Cell
"""A table cell, as ``table.rows[0].cells[0]`` gives it (python-docx names its class privately)."""


def paragraph_element(paragraph: Paragraph) -> CT_P:
    """The ``<w:p>`` of a paragraph."""
    return paragraph._p


def styled_paragraph(container: Document | _Cell, style_id: str | None) -> Paragraph:
    """A paragraph added at the end of ``container`` (a document's body, a cell) whose style is the one with
    ``style_id`` (None: the default style), as ``add_paragraph(style=name)`` makes it. That looks the name up
    among every style, and the default style too, each time; the writer looks each name up once."""
    paragraph = container.add_paragraph()
    paragraph._p.style = style_id  # as python-docx's Paragraph.style sets it, with the id it finds
    return paragraph


def section_element(section: Section) -> CT_SectPr:
    """The ``<w:sectPr>`` of a section."""
    return section._sectPr


def table_element(table: Table) -> CT_Tbl:
    """The ``<w:tbl>`` of a table."""
    return table._tbl


def row_element(row: _Row) -> CT_Row:
    """The ``<w:tr>`` of a table row."""
    return row._tr


def cell_element(cell: _Cell) -> CT_Tc:
    """The ``<w:tc>`` of a table cell."""
    return cell._tc


def replace_content(part: Part, root: etree._Element) -> None:
    """Make ``root`` the content of ``part``: its element, for a part python-docx reads as XML, or its bytes.

    An XML part's element is read again by python-docx's own parser, so that its API (``settings``,
    ``styles``) finds every element it knows in it, as in a part it loaded itself."""
    if isinstance(part, XmlPart):
        part._element = parse_xml(etree.tostring(root))
        if isinstance(part, SettingsPart):
            part._settings = part._element  # where its ``settings`` proxy reads from
    else:
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def notes_part(document_part: Part, reltype: str, partname: str, content_type: str, root: etree._Element) -> XmlPart:
    """A new part of the document's notes (footnotes or endnotes) holding ``root``, related to the document
    by ``reltype`` in place of any such part it had, which then goes with its relationship.

    python-docx reads and writes a notes part as opaque bytes and has no API to make one: the part
    is made as python-docx makes its own XML parts, so that ``element`` is edited with its API and
    the package names its content type when it is saved."""
    for rel_id, rel in list(document_part.rels.items()):
        if rel.reltype == reltype:
            document_part.rels.pop(rel_id)
    package = document_part.package
    assert package is not None
    name = partname if partname not in {part.partname for part in package.iter_parts()} else None
    uri = PackURI(name) if name is not None else package.next_partname(partname.replace(".xml", "%d.xml"))
    part = XmlPart(uri, content_type, parse_xml(etree.tostring(root)), package)
    document_part.relate_to(part, reltype)
    return part


def binary_part(source: Part, partname: str, content_type: str, blob: bytes, reltype: str) -> str:
    """A new part holding ``blob``, named after ``partname`` ("/word/fonts/font%d.odttf": the first number
    free), related from ``source`` by ``reltype``; the relationship's id."""
    package = source.package
    assert package is not None
    return source.relate_to(bytes_part(package, partname, content_type, blob), reltype)


def bytes_part(package: Package, partname: str, content_type: str, blob: bytes) -> Part:
    """A new part of ``package`` holding ``blob``, related from nothing yet (each part that uses it relates
    to it: ``source.relate_to(part, reltype)``), named ``partname``, or with "%d" in it the first number free.

    python-docx has no API to add a part of its own (it makes images' parts itself): the part is
    made as python-docx makes a part it loads as bytes, so that the package saves it once, with its
    content type declared, as soon as a part that is saved relates to it."""
    name = package.next_partname(partname) if "%d" in partname else PackURI(partname)
    return Part(name, content_type, blob, package)
