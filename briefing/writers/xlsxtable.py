"""Excel table sheets: typed, number-formatted cells in a real Excel table, with a totals row that follows filters."""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.styles.fills import PatternFill as DxfFill
from openpyxl.styles.table import TableStyle as XLTableStyle
from openpyxl.styles.table import TableStyleElement
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook import Workbook
from openpyxl.worksheet.table import Table as XLTable
from openpyxl.worksheet.table import TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from ..model import Aggregate, Cell, Table
from ..numbers import excel_format, fits
from ..style import TableLook
from . import common
from .xlsxcells import WRAP, put

SHEET_ROWS = 1_048_576
"""Rows in an Excel sheet."""
WIDEST_COLUMN = 60
"""Table columns are no wider than this, in characters; longer texts wrap."""
SUBTOTAL = {"sum": 109, "mean": 101, "count": 103}
"""SUBTOTAL's function numbers that leave out rows hidden by a filter."""
BODY_STYLE, WRAPPED_STYLE = "Briefing table", "Briefing table, wrapped"
"""The cell styles of table bodies, as Excel's Cell Styles list shows them."""


def sheet_capacity() -> int:
    """Body rows one sheet holds, under its header and above a totals row."""
    return SHEET_ROWS - 2


def chunks(rows: int, split: bool) -> list[range] | None:
    """The rows of each sheet a table fills; None when it needs more than one and may not split."""
    capacity = sheet_capacity()
    if rows <= capacity:
        return [range(0, rows)]
    if not split:
        return None
    return [range(start, min(start + capacity, rows)) for start in range(0, rows, capacity)]


@dataclass
class Grid:
    """Writes table sheets in one workbook's house look; numbers its Excel tables."""

    workbook: Workbook
    look: TableLook
    font: Callable[..., Font]
    """Makes a cell font in the body face: ``font(bold=True, color=...)``."""
    accent: str
    tables: int = 0

    def __post_init__(self) -> None:
        # One object per style, set on every cell: openpyxl finds a style it has seen by identity
        # at once, but compares an equal copy field by field, which triples the time of big tables.
        self.bold_font = self.font(bold=True)
        self.head_font = self.font(bold=True, color=self.look.header_text)
        self.head_fill = PatternFill("solid", fgColor=self.look.header_fill)
        side = Side(style="thin", color=self.look.borders) if self.look.borders else None
        self.border = Border(left=side, right=side, top=side, bottom=side) if side else None
        self.total_border = Border(top=Side(style="medium", color=self.accent))
        # Body cells take a cell style by name: openpyxl copies a named style's ids, where setting
        # a border on each cell would compare it field by field with the ones it has.
        for name, alignment in ((BODY_STYLE, Alignment()), (WRAPPED_STYLE, WRAP)):
            cell_style = NamedStyle(name, font=self.font(), border=self.border or Border(), alignment=alignment)
            self.workbook.add_named_style(cell_style)

    def write(self, sheet: Worksheet, table: Table, cols: list[common.Column], rows: range, top: int = 1) -> int:
        """Header (in row ``top``), body rows and an Excel table on ``sheet``; returns the last row used."""
        names = header_names(table.columns)
        self._header(sheet, names, cols, top)
        formats = [excel_format(c.format) if c.format else ("#,##0" if c.grouped else None) for c in cols]
        styles = [WRAPPED_STYLE if c.weight + 2 > WIDEST_COLUMN else BODY_STYLE for c in cols]
        # A cell's whole style follows from its column and its value's type: the first such cell is
        # styled in full, the others copy its style ids, which is all openpyxl keeps per cell.
        seen: dict[tuple[int, type], StyleArray] = {}
        for row_no, index in enumerate(rows, top + 1):
            for col, value in enumerate(table.rows[index], 1):
                key = (col, type(value))
                if key in seen:
                    put(sheet, row_no, col, value)._style = copy.copy(seen[key])
                    continue
                cell = put(sheet, row_no, col, value, styles[col - 1])
                number_format = formats[col - 1]
                if number_format and _formattable(value, cols[col - 1]):
                    cell.number_format = number_format
                seen[key] = copy.copy(cell._style)
        last = top + max(len(rows), 1)  # an Excel table has at least one body row
        self._excel_table(sheet, f"A{top}:{get_column_letter(len(cols))}{last}")
        for i, column in enumerate(cols, 1):
            sheet.column_dimensions[get_column_letter(i)].width = min(column.weight * 1.2 + 2, WIDEST_COLUMN)
        if top == 1:
            sheet.freeze_panes = "A2"
            sheet.print_title_rows = "1:1"
        return last

    def totals(
        self, sheet: Worksheet, row: int, table: Table, cols: list[common.Column], bodies: Sequence[tuple[str, int]]
    ) -> None:
        """A totals row of SUBTOTAL formulas over the bodies (sheet name, last row), so filters change it."""
        assert table.totals is not None
        for col, (function, value) in enumerate(zip(table.totals.functions, table.totals.values, strict=True), 1):
            letter = get_column_letter(col)
            cell = sheet.cell(row, col, _formula(function, letter, bodies) if function else value)
            cell.font = self.bold_font
            cell.border = self.total_border
            fmt = cols[col - 1].format
            if function == "count":
                cell.number_format = "#,##0"
            elif function and fmt:
                cell.number_format = excel_format(fmt)

    def _header(self, sheet: Worksheet, names: list[str], cols: list[common.Column], top: int) -> None:
        head_font, head_fill, border = self.head_font, self.head_fill, self.border
        for col, (name, column) in enumerate(zip(names, cols, strict=True), 1):
            cell = put(sheet, top, col, name)
            cell.font, cell.fill = head_font, head_fill
            cell.alignment = Alignment(horizontal="right" if column.numeric else "left", vertical="top")
            if border:
                cell.border = border

    def _excel_table(self, sheet: Worksheet, ref: str) -> None:
        self.tables += 1
        table = XLTable(displayName=f"Table{self.tables}", ref=ref)
        # Banded rows come from the table style, not from cell fills, so they stay banded when sorted.
        table.tableStyleInfo = TableStyleInfo(
            name=self._zebra_style() if self.look.zebra else "TableStyleLight1",
            showRowStripes=bool(self.look.zebra),
        )
        sheet.add_table(table)

    def _zebra_style(self) -> str:
        """A table style whose second row stripe is the house zebra colour, defined once per workbook."""
        name = "Briefing Zebra"
        styles = self.workbook._table_styles  # openpyxl keeps custom table styles here and writes them out
        if not any(s.name == name for s in styles.tableStyle):
            fill = DifferentialStyle(fill=DxfFill(patternType="solid", bgColor=self.look.zebra))
            dxf = self.workbook._differential_styles.add(fill)
            element = TableStyleElement(type="secondRowStripe", dxfId=dxf)
            styles.tableStyle.append(XLTableStyle(name=name, pivot=False, tableStyleElement=[element]))
        return name


def header_names(columns: Sequence[str]) -> list[str]:
    """Column names an Excel table accepts: one line each, no two alike."""
    names: list[str] = []
    for column in columns:
        base = " ".join(common.xml_safe(column).split()) or "Column"
        name, n = base, 1
        while name.lower() in (x.lower() for x in names):
            n += 1
            name = f"{base} ({n})"
        names.append(name)
    return names


def _formula(function: Aggregate, letter: str, bodies: Sequence[tuple[str, int]]) -> str:
    refs = ",".join(f"{quote_sheetname(name)}!{letter}2:{letter}{last}" for name, last in bodies)
    return f"=SUBTOTAL({SUBTOTAL[function]},{refs})"


def _formattable(value: Cell, column: common.Column) -> bool:
    if column.format is None:
        return isinstance(value, int) and not isinstance(value, bool)  # thousands separators
    return fits(column.format, value)
