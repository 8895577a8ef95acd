"""A workbook's sheet read by python-calamine, once a scan of its XML shows calamine can read it safely.

calamine reads a sheet into one dense range, every cell between the first and the last
held at once in Rust, and a failed allocation there ends the process with no Python error.
A sheet with a cell at A1 and one at A20000000 would ask for forty million cells. So the
sheet's XML is first scanned as bytes, with no value read: where its cells and rows stand,
how many there are. calamine is used only for a sheet whose range is dense and within the
value budget, and whose values it reads as openpyxl does; any other sheet is left to the
streaming reader (``None``), which reads it row by row with its own checks and messages.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..limits import current

_CELL_START = re.compile(rb"<c[\s/>]")
_ROW_START = re.compile(rb"<row[\s/>]")
# Rows' numbers and cells' places as Excel, LibreOffice and openpyxl write them: the r attribute first.
# A sheet written otherwise (another order, a namespace prefix) is left to openpyxl.
_ROWS = re.compile(rb'<row r="([1-9][0-9]{0,8})"')
_CELL_ROWS = re.compile(rb'<c r="[A-Z]{1,3}([1-9][0-9]{0,8})"')
_CELL_COLUMNS = re.compile(rb'<c r="([A-Z]{1,3})[1-9]')
# Numbers whose text decides their type: openpyxl reads "3.0" and "1E3" as floats and "3" as an int,
# calamine gives floats for all; and integers too long for a float to hold exactly.
_NUMBER_TEXT = re.compile(rb"<v>([^<]*[.eE][^<]*|\s*[+-]?[0-9]{16,})<")
_ERROR = (b'"e"', b"'e'")  # an attribute t="e": calamine gives an error cell ('#DIV/0!') as an empty one
_MOST_HELD = 1 << 26
"""Bytes of sheet XML held at once: whole rows are scanned together, and a row longer than this is not scanned."""

DENSITY = 2
"""How many cells calamine's range may hold for each cell the sheet writes (a sparse sheet is streamed)."""
SMALL = 65_536
"""Cells calamine's range may hold whatever the sheet writes."""


@dataclass(frozen=True)
class Shape:
    """Where a sheet's cells stand, read from its XML's tags alone."""

    first_row: int
    last_row: int
    """The number of the sheet's last row element (openpyxl's rows end there, with or without cells)."""
    first_col: int
    last_col: int
    cells: int

    @property
    def area(self) -> int:
        """Cells in calamine's dense range."""
        return (self.last_row - self.first_row + 1) * (self.last_col - self.first_col + 1)


def column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def scan(archive: zipfile.ZipFile, part: str) -> Shape | None:
    """The shape of a sheet's cells, or None when its XML is not one calamine can be given safely."""
    rows: list[int] = []
    columns: set[bytes] = set()
    cells, tail = 0, b""
    with archive.open(part) as source:
        while True:
            chunk = source.read(1 << 22)
            text = tail + chunk
            cut = text.rfind(b"<row ") if chunk else len(text)  # whole rows at a time; the last row with the next chunk
            if cut <= 0:
                if len(text) > _MOST_HELD:
                    return None
                tail = text
                continue
            text, tail = text[:cut], text[cut:]
            found = _rows(text, rows, columns)
            if found is None:
                return None
            cells += found
            if not chunk:
                break
    if not cells:
        return None
    numbers = [column_number(c) for c in columns]
    return Shape(rows[0], rows[-1], min(numbers), max(numbers), cells)


def _rows(text: bytes, rows: list[int], columns: set[bytes]) -> int | None:
    """How many cells whole rows of a sheet's XML hold, their numbers added to ``rows`` and their columns
    to ``columns``; None when a cell or row is written in a way calamine and openpyxl may read apart."""
    if b"<!" in text or any(e in text for e in _ERROR):
        return None  # declarations, comments, CDATA; error cells
    if any(_number(t) and float(t).is_integer() for t in _NUMBER_TEXT.findall(text)):
        return None  # a whole number written as "3.0", or more digits than a float holds: openpyxl's type differs
    pieces = text.split(b"<row ")
    row_texts = _ROWS.findall(text)
    numbers = list(map(int, row_texts))
    places = _CELL_ROWS.findall(text)
    if len(numbers) != len(pieces) - 1 or len(_ROW_START.findall(text)) != len(numbers):
        return None  # a row without its number first
    if len(_CELL_START.findall(text)) != len(places) or _CELL_ROWS.search(pieces[0]):
        return None  # a cell without its place first, or outside any row
    if numbers != sorted(set(numbers)) or (rows and numbers and numbers[0] <= rows[-1]):
        return None  # rows out of order: openpyxl and calamine would place them apart
    # Each cell in the row it is written in: as many cells in each row element as name its row.
    written = {n: k for n, piece in zip(row_texts, pieces[1:], strict=True) if (k := piece.count(b'<c r="'))}
    if Counter(places) != written:
        return None
    rows.extend(numbers)
    columns.update(_CELL_COLUMNS.findall(text))
    return len(places)


def _number(text: bytes) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def fits(shape: Shape) -> bool:
    """Whether calamine may read the sheet: its range dense and within a quarter of the value budget."""
    return shape.area <= current().data_values // 4 and shape.area <= DENSITY * shape.cells + SMALL


class Sheet:
    """A sheet read by calamine, its rows given as openpyxl's read-only sheet gives them (values only),
    asked for in order: one row of calamine's at a time is made Python values."""

    def __init__(self, path: Path, name: str, shape: Shape) -> None:
        import python_calamine

        with python_calamine.CalamineWorkbook.from_path(str(path)) as book:
            sheet = book.get_sheet_by_name(name)
            self._rows = sheet.iter_rows()  # from row 1, and from the range's first column
            self.left = (sheet.start or (0, 0))[1] + 1
        self.top = 1
        self._next = self.top  # the number of the row calamine gives next
        self.last_row = shape.last_row

    def _values(self, number: int) -> list[Any]:
        if number < self._next:
            raise ValueError("rows are read in order")
        values: list[Any] = []
        while self._next <= number:
            values = next(self._rows, [])
            self._next += 1
        return values if number >= self.top else []

    def row(self, number: int, first: int, last: int | None) -> tuple[Any, ...]:
        """Row ``number``'s values from column ``first`` to ``last`` (to the row's last cell when None)."""
        values = self._values(number)
        start = first - self.left
        if last is None:
            picked = [_value(v) for v in values[max(start, 0) :]]
            while picked and picked[-1] is None:
                picked.pop()
            return (None,) * max(-start, 0) + tuple(picked)
        width = last - first + 1
        picked = [_value(v) for v in values[max(start, 0) : max(last - self.left + 1, 0)]]
        before = (None,) * min(max(-start, 0), width)
        return (before + tuple(picked) + (None,) * width)[:width]

    def iter_rows(self, first_row: int, last_row: int | None, first: int, last: int) -> Iterator[tuple[Any, ...]]:
        """Rows as openpyxl yields them: to ``last_row``, but never past the sheet's last row element."""
        end = self.last_row if last_row is None else min(last_row, self.last_row)
        for number in range(first_row, end + 1):
            yield self.row(number, first, last)


def _value(value: Any) -> Any:
    """A calamine value as openpyxl reads it: whole numbers written without a point are ints, empty is None."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time(0))
    if value == "":
        return None
    return value
