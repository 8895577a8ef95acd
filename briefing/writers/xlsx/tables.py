"""Excel table sheets: typed, number-formatted cells in a real Excel table, with a totals row that follows filters."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import repeat
from typing import Any

from openpyxl.cell.cell import Cell as XLCell
from openpyxl.cell.cell import WriteOnlyCell
from openpyxl.cell.rich_text import CellRichText
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.styles.fills import PatternFill as DxfFill
from openpyxl.styles.table import TableStyle as XLTableStyle
from openpyxl.styles.table import TableStyleElement
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook import Workbook
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table as XLTable
from openpyxl.worksheet.table import TableColumn, TableStyleInfo

from ...adapters import openpyxl as openpyxl_adapter
from ...layout.geometry import Align, ColumnGeometry, align
from ...layout.looks import TableLook
from ...layout.measure import line_em, script_line_em
from ...layout.sheets import SheetGeometry
from ...layout.tree import sheet_text
from ...model import Aggregate, Cell, Inline, Table, plain
from ...number_formats import LOCALE, date_format, decimals_of, excel_format, fits, plain_format
from ...style import SCRIPT_FONTS, ScriptFont, scripts_in, sole_script
from .. import markup
from .streamed import WRAP, RightToLeftText, Sheet, Slot, make, own_font, row_height, scripted

SHEET_ROWS = 1_048_576
"""Rows in an Excel sheet."""
SUBTOTAL = {"sum": 109, "mean": 101, "count": 103}
"""SUBTOTAL's function numbers that leave out rows hidden by a filter."""
_CELL_PT = 11
"""The size of a table's text in a sheet: the body font's default."""

BODY_STYLE, WRAPPED_STYLE = "Briefing table", "Briefing table, wrapped"
"""The cell styles of table bodies, as Excel's Cell Styles list shows them."""


CAPTION_ROWS = 1
"""Rows above a table sheet's header: its caption."""


def sheet_capacity() -> int:
    """Body rows one sheet holds, under its caption and header and above a totals row."""
    return SHEET_ROWS - CAPTION_ROWS - 2


def chunks(rows: int, split: bool) -> list[range] | None:
    """The rows of each sheet a table fills; None when it needs more than one and may not split."""
    capacity = sheet_capacity()
    if rows <= capacity:
        return [range(0, rows)]
    if not split:
        return None
    return [range(start, min(start + capacity, rows)) for start in range(0, rows, capacity)]


_SIDE: dict[Align, str] = {"start": "left", "end": "right", "right": "right"}
"""Excel's side for where the layout aligns a cell (a right-to-left sheet turns its columns round itself)."""


@dataclass
class Grid:
    """Writes table sheets in one workbook's house look; numbers its Excel tables."""

    workbook: Workbook
    look: TableLook
    """The layout's colours of tables: header fill and text, zebra, grid and rules."""
    font: Callable[..., Font]
    """Makes a cell font in the body face: ``font(bold=True, color=...)``."""
    tables: int = 0

    def __post_init__(self) -> None:
        # One object per style, set on every cell: openpyxl finds a style it has seen by identity
        # at once, but compares an equal copy field by field, which triples the time of big tables.
        self.bold_font = self.font(bold=True)
        self.head_font = self.font(bold=True, color=self.look.header_text)
        self.head_fill = PatternFill("solid", fgColor=self.look.header_fill)
        side = Side(style="thin", color=self.look.borders) if self.look.borders else None
        self.border = Border(left=side, right=side, top=side, bottom=side) if side else None
        self.total_border = Border(top=Side(style="medium", color=self.look.rule))
        # Without a grid, a rule under the header, as in the other formats.
        self.head_border = self.border or Border(bottom=Side(style="medium", color=self.look.rule))
        # Body cells take a cell style by name: openpyxl copies a named style's ids, where setting
        # a border on each cell would compare it field by field with the ones it has.
        # From the top, as wrapped cells are: a row made taller for a wrapped cell reads across from its top.
        for name, alignment in ((BODY_STYLE, Alignment(vertical="top")), (WRAPPED_STYLE, WRAP)):
            cell_style = NamedStyle(name, font=self.font(), border=self.border or Border(), alignment=alignment)
            self.workbook.add_named_style(cell_style)

    def layout(
        self, sheet: Sheet, cols: Sequence[ColumnGeometry], shape: SheetGeometry, header_row: int | None = None
    ) -> None:
        """The layout's column widths, and the caption and header rows kept in view and in print, where
        ``header_row`` is given; before the sheet's first row."""
        for i, column in enumerate(shape.columns, 1):
            sheet.column_dimensions[get_column_letter(i)].width = column.chars
        tall = max((script_line_em(s) for s in SCRIPT_FONTS if any(s.code in c.scripts for c in cols)), default=0.0)
        if tall:
            # Lines of a script set taller than Latin (Arabic): every row of the sheet as tall, said once.
            sheet.sheet_format.defaultRowHeight = row_height(tall, _CELL_PT)
            sheet.sheet_format.customHeight = True
        if header_row is not None:
            sheet.freeze_panes = f"A{header_row + 1}"
            sheet.print_title_rows = f"1:{header_row}"

    def write(
        self,
        sheet: Sheet,
        table: Table,
        cols: Sequence[ColumnGeometry],
        shape: SheetGeometry,
        rows: range,
        worded: Sequence[tuple[int, int, Inline]] = (),
    ) -> int:
        """Header (in the sheet's next row), body rows, each as tall as the layout's lines for it, and an
        Excel table; returns the last row used. The cells the layout words itself (``worded``: row, column
        and text, row -1 the header) hold that text, their notes' numbers in it."""
        texts = {(row, col): Worded(plain(sheet_text(text))) for row, col, text in worded}
        names = header_names([texts.get((-1, i), name) for i, name in enumerate(table.columns)])
        top = sheet.add(self._header(sheet, names, cols), height=_height(names))
        formats = [excel_format(c.format) if c.format else ("#,##0" if c.grouped else None) for c in cols]
        unformatted = [c.format is None and c.grouped for c in cols]
        """Columns whose numbers show as the documents show a number without a format (``plain_format``)."""
        styles = [WRAPPED_STYLE if c.wraps else BODY_STYLE for c in shape.columns]
        # A cell's whole look follows from its column and its value's type: the first such cell
        # is made in full, and later rows refill it (see Slot).
        slots: list[dict[Any, Slot]] = [{} for _ in cols]
        fill = partial(self._slot, sheet, cols, formats, styles)
        assert rows.step == 1, "a table's rows go to a sheet in order"
        body: Iterable[Sequence[Cell]] = table.rows.between(rows.start, rows.stop)
        if texts:
            body = _worded(body, rows.start, texts)
        # Rows of one line keep the sheet's height; only a table with wrapping columns has others.
        lines = shape.row_lines(rows.start, rows.stop) if shape.wraps else repeat(1)
        if any(c.scripts for c in cols):  # as the layout found: most tables need no look at each value
            self._scripted_rows(sheet, body, slots, fill, zip(lines, repeat(shape.line_pt)), unformatted)
        else:
            line = shape.line_pt
            for values, count in zip(body, lines, strict=False):  # lines may be endless ones
                cells = []
                for col, value in enumerate(values):
                    # A float of a column without a format shows its own decimals: a cell for each count.
                    key: Any = (float, decimals_of(value)) if unformatted[col] and type(value) is float else type(value)
                    slot = slots[col].get(key)
                    if slot is None:
                        slot = slots[col][key] = fill(col, value)
                    else:
                        slot.refill(value)
                    cells.append(slot)
                sheet.add(cells, height=count * line if count > 1 else None)
        if not rows:
            sheet.add()  # an Excel table has at least one body row
        last = sheet.rows
        self._excel_table(sheet, names, f"A{top}:{get_column_letter(len(cols))}{last}")
        return last

    def _slot(
        self,
        sheet: Sheet,
        cols: Sequence[ColumnGeometry],
        formats: Sequence[str | None],
        styles: Sequence[str],
        col: int,
        value: Cell | CellRichText,
        script: ScriptFont | None = None,
    ) -> Slot:
        """The cell a column's values of one kind refill: its style, number format, and for text of
        a script with a font of its own, that font; a right-to-left text starts at the right."""
        cell = make(sheet, value, styles[col])
        if formats[col] and cols[col].format is None and _formattable(value, cols[col]):
            cell.number_format = plain_format(value)  # type: ignore[arg-type]  # a number, as _formattable says
        elif formats[col] and _formattable(value, cols[col]):
            cell.number_format = formats[col]
        elif type(value) is dt.date and cols[col].locale != LOCALE:
            cell.number_format = date_format(cols[col].locale)  # as the layout words it: "1 déc. 2026"
        if script is not None:
            cell.font = own_font(str(value), self.font())
        if isinstance(value, RightToLeftText) or (script is not None and script.rtl):  # the layout's "right"
            kept = cell.alignment
            cell.alignment = Alignment("right", kept.vertical, wrap_text=kept.wrap_text)
        elif isinstance(value, Worded):  # text now, where the column's numbers stand at its end
            kept = cell.alignment
            cell.alignment = Alignment(_SIDE[align(cols[col], value)], kept.vertical, wrap_text=kept.wrap_text)
        return Slot(cell)

    def _scripted_rows(
        self,
        sheet: Sheet,
        body: Iterable[Sequence[Cell]],
        slots: list[dict[Any, Slot]],
        fill: Callable[..., Slot],
        lines: Iterable[tuple[int, float]],
        unformatted: Sequence[bool],
    ) -> None:
        """Rows of a table whose text uses scripts with fonts of their own: a text all in one script is
        a plain string in a cell naming its font; one mixing scripts is rich text naming each run's.
        Where the sheet's rows were not made as tall as its scripts set lines, each such row is; a row
        of several lines (``lines``: the count and a line's height) has as many."""
        font = self.font()
        by_row = sheet.sheet_format.customHeight is not True
        default = sheet.sheet_format.defaultRowHeight if not by_row else 0.0
        for values, (count, line) in zip(body, lines, strict=False):  # lines may be endless ones
            cells, em = [], 0.0
            for col, value in enumerate(values):
                kept: Cell | CellRichText = value
                key: Any = type(value)
                if unformatted[col] and type(value) is float:
                    key = (float, decimals_of(value))  # its own decimals, as in the body's plain rows
                script = None
                if type(value) is str and not value.isascii():
                    script = sole_script(value)
                    if script is not None:
                        key = (str, script.code)
                    elif scripts_in(value):
                        kept = scripted(value, font)
                        key = type(kept)
                if by_row and key is not type(value):
                    em = max(em, line_em(str(value)))
                slot = slots[col].get(key)
                if slot is None:
                    slot = slots[col][key] = fill(col, kept, script)
                else:
                    slot.refill(kept)
                cells.append(slot)
            tall = max(row_height(em, _CELL_PT) if em else 0.0, default)
            sheet.add(cells, height=count * max(line, tall) if count > 1 else (tall if em else None))

    def totals(
        self, sheet: Sheet, table: Table, cols: Sequence[ColumnGeometry], bodies: Sequence[tuple[str, int, int]]
    ) -> None:
        """A totals row of SUBTOTAL formulas over the bodies (sheet name, first and last row), so filters
        change it."""
        assert table.totals is not None
        cells = []
        for col, (function, value) in enumerate(zip(table.totals.functions, table.totals.values, strict=True), 1):
            formula = _formula(function, get_column_letter(col), bodies) if function else None
            cell = WriteOnlyCell(sheet, formula) if formula else make(sheet, value)
            cell.font = own_font(value, self.bold_font) if isinstance(value, str) else self.bold_font
            cell.border = self.total_border
            fmt = cols[col - 1].format
            if function == "count":
                cell.number_format = "#,##0"
            elif function and fmt:
                cell.number_format = excel_format(fmt)
            elif function and cols[col - 1].grouped and _formattable(value, cols[col - 1]):
                # Grouped, with the decimals the documents show (a mean's too).
                cell.number_format = plain_format(value)  # type: ignore[arg-type]  # a number, as _formattable says
            cells.append(cell)
        sheet.add(cells)

    def _header(self, sheet: Sheet, names: list[str], cols: Sequence[ColumnGeometry]) -> list[XLCell]:
        head_font, head_fill, border = self.head_font, self.head_fill, self.head_border
        cells = []
        for name, column in zip(names, cols, strict=True):
            cell = make(sheet, name)
            cell.font, cell.fill = own_font(name, head_font), head_fill
            side = _SIDE[align(column, name)]  # where the layout aligns it: a number's end, or the right
            cell.alignment = Alignment(horizontal=side, vertical="top")
            if border:
                cell.border = border
            cells.append(cell)
        return cells

    def _excel_table(self, sheet: Sheet, names: list[str], ref: str) -> None:
        self.tables += 1
        # The columns are named here: openpyxl would read them from the header cells, which a
        # streamed sheet has already written out.
        columns = [TableColumn(id=i, name=name) for i, name in enumerate(names, 1)]
        table = XLTable(displayName=f"Table{self.tables}", ref=ref, tableColumns=columns, autoFilter=AutoFilter(ref))
        # Banded rows come from the table style, not from cell fills, so they stay banded when sorted.
        table.tableStyleInfo = TableStyleInfo(
            name=self._zebra_style() if self.look.zebra else "TableStyleLight1",
            showRowStripes=bool(self.look.zebra),
        )
        with warnings.catch_warnings():
            # openpyxl reminds every write-only sheet to name its table columns, as done above.
            warnings.filterwarnings("ignore", "In write-only mode you must add table columns", UserWarning)
            sheet.add_table(table)

    def _zebra_style(self) -> str:
        """A table style whose second row stripe is the house zebra colour, defined once per workbook."""
        name = "Briefing Zebra"
        styles = openpyxl_adapter.table_styles(self.workbook)
        if not any(s.name == name for s in styles.tableStyle):
            fill = DifferentialStyle(fill=DxfFill(patternType="solid", bgColor=self.look.zebra))
            dxf = openpyxl_adapter.add_differential_style(self.workbook, fill)
            element = TableStyleElement(type="secondRowStripe", dxfId=dxf)
            styles.tableStyle.append(XLTableStyle(name=name, pivot=False, tableStyleElement=[element]))
        return name


class Worded(str):
    """A cell's text as the layout words it (a value with its note's mark, "41[3]"): text, aligned where
    the layout aligns its column's cells. A type of its own, so that table columns keep a cell for it apart."""


def _worded(
    body: Iterable[Sequence[Cell]], start: int, texts: dict[tuple[int, int], Worded]
) -> Iterator[Sequence[Cell]]:
    """The body's rows from row ``start``, each cell the layout words itself holding its text instead of its value."""
    rows = {row for row, _ in texts}
    for row, values in enumerate(body, start):
        yield [texts.get((row, col), v) for col, v in enumerate(values)] if row in rows else values


def _height(names: Sequence[str]) -> float | None:
    """A header's height where a script's font sets a name in taller lines than the body's (Arabic), else None."""
    em = max((line_em(name) for name in names), default=0.0)
    return row_height(em, _CELL_PT) if em else None


def header_names(columns: Sequence[str]) -> list[str]:
    """Column names an Excel table accepts: one line each, no two alike."""
    names: list[str] = []
    for column in columns:
        base = " ".join(markup.xml_safe(column).split()) or "Column"
        name, n = base, 1
        while name.lower() in (x.lower() for x in names):
            n += 1
            name = f"{base} ({n})"
        names.append(name)
    return names


def _formula(function: Aggregate, letter: str, bodies: Sequence[tuple[str, int, int]]) -> str:
    refs = ",".join(f"{quote_sheetname(name)}!{letter}{first}:{letter}{last}" for name, first, last in bodies)
    return f"=SUBTOTAL({SUBTOTAL[function]},{refs})"


def _formattable(value: Cell, column: ColumnGeometry) -> bool:
    if column.format is None:  # thousands separators and decimals, as the documents show them
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return fits(column.format, value)
