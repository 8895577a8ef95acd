"""The laid-out document: what every writer receives, and nothing it must work out again.

``lay_out`` turns a briefing into a ``LaidDocument``: a tree of ``Laid`` nodes in reading
order, each a node of the briefing (or one the layout adds: a summary, a heading, a list
item) with its ``Place``, the layout's decisions about it, and its children. Around the
body, the document carries what no single node decides: the title block (``Front``), the
page furniture (``Furniture``), and how its text and tables look (``Looks``). Writers map
these into their units and decide none of them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ..errors import Problem
from ..model import Briefing, CalloutKind, Inline, Paragraph, Pos, Section, Span
from .charts import ChartScale
from .contrast import ColourPair, unreadable
from .geometry import TableGeometry
from .looks import Looks
from .numbering import Caption
from .sheets import SheetGeometry
from .text import xml_safe


@dataclass(frozen=True)
class Heading:
    """A heading as it stands in the flow of the document: a section's, or the summary's."""

    text: Inline
    """The heading's text."""
    level: int
    """1 for a top-level section, one more for each level of nesting."""
    pos: Pos
    """Where the section was written."""
    summary: bool = False
    """It heads the executive summary rather than a section."""


@dataclass(frozen=True)
class Summary:
    """The executive summary: its heading, then its blocks, as children."""

    pos: Pos
    """Where the briefing was written."""


@dataclass(frozen=True)
class Item(Paragraph):
    """One entry of a list, as a paragraph: its run-in lead, when it has one, already set bold before its text.

    A list's items are its children, and an item is a paragraph: a writer that knows paragraphs
    and not lists still shows every word of a list.
    """

    marker: str = "\u2022"
    """What stands before it where a format has no lists of its own: "•", or its number and a stop ("3.")."""


@dataclass(frozen=True)
class CalloutTitle(Paragraph):
    """A callout's title, as the first paragraph it holds: set in its kind's look by a writer that knows
    callouts, and shown as a paragraph by one that does not, so no word of a callout is lost."""

    kind: CalloutKind = "note"
    """The callout's kind, which decides the title's colour."""


@dataclass(frozen=True)
class InternalLink(Span):
    """Text that links to a place in the same document: a cross-reference ("Table 2", a section's
    heading) or a citation ("(OCHA 2026, p. 4)"), worded by the layout. A writer that knows no
    internal links shows its text."""

    target: str = ""
    """The anchor it lands on: the ``Place.anchor`` of a heading, table, figure, callout or source entry."""


@dataclass(frozen=True)
class NoteMark(Span):
    """Where a note is cited: its text is the note's number ("3"), set as a superscript that links to
    the note. A writer that knows no notes shows the number."""

    number: int = 0
    """The note's number, counted through the document; ``LaidDocument.notes`` holds its text."""


def sheet_text(text: Inline) -> Inline:
    """``text`` as a spreadsheet cell shows it, which holds no superscript: each note's mark as its number
    in brackets after the text it qualifies ("41[3]"), cross-references and citations as their words.

    A raised or superscript-digit "³" would read as a power after a figure ("40%³"), two marks side by
    side as one number ("¹²"), and either is lost when a cell is copied, filtered, searched or saved as
    CSV; "[3]" reads the same in every program, font and screen reader."""
    return tuple(
        Span(f"[{span.number}]", span.bold, span.italic)
        if isinstance(span, NoteMark)
        else Span(span.text, span.bold, span.italic)
        if isinstance(span, InternalLink)
        else span
        for span in text
    )


@dataclass(frozen=True)
class Note:
    """A note's own text, numbered once for every format."""

    number: int
    """Its number, as its ``NoteMark`` shows it."""
    text: Inline
    """What it says; citations and cross-references in it are already worded."""
    anchor: str
    """Where the note's text stands (``note-3``): what its mark links to."""
    back: str
    """Where the note is cited (``note-3-ref``): what the note links back to."""
    pos: Pos
    """Where the note was written."""


@dataclass(frozen=True)
class SourceEntry(Paragraph):
    """One entry of the sources list, worded by the citation style; its ``Place.anchor`` is where
    citations of it land."""

    key: str = ""
    """The citation key the spec cites it by (``ocha2026``)."""


@dataclass(frozen=True)
class SourceList:
    """The list of sources cited: its entries (``SourceEntry`` paragraphs) are its children."""

    pos: Pos
    """Where it was placed (a ``sources: true`` block), or where the briefing was written."""


@dataclass(frozen=True)
class Box:
    """A picture's box on the page, in centimetres, the same in every format."""

    width_cm: float
    """Width on the page."""
    height_cm: float
    """Height on the page."""
    align: str = "start"
    """Where it stands across the text column: "start", "center" or "end" of the line, in the briefing's direction."""


@dataclass(frozen=True)
class Place:
    """The layout's decisions about one node."""

    keep_with_next: bool = False
    """It stays on the page of the node after it."""
    caption: Caption | None = None
    """A table's or figure's numbered caption."""
    table: TableGeometry | None = None
    """A table's geometry, or the geometry of a chart's numbers."""
    keep_together: bool = False
    """It is not split across pages where it fits on one."""
    turn: bool = False
    """A page turned from the document's orientation starts before it: it is a turned table, or the
    heading or introduction that stays with one. The turned pages end after the table."""
    box: Box | None = None
    """A picture's box on the page."""
    chart: ChartScale | None = None
    """A chart's value axis, category names and slice labels, drawn the same by every format."""
    sheet: SheetGeometry | None = None
    """A table's (or a chart's numbers') sheet in a spreadsheet: widths at the sheet's own text size,
    and the lines each row takes."""
    anchor: str | None = None
    """Where internal links land on it: the ``id`` given in the spec (on a section's ``Heading``, a
    table, a chart, a picture, a callout) or one the layout gives (a source entry's ``ref-KEY``)."""
    credit: Inline | None = None
    """A table's, chart's or picture's credit line, worded whole ("Source: OCHA (2026)"), shown under it."""
    alt: str | None = None
    """A chart's or picture's alternative text, for screen readers, the same in every format: a picture's
    ``alt:`` (its caption when not given), a chart's ``alt:`` or one the layout writes from its kind,
    title and numbers ("Bar chart: Incidents by quarter. Q1 12, Q2 15 …", ``charts.alt_text``)."""
    cells: tuple[tuple[int, int, Inline], ...] = ()
    """Table cells whose text holds notes, citations or cross-references, as (row, column, text):
    row 0 is the first body row, -1 the header row. Every other cell shows its value as usual."""


@dataclass(frozen=True)
class Laid:
    """A node of the laid-out document: the node, the layout's decisions about it, and what it holds."""

    node: object
    """A block of the briefing, a ``Section``, or a node the layout adds (``Summary``, ``Heading``, ``Item``)."""
    place: Place
    """The layout's decisions about it."""
    children: tuple[Laid, ...] = ()
    """What it holds, in reading order: a section's heading, blocks and sub-sections; a callout's
    paragraphs and lists; a list's items."""


@dataclass(frozen=True)
class Front:
    """The title block: a block at the top of page 1, or a cover page of its own."""

    title: str
    """The briefing's title."""
    subtitle: str | None
    """Its subtitle, if any."""
    meta: str
    """The line under the title: source, date and author, in the briefing's words; may be empty."""
    logo: Box | None
    """The house logo's box, or None."""
    cover_page: bool
    """The title block stands on a page of its own, before the body."""
    shown: bool = True
    """False when the style asks for no title block at all."""


@dataclass(frozen=True)
class Furniture:
    """What is printed around the body on every page, the same in every paged format."""

    marking: str | None
    """The classification marking, at the top and bottom of every page and sheet."""
    first_numbered_page: int
    """The first physical page that carries a page number (2 after a cover page, else 1): it is page 1,
    and the count ("of N") counts from it, so readers of every format cite the same page numbers."""
    page_words: tuple[str, str]
    """The words around the page number and the count: ("Page", "of") in the briefing's language."""
    contents: str | None
    """The heading of the table of contents, or None when the style asks for none."""


@dataclass(frozen=True)
class Properties:
    """The file's own description, which readers' file browsers and search show: the same in every format."""

    title: str
    """The briefing's title."""
    subject: str
    """Its subtitle, or nothing."""
    author: str
    """Its author, else its source desk, else nothing."""
    keywords: str
    """Its classification marking, or nothing: searchable wherever the file is stored."""


@dataclass(frozen=True)
class LaidDocument:
    """A briefing laid out once for every format: what writers, the mail body and the preview receive."""

    doc: Briefing
    """The briefing laid out (its metadata, style, language and direction)."""
    body: tuple[Laid, ...]
    """The summary, then the top-level sections, each holding its own."""
    front: Front
    """The title block."""
    furniture: Furniture
    """The page furniture."""
    looks: Looks
    """How each kind of text looks (size, weight, slope, colour) and the colours of tables."""
    warnings: tuple[Problem, ...] = ()
    """What every format will show less well than the spec asks (tokens broken in a table)."""
    notes: tuple[Note, ...] = ()
    """Every note, in number order."""
    notes_at_end: bool = False
    """The notes stand together at the end of the document (``note_style: endnotes``) rather than at
    the foot of the page each is cited on. Formats without pages list them at the end either way."""
    notes_heading: str = "Notes"
    """The heading over the notes where they are listed together, in the briefing's language."""

    @cached_property
    def properties(self) -> Properties:
        """The file's own description, with characters no file format can carry made visible."""
        doc, safe = self.doc, xml_safe
        return Properties(
            safe(doc.title),
            safe(doc.subtitle or ""),
            safe(doc.author or doc.source or ""),
            safe(doc.classification or ""),
        )

    @cached_property
    def unreadable_colours(self) -> tuple[ColourPair, ...]:
        """The style's pairs of text and background colours below the contrast WCAG 2.2 AA asks
        (4.5:1, large text 3:1): none for the bundled styles."""
        return unreadable(self.looks, self.doc.style)

    @cached_property
    def flow(self) -> tuple[tuple[object, Place], ...]:
        """The headings and blocks in reading order, with their places: the summary's and every
        section's, sub-sections included, each block whole (a callout's paragraphs stay in it)."""
        found: list[tuple[object, Place]] = []
        stack = list(reversed(self.body))
        while stack:
            laid = stack.pop()
            if isinstance(laid.node, (Summary, Section)):
                stack.extend(reversed(laid.children))
            else:
                found.append((laid.node, laid.place))
        return tuple(found)
