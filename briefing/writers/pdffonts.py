"""Fonts of the PDF writer: the bundled Unicode faces, symbol fallback, text extraction."""

from __future__ import annotations

import hashlib
from itertools import groupby
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from ..style import BUNDLED_FONTS, SCRIPT_FONTS, FontFamily, ScriptFont
from . import common

SYMBOLS = "BriefingSymbols"
"""Font used for characters the text font has no glyph for (emoji, symbols)."""
_SYMBOLS_FILE = Path(__file__).resolve().parent.parent / "fonts" / "Symbola.ttf"
_coverage: dict[str, frozenset[int]] = {}
"""Code points each registered family has glyphs for, by reportlab name."""


def register(font: FontFamily | None) -> str:
    """Register a family with reportlab (once per process); returns its name.

    The name is that of the regular face; ``<b>`` and ``<i>`` in paragraph
    markup pick the other faces through the registered family.
    """
    font = font or BUNDLED_FONTS["DejaVu Sans"]
    name = "F" + hashlib.sha1(str(font.regular).encode()).hexdigest()[:10]
    if name in _coverage:
        return name
    if SYMBOLS not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(SYMBOLS, str(_SYMBOLS_FILE)))
        _coverage[SYMBOLS] = frozenset(pdfmetrics.getFont(SYMBOLS).face.charToGlyph)
    faces = {
        name: font.face(False, False),
        f"{name}-Bold": font.face(True, False),
        f"{name}-Italic": font.face(False, True),
        f"{name}-BoldItalic": font.face(True, True),
    }
    for face_name, path in faces.items():
        pdfmetrics.registerFont(TTFont(face_name, str(path)))
    pdfmetrics.registerFontFamily(
        name, normal=name, bold=f"{name}-Bold", italic=f"{name}-Italic", boldItalic=f"{name}-BoldItalic"
    )
    _coverage[name] = frozenset(pdfmetrics.getFont(name).face.charToGlyph)
    return name


def bold(name: str) -> str:
    """The bold face of a registered family."""
    return f"{name}-Bold"


def italic(name: str) -> str:
    """The italic face of a registered family."""
    return f"{name}-Italic"


def covers(text: str, font: str) -> bool:
    """Whether a registered family has a glyph for every character of ``text``."""
    covered = _coverage[font]
    return all(ord(c) in covered for c in text)


def text_markup(text: str, font: str, bold: bool = False) -> str:
    """Plain text as reportlab paragraph markup: every character literal.

    A character that ``font`` lacks is set in the bundled font of its script
    (Arabic, Hebrew, N'Ko, Tifinagh) or, failing that, in the symbol font (most
    emoji), so that it prints instead of showing an empty box. ``bold`` says the
    text is bold: the script's bold face is named, as naming a font drops the bold.
    """
    text = common.xml_safe(text)
    if text.isascii():
        return escape(text).replace("\n", "<br/>")
    covered = _coverage[font]
    parts = []
    for fallback, chars in groupby(text, key=lambda c: None if ord(c) in covered else _fallback(ord(c))):
        run = escape("".join(chars)).replace("\n", "<br/>")
        if fallback and bold and fallback != SYMBOLS:
            fallback = f"{fallback}-Bold"
        parts.append(f'<font name="{fallback}">{run}</font>' if fallback else run)
    return "".join(parts)


def _fallback(code: int) -> str | None:
    """The registered name of the font to set a character in that the text font lacks; None if none has it."""
    for script in SCRIPT_FONTS:
        if script.holds(code):
            name = _script_font(script)
            if code in _coverage[name]:
                return name
    return SYMBOLS if code in _coverage[SYMBOLS] else None


def _script_font(script: ScriptFont) -> str:
    """A script's font, registered (with its bold, for bold text) the first time a character needs it."""
    family = script.family
    name = "S" + hashlib.sha1(str(family.regular).encode()).hexdigest()[:10]
    if name not in _coverage:
        pdfmetrics.registerFont(TTFont(name, str(family.regular)))
        pdfmetrics.registerFont(TTFont(f"{name}-Bold", str(family.face(True, False))))
        # No italic in these scripts' fonts: italic text keeps the upright face, as Word and browsers do.
        pdfmetrics.registerFontFamily(name, normal=name, bold=f"{name}-Bold", italic=name, boldItalic=f"{name}-Bold")
        _coverage[name] = frozenset(pdfmetrics.getFont(name).face.charToGlyph)
    return name


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap, with characters beyond U+FFFF made extractable.

    reportlab writes each code point as at least four hex digits, so U+1F600
    becomes <1F600>, which readers cut to U+1F60; a CMap needs the UTF-16
    form, <D83DDE00>. Without this, copied or extracted emoji come out wrong.
    """
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(f"<{code:02X}> <{chr(char).encode('utf-16-be').hex().upper()}>" for code, char in enumerate(subset)),
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(lines)


ttfonts.makeToUnicodeCMap = _to_unicode_cmap
