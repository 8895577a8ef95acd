"""reportlab's internals for TrueType fonts: a font's ToUnicode CMap, and a font made from a face read before.

A font whose text reads back as written (``TextMappedFont``): reportlab writes each subset's CMap
inside ``TTFont.addObjects`` by a module-level function; here the font's own objects are made as
reportlab makes them, then each subset's CMap is written again. No function of reportlab's is
replaced: another user of reportlab in the same process is left as it was.

A face read before (``face_state``, ``kept_face``): reportlab reads the whole font file into its
face (every character's glyph and width, every glyph's place and metrics) each time a font is made,
which takes longer than the rest of a short PDF. What it finds is the face's attributes, plain
numbers, texts, lists and maps; they are kept and set again on a face whose file is opened but
not read through, and the font is made around that face as ``TTFont`` makes it around its own.
"""

from __future__ import annotations

import marshal
from fnmatch import fnmatch
from typing import Any
from weakref import WeakKeyDictionary

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics, ttfonts

_NOT_KEPT = frozenset({"_ttf_data", "_pos", "_pdfScale", "filename"})
"""The face's attributes made again from the file (its bytes, the reading place, its name) or from the kept
ones (the scale from font units to thousandths of an em)."""
_NEEDED = {"charToGlyph": dict, "charWidths": dict, "glyphPos": list, "hmetrics": list, "unitsPerEm": int}
"""Attributes a kept face must hold, of these types, to be used."""


class TextMappedFont(ttfonts.TTFont):  # type: ignore[misc]
    """A TrueType font whose ToUnicode CMap, the map text tools read its glyphs back by, is written
    by ``to_unicode_cmap``: a subclass says what its glyphs read as.

    reportlab keeps one font for each face (the font file's own name) in a process: registered under
    another name, the same face is the font first registered, so a TextMappedFont's map applies where
    it is the first of its face (briefing's PDF writer registers every face it uses this way).

    ``face``, a face read before (``kept_face``), is used as it is rather than reading the file again.
    """

    def __init__(self, name: str, filename: str, face: ttfonts.TTFontFace | None = None) -> None:
        if face is None:
            super().__init__(name, filename)
            return
        # As TTFont.__init__ makes a font around the face it reads.
        self.fontName = name
        self.face = face
        self.encoding = ttfonts.TTEncoding()
        self.state: WeakKeyDictionary[Any, Any] = WeakKeyDictionary()
        self._asciiReadable = rl_config.ttfAsciiReadable
        self.shapable = not any(fnmatch(name, glob) for glob in rl_config.unShapedFontGlob)

    def to_unicode_cmap(self, base_font_name: str, subset: list[int]) -> str:
        """The CMap of one subset: ``subset[n]`` is the character drawn by code ``n``."""
        return str(ttfonts.makeToUnicodeCMap(base_font_name, subset))

    def addObjects(self, doc: Any) -> None:  # noqa: N802 (reportlab's name)
        state = self.state.get(doc)
        subsets = [list(subset) for subset in state.subsets] if state is not None else []
        names = [self.getSubsetInternalName(n, doc)[1:] for n in range(len(subsets))]
        super().addObjects(doc)
        fonts = doc.idToObject["BasicFonts"].dict
        for name, subset in zip(names, subsets, strict=True):
            font = fonts[name]
            doc.idToObject[font.ToUnicode.name].content = self.to_unicode_cmap(font.BaseFont, subset)


def face_state(face: ttfonts.TTFontFace) -> bytes:
    """What reportlab read of a font file into ``face``, as bytes that ``kept_face`` takes back."""
    names = sorted(k for k, v in vars(face).items() if isinstance(v, ttfonts.TTFNameBytes))
    state = {k: (v.ustr if k in names else v) for k, v in vars(face).items() if k not in _NOT_KEPT}
    return marshal.dumps((names, state))


def kept_face(filename: str, kept: bytes) -> ttfonts.TTFontFace | None:
    """The face of the font file ``filename`` as ``face_state`` kept it; None where ``kept`` is not such a
    state (cut short, or of another kind)."""
    try:
        names, state = marshal.loads(kept)
        if not isinstance(state, dict) or any(type(state.get(k)) is not t for k, t in _NEEDED.items()):
            return None
        if len(state["glyphPos"]) != len(state["hmetrics"]) + 1 or state["unitsPerEm"] <= 0:
            return None
        for key in names:
            state[key] = ttfonts.TTFNameBytes(state[key].encode("utf-8"))
    except (EOFError, ValueError, TypeError, AttributeError, KeyError):
        return None
    # As TTFontFace.__init__ starts, then opening the file and its table directory without reading it through.
    face = ttfonts.TTFontFace.__new__(ttfonts.TTFontFace)
    pdfmetrics.TypeFace.__init__(face, None)
    ttfonts.TTFontParser.__init__(face, filename)
    face.__dict__.update(state)
    units = state["unitsPerEm"]
    face._pdfScale = (lambda x: x) if units == 1000 else _scale(1000 / units)
    return face


def _scale(factor: float) -> Any:
    return lambda x: x * factor
