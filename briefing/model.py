"""The document model: a small, closed, immutable tree that every writer walks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .style import Style


@dataclass(frozen=True)
class Pos:
    """Where a node came from in a spec; printed as ``FILE:LINE:COL``."""

    file: str
    """Path of the spec file as the user named it."""
    line: int
    """1-based line number."""
    col: int
    """1-based column number."""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


NOWHERE = Pos("<model>", 0, 0)
"""Position of nodes built in code rather than loaded from a spec."""


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


Inline = tuple[Span, ...]
"""A piece of formatted text: consecutive spans, markup parsed once."""


def plain(inline: Inline) -> str:
    """The characters of an inline text without its formatting."""
    return "".join(span.text for span in inline)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of body text."""

    text: Inline
    """The paragraph's formatted text."""
    pos: Pos = _pos()


@dataclass(frozen=True)
class ListItem:
    """One entry of a bulleted or numbered list."""

    text: Inline
    """The item's text."""
    lead: Inline | None = None
    """An optional run-in heading, rendered bold and followed by ": "."""
    pos: Pos = _pos()


@dataclass(frozen=True)
class ListBlock:
    """A bulleted or numbered list."""

    items: tuple[ListItem, ...]
    """The entries, in order; never empty."""
    numbered: bool = False
    """True for a numbered list, False for bullets."""
    pos: Pos = _pos()


Cell = str | int | float | bool | dt.date | dt.datetime | None
"""A table value; its Python type is kept through to the spreadsheet."""


@dataclass(frozen=True)
class Table:
    """A table of values with a header row."""

    columns: tuple[str, ...]
    """Column names, shown as the header row."""
    rows: tuple[tuple[Cell, ...], ...]
    """Body rows, each exactly as long as ``columns``."""
    title: str | None = None
    """Optional title, shown in the caption and used to name its sheet."""
    pos: Pos = _pos()


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
    pos: Pos = _pos()


@dataclass(frozen=True)
class PageBreak:
    """Start a new page (a print page break in spreadsheets)."""

    pos: Pos = _pos()


Block = Paragraph | ListBlock | Table | Image | PageBreak
"""Anything that can stand in a section's content."""


@dataclass(frozen=True)
class Section:
    """A headed section; its nesting depth is its heading level."""

    heading: Inline
    """The section heading."""
    content: tuple[Block, ...] = ()
    """Blocks shown under the heading, before any sub-sections."""
    sections: tuple[Section, ...] = ()
    """Sub-sections, one heading level deeper."""
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
    """Marking printed on every page and sheet, e.g. "OFFICIAL-SENSITIVE"."""
    summary: tuple[Block, ...] = ()
    """Executive summary, rendered before the body."""
    style: Style = field(default_factory=Style)
    """House style every writer follows."""
    variables: dict[str, Cell] = field(default_factory=dict, compare=False, repr=False)
    """The variables the spec's strings were rendered with."""
    sources: tuple[Path, ...] = field(default=(), compare=False, repr=False)
    """The files the spec was read from: the spec itself first, then bases and includes."""
    pos: Pos = _pos()


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
