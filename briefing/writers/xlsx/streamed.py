"""Excel cells and streamed sheets: typed values, fonts in Excel's element order, rich text, links."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
from collections.abc import Sequence
from functools import cache

from openpyxl.cell.cell import Cell as XLCell
from openpyxl.cell.cell import WriteOnlyCell
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.styles import Alignment, Font
from openpyxl.utils import quote_sheetname
from openpyxl.workbook import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink

from ...adapters import openpyxl as openpyxl_adapter
from ...layout import colours
from ...model import Cell, Inline, Span, plain
from ...style import script_runs, scripts_in, sole_script
from .. import markup

MAX_CELL_CHARS = 32_767
"""Excel refuses longer cell texts."""
WRAP = Alignment(wrap_text=True, vertical="top")
"""Text that wraps in its cell, from the top."""
XFont = openpyxl_adapter.ExcelOrderFont
"""A cell font, written in Excel's element order."""
RunFont = openpyxl_adapter.ExcelOrderRunFont
"""A rich-text run's font, written in Excel's element order."""


class Sheet(openpyxl_adapter.ReadyCellsSheet):
    """A streamed sheet: rows go to disk as they are added, so a big table is never held twice.

    Its rows are lists of cells made beforehand, written as they are (see ReadyCellsSheet).
    Column widths, frozen panes and sheet properties go out with the first row, so they
    are set before it; a row's height before that row.
    """

    def __init__(self, parent: Workbook, title: str) -> None:
        super().__init__(parent, title)
        self.rows = 0
        """Rows added so far; the next row is ``rows + 1``."""

    def add(self, cells: Sequence[XLCell] = (), height: float | None = None) -> int:
        """Write the next row from cells in columns A, B, ...; returns its number."""
        if height is not None:
            openpyxl_adapter.set_row_height(self, self.rows + 1, height)
        self.append(cells)
        self.rows += 1
        if height is not None:  # written with the row: not held for the rest of a long sheet
            del self.row_dimensions[self.rows]
        return self.rows

    def skip_to(self, row: int) -> None:
        """Leave rows empty up to, not including, ``row``."""
        while self.rows < row - 1:
            self.add()


class Slot(openpyxl_adapter.RefilledCell):
    """A cell reused down a table column for the values of one type: styled once, refilled row by row
    (``refill``) with each value as ``make`` would store it."""

    def __init__(self, like: XLCell) -> None:
        super().__init__(like, plain_value)


def add_sheet(workbook: Workbook, title: str, index: int | None = None) -> Sheet:
    """A new streamed sheet in ``workbook``, last or at ``index``."""
    sheet = Sheet(workbook, title)
    openpyxl_adapter.insert_sheet(workbook, sheet, index)
    return sheet


def discard(workbook: Workbook) -> None:
    """Close the sheets of a workbook that will not be saved, and remove their temporary files."""
    for sheet in workbook.worksheets:
        writer = openpyxl_adapter.sheet_file_writer(sheet)
        if writer is None:
            continue
        with contextlib.suppress(Exception):  # a sheet left half-written by the failure
            if not sheet.closed:
                sheet.close()
        with contextlib.suppress(OSError, ValueError):  # already removed by a save that failed later
            writer.cleanup()


def link(cell: XLCell, sheet: str) -> None:
    """Make a cell a link to the top of another sheet."""
    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"{quote_sheetname(sheet)}!A1")


def make(sheet: Sheet, value: Cell | CellRichText, style: str | None = None) -> XLCell:
    """A cell holding a value with its type: text stays text, dates look like dates.

    ``style`` names a cell style (a NamedStyle of the workbook) the cell takes first.
    """
    cell = WriteOnlyCell(sheet)
    if style is not None:
        cell.style = style  # before the value's own number format, which it would reset
    cell.value = value if isinstance(value, CellRichText) else plain_value(value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl takes a leading "=" as a formula; a spec's text never is one
    elif isinstance(value, dt.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, bool):
        cell.number_format = '"Yes";"Yes";"No"'  # reads as in the documents
    return cell


def text(value: str) -> str:
    """A text as a cell can hold it: XML-safe, within Excel's length."""
    return markup.xml_safe(value)[:MAX_CELL_CHARS]


def plain_value(value: Cell) -> Cell:
    """A value as ``make`` stores it, for a cell whose type and style are already set."""
    if isinstance(value, str):
        return text(value)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return value


def rich(text: Inline, base: Font) -> str | CellRichText:
    """Spans as rich text, or a plain string when nothing is formatted.

    Text of a script with a bundled font of its own (Arabic, N'Ko…) is a run naming that
    font, as Word and the PDF set it: Excel takes a cell's font for every script otherwise.
    """
    if all(not (s.bold or s.italic or s.href) for s in text) and not scripts_in(plain(text)):
        return "".join(s.text for s in text)
    blocks: list[str | TextBlock] = []
    colour = base.color.rgb if base.color else None
    for span in text:
        for part, script in script_runs(markup.xml_safe(span.text)):
            name = script.family.name if script else base.name  # rich text needs its font named
            look = (bool(span.bold or base.b), span.italic, base.sz, colour, span.href is not None)
            blocks.append(TextBlock(_run_font(name, *look), part))
    return CellRichText(blocks)


@cache
def _run_font(name: str, bold: bool, italic: bool, size: float | None, colour: str | None, link: bool) -> RunFont:
    """A run's font, made once for each look: a long table's runs share it."""
    return RunFont(
        rFont=name,
        b=bold or None,
        i=italic or None,
        sz=size,
        color=colours.LINK_RGB if link else colour,
        u="single" if link else None,
    )


def own_font(text: str, base: Font) -> Font:
    """The font of a cell that must hold plain text (a table's header, a totals label): ``base``,
    or ``base`` in a script's bundled font where every letter of the text is of that script."""
    script = sole_script(text)
    if script is None:
        return base
    font = copy.copy(base)
    font.name = script.family.name
    return font


def row_height(em: float, size: float) -> float:
    """The height in points of a row of one line ``em`` ems tall at ``size`` points, with Excel's room
    above and below."""
    return em * size + 2


class RightToLeftText(CellRichText):
    """Rich text holding right-to-left letters: a table cell of it starts at the right, as in the
    other formats. A type of its own, so that table columns keep a cell for it apart (see Slot)."""


def scripted(value: str, base: Font) -> CellRichText:
    """Text mixing a script of its own font with others', as rich text naming each run's font."""
    text = rich((Span(value),), base)
    assert isinstance(text, CellRichText)
    return RightToLeftText(text) if markup.has_rtl(value) else text
