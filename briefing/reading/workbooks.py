"""Excel workbooks as data files: a sheet's rows, with the shared strings checked as they stream in.

openpyxl reads a workbook's shared strings (``xl/sharedStrings.xml``) into a list before
any row: a 442 KB workbook can hold one 450-million-character string, or 25 million tiny
ones, and openpyxl would hold them all. Here the part is counted and read first, a piece
at a time, and refused as soon as a string is longer than a data value may be, or the
strings outnumber the values a data file may have; openpyxl is then given the checked list
(through briefing/adapters/openpyxl.py, the one place openpyxl's reader is reached into).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from array import array
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

from openpyxl.xml.constants import SHEET_MAIN_NS

from ..adapters import openpyxl as openpyxl_adapter
from ..limits import current
from ..model import Cell, Pos
from . import xlsx_scan
from .datafiles import Columns, DataError, Frame, SourceOptions, count_rows, header

CHUNK = 1 << 16
"""Bytes of a part read at a time: what is held of it at once."""


def read_xlsx(path: Path, shown: str, options: SourceOptions) -> Frame:
    """The header and rows of a workbook's sheet; raises DataError."""
    from openpyxl.utils.cell import range_boundaries

    _unpacked_size(path)
    _no_long_values(path)
    book = _open(path)
    try:
        if options.sheet is not None and options.sheet not in book.sheetnames:
            raise DataError(f"no sheet '{options.sheet}' in '{path.name}' (it has: {', '.join(book.sheetnames)})")
        sheet = book[options.sheet] if options.sheet is not None else book.worksheets[0]
        if options.range:
            try:
                min_col, min_row, max_col, max_row = range_boundaries(options.range)
            except ValueError as exc:
                raise DataError(f"'{options.range}' is not a range of cells such as B3:F40") from exc
        else:
            # The size a sheet declares (its <dimension>) is not trusted: a hostile one claims
            # millions of rows and columns. The header row says how wide the data is.
            sheet.reset_dimensions()
            min_col = min_row = 1
            max_col = max_row = None
        fast = _calamine(path, sheet)
        if fast is not None:
            first = list(fast.row(min_row, min_col, max_col))
        else:
            head = sheet.iter_rows(min_row=min_row, max_row=min_row, min_col=min_col, max_col=max_col, values_only=True)
            first = list(next(head, ()))
        first = first[: current().data_columns + 1]
        names = header(_trim(first), lambda i: Pos(shown, min_row, min_col + i))
        if len(names) > current().data_columns:
            raise DataError(f"more than {current().data_columns:,} columns in the header", Pos(shown, min_row, min_col))
        last_col = min_col + len(names) - 1 if max_col is None else max_col
        if fast is not None:
            cells = fast.iter_rows(min_row + 1, max_row, min_col, last_col)
        else:
            cells = sheet.iter_rows(
                min_row=min_row + 1, max_row=max_row, min_col=min_col, max_col=last_col, values_only=True
            )
        columns = Columns(len(names))
        numbers = array("L")
        empty = 0
        for number, values in enumerate(cells, min_row + 1):
            row = [_value(v, Pos(shown, number, min_col + i)) for i, v in enumerate(list(values)[: len(names)])]
            row += [None] * (len(names) - len(row))
            if any(v is not None for v in row):
                columns.add(row)
                numbers.append(number)
                count_rows(len(numbers), shown, len(names))
                empty = 0
            else:
                empty += 1
                if empty > current().data_empty_rows:
                    message = (
                        f"more than {current().data_empty_rows:,} empty rows in a row; "
                        "give range: to say where the data is"
                    )
                    raise DataError(message, Pos(shown, number, min_col))
    except DataError:
        raise
    except Exception as exc:  # the sheet's XML is read as rows come; a broken or hostile one fails here
        raise DataError(f"'{path.name}' is not a readable .xlsx workbook ({type(exc).__name__})") from exc
    finally:
        book.close()
    return Frame(names, columns.lists, lambda row, col: Pos(shown, numbers[row], min_col + col))


def _calamine(path: Path, sheet: Any) -> xlsx_scan.Sheet | None:
    """The sheet read by calamine where a scan of its XML shows that safe and faster, else None (streamed)."""
    with zipfile.ZipFile(path) as archive:
        shape = xlsx_scan.scan(archive, openpyxl_adapter.sheet_part(sheet))
    if shape is None or not xlsx_scan.fits(shape):
        return None
    return xlsx_scan.Sheet(path, sheet.title, shape)


def _checked_strings(archive: zipfile.ZipFile, part: str) -> list[str]:
    """A workbook's shared strings, counted before any is read, then read a piece at a time and checked."""
    shown = Path(archive.filename or "").name
    # The shortest string, <si/>, takes five bytes: a small part cannot hold too many.
    if archive.getinfo(part).file_size // 5 > current().data_values:
        with archive.open(part) as source:
            if _count_strings(source) > current().data_values:
                limit = current().data_values
                raise DataError(f"'{shown}' holds more than {limit:,} shared strings, more than a data file's values")
    with archive.open(part) as source:
        return shared_strings(source, shown)


def _open(path: Path) -> Any:
    try:
        return openpyxl_adapter.read_only_workbook(path, _checked_strings)
    except DataError:
        raise
    except Exception as exc:  # openpyxl raises many types for files it cannot read
        raise DataError(f"'{path.name}' is not a readable .xlsx workbook") from exc


def _count_strings(source: IO[bytes]) -> int:
    """How many strings the part may hold, at most: its ``<si`` and ``:si`` marks, counted at the speed of a copy.

    Every string starts with one of them (``<si>``, or ``<x:si>`` with a prefix), so the
    count is never below the true one; a text holding ':si' only makes it higher.
    """
    count, tail = 0, b""
    while chunk := source.read(CHUNK * 16):
        edge = tail + chunk[:2]  # a mark cut in two by the chunk's start
        count += edge.count(b"<si") + edge.count(b":si") + chunk.count(b"<si") + chunk.count(b":si")
        tail = chunk[-2:]
    return count


_STRING = f"{SHEET_MAIN_NS} si"
_TEXT = f"{SHEET_MAIN_NS} t"
_RUN = f"{SHEET_MAIN_NS} r"


def shared_strings(source: IO[bytes], name: str) -> list[str]:
    """The texts of a shared strings part, as openpyxl reads them, each refused once longer than a value may be.

    The part is fed to expat a piece at a time and each string's text is counted as it
    arrives, so a string of any length costs no more than the limit to refuse.
    """
    limit = current().data_value_length
    strings: list[str] = []
    path: list[str] = []  # the elements open inside the current string
    pieces: list[str] = []
    length = 0

    def start(name: str, _attributes: Any) -> None:
        nonlocal length
        if path:
            path.append(name)
        elif name == _STRING:
            path.append(name)
            pieces.clear()
            length = 0

    def end(name: str) -> None:
        if not path:
            return  # the table around the strings
        path.pop()
        if not path:
            strings.append("".join(pieces).replace("x005F_", ""))  # as openpyxl reads it

    def text(data: str) -> None:
        nonlocal length
        # A string's text is its <t>, or the <t> of its runs (<r>); phonetic guides (<rPh>) are not part of it.
        if path and path[-1] == _TEXT and (len(path) == 2 or (len(path) == 3 and path[1] == _RUN)):
            length += len(data)
            if length > limit:
                raise DataError(f"'{name}' holds a shared string of more than {limit:,} characters (a value's most)")
            pieces.append(data)

    def no_declarations(*_: Any) -> None:
        raise DataError(f"'{name}' declares a document type in its shared strings, which no workbook needs")

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = no_declarations
    parser.EntityDeclHandler = no_declarations
    try:
        while chunk := source.read(CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise DataError(f"'{name}' is not a readable .xlsx workbook: {expat.errors.messages[exc.code]}") from None
    return strings


def _trim(header: list[Any]) -> list[Any]:
    """A header row without the empty cells after its last name."""
    while header and (header[-1] is None or str(header[-1]).strip() == ""):
        header.pop()
    return header


def _value(value: Any, pos: Pos) -> Cell:
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()  # a date cell: openpyxl reads every date as a datetime
    if isinstance(value, str):
        if len(value) > current().data_value_length:
            raise DataError(f"a value of {len(value):,} characters (at most {current().data_value_length:,})", pos)
        return value if value.strip() else None
    if isinstance(value, (int, float, bool, dt.date)) or value is None:
        return value
    return str(value)  # times and durations are shown as written


XML_BYTES_PER_CHARACTER = 10
"""The most bytes one character of a value takes in a sheet's XML (``&#1114111;``)."""


def _no_long_values(path: Path) -> None:
    """Refuse a sheet holding a value longer than a value may be, read as its XML streams, before openpyxl
    holds the value whole: a cell's own text (``t="inlineStr"`` or ``t="str"``) is not a shared string.

    A value's text stands between two tags, so a run of more bytes without a ``<`` than the longest value
    can take is one; a run under that is left to the value's own check, once read.
    """
    limit = current().data_value_length
    longest = limit * XML_BYTES_PER_CHARACTER
    too_long = re.compile(rb"[^<]{%d}" % (longest + 1))
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            with archive.open(info) as part:
                carry = b""
                while chunk := part.read(1 << 20):
                    text = carry + chunk
                    if too_long.search(text):
                        raise DataError(
                            f"'{path.name}' holds a cell value of more than {limit:,} characters (a value's most)"
                        )
                    carry = text[text.rfind(b"<") + 1 :] if b"<" in text else text


def _unpacked_size(path: Path) -> None:
    """Refuse a workbook that unpacks to more than the data limit (a 1 MB file can hold a 1 GB string)."""
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise DataError(f"'{path.name}' is not a readable .xlsx workbook") from exc
    if total > current().data_bytes:
        limit = current().data_bytes
        raise DataError(f"'{path.name}' unpacks to {total:,} bytes, more than a data file may be ({limit:,})")
