"""The layout pass: what every format must agree on, decided once between the model and the writers.

``lay_out`` takes a briefing and returns its nodes in reading order, each with its
``Place``: the caption of a table or figure, numbered once; a table's geometry; whether
a node stays on the page of the one after it. Writers translate these decisions into
their own units (twips, points, CSS, spreadsheet widths) and never make them again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..errors import Problem
from ..model import Block, Briefing, Chart, Image, Inline, Pos, Section, Span, Table
from . import flow
from .geometry import TableGeometry, chart_table, geometry
from .numbering import Caption, Counter


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


Node = Heading | Block
"""What the walker visits: headings and blocks."""


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


@dataclass(frozen=True)
class Layout:
    """A briefing laid out: its nodes in reading order, each with its place."""

    doc: Briefing
    """The briefing laid out."""
    flow: tuple[tuple[Node, Place], ...]
    """Summary heading and blocks, then each section's heading, blocks and sub-sections."""
    warnings: tuple[Problem, ...] = ()
    """What every format will show less well than the spec asks (tokens broken in a table)."""


def lay_out(doc: Briefing) -> Layout:
    """Decide, once for every format, how ``doc`` is laid out."""
    builder = _Builder(doc)
    if doc.summary:
        builder.heading(Heading((Span(doc.labels.summary),), 1, doc.pos, summary=True))
        builder.blocks(doc.summary)
    for section in doc.sections:
        builder.section(section, 1)
    return Layout(doc, _turns(builder.flow), tuple(builder.warnings))


def _turns(flow: list[tuple[Node, Place]]) -> tuple[tuple[Node, Place], ...]:
    """Mark where each turned page starts: before a turned table, or before what stays with it."""
    marked = list(flow)
    for i, (_, place) in enumerate(flow):
        if place.table is not None and place.table.turned and isinstance(flow[i][0], Table):
            start = i
            while start > 0 and marked[start - 1][1].keep_with_next and not marked[start - 1][1].turn:
                start -= 1
            node, first = marked[start]
            marked[start] = (node, replace(first, turn=True))
    return tuple(marked)


class _Builder:
    def __init__(self, doc: Briefing) -> None:
        self.style = doc.style
        self.counter = Counter(doc.labels)
        self.flow: list[tuple[Node, Place]] = []
        self.warnings: list[Problem] = []

    def heading(self, heading: Heading) -> None:
        self.flow.append((heading, Place(keep_with_next=True)))

    def section(self, section: Section, level: int) -> None:
        self.heading(Heading(section.heading, level, section.pos))
        self.blocks(section.content)
        for sub in section.sections:
            self.section(sub, level + 1)

    def blocks(self, blocks: Sequence[Block]) -> None:
        for block, keep in zip(blocks, flow.keeps_with_next(blocks), strict=True):
            self.flow.append((block, self.place(block, keep)))

    def place(self, block: Block, keep: bool) -> Place:
        match block:
            case Table():
                laid = geometry(block, self.style)
                if laid.broken:
                    self.warnings.append(Problem(block.pos, _broken(laid)))
                return Place(keep, self.counter.table(block), laid, flow.keep_together(block))
            case Chart():
                return Place(keep, self.counter.figure(block), geometry(chart_table(block), self.style), True)
            case Image():
                return Place(keep, self.counter.figure(block), keep_together=True)
        return Place(keep)


def _broken(laid: TableGeometry) -> str:
    return (
        f"a table of {len(laid.columns)} columns is too wide for a landscape page: "
        "some of its words or numbers break across lines; drop or shorten columns"
    )
