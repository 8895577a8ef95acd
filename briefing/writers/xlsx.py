"""Excel writer: a narrative sheet, then one typed, filterable sheet per table."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import assert_never

from openpyxl import Workbook
from openpyxl.cell.cell import Cell as XLCell
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.drawing.image import Image as XLImage
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import Problem
from ..model import (
    Block,
    Briefing,
    Cell,
    Image,
    Inline,
    ListBlock,
    PageBreak,
    Paragraph,
    Pos,
    Section,
    Span,
    Table,
)
from . import common

MAX_CELL_CHARS = 32_767
"""Excel refuses longer cell texts."""
_BAD_SHEET_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})
_WRAP = Alignment(wrap_text=True, vertical="top")
_NARRATIVE_WIDTH = 75
"""Width of the narrative column, in characters; fits a portrait page."""
_LINE_PT = 15
"""Height of one line of 11-point text, in points."""
_ROW_PX = 20
"""Height of a default row in pixels, used to leave room under pictures."""


class XlsxWriter:
    """Writes a briefing as an Excel workbook (.xlsx)."""

    name = "xlsx"
    extension = ".xlsx"

    def write(self, doc: Briefing, path: Path) -> list[Problem]:
        builder = _Builder(doc)
        builder.workbook.save(path)
        return builder.warnings


class _Builder:
    def __init__(self, doc: Briefing) -> None:
        self.doc = doc
        self.workbook = Workbook()
        self.warnings: list[Problem] = []
        self.sheet: Worksheet = self.workbook.active
        self.sheet.title = "Briefing"
        self.sheet.column_dimensions["A"].width = _NARRATIVE_WIDTH
        _fit_to_page_width(self.sheet)
        self.sheet_names: set[str] = {"briefing", "history"}  # Excel reserves History
        self.tables = 0
        self.figures = 0
        self._properties()
        self._mark(self.sheet)
        self._front_matter()
        for block in doc.summary:
            self.block(block)
        for section in doc.sections:
            self.section(section, 1)

    def _properties(self) -> None:
        props = self.workbook.properties
        safe = common.xml_safe
        props.title = safe(self.doc.title)
        props.subject = safe(self.doc.subtitle or "")
        props.creator = safe(self.doc.author or self.doc.source or "briefing")
        props.keywords = safe(self.doc.classification or "")
        props.created = props.modified = dt.datetime.now(dt.UTC).replace(tzinfo=None)

    def _mark(self, sheet: Worksheet) -> None:
        """The classification in the printed header and footer of a sheet."""
        if not self.doc.classification:
            return
        text = common.xml_safe(self.doc.classification).replace("&", "&&")  # & starts a code there
        for item in (sheet.oddHeader.center, sheet.oddFooter.center):
            item.text = text
            item.color = common.MARKING_RGB

    # -- the narrative sheet -----------------------------------------------

    def row(self, value: str | CellRichText, font: Font | None = None) -> int:
        """Append one narrative row; returns its row number."""
        row = self.sheet.max_row + 1
        cell = _put(self.sheet, row, 1, value)
        cell.alignment = _WRAP
        if font is not None:
            cell.font = font
        # Spreadsheet programs do not grow rows to fit wrapped text when they
        # open a file, so each row gets the height its text needs.
        scale = (font.sz or 11) / 11 if font is not None else 1
        lines = sum(math.ceil(max(len(part), 1) * scale / (_NARRATIVE_WIDTH * 1.15)) for part in str(value).split("\n"))
        self.sheet.row_dimensions[row].height = lines * _LINE_PT * scale
        return row

    def _front_matter(self) -> None:
        doc = self.doc
        if doc.classification:
            # Row 1 shows the marking on screen as well as in print.
            _put(self.sheet, 1, 1, doc.classification).font = Font(name="Calibri", bold=True, color=common.MARKING_RGB)
        self.row(doc.title, Font(name="Calibri", bold=True, size=18))
        if doc.subtitle:
            self.row(doc.subtitle, Font(name="Calibri", size=13, color="444444"))
        meta = common.meta_line(doc)
        if meta:
            self.row(meta, Font(name="Calibri", italic=True, color="555555"))
        if doc.summary:
            self.row("Summary", _heading_font(1))

    def section(self, section: Section, level: int) -> None:
        self.inline_row(section.heading, _heading_font(level), section.pos)
        for block in section.content:
            self.block(block)
        for sub in section.sections:
            self.section(sub, level + 1)

    def block(self, block: Block) -> None:
        match block:
            case Paragraph():
                self.inline_row(block.text, pos=block.pos)
            case ListBlock():
                for n, item in enumerate(block.items, 1):
                    marker = f"{n}. " if block.numbered else "\u2022 "
                    lead = tuple(Span(s.text, True, s.italic, s.href) for s in item.lead or ())
                    colon = (Span(": ", bold=True),) if item.lead else ()
                    self.inline_row((Span(marker), *lead, *colon, *item.text), pos=item.pos)
            case Table():
                self.table(block)
            case Image():
                self.image(block)
            case PageBreak():
                self.sheet.row_breaks.append(Break(id=self.sheet.max_row))
            case _:
                assert_never(block)

    def inline_row(self, text: Inline, font: Font | None = None, pos: Pos | None = None) -> None:
        row = self.row(_rich(text, font), font)
        links = list(dict.fromkeys(span.href for span in text if span.href))
        if links:
            cell = self.sheet.cell(row, 1)
            cell.hyperlink = links[0]
            if len(links) > 1:
                where = pos or self.doc.pos
                self.warnings.append(
                    Problem(where, f"xlsx: a cell holds one link; {len(links) - 1} more not clickable")
                )

    def image(self, block: Image) -> None:
        self.figures += 1
        px_w, px_h = block.size_px
        width_px = min(block.width_cm or px_w * 2.54 / 96, common.TEXT_WIDTH_CM) * 96 / 2.54
        picture = XLImage(str(block.path))
        picture.width, picture.height = width_px, width_px * px_h / px_w
        anchor_row = self.sheet.max_row + 1
        self.sheet.add_image(picture, f"A{anchor_row}")
        for _ in range(math.ceil(picture.height / _ROW_PX)):
            self.sheet.cell(self.sheet.max_row + 1, 1)
        label = common.caption("Figure", self.figures, None)
        text = (Span(label + (": " if block.caption else ""), bold=True), *(block.caption or ()))
        self.inline_row(text)

    # -- table sheets --------------------------------------------------------

    def table(self, table: Table) -> None:
        self.tables += 1
        title = common.caption("Table", self.tables, table.title)
        name = self._sheet_name(table.title or f"Table {self.tables}")
        row = self.row(
            f"{title} (sheet '{name}')", Font(name="Calibri", bold=True, color=common.LINK_RGB, underline="single")
        )
        link = self.sheet.cell(row, 1)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{quote_sheetname(name)}!A1")

        sheet = self.workbook.create_sheet(name)
        self._mark(sheet)
        header_fill = PatternFill("solid", fgColor=common.HEADER_FILL_RGB)
        for col, name in enumerate(table.columns, 1):
            cell = _put(sheet, 1, col, name)
            cell.font, cell.fill = Font(name="Calibri", bold=True), header_fill
        for row, values in enumerate(table.rows, 2):
            for col, value in enumerate(values, 1):
                _put(sheet, row, col, value)
        for i, weight in enumerate(common.column_weights(table), 1):
            sheet.column_dimensions[get_column_letter(i)].width = weight * 1.2 + 2
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"
        sheet.print_title_rows = "1:1"
        _fit_to_page_width(sheet)

    def _sheet_name(self, title: str) -> str:
        """A valid, unique sheet name: 31 characters, none of []:*?/\\."""
        base = " ".join(title.translate(_BAD_SHEET_CHARS).split()).strip("'") or "Table"
        base = common.xml_safe(base)[:31]
        name, n = base, 1
        while name.lower() in self.sheet_names:
            n += 1
            suffix = f" ({n})"
            name = base[: 31 - len(suffix)] + suffix
        self.sheet_names.add(name.lower())
        return name


def _put(sheet: Worksheet, row: int, col: int, value: Cell | CellRichText) -> XLCell:
    """Store a value in a cell with its type: text stays text, dates look like dates."""
    if isinstance(value, str):
        cell = sheet.cell(row, col, common.xml_safe(value)[:MAX_CELL_CHARS])
        # openpyxl takes a leading "=" as a formula; a spec's text never is one.
        cell.data_type = "s"
        return cell
    if isinstance(value, dt.datetime):
        cell = sheet.cell(row, col, value.replace(tzinfo=None))
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    cell = sheet.cell(row, col, value)
    if isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, bool):
        cell.number_format = '"Yes";"Yes";"No"'  # reads as in the documents
    return cell


def _rich(text: Inline, base: Font | None) -> str | CellRichText:
    """Spans as rich text, or a plain string when nothing is formatted."""
    if all(not (s.bold or s.italic or s.href) for s in text):
        return "".join(s.text for s in text)
    blocks: list[str | TextBlock] = []
    for span in text:
        font = InlineFont(
            rFont="Calibri",  # the workbook's default font; rich text needs it named
            b=span.bold or (base.b if base else None) or None,
            i=span.italic or None,
            sz=base.sz if base else None,
            color=common.LINK_RGB if span.href else None,
            u="single" if span.href else None,
        )
        blocks.append(TextBlock(font, common.xml_safe(span.text)))
    return CellRichText(blocks)


def _fit_to_page_width(sheet: Worksheet) -> None:
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_margins.left = sheet.page_margins.right = 0.6


def _heading_font(level: int) -> Font:
    return Font(name="Calibri", bold=True, size=max(16 - 2 * (level - 1), 11))
