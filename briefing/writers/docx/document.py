"""The Word document begun: fresh or with a template's look, its properties, the house style as Word's
paragraph styles, its language and direction; and what every part of the writer shares as it builds.

``WordDocument`` holds the state (the document, the laid-out pack, where paragraphs go) and the
helpers every part uses (a plain paragraph, a run in a look, a page's size and margins); the
parts (``pages``, ``front_matter``, ``blocks``, ``tables``) build on it, and ``writer`` puts
them together in the order a document is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import cast

from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.section import Section as DocxSection
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from ... import files
from ...adapters import docx as docx_adapter
from ...errors import Problem, SpecError
from ...layout import LaidDocument, TextLook
from ...layout.geometry import TableGeometry
from ...model import Pos, Span
from ...reproducible import build_time
from ...style import PAGE_SIZES_CM, Style, script_of_language
from . import runs, template_look, wordml_paragraphs, wordml_text
from .template_package import TemplateError


class WordDocument:
    """A Word document being built from a laid-out pack: its start, and the state its parts share."""

    def __init__(self, laid: LaidDocument) -> None:
        self.doc = laid.doc
        self.laid = laid
        self.style: Style = laid.doc.style
        self.warnings: list[Problem] = []
        self.streams: list[Callable[[], Iterator[bytes]]] = []
        """The body rows of long tables, made as the file is written (see streaming)."""
        self.streamed: list[TableGeometry] = []
        """Those tables, whose text is not in the document until then."""
        self.document: Document = self._start()
        self.runs = runs.Runs(self.document, laid)
        """Inline text as runs, with the notes and bookmarks it leads to."""
        self.target: Document | docx_adapter.TableCell = self.document
        """Where the walker's paragraphs go: the body, or the box of a callout."""
        self.list_style: tuple[str, int | None] = ("List Bullet", None)
        """The paragraph style and numbering of the list being walked."""
        self.headings = 0
        """Headings walked so far that the contents list: each is bookmarked for its entry's page number."""
        self._style_ids: dict[str, str | None] = {}
        """Each paragraph style's id, by name, looked up once."""

    # -- document set-up ---------------------------------------------------

    def _start(self) -> Document:
        """A new document; with a template, its look taken in (and nothing else of it: see template_look)."""
        style = self.style
        document = template_look.fresh_document()
        if style.docx_template is None:
            self._page_setup(document.sections[0], style.landscape)
        else:
            try:
                dropped = template_look.take_look(document, files.local(style.docx_template))
            except TemplateError as exc:  # the file changed since the spec was read
                raise SpecError([Problem(Pos(str(style.docx_template), 1, 1), str(exc))]) from exc
            for what in dropped:
                self.warnings.append(Problem(self.doc.pos, f"docx: dropped from the Word template: {what}"))
        self._house_style(document, template=style.docx_template is not None)
        self._language(document)
        _drop_styles_with_effects(document)
        return document

    def _page_setup(self, section: DocxSection, landscape: bool) -> None:
        width, height = _page_cm(self.style, landscape)
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(width), Cm(height)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(self.style.margin_cm))

    def _house_style(self, document: Document, template: bool) -> None:
        """Fonts, and the layout's looks as paragraph styles; over a template, only what the style sets."""
        style, styles, given, looks = self.style, document.styles, self.style.explicit, self.laid.looks
        # Without a template, Calibri: the reader's default, and close to the PDF's font.
        body = style.body_font.name if style.body_font else None if template else "Calibri"
        heading = style.heading_font.name if style.heading_font else body
        title = looks.cover_title if self.laid.front.cover_page else looks.title
        named = {
            "Normal": looks.body,
            "Title": title,
            "Subtitle": looks.subtitle,
            "Caption": looks.caption,
            **{f"Heading {n}": looks.heading(n) for n in range(1, 10)},
        }
        if body and (not template or "body_font" in given):
            wordml_text.set_font(styles["Normal"], body)
        for name, look in named.items():
            if name not in styles:
                styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH).base_style = styles["Normal"]
            if name != "Normal" and heading and (not template or {"heading_font", "body_font"} & given):
                wordml_text.set_font(styles[name], heading)
            if not template:
                wordml_text.set_look(cast(ParagraphStyle, styles[name]), look.size, look.bold, look.italic, look.colour)
                continue
            # A template's styles are the house's own: they take the layout's looks only where the style says.
            if "font_size" in given:
                wordml_text.set_size(styles[name], look.size)
            if "accent" in given:
                wordml_text.set_colour(styles[name], look.colour)
        # The title block has one rule, under its last line, as in every format.
        wordml_paragraphs.drop_rule(styles["Title"])
        for name in ("List Bullet", "List Number"):
            if name not in styles:
                self.warnings.append(Problem(self.doc.pos, f"docx: the template has no '{name}' style"))
                styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH).base_style = styles["Normal"]

    def _language(self, document: Document) -> None:
        """The document's language; a right-to-left one's direction and its script's font for such text."""
        rtl = self.doc.direction == "rtl"
        wordml_text.set_language(document.styles.element, self.doc.language, rtl)
        script = script_of_language(self.doc.language)
        if script is not None:
            # Word sets right-to-left and other complex-script text in the cs font: the language's own.
            for name in ("Normal", "Title", "Subtitle", "Caption", *(f"Heading {n}" for n in range(1, 10))):
                if name in document.styles:
                    wordml_text.set_complex_script_font(document.styles[name], script.family.name)
        if rtl:
            wordml_text.right_to_left_paragraphs(document.styles.element)
            for section in document.sections:
                wordml_text.right_to_left_section(docx_adapter.section_element(section))

    def _properties(self) -> None:
        props, given = self.document.core_properties, self.laid.properties
        props.title, props.subject, props.author, props.category = (
            given.title,
            given.subject,
            given.author,
            given.keywords,
        )
        props.created = props.modified = build_time()
        props.last_modified_by = ""
        props.revision = 1

    # -- what every part uses ----------------------------------------------

    @staticmethod
    def _look(run: Run, look: TextLook) -> Run:
        """A run set as the layout's ``look`` says."""
        run.font.size = Pt(look.size)
        run.bold, run.italic = look.bold or None, look.italic or None
        run.font.color.rgb = RGBColor.from_string(look.colour)
        wordml_text.complex_script_twins(run.element.get_or_add_rPr())
        return run

    def paragraph(self, style: str | None, container: Document | docx_adapter.TableCell | None = None) -> DocxParagraph:
        """A paragraph of the named style (None: the default) at the end of ``container``, the body by default."""
        target = self.document if container is None else container
        if style is None:
            return target.add_paragraph()
        if style not in self._style_ids:
            self._style_ids[style] = self.document.part.get_style_id(style, WD_STYLE_TYPE.PARAGRAPH)
        return docx_adapter.styled_paragraph(target, self._style_ids[style])

    def _plain_paragraph(self, text: str, style: str | None) -> DocxParagraph:
        para = self.paragraph(style)
        self.runs.run(para, Span(text))
        return para


def _drop_styles_with_effects(document: Document) -> None:
    """Remove the Word 2010 copy of the styles, which would disagree with the styles we set.

    Word reads stylesWithEffects.xml only where styles.xml lacks something,
    and a copy that differs from styles.xml can make it report unreadable
    content; without the copy it simply uses styles.xml.
    """
    part = document.part
    for rel_id, rel in list(part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            part.drop_rel(rel_id)


def _page_cm(style: Style, landscape: bool) -> tuple[float, float]:
    """Page width and height in centimetres, turned when ``landscape``."""
    width, height = PAGE_SIZES_CM[style.page_size]
    return (height, width) if landscape else (width, height)
