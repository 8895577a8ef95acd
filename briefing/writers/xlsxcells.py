"""Excel cells: typed values, fonts in Excel's element order, rich text and links between sheets."""

from __future__ import annotations

import datetime as dt

from openpyxl.cell.cell import Cell as XLCell
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Font
from openpyxl.utils import quote_sheetname
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from ..model import Cell, Inline
from . import common

MAX_CELL_CHARS = 32_767
"""Excel refuses longer cell texts."""
WRAP = Alignment(wrap_text=True, vertical="top")
"""Text that wraps in its cell, from the top."""


def link(cell: XLCell, sheet: str) -> None:
    """Make a cell a link to the top of another sheet."""
    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"{quote_sheetname(sheet)}!A1")


def put(sheet: Worksheet, row: int, col: int, value: Cell | CellRichText, style: str | None = None) -> XLCell:
    """Store a value in a cell with its type: text stays text, dates look like dates.

    ``style`` names a cell style (a NamedStyle of the workbook) the cell takes first.
    """
    cell = sheet.cell(row, col)
    if style is not None:
        cell.style = style  # before the value's own number format, which it would reset
    if isinstance(value, str):
        cell.value = common.xml_safe(value)[:MAX_CELL_CHARS]
        # openpyxl takes a leading "=" as a formula; a spec's text never is one.
        cell.data_type = "s"
        return cell
    if isinstance(value, dt.datetime):
        cell.value = value.replace(tzinfo=None)
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    cell.value = value
    if isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, bool):
        cell.number_format = '"Yes";"Yes";"No"'  # reads as in the documents
    return cell


# openpyxl writes font properties name-first; Excel (and the Open XML SDK's
# validator) expect them in this order. The subclasses below only reorder.
_EXCEL_FONT_ORDER = ("b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz", "color")


class XFont(Font):
    """A cell font written in Excel's element order."""

    __elements__ = (*_EXCEL_FONT_ORDER, "name", "family", "charset", "scheme")
    __nested__ = Font.__nested__  # openpyxl's metaclass would recompute these from the class body
    __attrs__ = Font.__attrs__


class RunFont(InlineFont):
    """A rich-text run font written in Excel's element order."""

    __elements__ = (*_EXCEL_FONT_ORDER, "rFont", "family", "charset", "scheme")
    __nested__ = InlineFont.__nested__
    __attrs__ = InlineFont.__attrs__


def rich(text: Inline, base: Font) -> str | CellRichText:
    """Spans as rich text, or a plain string when nothing is formatted."""
    if all(not (s.bold or s.italic or s.href) for s in text):
        return "".join(s.text for s in text)
    blocks: list[str | TextBlock] = []
    for span in text:
        font = RunFont(
            rFont=base.name,  # rich text needs its font named
            b=span.bold or base.b or None,
            i=span.italic or None,
            sz=base.sz,
            color=common.LINK_RGB if span.href else (base.color.rgb if base.color else None),
            u="single" if span.href else None,
        )
        blocks.append(TextBlock(font, common.xml_safe(span.text)))
    return CellRichText(blocks)
