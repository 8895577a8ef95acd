"""The layout pass: what every format must agree on, decided once between the model and the writers.

``lay_out`` takes a briefing and returns it laid out (``tree.LaidDocument``): its nodes in
reading order, nested as the briefing nests them, each with its ``Place``: the caption of a
table or figure, numbered once; a table's geometry; whether a node stays on the page of the
one after it; the title block and the page furniture. Writers translate these decisions into
their own units (twips, points, CSS, spreadsheet widths) and never make them again; so
too how each kind of text looks (``looks``: the title bold, captions in one colour).

A pack is laid out once: ``lay_out`` gives back the same laid-out document for the same
briefing while that document is in use, so every writer, the mail body and the preview share it.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ..errors import Problem
from ..model import Block, Briefing, Callout, Chart, Image, ListBlock, Paragraph, Section, Sources, Span, Table, plain
from ..number_formats import number_locale
from ..style import Style
from . import flow
from .apparatus import Apparatus, source_anchor, sources_section
from .charts import alt_text, chart_scale
from .geometry import TableGeometry, chart_table, geometry
from .looks import Looks, TableLook, TextLook, looks_of
from .marks import mark_of, marked_caption, marked_entries, marked_notes, marked_paragraph, marked_text
from .numbering import Counter, colon
from .sheets import sheet_geometry, widened
from .text import meta_line
from .tree import (
    Box,
    CalloutTitle,
    Front,
    Furniture,
    Heading,
    InternalLink,
    Item,
    Laid,
    LaidDocument,
    Note,
    NoteMark,
    Place,
    SourceEntry,
    SourceList,
    Summary,
    sheet_text,
)

__all__ = [
    "Box",
    "CalloutTitle",
    "Front",
    "Furniture",
    "Heading",
    "InternalLink",
    "Item",
    "Laid",
    "LaidDocument",
    "Looks",
    "Note",
    "NoteMark",
    "Place",
    "SourceEntry",
    "SourceList",
    "Summary",
    "TableLook",
    "TextLook",
    "lay_out",
    "laid_out",
    "picture_alt",
]

LOGO_HEIGHT_CM = {True: 2.5, False: 1.4}
"""Height of the logo on a cover page of its own, and in a title block at the top of page 1."""

_laid: dict[int, weakref.ref[LaidDocument]] = {}
"""The laid-out documents in use, by the identity of their briefing."""


def lay_out(doc: Briefing) -> LaidDocument:
    """``doc`` laid out: decided once for every format, and shared while it is in use."""
    ref = _laid.get(id(doc))
    laid = ref() if ref is not None else None
    if laid is not None and laid.doc is doc:
        return laid
    laid = _lay_out(doc)
    key = id(doc)

    def forget(_: object) -> None:
        _laid.pop(key, None)

    _laid[key] = weakref.ref(laid, forget)
    return laid


def laid_out(doc: Briefing | LaidDocument) -> LaidDocument:
    """The laid-out document a writer was handed, or the pack's laid-out document of a briefing."""
    return doc if isinstance(doc, LaidDocument) else lay_out(doc)


def _lay_out(doc: Briefing) -> LaidDocument:
    builder = _Builder(doc)
    body: list[_Draft] = []
    if doc.summary:
        heading = builder.leaf(Heading((Span(doc.labels.summary),), 1, doc.pos, summary=True), keep=True)
        body.append(_Draft(Summary(doc.pos), [heading, *builder.blocks(doc.summary)]))
    ending = sources_section(doc)
    body.extend(builder.section(section, 1) for section in (*doc.sections, *([ending] if ending else [])))
    _turns(builder.flow)
    return LaidDocument(
        doc,
        tuple(draft.freeze() for draft in body),
        front(doc),
        furniture(doc),
        looks_of(doc.style),
        tuple(builder.warnings),
        marked_notes(builder.apparatus.notes, doc),
        doc.note_style == "endnotes",
        doc.labels.notes,
    )


def front(doc: Briefing) -> Front:
    """The title block: its texts, the logo's box, and whether it has a page of its own."""
    style = doc.style
    cover_page = style.cover == "page"
    return Front(doc.title, doc.subtitle, meta_line(doc), logo_box(doc, cover_page), cover_page, style.cover != "none")


def logo_box(doc: Briefing, cover_page: bool) -> Box | None:
    """The logo's box: a set height, no wider than half the text column, at the start of a cover page
    and at the end of the line of a title block."""
    style = doc.style
    if style.logo is None or style.cover == "none":
        return None
    px_w, px_h = style.logo_size_px
    height = LOGO_HEIGHT_CM[cover_page]
    width = min(height * px_w / px_h, style.text_width_cm / 2)
    return Box(round(width, 3), round(width * px_h / px_w, 3), "start" if cover_page else "end")


def picture_box(image: Image, style: Style) -> Box:
    """A picture's box: the width asked for, or its natural size at 96 pixels an inch, never wider than the text."""
    px_w, px_h = image.size_px
    width = min(image.width_cm or px_w * 2.54 / 96, style.text_width_cm)
    return Box(width, width * px_h / px_w, "center")


def _too_wide(asked: float, text: float) -> str:
    return (
        f"the picture is {asked:g} cm wide (width_cm), wider than the page's text ({text:.1f} cm):"
        f" it is shown {text:.1f} cm wide"
    )


def furniture(doc: Briefing) -> Furniture:
    """What every page carries: the marking, and page numbers that count from the first page after a cover."""
    style, labels = doc.style, doc.labels
    first = 2 if style.cover == "page" else 1
    return Furniture(doc.classification, first, (labels.page, labels.of), labels.contents if style.toc else None)


@dataclass
class _Draft:
    """A laid node while the layout is still deciding: its place can change until it is frozen."""

    node: object
    children: list[_Draft] = field(default_factory=list)
    place: Place = field(default_factory=Place)

    def freeze(self) -> Laid:
        return Laid(self.node, self.place, tuple(child.freeze() for child in self.children))


def _turns(drafts: Sequence[_Draft]) -> None:
    """Mark where each turned page starts: before a turned table, or before what stays with it."""
    for i, draft in enumerate(drafts):
        laid = draft.place.table
        if laid is not None and laid.turned and isinstance(draft.node, Table):
            start = i
            while start > 0 and drafts[start - 1].place.keep_with_next and not drafts[start - 1].place.turn:
                start -= 1
            drafts[start].place = replace(drafts[start].place, turn=True)


class _Builder:
    def __init__(self, doc: Briefing) -> None:
        self.style = doc.style
        self.language = doc.language
        self.locale = number_locale(doc.language)
        """The Babel locale the briefing's numbers and dates are written in."""
        self.rtl = doc.direction == "rtl"
        self.counter = Counter(doc.labels, doc.language)
        self.flow: list[_Draft] = []
        """The headings and blocks in reading order: where turned pages start is decided over them."""
        self.warnings: list[Problem] = []
        self.apparatus = Apparatus(doc)
        """Notes numbered, citations and cross-references worded, as the texts are met in reading order."""

    def leaf(self, node: object, keep: bool = False, place: Place | None = None) -> _Draft:
        draft = _Draft(node, place=place or Place(keep_with_next=keep))
        self.flow.append(draft)
        return draft

    def section(self, section: Section, level: int) -> _Draft:
        text = marked_text(self.apparatus.text(section.heading, section.pos), section, self.style)
        heading = self.leaf(Heading(text, level, section.pos), place=Place(keep_with_next=True, anchor=section.id))
        blocks = self.blocks(section.content)
        subs = [self.section(sub, level + 1) for sub in section.sections]
        return _Draft(section, [heading, *blocks, *subs])

    def blocks(self, blocks: Sequence[Block]) -> list[_Draft]:
        drafts = []
        for written, keep in zip(blocks, flow.keeps_with_next(blocks, self.style), strict=True):
            if isinstance(written, Sources):
                drafts.append(self.sources(written))
                continue
            block = self.apparatus.block(written)
            shown = marked_paragraph(block, self.style) if isinstance(block, Paragraph) else block
            if isinstance(block, Callout) and mark_of(block, self.style):  # its name for screen readers too
                shown = replace(block, title=f"{mark_of(block, self.style)} {block.title}")
            draft = self.leaf(shown, place=self.place(block, keep))
            draft.children = _inside(block, self.style, self.language)
            drafts.append(draft)
        return drafts

    def sources(self, block: Sources) -> _Draft:
        """The sources list where a ``sources: true`` block (or the section that ends the briefing) places it."""
        draft = self.leaf(SourceList(block.pos))
        draft.children = [
            _Draft(entry, place=Place(anchor=source_anchor(entry.key)))
            for entry in marked_entries(self.apparatus.sources(block.pos), self.apparatus.doc)
        ]
        return draft

    def place(self, block: Block, keep: bool) -> Place:
        match block:
            case Table():
                laid = geometry(block, self.style, self.locale, self.rtl)
                if laid.broken:
                    self.warnings.append(Problem(block.pos, _broken(laid)))
                caption = marked_caption(self.counter.table(block), block, self.style)
                cells = self.apparatus.cells(block)
                # A sheet's columns hold the cells worded here as a sheet shows them, marks in brackets.
                worded = ((col, plain(sheet_text(text)), row < 0) for row, col, text in cells)
                sheet = widened(sheet_geometry(laid, self.style), worded)
                credit = self.apparatus.credit(block)
                return Place(
                    keep,
                    caption,
                    laid,
                    flow.keep_together(block),
                    sheet=sheet,
                    anchor=block.id,
                    credit=credit,
                    cells=cells,
                )
            case Chart():
                numbers = geometry(chart_table(block), self.style, self.locale, self.rtl)
                sheet = sheet_geometry(numbers, self.style)
                caption = marked_caption(self.counter.figure(block), block, self.style)
                scale = chart_scale(block, self.locale)
                return Place(
                    keep,
                    caption,
                    numbers,
                    True,
                    chart=scale,
                    sheet=sheet,
                    anchor=block.id,
                    credit=self.apparatus.credit(block),
                    alt=alt_text(block, numbers.header, numbers.rows(), scale, self.language),
                )
            case Image():
                caption = marked_caption(self.counter.figure(block), block, self.style)
                box = picture_box(block, self.style)
                if block.width_cm is not None and block.width_cm > self.style.text_width_cm + 0.005:
                    self.warnings.append(Problem(block.pos, _too_wide(block.width_cm, self.style.text_width_cm)))
                return Place(
                    keep,
                    caption,
                    keep_together=True,
                    box=box,
                    anchor=block.id,
                    credit=self.apparatus.credit(block),
                    alt=picture_alt(block) or caption.label,  # a stated fallback; the check warns of it
                )
            case Callout():
                return Place(keep, keep_together=True, anchor=block.id)
        return Place(keep)


def picture_alt(image: Image) -> str:
    """A picture's own alternative text: its ``alt:``, else its caption's words; empty when it has neither
    (the layout then reads it by its figure's label, "Figure 3", and the accessibility check warns)."""
    return (image.alt or plain(image.caption or ())).strip()


def _inside(block: object, style: Style | None = None, language: str = "en") -> list[_Draft]:
    """What a block holds, as laid nodes: a callout's paragraphs and lists, a list's items, and the
    ``content`` blocks of a block of a kind the layout does not know, so that its text reaches the writers.
    Paragraphs and items carry their portion marks (``style`` gives the scheme; none without it)."""
    match block:
        case ListBlock():
            return [_Draft(item) for item in items(block, style, language)]
        case Callout():
            worded: tuple[Span, ...] = (Span(block.title, bold=True),)
            shown_title = marked_text(worded, block, style) if style is not None else worded
            title = _Draft(CalloutTitle(shown_title, pos=block.pos, kind=block.kind))
            return [title, *(_Draft(_shown(part, style), _inside(part, style, language)) for part in block.content)]
    content = getattr(block, "content", ())
    return (
        [_Draft(_shown(part, style), _inside(part, style, language)) for part in content]
        if isinstance(content, tuple)
        else []
    )


def _shown(part: object, style: Style | None) -> object:
    return marked_paragraph(part, style) if style is not None and isinstance(part, Paragraph) else part


def items(block: ListBlock, style: Style | None = None, language: str = "en") -> list[Item]:
    """A list's items as paragraphs: the portion mark in a marked pack, then the lead, if any, bold
    and followed by ": " (" : " in French), then the text."""
    made = []
    for number, item in enumerate(block.items, 1):
        text = item.text
        if item.lead:
            text = (*(replace(span, bold=True) for span in item.lead), Span(colon(language), bold=True), *item.text)
        if style is not None:
            text = marked_text(text, item, style)
        made.append(Item(text, pos=item.pos, marker=f"{number}." if block.numbered else "\u2022"))
    return made


def _broken(laid: TableGeometry) -> str:
    return (
        f"a table of {len(laid.columns)} columns is too wide for a landscape page: "
        "some of its words or numbers break across lines; drop or shorten columns"
    )


Layout = LaidDocument
"""The laid-out document, under the name writers of earlier versions import."""
Node = object
"""Any node of the laid-out document."""
