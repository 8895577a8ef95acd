"""Text widths in points, from the real advance widths of the font a table is set in."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from .. import files
from ..style import BUNDLED_FONTS, FontFamily, ScriptFont, script_runs, scripts_in

DEFAULT_FONT = BUNDLED_FONTS["DejaVu Sans"]
"""The family measured when a style names none: the PDF's own, and wider than Word's Calibri,
so a width that holds a word in the PDF holds it in Word too."""


@cache
def _face(path: Path) -> Any:
    # reportlab reads the font file; only a pack with a table needs it, so it loads here.
    from reportlab.pdfbase.ttfonts import TTFont

    # Read for its metrics only: nothing is registered with reportlab's global font table.
    return TTFont(f"measure-{path.stem}", str(files.local(path)))


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
