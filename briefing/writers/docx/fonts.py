"""The script fonts a Word document's text uses, carried in the file as Word carries them.

The writer names the bundled Noto fonts for the scripts a body font seldom has (Arabic, Hebrew,
N'Ko, Tifinagh); a reader who has none of them installed would see another font's letters, or
boxes. So each of those the text uses is embedded (ECMA-376 Part 1, §17.8.1 and §17.8.3): cut
down to the characters of the document (the same subsetter as the HTML page's), in a part
``word/fonts/fontN.odttf`` related from the font table, whose entry for the family names the part
and the key it is obfuscated with, and the settings ask Word to keep the fonts when it saves.

The key is derived from the font's bytes, so the same document gives the same file.
"""

from __future__ import annotations

import hashlib
import string
import uuid
from collections.abc import Iterable, Iterator

from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part, XmlPart
from docx.oxml.ns import qn
from lxml import etree

from ...adapters import docx as docx_adapter
from ...layout.geometry import TableGeometry
from ...style import FontFamily, scripts_in, subset_font

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
"""An embedded font's part, obfuscated (ECMA-376 Part 1, §17.8.1)."""
PART_NAME = "/word/fonts/font%d.odttf"
_W_T = qn("w:t")
_ALWAYS = string.digits + string.punctuation + " "
"""Digits and signs, set in a script's font among its text: page numbers the reader works out, and the
numbers of a long table, whose text is read only where it holds a script's letters (see ``streamed_text``)."""
_BEFORE_EMBED_TRUETYPE = tuple(
    qn(f"w:{name}")
    for name in (
        "writeProtection",
        "view",
        "zoom",
        "removePersonalInformation",
        "removeDateAndTime",
        "doNotDisplayPageBoundaries",
        "displayBackgroundShape",
        "printPostScriptOverText",
        "printFractionalCharacterWidth",
        "printFormsData",
    )
)
"""The settings that come before w:embedTrueTypeFonts (ECMA-376 CT_Settings); w:embedSystemFonts and
w:saveSubsetFonts follow it, in that order."""
_BEFORE_SUBSET_FONTS = (*_BEFORE_EMBED_TRUETYPE, qn("w:embedTrueTypeFonts"), qn("w:embedSystemFonts"))
_BEFORE_EMBEDS = tuple(qn(f"w:{name}") for name in ("altName", "panose1", "charset", "family", "notTrueType", "pitch"))
"""What a font table entry holds before its w:sig and embedded faces (ECMA-376 CT_Font)."""


def embed(document: Document, more: Iterable[str] = ()) -> tuple[str, ...]:
    """Embed the bundled script fonts the document's text uses, cut down to its characters: its parts'
    text, and ``more`` (the rows of tables written as the file is saved). The families embedded."""
    letters = used_letters(document, more)
    scripts = scripts_in(letters)
    if not scripts:
        return ()
    table = document.part.part_related_by(RT.FONT_TABLE)
    root = etree.fromstring(table.blob)
    for script in scripts:
        _embed_family(table, _entry(root, script.family.name), script.family, letters)
    docx_adapter.replace_content(table, root)
    _keep_on_save(document.settings.element)
    return tuple(script.family.name for script in scripts)


def used_letters(document: Document, more: Iterable[str] = ()) -> str:
    """Every character the document's parts show (body, headers and footers, notes), and those of ``more``."""
    found = set(_ALWAYS)
    package = document.part.package
    assert package is not None
    for part in package.iter_parts():
        if isinstance(part, XmlPart):
            for t in part.element.iter(_W_T):
                found.update(t.text or "")
    for text in more:
        found.update(text)
    return "".join(sorted(found))


def streamed_text(tables: Iterable[TableGeometry]) -> Iterator[str]:
    """The cells' texts of the tables written as the file is saved, of those whose columns the layout
    found a script's letters in: a long table of numbers and Latin text is not read twice."""
    for table in tables:
        if any(column.scripts for column in table.columns):
            for row in table.rows():
                yield from row


def font_key(data: bytes) -> str:
    """The GUID a font is obfuscated with, made from its bytes: "{8-4-4-4-12 hex digits}"."""
    return "{" + str(uuid.UUID(bytes=hashlib.sha256(data).digest()[:16])).upper() + "}"


def obfuscate(data: bytes, key: str) -> bytes:
    """A font's bytes obfuscated with ``key`` as ECMA-376 Part 1, §17.8.1 says (and back: it undoes itself):
    its first 32 bytes XORed with the key's 16 bytes taken from the last pair of hex digits to the first."""
    secret = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    return bytes(byte ^ secret[i % 16] for i, byte in enumerate(data[:32])) + data[32:]


def _embed_family(table: Part, entry: etree._Element, family: FontFamily, letters: str) -> None:
    """The family's regular face (and bold, where it has one) in parts of their own, named in ``entry``."""
    faces = [("w:embedRegular", family.regular)]
    if family.bold is not None:
        faces.append(("w:embedBold", family.bold))
    for tag, path in faces:
        data = subset_font(path, letters)
        key = font_key(data)
        rel_id = docx_adapter.binary_part(table, PART_NAME, CONTENT_TYPE, obfuscate(data, key), RT.FONT)
        face = etree.SubElement(entry, qn(tag))  # regular before bold, as the schema orders them
        face.set(qn("r:id"), rel_id)
        face.set(qn("w:fontKey"), key)
        face.set(qn("w:subsetted"), "1")


def _entry(root: etree._Element, name: str) -> etree._Element:
    """The font table's entry for ``name``, without faces embedded: the one there, or a new one."""
    for font in root.findall(qn("w:font")):
        if font.get(qn("w:name")) == name:
            for old in list(font):
                if old.tag not in _BEFORE_EMBEDS and old.tag != qn("w:sig"):
                    font.remove(old)
            return font
    font = etree.SubElement(root, qn("w:font"))
    font.set(qn("w:name"), name)
    for tag, value in (("w:charset", "00"), ("w:family", "swiss"), ("w:pitch", "variable")):
        etree.SubElement(font, qn(tag)).set(qn("w:val"), value)
    return font


def _keep_on_save(settings: etree._Element) -> None:
    """The settings that say the document carries its TrueType fonts, cut down to what it uses: Word keeps
    them so when it saves the file again."""
    for name in ("w:embedTrueTypeFonts", "w:saveSubsetFonts"):
        given = settings.find(qn(name))
        if given is not None:  # a template's: on, whatever it said
            given.attrib.pop(qn("w:val"), None)
            continue
        made = etree.Element(qn(name))
        before = [child for child in settings if child.tag in _BEFORE_SUBSET_FONTS]
        if before:
            before[-1].addnext(made)
        else:
            settings.insert(0, made)
