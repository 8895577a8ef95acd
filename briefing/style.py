"""House style: fonts, colours, page set-up and page furniture that every writer honours."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

if TYPE_CHECKING:
    from .model import Pos

from .markings.scheme import UK, Scheme

PAGE_SIZES_CM = {"A4": (21.0, 29.7), "Letter": (21.59, 27.94)}
"""Portrait width and height of the supported paper sizes."""

CoverMode = Literal["block", "page", "none"]
"""How the title is shown: a block at the top of page 1, a cover page of its own, or not at all."""
COVER_MODES: tuple[CoverMode, ...] = get_args(CoverMode)


@dataclass(frozen=True)
class FontFamily:
    """A font family: its name for Word and Excel, and its TTF files for PDF."""

    name: str
    """Family name as installed on readers' machines, e.g. "Lato"."""
    regular: Path
    """The regular face; bold and italic fall back to it when not given."""
    bold: Path | None = None
    """The bold face."""
    italic: Path | None = None
    """The italic face."""
    bold_italic: Path | None = None
    """The bold italic face."""

    def face(self, bold: bool, italic: bool) -> Path:
        """The file of a face, falling back to the nearest one present."""
        if bold and italic and self.bold_italic:
            return self.bold_italic
        if bold and self.bold:
            return self.bold
        if italic and self.italic:
            return self.italic
        return self.regular


_FONTS = Path(__file__).resolve().parent / "fonts"
BUNDLED_FONTS = {
    "DejaVu Sans": FontFamily(
        "DejaVu Sans",
        _FONTS / "DejaVuSans.ttf",
        _FONTS / "DejaVuSans-Bold.ttf",
        _FONTS / "DejaVuSans-Oblique.ttf",
        _FONTS / "DejaVuSans-BoldOblique.ttf",
    ),
    "DejaVu Serif": FontFamily(
        "DejaVu Serif",
        _FONTS / "DejaVuSerif.ttf",
        _FONTS / "DejaVuSerif-Bold.ttf",
        _FONTS / "DejaVuSerif-Italic.ttf",
        _FONTS / "DejaVuSerif-BoldItalic.ttf",
    ),
}
"""Families shipped with briefing, usable by name in a style."""


@dataclass(frozen=True)
class ScriptFont:
    """A bundled family for a script that body fonts seldom have, and the characters it is for."""

    script: str
    """The script's name, as a reader would say it."""
    family: FontFamily
    """The family (regular and, where there is one, bold)."""
    ranges: tuple[tuple[int, int], ...]
    """The Unicode blocks of the script, first and last code point of each."""
    code: str
    """The script's ISO 15924 code, as a language tag may name it ("ha-Arab")."""
    languages: tuple[str, ...]
    """Languages written in the script, by their BCP 47 primary subtag."""
    rtl: bool = False
    """Written right to left: Word sets it in a run's complex-script font."""

    def holds(self, code: int) -> bool:
        """Whether a code point is in one of the script's blocks."""
        return any(first <= code <= last for first, last in self.ranges)


SCRIPT_FONTS = (
    ScriptFont(
        "Arabic",
        FontFamily("Noto Sans Arabic", _FONTS / "NotoSansArabic-Regular.ttf", _FONTS / "NotoSansArabic-Bold.ttf"),
        ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
        "Arab",
        ("ar", "fa", "ur", "ps", "ckb", "sd", "ug", "ks"),
        rtl=True,
    ),
    ScriptFont(
        "Hebrew",
        FontFamily("Noto Sans Hebrew", _FONTS / "NotoSansHebrew-Regular.ttf", _FONTS / "NotoSansHebrew-Bold.ttf"),
        ((0x0590, 0x05FF), (0xFB1D, 0xFB4F)),
        "Hebr",
        ("he", "iw", "yi"),
        rtl=True,
    ),
    ScriptFont(
        "N'Ko",
        FontFamily("Noto Sans NKo", _FONTS / "NotoSansNKo-Regular.ttf"),
        ((0x07C0, 0x07FF),),
        "Nkoo",
        ("nqo",),
        rtl=True,
    ),
    ScriptFont(
        "Tifinagh",
        FontFamily("Noto Sans Tifinagh", _FONTS / "NotoSansTifinagh-Regular.ttf"),
        ((0x2D30, 0x2D7F),),
        "Tfng",
        ("zgh", "tzm"),
    ),
)
"""Fonts for scripts of the Sahel that a body font may lack: a character the body font has no glyph
for is set in its script's font (OFL; see fonts/LICENSE-Noto.txt)."""


def subset_font(path: Path, letters: str) -> bytes:
    """The font at ``path`` with only the glyphs that set ``letters``, in every form shaping gives them: what a
    page or a document carries of a font, so that it reads the same on a machine without it."""
    from fontTools import subset  # only files with such scripts need it
    from fontTools.ttLib import TTFont

    options = subset.Options()
    # fontTools' own list of features keeps what shaping needs: joining forms, ligatures, marks.
    options.hinting = False  # as web fonts are served: a third of the size, and screens and printers need none
    options.name_IDs = ["*"]  # the licence and the family's names travel with the glyphs
    font = TTFont(str(path), recalcTimestamp=False)  # the font's own date: the same letters give the same bytes
    cutter = subset.Subsetter(options)
    cutter.populate(text=letters)
    cutter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def script_of(char: str) -> ScriptFont | None:
    """The bundled script font a character is set in, or None for the body font's."""
    code = ord(char)
    return next((script for script in SCRIPT_FONTS if script.holds(code)), None)


def _letters(script: ScriptFont) -> str:
    """A regular expression's character class of the script's blocks."""
    return "[" + "".join(f"\\u{first:04x}-\\u{last:04x}" for first, last in script.ranges) + "]"


_SCRIPT = tuple(re.compile(_letters(script)) for script in SCRIPT_FONTS)
"""For each script, a character of it: a text is searched at the regular expression engine's speed."""
_RUNS = re.compile("|".join(f"({_letters(s)}+(?: {_letters(s)}+)*)" for s in SCRIPT_FONTS))
"""A run of one script's characters, with the single spaces between its words."""


def script_runs(text: str) -> list[tuple[str, ScriptFont | None]]:
    """``text`` cut where the font it is set in changes: each part with its script's bundled font,
    or None where the body font sets it. A space between two words of a script stays in the
    script's font, so that a phrase is one run, as the PDF shapes it."""
    if text.isascii():
        return [(text, None)]
    runs: list[tuple[str, ScriptFont | None]] = []
    done = 0
    for found in _RUNS.finditer(text):
        if found.start() > done:
            runs.append((text[done : found.start()], None))
        runs.append((found.group(), SCRIPT_FONTS[found.lastindex - 1]))  # type: ignore[operator]
        done = found.end()
    if done < len(text):
        runs.append((text[done:], None))
    return runs


def scripts_in(text: str) -> tuple[ScriptFont, ...]:
    """The scripts with a bundled font of their own that ``text`` uses, in the order of ``SCRIPT_FONTS``."""
    if text.isascii():
        return ()
    return tuple(script for script, letter in zip(SCRIPT_FONTS, _SCRIPT, strict=True) if letter.search(text))


def sole_script(text: str) -> ScriptFont | None:
    """The script with a bundled font that every letter of ``text`` is written in, if there is one:
    such a text may be set wholly in that font (digits and signs with it)."""
    scripts = scripts_in(text)
    if len(scripts) != 1:
        return None
    others = _SCRIPT[SCRIPT_FONTS.index(scripts[0])].sub("", text)
    return None if any(c.isalpha() for c in others) else scripts[0]


def script_of_language(tag: str) -> ScriptFont | None:
    """The bundled script font a language is written in: by the script its tag names, else by the language."""
    parts = tag.split("-")
    named = next((part for part in parts[1:] if len(part) == 4 and part.isalpha()), None)
    for script in SCRIPT_FONTS:
        if named is not None and named.lower() == script.code.lower():
            return script
        if named is None and parts[0].lower() in script.languages:
            return script
    return None


@dataclass(frozen=True)
class TableLook:
    """How tables are drawn."""

    header_fill: str | None = None
    """Background of the header row (RRGGBB); None is a light tint of the accent."""
    header_text: str = "000000"
    """Text colour of the header row."""
    zebra: str | None = None
    """Background of every other body row, or None for plain rows."""
    borders: str | None = "8C96A0"
    """Colour of the grid lines, or None for no grid."""


@dataclass(frozen=True)
class Style:
    """A complete house style; every value has a default."""

    name: str = "plain"
    """Name of the style, for messages and document properties."""
    body_font: FontFamily | None = None
    """Font of body text; None is the bundled DejaVu Sans in PDF and the
    reader's default (Calibri) in Word and Excel."""
    heading_font: FontFamily | None = None
    """Font of the title and headings; None is the body font."""
    font_size: float = 10.5
    """Size of body text in points; headings scale from it."""
    accent: str = "1F3864"
    """Colour of the title, headings and rules (RRGGBB)."""
    page_size: str = "A4"
    """Paper size: "A4" or "Letter"."""
    landscape: bool = False
    """True to print every page in landscape."""
    margin_cm: float = 2.0
    """Margin on every side of the page."""
    logo: Path | None = None
    """Image shown in the cover block."""
    logo_size_px: tuple[int, int] = (0, 0)
    """Pixel size of the logo, read when the style was loaded."""
    cover: CoverMode = "block"
    """"block": title block at the top of page 1; "page": a cover page of its own; "none"."""
    toc: bool = False
    """Print a table of contents (a Contents sheet in Excel)."""
    table: TableLook = field(default_factory=TableLook)
    """How tables are drawn."""
    marking_colour: str = "C00000"
    """Colour of the classification marking."""
    marking_banner: bool = False
    """Print the marking as white text on a band of the marking colour."""
    scheme: Scheme = UK
    """The marking scheme: the levels and caveats portions are marked with (the UK's by default)."""
    docx_template: Path | None = None
    """Word document whose styles, page set-up, headers and footers are the starting point."""
    explicit: frozenset[str] = frozenset()
    """Names of the fields a style source set, rather than left at their default
    (over a Word template only these are applied)."""
    positions: tuple[tuple[str, Pos], ...] = field(default=(), compare=False, repr=False)
    """Where the style's colours were written, by key (``accent``, ``table.header_fill``,
    ``marking_colour``): a warning about a colour points at it. Empty for a style made in code."""

    def position(self, key: str) -> Pos | None:
        """Where ``key`` was set, if a style file or the spec's ``style:`` set it."""
        return dict(self.positions).get(key)

    @property
    def page_cm(self) -> tuple[float, float]:
        """Width and height of the page, in centimetres, as oriented."""
        width, height = PAGE_SIZES_CM[self.page_size]
        return (height, width) if self.landscape else (width, height)

    @property
    def text_width_cm(self) -> float:
        """Width available to text and tables."""
        return self.page_cm[0] - 2 * self.margin_cm

    @property
    def turned_text_width_cm(self) -> float:
        """Width available on a page turned to landscape for a wide table."""
        return self.page_cm[1] - 2 * self.margin_cm
