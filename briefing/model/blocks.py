"""The blocks of a section: paragraphs, lists and their items, charts and their series, pictures, page
breaks, callouts and the place of the sources list; and the section itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

from .inline import Inline
from .positions import Marking, Pos, marking_field, pos_field
from .table import Cell, NumberFormat, Table


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of body text."""

    text: Inline
    """The paragraph's formatted text."""
    pos: Pos = pos_field()
    marking: Marking | None = marking_field()
    """Its protective marking, own or inherited; None in a pack that marks no portions."""


@dataclass(frozen=True)
class ListItem:
    """One entry of a bulleted or numbered list."""

    text: Inline
    """The item's text."""
    lead: Inline | None = None
    """An optional run-in heading, rendered bold and followed by ": "."""
    pos: Pos = pos_field()
    marking: Marking | None = marking_field()
    """Its protective marking, own or inherited; None in a pack that marks no portions."""


@dataclass(frozen=True)
class ListBlock:
    """A bulleted or numbered list."""

    items: tuple[ListItem, ...]
    """The entries, in order; never empty."""
    numbered: bool = False
    """True for a numbered list, False for bullets."""
    pos: Pos = pos_field()
    marking: Marking | None = marking_field()
    """Its protective marking, own or inherited; None in a pack that marks no portions."""


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
    pos: Pos = pos_field()
    marking: Marking | None = marking_field()
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
    pos: Pos = pos_field()
    marking: Marking | None = marking_field()
    """Its protective marking, own or inherited; None in a pack that marks no portions."""


@dataclass(frozen=True)
class PageBreak:
    """Start a new page (a print page break in spreadsheets)."""

    pos: Pos = pos_field()


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
    pos: Pos = pos_field()
    marking: Marking | None = marking_field()
    """Its protective marking, own or inherited; None in a pack that marks no portions."""


@dataclass(frozen=True)
class Sources:
    """Where the list of the sources cited stands (``sources: true``); without one, it ends the briefing."""

    pos: Pos = pos_field()


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
    pos: Pos = pos_field()
    marking: Marking | None = marking_field()
    """Its protective marking, own or inherited; None in a pack that marks no portions."""
