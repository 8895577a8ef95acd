"""The document model: a small, closed, immutable tree that every writer walks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args, overload

from .style import Style


@dataclass(frozen=True)
class Pos:
    """Where a node came from in a spec; printed as ``FILE:LINE:COL``."""

    file: str
    """Path of the spec file as the user named it."""
    line: int
    """1-based line number; 0 for a command-line option, which has no lines."""
    col: int
    """1-based column number (0 with line 0)."""

    def __str__(self) -> str:
        # An option of the command line has no line: "--set: expected NAME=VALUE".
        return f"{self.file}:{self.line}:{self.col}" if self.line else self.file


NOWHERE = Pos("<model>", 0, 0)
"""Position of nodes built in code rather than loaded from a spec."""


def _marking() -> Marking | None:
    # Kept with the node it marks, and compared: two variants of one text differ by their marks.
    return field(default=None, kw_only=True)


@dataclass(frozen=True)
class Marking:
    """A portion's protective marking: its level and caveats, words of the house style's scheme."""

    level: str
    """The level's banner text ("OFFICIAL-SENSITIVE"), as the scheme names it."""
    caveats: tuple[str, ...] = ()
    """Caveats or release markings that restrict who may read it ("UK EYES ONLY"), by name."""
    pos: Pos = field(default_factory=lambda: NOWHERE, compare=False, repr=False)
    """Where the marking was written; nowhere for one inherited or taken by default."""


@dataclass(frozen=True)
class Variant:
    """Which variant of a pack a briefing is: built for readers of one clearance and caveats."""

    clearance: str
    """The level its readers hold: no portion above it is in this variant."""
    caveats: tuple[str, ...] = ()
    """The caveats its readers meet: no portion with another caveat is in it."""
    withheld: int = 0
    """How many portions were left out (never what they said)."""
    sealed: tuple[Path, ...] = ()
    """The spec files (the spec, its bases and includes) of a variant that withholds any portion: named in
    its manifest without their digests, which would fingerprint what it withholds."""


def _pos() -> Pos:
    # Positions are metadata: two trees with the same content are equal
    # wherever they came from, so tests can compare whole trees.
    return field(default=NOWHERE, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True)
class Span:
    """A run of text with one set of inline attributes."""

    text: str
    """The literal characters, markup already removed."""
    bold: bool = False
    """Rendered in bold (``**text**``)."""
    italic: bool = False
    """Rendered in italics (``*text*``)."""
    href: str | None = None
    """Target of a hyperlink (``[text](url)``), or None."""
    lang: str | None = None
    """The language of the text when it is not the briefing's (``[text]{lang=ar}``), a BCP 47 tag, or None."""


Inline = tuple[Span, ...]
"""A piece of formatted text: consecutive spans, markup parsed once."""


@dataclass(frozen=True)
class Note(Span):
    """An inline note, written ``^[…]``: its ``text`` is what the author wrote, so that it still reads
    where the layout has not numbered it; the layout numbers it and sets its content apart."""

    content: Inline = ()
    """What the note says, its markup parsed; citations and cross-references in it are spans too."""


@dataclass(frozen=True)
class Cite:
    """One work cited in a citation: ``@ocha2026, p. 4``."""

    key: str
    """The citation key: the ``id`` of an entry of the spec's ``sources:``."""
    locator: str = ""
    """Where in the work, as written after the comma ("p. 4", "pp. 3-5", "chap. 2"); empty for the whole work."""
    prefix: str = ""
    """Words before the key inside the brackets ("see")."""


@dataclass(frozen=True)
class Citation(Span):
    """A citation: ``[@ocha2026, p. 4]``, ``[@a; @b]``, or ``@ocha2026`` in the run of a sentence.
    Its ``text`` is what the author wrote; the layout words it in the citation style."""

    cites: tuple[Cite, ...] = ()
    """The works cited, in the order written; never empty."""
    narrative: bool = False
    """Written ``@key`` without brackets: the author's name reads as part of the sentence ("OCHA (2026)")."""


@dataclass(frozen=True)
class CrossRef(Span):
    """A cross-reference, ``@tbl-funding``: its ``text`` is what the author wrote; the layout words it
    ("Table 2", a section's heading) and links it to its target."""

    target: str = ""
    """The ``id`` of the section, table, figure or callout it points at."""


CrossRefKind = Literal["sec", "tbl", "fig", "box"]
"""The prefixes of ids, by what they name: a section, a table, a figure (chart or picture), a callout (box)."""
CROSSREF_KINDS: tuple[CrossRefKind, ...] = get_args(CrossRefKind)


def plain(inline: Inline) -> str:
    """The characters of an inline text without its formatting."""
    return "".join(span.text for span in inline)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of body text."""

    text: Inline
    """The paragraph's formatted text."""
    pos: Pos = _pos()
    marking: Marking | None = _marking()
    """Its protective marking, own or inherited; None in a pack that marks no portions."""


@dataclass(frozen=True)
class ListItem:
    """One entry of a bulleted or numbered list."""

    text: Inline
    """The item's text."""
    lead: Inline | None = None
    """An optional run-in heading, rendered bold and followed by ": "."""
    pos: Pos = _pos()
    marking: Marking | None = _marking()
    """Its protective marking, own or inherited; None in a pack that marks no portions."""


@dataclass(frozen=True)
class ListBlock:
    """A bulleted or numbered list."""

    items: tuple[ListItem, ...]
    """The entries, in order; never empty."""
    numbered: bool = False
    """True for a numbered list, False for bullets."""
    pos: Pos = _pos()
    marking: Marking | None = _marking()
    """Its protective marking, own or inherited; None in a pack that marks no portions."""


Cell = str | int | float | bool | dt.date | dt.datetime | None
"""A table value; its Python type is kept through to the spreadsheet."""


@dataclass(frozen=True, eq=False)
class Rows(Sequence[tuple[Cell, ...]]):
    """A table's body rows, held a column at a time.

    It reads as a sequence of row tuples, each made when asked for. Held as columns, a
    million-row table costs one reference per value, its repeated values shared, rather
    than a tuple per row; and the layout, which measures columns, reads them as they are.
    """

    columns: tuple[tuple[Cell, ...], ...]
    """The values, one tuple per column, each as long as the table."""
    length: int
    """Number of rows (kept apart from the columns, which a table of no columns would not tell)."""

    @classmethod
    def of(cls, rows: Iterable[Sequence[Cell]], width: int) -> Rows:
        """Rows given a row at a time, each ``width`` values long."""
        listed = [tuple(row) for row in rows]
        if any(len(row) != width for row in listed):
            raise ValueError(f"every row must have {width} values")
        columns = tuple(zip(*listed, strict=True)) if listed else tuple(() for _ in range(width))
        return cls(columns, len(listed))

    def __len__(self) -> int:
        return self.length

    @overload
    def __getitem__(self, index: int) -> tuple[Cell, ...]: ...
    @overload
    def __getitem__(self, index: slice) -> Rows: ...
    def __getitem__(self, index: int | slice) -> tuple[Cell, ...] | Rows:
        if isinstance(index, slice):
            columns = tuple(column[index] for column in self.columns)
            return Rows(columns, len(range(*index.indices(self.length))))
        if not -self.length <= index < self.length:
            raise IndexError("row index out of range")
        return tuple(column[index] for column in self.columns)

    def __iter__(self) -> Iterator[tuple[Cell, ...]]:
        return zip(*self.columns, strict=True) if self.columns else iter(() for _ in range(self.length))

    def between(self, start: int, stop: int | None = None) -> Iterator[tuple[Cell, ...]]:
        """The rows from ``start`` up to ``stop``, each made as it is read."""
        stop = self.length if stop is None else min(stop, self.length)
        if not self.columns:
            return iter(() for _ in range(max(stop - start, 0)))
        if start <= 0 and stop >= self.length:
            return zip(*self.columns, strict=True)
        # A slice copies the part's references, as many as its rows; skipping to the start
        # instead (islice) would walk every row before it, for each part of a long table.
        return zip(*(column[start:stop] for column in self.columns), strict=True)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Rows):
            return self.length == other.length and self.columns == other.columns
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(other) == self.length and all(a == tuple(b) for a, b in zip(self, other, strict=True))
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.length, self.columns))

    def __repr__(self) -> str:
        return f"Rows({list(self)!r})" if self.length <= 10 else f"Rows(<{self.length:,} rows>)"


FormatKind = Literal["integer", "decimal", "percent", "currency", "date"]
"""The ways a column's values can be shown."""
FORMAT_KINDS: tuple[FormatKind, ...] = get_args(FormatKind)

ColumnType = Literal["integer", "number", "date", "boolean", "text"]
"""The types a column's values can be read as; inference tries them in this order."""
COLUMN_TYPES: tuple[ColumnType, ...] = get_args(ColumnType)


@dataclass(frozen=True)
class NumberFormat:
    """How a column's values are shown: the same text in documents as in Excel's number format."""

    kind: FormatKind
    """integer (1,234), decimal (1,234.50), percent (12.5% for 0.125), currency ($1,234.50) or date (3 Mar 2025)."""
    decimals: int = 0
    """Digits after the decimal point."""
    currency: str = "USD"
    """ISO 4217 code of the currency, for ``currency``."""
    locale: str | None = None
    """The Babel locale its numbers and dates are written in (``fr_NE``); None for the briefing's own."""


Aggregate = Literal["sum", "mean", "count"]
"""What a totals row shows for a column."""
AGGREGATES: tuple[Aggregate, ...] = get_args(Aggregate)


@dataclass(frozen=True)
class Totals:
    """A totals row under a table's body."""

    functions: tuple[Aggregate | None, ...]
    """Per column, what the row shows; None leaves the cell empty (or holds the label)."""
    values: tuple[Cell, ...]
    """Per column, the computed total, or the totals row's label ("Total") in the first free column."""
    skipped: tuple[int, ...] = field(default=(), compare=False)
    """Per column, how many empty or missing values its total left out (0 for none); empty when not counted."""


@dataclass(frozen=True)
class Table:
    """A table of values with a header row."""

    columns: tuple[str, ...]
    """Column names, shown as the header row."""
    rows: Rows
    """Body rows, each exactly as long as ``columns``; given as a tuple of row tuples, they are made Rows."""
    title: str | None = None
    """Optional title, shown in the caption and used to name its sheet."""
    formats: tuple[NumberFormat | None, ...] = ()
    """Per column, how its values are shown; empty, or None for a column, means as written."""
    totals: Totals | None = None
    """A totals row, or None."""
    split_sheets: bool = False
    """In a spreadsheet, spread rows beyond a sheet's limit over further sheets instead of failing."""
    id: str | None = None
    """Its name for cross-references (``tbl-funding``), or None."""
    credit: Inline | None = None
    """Where its figures come from (plain text or a citation), shown under it as "Source: …"."""
    marked: tuple[tuple[int, int, Inline], ...] = ()
    """Cells written in the spec whose text holds notes, citations or cross-references, as
    (row, column, text), row -1 for the header; their value in ``rows`` reads as written."""
    pos: Pos = _pos()
    marking: Marking | None = _marking()
    """Its protective marking, own or inherited; None in a pack that marks no portions."""
    data_files: tuple[Path, ...] = field(default=(), compare=False, repr=False, kw_only=True)
    """The data files its rows were read from: a variant that withholds it names none of them."""
    title_text: Inline = field(default=(), kw_only=True)
    """The title as its caption reads it, when the spec's title holds notes, citations or cross-references;
    empty for a title of plain words. ``title`` is then its words alone (a sheet's name, alternative text)."""
    locales: tuple[str | None, ...] = field(default=(), kw_only=True)
    """Per column, the Babel locale its numbers and dates are written in (``locale: en-GB``); empty, or None
    for a column, means the briefing's."""

    def __post_init__(self) -> None:
        if not isinstance(self.rows, Rows):
            object.__setattr__(self, "rows", Rows.of(self.rows, len(self.columns)))

    def format_of(self, column: int) -> NumberFormat | None:
        """The format of a column, or None."""
        return self.formats[column] if self.formats else None

    def locale_of(self, column: int) -> str | None:
        """The locale a column names for its numbers and dates, or None for the briefing's."""
        return self.locales[column] if self.locales else None


ChartKind = Literal["bar", "horizontal_bar", "stacked_bar", "line", "pie"]
"""The kinds of chart."""
CHART_KINDS: tuple[ChartKind, ...] = get_args(ChartKind)


@dataclass(frozen=True)
class Series:
    """One line, or one set of bars or slices, of a chart."""

    name: str
    """Shown in the legend."""
    values: tuple[float | None, ...]
    """One value per category; None is a gap."""


@dataclass(frozen=True)
class Chart:
    """A chart of one or more series of numbers over categories."""

    kind: ChartKind
    """How the numbers are drawn."""
    title: str
    """Shown in the chart's caption, and the start of its alternative text."""
    categories: tuple[Cell, ...]
    """The x values (slices of a pie), in order."""
    series: tuple[Series, ...]
    """The y values, one series per y column; a pie has exactly one."""
    category_name: str = "Category"
    """Name of the column of categories, heading it where the numbers are listed."""
    x_title: str | None = None
    """Title of the category axis."""
    y_title: str | None = None
    """Title of the value axis."""
    caption: Inline | None = None
    """Optional caption below the chart."""
    value_format: NumberFormat | None = None
    """How values read on the axis and in labels (the first y column's format)."""
    id: str | None = None
    """Its name for cross-references (``fig-incidents``), or None."""
    credit: Inline | None = None
    """Where its figures come from (plain text or a citation), shown under it as "Source: …"."""
    alt: str | None = None
    """Alternative text for screen readers, as the spec gives it; None: the layout writes one from the
    title and the numbers."""
    pos: Pos = _pos()
    marking: Marking | None = _marking()
    """Its protective marking, own or inherited; None in a pack that marks no portions."""
    data_files: tuple[Path, ...] = field(default=(), compare=False, repr=False, kw_only=True)
    """The data files its rows were read from: a variant that withholds it names none of them."""
    title_text: Inline = field(default=(), kw_only=True)
    """The title as its caption reads it, when the spec's title holds notes, citations or cross-references;
    empty for a title of plain words. ``title`` is then its words alone (a sheet's name, alternative text)."""


@dataclass(frozen=True)
class Image:
    """A PNG or JPEG picture."""

    path: Path
    """Absolute path of the image file."""
    size_px: tuple[int, int]
    """Width and height in pixels, read when the spec was loaded."""
    caption: Inline | None = None
    """Optional caption shown below the picture."""
    alt: str = ""
    """Alternative text for screen readers (the caption if not given)."""
    width_cm: float | None = None
    """Requested width; None means natural size, capped at the text width."""
    id: str | None = None
    """Its name for cross-references (``fig-map``), or None."""
    credit: Inline | None = None
    """Where the picture comes from (plain text or a citation), shown under it as "Source: …"."""
    pos: Pos = _pos()
    marking: Marking | None = _marking()
    """Its protective marking, own or inherited; None in a pack that marks no portions."""


@dataclass(frozen=True)
class PageBreak:
    """Start a new page (a print page break in spreadsheets)."""

    pos: Pos = _pos()


CalloutKind = Literal["key-judgement", "comment", "note", "warning"]
"""What a callout box holds; each kind has its own title and colour."""
CALLOUT_KINDS: tuple[CalloutKind, ...] = get_args(CalloutKind)
CALLOUT_TITLES: dict[CalloutKind, str] = {
    "key-judgement": "Key judgement",
    "comment": "Comment",
    "note": "Note",
    "warning": "Warning",
}
"""The title a callout shows when its spec gives none."""

Text = Paragraph | ListBlock
"""Blocks of running text, which a callout may hold."""


@dataclass(frozen=True)
class Callout:
    """Text set apart in a box: a key judgement, a comment, a note or a warning."""

    kind: CalloutKind
    """What the box holds; decides its colour."""
    title: str
    """Shown at the top of the box (the kind's own title when the spec gives none)."""
    content: tuple[Text, ...]
    """Paragraphs and lists, in order; never empty."""
    id: str | None = None
    """Its name for cross-references (``box-outlook``), or None."""
    pos: Pos = _pos()
    marking: Marking | None = _marking()
    """Its protective marking, own or inherited; None in a pack that marks no portions."""


@dataclass(frozen=True)
class Sources:
    """Where the list of the sources cited stands (``sources: true``); without one, it ends the briefing."""

    pos: Pos = _pos()


Block = Paragraph | ListBlock | Table | Chart | Image | Callout | PageBreak | Sources
"""Anything that can stand in a section's content."""

BlockType = Literal["paragraph", "bullets", "numbered", "table", "chart", "image", "callout", "page_break", "sources"]
"""The keys that name a block in a spec (bullets and numbered are both a ListBlock)."""
BLOCK_TYPES: tuple[BlockType, ...] = get_args(BlockType)


@dataclass(frozen=True)
class Section:
    """A headed section; its nesting depth is its heading level."""

    heading: Inline
    """The section heading."""
    content: tuple[Block, ...] = ()
    """Blocks shown under the heading, before any sub-sections."""
    sections: tuple[Section, ...] = ()
    """Sub-sections, one heading level deeper."""
    id: str | None = None
    """Its name for cross-references (``sec-outlook``), or None."""
    pos: Pos = _pos()
    marking: Marking | None = _marking()
    """Its protective marking, own or inherited; None in a pack that marks no portions."""


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
    pos: Pos = _pos()


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
    pos: Pos = _pos()
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
