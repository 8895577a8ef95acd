"""Excel writer: a narrative sheet, then one typed, filterable sheet per table."""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText
from openpyxl.drawing.image import Image as XLImage
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from ... import files
from ...adapters import openpyxl as openpyxl_adapter
from ...errors import Problem, SpecError
from ...layout import Box, CalloutTitle, Heading, Item, LaidDocument, Place, TextLook, colours, laid_out
from ...layout.geometry import chart_table
from ...layout.measure import line_em
from ...layout.numbering import Caption
from ...layout.tree import InternalLink, sheet_text
from ...model import Briefing, Callout, Chart, Image, Inline, PageBreak, Paragraph, Span, Table, plain
from ...reproducible import build_time, fix_zip_times
from ...style import Style
from ...walk import walk
from .. import markup
from . import chart, tables
from .notes import Anchors, cited, note_line, source_anchors, targets
from .streamed import (
    MAX_CELL_CHARS,
    WRAP,
    Sheet,
    XFont,
    add_sheet,
    discard,
    link,
    make,
    own_font,
    rich,
    row_height,
)

_BAD_SHEET_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})
_NARRATIVE_WIDTH = 75
"""Width of the narrative column, in characters; fits a portrait page."""
_LINKS_WIDTH = 40
"""Width of the Links column beside it, where the addresses of a row's links are written out."""
_LINE_PT = 15
"""Height of one line of 11-point text, in points."""
_PX_PER_CM = 96 / 2.54
"""Excel places pictures in pixels of 96 to the inch."""
_ROW_PX = 20
"""Height of a default row in pixels, used to leave room under pictures."""
_DEFLATE = 2
"""zlib's level for the workbook's parts."""


class XlsxWriter:
    """Writes a briefing as an Excel workbook (.xlsx)."""

    name = "xlsx"
    extension = ".xlsx"
    takes_layout = True

    def write(self, laid: LaidDocument | Briefing, path: Path) -> list[Problem]:
        builder = _Builder(laid_out(laid))
        try:
            builder.build()
            # ExcelWriter rather than Workbook.save, which would stamp the time of
            # saving over the creation time asked for.
            # Deflate's fast level 2: a long table's sheet compresses in under a quarter of the default
            # level's time, into about a tenth more bytes.
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=_DEFLATE) as archive:
                openpyxl_adapter.DescribedChartsWriter(builder.workbook, archive).save()
        except BaseException:
            discard(builder.workbook)
            raise
        fix_zip_times(path, _DEFLATE)
        return builder.warnings


class _Builder:
    def __init__(self, laid: LaidDocument) -> None:
        doc = laid.doc
        self.laid = laid
        self.doc = doc
        self.style: Style = doc.style
        self.font_name = self.style.body_font.name if self.style.body_font else "Calibri"
        heading = self.style.heading_font or self.style.body_font
        self.heading_name = heading.name if heading else self.font_name
        # Write-only: each sheet streams its rows to a temporary file as they are made.
        self.workbook = Workbook(write_only=True)
        # The workbook's default font too, which openpyxl keeps first in its font list.
        # It is the body font, so that table cells need no font of their own: setting one on each
        # cell of a big table took a third of its time. Calibri is the theme's; others are named.
        scheme = "minor" if self.font_name == "Calibri" else None
        openpyxl_adapter.set_default_font(self.workbook, XFont(name=self.font_name, sz=11, family=2, scheme=scheme))
        self.warnings: list[Problem] = []
        self.sheet = add_sheet(self.workbook, "Briefing")
        self._direction(self.sheet)
        self.sheet.column_dimensions["A"].width = _NARRATIVE_WIDTH
        self.sheet.column_dimensions["B"].width = _LINKS_WIDTH
        # The text prints at its size; the Links column, of no use on paper, stays on screen.
        self.sheet.print_area = "A1:A1048576"
        self._print_setup(self.sheet, landscape=self.style.landscape)
        self.sheet_names: set[str] = {"briefing", "history"}  # Excel reserves History
        self.contents_name = self._sheet_name(laid.furniture.contents or doc.labels.contents)
        """The contents sheet's name, kept from the start so that no table's sheet takes it."""
        self.contents: list[tuple[str, str]] = []
        self.fill: PatternFill | None = None
        """The fill of the callout being walked, behind each of its rows."""
        self.looks = laid.looks
        self.grid = tables.Grid(self.workbook, self.looks.table, self.font)
        self.anchors = Anchors(f"{self.sheet.title}!A1")
        """Where cross-references and citations land, and the links that land there."""
        self.sources = source_anchors(laid)
        """Where citations land: the source entries' anchors."""
        self._properties()
        self._mark(self.sheet)

    def build(self) -> None:
        self._front_matter()
        self.warnings.extend(walk(self.laid, self, "xlsx"))
        self._notes()
        if self.laid.furniture.contents is not None:
            self._contents_sheet()
        self.anchors.settle()

    def font(self, size: float = 11, **kwargs: object) -> Font:
        return XFont(name=self.font_name, size=size, **kwargs)  # type: ignore[arg-type]

    def look(self, look: TextLook, heading: bool = False) -> Font:
        """A font set as the layout's ``look`` says, in the heading face or the body's."""
        name = self.heading_name if heading else self.font_name
        return XFont(name=name, size=look.size, bold=look.bold, italic=look.italic, color=look.colour)

    def _properties(self) -> None:
        props, given = self.workbook.properties, self.laid.properties
        props.title, props.subject, props.creator = given.title, given.subject, given.author
        props.keywords = props.category = given.keywords
        props.language = self.doc.language  # the core properties' dc:language, as Word's and the PDF's
        props.created = props.modified = build_time().replace(tzinfo=None)

    def _mark(self, sheet: Sheet) -> None:
        """The printed page number, and the classification in the printed header and footer of a sheet."""
        page, of = (markup.xml_safe(word).replace("&", "&&") for word in self.laid.furniture.page_words)
        sheet.oddFooter.right.text = f"{page} &P {of} &N"  # & starts a code there: the words' own are doubled
        sheet.oddFooter.right.size = 8
        if not self.doc.classification:
            return
        text = markup.xml_safe(self.doc.classification).replace("&", "&&")
        for item in (sheet.oddHeader.center, sheet.oddFooter.center):
            item.text = text
            item.color = self.style.marking_colour
            item.font = f"{own_font(text, self.font()).name},Bold"

    def _print_setup(self, sheet: Sheet, landscape: bool) -> None:
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        a4 = self.style.page_size == "A4"
        sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4 if a4 else Worksheet.PAPERSIZE_LETTER
        sheet.page_setup.orientation = "landscape" if landscape else "portrait"
        sheet.page_margins.left = sheet.page_margins.right = 0.6

    # -- the narrative sheet -----------------------------------------------

    def row(
        self,
        value: str | CellRichText,
        font: Font | None = None,
        links: Sequence[str] = (),
        to_sheet: str | None = None,
        fill: PatternFill | None = None,
        first_anchor: str | None = None,
    ) -> None:
        """Add one narrative row; its ``links``, or a link to the sheet ``to_sheet``, written out beside it.

        The text keeps its formatting (links in link colour) and wraps; a cell that is itself a
        hyperlink shows all its text as one link on one line in some programs, so the addresses go
        in the Links column, the first of them clickable: to ``first_anchor`` in the workbook when
        the first is a cross-reference or citation (listed by its words).
        """
        font = font or self.font()
        cell = make(self.sheet, rich((Span(value),), font) if isinstance(value, str) else value)
        cell.alignment = _RTL_WRAP if self.doc.direction == "rtl" else WRAP
        cell.font = font
        if fill is not None:
            cell.fill = fill
        cells = [cell]
        listed = ("Link: " if len(links) == 1 else "Links:\n") + "\n".join(links) if links else ""
        if to_sheet:
            listed = f"Sheet: {to_sheet}"
        if listed:
            beside = make(self.sheet, listed)
            beside.alignment = WRAP
            beside.font = self.font(size=9, color=colours.LINK_RGB, underline="single")
            if to_sheet:
                link(beside, to_sheet)
            elif first_anchor:
                self.anchors.link(beside, first_anchor)
            else:
                beside.hyperlink = links[0]
            cells.append(beside)
        # Spreadsheet programs do not grow rows to fit wrapped text when they
        # open a file, so each row gets the height its text needs.
        scale = (cell.font.sz or 11) / 11
        bold = 0.9 if cell.font.b else 1.0  # bold letters are wider: fewer to a line
        text_lines = _lines(str(value), _NARRATIVE_WIDTH * 1.15 * bold / scale)
        link_lines = (
            _lines(("Links:\n" if len(links) > 1 else "Link: ") + "\n".join(links), _LINKS_WIDTH * 1.3) if links else 0
        )
        # A script whose font sets taller lines (Arabic) takes that height for each of its lines.
        line = max(_LINE_PT * scale, row_height(line_em(str(value)), cell.font.sz or 11))
        height = max(text_lines * line, link_lines * _LINE_PT * 0.85)
        self.sheet.add(cells, height=height)

    def _front_matter(self) -> None:
        front = self.laid.front
        if self.doc.classification:
            self._marking_cell(self.sheet)  # on screen as well as in print
        if not front.shown:
            return
        if front.logo is not None:
            self._logo(front.logo)
        # The sheet has no cover page: its title is the title block's.
        self.row(front.title, self.look(self.looks.title, heading=True))
        if front.subtitle:
            self.row(front.subtitle, self.look(self.looks.subtitle, heading=True))
        if front.meta:
            self.row(front.meta, self.look(self.looks.meta))

    def _marking_cell(self, sheet: Sheet) -> None:
        """The classification in row 1, in the marking colour (or on a banner)."""
        style = self.style
        text = self.doc.classification or ""
        marking = make(sheet, text)
        colour = "FFFFFF" if style.marking_banner else style.marking_colour
        marking.font = own_font(text, self.font(bold=True, color=colour))
        if style.marking_banner:
            marking.fill = PatternFill("solid", fgColor=style.marking_colour)
        marking.alignment = Alignment(horizontal="center")
        sheet.add([marking])

    def _logo(self, box: Box) -> None:
        """The logo beside the title block, right of the narrative column, in the layout's box."""
        assert self.style.logo is not None  # a logo's box is laid out only for a style that has one
        logo = XLImage(io.BytesIO(files.read(self.style.logo)))
        logo.width, logo.height = box.width_cm * _PX_PER_CM, box.height_cm * _PX_PER_CM
        self.sheet.add_image(logo, f"B{self.sheet.rows + 1}")

    def _heading_font(self, level: int) -> Font:
        return self.look(self.looks.heading(level), heading=True)

    # -- the walker's handlers ---------------------------------------------

    def _land(self, place: Place) -> None:
        """Links to the node land on the narrative sheet's next row."""
        self.anchors.land(place.anchor, self.sheet.title, self.sheet.rows + 1)

    def visit_heading(self, node: Heading, place: Place) -> None:
        self._land(place)
        self.inline_row(node.text, self._heading_font(node.level))

    def visit_paragraph(self, node: Paragraph, place: Place) -> None:
        self._land(place)  # a source entry, where its citations land
        self.inline_row(node.text, self.look(self.looks.body), self.fill)

    def visit_item(self, node: Item, place: Place) -> None:
        self._land(place)
        self.inline_row((Span(node.marker + " "), *node.text), self.look(self.looks.body), self.fill)

    def visit_page_break(self, node: PageBreak, place: Place) -> None:
        self.sheet.row_breaks.append(Break(id=self.sheet.rows))

    def visit_callout(self, node: Callout, place: Place) -> None:
        """The box's text set apart on the narrative sheet: a fill, and its title in bold, in its colour."""
        self._land(place)
        colour = colours.callout_colour(self.style, node.kind)
        self.fill = PatternFill("solid", fgColor=colours.lighter(colour))  # behind its rows, as they are walked

    def visit_callout_title(self, node: CalloutTitle, place: Place) -> None:
        title = (Span(plain(sheet_text(node.text))),)
        self.inline_row(title, self.look(self.looks.callout_title(node.kind)), self.fill)

    def leave_callout(self, node: Callout, place: Place) -> None:
        self.fill = None

    def inline_row(self, text: Inline, font: Font | None = None, fill: PatternFill | None = None) -> None:
        """A row of formatted text; its links and cross-references listed beside it. Its citations are not:
        their words are in the text, and the sources they cite listed on this sheet."""
        font = font or self.font()
        listed: dict[str, str | None] = {}  # the words or address listed, and the anchor it lands on
        for span in text:
            if isinstance(span, InternalLink):
                if span.target and span.target not in self.sources:
                    listed.setdefault(span.text, span.target)
            elif span.href:
                listed.setdefault(span.href, None)
        first = next(iter(listed.values()), None)
        self.row(rich(sheet_text(text), font), font, list(listed), fill=fill, first_anchor=first)

    def visit_image(self, block: Image, place: Place) -> None:
        assert place.caption is not None
        assert place.box is not None
        width_cm, height_cm = place.box.width_cm, place.box.height_cm
        picture = XLImage(io.BytesIO(files.read(block.path)))
        picture.width, picture.height = width_cm * _PX_PER_CM, height_cm * _PX_PER_CM
        openpyxl_adapter.describe(picture, markup.xml_safe(place.alt or ""))
        self._land(place)
        self.sheet.add_image(picture, f"A{self.sheet.rows + 1}")
        self.sheet.skip_to(self.sheet.rows + 1 + math.ceil(picture.height / _ROW_PX))
        self.inline_row(place.caption.spans, self.look(self.looks.caption))
        if place.credit:
            self.inline_row(place.credit, self.look(self.looks.meta))

    # -- table sheets --------------------------------------------------------

    def visit_table(self, table: Table, place: Place) -> None:
        laid, caption = place.table, place.caption
        assert laid is not None and caption is not None
        parts = tables.chunks(len(table.rows), table.split_sheets)
        if parts is None:
            limit = f"{tables.sheet_capacity():,}"
            message = f"{len(table.rows):,} rows do not fit in one Excel sheet ({limit} at most); "
            raise SpecError([Problem(table.pos, message + "set split_sheets: true, or filter with where: or limit:")])
        self._long_values(table)
        base = table.title or caption.label
        names = [self._sheet_name(base) for _ in parts]
        self.anchors.land(place.anchor, names[0])
        self._link_row(caption, names[0])
        cols, shape = laid.columns, place.sheet
        assert shape is not None
        bodies: list[tuple[str, int, int]] = []
        for name, rows in zip(names, parts, strict=True):
            sheet = self._new_sheet(name, landscape=laid.landscape)
            # The caption above the header, as a chart's sheet has its own, and kept in view with it.
            self.grid.layout(sheet, cols, shape, header_row=tables.CAPTION_ROWS + 1)
            self._sheet_caption(sheet, caption)
            first = sheet.rows + 2  # under the header
            bodies.append((name, first, self.grid.write(sheet, table, cols, shape, rows, place.cells)))
        if table.totals:
            self.grid.totals(sheet, table, cols, bodies)
        self._under(sheet, place, *(text for _, _, text in place.cells))

    def _sheet_caption(self, sheet: Sheet, caption: Caption) -> None:
        """A table's or chart's caption in its sheet's next row, in the layout's caption look: on one line,
        which runs on over the empty cells beside it."""
        text = plain(sheet_text(caption.spans))
        cell = make(sheet, text)
        cell.font = own_font(text, self.look(self.looks.caption))
        sheet.add([cell])

    def _under(self, sheet: Sheet, place: Place, *texts: Inline) -> None:
        """Under a table or a chart's numbers, after a row left empty: its credit, then the notes cited in
        its caption, credit and cells (``texts``), each in a row that links to what it cites first."""
        credit = place.credit or ()
        numbers = set(cited(place.caption.spans if place.caption else (), credit, *texts))
        lines = [credit] if credit else []
        lines += [note_line(note.number, note.text) for note in self.laid.notes if note.number in numbers]
        if not lines:
            return
        sheet.add()
        for i, line in enumerate(lines):
            text = plain(sheet_text(line))
            cell = make(sheet, text)
            look = self.looks.meta if i == 0 and credit else self.looks.note
            cell.font = own_font(text, self.look(look))
            if self.doc.direction == "rtl":
                cell.alignment = _RTL  # from the sheet's right edge, running on over the cells to its left
            anchor = next(iter(targets(line)), None)
            if anchor:
                self.anchors.link(cell, anchor)
            sheet.add([cell])

    def _notes(self) -> None:
        """The notes at the end of the narrative, under their heading: every note, numbered as in the
        text of every sheet, as the other formats list them."""
        if not self.laid.notes:
            return
        self.sheet.add()
        self.inline_row((Span(self.laid.notes_heading),), self._heading_font(1))
        for note in self.laid.notes:
            self.inline_row(note_line(note.number, note.text), self.look(self.looks.note))

    def _long_values(self, table: Table) -> None:
        """Warn, with the first one's place, of values longer than an Excel cell holds: they are cut there."""
        long = sorted(
            (r, c, len(v))
            for c, column in enumerate(table.rows.columns)
            for r, v in enumerate(column)
            if isinstance(v, str) and len(v) > MAX_CELL_CHARS
        )
        if long:
            r, c, size = long[0]
            more = f" ({len(long) - 1:,} more)" if len(long) > 1 else ""
            message = (
                f"xlsx: the value in row {r + 1} of column '{table.columns[c]}' has {size:,} characters; "
                f"an Excel cell holds {MAX_CELL_CHARS:,}, so it is cut there{more}"
            )
            self.warnings.append(Problem(table.pos, message))

    def visit_chart(self, block: Chart, place: Place) -> None:
        assert place.caption is not None and place.table is not None and place.chart is not None
        name = self._sheet_name(block.title)
        self.anchors.land(place.anchor, name)
        self._link_row(place.caption, name)
        sheet = self._new_sheet(name, landscape=False)  # the chart is as wide as a portrait page's text
        data = chart_table(block)
        assert place.sheet is not None
        self.grid.layout(sheet, place.table.columns, place.sheet)
        # The chart first, where a reader looks; its numbers below, where they can be changed.
        drawn = chart.native_chart(block, place.chart, sheet, self.style)
        openpyxl_adapter.describe(drawn, markup.xml_safe(place.alt or block.title))
        sheet.add_chart(drawn, "A1")
        sheet.skip_to(chart.DATA_ROW - 2)
        self._sheet_caption(sheet, place.caption)
        sheet.skip_to(chart.DATA_ROW)
        self.grid.write(sheet, data, place.table.columns, place.sheet, range(len(data.rows)))
        self._under(sheet, place)

    def _new_sheet(self, name: str, landscape: bool, index: int | None = None) -> Sheet:
        sheet = add_sheet(self.workbook, name, index)
        self._direction(sheet)
        self._mark(sheet)
        self._print_setup(sheet, landscape)
        return sheet

    def _direction(self, sheet: Sheet) -> None:
        if self.doc.direction == "rtl":
            sheet.sheet_view.rightToLeft = True  # column A on the right, as the briefing reads

    def _link_row(self, caption: Caption, sheet_name: str) -> None:
        """A row of the narrative sheet that links to a table's or chart's sheet (and a Contents entry)."""
        text = plain(sheet_text(caption.spans))
        self.contents.append((text, sheet_name))
        self.row(text, self.look(self.looks.caption), to_sheet=sheet_name)

    def _contents_sheet(self) -> None:
        sheet = self._new_sheet(self.contents_name, landscape=False, index=0)
        sheet.column_dimensions["A"].width = _NARRATIVE_WIDTH
        if self.doc.classification:
            # The first sheet shows the marking in row 1, as the narrative sheet does.
            self._marking_cell(sheet)
        heading = make(sheet, self.doc.labels.contents)
        heading.font = own_font(self.doc.labels.contents, self.look(self.looks.contents, heading=True))
        sheet.add([heading])
        for text, name in [("Briefing", "Briefing"), *self.contents]:
            cell = make(sheet, text)
            cell.font = own_font(text, self.font(color=colours.LINK_RGB, underline="single"))
            link(cell, name)
            sheet.add([cell])

    def _sheet_name(self, title: str) -> str:
        """A valid, unique sheet name: 31 characters, none of []:*?/\\, cut between words."""
        base = markup.xml_safe(" ".join(title.translate(_BAD_SHEET_CHARS).split()).strip("'")) or "Table"
        name, n = _cut(base, 31), 1
        while name.lower() in self.sheet_names:
            n += 1
            suffix = f" ({n})"
            name = _cut(base, 31 - len(suffix)) + suffix
        self.sheet_names.add(name.lower())
        return name


_RTL = Alignment(readingOrder=2)
"""A line under a table of a right-to-left briefing: read from the right, whichever script it starts in."""
_RTL_WRAP = Alignment(wrap_text=True, vertical="top", readingOrder=2)
"""A narrative cell of a right-to-left briefing: its text read from the right, its periods at its end."""


def _lines(text: str, per_line: float) -> int:
    """Lines a text takes wrapped at ``per_line`` characters (0 for no text)."""
    if not text:
        return 0
    return sum(math.ceil(max(len(part), 1) / per_line) for part in text.split("\n"))


_LEADING_WORDS = frozenset(
    "a an and as at by for from in into of on or per the to vs with de des du en et la le les par pour sur".split()
)
"""Words a phrase goes on after ("funding by", "fatalities per"): a name cut after one reads as cut mid-phrase."""


def _cut(text: str, length: int) -> str:
    """``text`` in at most ``length`` characters, cut between words (at a space or a comma, never inside a
    word), with no word the phrase went on after, space or punctuation left at the end, and no ellipsis."""
    if len(text) > length:
        cut = text[:length]
        if not (text[length].isspace() or text[length] in ",;:.!?)") and " " in cut:
            cut = cut.rsplit(" ", 1)[0]  # inside a word: back to its start
        words = cut.rstrip(" ,.;:-–—(").split(" ")
        while len(words) > 1 and words[-1].lower() in _LEADING_WORDS:
            words.pop()
        text = " ".join(words)
    return text.rstrip(" ,.;:-–—(") or text[:length]
