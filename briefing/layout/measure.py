"""Text widths in points, from the real advance widths of the font a table is set in."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .. import files
from ..style import BUNDLED_FONTS, FontFamily, ScriptFont, script_runs, scripts_in

DEFAULT_FONT = BUNDLED_FONTS["DejaVu Sans"]
"""The family measured when a style names none: the PDF's own, and wider than Word's Calibri,
so a width that holds a word in the PDF holds it in Word too."""


CACHE_VERSION = 2
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
    """The font's metrics, from the cache when reportlab read this very file before.

    Loading reportlab's font reader and reading a font with it takes longer than the rest of a short
    Word build; the numbers it finds are kept, per user, beside other programs' caches.
    """
    cache_file = _cache_file(path)
    if cache_file is not None:
        try:
            data = json.loads(cache_file.read_text(encoding="utf-8"))
            widths = dict(zip(data["chars"], map(float, data["widths"]), strict=True))
            return Metrics(widths, float(data["default"]), float(data["ascent"]), float(data["descent"]))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass  # not there yet, or unreadable: read the font
    # reportlab reads the font file, for its metrics only: nothing is registered with its global font table.
    from reportlab.pdfbase.ttfonts import TTFontFace

    face = TTFontFace(str(path))
    metrics = Metrics(dict(face.charWidths), float(face.defaultWidth), float(face.ascent), float(face.descent))
    if cache_file is not None:
        _keep(cache_file, metrics)
    return metrics


def _cache_file(path: Path) -> Path | None:
    """Where the metrics of this version of the font file, as this reportlab reads it, are kept."""
    import reportlab

    try:
        stat = path.stat()
    except OSError:
        return None
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    key = f"{CACHE_VERSION}-{reportlab.Version}-{stat.st_size}-{stat.st_mtime_ns}-{path.resolve()}"
    return (
        Path(home) / "briefing" / "font-metrics" / f"{path.stem}-{hashlib.sha256(key.encode()).hexdigest()[:24]}.json"
    )


def _keep(cache_file: Path, metrics: Metrics) -> None:
    """Write the metrics where the next build finds them; a cache that cannot be written is left alone."""
    data = {
        "chars": list(metrics.charWidths),
        "widths": list(metrics.charWidths.values()),
        "default": metrics.defaultWidth,
        "ascent": metrics.ascent,
        "descent": metrics.descent,
    }
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=cache_file.parent, suffix=".tmp", delete=False) as stream:
            json.dump(data, stream)
        os.replace(stream.name, cache_file)  # whole or not at all, whatever other builds do at once
    except OSError:
        pass


def width(text: str, size: float, family: FontFamily | None = None, bold: bool = False) -> float:
    """The advance width of ``text`` set in ``family`` at ``size`` points, a script with a bundled
    font of its own (Arabic, N'Ko…) measured in that font, as every format sets it."""
    if text.isascii():
        return float(_face((family or DEFAULT_FONT).face(bold, False)).stringWidth(text, size))
    return sum(
        float(_face((script.family if script else family or DEFAULT_FONT).face(bold, False)).stringWidth(part, size))
        for part, script in script_runs(text)
    )


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
