"""Fonts of the HTML page: the style's families, and the bundled script fonts for the scripts the page uses.

A browser picks a font for each character down the page's list of families. The script
fonts come first, each declared with the ``unicode-range`` of its script, so that they
set their own script's letters only, as the PDF and Word set them, and the style's
family sets the rest. A page carries the faces of the scripts it uses, cut down to the letters it shows
(fontTools' subsetter, which keeps the joined forms and ligatures shaping needs), so that it
reads the same on a machine without them; a mail names them and uses them where the reader has them.
"""

from __future__ import annotations

import base64
import re

from markupsafe import Markup

from ...style import FontFamily, ScriptFont, Style, scripts_in, subset_font

_FALLBACK = '"DejaVu Sans", Verdana, Arial, sans-serif'
"""Where the style's family is missing: the bundled family's name, then the faces most machines have."""


def families(family: FontFamily | None, scripts: tuple[ScriptFont, ...]) -> str:
    """A CSS font-family list: the scripts' fonts, then the style's family and the fallbacks."""
    named = [_quoted(script.family.name) for script in scripts]
    if family is not None and family.name != "DejaVu Sans":
        named.append(_quoted(family.name))
    return ", ".join([*named, _FALLBACK])


def faces(scripts: tuple[ScriptFont, ...], shown: set[str] | None) -> Markup:
    """@font-face rules for the scripts' fonts, regular and bold: the reader's own copy where there
    is one, else (when the page's characters are given, ``shown``) the bundled file with their glyphs."""
    rules = []
    for script in scripts:
        ranges = ", ".join(f"U+{first:04X}-{last:04X}" for first, last in script.ranges)
        letters = "".join(sorted(c for c in shown or () if script.holds(ord(c))))
        for weight, path in ((400, script.family.regular), (700, script.family.face(True, False))):
            sources = [f'local("{script.family.name}")']
            if shown is not None:
                data = base64.b64encode(subset_font(path, letters)).decode("ascii")
                sources.append(f'url(data:font/ttf;base64,{data}) format("truetype")')
            rules.append(
                f"@font-face {{ font-family: {_quoted(script.family.name)}; font-weight: {weight}; "
                f"src: {', '.join(sources)}; unicode-range: {ranges}; }}"
            )
    return Markup("\n".join(rules))


def look(style: Style, text: str, embed: bool) -> dict[str, object]:
    """What the style sheet names: the body's and headings' families, and the script fonts' faces,
    for a page whose text is ``text``."""
    scripts = scripts_in(text)
    return {
        "body_fonts": Markup(families(style.body_font, scripts)),
        "heading_fonts": Markup(families(style.heading_font or style.body_font, scripts)),
        "font_faces": faces(scripts, set(text) if embed and scripts else None),
    }


def _quoted(name: str) -> str:
    # A family name from a style file goes into CSS: letters, digits, spaces and hyphens only.
    return '"' + re.sub(r"[^\w -]", "", name) + '"'
