"""Right-to-left and joined text in the PDF: lines broken in logical order, then each put in visual order.

A paragraph holding Arabic, Hebrew or N'Ko is laid out here rather than by reportlab's
paragraph, whose own bidirectional support needs a library (rlbidi) that is not to be had.
Each line's characters get their Unicode bidirectional levels (python-bidi), the line is
cut into runs of one level and one font, and the runs are put in visual order (rule L2).
A right-to-left run is shaped as a whole by HarfBuzz (reportlab's ``shapeStr`` over
uharfbuzz), so that Arabic letters join and lam-alef ligates, and is drawn as one string:
text tools that read it reverse it back to the order it was written in.

python-bidi's public function gives a line's characters reordered, but not their levels,
which runs of fonts and shaping need: ``levels`` takes them from the steps of its
algorithm module. That is the one reach into the library; tests/test_pdfbidi.py fails
if it changes.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import uharfbuzz
from bidi import algorithm as uba
from reportlab.lib.abag import ABag
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import shapeFragWord
from reportlab.platypus import Flowable

from . import pdffonts


@dataclass(frozen=True)
class Piece:
    """Text in one font: a run of a paragraph's spans, split by the font each character is set in."""

    text: str
    """The text, in logical order."""
    font: str
    """The registered reportlab font (face) it is set in."""


def levels(text: str, rtl: bool) -> list[int]:
    """The bidirectional embedding level of each character of a line (odd: right to left)."""
    storage = uba.get_empty_storage()
    storage["base_level"] = 1 if rtl else 0
    storage["base_dir"] = "R" if rtl else "L"
    uba.get_embedding_levels(text, storage)
    for index, char in enumerate(storage["chars"]):
        char["index"] = index  # explicit controls are dropped below: the rest keep their place
    uba.explicit_embed_and_overrides(storage)
    uba.resolve_weak_types(storage)
    uba.resolve_neutral_types(storage, False)
    uba.resolve_implicit_levels(storage, False)
    found = [storage["base_level"]] * len(text)
    for char in storage["chars"]:
        found[char["index"]] = char["level"]
    # Rule L1: spaces at the end of the line take the paragraph's level.
    end = len(text)
    while end and text[end - 1].isspace():
        end -= 1
        found[end] = storage["base_level"]
    return found


@dataclass(frozen=True)
class Run:
    """A piece of a line in one direction and one font, as it is drawn."""

    text: str
    """The text in logical order."""
    font: str
    level: int
    """Its bidirectional level: odd runs right to left."""
    start: int
    """Where it starts in the line, in the order written."""


def visual_runs(pieces: Sequence[Piece], rtl: bool) -> list[Run]:
    """A line's runs of one level and one font, in the order they are drawn from the left (rule L2)."""
    text = "".join(p.text for p in pieces)
    fonts = [p.font for p in pieces for _ in p.text]
    found = levels(text, rtl)
    runs: list[Run] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or found[i] != found[start] or fonts[i] != fonts[start]:
            runs.append(Run(text[start:i], fonts[start], found[start], start))
            start = i
    if not runs:
        return runs
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


_FEATURES = {"kern": True, "liga": False, "dlig": False}
"""HarfBuzz features: joining forms and the required ligatures (lam-alef) always apply; the optional
ligatures are left out, since a text tool reading one glyph for several letters may misorder them."""


def _shaped(run: Run, size: float) -> Any:
    """The string a run is drawn as: a right-to-left run shaped (in visual order), its brackets mirrored."""
    if not run.level % 2:
        return run.text
    text = "".join(uba.MIRRORED.get(c, c) for c in run.text)
    if not any(unicodedata.bidirectional(c) in ("R", "AL") for c in text):
        # Spaces and signs alone, set right to left between words of another font: HarfBuzz would
        # take them as left to right, so they are turned round here.
        return text[::-1]
    word = [stringWidth(text, run.font, size), (ABag(fontName=run.font, fontSize=size), text)]
    shaped = shapeFragWord(word, features=_FEATURES, force=True)[1][1]
    if any(_PRIVATE[0] <= ord(c) <= _PRIVATE[1] for c in shaped):
        _remember_private(shaped, text, run.font, size)
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
            pdffonts.remember_glyph(font, char, text[info.cluster : ends[info.cluster]])


def _width(pieces: Sequence[Piece], size: float, rtl: bool) -> float:
    return sum(stringWidth(_shaped(run, size), run.font, size) for run in visual_runs(pieces, rtl))


def _words(pieces: Sequence[Piece]) -> Iterator[list[Piece]]:
    """The paragraph cut after each space: the places a line may break, each word with its fonts."""
    word: list[Piece] = []
    for piece in pieces:
        start = 0
        for i, char in enumerate(piece.text):
            if char == " ":
                word.append(Piece(piece.text[start : i + 1], piece.font))
                yield word
                word, start = [], i + 1
        if start < len(piece.text):
            word.append(Piece(piece.text[start:], piece.font))
    if word:
        yield word


class BidiParagraph(Flowable):  # type: ignore[misc]
    """A paragraph of mixed-direction text, wrapped to its width and drawn line by line in visual order."""

    def __init__(self, pieces: Sequence[Piece], style: ParagraphStyle, rtl: bool) -> None:
        super().__init__()
        self.pieces, self.style, self.rtl = list(pieces), style, rtl
        self.lines: list[list[Piece]] = []
        self.keepWithNext = getattr(style, "keepWithNext", 0)
        self._broken: dict[float, list[list[Piece]]] = {}
        """Lines by width: reportlab wraps and splits a flowable at the same width more than once."""

    def _lines(self, width: float) -> list[list[Piece]]:
        if width in self._broken:
            return self._broken[width]
        size = self.style.fontSize
        lines: list[list[Piece]] = []
        line: list[Piece] = []
        for word in _words(self.pieces):
            # A line is measured without the space it would break after, as it is drawn.
            if line and _width(_trimmed([*line, *word]), size, self.rtl) > width + 1e-6:
                lines.append(line)
                line = []
            line.extend(word)
        if line:
            lines.append(line)
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
        head = BidiParagraph([p for line in lines[:fit] for p in line], self.style, self.rtl)
        tail = BidiParagraph([p for line in lines[fit:] for p in line], self.style, self.rtl)
        return [head, tail]

    def getSpaceBefore(self) -> float:  # noqa: N802 (reportlab's name)
        return float(self.style.spaceBefore)

    def getSpaceAfter(self) -> float:  # noqa: N802 (reportlab's name)
        return float(self.style.spaceAfter)

    def draw(self) -> None:
        canvas, style = self.canv, self.style
        size = style.fontSize
        canvas.setFillColor(style.textColor)
        y = self.height - size  # the first baseline, as reportlab's paragraphs place it
        for line in self.lines:
            draw_line(canvas, _trimmed(line), size, self.rtl, (0.0, self.width, y), style.alignment)
            y -= style.leading


def draw_line(
    canvas: Any, pieces: Sequence[Piece], size: float, rtl: bool, place: tuple[float, float, float], alignment: int
) -> None:
    """Draw one line of pieces in visual order, shaped, across ``place`` (left, width, baseline) as aligned."""
    left, room, y = place
    drawn = [(run, _shaped(run, size)) for run in visual_runs(pieces, rtl)]
    widths = [stringWidth(text, run.font, size) for run, text in drawn]
    x = left + _start(alignment, room, sum(widths))
    placed = []
    for (run, text), width in zip(drawn, widths, strict=True):
        placed.append((run.start, x, run.font, text))
        x += width
    # Each run at its place from the left, but in the order written: a text tool that reads
    # the page's text in its order gets the runs as they were written.
    for _, x, font, text in sorted(placed):
        canvas.setFont(font, size)
        canvas.drawString(x, y, text)


def _trimmed(line: list[Piece]) -> list[Piece]:
    """A line without the space it broke after."""
    if line and line[-1].text.endswith(" "):
        return [*line[:-1], Piece(line[-1].text.rstrip(" "), line[-1].font)]
    return line


def _start(alignment: int, room: float, width: float) -> float:
    """Where a line of ``width`` starts in ``room``, by the style's alignment (right in a right-to-left briefing)."""
    if alignment == TA_CENTER:
        return (room - width) / 2
    return room - width if alignment == TA_RIGHT else 0.0
