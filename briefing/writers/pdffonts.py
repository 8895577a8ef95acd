"""Fonts of the PDF writer: the bundled Unicode faces, symbol fallback, text extraction."""

from __future__ import annotations

from importlib.resources import files
from itertools import groupby
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from . import common

FONT = "BriefingSans"
"""Family name under which the bundled text font is registered."""
SYMBOLS = "BriefingSymbols"
"""Font used for characters the text font has no glyph for (emoji, symbols)."""
_FACES = {
    FONT: "DejaVuSans.ttf",
    f"{FONT}-Bold": "DejaVuSans-Bold.ttf",
    f"{FONT}-Italic": "DejaVuSans-Oblique.ttf",
    f"{FONT}-BoldItalic": "DejaVuSans-BoldOblique.ttf",
    SYMBOLS: "Symbola.ttf",
}
_covered: frozenset[int] = frozenset()
_symbols: frozenset[int] = frozenset()


def register() -> None:
    """Register the bundled fonts with reportlab (once per process)."""
    global _covered, _symbols
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = files("briefing.fonts")
    for name, filename in _FACES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=f"{FONT}-Bold", italic=f"{FONT}-Italic", boldItalic=f"{FONT}-BoldItalic"
    )
    _covered = frozenset(pdfmetrics.getFont(FONT).face.charToGlyph)
    _symbols = frozenset(pdfmetrics.getFont(SYMBOLS).face.charToGlyph)


def text_markup(text: str) -> str:
    """Plain text as reportlab paragraph markup: every character literal.

    Characters the text font lacks but the symbol font has (most emoji) are
    set in the symbol font, so they print instead of showing empty boxes.
    """
    text = common.xml_safe(text)
    if text.isascii():
        return escape(text).replace("\n", "<br/>")
    parts = []
    for fallback, chars in groupby(text, key=_needs_symbols):
        run = escape("".join(chars)).replace("\n", "<br/>")
        parts.append(f'<font name="{SYMBOLS}">{run}</font>' if fallback else run)
    return "".join(parts)


def _needs_symbols(char: str) -> bool:
    code = ord(char)
    return code not in _covered and code in _symbols


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
