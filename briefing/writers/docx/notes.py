"""Word's own notes and bookmarks: the layout's notes as footnotes (or endnotes), and its anchors as bookmarks.

Each ``NoteMark`` becomes a ``w:footnoteReference`` in the "footnote reference" style, and the
note's text a ``w:footnote`` in ``word/footnotes.xml``, after the separator and continuation
separator Word draws above the notes of a page; Word and LibreOffice number them in the order
they are cited, which is the layout's order, and set them at the foot of the page that cites
them. With ``notes_at_end`` they are Word's endnotes instead, numbered the same, after the body
(the writer heads them: Word sets them after the body's last paragraph).

Each ``Place.anchor`` (a heading, a table's or figure's caption, a callout, a source entry) is a
bookmark round its paragraph, and each internal link a ``w:hyperlink`` to it: ``bookmark_name``
is the one mapping from anchors to the names Word accepts.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt
from docx.styles.style import BaseStyle
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree

from ...adapters import docx as docx_adapter
from ...layout import LaidDocument
from ...layout.tree import Note, NoteMark
from ...model import Inline
from . import wordml_order, wordml_paragraphs, wordml_text

_MAX_NAME = 40
"""Word's longest bookmark name."""
_FIRST_ID = 1 << 24
"""Bookmark ids of anchors start here, above the writer's own (the contents' headings, the last page)."""


def bookmark_name(anchor: str) -> str:
    """The Word bookmark of a layout anchor: a letter first, letters, digits and "_" only, at most 40 characters.

    The same anchor always gives the same name, and two anchors never one: an anchor of letters, digits and
    "-" keeps its words ("tbl-funding" -> "bm_tbl_funding"); any other, or a long one, ends in a digest of it."""
    words = re.sub(r"[^A-Za-z0-9]", "_", anchor)
    name = f"bm_{words}"
    if re.fullmatch(r"[A-Za-z0-9-]+", anchor) and len(name) <= _MAX_NAME:
        return name
    digest = hashlib.sha256(anchor.encode()).hexdigest()[:10]
    return f"{name[: _MAX_NAME - len(digest) - 1]}_{digest}"


class Bookmarks:
    """Bookmarks round the places internal links land on, each numbered once in the document."""

    def __init__(self) -> None:
        self.count = 0
        self.names: set[str] = set()

    def around(self, paragraph: DocxParagraph, anchor: str | None) -> None:
        """A bookmark named for ``anchor`` round the paragraph's text; none without an anchor, or twice."""
        name = bookmark_name(anchor) if anchor else None
        if name is None or name in self.names:
            return
        self.names.add(name)
        self.count += 1
        wordml_paragraphs.bookmark(paragraph, name, _FIRST_ID + self.count)

    def around_run(self, run: etree._Element, anchor: str) -> None:
        """A bookmark named for ``anchor`` round one run (a note's reference, which its note links back to)."""
        name = bookmark_name(anchor)
        if name in self.names:
            return
        self.names.add(name)
        self.count += 1
        start = OxmlElement("w:bookmarkStart", {qn("w:id"): str(_FIRST_ID + self.count), qn("w:name"): name})
        run.addprevious(start)
        run.addnext(OxmlElement("w:bookmarkEnd", {qn("w:id"): str(_FIRST_ID + self.count)}))


@dataclass(frozen=True)
class _Kind:
    """Footnotes or endnotes: their part, elements and styles."""

    tag: str
    """``footnote`` or ``endnote``."""
    reltype: str
    content_type: str
    text_style: tuple[str, str]
    """The style of a note's paragraphs: its id and Word's own name for it."""
    mark_style: tuple[str, str]
    """The style of the note's number, in the text and before the note."""

    @property
    def partname(self) -> str:
        return f"/word/{self.tag}s.xml"


FOOTNOTES = _Kind(
    "footnote",
    RT.FOOTNOTES,
    CT.WML_FOOTNOTES,
    ("FootnoteText", "footnote text"),
    ("FootnoteReference", "footnote reference"),
)
ENDNOTES = _Kind(
    "endnote", RT.ENDNOTES, CT.WML_ENDNOTES, ("EndnoteText", "endnote text"), ("EndnoteReference", "endnote reference")
)

# Elements that follow w:footnotePr, and w:endnotePr, in the document settings (ECMA-376 CT_Settings).
_AFTER_NOTE_PR = ("w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang")
# Elements that follow w:endnotePr in a section's properties (ECMA-376 CT_SectPr).
_AFTER_SECTION_NOTE_PR = (
    *("w:type", "w:pgSz", "w:pgMar", "w:paperSrc", "w:pgBorders", "w:lnNumType", "w:pgNumType"),
    *wordml_order.AFTER_PG_NUM_TYPE,
)


class _Story:
    """What a paragraph of a note belongs to: the notes part, where its links are related."""

    def __init__(self, part: XmlPart) -> None:
        self.part = part


class Notes:
    """The document's notes, written into Word's notes part as each is cited."""

    def __init__(
        self,
        document: Document,
        laid: LaidDocument,
        inline: Callable[[DocxParagraph, Inline], None],
        bookmarks: Bookmarks,
    ) -> None:
        self.document, self.inline, self.bookmarks = document, inline, bookmarks
        self.kind = ENDNOTES if laid.notes_at_end else FOOTNOTES
        self.notes: dict[int, Note] = {note.number: note for note in laid.notes}
        self.size = laid.looks.note.size
        self.cited: set[int] = set()
        self.text_id, self.mark_id = (
            _style_id(document, *self.kind.text_style),
            _style_id(document, *self.kind.mark_style),
        )
        """The note styles' ids: a template's own (Word names them in English in every language, and gives
        them ids in the template's: "Funotentext"), else Word's English ids, for styles added when needed."""
        self._part: XmlPart | None = None

    def cite(self, para: DocxParagraph, mark: NoteMark) -> None:
        """The note's reference where its mark stands, and the note itself in the notes part (once)."""
        note = self.notes.get(mark.number)
        run = OxmlElement("w:r")
        run.append(self._style_of_mark())
        if note is None or mark.number in self.cited:  # cited again (or without its note): its number, raised
            text = OxmlElement("w:t")
            text.text = mark.text
            run.append(text)
            docx_adapter.paragraph_element(para).append(run)
            return
        self.cited.add(mark.number)
        run.append(OxmlElement(f"w:{self.kind.tag}Reference", {qn("w:id"): str(mark.number)}))
        docx_adapter.paragraph_element(para).append(run)
        self.bookmarks.around_run(run, note.back)
        self._write(note)

    def _write(self, note: Note) -> None:
        """The note's text, after its number, in a note of the part."""
        part = self._notes_part()
        tag = self.kind.tag
        holder = OxmlElement(f"w:{tag}", {qn("w:id"): str(note.number)})
        p = OxmlElement("w:p")
        holder.append(p)
        part.element.append(holder)
        paragraph = DocxParagraph(p, _Story(part))  # type: ignore[arg-type]  # provides the part, as a story does
        p.style = self.text_id
        number = OxmlElement("w:r")
        number.append(self._style_of_mark())
        number.append(OxmlElement(f"w:{tag}Ref"))
        p.append(number)
        paragraph.add_run(" ")
        self.inline(paragraph, note.text)
        self.bookmarks.around(paragraph, note.anchor)

    def _style_of_mark(self) -> etree._Element:
        props = OxmlElement("w:rPr")
        props.append(OxmlElement("w:rStyle", {qn("w:val"): self.mark_id}))
        return props

    def _notes_part(self) -> XmlPart:
        """The notes part, made with its separators, styles and settings when the first note is cited."""
        if self._part is None:
            self._part = docx_adapter.notes_part(
                self.document.part, self.kind.reltype, self.kind.partname, self.kind.content_type, self._root()
            )
            self._styles()
            self._settings()
        return self._part

    def _root(self) -> etree._Element:
        tag = self.kind.tag
        spacing = '<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
        return etree.fromstring(
            f"<w:{tag}s {nsdecls('w', 'r')}>"
            f'<w:{tag} w:type="separator" w:id="-1"><w:p>{spacing}<w:r><w:separator/></w:r></w:p></w:{tag}>'
            f'<w:{tag} w:type="continuationSeparator" w:id="0"><w:p>{spacing}'
            f"<w:r><w:continuationSeparator/></w:r></w:p></w:{tag}>"
            f"</w:{tag}s>"
        )

    def _styles(self) -> None:
        """Word's own note styles, unless the document (its template) has them: small text, a raised number."""
        styles = self.document.styles
        ids = {style.style_id for style in styles}
        text_id, text_name = self.kind.text_style
        if self.text_id not in ids:
            text = styles.add_style(text_name, WD_STYLE_TYPE.PARAGRAPH)
            _builtin(text, text_id)
            text.base_style = styles["Normal"]
            wordml_text.set_size(text, self.size)
            text.paragraph_format.space_after = Pt(0)
            text.paragraph_format.line_spacing = 1.0
        mark_id, mark_name = self.kind.mark_style
        if self.mark_id not in ids:
            mark = styles.add_style(mark_name, WD_STYLE_TYPE.CHARACTER)
            _builtin(mark, mark_id)
            mark.font.superscript = True

    def _settings(self) -> None:
        """The separators named in the settings, as Word writes them; endnotes numbered 1, 2, 3 (not i, ii, iii);
        numbering through the document whatever a template's sections ask, as the layout numbered them."""
        tag = self.kind.tag
        settings = self.document.settings.element
        for old in settings.findall(qn(f"w:{tag}Pr")):
            settings.remove(old)
        props = OxmlElement(f"w:{tag}Pr")
        if tag == "endnote":
            props.append(OxmlElement("w:numFmt", {qn("w:val"): "decimal"}))
        for number in ("-1", "0"):
            props.append(OxmlElement(f"w:{tag}", {qn("w:id"): number}))
        successors = _AFTER_NOTE_PR if tag == "endnote" else ("w:endnotePr", *_AFTER_NOTE_PR)
        wordml_order.insert_before(settings, props, successors)
        for section in self.document.sections:  # the sections a table turned later copies them from the last
            sect_pr = docx_adapter.section_element(section)
            if tag == "endnote" and sect_pr.find(qn("w:endnotePr")) is None:  # LibreOffice reads the section's
                wordml_order.insert_before(sect_pr, OxmlElement("w:endnotePr"), _AFTER_SECTION_NOTE_PR)
            for own in sect_pr.findall(qn(f"w:{tag}Pr")):
                for numbering in ("w:numFmt", "w:numStart", "w:numRestart"):
                    for old in own.findall(qn(numbering)):
                        own.remove(old)
                if tag == "endnote":  # numFmt follows pos (ECMA-376 CT_EdnProps)
                    decimal = OxmlElement("w:numFmt", {qn("w:val"): "decimal"})
                    place = own.find(qn("w:pos"))
                    own.insert(0, decimal) if place is None else place.addnext(decimal)


def _style_id(document: Document, style_id: str, name: str) -> str:
    """The id of the document's style named ``name``, or ``style_id`` where it has none."""
    for style in document.styles:
        if (style.name or "").lower() == name:
            return str(style.style_id)
    return style_id


def _builtin(style: BaseStyle, style_id: str) -> None:
    """Give a style Word's own id for it, so that Word and LibreOffice take it for theirs."""
    style.style_id = style_id
    style.unhide_when_used = True
    style.priority = 99
