"""Text widths in points, from the real advance widths of the font a table is set in."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import repeat
from pathlib import Path

from .. import files, user_cache
from ..style import BUNDLED_FONTS, FontFamily, ScriptFont, script_runs, scripts_in

DEFAULT_FONT = BUNDLED_FONTS["DejaVu Sans"]
"""The family measured when a style names none: the PDF's own, and wider than Word's Calibri,
so a width that holds a word in the PDF holds it in Word too."""


CACHE_VERSION = 3
"""Changes when what the metrics cache holds changes: older entries are then read again from the fonts."""


@dataclass(frozen=True)
class Metrics:
    """What measuring needs of a font, as reportlab reads it from the file: each character's advance
    width and the width of one it lacks (thousandths of an em), its ascent and descent."""

    charWidths: dict[int, float]  # noqa: N815 (reportlab's width function reads these names)
    defaultWidth: float  # noqa: N815
    ascent: float
    descent: float


@dataclass(frozen=True)
class Face:
    """A font measured as reportlab's TTFont measures it (``stringWidth``), from its metrics alone."""

    face: Metrics

    def stringWidth(self, text: str, size: float) -> float:  # noqa: N802 (TTFont's name)
        # reportlab's own width function (C), fed the same numbers: the same widths to the last bit.
        from reportlab.lib.rl_accel import instanceStringWidthTTF

        return float(instanceStringWidthTTF(self, text, size))


@cache
def _face(path: Path) -> Face:
    return Face(_metrics(files.local(path)))


def _metrics(path: Path) -> Metrics:
    """The font's metrics, from the cache when reportlab read these very bytes before.

    Loading reportlab's font reader and reading a font with it takes longer than the rest of a short
    Word build; the numbers it finds are kept, per user, beside other programs' caches, under the
    digest of the font's bytes (about a millisecond for a 250 KB font), which the entry holds too: an
    entry for other bytes, damaged, or cut short is not used, and is written again.
    """
    digest = font_digest(path)
    cache_file = _cache_file(path, digest) if digest is not None else None
    if cache_file is not None and digest is not None:
        cached = _cached(cache_file, digest)
        if cached is not None:
            return cached
    # reportlab reads the font file, for its metrics only: nothing is registered with its global font table.
    from reportlab.pdfbase.ttfonts import TTFontFace

    face = TTFontFace(str(path))
    metrics = Metrics(dict(face.charWidths), float(face.defaultWidth), float(face.ascent), float(face.descent))
    if cache_file is not None and digest is not None:
        _keep(cache_file, digest, metrics)
    return metrics


@cache
def font_digest(path: Path) -> str | None:
    """The SHA-256 of a font file's bytes (about 5 ms for 750 KB), once per process; None if unreadable."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _cache_file(path: Path, digest: str) -> Path:
    """Where the metrics of the font with these bytes, as this reportlab reads them, are kept."""
    import reportlab

    key = f"{CACHE_VERSION}-{reportlab.Version}-{digest}"
    return user_cache.folder("font-metrics") / f"{path.stem}-{hashlib.sha256(key.encode()).hexdigest()[:24]}.json"


def _cached(cache_file: Path, digest: str) -> Metrics | None:
    """The metrics kept for the font whose bytes have ``digest``; None where there are none, or the entry
    is for other bytes, unreadable, or its widths do not match its characters one for one."""
    try:
        kept = user_cache.read(cache_file)
        if kept is None:
            return None
        data = json.loads(kept.decode("utf-8"))
        if data["font"] != digest or len(data["chars"]) != len(data["widths"]) or data["count"] != len(data["chars"]):
            return None
        widths = dict(zip(map(int, data["chars"]), map(float, data["widths"]), strict=True))
        if len(widths) != data["count"]:
            return None  # a character twice
        return Metrics(widths, float(data["default"]), float(data["ascent"]), float(data["descent"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # not there yet, or unreadable: read the font


def _keep(cache_file: Path, digest: str, metrics: Metrics) -> None:
    """Write the metrics where the next build finds them (see ``user_cache.keep``)."""
    data = {
        "font": digest,
        "count": len(metrics.charWidths),
        "chars": list(metrics.charWidths),
        "widths": list(metrics.charWidths.values()),
        "default": metrics.defaultWidth,
        "ascent": metrics.ascent,
        "descent": metrics.descent,
    }
    user_cache.keep(cache_file, json.dumps(data))


def width(text: str, size: float, family: FontFamily | None = None, bold: bool = False) -> float:
    """The advance width of ``text`` set in ``family`` at ``size`` points, a script with a bundled
    font of its own (Arabic, N'Ko…) measured in that font, as every format sets it."""
    if text.isascii():
        return float(_face((family or DEFAULT_FONT).face(bold, False)).stringWidth(text, size))
    return sum(
        float(_face((script.family if script else family or DEFAULT_FONT).face(bold, False)).stringWidth(part, size))
        for part, script in script_runs(text)
    )


def widest(texts: Iterable[str], size: float, family: FontFamily | None = None) -> float:
    """The width of the widest of ``texts``, in points (0 for none): each measured, its letters in the C
    width function once per text, so a column's every distinct line can be.

    A text is as wide as its letters' advance widths added in order, so texts alike but for letters of
    the same width are as wide as each other, to the last bit: "Incident 41" and "Incident 97", or a
    million references "R-000001"... in figures of one width. Each is measured once, as its first letters
    of each width write it."""
    from reportlab.lib.rl_accel import instanceStringWidthTTF  # as Face.stringWidth measures

    path = (family or DEFAULT_FONT).face(False, False)
    face, alike = _face(path), _same_width(path)
    texts = texts if isinstance(texts, list) else list(texts)
    shapes = {text.translate(alike) for text in texts if text.isascii()}
    most = float(max(map(instanceStringWidthTTF, repeat(face), shapes, repeat(size)), default=0.0))
    others = [text for text in texts if not text.isascii()]
    return max(most, *(width(text, size, family) for text in others)) if others else most


@cache
def _same_width(path: Path) -> dict[int, str]:
    """Each ASCII character of the font at ``path`` to the first of the same advance width."""
    metrics = _face(path).face
    first: dict[float, str] = {}
    return {
        code: first.setdefault(metrics.charWidths.get(code, metrics.defaultWidth), chr(code)) for code in range(128)
    }


def line_em(text: str) -> float:
    """The height of a line of ``text``, in ems of its size, in the tallest of the script fonts that set
    its letters (Arabic's, with room for its marks, is twice Latin's); 0 where only the body font does."""
    if text.isascii():
        return 0.0
    return max((script_line_em(script) for script in scripts_in(text)), default=0.0)


@cache
def script_line_em(script: ScriptFont) -> float:
    """The height of a line set in a script's font, in ems."""
    face = _face(script.family.regular).face
    return float(face.ascent - face.descent) / 1000
