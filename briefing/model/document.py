"""The briefing itself: its language, direction and labels, its note style and typography, the works it
cites, its sections and house style; and the walks over its sections and tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

from ..style import Style
from .blocks import Block, Section
from .positions import Pos, Variant, pos_field
from .table import Cell, Table

Direction = Literal["ltr", "rtl"]
"""Which way a briefing's text runs: left to right, or right to left (Arabic, Hebrew, N'Ko)."""
DIRECTIONS: tuple[Direction, ...] = get_args(Direction)

LabelKey = Literal["table", "figure", "page", "of", "contents", "summary", "by", "total", "sources", "notes", "source"]
"""The words a pack prints around the author's text, which a spec may give in its language."""
LABEL_KEYS: tuple[LabelKey, ...] = get_args(LabelKey)


@dataclass(frozen=True)
class Labels:
    """The words a pack prints around the author's text: captions, page numbers, headings it adds."""

    table: str = "Table"
    """Before a table's number in its caption: "Table 2: …"."""
    figure: str = "Figure"
    """Before a chart's or a picture's number: "Figure 1: …"."""
    page: str = "Page"
    """The footer's "Page 3 of 12"."""
    of: str = "of"
    """Between the page and the page count."""
    contents: str = "Contents"
    """The heading of the table of contents, and its sheet's name."""
    summary: str = "Summary"
    """The heading of the executive summary."""
    by: str = "By"
    """Before the author's name under the title: "By Analysis Team"."""
    total: str = "Total"
    """The label of a table's totals row."""
    sources: str = "Sources"
    """The heading of the list of sources cited."""
    notes: str = "Notes"
    """The heading of the notes where they are listed together (endnotes, a page without pages)."""
    source: str = "Source"
    """Before a table's, chart's or picture's credit line: "Source: OCHA (2026)"."""


NoteStyle = Literal["footnotes", "endnotes"]
"""Where notes stand: at the foot of the page each is cited on, or together at the end."""
NOTE_STYLES: tuple[NoteStyle, ...] = get_args(NoteStyle)

Typography = Literal["smart", "straight"]
"""How quotes, apostrophes, dashes and ellipses typed in the spec are printed: as the briefing's language
sets them (“junta’s”, « coup », 2020–2024, …), or straight, exactly as typed."""
TYPOGRAPHIES: tuple[Typography, ...] = get_args(Typography)

CslType = Literal[
    "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book", "broadcast",
    "chapter", "classic", "collection", "dataset", "document", "entry", "entry-dictionary",
    "entry-encyclopedia", "event", "figure", "graphic", "hearing", "interview", "legal_case", "legislation",
    "manuscript", "map", "motion_picture", "musical_score", "pamphlet", "paper-conference", "patent",
    "performance", "periodical", "personal_communication", "post", "post-weblog", "regulation", "report",
    "review", "review-book", "software", "song", "speech", "standard", "thesis", "treaty", "webpage",
]  # fmt: skip
"""The kinds of work a source may be, as CSL 1.0.2 names them."""
CSL_TYPES: tuple[CslType, ...] = get_args(CslType)

DEFAULT_CITATION_STYLE = "apa"
"""The citation style when a spec names none: APA's author-date citations, "(OCHA, 2026, p. 4)"."""


@dataclass(frozen=True)
class Reference:
    """One entry of the spec's ``sources:``: a work that text may cite."""

    key: str
    """Its citation key (the entry's ``id``)."""
    csl: dict[str, object] = field(compare=False)
    """The entry in CSL-JSON, as Zotero, Mendeley and pandoc write it, checked when read."""
    pos: Pos = pos_field()


@dataclass(frozen=True)
class Briefing:
    """A whole briefing: metadata, summary and body."""

    title: str
    """Document title."""
    sections: tuple[Section, ...]
    """The body; never empty."""
    subtitle: str | None = None
    """Optional subtitle under the title."""
    source: str | None = None
    """Originating outlet or desk, e.g. "Focus on Africa"."""
    date: dt.date | None = None
    """Date of the briefing."""
    author: str | None = None
    """Author or desk that wrote the briefing."""
    classification: str | None = None
    """Marking printed on every page and sheet, e.g. "OFFICIAL-SENSITIVE"; in a pack that marks its
    portions, the banner computed from them (the highest level present and the caveats present)."""
    summary: tuple[Block, ...] = ()
    """Executive summary, rendered before the body."""
    language: str = "en"
    """The briefing's language as a BCP 47 tag ("en", "fr-ML", "ar"), for readers' tools and screen readers."""
    direction: Direction = "ltr"
    """Which way the whole briefing runs; right to left lays out pages, tables and lists from the right."""
    labels: Labels = field(default_factory=Labels)
    """The words the pack adds, in the briefing's language."""
    style: Style = field(default_factory=Style)
    """House style every writer follows."""
    variables: dict[str, Cell] = field(default_factory=dict, compare=False, repr=False)
    """The variables the spec's strings were rendered with."""
    sources: tuple[Path, ...] = field(default=(), compare=False, repr=False)
    """The files the spec was read from: the spec itself first, then bases, includes and data files."""
    notices: tuple[tuple[Pos, str], ...] = field(default=(), compare=False, repr=False)
    """What reading the spec noticed without refusing it (a data column of mixed kinds read as text)."""
    references: tuple[Reference, ...] = ()
    """The works the spec's ``sources:`` lists, which its text may cite, in the order given."""
    citation_style: str = DEFAULT_CITATION_STYLE
    """The CSL style citations and the sources list are worded in (a name such as ``apa``)."""
    note_style: NoteStyle = "footnotes"
    """Where notes stand: at the foot of their page, or together at the end."""
    typography: Typography = "smart"
    """Whether the spec's quotes and dashes were set typographically (smart) or kept as typed (straight)."""
    pos: Pos = pos_field()
    variant: Variant | None = None
    """Which variant for a clearance this is; None for the whole pack."""


def walk_sections(sections: tuple[Section, ...], level: int = 1) -> Iterator[tuple[int, Section]]:
    """Yield ``(level, section)`` for every section, depth first, in order."""
    for section in sections:
        yield level, section
        yield from walk_sections(section.sections, level + 1)


def tables(doc: Briefing) -> list[Table]:
    """Every table of the briefing in reading order."""
    found: list[Table] = []
    for _, section in walk_sections(doc.sections):
        found.extend(block for block in section.content if isinstance(block, Table))
    return found
