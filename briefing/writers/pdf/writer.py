"""PDF writer: walks the model into reportlab platypus flowables."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    KeepTogether,
    NextPageTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Image as RLImage
from reportlab.platypus import ListItem as RLListItem
from reportlab.platypus import PageBreak as RLPageBreak
from reportlab.platypus import Table as RLTable

from ... import files
from ...adapters import reportlab as reportlab_adapter
from ...adapters.reportlab import SpacedParagraph
from ...errors import Problem
from ...layout import CalloutTitle, Front, Item, LaidDocument, Place, colours, laid_out
from ...layout import Heading as LaidHeading
from ...layout.geometry import Align, TableGeometry
from ...layout.tree import InternalLink, NoteMark, SourceEntry
from ...model import (
    Briefing,
    Callout,
    Chart,
    Image,
    Inline,
    ListBlock,
    PageBreak,
    Paragraph,
    Span,
    Table,
    plain,
)
from ...walk import walk
from .. import markup
from ..markup import quoteattr
from . import bidi, cells, notes, references, table_tags, tables, tagging, tree_file
from . import fonts as faces
from .page import PORTRAIT, WIDE, Document, Fonts, Heading, NumberedCanvas
from .paragraph_styles import _H_ALIGN, _face, _hex, _look, _physical, _styles


class PdfWriter:
    """Writes a briefing as a PDF with embedded fonts, an outline and page numbers."""

    name = "pdf"
    extension = ".pdf"
    takes_layout = True

    def __init__(self) -> None:
        self._pages: dict[Path, int] = {}
        """The pages of each file written and not yet asked about (``facts``)."""

    def write(self, laid: LaidDocument | Briefing, path: Path) -> list[Problem]:
        laid = laid_out(laid)
        style = laid.doc.style
        fonts = Fonts(faces.register(style.body_font), faces.register(style.heading_font or style.body_font))
        structure = tagging.Structure(laid.doc.language, laid.properties.title)
        story = _Story(laid, fonts, structure)
        template = Document(path, laid, fonts, story.footnotes, structure)
        # PDF 1.7, which PDF/UA-1 builds on (and whose object streams hold the structure tree)
        canvas = partial(NumberedCanvas, numbers=template.page_number, structure=structure, pdfVersion=(1, 7))
        if style.toc:
            # The contents learn their page numbers from a first pass.
            template.multiBuild(story.flowables, canvasmaker=canvas)
        else:
            template.build(story.flowables, canvasmaker=canvas)
        tree_file.write(path, structure)
        self._pages[path] = template.canv.page_count
        return story.warnings

    def facts(self, path: Path) -> dict[str, Any] | None:
        """What a reader of the file just written at ``path`` counts (its pages), as the manifest records it;
        told once. Loading a PDF reader to count them would take longer than a short PDF takes to write."""
        pages = self._pages.pop(path, None)
        return None if pages is None else {"pages": pages}


class _Story:
    def __init__(self, laid: LaidDocument, fonts: Fonts, tags: tagging.Structure) -> None:
        doc = laid.doc
        self.tags = tags
        """The structure tree: each handler opens the elements of its node and marks its flowables."""
        self.style = doc.style
        self.fonts = fonts
        self.rtl = doc.direction == "rtl"
        self.language = doc.language.lower()
        self.labels = doc.labels
        self.looks = laid.looks
        self.styles = _styles(laid, fonts, self.rtl)
        self.flowables: list[Flowable] = []
        self.boxes: list[list[Flowable]] = []
        """What goes in the callouts and lists being walked, innermost last."""
        self.headings = 0
        self.heading_levels: list[int] = []
        self.marks = notes.Marks(laid)
        self.landings = references.landings(laid)
        """The places internal links may land on."""
        self.cover(laid.front)
        if laid.furniture.contents is not None:
            self.contents(laid.furniture.contents)
        self.warnings = walk(laid, self, "pdf")
        self.footnotes = self.notes(laid)
        self.tags.entries(self.heading_levels)  # the contents list every heading

    def add(self, *flowables: Flowable) -> None:
        (self.boxes[-1] if self.boxes else self.flowables).extend(flowables)

    def tagged(self, kind: str, flowable: Flowable, **attrs: Any) -> Flowable:
        """``flowable`` as the content of a new element of ``kind`` in the one open."""
        if isinstance(flowable, bidi.BidiParagraph) and not flowable.text.langs:  # read as written
            attrs.setdefault("ActualText", flowable.written)
        lang = vars(flowable).get("language")
        if lang is not None:  # all of it in another language than the document's
            attrs.setdefault("Lang", lang)
        return tagging.mark(flowable, self.tags.add(kind, **attrs))

    def covers(self, text: str) -> bool:
        """Whether the body font has a glyph for every character of ``text``."""
        return text.isascii() or faces.covers(text, self.fonts.body)

    def text(self, text: str, font: str | None = None, bold: bool = False) -> str:
        """Plain text as markup; ``bold`` when it is set bold, by its style or its markup."""
        return faces.text_markup(text, font or self.fonts.body, bold)

    def markup(self, text: Inline, font: str | None = None, bold: bool = False) -> str:
        """Inline spans as reportlab paragraph markup, escaped once here; ``bold`` when the style is bold."""
        out = []
        for href, spans in markup.link_groups(text):
            inner = "".join(self._span(span, font, bold) for span in spans)
            if href is None:
                out.append(inner)
            else:
                out.append(f'<a href={quoteattr(href)} color="#{colours.LINK_RGB}"><u>{inner}</u></a>')
        return "".join(out)

    def _span(self, span: Span, font: str | None, bold: bool) -> str:
        if isinstance(span, NoteMark):
            return self.marks.markup(span)
        text = self.text(span.text, font, bold or span.bold)
        if span.bold:
            text = f"<b>{text}</b>"
        if span.italic:
            text = f"<i>{text}</i>"
        if isinstance(span, InternalLink):
            text = references.link(span, text, self.landings)
        return text

    def _other_language(self, span: Span) -> str | None:
        """The language ``span`` is in, when it is not the document's."""
        return span.lang if span.lang and span.lang.lower() != self.language else None

    def paragraph(
        self, text: Inline | str, style: ParagraphStyle, font: str | None = None, bold: bool = False
    ) -> Flowable:
        """A paragraph of ``text``: reportlab's, or laid out in visual order where it holds right-to-left text."""
        spans = (Span(text),) if isinstance(text, str) else text
        langs = {self._other_language(span) for span in spans if span.text.strip()}
        whole = langs.pop() if len(langs) == 1 else None
        if whole is not None:  # the paragraph's own language (its element's /Lang), not its runs'
            spans = tuple(replace(span, lang=None) for span in spans)
        made: Flowable
        # Runs in another language are drawn by the writer's own paragraph, each run in a text object
        # of its own, which a Span element with its /Lang holds.
        if not markup.has_rtl(plain(spans)) and not any(self._other_language(span) for span in spans):
            made = SpacedParagraph(self.markup(spans, font, bold), style)  # its words apart at line ends
        else:
            family = font or self.fonts.body
            pieces = [
                bidi.Piece(part, face, self._href(span), self._other_language(span))
                for span in spans
                for part, face in faces.pieces(span.text, family, bold or span.bold, span.italic)
            ]
            made = bidi.BidiParagraph(pieces, style, self.rtl)
        if whole is not None:
            made.language = whole
        return made

    def _href(self, span: Span) -> str | None:
        """Where a span of a paragraph laid out in visual order links to: its address, or a place in the
        document (``#name``) for a note's mark or a cross-reference or citation that lands on a marked place."""
        if isinstance(span, NoteMark):
            return self.marks.href(span)
        if isinstance(span, InternalLink) and span.href is None and span.target in self.landings:
            return "#" + span.target
        return span.href

    # -- front matter ------------------------------------------------------

    def cover(self, front: Front) -> None:
        if not front.shown:
            return
        page = front.cover_page
        if page:
            self.add(Spacer(1, 4 * cm))
        if front.logo is not None and self.style.logo is not None:
            logo = RLImage(
                io.BytesIO(files.read(self.style.logo)),
                width=front.logo.width_cm * cm,
                height=front.logo.height_cm * cm,
            )
            logo.hAlign = _H_ALIGN[front.logo.align, self.rtl]
            self.add(logo)
        head, looks = self.fonts.heading, self.looks
        title = looks.cover_title if page else looks.title
        # The title is the document's first heading (PDF/UA-1 has no Title element): the sections' follow it.
        self.add(
            self.tagged(
                "H1", self.paragraph(front.title, self.styles["cover-title" if page else "title"], head, title.bold)
            )
        )
        if front.subtitle:
            self.add(
                self.tagged("P", self.paragraph(front.subtitle, self.styles["subtitle"], head, looks.subtitle.bold))
            )
        if front.meta:
            self.add(self.tagged("P", self.paragraph(front.meta, self.styles["meta"], bold=looks.meta.bold)))
        self.add(HRFlowable(width="100%", thickness=1.2, color=_hex(self.style.accent), spaceBefore=4, spaceAfter=10))
        if page:
            self.add(RLPageBreak())

    def contents(self, title: str) -> None:
        from reportlab.platypus.tableofcontents import defaultTableStyle

        # The contents are a table: its cells' font is set, or reportlab's Helvetica, not embedded, joins the file.
        fonted = TableStyle([*defaultTableStyle.getCommands(), ("FONTNAME", (0, 0), (-1, -1), self.fonts.body)])
        heading = self.paragraph(title, self.styles["toc-title"], self.fonts.heading, self.looks.contents.bold)
        self.add(self.tagged("H1", heading))
        toc = table_tags.Contents(self.tags.add("TOC"), dotsMinLevel=0, tableStyle=fonted)
        toc.levelStyles = [
            ParagraphStyle(f"toc{n}", self.styles["body"], leftIndent=n * 14, firstLineIndent=0, spaceAfter=2)
            for n in range(3)
        ]
        self.add(toc)
        if self.style.cover == "page":
            self.add(RLPageBreak())

    def notes(self, laid: LaidDocument) -> notes.Footnotes | None:
        """The notes: listed at the end under their heading, or set at the foot of the pages their
        marks are on (returned, for the pages to place)."""
        if not laid.notes:
            return None
        look = self.looks.note  # smaller and closer set than the body, from the body's start side
        style = _look("note", self.styles["body"], self.fonts.body, look, leading=look.size * 1.3, spaceAfter=0)
        made = notes.note_texts(laid, self.marks, self.paragraph, style, self.rtl)
        if laid.notes_at_end:
            heading = LaidHeading((Span(laid.notes_heading),), 1, laid.notes[0].pos)
            self.visit_section(heading, Place())
            self.visit_heading(heading, Place(keep_with_next=True))
            self.add(*(self.tagged("Note", text, ID=text.note.anchor) for text in made.values()))
            self.leave_section(heading, Place())
            return None
        for text in made.values():  # in the tree after the body: a footnote is read where it is drawn
            self.tagged("Note", text, ID=text.note.anchor)
        footnotes = notes.Footnotes(made, self.marks.backs, _hex(self.looks.body.colour), self.rtl)
        self.add(notes.Remaining(footnotes))
        return footnotes

    # -- the body: the walker's handlers ----------------------------------

    def visit_section(self, node: object, place: Place) -> None:
        self.tags.push("Sect")

    def leave_section(self, node: object, place: Place) -> None:
        self.tags.pop()

    visit_summary, leave_summary = visit_section, leave_section

    def visit_heading(self, node: LaidHeading, place: Place) -> None:
        self._turn(place)
        self.add(*references.anchors(place))
        self.headings += 1
        self.heading_levels.append(node.level)
        shown = tuple(span for span in node.text if not isinstance(span, NoteMark))  # the outline has no marks
        outline = (node.level, markup.xml_safe(plain(shown)), f"h{self.headings}")
        style, bold = self.styles[f"h{node.level}"], self.looks.heading(node.level).bold
        if markup.has_rtl(plain(node.text)) or any(self._other_language(span) for span in node.text):
            heading = self.paragraph(node.text, style, self.fonts.heading, bold)
            heading.outline = outline  # read by the page template, as a Heading's
        else:
            heading = Heading(self.markup(node.text, self.fonts.heading, bold), style, *outline)
        self.add(self.tagged(tagging.heading_tag(node.level), heading))

    def visit_paragraph(self, node: Paragraph, place: Place) -> None:
        self._turn(place)
        self.add(self.tagged("P", self.paragraph(node.text, self.styles["intro" if place.keep_with_next else "body"])))

    def visit_list_block(self, node: ListBlock, place: Place) -> None:
        self.boxes.append([])  # its items
        self.tags.push("L", A=tagging.list_numbering(node.numbered))

    def visit_source_entry(self, node: SourceEntry, place: Place) -> None:
        entry = self.paragraph(node.text, references.source_style(self.styles["body"]))
        self.add(*references.anchors(place), self.tagged("P", entry))

    def visit_item(self, node: Item, place: Place) -> None:
        with self.tags.open("LI"):
            label = self.tags.add("Lbl")  # its bullet or number, drawn with the list
            body = self.tagged("LBody", self.paragraph(node.text, self.styles["body"]))
            self.add(RLListItem(tagging.labelled(body, label)))

    def leave_list_block(self, node: ListBlock, place: Place) -> None:
        items = self.boxes.pop()
        self.tags.pop()
        kind: dict[str, Any] = (
            {"bulletType": "1", "bulletFormat": "%s."}
            if node.numbered
            else {"bulletType": "bullet", "start": "\u2022", "bulletColor": _hex(self.style.accent)}
        )
        size = self.style.font_size
        side = {"rightIndent": 18, "bulletDir": "rtl"} if self.rtl else {"leftIndent": 18}
        self.add(
            reportlab_adapter.LabelledList(
                items, tagging.label, bulletFontName=self.fonts.body, bulletFontSize=size, **side, **kind
            )
        )

    def visit_page_break(self, node: PageBreak, place: Place) -> None:
        self.add(RLPageBreak())

    def visit_callout(self, node: Callout, place: Place) -> None:
        """A framed, shaded box: its title and its paragraphs and lists go in it as they are walked."""
        self.boxes.append([])
        self.add(*references.anchors(place))
        self.tags.push("Note", ID=place.anchor or f"callout-{len(self.tags.elements)}")

    def visit_callout_title(self, node: CalloutTitle, place: Place) -> None:
        look = self.looks.callout_title(node.kind)
        title_style = _look("callout-title", self.styles["body"], self.fonts.body, look, spaceAfter=3)
        self.add(self.tagged("P", self.paragraph(node.text, title_style, bold=look.bold)))

    def leave_callout(self, node: Callout, place: Place) -> None:
        """The box drawn round what was walked into it, kept on one page where it fits if the layout says so."""
        colour = colours.callout_colour(self.style, node.kind)
        inside = self.boxes.pop()
        self.tags.pop()
        box = RLTable([[inside]], colWidths=[self.style.text_width_cm * cm], hAlign="LEFT")
        box.setStyle(
            [
                # reportlab's default cell font would put an unembedded Helvetica in the file.
                ("FONTNAME", (0, 0), (-1, -1), self.fonts.body),
                ("BOX", (0, 0), (-1, -1), 1.2, _hex(colour)),
                ("LINEBEFORE", (0, 0), (0, -1), 4, _hex(colour)),
                ("BACKGROUND", (0, 0), (-1, -1), _hex(colours.lighter(colour))),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
        self.add(KeepTogether([box]) if place.keep_together else box, Spacer(1, 10))

    def visit_table(self, node: Table, place: Place) -> None:
        laid, caption = place.table, place.caption
        assert laid is not None and caption is not None
        styles = self._cell_styles(laid.size)
        # A right-to-left briefing's table reads from the right: its first column is drawn last.
        ordered: Callable[[Sequence[Any]], list[Any]] = (lambda row: list(row)[::-1]) if self.rtl else list
        # Each cell at the side the layout puts it: start, end, or right for right-to-left text.
        heads: dict[Align, ParagraphStyle] = {"start": styles["head"], "end": styles["head-right"]}
        heads["right"] = ParagraphStyle(f"{styles['head'].name}-right", styles["head"], alignment=TA_RIGHT)
        cell_styles: dict[Align, ParagraphStyle] = {"start": styles["left"], "end": styles["right"]}
        cell_styles["right"] = ParagraphStyle(f"{styles['left'].name}-right", styles["left"], alignment=TA_RIGHT)
        noted = references.noted_cells(place)
        head = [
            self.paragraph(noted.get((-1, i), name), heads[laid.align(i, name)], bold=self.looks.table_header.bold)
            for i, name in enumerate(laid.header)
        ]
        body = tables.Body(
            len(laid.body) + (1 if laid.totals else 0), cells.Body(laid, self, cell_styles, noted, ordered)
        )
        with self.tags.open("Table"):
            captioned = self.tagged(
                "Caption", self.paragraph(caption.spans, self.styles["table-caption"], bold=self.looks.caption.bold)
            )
            parts = self.tags.add("THead"), self.tags.add("TBody")
        tags = table_tags.TableTags(*parts, len(laid.columns), self.rtl)
        look = self._table_look(laid, styles["left"], place.keep_together, ordered, tags)
        grid = tables.runs(ordered(head), body, look)
        self._turn(place)
        self.add(*references.anchors(place), captioned, *grid, *self._credit(place))
        if laid.turned:
            self.add(NextPageTemplate(PORTRAIT), RLPageBreak())  # the turned pages end with the table
        else:
            self.add(Spacer(1, 8))

    def _credit(self, place: Place, under: str = "caption") -> list[Flowable]:
        """The credit line under a table, chart or picture, when it has one: set as the caption over it
        is (a figure's centred, as every format centres it), in the captions' size and colour."""
        if place.credit is None:
            return []
        caption = replace(self.looks.caption, bold=False)
        style = references.credit_style(self.styles[under], _face(self.fonts.body, caption))
        return [self.tagged("P", self.paragraph(place.credit, style))]

    def _turn(self, place: Place) -> None:
        """Start the turned pages of a wide table where the layout says they start."""
        if place.turn:
            self.add(NextPageTemplate(WIDE), RLPageBreak())

    def _cell_styles(self, size: float) -> dict[str, ParagraphStyle]:
        """Cell paragraph styles at the table's text size."""
        names = {"left": "cell", "right": "cell-right", "head": "cell-head", "head-right": "cell-head-right"}
        styles = {key: self.styles[name] for key, name in names.items()}
        scale = size / styles["left"].fontSize
        if abs(scale - 1) < 1e-6:
            return styles
        return {
            key: ParagraphStyle(f"{s.name}-{size:.2f}", s, fontSize=s.fontSize * scale, leading=s.leading * scale)
            for key, s in styles.items()
        }

    def _table_look(
        self,
        laid: TableGeometry,
        cell: ParagraphStyle,
        whole: bool,
        ordered: Callable[[Sequence[Any]], list[Any]],
        tags: table_tags.TableTags | None = None,
    ) -> tables.Look:
        look = self.looks.table
        return tables.Look(
            widths=ordered([c.width for c in laid.columns]),
            padding=laid.padding,
            font=self.fonts.body,
            bold_font=faces.bold(self.fonts.body),
            size=cell.fontSize,
            leading=cell.leading,
            # The side of each column's plain cells, as the layout aligns the column.
            right=ordered([_physical(laid.align(i), self.rtl) == "right" for i in range(len(laid.columns))]),
            header_fill=_hex(look.header_fill),
            zebra=_hex(look.zebra) if look.zebra else None,
            borders=_hex(look.borders) if look.borders else None,
            accent=_hex(look.rule),
            totals=laid.totals is not None,
            whole=whole,
            tags=tags,
        )

    def visit_chart(self, node: Chart, place: Place) -> None:
        from .. import chart_drawing  # reportlab's charts load only for packs that have one

        assert place.caption is not None
        picture = chart_drawing.drawing(node, self.style, self.style.text_width_cm * cm, scale=place.chart)
        picture = self.tagged("Figure", picture, Alt=place.alt)
        self.add(
            KeepTogether(
                [
                    *references.anchors(place),
                    picture,
                    self._figure_caption(place),
                    *self._credit(place, "figure-caption"),
                ]
            )
        )

    def _figure_caption(self, place: Place) -> Flowable:
        assert place.caption is not None
        caption = self.paragraph(place.caption.spans, self.styles["figure-caption"], bold=self.looks.caption.bold)
        return self.tagged("Caption", caption)

    def visit_image(self, node: Image, place: Place) -> None:
        assert place.caption is not None
        assert place.box is not None
        width, height = place.box.width_cm, place.box.height_cm
        picture = RLImage(io.BytesIO(files.read(node.path)), width=width * cm, height=height * cm)
        # PDF/UA asks every Figure for an Alt: a picture given none (which the accessibility check reports)
        # is read by its caption's label.
        picture = self.tagged("Figure", picture, Alt=place.alt or str(place.caption))
        self.add(
            KeepTogether(
                [
                    *references.anchors(place),
                    picture,
                    self._figure_caption(place),
                    *self._credit(place, "figure-caption"),
                ]
            )
        )
