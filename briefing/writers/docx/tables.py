"""Tables and callouts in Word: a table's caption, fixed column widths, borders, header row repeated on
every page, zebra body rows (streamed into the file for a long table), totals and credit line; a callout
as a shaded, framed one-cell table holding its title, paragraphs and lists.

The rows themselves are built as XML in ``wordml_tables``; how a header, body or totals row looks is there."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from docx.enum.table import WD_TABLE_DIRECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table as DocxTable
from lxml import etree

from ...adapters import docx as docx_adapter
from ...layout import CalloutTitle, Place, colours
from ...layout.geometry import TableGeometry
from ...model import Callout, Table
from . import runs, streaming, wordml_tables
from .blocks import Blocks

_TWIPS_PER_CM = 567
_TWIPS_PER_PT = 20
STREAM_ROWS = 1_000
"""Tables longer than this have their rows streamed into the file as it is written."""


class Tables(Blocks):
    """The walker's handlers for tables and callouts."""

    def _direction(self, table: DocxTable) -> None:
        """A right-to-left briefing's tables run from the right: the first column on the right."""
        if self.doc.direction == "rtl":
            table.table_direction = WD_TABLE_DIRECTION.RTL

    # -- callouts ----------------------------------------------------------

    def visit_callout(self, node: Callout, place: Place) -> None:
        """A shaded, framed one-cell table, kept on one page where it fits."""
        colour = colours.callout_colour(self.style, node.kind)
        box = self.document.add_table(rows=1, cols=1)
        box.autofit = False
        self._direction(box)
        tbl = docx_adapter.table_element(box)
        width = tbl.tblPr.find(qn("w:tblW"))
        width.set(qn("w:w"), str(round(self.style.text_width_cm * _TWIPS_PER_CM)))
        width.set(qn("w:type"), "dxa")
        wordml_tables.table_borders(tbl.tblPr, colour, colour)
        wordml_tables.cell_margins(tbl.tblPr, 160)
        row = box.rows[0]
        etree_row_pr = docx_adapter.row_element(row).get_or_add_trPr()
        etree_row_pr.append(OxmlElement("w:cantSplit"))  # the box stays whole on a page where it fits
        cell = row.cells[0]
        wordml_tables.shade_cell(docx_adapter.cell_element(cell), colours.lighter(colour))
        self.runs.bookmarks.around(cell.paragraphs[0], place.anchor)  # round its title
        self.target = cell  # its title, paragraphs and lists go in the box

    def visit_callout_title(self, node: CalloutTitle, place: Place) -> None:
        title, look = self.target.paragraphs[0], self.laid.looks.callout_title(node.kind)  # the box's own first
        self.runs.inline(title, node.text)
        self.runs.sized(title, look.size, look.bold, look.colour, look.italic)
        title.paragraph_format.space_before = Pt(4)

    def leave_callout(self, node: Callout, place: Place) -> None:
        self.target = self.document
        self.document.add_paragraph()  # space after the box

    # -- tables ------------------------------------------------------------

    def visit_table(self, node: Table, place: Place) -> None:
        laid, caption = place.table, place.caption
        assert laid is not None and caption is not None
        self._turn(place)
        para = self.paragraph("Caption")
        self.runs.inline(para, caption.spans)
        self.runs.bookmarks.around(para, place.anchor)
        para.paragraph_format.keep_with_next = True
        widths = [round(c.width * _TWIPS_PER_PT) for c in laid.columns]
        # The layout's alignment: a column that ends its cells is set right (Word turns "right" round in a
        # right-to-left briefing's paragraphs); a right-to-left text, aligned "right", is set so by
        # wordml_text.script_cell.
        right = [laid.align(i) == "end" for i in range(len(laid.columns))]

        grid = self.document.add_table(rows=0, cols=len(widths))
        if "Table Grid" in self.document.styles:
            grid.style = self.document.styles["Table Grid"]
        grid.autofit = False  # a fixed layout: Word need not measure every cell
        self._direction(grid)
        tbl = docx_adapter.table_element(grid)
        width = tbl.tblPr.find(qn("w:tblW"))
        width.set(qn("w:w"), str(sum(widths)))
        width.set(qn("w:type"), "dxa")
        for col, twips in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
            col.set(qn("w:w"), str(twips))
        look = self.laid.looks.table
        wordml_tables.table_borders(tbl.tblPr, look.borders, look.rule)
        wordml_tables.cell_margins(tbl.tblPr, round(laid.padding * _TWIPS_PER_PT))
        rule = None if look.borders else look.rule
        header = (look.header_text, rule)
        head = wordml_tables.table_row(
            tbl, laid.header, widths, right, laid.size, look.header_fill, header, keep_next=True
        )
        cells = runs.CellTexts(place.cells)
        cells.fill(self.runs, head, -1, laid.size, look.header_text)
        short = place.keep_together
        last = len(node.rows) - (0 if laid.totals else 1)
        body = wordml_tables.BodyRows(tbl, widths, right, laid.size)
        if len(node.rows) > STREAM_ROWS and not short:
            # Written into the file row by row as it is saved: a long table is never held as elements.
            tbl.append(etree.Comment(streaming.marker(len(self.streams))))
            made = cells.streamed(self.runs, body, laid, look.zebra)
            self.streams.append(partial(_streamed, body, laid, look.zebra, made))
            self.streamed.append(laid)
        else:
            for n, texts in enumerate(laid.rows()):
                body.add(texts, look.zebra if n % 2 else None, keep_next=short and n < last)
            cells.fill_body(self.runs, tbl, laid.size)
        if laid.totals:
            wordml_tables.table_row(tbl, laid.totals, widths, right, laid.size, total_rule=look.rule)
        self._credit(place)
        if laid.turned:
            self._new_section(landscape=self.style.landscape)
        else:
            self.document.add_paragraph()  # space after the table


def _streamed(
    body: wordml_tables.BodyRows, laid: TableGeometry, zebra: str | None, cells: dict[int, etree._Element]
) -> Iterator[bytes]:
    """The body rows, each made as it is written; those with formatted cells were made with the table."""
    for n, texts in enumerate(laid.rows()):
        yield body.xml(cells[n] if n in cells else body.row(texts, zebra if n % 2 else None, False))
