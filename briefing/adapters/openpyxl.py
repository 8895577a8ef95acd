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
import re
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, BinaryIO

from openpyxl import LXML
from openpyxl.cell.cell import Cell
from openpyxl.cell.text import InlineFont
from openpyxl.compat import safe_string
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Font
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.styles.table import TableStyleList
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.workbook import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import Element, xmlfile

if TYPE_CHECKING:
    from pathlib import Path
    from zipfile import ZipFile


class ReadyCellsSheet(WriteOnlyWorksheet):  # type: ignore[misc]
    """A write-only sheet whose rows are lists of cells made beforehand, written as they are.

    openpyxl's write-only sheet turns each appended value into a cell, and takes a cell it is
    given only after failing to convert it, then makes a fresh one: several times the cost of
    writing the cell. Here a row's cells are only placed (row, column, a link's reference).

    openpyxl then writes each cell as several nested XML elements, each through a call of lxml's
    incremental writer: over half the time of a long table's whole build. A row of plain cells (numbers,
    texts, truth values, dates, none; no link, no comment) is written here as the text openpyxl
    writes for it, byte for byte (see ``_RowText``); any other row is left to openpyxl.
    """

    _writer: WorksheetWriter | None

    def _get_writer(self) -> None:
        if self._writer is None:
            writer = _RowsWriter(self) if LXML else WorksheetWriter(self)  # lxml's writer can be flushed
            self._writer = writer
            writer.write_top()

    def _write_rows(self) -> Generator[None, Sequence[Cell], None]:
        # openpyxl's own generator, which append() sends each row to and close() closes, with the
        # rows it can, written as text straight into the sheet's file between flushes of lxml's writer.
        writer = self._writer
        if not isinstance(writer, _RowsWriter):
            yield from super()._write_rows()
            return
        try:
            xf = writer.xf.send(True)
        except StopIteration:
            self._already_saved()
        text = _RowText(self)
        with xf.element("sheetData"):
            xf.flush()  # the start tag is in the file before the first row
            done: list[str] = []
            row_idx = 1
            try:
                while True:
                    cells = yield
                    row = text.row(cells, row_idx)
                    if row is None:
                        _write(writer.file, done)
                        writer.write_row(xf, self._values_to_row(cells, row_idx), row_idx)
                        xf.flush()
                    else:
                        done.append(row)
                        if len(done) >= _ROWS_AT_ONCE:
                            _write(writer.file, done)
                    row_idx += 1
            except GeneratorExit:
                pass
            _write(writer.file, done)
        writer.xf.send(None)

    def _values_to_row(self, values: Iterable[Cell], row_idx: int) -> Iterator[Cell]:
        for col_idx, cell in enumerate(values, 1):
            cell.row, cell.column = row_idx, col_idx
            if cell.hyperlink is not None:
                cell.hyperlink.ref = cell.coordinate
            yield cell


_ROWS_AT_ONCE = 256
"""Rows written as text are gathered this many at a time before they go to the file."""


def _write(file: BinaryIO, rows: list[str]) -> None:
    """Write and forget the rows: ASCII, other characters as references, as openpyxl's XML writer writes them."""
    if rows:
        file.write("".join(rows).encode("ascii", "xmlcharrefreplace"))
        rows.clear()


class _RowsWriter(WorksheetWriter):  # type: ignore[misc]
    """openpyxl's writer of a sheet's XML, its lxml writer writing to a file this writer holds
    (``file``), into which rows are also written as text after the lxml writer is flushed.

    openpyxl opens the file by its name inside lxml, out of reach; ``get_stream`` is openpyxl's own
    but for the file it is given."""

    file: BinaryIO

    def get_stream(self) -> Generator[Any, Any, None]:
        with open(self.out, "wb") as self.file, xmlfile(self.file) as xf:
            with xf.element("worksheet", xmlns=SHEET_MAIN_NS):
                try:
                    while True:
                        sent = yield
                        if sent is True:
                            yield xf
                        elif sent is not None:
                            xf.write(sent)
                except GeneratorExit:
                    pass


_TYPES = {"s": "inlineStr", "d": "n"}
_SURROGATE = re.compile("[\ud800-\udfff]")
"""Half of a character pair, alone: no XML can hold it (openpyxl's writer refuses it; a reference is not XML)."""
"""openpyxl's ``t`` attribute for a cell's data type where it is not the type itself (dates as numbers)."""


def opening(cell: Cell) -> str | None:
    """The attributes after a cell's reference as openpyxl writes them (its style's id where it has
    a style, its type), or None for a cell ``_RowText`` leaves to openpyxl (a formula)."""
    kind = cell.data_type
    if kind not in ("n", "s", "b", "d"):
        return None
    styled = f' s="{cell.style_id}"' if cell.has_style else ""
    return f'{styled} t="{_TYPES.get(kind, kind)}"'


class _RowText:
    """The XML openpyxl writes for a row of a sheet (``WorksheetWriter.write_row``), made as text."""

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        workbook = sheet.parent
        self.sheet = sheet
        self.usable = not workbook.iso_dates  # ISO dates, not written as numbers, are left to openpyxl
        self.epoch = workbook.epoch
        self.letters: list[str] = []
        self.dates: dict[Any, str] = {}
        """Days since the epoch, written: a date repeated down a column is converted once."""

    def row(self, cells: Sequence[Cell], row_idx: int) -> str | None:
        """The row's XML, or None where a cell needs openpyxl (a link, a comment, rich text, a formula...)."""
        if not self.usable:
            return None
        letters = self.letters
        while len(letters) < len(cells):
            letters.append(get_column_letter(len(letters) + 1))
        number = str(row_idx)
        extra = self.sheet.row_dimensions.get(row_idx)
        if extra is None:
            parts = [f'<row r="{number}">']
        elif type(extra) is dict:  # as set_row_height sets it
            parts = [f'<row r="{number}" ht="{extra["ht"]}" customHeight="1">']
        else:
            return None
        add = parts.append
        for letter, cell in zip(letters, cells, strict=False):  # letters: at least as many as cells
            if cell._hyperlink is not None or cell._comment is not None:
                return None
            attrs = cell.opening if isinstance(cell, RefilledCell) else opening(cell)
            if attrs is None:
                return None
            value = cell._value
            kind = type(value)
            if kind is float or kind is int or kind is bool:
                if cell.data_type == "s":
                    return None
                # safe_string's "%.16g", and nothing for NaN and the infinities (x - x is NaN for them)
                add(f'<c r="{letter}{number}"{attrs}><v>{f"{value:.16g}" if value - value == 0 else ""}</v></c>')
            elif value is None or value == "":
                if value is None and " s=" not in attrs:
                    continue  # an empty cell of no style is not written
                add(f'<c r="{letter}{number}"{attrs}></c>')
            elif cell.data_type == "s":
                if not isinstance(value, str) or not value.isascii() and _SURROGATE.search(value):
                    return None  # a lone half of a pair: openpyxl's writer refuses it, as it did
                space = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
                text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
                add(f'<c r="{letter}{number}"{attrs}><is><t{space}>{text}</t></is></c>')
            elif cell.data_type == "d":
                written = self._date(value)
                if written is None:
                    return None
                add(f'<c r="{letter}{number}"{attrs}><v>{written}</v></c>')
            else:
                return None
        parts.append("</row>")
        return "".join(parts)

    def _date(self, value: Any) -> str | None:
        written = self.dates.get(value)
        if written is None:
            if getattr(value, "tzinfo", None) is not None:
                return None  # openpyxl refuses it
            if len(self.dates) >= 4096:
                self.dates.clear()
            written = self.dates[value] = safe_string(to_excel(value, self.epoch))
        return written


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
        self.opening = opening(self)
        """What ``_RowText`` writes after the cell's reference, made once for its style and type."""

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
