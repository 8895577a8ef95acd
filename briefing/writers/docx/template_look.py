"""A pack's Word document built afresh, and the look of a Word template taken into it.

Nothing of a template is carried over wholesale. A new package is made, and into it
go only what a template is for: its styles, numbering, theme, font table (with its
embedded fonts), the page set-up of its last section with that section's headers
and footers, and the few settings that shape pages (even and odd headers, mirrored
margins, tab stops, hyphenation, compatibility). Each of those parts is cleaned by
``template_cleaning`` before it goes in. The template's body, comments, notes,
glossary, core and custom properties, customXml, web settings, attached template,
mail merge and macros are never read, so none can ride along into a pack.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import docx
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.parts.hdrftr import FooterPart, HeaderPart
from lxml import etree

from ...adapters import docx as docx_adapter
from . import template_cleaning
from .template_package import Rel, TemplateError, TemplatePackage

_PICTURES = {
    "image/png": "png",
    "image/jpeg": "jpeg",
    "image/gif": "gif",
    "image/bmp": "bmp",
    "image/tiff": "tiff",
    "image/x-emf": "emf",
    "image/x-wmf": "wmf",
}
"""Picture formats a header, bullet or theme may show, by content type; SVG may fetch, so it is not one."""
_SNIFFED = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/bmp": "BMP", "image/tiff": "TIFF"}
"""The format Pillow must find in a picture's bytes for its content type (Word's metafiles: ``WMF``)."""
_FONTS = {"application/vnd.openxmlformats-officedocument.obfuscatedFont", "application/x-font-ttf"}
_LINK_SCHEMES = {"http", "https", "mailto"}
"""What a hyperlink in a header or footer may lead to: the schemes a spec's own links may use."""
_SECTION = {
    "footnotePr",
    "endnotePr",
    "type",
    "pgSz",
    "pgMar",
    "paperSrc",
    "pgBorders",
    "lnNumType",
    "pgNumType",
    "cols",
    "formProt",
    "vAlign",
    "noEndnote",
    "titlePg",
    "textDirection",
    "bidi",
    "rtlGutter",
    "docGrid",
}
"""The page set-up of a section, besides its header and footer references."""
_SETTINGS = {
    "zoom",
    "mirrorMargins",
    "alignBordersAndEdges",
    "bordersDoNotSurroundHeader",
    "bordersDoNotSurroundFooter",
    "gutterAtTop",
    "defaultTabStop",
    "autoHyphenation",
    "consecutiveHyphenLimit",
    "hyphenationZone",
    "doNotHyphenateCaps",
    "evenAndOddHeaders",
    "bookFoldRevPrinting",
    "bookFoldPrinting",
    "bookFoldPrintingSheets",
    "drawingGridHorizontalSpacing",
    "drawingGridVerticalSpacing",
    "displayHorizontalDrawingGridEvery",
    "displayVerticalDrawingGridEvery",
    "doNotUseMarginsForDrawingGridOrigin",
    "characterSpacingControl",
    "embedTrueTypeFonts",
    "embedSystemFonts",
    "saveSubsetFonts",
    "compat",
    "mathPr",
    "themeFontLang",
    "clrSchemeMapping",
    "decimalSymbol",
    "listSeparator",
}
"""Settings that shape how pages look; every other setting of a template is left out."""
_NAMED = {"vbaProject": "macros", "attachedTemplate": "an attached template", "mailMerge": "a mail merge"}
"""What a template may hold that its user may count on, and so is named when it is left out."""
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STORIES = {"headerReference": (RT.HEADER, HeaderPart), "footerReference": (RT.FOOTER, FooterPart)}
_REFERENCES = {qn(f"w:{name}") for name in _STORIES}


def fresh_document() -> Document:
    """python-docx's blank document without its samples: customXml, web settings, thumbnail, description."""
    document = docx.Document()
    for rels, unwanted in (
        (document.part.package.rels, ("/thumbnail",)),
        (document.part.rels, ("/customXml", "/webSettings", "/stylesWithEffects")),
    ):
        for rel_id, rel in list(rels.items()):
            if rel.reltype.endswith(unwanted):
                rels.pop(rel_id)
    properties = document.core_properties
    properties.comments = properties.keywords = properties.author = properties.last_modified_by = ""
    return document


def _is_picture(data: bytes, content_type: str) -> bool:
    """Whether ``data`` is the picture its content type says, as Pillow reads its header (nothing is decoded)."""
    from PIL import Image as PILImage  # only a template's pictures need Pillow

    try:
        with PILImage.open(io.BytesIO(data)) as picture:
            found = picture.format
    except Exception:  # not a picture Pillow knows: not one a pack carries
        return False
    return found == _SNIFFED.get(content_type, "WMF")


def take_look(document: Document, path: Path) -> list[str]:
    """Take a template's look into a fresh ``document``; what was left out or dropped, in words."""
    with TemplatePackage(path) as template:
        return _Taking(document, template).take()


def problem(path: Path) -> str | None:
    """Why a template cannot be taken, in words; None when it can."""
    try:
        take_look(fresh_document(), path)
    except TemplateError as exc:
        return str(exc)
    return None


def _where_to(element: etree._Element, rels: dict[str, Rel]) -> str:
    """The outside address an element's relationships lead to, in brackets; "" when none does."""
    for child in element.iter():
        for attribute, value in child.attrib.items():
            rel = rels.get(value) if etree.QName(attribute).namespace == _R else None
            if rel is not None and rel.external:
                return f" ('{rel.target}')"
    return ""


class _Taking:
    def __init__(self, document: Document, template: TemplatePackage) -> None:
        self.document, self.template = document, template
        self.package = document.part.package
        self.main_rels = template.rels(template.main)
        self.copies: dict[str, Part] = {}
        self.dropped: list[str] = []

    def take(self) -> list[str]:
        part = self.document.part
        for reltype, into, tag in (
            (RT.STYLES, part.part_related_by(RT.STYLES), qn("w:styles")),
            (RT.NUMBERING, part.numbering_part, qn("w:numbering")),
            (RT.THEME, part.part_related_by(RT.THEME), qn("a:theme")),
            (RT.FONT_TABLE, part.part_related_by(RT.FONT_TABLE), qn("w:fonts")),
        ):
            name = self._part_of(reltype)
            if name is not None:
                self._take_part(name, into, tag)
        self._settings()
        self._section()
        for rel in [*self.template.rels("/").values(), *self.main_rels.values()]:
            if rel.kind == "vbaProject":
                self.dropped.append(_NAMED[rel.kind])
        return list(dict.fromkeys(self.dropped))

    def _part_of(self, reltype: str) -> str | None:
        """The template's part of one type, as its document names it."""
        for rel in self.main_rels.values():
            if rel.type == reltype and not rel.external and self.template.has(rel.target):
                return rel.target
        return None

    def _take_part(self, name: str, into: Part, tag: str) -> None:
        """Replace ``into``'s content with the template's part ``name``, cleaned; python-docx's stays otherwise."""
        root = self.template.xml(name)
        if root.tag != tag:
            return
        self._cleaned(name, into, root)
        docx_adapter.replace_content(into, root)

    def _cleaned(self, name: str, into: Part, root: etree._Element | None = None) -> etree._Element:
        root = self.template.xml(name) if root is None else root
        rels = self.template.rels(name)
        self.dropped.extend(template_cleaning.clean(root, rels, self._keeper(into), name.lstrip("/")))
        return root

    def _keeper(self, into: Part) -> Callable[[Rel, str], str | None]:
        def keep(rel: Rel, use: str) -> str | None:
            return self._keep(into, rel, use)

        return keep

    def _keep(self, into: Part, rel: Rel, use: str) -> str | None:
        """Relate ``into`` to what ``rel`` points at when it fits its use; the new id, or None."""
        if use == "hyperlink":
            fits = rel.external and rel.type == RT.HYPERLINK and urlsplit(rel.target).scheme.lower() in _LINK_SCHEMES
            return into.relate_to(rel.target, RT.HYPERLINK, is_external=True) if fits else None
        if rel.external or not self.template.has(rel.target):
            return None
        content_type = self.template.content_type(rel.target)
        if use == "image" and content_type in _PICTURES and rel.type == RT.IMAGE:
            if not _is_picture(self.template.blob(rel.target), content_type):
                return None  # typed a picture, but something else (an SVG that may fetch): it goes
            return into.relate_to(self._copy(rel.target, content_type, "media", _PICTURES[content_type]), RT.IMAGE)
        if use == "font" and content_type in _FONTS and rel.type == RT.FONT:
            return into.relate_to(self._copy(rel.target, content_type, "fonts", "odttf"), RT.FONT)
        return None

    def _copy(self, name: str, content_type: str, folder: str, extension: str) -> Part:
        """A picture or font of the template as a new part, once however often it is used."""
        if name not in self.copies:
            partname = f"/word/{folder}/template{len(self.copies) + 1}.{extension}"
            self.copies[name] = docx_adapter.bytes_part(self.package, partname, content_type, self.template.blob(name))
        return self.copies[name]

    def _settings(self) -> None:
        name = self._part_of(RT.SETTINGS)
        if name is None:
            return
        root = self.template.xml(name)
        if root.tag != qn("w:settings"):
            return
        rels = self.template.rels(name)
        for child in list(root):
            local = etree.QName(child).localname if isinstance(child.tag, str) else ""
            if local in _NAMED:
                self.dropped.append(_NAMED[local] + _where_to(child, rels))
            if local not in _SETTINGS:
                root.remove(child)
        settings = self.document.part.part_related_by(RT.SETTINGS)
        docx_adapter.replace_content(settings, self._cleaned(name, settings, root))

    def _section(self) -> None:
        """The template's last section: its page set-up, headers and footers."""
        body = self.template.xml(self.template.main).find(qn("w:body"))
        found = body.find(qn("w:sectPr")) if body is not None else None
        if found is None:
            return
        section = parse_xml(etree.tostring(found))
        taken: set[tuple[str, str]] = set()
        for child in list(section):
            local = etree.QName(child).localname if isinstance(child.tag, str) else ""
            kind = (local, child.get(qn("w:type"), "default"))
            if local in _STORIES and kind not in taken and self._story(child):
                taken.add(kind)
            elif local not in _SECTION:
                section.remove(child)
                continue
            for element in child.iter():  # page border art names a picture this package does not hold
                for attribute in list(element.attrib):
                    if etree.QName(attribute).namespace == _R and element.tag not in _REFERENCES:
                        del element.attrib[attribute]
        old = self.document.element.body.find(qn("w:sectPr"))
        old.getparent().replace(old, section)

    def _story(self, reference: etree._Element) -> bool:
        """Copy the header or footer a reference names, and point the reference at the copy."""
        reltype, part_class = _STORIES[etree.QName(reference).localname]
        rel = self.main_rels.get(reference.get(qn("r:id"), ""))
        if rel is None or rel.external or rel.type != reltype or not self.template.has(rel.target):
            return False
        kind = "header" if part_class is HeaderPart else "footer"
        partname = self.package.next_partname(f"/word/{kind}%d.xml")
        content_type = f"application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}+xml"
        if self.template.content_type(rel.target) != content_type:
            return False
        root = self.template.xml(rel.target)
        if root.tag != qn("w:hdr" if kind == "header" else "w:ftr"):
            return False
        story = part_class(partname, content_type, root, self.package)
        reference.set(qn("r:id"), self.document.part.relate_to(story, reltype))
        self._cleaned(rel.target, story, story.element)
        return True
