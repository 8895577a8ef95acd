"""Long PDF tables drawn as a run of short ones that read as one: the header on every page, no seams.

reportlab re-measures all the rows a table has left each time it splits it
across a page, so one table of n rows costs time in proportion to n squared.
Cut into runs of ``RUN_ROWS``, each split measures one run only. A run that
starts part-way down a page shows no header, so it continues the rows above
it; one that starts at the top of a page repeats the header, as a table does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from reportlab.lib import colors
from reportlab.platypus import Flowable, LongTable, TableStyle
from reportlab.platypus.tables import CellStyle

from ...adapters import reportlab as reportlab_adapter

RUN_ROWS = 150
"""Body rows in one run: a few pages, so that re-measuring a run stays cheap."""

_PADDING_TOP, _PADDING_BOTTOM = 3, 4
"""Space above and below the text of a cell, in points."""

Row = list[Any]
"""A table row as reportlab takes it: strings or paragraphs."""


@dataclass(frozen=True)
class Body:
    """A table's body rows, made a run at a time as the pages need them.

    A long table's cells are never all held at once: a run's are made when it is first
    measured and let go once it is drawn.
    """

    count: int
    """Number of rows, the totals row included."""
    rows: Callable[[int, int], list[Row]]
    """The rows from ``start`` up to ``stop``, as reportlab takes them."""


@dataclass(frozen=True)
class Look:
    """Everything a run needs to look like the rest of its table."""

    widths: list[float]
    padding: float
    font: str
    bold_font: str
    size: float
    leading: float
    right: list[bool]
    """Columns aligned to the right (numbers)."""
    header_fill: colors.Color
    zebra: colors.Color | None
    borders: colors.Color | None
    accent: colors.Color
    totals: bool
    """The table's last row is a totals row."""
    whole: bool = False
    """The table is not split across pages where it fits on one (a short table)."""
    tags: Callable[..., None] | None = None
    """Tags its rows and cells in the structure tree as they are drawn (reportlab's ``renderCB``)."""

    @cached_property
    def cells(self) -> tuple[list[CellStyle], list[CellStyle], list[CellStyle]]:
        """Cell styles of a header row, a body row and a totals row, shared by all rows and runs.

        Given to reportlab made, they spare it making a style for each cell of each run and
        setting every font and padding on it, which took a third of a long table's time.
        """
        return (
            [self._cell(self.font, False) for _ in self.right],
            [self._cell(self.font, right) for right in self.right],
            [self._cell(self.bold_font, right) for right in self.right],
        )

    def _cell(self, font: str, right: bool) -> CellStyle:
        style = CellStyle("briefing")
        # Cells given as plain strings are drawn in this font (reportlab's default is Helvetica).
        style.fontname, style.fontsize, style.leading = font, self.size, self.leading
        style.leftPadding = style.rightPadding = self.padding
        style.topPadding, style.bottomPadding = _PADDING_TOP, _PADDING_BOTTOM
        style.valign = "TOP"
        style.alignment = "RIGHT" if right else "LEFT"
        return style


def runs(head: Row, body: Body, look: Look) -> list[Flowable]:
    """The table as flowables to add one after the other: a first run with the header, then continuations."""
    for cell in head:  # measured and drawn on every page the table is on
        if isinstance(cell, reportlab_adapter.SpacedParagraph):
            cell.repeated = True
    starts = range(0, max(body.count, 1), RUN_ROWS)
    last = starts[-1]
    first = _table(head, body.rows(0, RUN_ROWS), look, header=True, offset=0, last=last == 0)
    return [first, *(_Continuation(head, body, look, s, min(s + RUN_ROWS, body.count)) for s in starts[1:])]


def _table(head: Row, rows: list[Row], look: Look, header: bool, offset: int, last: bool) -> LongTable:
    data = [head, *rows] if header else rows
    # A row of one-line strings has a known height; saying so spares reportlab measuring its cells.
    one_line = look.leading + _PADDING_TOP + _PADDING_BOTTOM
    heights = [
        one_line if set(map(type, row)) == {str} and not (header and n == 0) else None for n, row in enumerate(data)
    ]
    head_cells, body_cells, total_cells = look.cells
    cells = [body_cells] * len(rows)
    if last and look.totals and cells:
        cells[-1] = total_cells
    if header:
        cells.insert(0, head_cells)
    kind = _WholeTable if look.whole else reportlab_adapter.PlainCellTable
    table = kind(
        data,
        colWidths=look.widths,
        rowHeights=heights,
        repeatRows=1 if header else 0,
        hAlign="LEFT",
        cellStyles=cells,
        splitInRow=1,  # a row taller than a page (a long text from a data file) goes on over the next
        renderCB=look.tags,
    )
    table.setStyle(_style(look, header, offset, last))
    return table


def _style(look: Look, header: bool, offset: int, last: bool) -> TableStyle:
    """Backgrounds and rules of a run whose first body row is row ``offset`` of the whole table.

    Fonts, alignment and padding are in ``look.cells``: the commands here leave cells' styles alone,
    which are shared.
    """
    body = 1 if header else 0
    commands: list[tuple[Any, ...]] = []
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), look.header_fill))
    if look.zebra:
        # The stripes go on from the run above: the table's even rows are white.
        stripes = [colors.white, look.zebra] if offset % 2 == 0 else [look.zebra, colors.white]
        commands.append(("ROWBACKGROUNDS", (0, body), (-1, -1), stripes))
    if look.borders:
        commands.append(("GRID", (0, 0), (-1, -1), 0.5, look.borders))
    else:
        if header:
            commands.append(("LINEBELOW", (0, 0), (-1, 0), 1, look.accent))
        if last:
            commands.append(("LINEBELOW", (0, -1), (-1, -1), 0.5, colors.HexColor("#999999")))
    if last and look.totals:
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 1, look.accent))
        commands.append(("BACKGROUND", (0, -1), (-1, -1), colors.white))
    return TableStyle(commands)


class _WholeTable(reportlab_adapter.PlainCellTable):  # type: ignore[misc]
    """A table that goes whole to the next page rather than split, unless it starts a page.

    Unlike a KeepTogether around it, it stays a plain flowable, so a heading or caption
    kept with it (keepWithNext) still travels with it.
    """

    keeps_whole = True
    """Read by the page template's KeepWithNext: a group ending in this table moves as one."""

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        if reportlab_adapter.at_top_of_frame(self) is False:
            return []
        return list(super().split(available_width, available_height))


class _Continuation(Flowable):  # type: ignore[misc]
    """A run of rows that continues the table above it; it shows the header only at the top of a page."""

    def __init__(self, head: Row, body: Body, look: Look, start: int, stop: int) -> None:
        super().__init__()
        self.head, self.body, self.look, self.start, self.stop = head, body, look, start, stop
        self.last = stop == body.count
        self._active: LongTable | None = None
        self._rows: list[Row] | None = None
        self._made: dict[bool, LongTable] = {}
        """The run with and without its header, made when first asked for: reportlab wraps a flowable
        several times before it places it, and making a table styles every one of its cells."""

    def _pick(self) -> LongTable:
        at_top = bool(reportlab_adapter.at_top_of_frame(self))
        if at_top not in self._made:
            if self._rows is None:
                self._rows = self.body.rows(self.start, self.stop)
            self._made[at_top] = _table(self.head, self._rows, self.look, at_top, self.start, self.last)
        self._active = self._made[at_top]
        return self._active

    def inner(self) -> list[Flowable]:
        """The run as a table, for what reads the cells of what is being placed (the notes they cite)."""
        return [self._pick()]

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        table = self._pick()
        self.width, self.height = table.wrap(available_width, available_height)
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        table = self._pick()
        parts = table.split(available_width, available_height)
        if len(parts) != 2 or table.repeatRows:
            return parts  # nothing fits, or it has the header: reportlab repeats it on the next page
        # A run without a header that breaks: its rest is a continuation, which gets the header on the new page.
        done = reportlab_adapter.table_row_count(parts[0])
        rest = _Continuation(self.head, self.body, self.look, self.start + done, self.stop)
        rest._rows = self._rows[done:] if self._rows is not None else None
        return [parts[0], rest]

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N803 (reportlab's name)
        assert self._active is not None, "wrap comes before draw"
        self._active.drawOn(canvas, x, y, _sW)
        self._made.clear()  # drawn: its cells are not needed again
        self._rows = None
