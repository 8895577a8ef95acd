"""One part taken from a Word template, cleaned: its look stays, nothing that fetches, runs or points away.

A header, footer, numbering, theme or font table from a template is kept by what is
allowed in it rather than by a list of what to drop:

- a relationship is kept only for the element that uses it and only if it fits that
  use: a picture shown from inside the package (``a:blip r:embed``, VML
  ``v:imagedata r:id``) in a raster format, a ``w:hyperlink`` or a picture's
  ``a:hlinkClick`` to an http, https or mailto address, an embedded font named by the
  font table. Every other attribute that names a relationship goes, and with it the
  element that needs it (an attached template, ``altChunk``, OLE objects, linked
  pictures, charts, subdocuments), or only the extension (``a:ext``) it stands in,
  such as a picture's SVG form beside its PNG form;
- a field is kept only if its instruction, joined across all its runs, starts with a
  word known to show something harmless (PAGE, DATE, STYLEREF...); any other field,
  or one whose first word is itself made by a nested field, loses its instruction and
  keeps the text it last showed;
- VML attributes that hold an address (``src``, ``href``) go, and so does any
  attribute whose value names a place elsewhere (a URL, a UNC path), schema names
  aside; tracked changes are accepted; comment, footnote and endnote marks go, since
  those parts are not taken.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from docx.oxml.ns import qn
from lxml import etree

from .template_package import Rel

_R_NAMESPACES = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
_O = "urn:schemas-microsoft-com:office:office"
_V = "urn:schemas-microsoft-com:vml"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_RELID = f"{{{_O}}}relid"

Keep = Callable[[Rel, str], "str | None"]
"""Copies what a relationship points at for one use ("image", "hyperlink", "font"); its new id, or None."""

_USES = {
    (f"{{{_A}}}blip", "embed"): "image",
    (f"{{{_V}}}imagedata", "id"): "image",
    (f"{{{_V}}}imagedata", "relid"): "image",
    (qn("w:hyperlink"), "id"): "hyperlink",
    (f"{{{_A}}}hlinkClick", "id"): "hyperlink",
    (f"{{{_A}}}hlinkHover", "id"): "hyperlink",
    **{(qn(f"w:embed{kind}"), "id"): "font" for kind in ("Regular", "Bold", "Italic", "BoldItalic")},
}
"""The only (element, attribute) pairs that may name a relationship, and what for."""
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_PICTURES = (f"{{{_MC}}}AlternateContent", qn("w:drawing"), qn("w:pict"), qn("w:object"))
"""What holds a picture or object in a run: it goes whole when what it shows cannot be kept."""
_LINKS = (f"{{{_A}}}hlinkClick", f"{{{_A}}}hlinkHover")
_EXTENSION, _EXTENSIONS = f"{{{_A}}}ext", f"{{{_A}}}extLst"

_REMOVE = tuple(
    qn(f"w:{name}")
    for name in (
        "altChunk",
        "object",
        "control",
        "subDoc",
        "commentReference",
        "commentRangeStart",
        "commentRangeEnd",
        "footnoteReference",
        "endnoteReference",
        "del",
        "moveFrom",
        "rPrChange",
        "pPrChange",
        "sectPrChange",
        "tblPrChange",
        "tblPrExChange",
        "tblGridChange",
        "trPrChange",
        "tcPrChange",
        "numberingChange",
        "fldData",
        "attachedTemplate",
        "mailMerge",
    )
) + (f"{{{_O}}}OLEObject",)
"""Elements removed wherever they stand, with what they hold."""
_UNWRAP = (qn("w:ins"), qn("w:moveTo"), qn("w:customXml"), qn("w:smartTag"))
"""Elements replaced by what they hold: accepted insertions, custom XML and smart tag markup."""
_ADDRESS_ATTRIBUTES = {"src", "href", "althref"}
"""VML attributes that hold an address Word would fetch from or send the reader to."""
_ELSEWHERE = re.compile(
    r":/|&colon;|&#0*58;|&#x0*3a;|(^|[\s(=\"'])(//|\\\\)|^\s*(file|mhtml|ms-[a-z-]+|its):|url\s*\(",
    re.I,
)
"""A value that names a place elsewhere: a URL (written out, with its colon as an entity, or from the same
scheme: ``//host``), a UNC path (``\\\\host`` or ``//host``), a scheme Windows resolves, or a CSS ``url(``."""
_SCHEMA_NAME = re.compile(r"https?://(schemas\.openxmlformats\.org|schemas\.microsoft\.com|purl\.oclc\.org)/\S*$")
"""The names of schemas and extensions, which are written as URLs and never fetched."""

_HARMLESS_FIELDS = {
    "PAGE",
    "NUMPAGES",
    "SECTIONPAGES",
    "SECTION",
    "DATE",
    "TIME",
    "CREATEDATE",
    "SAVEDATE",
    "PRINTDATE",
    "STYLEREF",
    "TITLE",
    "SUBJECT",
    "AUTHOR",
    "KEYWORDS",
    "COMMENTS",
    "DOCPROPERTY",
    "FILENAME",
    "NUMWORDS",
    "NUMCHARS",
    "PAGEREF",
    "REF",
    "SYMBOL",
    "=",
}
"""Fields that show the document's own facts; none fetches, runs, asks or links."""
_CORE_PROPERTIES = {"{6C3C8BC8-F283-45AE-878A-BAB7291924A1}", "{6668398D-A668-4E3E-A5EB-62B293D839F1}"}
"""Store ids of the core and extended document properties, the only data a content control may show."""


def clean(root: etree._Element, rels: dict[str, Rel], keep: Keep, where: str) -> list[str]:
    """Clean one part's XML in place; returns what went, in words, naming the part ``where``."""
    dropped = _structure(root, where)
    dropped.extend(_fields(root, where))
    dropped.extend(_relationships(root, rels, keep, where))
    dropped.extend(_addresses(root, where))
    _unused_bullets(root)
    return dropped


def _unused_bullets(root: etree._Element) -> None:
    """Levels of a list whose picture bullet went fall back to their text bullet."""
    kept = {bullet.get(qn("w:numPicBulletId")) for bullet in root.iter(qn("w:numPicBullet"))}
    for reference in list(root.iter(qn("w:lvlPicBulletId"))):
        if reference.get(qn("w:val")) not in kept:
            reference.getparent().remove(reference)


def _structure(root: etree._Element, where: str) -> list[str]:
    dropped = []
    for element in list(root.iter(*_REMOVE)):
        if _in_tree(element, root):
            what = _words(element)
            if what:  # tracked changes and the marks of parts not taken go without a word
                dropped.append(f"{what} in {where}")
            element.getparent().remove(element)
    for element in list(root.iter(qn("w:dataBinding"))):
        if element.get(qn("w:storeItemID"), "").upper() not in _CORE_PROPERTIES:
            element.getparent().remove(element)
    for element in list(root.iter(*_UNWRAP)):
        if _in_tree(element, root):
            _unwrap(element, keep_properties=False)
    return dropped


def _words(element: etree._Element) -> str | None:
    return {
        "altChunk": "a chunk of another document (altChunk)",
        "object": "an OLE object",
        "OLEObject": "an OLE object",
        "control": "an ActiveX control",
        "subDoc": "a subdocument",
        "fldData": "a field's data",
        "attachedTemplate": "an attached template",
        "mailMerge": "a mail merge",
    }.get(etree.QName(element).localname)


def _in_tree(element: etree._Element, root: etree._Element) -> bool:
    """Whether an element still stands in the part (it, or an ancestor, may have gone already)."""
    return element is root or any(ancestor is root for ancestor in element.iterancestors())


def _unwrap(element: etree._Element, keep_properties: bool = True) -> None:
    """Put an element's children where it stands, and remove it."""
    parent = element.getparent()
    at = parent.index(element)
    for child in list(element):
        if not keep_properties and etree.QName(child).localname.endswith("Pr"):
            continue
        parent.insert(at, child)
        at += 1
    parent.remove(element)


# -- fields ----------------------------------------------------------------


@dataclass
class _Field:
    begin: etree._Element
    head: str = ""
    """The instruction's start, as far as its first word (a few characters: no field name is longer)."""
    texts: list[etree._Element] = field(default_factory=list)
    """The instruction's own text elements."""
    made_by_nested: bool = False
    """Whether a nested field stood within the instruction's first word, which it then makes."""
    separate: etree._Element | None = None
    end: etree._Element | None = None

    def add(self, text: str) -> None:
        if not _FIRST_WORD_ENDED.match(self.head):
            self.head = (self.head + text)[:_HEAD]


_HEAD = 100
_FIRST_WORD = re.compile(r"\s*(=|[^\s\\\"]+)")
_FIRST_WORD_ENDED = re.compile(r"\s*\S+\s")


def _fields(root: etree._Element, where: str) -> list[str]:
    dropped = []
    for simple in list(root.iter(qn("w:fldSimple"))):
        instruction = simple.get(qn("w:instr"), "")
        if not _harmless(instruction, made_by_nested=False):
            dropped.append(f"{_field_name(instruction)} in {where}")
            _unwrap(simple)
    open_fields: list[_Field] = []
    refused: list[_Field] = []
    for element in root.iter(qn("w:fldChar"), qn("w:instrText"), qn("w:delInstrText")):
        top = open_fields[-1] if open_fields else None
        kind = element.get(qn("w:fldCharType")) if element.tag == qn("w:fldChar") else "text"
        if kind == "begin":
            if top is not None and top.separate is None and not _FIRST_WORD_ENDED.match(top.head):
                top.made_by_nested = True  # "DATE" and a nested field that shows "BASE" make DATABASE
            open_fields.append(_Field(element))
        elif top is None:
            refused.append(_Field(element))  # a stray mark, of no field
        elif kind == "text" and top.separate is None:
            top.add(element.text or "")
            top.texts.append(element)
        elif kind == "text":
            refused.append(_Field(element))  # instruction text among what a field shows: no field's
        elif kind == "separate":
            top.separate = element
        elif kind == "end":
            open_fields.pop()
            top.end = element
            if not _harmless(top.head, top.made_by_nested):
                refused.append(top)
    refused.extend(open_fields)  # never ended: Word would take the rest of the part as its instruction
    for refusal in refused:
        if refusal.begin.get(qn("w:fldCharType")) == "begin":
            dropped.append(f"{_field_name(refusal.head)} in {where}")
    _drop_instructions(root, refused)
    return dropped


def _harmless(instruction: str, made_by_nested: bool) -> bool:
    match = _FIRST_WORD.match(instruction)
    return not made_by_nested and match is not None and match.group(1).upper() in _HARMLESS_FIELDS


def _field_name(instruction: str) -> str:
    match = _FIRST_WORD.match(instruction)
    return f"a field ({match.group(1).upper()[:40]})" if match else "a field"


def _drop_instructions(root: etree._Element, refused: list[_Field]) -> None:
    """Remove refused fields' instructions, nested fields and all, and their marks; what each showed stays.

    One walk over the part's runs, however many fields are refused: a part of many
    fields costs no more than its size.
    """
    stops: dict[etree._Element, etree._Element | None] = {}
    for refusal in refused:
        start = _run_of(refusal.begin)
        stop = refusal.separate if refusal.separate is not None else refusal.end
        if start is not None and refusal.begin.get(qn("w:fldCharType")) == "begin":  # not a stray mark
            stops[start] = _run_of(stop) if stop is not None else None  # None: to the end of the part
    inside: list[etree._Element | None] = []
    doomed = []
    for run in root.iter(qn("w:r")):
        while inside and run is inside[-1]:
            inside.pop()
        if inside:
            doomed.append(run)
        if run in stops:
            inside.append(stops[run])
    for run in doomed:
        if _in_tree(run, root):
            run.getparent().remove(run)
    for refusal in refused:
        for mark in (refusal.begin, *refusal.texts, refusal.separate, refusal.end):
            if mark is None or not _in_tree(mark, root):
                continue
            holder = mark.getparent()
            holder.remove(mark)
            if holder.tag == qn("w:r") and all(etree.QName(c).localname == "rPr" for c in holder):
                holder.getparent().remove(holder)


def _run_of(element: etree._Element) -> etree._Element | None:
    return next(element.iterancestors(qn("w:r")), None)


# -- relationships and addresses -------------------------------------------


def _relationships(root: etree._Element, rels: dict[str, Rel], keep: Keep, where: str) -> list[str]:
    dropped: list[str] = []
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or not _in_tree(element, root):
            continue
        for attribute, value in list(element.attrib.items()):
            if etree.QName(attribute).namespace not in _R_NAMESPACES and attribute != _RELID:
                continue
            use = _USES.get((element.tag, etree.QName(attribute).localname))
            rel = rels.get(value)
            new_id = keep(rel, use) if use and rel else None
            if new_id is not None:
                element.set(attribute, new_id)
                continue
            if rel is not None:
                target = f" to '{rel.target}'" if rel.external else ""
                dropped.append(f"{_spaced(rel.kind)}{target} in {where}")
            del element.attrib[attribute]
            if element.tag == qn("w:hyperlink"):
                _unwrap(element)  # its text stays
            elif element is not root:
                going = _what_goes(element)
                going.getparent().remove(going)
            break
    return dropped


def _what_goes(element: etree._Element) -> etree._Element:
    """What goes with an element whose relationship went.

    A picture's link (``a:hlinkClick``) goes alone, and so does an extension
    (``a:ext``, such as the SVG form of a picture that has a PNG form too); anything
    else takes with it the whole picture or object it belongs to.
    """
    if element.tag in _LINKS:
        return element
    holder = element
    for ancestor in element.iterancestors():
        if ancestor.tag == qn("w:r"):
            break
        if ancestor.tag == _EXTENSION and holder is element and _parent_tag(ancestor) == _EXTENSIONS:
            return ancestor
        if ancestor.tag in _PICTURES:
            holder = ancestor
    if _parent_tag(holder) == qn("w:numPicBullet"):  # a picture bullet is its picture
        return holder.getparent()
    return holder


def _parent_tag(element: etree._Element) -> str | None:
    parent = element.getparent()
    return parent.tag if parent is not None else None


def _spaced(kind: str) -> str:
    """A relationship's type in words, with its article: "an attached template"."""
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", kind).lower() or "relationship"
    return f"{'an' if words[0] in 'aeiou' else 'a'} {words}"


def _addresses(root: etree._Element, where: str) -> list[str]:
    """Remove attributes that hold an address: VML's ``src`` and ``href``, and any value naming a place elsewhere.

    The second catches what no list of elements can, such as an extension's
    embedded HTML (``wp15:webVideoPr``); the schema names that ``uri`` attributes
    hold are left alone.
    """
    dropped = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute, value in list(element.attrib.items()):
            name = etree.QName(attribute)
            namespace = name.namespace or etree.QName(element).namespace
            vml = namespace in (_O, _V) and name.localname.lower() in _ADDRESS_ATTRIBUTES
            if vml or (_ELSEWHERE.search(value) and not _SCHEMA_NAME.match(value)):
                dropped.append(f"an address ({name.localname}) in {where}")
                del element.attrib[attribute]
    return dropped
