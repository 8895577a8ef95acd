"""Fonts of the PDF writer: the bundled Unicode faces, symbol fallback, text extraction."""

from __future__ import annotations

import hashlib
import sys
import unicodedata
from functools import cache
from itertools import groupby
from pathlib import Path

import reportlab
from bidi.mirror import MIRRORED
from reportlab.pdfbase import pdfmetrics

from ... import files, user_cache
from ...adapters import reportlab_fonts
from ...layout.measure import font_digest
from ...style import BUNDLED_FONTS, FontFamily, ScriptFont, script_of
from .. import markup

SYMBOLS = "BriefingSymbols"
"""Font used for characters the text font has no glyph for (emoji, symbols)."""
_SYMBOLS_FILE = Path(__file__).resolve().parents[2] / "fonts" / "Symbola.ttf"
_coverage: dict[str, frozenset[int]] = {}
"""Code points each registered family has glyphs for, by reportlab name."""


def register(font: FontFamily | None) -> str:
    """Register a family with reportlab (once per process); returns its name.

    The name is that of the regular face; ``<b>`` and ``<i>`` in paragraph
    markup pick the other faces through the registered family.
    """
    font = font or BUNDLED_FONTS["DejaVu Sans"]
    name = _name(font)
    if name in _coverage:
        return name
    faces = {
        name: font.face(False, False),
        f"{name}-Bold": font.face(True, False),
        f"{name}-Italic": font.face(False, True),
        f"{name}-BoldItalic": font.face(True, True),
    }
    for face_name, path in faces.items():
        pdfmetrics.registerFont(_font(face_name, path))
    pdfmetrics.registerFontFamily(
        name, normal=name, bold=f"{name}-Bold", italic=f"{name}-Italic", boldItalic=f"{name}-BoldItalic"
    )
    _coverage[name] = frozenset(pdfmetrics.getFont(name).face.charToGlyph)
    return name


@cache
def _name(font: FontFamily) -> str:
    """The family's name in the PDF, from its faces' file names and bytes, not where they are: the same
    fonts give the same PDF wherever the package, or the style's fonts, are installed."""
    key = hashlib.sha1()
    for bold, italic in ((False, False), (True, False), (False, True), (True, True)):
        path = font.face(bold, italic)
        key.update(f"{path.name}\0{font_digest(files.local(path))}\0".encode())
    return "F" + key.hexdigest()[:10]


def bold(name: str) -> str:
    """The bold face of a registered family."""
    return f"{name}-Bold"


def italic(name: str) -> str:
    """The italic face of a registered family."""
    return f"{name}-Italic"


def covers(text: str, font: str) -> bool:
    """Whether ``text`` is set in the registered family alone: it has every character's glyph, and none
    is of a script with a bundled font of its own."""
    covered = _coverage[font]
    return all(ord(c) in covered and _script(ord(c)) is None for c in text)


def text_markup(text: str, font: str, bold: bool = False) -> str:
    """Plain text as reportlab paragraph markup: every character literal.

    A character of a script with a bundled font (Arabic, Hebrew, N'Ko, Tifinagh) is set
    in that font, as Word sets it in its complex-script font; one that ``font`` lacks is
    set in the symbol font (most emoji), so that it prints instead of showing an empty box. ``bold`` says the
    text is bold: the script's bold face is named, as naming a font drops the bold.
    """
    text = markup.xml_safe(text)
    if text.isascii():
        return markup.escape(text).replace("\n", "<br/>")
    covered = _coverage[font]
    parts = []
    for fallback, chars in groupby(text, key=lambda c: _face(ord(c), covered)):
        run = markup.escape("".join(chars)).replace("\n", "<br/>")
        if fallback and bold and fallback != SYMBOLS:
            fallback = f"{fallback}-Bold"
        parts.append(f'<font name="{fallback}">{run}</font>' if fallback else run)
    return "".join(parts)


def pieces(text: str, font: str, bold: bool = False, italic: bool = False) -> list[tuple[str, str]]:
    """Plain text cut where its font changes, each part with the registered face it is set in:
    the family's own face, or the face of the script or symbol font that has its characters."""
    text = markup.xml_safe(text)
    covered = _coverage[font]
    own = font + ("-BoldItalic" if bold and italic else "-Bold" if bold else "-Italic" if italic else "")
    faces = [_face(ord(c), covered) for c in text]
    for i in range(1, len(text)):
        # A space between words of a script stays in the script's font: the words are shaped as one run.
        before = faces[i - 1]
        if text[i] == " " and before is not None and ord(" ") in _coverage[before]:
            faces[i] = before
    parts = []
    for fallback, group in groupby(zip(text, faces, strict=True), key=lambda pair: pair[1]):
        face = own if fallback is None else f"{fallback}-Bold" if bold and fallback != SYMBOLS else fallback
        parts.append(("".join(c for c, _ in group), face))
    return parts


def _face(code: int, covered: frozenset[int]) -> str | None:
    """The registered font a character is set in, None for the text's own: its script's bundled font
    (Arabic, Hebrew, N'Ko, Tifinagh) where it has one, else the text's font, else the symbol font."""
    script = _script(code)
    if script is not None:
        name = _script_font(script)
        if code in _coverage[name]:
            return name
    if code in covered:
        return None
    return SYMBOLS if code in _symbols() else None


def _symbols() -> frozenset[int]:
    """What the symbol font has glyphs for, registering it the first time a character needs it: reading
    it (3 MB) would take longer than the rest of a short PDF's fonts."""
    if SYMBOLS not in _coverage:
        pdfmetrics.registerFont(_font(SYMBOLS, _SYMBOLS_FILE))
        _coverage[SYMBOLS] = frozenset(pdfmetrics.getFont(SYMBOLS).face.charToGlyph)
    return _coverage[SYMBOLS]


@cache
def _script(code: int) -> ScriptFont | None:
    return script_of(chr(code))


def _script_font(script: ScriptFont) -> str:
    """A script's font, registered (with its bold, for bold text) the first time a character needs it."""
    family = script.family
    name = "S" + hashlib.sha1(str(family.regular).encode()).hexdigest()[:10]
    if name not in _coverage:
        pdfmetrics.registerFont(_font(name, family.regular))
        pdfmetrics.registerFont(_font(f"{name}-Bold", family.face(True, False)))
        # No italic in these scripts' fonts: italic text keeps the upright face, as Word and browsers do.
        pdfmetrics.registerFontFamily(name, normal=name, bold=f"{name}-Bold", italic=name, boldItalic=f"{name}-Bold")
        _coverage[name] = frozenset(pdfmetrics.getFont(name).face.charToGlyph)
    return name


CACHE_VERSION = 1
"""Changes when what the faces' cache holds changes: older entries are then read again from the fonts."""


def _font(name: str, path: Path) -> _Font:
    """The font file at ``path`` as reportlab reads it, made into a font named ``name``: from what reportlab
    read of these very bytes before, where the user's cache keeps it (``reportlab_fonts.face_state``)."""
    local = files.local(path)
    digest = font_digest(local)
    if digest is None:  # unreadable: reportlab says so
        return _Font(name, str(local))
    key = f"{CACHE_VERSION}-{reportlab.Version}-{sys.version}-{digest}"
    entry = user_cache.folder("pdf-faces") / f"{local.stem}-{hashlib.sha256(key.encode()).hexdigest()[:24]}.bin"
    kept = user_cache.read(entry)
    face = reportlab_fonts.kept_face(str(local), kept) if kept is not None else None
    if face is not None:
        return _Font(name, str(local), face)
    font = _Font(name, str(local))
    user_cache.keep(entry, reportlab_fonts.face_state(font.face))
    return font


class _Font(reportlab_fonts.TextMappedFont):
    """A bundled font whose text reads back as written (see ``_to_unicode_cmap``); reportlab's other
    fonts, and its own function for their text map, are left alone."""

    def to_unicode_cmap(self, base_font_name: str, subset: list[int]) -> str:
        return _to_unicode_cmap(base_font_name, subset)


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap, with characters beyond U+FFFF made extractable and Arabic shapes read as letters.

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
        *(f"<{code:02X}> <{_utf16(_written(fontname, char))}>" for code, char in enumerate(subset)),
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(lines)


def _utf16(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


_shaped_glyphs: dict[tuple[str, int], str] = {}
"""The letters a shaped glyph with no character of its own stands for (a joined N'Ko letter), by the
font's name and the private character the glyph is drawn by."""


def remember_glyph(font: str, char: str, text: str) -> None:
    """Say what a private character, drawn for a shaped glyph of ``font``, reads as."""
    name = str(pdfmetrics.getFont(font).face.name.decode("latin-1"))
    _shaped_glyphs.setdefault((name, ord(char)), text)


_MIRRORS = 0xF0000
"""Private characters from here draw a bracket's mirror image and read as the bracket itself."""


def mirrored(font: str, char: str) -> str:
    """What draws a character set right to left: a bracket turned (Unicode's Bidi_Mirrored), by a
    private character that reads as the bracket written, so that text tools read "(" where "(" was
    written, drawn as ")". The character itself when it has no mirror image in ``font``."""
    mirror = MIRRORED.get(char)
    if mirror is None:
        return char
    face = pdfmetrics.getFont(font).face
    glyph = face.charToGlyph.get(ord(mirror))
    if glyph is None:
        return mirror
    code = _MIRRORS + ord(char)
    if code not in face.charToGlyph:
        # reportlab sets and subsets text by these two maps of the face; they take the new character.
        face.charToGlyph[code] = glyph
        face.charWidths[code] = face.charWidths[ord(mirror)]
        remember_glyph(font, chr(code), char)
    return chr(code)


def _written(fontname: str, char: int) -> str:
    """The text a glyph stands for. A shaped Arabic letter is drawn by its presentation form (its
    initial, medial or final shape, or a ligature such as lam-alef): it reads as the letters written
    (a ligature's turned round, as its line is read).
    A glyph with no character at all is drawn by a private one, which reads as the letters shaped,
    as does a bracket drawn turned (see ``mirrored``)."""
    if 0xFB50 <= char <= 0xFDFF or 0xFE70 <= char <= 0xFEFF:
        # A ligature's letters in the order they are drawn from the left: a text tool reading a line
        # turns its right-to-left runs round, the ligature's letters with them, to the order written.
        letters = unicodedata.normalize("NFKC", chr(char))
        return letters[::-1] if len(letters) > 1 and letters.isalpha() else letters
    if 0xE000 <= char <= 0xF8FF or char >= _MIRRORS:
        return _shaped_glyphs.get((fontname.split("+", 1)[-1], char), chr(char))
    return chr(char)
