"""The reference reading of a data file: every value read and typed one at a time, as briefing did before Arrow.

A CSV file is read row by row by Python's csv module, each column's type inferred from
every value (values.infer) and each value converted alone (values.convert); JSON and .xlsx
files keep their own types. What the product's reader gives is compared with this, value
for value, type for type, and bad value for bad value at its line and column.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing.model import COLUMN_TYPES, Cell
from briefing.reading import datafiles, frames, json_files
from briefing.reading.datafiles import DataError, Frame, SourceOptions, blank_missing
from briefing.reading.values import convert, infer

KINDS = tuple(kind for kind in COLUMN_TYPES)
DEFAULT = SourceOptions()


@dataclass
class Column:
    """One column read as one type: its values (bad ones left as written) and where the bad ones are."""

    kind: str | None
    values: list[Cell]
    bad: list[str]

    def compare(self) -> tuple[Any, ...]:
        # A value compares with its type: 1 and 1.0 and True are not the same cell.
        return self.kind, [(type(v).__name__, v) for v in self.values], self.bad


def reference_frame(path: Path, shown: str, options: SourceOptions = DEFAULT) -> Frame:
    """The file read as it was before Arrow: CSV and JSON lines line by line."""
    if path.suffix.lower() == ".csv":
        frame = datafiles._csv(path, shown, options)
    elif path.suffix.lower() in datafiles.JSON_LINES:
        frame = json_files.read_lines(path, shown, options)
    else:
        frame = datafiles.read(path, shown, options)
    blank_missing(frame.columns, options.missing)
    return frame


def product_frame(path: Path, shown: str, options: SourceOptions = DEFAULT) -> Frame:
    """The file as briefing reads it now (a DataFiles, as a spec's tables use it)."""
    return datafiles.DataFiles().frame(path, shown, options)


def reference_column(frame: Frame, col: int, kind: str | None) -> Column:
    """One column as the reference reads it, as ``kind`` (None: the type it looks like, for text from CSV)."""
    values = list(frame.columns[col])
    if kind is None:
        kind = infer(values) if frame.text else None
    bad = []
    if kind is not None:
        for i, value in enumerate(values):
            try:
                values[i] = convert(value, kind)
            except ValueError:
                bad.append(str(frame.locate(i, col)))
    return Column(kind, values, bad)


def product_column(frame: Frame, col: int, kind: str | None) -> Column:
    """One column as the product reads it, through frames' typing (Arrow's, for a CSV file)."""
    if kind is None:
        kind = frames._infer(frame, col) if frame.text else None
    bad: list[str] = []
    if kind is not None:
        bad = [str(frame.locate(i, col)) for i in frames._converted_frame(frame, col, kind)]
    return Column(kind, list(frame.columns[col]), bad)


def mixed(frame: Frame, col: int) -> str | None:
    """The notice for a column read as text that is mostly of another kind."""
    if not frame.text or frames._infer(frame, col) is not None:
        return None
    notice = frames._mixed(frame, col)
    return None if notice is None else str(notice)


def readings(path: Path, options: SourceOptions = DEFAULT) -> tuple[Any, Any]:
    """Every column of the file, inferred and as each type, read by the reference and by the product."""
    shown = path.name
    seen = []
    for read in (reference_frame, product_frame):
        try:
            frame = read(path, shown, options)
        except DataError as exc:  # a file neither reads: the same message at the same place
            seen.append([str(exc), exc.pos])
            continue
        columns: list[Any] = [frame.names, frame.count]
        for col in range(len(frame.names)):
            columns.append(reference_mixed(frame, col) if read is reference_frame else mixed(frame, col))
            for kind in (None, *KINDS):
                each = read(path, shown, options)  # a fresh frame: converting changes it in place
                column = (reference_column if read is reference_frame else product_column)(each, col, kind)
                columns.append(column.compare())
        seen.append(columns)
    return seen[0], seen[1]


def reference_mixed(frame: Frame, col: int) -> str | None:
    if not frame.text or infer(frame.columns[col]) is not None:
        return None
    plain = Frame(frame.names, [list(c) for c in frame.columns], frame.locate, frame.text)
    notice = frames._mixed(plain, col)
    return None if notice is None else str(notice)
