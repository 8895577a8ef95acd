"""Right-to-left and joined text in the PDF: lines broken in logical order, then each put in visual order.

A paragraph holding Arabic, Hebrew or N'Ko is laid out here rather than by reportlab's
paragraph, whose own bidirectional support needs a library (rlbidi) that is not to be had.
The paragraph's characters get their Unicode bidirectional levels once (python-bidi), the
paragraph is broken into lines, and each line is cut into runs of one level, one font and
one link, put in visual order (rules L1 and L2). A right-to-left run is shaped as a whole by
HarfBuzz (reportlab's ``shapeFragWord`` over uharfbuzz), so that Arabic letters join and
lam-alef ligates, and is drawn as one string: text tools that read it reverse it back to
the order it was written in.

python-bidi's public function gives a text's characters reordered, but not their levels,
which runs of fonts and shaping need: ``briefing/adapters/bidi.py`` reads them.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import bidi
import uharfbuzz
from bidi.mirror import MIRRORED
from reportlab.graphics.shapes import String
from reportlab.lib import colors
from reportlab.lib.abag import ABag
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import shapeFragWord
from reportlab.platypus import Flowable

from ...adapters import bidi as bidi_adapter
from ...layout import colours
from .. import markup
from . import fonts, marked_content


@dataclass(frozen=True)
class Piece:
    """Text in one font: a run of a paragraph's spans, split by the font each character is set in."""

    text: str
    """The text, in logical order."""
    font: str
    """The registered reportlab font (face) it is set in."""
    href: str | None = None
    """The address it links to, or None."""
    lang: str | None = None
    """Its language, when it is not the document's, or None."""


def levels(text: str, rtl: bool) -> list[int]:
    """The bidirectional embedding level of each character of a paragraph (odd: right to left).

    The levels are resolved over the whole paragraph, brackets paired (rule N0), before it is
    broken into lines; ``line_levels`` applies the rule for the end of each line.
    """
    if not rtl and text.isascii():
        return [0] * len(text)  # no right-to-left letter, nor a control that would make one
    return bidi_adapter.embedding_levels(text, rtl)


def line_levels(text: str, found: Sequence[int], rtl: bool) -> list[int]:
    """A line's levels, its closing spaces at the paragraph's level (rule L1)."""
    line = list(found)
    end = len(text)
    while end and text[end - 1].isspace():
        end -= 1
        line[end] = 1 if rtl else 0
    return line


@dataclass(frozen=True)
class Run:
    """A piece of a line in one direction, one font and one link, as it is drawn."""

    text: str
    """The text in logical order."""
    font: str
    level: int
    """Its bidirectional level: odd runs right to left."""
    start: int
    """Where it starts in the line, in the order written."""
    href: str | None = None
    """The address it links to, or None."""
    lang: str | None = None
    """Its language, when it is not the document's, or None."""


@dataclass(frozen=True)
class _Text:
    """A paragraph's characters, each with its font, link and level (and language, where one is in another)."""

    text: str
    fonts: tuple[str, ...]
    hrefs: tuple[str | None, ...]
    levels: tuple[int, ...]
    langs: tuple[str | None, ...] = ()
    """Each character's language when some are in another than the document's; else empty."""

    @classmethod
    def of(cls, pieces: Sequence[Piece], rtl: bool) -> _Text:
        text = "".join(p.text for p in pieces)
        fonts = tuple(p.font for p in pieces for _ in p.text)
        hrefs = tuple(p.href for p in pieces for _ in p.text)
        langs = tuple(p.lang for p in pieces for _ in p.text) if any(p.lang for p in pieces) else ()
        return cls(text, fonts, hrefs, tuple(levels(text, rtl)), langs)

    def lang(self, i: int) -> str | None:
        return self.langs[i] if self.langs else None

    def runs(self, start: int, stop: int, found: Sequence[int]) -> list[Run]:
        """The runs of characters ``start`` to ``stop``, at levels ``found``, in logical order.

        Signs alone set right to left (") (" between English and Arabic) are drawn turned round, and a
        text tool reads a string as drawn: each sign is a run of its own, read in the order written.
        """
        runs: list[Run] = []
        first = start
        for i in range(start + 1, stop + 1):
            if i == stop or self._key(i, found[i - start]) != self._key(first, found[first - start]):
                level, font, href = found[first - start], self.fonts[first], self.hrefs[first]
                text, lang = self.text[first:i], self.lang(first)
                if level % 2 and len(text) > 1 and not markup.has_rtl(text):
                    runs.extend(Run(c, font, level, first - start + n, href, lang) for n, c in enumerate(text))
                else:
                    runs.append(Run(text, font, level, first - start, href, lang))
                first = i
        return runs

    def _key(self, i: int, level: int) -> tuple[int, str, str | None, str | None]:
        return level, self.fonts[i], self.hrefs[i], self.lang(i)


def visual_order(runs: list[Run]) -> list[Run]:
    """Runs in the order they are drawn from the left (rule L2)."""
    if not runs:
        return runs
    runs = list(runs)
    highest = max(run.level for run in runs)
    lowest_odd = min((run.level for run in runs if run.level % 2), default=highest + 1)
    for level in range(highest, lowest_odd - 1, -1):
        i = 0
        while i < len(runs):
            if runs[i].level >= level:
                j = i
                while j < len(runs) and runs[j].level >= level:
                    j += 1
                runs[i:j] = runs[i:j][::-1]
                i = j
            else:
                i += 1
    return runs


def visual_runs(pieces: Sequence[Piece], rtl: bool) -> list[Run]:
    """A line's runs of one level, one font and one link, in the order they are drawn from the left."""
    text = _Text.of(pieces, rtl)
    return visual_order(text.runs(0, len(text.text), line_levels(text.text, text.levels, rtl)))


_FEATURES = {"kern": True, "liga": False, "dlig": False}
"""HarfBuzz features: joining forms and the required ligatures (lam-alef) always apply; the optional
ligatures are left out, since a text tool reading one glyph for several letters may misorder them."""


def _shaped(run: Run, size: float) -> Any:
    """The string a run is drawn as: a right-to-left run shaped (in visual order), its brackets mirrored."""
    if not run.level % 2:
        return run.text
    return _shaped_right_to_left(run.text, run.font, size)


@lru_cache(maxsize=8192)
def _shaped_right_to_left(text: str, font: str, size: float) -> Any:
    # Remembered: a table's column repeats its words, and lines are measured before they are drawn.
    if not markup.has_rtl(text):
        # Spaces and signs alone, set right to left between words of another font: HarfBuzz would
        # take them as left to right, so they are turned round here, brackets turned too.
        return "".join(fonts.mirrored(font, c) for c in reversed(text))
    text = "".join(MIRRORED.get(c, c) for c in text)
    word = [stringWidth(text, font, size), (ABag(fontName=font, fontSize=size), text)]
    shaped = shapeFragWord(word, features=_FEATURES, force=True)[1][1]
    if any(_PRIVATE[0] <= ord(c) <= _PRIVATE[1] for c in shaped):
        _remember_private(shaped, text, font, size)
    return shaped


_PRIVATE = (0xE000, 0xF8FF)
"""Characters reportlab draws shaped glyphs by when the font gives them none (joined N'Ko letters)."""


def _remember_private(shaped: str, text: str, font: str, size: float) -> None:
    """Tell the font's text map which letters each private character of a shaped run stands for."""
    buffer = uharfbuzz.Buffer()
    buffer.cluster_level = uharfbuzz.BufferClusterLevel.MONOTONE_CHARACTERS
    buffer.add_str(text)
    buffer.guess_segment_properties()
    uharfbuzz.shape(pdfmetrics.getFont(font).hbFont(size), buffer, _FEATURES)
    clusters = sorted({info.cluster for info in buffer.glyph_infos})
    ends = dict(zip(clusters, [*clusters[1:], len(text)], strict=True))
    for char, info in zip(shaped, buffer.glyph_infos, strict=False):
        if _PRIVATE[0] <= ord(char) <= _PRIVATE[1]:
            fonts.remember_glyph(font, char, text[info.cluster : ends[info.cluster]])


class BidiParagraph(Flowable):  # type: ignore[misc]
    """A paragraph of mixed-direction text, wrapped to its width and drawn line by line in visual order."""

    def __init__(self, pieces: Sequence[Piece], style: ParagraphStyle, rtl: bool) -> None:
        super().__init__()
        self.style, self.rtl = style, rtl
        self.text = _Text.of(pieces, rtl)
        self.start, self.stop = 0, len(self.text.text)
        self.lines: list[tuple[int, int]] = []
        """Each line's first character and the one after its last, its closing space included."""
        self.keepWithNext = getattr(style, "keepWithNext", 0)
        self._broken: dict[float, list[tuple[int, int]]] = {}
        """Lines by width: reportlab wraps and splits a flowable at the same width more than once."""
        self._words: list[tuple[int, int, float, float]] | None = None

    @property
    def written(self) -> str:
        """Its text in the order written."""
        return self.text.text

    def _part(self, start: int, stop: int) -> BidiParagraph:
        """The same paragraph from character ``start`` to ``stop``: its levels are the whole paragraph's."""
        part = copy.copy(self)
        part.start, part.stop, part.lines, part._broken, part._words = start, stop, [], {}, None
        return part

    def _measured(self) -> list[tuple[int, int, float, float]]:
        """The places a line may break (after a space or a line break): each word's range and
        its width with and without the space it may break after, each measured once, shaped."""
        if self._words is None:
            text, size = self.text.text, self.style.fontSize
            self._words = []
            start = self.start
            for i in range(self.start, self.stop):
                if text[i] in " \n" and (i + 1 == self.stop or text[i + 1] not in " \n"):
                    self._words.append((start, i + 1, *self._widths(start, i + 1, size)))
                    start = i + 1
            if start < self.stop:
                self._words.append((start, self.stop, *self._widths(start, self.stop, size)))
        return self._words

    def _widths(self, start: int, stop: int, size: float) -> tuple[float, float]:
        end = _trim(self.text.text, start, stop)
        full = _width(self.text.runs(start, stop, self.text.levels[start:stop]), size)
        if end == stop:
            return full, full
        return full, full - _width(self.text.runs(end, stop, self.text.levels[end:stop]), size)

    def _lines(self, width: float) -> list[tuple[int, int]]:
        if width in self._broken:
            return self._broken[width]
        lines: list[tuple[int, int]] = []
        first, total = -1, 0.0
        for start, stop, full, trimmed in self._measured():
            # A line is measured without the space it would break after, as it is drawn.
            if first >= 0 and total + trimmed > width + 1e-6:
                lines.append((first, start))
                first, total = -1, 0.0
            if first < 0:
                first = start
            total += full
            if self.text.text[stop - 1] == "\n":
                lines.append((first, stop))
                first, total = -1, 0.0
        if first >= 0:
            lines.append((first, self.stop))
        self._broken[width] = lines
        return lines

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self.lines = self._lines(available_width)
        self.height = len(self.lines) * self.style.leading
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        lines = self._lines(available_width)
        fit = int(available_height // self.style.leading)
        if fit <= 0 or fit >= len(lines):
            return [] if fit <= 0 else [self]
        return [self._part(self.start, lines[fit][0]), self._part(lines[fit][0], self.stop)]

    def getSpaceBefore(self) -> float:  # noqa: N802 (reportlab's name)
        return float(self.style.spaceBefore)

    def getSpaceAfter(self) -> float:  # noqa: N802 (reportlab's name)
        return float(self.style.spaceAfter)

    def draw(self) -> None:
        canvas, style, text = self.canv, self.style, self.text
        size = style.fontSize
        canvas.setFillColor(style.textColor)
        y = self.height - size  # the first baseline, as reportlab's paragraphs place it
        for start, stop in self.lines:
            end = _trim(text.text, start, stop)
            found = line_levels(text.text[start:end], text.levels[start:end], self.rtl)
            _draw(canvas, visual_order(text.runs(start, end, found)), size, (0.0, self.width, y), style.alignment)
            y -= style.leading


def draw_line(
    canvas: Any, pieces: Sequence[Piece], size: float, rtl: bool, place: tuple[float, float, float], alignment: int
) -> None:
    """Draw one line of pieces in visual order, shaped, across ``place`` (left, width, baseline) as aligned."""
    _draw(canvas, visual_runs(pieces, rtl), size, place, alignment)


def _draw(canvas: Any, runs: list[Run], size: float, place: tuple[float, float, float], alignment: int) -> None:
    left, room, y = place
    placed = _placed(runs, size)
    x = left + _start(alignment, room, sum(width for _, _, _, width in placed))
    # Each run at its place from the left, but in the order written: a text tool that reads
    # the page's text in its order gets the runs as they were written.
    for run, text, at, width in sorted(placed, key=lambda p: p[0].start):
        canvas.setFont(run.font, size)
        written = run.text if run.level % 2 else None
        with marked_content.language(canvas, run.lang, written), marked_content.spoken(canvas, _spoken(run, text)):
            if run.href is None:
                canvas.drawString(x + at, y, text)
            else:
                _link(canvas, run.href, text, (x + at, y, width), size)


def _spoken(run: Run, drawn: str) -> str | None:
    """What a run drawn as ``drawn`` reads as (its /ActualText), where its glyphs read otherwise: a
    left-to-right run shaped into glyphs of no character of their own. A right-to-left run's glyphs
    read as its letters (their text map says so, a ligature's letters turned as the line is), and text
    tools put its letters back in the order written; with an /ActualText they would not (PDFium reads
    its words backwards)."""
    if drawn == run.text or run.level % 2:
        return None
    return run.text


def _placed(runs: list[Run], size: float) -> list[tuple[Run, str, float, float]]:
    """Each run in visual order with the string it is drawn as, its offset from the line's left and its width."""
    placed, x = [], 0.0
    for run in runs:
        text = _shaped(run, size)
        width = stringWidth(text, run.font, size)
        placed.append((run, text, x, width))
        x += width
    return placed


def line_width(pieces: Sequence[Piece], size: float) -> float:
    """The width of a line of pieces as it is drawn: shaped, in the fonts its pieces name."""
    rtl = bidi.get_base_level("".join(p.text for p in pieces)) == 1
    return sum(width for _, _, _, width in _placed(visual_runs(pieces, rtl), size))


def strings(pieces: Sequence[Piece], size: float, place: tuple[float, float], anchor: str, fill: Any) -> list[String]:
    """A line of text as reportlab graphics strings, for a drawing (a chart's labels): laid out and shaped
    as a paragraph's line, in the direction its first letter gives, placed at ``place`` by ``anchor``
    (start, middle or end)."""
    rtl = bidi.get_base_level("".join(p.text for p in pieces)) == 1
    placed = _placed(visual_runs(pieces, rtl), size)
    total = sum(width for _, _, _, width in placed)
    x = place[0] - {"start": 0.0, "middle": total / 2, "end": total}[anchor]
    return [
        String(x + at, place[1], text, fontName=run.font, fontSize=size, fillColor=fill)
        for run, text, at, _ in sorted(placed, key=lambda p: p[0].start)
    ]


_LINK = colors.HexColor("#" + colours.LINK_RGB)


def _link(canvas: Any, href: str, text: str, place: tuple[float, float, float], size: float) -> None:
    """A run of a link: coloured and underlined as links are in the other formats, and clickable."""
    x, y, width = place
    with marked_content.linked(canvas):  # its words and its annotation, a Link's
        canvas.saveState()
        canvas.setFillColor(_LINK)
        canvas.setStrokeColor(_LINK)
        canvas.drawString(x, y, text)
        canvas.setLineWidth(size / 16)
        canvas.line(x, y - size / 8, x + width, y - size / 8)
        canvas.restoreState()
        area = (x, y - size / 4, x + width, y + size * 0.8)
        if href.startswith("#"):  # a place in the document: a note, a table, a heading, a source
            canvas.linkRect("", href[1:], area, relative=1, thickness=0)
        else:
            canvas.linkURL(href, area, relative=1, thickness=0)


def _width(runs: list[Run], size: float) -> float:
    return sum(stringWidth(_shaped(run, size), run.font, size) for run in runs)


def _trim(text: str, start: int, stop: int) -> int:
    """Where a line from ``start`` to ``stop`` ends without the space or line break it broke after."""
    while stop > start and text[stop - 1] in " \n":
        stop -= 1
    return stop


def _start(alignment: int, room: float, width: float) -> float:
    """Where a line of ``width`` starts in ``room``, by the style's alignment (right in a right-to-left briefing)."""
    if alignment == TA_CENTER:
        return (room - width) / 2
    return room - width if alignment == TA_RIGHT else 0.0
