"""A Word template cleaned before a pack is built on it: its look comes in, nothing that fetches or runs.

A template is a stranger's file too. Its styles, numbering, page set-up, headers,
footers, fonts and theme are what a pack wants; what else it may carry would travel
in every pack mailed out: an attached template on a web server or a network share
(Word fetches it on opening, and offers the reader's Windows credentials to a UNC
path), linked pictures and frames, fields that fetch (INCLUDEPICTURE, INCLUDETEXT,
LINK, DDE), OLE objects, ActiveX controls and macros. Each is dropped, and named.
"""

from __future__ import annotations

import re

from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import XmlPart
from docx.oxml.ns import qn
from lxml import etree

_RUNS = (
    "/vbaProject",
    "/vbaData",
    "/control",
    "/activeXControl",
    "/activeXControlBinary",
    "/oleObject",
    "/package",
    "/wordVbaData",
)
"""Relationships to parts that hold code or objects that run: macros, ActiveX, OLE, embedded packages."""
_FETCHING = re.compile(r"^\s*(INCLUDEPICTURE|INCLUDETEXT|LINK|DDE|DDEAUTO|IMPORT)\b", re.I)
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def clean(document: Document) -> list[str]:
    """Drop from ``document`` everything that fetches or runs; returns what was dropped, in words."""
    dropped: list[str] = []
    parts = list(document.part.package.iter_parts())
    for part in parts:
        for rel_id, rel in list(part.rels.items()):
            what = _what(rel.reltype, rel.is_external, rel.target_ref if rel.is_external else "")
            if what is None:
                continue
            part.rels.pop(rel_id)
            if isinstance(part, XmlPart):
                _unreference(part.element, rel_id)
            dropped.append(what)
    for part in parts:
        if isinstance(part, XmlPart):
            dropped.extend(_drop_fields(part.element))
            dropped.extend(_drop_objects(part.element))
    return list(dict.fromkeys(dropped))


def _what(reltype: str, external: bool, target: str) -> str | None:
    """What a relationship is, in words, when it must go; None when it may stay."""
    name = reltype.rsplit("/", 1)[-1]
    if external and reltype != RT.HYPERLINK:
        return f"a link to '{target}' ({_words(name)})"
    if any(reltype.endswith(kind) for kind in _RUNS):
        return _words(name)
    return None


def _words(name: str) -> str:
    return {
        "attachedTemplate": "an attached template",
        "vbaProject": "macros",
        "vbaData": "macros",
        "wordVbaData": "macros",
        "control": "an ActiveX control",
        "activeXControl": "an ActiveX control",
        "activeXControlBinary": "an ActiveX control",
        "oleObject": "an OLE object",
        "package": "an embedded package",
        "image": "a linked picture",
        "frame": "a frame",
        "subDocument": "a subdocument",
    }.get(name, re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower())


def _unreference(root: etree._Element, rel_id: str) -> None:
    """Remove what points at a dropped relationship: the element itself, or the pointing attribute of a picture."""
    for element in root.iter():
        for attribute, value in list(element.attrib.items()):
            if value != rel_id or not attribute.startswith(f"{{{_R}}}"):
                continue
            if element.tag in (qn("w:attachedTemplate"), qn("w:subDoc")) or element.getparent() is None:
                parent = element.getparent()
                if parent is not None:
                    parent.remove(element)
            else:
                del element.attrib[attribute]


def _drop_fields(root: etree._Element) -> list[str]:
    """Fields that fetch from elsewhere, simple or complex, removed with what they show."""
    dropped = []
    for simple in list(root.iter(qn("w:fldSimple"))):
        instruction = simple.get(qn("w:instr"), "")
        if _FETCHING.match(instruction):
            simple.getparent().remove(simple)
            dropped.append(f"a field that fetches ({instruction.split()[0].upper()})")
    for text in list(root.iter(qn("w:instrText"))):
        instruction = text.text or ""
        if not _FETCHING.match(instruction):
            continue
        run = text.getparent()
        if run is None or run.getparent() is None:
            continue
        for element in _field_runs(run):
            element.getparent().remove(element)
        dropped.append(f"a field that fetches ({instruction.split()[0].upper()})")
    return dropped


def _field_runs(run: etree._Element) -> list[etree._Element]:
    """The runs of the complex field ``run`` belongs to: from its begin mark to its end mark."""
    siblings = list(run.getparent())
    at = siblings.index(run)
    start = at
    while start > 0 and not _mark(siblings[start], "begin"):
        start -= 1
    end = at
    while end < len(siblings) - 1 and not _mark(siblings[end], "end"):
        end += 1
    return siblings[start : end + 1]


def _mark(element: etree._Element, kind: str) -> bool:
    return any(c.get(qn("w:fldCharType")) == kind for c in element.iter(qn("w:fldChar")))


def _drop_objects(root: etree._Element) -> list[str]:
    """OLE objects and ActiveX controls shown in the template's text."""
    dropped = []
    for tag, what in ((qn("w:object"), "an OLE object"), (qn("w:control"), "an ActiveX control")):
        for element in list(root.iter(tag)):
            element.getparent().remove(element)
            dropped.append(what)
    return dropped
