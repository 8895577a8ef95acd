"""openpyxl's internals: streamed sheets of ready cells, cells refilled row by row, the workbook's
default font and table styles, and fonts written in Excel's element order.

A workbook read as a data file has its shared strings read by briefing (``read_only_workbook``).
A streamed sheet's links are written when it closes, so their places may be set later (``link_placed_later``).

openpyxl's write-only sheet lives in a private module and converts each value it is given into
a cell; a cell's style id, the workbook's font list and its table and differential styles are
private too. Each use is here, named for what it does.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from openpyxl.cell.cell import Cell
from openpyxl.cell.text import InlineFont
from openpyxl.compat import safe_string
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Font
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.styles.table import TableStyleList
from openpyxl.workbook import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.functions import Element

if TYPE_CHECKING:
    from pathlib import Path
    from zipfile import ZipFile


class ReadyCellsSheet(WriteOnlyWorksheet):  # type: ignore[misc]
    """A write-only sheet whose rows are lists of cells made beforehand, written as they are.

    openpyxl's write-only sheet turns each appended value into a cell, and takes a cell it is
    given only after failing to convert it, then makes a fresh one: several times the cost of
    writing the cell. Here a row's cells are only placed (row, column, a link's reference).
    """

    def _values_to_row(self, values: Iterable[Cell], row_idx: int) -> Iterator[Cell]:
        for col_idx, cell in enumerate(values, 1):
            cell.row, cell.column = row_idx, col_idx
            if cell.hyperlink is not None:
                cell.hyperlink.ref = cell.coordinate
            yield cell


def link_placed_later(cell: Cell) -> Hyperlink:
    """Make ``cell`` a link within the workbook whose place (its ``location``, "'Table 2'!A1") may be set
    after the cell's row is written, up to the saving of the workbook: a streamed sheet keeps its links'
    objects as they are and writes them only when it is closed, so a link may name a sheet made later."""
    link = Hyperlink(ref=cell.coordinate)
    cell.hyperlink = link
    return link


def insert_sheet(workbook: Workbook, sheet: ReadyCellsSheet, index: int | None = None) -> None:
    """Add a sheet made apart to ``workbook``, last or at ``index``: what ``create_sheet`` does for the
    sheet it makes itself."""
    workbook._add_sheet(sheet, index)


def sheet_file_writer(sheet: WriteOnlyWorksheet) -> Any | None:
    """The writer of a streamed sheet's temporary file (its ``cleanup`` removes the file); None
    before the sheet's first row."""
    return sheet._writer


class RefilledCell(Cell):  # type: ignore[misc]
    """A cell with the style and type of ``like``, given one value after another.

    A streamed row is written out as it is added, so one cell can carry each row's value in turn;
    its style's id in the workbook is looked up once rather than for every row. Numbers, the most
    of a long table, are stored as they are; other values as ``convert`` gives them, unchecked.
    """

    def __init__(self, like: Cell, convert: Callable[[Any], Any]) -> None:
        super().__init__(like.parent, value=like.value, style_array=copy.copy(like._style))
        self.data_type = like.data_type  # text stays text, whatever it starts with
        self._convert = convert
        self._style_id: int = self.parent.parent._cell_styles.add(self._style)

    @property
    def style_id(self) -> int:
        return self._style_id

    def refill(self, value: Any) -> None:
        """Hold ``value``, of the first value's type."""
        self._value = value if type(value) in (int, float) else self._convert(value)


def set_row_height(sheet: WriteOnlyWorksheet, row: int, height: float) -> None:
    """Give ``row`` of a streamed sheet ``height`` points, before the row is written.

    openpyxl writes a row's attributes from what its row dimension yields; making a row dimension
    (a dozen checked fields) for each row of a long table of wrapped text took a third of its time,
    so the row gets the attributes themselves, made once for each height."""
    sheet.row_dimensions[row] = _row_attributes(height)


@cache
def _row_attributes(height: float) -> dict[str, str]:
    return {"ht": safe_string(height), "customHeight": "1"}


def set_default_font(workbook: Workbook, font: Font) -> None:
    """The workbook's default font: the first of its font list, the one every unstyled cell takes."""
    workbook._fonts[0] = font


def table_styles(workbook: Workbook) -> TableStyleList:
    """The workbook's own table styles, written out with it; a style added here can be named by a table."""
    styles: TableStyleList = workbook._table_styles
    return styles


def add_differential_style(workbook: Workbook, style: DifferentialStyle) -> int:
    """Add a differential style (a fill a table style applies) to the workbook; returns its id."""
    return int(workbook._differential_styles.add(style))


# openpyxl writes font properties name-first; Excel (and the Open XML SDK's validator) expect them
# in this order. The subclasses below only reorder, through openpyxl's serialisation attributes.
_EXCEL_FONT_ORDER = ("b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz", "color")


class ExcelOrderFont(Font):  # type: ignore[misc]
    """A cell font written in Excel's element order."""

    __elements__ = (*_EXCEL_FONT_ORDER, "name", "family", "charset", "scheme")
    __nested__ = Font.__nested__  # openpyxl's metaclass would recompute these from the class body
    __attrs__ = Font.__attrs__


class ExcelOrderRunFont(InlineFont):  # type: ignore[misc]
    """A rich-text run font written in Excel's element order."""

    __elements__ = (*_EXCEL_FONT_ORDER, "rFont", "family", "charset", "scheme")
    __nested__ = InlineFont.__nested__
    __attrs__ = InlineFont.__attrs__


SharedStrings = Callable[["ZipFile", str], list[str]]
"""Reads a workbook's shared strings part (the archive, the part's name) into the list a sheet's cells index."""


def read_only_workbook(path: Path, shared_strings: SharedStrings) -> Workbook:
    """A workbook opened read-only for its values, its shared strings read by ``shared_strings``, not by openpyxl.

    openpyxl reads the whole shared strings part into a list before any row, with no way to
    bound it; its reader (``load_workbook``'s ExcelReader) has the read as a method of its own,
    which a subclass replaces, and the list it leaves in ``shared_strings`` is what cells index.
    """
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.xml.constants import SHARED_STRINGS

    class Reader(ExcelReader):  # type: ignore[misc]
        def read_strings(self) -> None:
            part = self.package.find(SHARED_STRINGS)
            if part is not None:
                self.shared_strings = shared_strings(self.archive, part.PartName[1:])

    reader = Reader(path, read_only=True, data_only=True)
    reader.read()
    book: Workbook = reader.wb
    return book


def sheet_part(sheet: Any) -> str:
    """The path inside the workbook's archive of a read-only sheet's XML."""
    path: str = sheet._worksheet_path
    return path


class _Untitled:
    """Writes its chart's ``c:autoTitleDeleted``: without it Excel titles a chart of one series with
    the series' name. openpyxl has no attribute for it; its ``_write`` makes the chart's XML."""

    def _write(self) -> Any:
        tree = super()._write()  # type: ignore[misc]
        container = tree.find("chart")
        container.insert(0, Element("autoTitleDeleted", val="1"))  # first: c:title, before it, is never written
        return tree


_SERIALISED = ("__elements__", "__attrs__", "__nested__", "__namespaced__")
"""What openpyxl's metaclass makes from a class's own body: a subclass keeps its base's."""


def untitled_chart(base: type[Any]) -> type[Any]:
    """A kind of chart (``BarChart``...) that Excel gives no title of its own."""
    made = type(base.__name__, (_Untitled, base), {})
    for name in _SERIALISED:  # set after the class is made: the metaclass recomputes them from the body
        setattr(made, name, getattr(base, name))
    return made


class DescribedChartsWriter(ExcelWriter):  # type: ignore[misc]
    """openpyxl's ``ExcelWriter``, which also writes each chart's and picture's alternative text: the
    ``descr`` of the frame that holds it in its sheet's drawing (see ``describe``).

    openpyxl names a chart's frame ("Chart 1") and describes none, and describes every picture as
    "Picture"; the frames are made in the drawing's private ``_chart_frame`` and ``_picture_frame``
    while the workbook is written, and the drawing in ``write_worksheet``.
    """

    def write_worksheet(self, ws: Any) -> None:
        super().write_worksheet(ws)
        drawing = _DescribedDrawing()
        drawing.charts, drawing.images = ws._drawing.charts, ws._drawing.images
        ws._drawing = drawing


class _DescribedDrawing(SpreadsheetDrawing):  # type: ignore[misc]
    def _chart_frame(self, idx: int) -> Any:
        frame = super()._chart_frame(idx)
        described = getattr((self.charts + self.images)[idx - 1], _DESCRIPTION, None)  # idx counts from 1
        if described:
            frame.nvGraphicFramePr.cNvPr.descr = described
        return frame

    def _picture_frame(self, idx: int) -> Any:
        frame = super()._picture_frame(idx)
        described = getattr((self.charts + self.images)[idx - 1], _DESCRIPTION, None)
        if described:
            frame.nvPicPr.cNvPr.descr = described
        return frame


for _name in _SERIALISED:  # as for an untitled chart: the metaclass made them from the subclass's own body
    setattr(_DescribedDrawing, _name, getattr(SpreadsheetDrawing, _name))

_DESCRIPTION = "briefing_description"
"""The attribute a chart's or picture's alternative text is kept in until its frame is written."""


def describe(drawn: Any, text: str) -> None:
    """Give a chart or picture the alternative text ``DescribedChartsWriter`` writes on its frame."""
    setattr(drawn, _DESCRIPTION, text)
