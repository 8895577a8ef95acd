"""reportlab's internals: a group's measured height (a group inside it measured by its flowables),
where a flowable stands in its frame, a split table's rows, the anchors a paragraph holds and the
flowables a container holds, a frame whose foot is raised while its page fills, a finished page's
content, a list whose labels are drawn through a hook, a header paragraph's
lines broken once, and a table's one-line cells written into the page as reportlab would write them.

reportlab offers no public way to read these or to do these things; each use is here, named for
what it does. Its TrueType fonts' internals are in ``reportlab_fonts``.
"""

from __future__ import annotations

import copy
import weakref
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from reportlab import rl_config
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase import pdfmetrics as _fonts
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import Flowable, Frame, KeepTogether, ListFlowable, LongTable, Paragraph, Table
from reportlab.platypus.flowables import BulletDrawer


def kept_flowables(group: KeepTogether) -> list[Flowable]:
    """The flowables a KeepTogether holds, in order."""
    return list(group._content)


def kept_height(group: KeepTogether, width: float, height: float) -> float:
    """The height of a KeepTogether's flowables laid out in ``width``; measured again only when the
    space offered differs from the last time, as KeepTogether.split does."""
    if getattr(group, "_wrapInfo", None) != (width, height):
        group.wrap(width, height)
    return float(group._H)


class OpenKeepTogether(KeepTogether):  # type: ignore[misc]
    """A KeepTogether that may hold another, measured by the flowables the one inside holds.

    A KeepTogether's own wrap reports a height no page holds, so that its frame splits it (and
    places its flowables, or moves them to the next page); measured so, a group holding one would
    never seem to fit.
    """

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:  # noqa: N803 (reportlab's names)
        held = kept_flowables(self)
        self._content = _opened(held)
        try:
            return super().wrap(aW, aH)  # type: ignore[no-any-return]
        finally:
            self._content = held


def _opened(flowables: list[Flowable]) -> list[Flowable]:
    """``flowables`` with each KeepTogether among them replaced by the flowables it holds."""
    out: list[Flowable] = []
    for flowable in flowables:
        out.extend(_opened(kept_flowables(flowable)) if isinstance(flowable, KeepTogether) else [flowable])
    return out


def takes_no_room(flowable: Flowable) -> bool:
    """Whether a flowable takes no room on the page: an action (a page template to use next) or a
    flowable of no size (a named place)."""
    return hasattr(flowable, "frameAction") or bool(getattr(flowable, "_ZEROSIZE", False))


def at_top_of_frame(flowable: Flowable) -> bool | None:
    """Whether a flowable being placed starts its frame (nothing above it on the page); None when it
    is not being placed in a frame."""
    frame = getattr(flowable, "_frame", None)
    return None if frame is None else bool(frame._atTop)


def table_row_count(table: Table) -> int:
    """The number of rows a table holds, a split part's too."""
    return len(table._cellvalues)


def paragraph_anchors(paragraph: Paragraph) -> list[str]:
    """The names of the anchors (``<a name="..."/>``) a paragraph holds, in order: a part split from
    a paragraph holds those of its own lines only."""
    found: list[str] = []
    stack: list[Any] = list(reversed(paragraph.frags))
    while stack:  # a split part's frags are its words: lists of (width, frag) pairs
        item = stack.pop()
        definition = getattr(item, "cbDefn", None)
        if definition is not None and getattr(definition, "kind", None) == "anchor":
            found.append(definition.name)
        if isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
    return found


def inner_flowables(flowable: Flowable) -> list[Any]:
    """What a container flowable holds: a group's or a list's flowables (a list's items, each its
    bullet's indent around the item's text), a table's cells (strings, flowables or lists of
    flowables), row by row; nothing for any other flowable."""
    if isinstance(flowable, Table):
        return [cell for row in flowable._cellvalues for cell in row]
    content = getattr(flowable, "_content", None)
    if content is None:
        content = getattr(flowable, "_flowables", None)  # a ListItem's
    if content is None:
        content = getattr(flowable, "_flowable", None)  # a list's item, as its ListFlowable placed it
        if isinstance(content, Flowable):
            content = [content]
    return list(content) if isinstance(content, (list, tuple)) else []


class FootFrame(Frame):  # type: ignore[misc]
    """A frame whose foot can be raised while its page fills, to keep room for what is set there;
    each new page starts it at the height ``foot_at_start`` gives."""

    @property
    def bottom(self) -> float:
        """The frame's own foot, where its text would end with nothing set below it."""
        return float(self._y1 + self._bottomPadding)

    @property
    def foot(self) -> float:
        """Where the text of the page being filled must end."""
        return float(self._y1p)

    def set_foot(self, value: float) -> None:
        """Have the text of the page end at ``value`` (a method: Frame keeps its own attribute setting)."""
        self._y1p = value  # what Frame.add and Frame.split measure the room left from

    @property
    def cursor(self) -> float:
        """Where the next flowable would start: the foot of what is placed so far."""
        return float(self._y)

    @property
    def text_width(self) -> float:
        """The width flowables are laid out in."""
        return float(self._getAvailableWidth())

    @property
    def text_height(self) -> float:
        """The frame's height less its padding: the most a page holds."""
        return float(self._aH)

    @property
    def left(self) -> float:
        """Where its text starts across the page."""
        return float(self._x1 + self._leftPadding)

    def foot_at_start(self) -> float:
        """The foot a new page starts with: the frame's own, unless a subclass keeps room there."""
        return self.bottom

    shared: tuple[str, ...] = ()
    """The attributes a copy of the frame shares with it rather than copies."""

    def __deepcopy__(self, memo: dict[int, Any]) -> FootFrame:
        # reportlab copies the frame each time it measures a group (KeepTogether), to measure in the
        # copy; what a subclass keeps about the pages (their notes, which hold what was drawn and so
        # the canvas) is only read there, and copying it took most of the time of a long document.
        for name in self.shared:
            value = getattr(self, name)
            memo[id(value)] = value
        copied = type(self).__new__(type(self))
        memo[id(self)] = copied
        copied.__dict__.update(copy.deepcopy(vars(self), memo))
        return copied

    def _reset(self) -> None:
        super()._reset()
        self._y1p = self.foot_at_start()


class SpacedParagraph(Paragraph):  # type: ignore[misc]
    """A paragraph that draws a space at the end of each line its words go on from.

    reportlab draws a paragraph's lines with no space between the last word of a line and the first
    of the next (``(Military) Tj T* (Ties) Tj``): a reader of the text in the order drawn (a screen
    reader, poppler's and PDFium's text of the structure tree) reads "MilitaryTies". The space is
    drawn after the line's last glyph, where it moves nothing: the page looks the same.
    """

    runs_on = False
    """Its text goes on after its last line (a note's number, then the note's text; the part of a
    paragraph split at a page's foot): that line ends with a space too."""

    def beginText(self, x: float, y: float) -> Any:  # noqa: N802 (reportlab's name)
        text = super().beginText(x, y)
        lines = len(getattr(getattr(self, "blPara", None), "lines", ()))
        ends = lines if self.runs_on else lines - 1
        if ends > 0 and type(text) is PDFTextObject:
            text.__class__ = _SpacedLines
            text.spaces_left = ends
        return text

    blPara: Any  # reportlab's: the lines, as wrap breaks them
    _wrapWidths: Any  # reportlab's: the widths they were broken to
    repeated = False
    """It is laid out again and again at the same widths (a table's header, on every page): each width's
    lines are broken once."""

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        if not self.repeated:
            return super().wrap(available_width, available_height)  # type: ignore[no-any-return]
        laid: dict[float, tuple[Any, ...]] = self.__dict__.setdefault("_laid", {})
        if available_width not in laid:  # the lines depend on the width alone
            size = super().wrap(available_width, available_height)
            if size[1] >= 0x7FFFFFFF:  # no room for a line: nothing laid out
                return size  # type: ignore[no-any-return]
            laid[available_width] = (size, self._wrapWidths, self.blPara)
        size, self._wrapWidths, self.blPara = laid[available_width]
        self.width, self.height = size
        return size  # type: ignore[no-any-return]

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        parts = list(super().split(available_width, available_height))
        if len(parts) > 1:  # the words go on on the next page
            parts[-1].runs_on = self.runs_on
            parts[0].runs_on = True
        return parts


class _SpacedLines(PDFTextObject):  # type: ignore[misc]
    """A paragraph's text object that ends its first ``spaces_left`` lines with a space."""

    spaces_left = 0

    def _textOut(self, text: str, TStar: int = 0) -> None:  # noqa: N802, N803 (reportlab's names)
        # A paragraph draws each line's last piece of text, and no other, with the move to the next line.
        if TStar and self.spaces_left > 0:
            self.spaces_left -= 1
            text += " "
        super()._textOut(text, TStar)


def compress_last_page(canvas: Any) -> bool:
    """Compress the content of the page ``canvas`` has just finished; whether it could.

    reportlab keeps every page's drawing operators as text until it writes the file, and
    compresses them only then: a 2,600-page annex holds some 60 MB of text it no longer needs.
    Compressing each page as it is finished holds a sixth of that. Should reportlab's page objects
    change, pages are left as they are and reportlab compresses them at the end, as it always did.
    """
    pages = getattr(getattr(getattr(canvas, "_doc", None), "Pages", None), "pages", None)
    if not pages:
        return False
    page = pages[-1]
    stream = getattr(page, "stream", None)
    if not isinstance(stream, str) or not getattr(page, "compression", False) or getattr(page, "Contents", None):
        return False
    # The filters reportlab itself would apply when it writes the page (PDFPage.check_format),
    # applied in the same order as PDFStream.format, which leaves a stream whose Filter is set alone.
    filters = [pdfdoc.PDFBase85Encode, pdfdoc.PDFZCompress] if rl_config.useA85 else [pdfdoc.PDFZCompress]
    content: str | bytes = stream
    for encoding in reversed(filters):
        content = encoding.encode(content)
    contents = pdfdoc.PDFStream(content=content)
    contents.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName(f.pdfname) for f in filters])
    contents.__Comment__ = "page stream"
    page.Contents, page.stream = contents, None
    return True


# -- the tagged PDF: entries reportlab's page and link objects take no other way, and object numbers


def add_page_entries(canvas: Any, entries: dict[str, Any]) -> bool:
    """Add ``entries`` (``/StructParents``, ``/Tabs``) to the page ``canvas`` has just finished; whether it could.

    reportlab writes a page's keys from a fixed list (``PDFPage.__NoDefault__``); the finished page
    gets a list of its own with these keys added, and the values as its attributes.
    """
    pages = getattr(getattr(getattr(canvas, "_doc", None), "Pages", None), "pages", None)
    if not pages:
        return False
    page = pages[-1]
    known = list(getattr(page, "__NoDefault__", ()))
    page.__NoDefault__ = known + [key for key in entries if key not in known]
    for key, value in entries.items():
        setattr(page, key, value)
    return True


def last_annotation(canvas: Any) -> str:
    """The name in the document of the annotation ``canvas`` made last (its ``linkURL`` gives none back)."""
    return str(canvas._doc.annotationName("NUMBER" + repr(canvas._annotationCount)))


def add_annotation_entries(canvas: Any, name: str, entries: dict[str, Any]) -> None:
    """Add ``entries`` (``/StructParent``) to the annotation named ``name``: a link to a place in the
    document is a ``LinkAnnotation``, which writes only the keys its class permits."""
    annotation = canvas._doc.idToObject[name]
    if isinstance(annotation, pdfdoc.PDFDictionary):
        for key, value in entries.items():
            annotation[key] = value
        return
    annotation.otherkw.update(entries)
    annotation.permitted = (*type(annotation).permitted, *entries)


def object_numbers(canvas: Any, names: list[str]) -> list[int]:
    """The object numbers reportlab gave the objects named ``names`` (pages are "Page1", "Page2"...),
    read once the file is written."""
    numbers = canvas._doc.idToObjectNumberAndVersion
    return [int(numbers[name][0]) for name in names]


def object_name(obj: Any) -> str:
    """The name under which reportlab holds an object it has made indirect."""
    return str(obj.__InternalName__)


def watch_table(table: Table, callback: Any) -> None:
    """Have reportlab call ``callback`` as it draws ``table``'s rows and cells (its ``renderCB``), for a
    table made inside another flowable (the contents), which cannot be given one when it is made."""
    table._renderCB = callback


def text_position(canvas: Any) -> tuple[float, float]:
    """Where a paragraph's words have got to, in its own space, in a callback it calls as it draws them
    (``<onDraw>``), as reportlab's contents read it for their page numbers."""
    info = canvas._curr_tx_info
    return float(info["cur_x"]), float(info["cur_y"])


def contents_table(toc: Any) -> Table | None:
    """The table a ``TableOfContents`` draws its entries as, once it has been laid out."""
    return getattr(toc, "_table", None)


def drawn_left(flowable: Flowable, x: float, slack: float) -> float:
    """Where ``flowable``, drawn at ``x`` with ``slack`` points spare across its frame, starts: its
    alignment (``hAlign``) moves it into the slack as reportlab's ``drawOn`` does."""
    return float(flowable._hAlignAdjust(x, slack))


# -- a list's labels


LabelDrawing = Callable[[Flowable, Any], AbstractContextManager[None]]
"""What is around a list item's label as it is drawn: given the item's first flowable and the canvas."""


class _Label(BulletDrawer):  # type: ignore[misc]
    around: LabelDrawing

    def drawOn(self, indenter: Any, canv: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803
        with self.around(indenter._flowable, canv):
            super().drawOn(indenter, canv, x, y, _sW)


class LabelledList(ListFlowable):  # type: ignore[misc]
    """A ListFlowable that draws each item's label (its bullet or number) inside ``around(item, canvas)``,
    ``item`` the item's first flowable: reportlab draws labels by a ``BulletDrawer`` it makes itself
    (``_makeBullet``), with no hook; this one is of a kind that calls ``around``, and draws the same."""

    def __init__(self, items: list[Flowable], around: LabelDrawing, **options: Any) -> None:
        self._around = around
        super().__init__(items, **options)

    def _makeBullet(self, value: Any, params: Any = None) -> BulletDrawer:  # noqa: N802
        bullet = super()._makeBullet(value, params)
        bullet.__class__ = _Label
        bullet.around = self._around
        return bullet


# -- a long table's plain cells


class PlainCellTable(LongTable):  # type: ignore[misc]
    """A LongTable that writes each cell given as a one-line string straight into the page's content, the
    operators reportlab's ``drawString`` writes. reportlab makes a text object for each, measures its text (a
    right-aligned one twice) and encodes it a character at a time: here a text is encoded once per document and
    measured only where it stands at the right. Any other cell is drawn by reportlab."""

    _curcellstyle: Any  # reportlab's: the style of the cell drawn last

    def normalizeData(self, data: list[list[Any]]) -> list[list[Any]]:  # noqa: N802 (reportlab's name)
        # reportlab's calls a function for each cell, each time a page splits the table: only None changes.
        return [[cell if cell is not None else "" for cell in row] for row in data]

    def _drawCell(self, cellval: Any, cellstyle: Any, pos: Any, size: Any) -> None:  # noqa: N802 (reportlab's name)
        ways: dict[int, _PlainWay | None] = self.__dict__.setdefault("_ways", {})  # by the style's id
        if id(cellstyle) not in ways:
            ways[id(cellstyle)] = _PlainWay.of(cellstyle, self.canv)
        way = ways[id(cellstyle)]
        if way is None or type(cellval) is not str or "\n" in cellval:
            super()._drawCell(cellval, cellstyle, pos, size)
            return
        current = self._curcellstyle
        if current is not cellstyle:  # the colour and font set as reportlab's own _drawCell sets them
            if current is None or cellstyle.color != current.color:
                self.canv.setFillColor(cellstyle.color)
            font = (cellstyle.fontname, cellstyle.fontsize, cellstyle.leading)
            if current is None or font != (current.fontname, current.fontsize, current.leading):
                self.canv.setFont(*font)
            self._curcellstyle = cellstyle
        if way.left:
            x = pos[0] + way.padding
        else:
            x = pos[0] + size[0] - way.padding - way.font.stringWidth(cellval, way.size)
        shown = way.shown.get(cellval)
        if shown is None:
            shown = way.encode(cellval)
        self.canv._code.append(f"BT 1 0 0 1 {fp_str(x, pos[1] + size[1] - way.top)} Tm {shown} T* ET")


class _PlainWay:
    """How ``PlainCellTable`` draws the cells of one style: where their text starts (``top``: from the
    row's top to its baseline), and the texts encoded so far in its font and size for the document
    (``shown``: the operators that show each). ``known`` are the characters that have a code in the
    font's first subset, ``codes`` their codes (for ``str.translate``) as read when ``learnt`` had
    codes, ``first`` the operators that set that subset."""

    def __init__(self, style: Any, font: Any, doc: Any) -> None:
        self.font, self.doc, self.size, self.leading = font, doc, style.fontsize, style.leading
        self.left = style.alignment == "LEFT"
        self.padding = style.leftPadding if self.left else style.rightPadding
        self.top = style.topPadding + style.fontsize
        self.shown: dict[str, str] = {}
        self.known: frozenset[str] = frozenset()
        self.codes: dict[int, str] = {}
        self.first, self.learnt = "", -1

    @classmethod
    def of(cls, style: Any, canvas: Any) -> _PlainWay | None:
        """The way of ``style``'s cells on ``canvas``, shared by the tables drawn there with a style alike;
        None where reportlab draws them (aligned otherwise than left or right, a link, right-to-left,
        in a font other than TrueType)."""
        font = _fonts.getFont(style.fontname)
        plain = style.alignment in ("LEFT", "RIGHT") and style.valign == "TOP" and font._dynamicFont
        if not plain or style.href or style.destination or style.direction or style.shaping:
            return None
        alike: tuple[Any, ...] = (style.fontname, style.fontsize, style.leading, style.alignment)
        alike += (style.leftPadding, style.rightPadding, style.topPadding)
        ways = _WAYS.setdefault(canvas._doc, {})
        if alike not in ways:
            ways[alike] = cls(style, font, canvas._doc)
        return ways[alike]

    def encode(self, text: str) -> str:
        """``text`` as the operators that show it, as ``PDFTextObject._formatText`` writes them; remembered."""
        if text and self.known.issuperset(text):  # each character has its code in the first subset already
            shown = f"{self.first}({escapePDF(text.translate(self.codes).encode('latin-1'))}) Tj"
        else:
            font, doc = self.font, self.doc
            parts, current = [], -1
            for subset, encoded in font.splitString(text, doc):  # which gives new characters their codes
                if subset != current:
                    name = font.getSubsetInternalName(subset, doc)
                    parts.append(f"{name} {fp_str(self.size)} Tf {fp_str(self.leading)} TL")
                    current = subset
                parts.append(f"({escapePDF(encoded)}) Tj")
            shown = " ".join(parts)
            assigned = font.state[doc].assignments
            if len(assigned) != self.learnt:
                self.codes = {code: chr(n) for code, n in assigned.items() if n < 256 and code != 0xA0}  # nbsp: a space
                self.known, self.learnt = frozenset(map(chr, self.codes)), len(assigned)
                name = font.getSubsetInternalName(0, doc)
                self.first = f"{name} {fp_str(self.size)} Tf {fp_str(self.leading)} TL "
        if len(self.shown) >= _SHOWN_MOST:
            self.shown.clear()
        self.shown[text] = shown
        return shown


_SHOWN_MOST = 4_096  # texts a way remembers encoded: a column's repeated values (regions, dates)
_WAYS: weakref.WeakKeyDictionary[Any, dict[tuple[Any, ...], _PlainWay]] = weakref.WeakKeyDictionary()
"""The ways cells are drawn, by document, then by what of their style they depend on."""
