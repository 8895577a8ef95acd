"""The house style's vocabulary: the keys of a style (in a style file or under ``style:`` in a spec),
its fonts, page, tables and marking, and a marking scheme of its own."""

from __future__ import annotations

from ..style import COVER_MODES
from .shape_types import BOOLEAN, COLOUR, FILE, NUMBER, TEXT, Key, Schema, Shape, list_of, one_of, ref

FONT = Shape(
    "font",
    "a font",
    {
        "regular": Key("TTF file of the regular face.", FILE),
        "bold": Key("TTF file of the bold face.", FILE),
        "italic": Key("TTF file of the italic face.", FILE),
        "bold_italic": Key("TTF file of the bold italic face.", FILE),
        "name": Key("Family name for Word and Excel (read from the font file if not given)."),
    },
    ("regular",),
)
FONT_CHOICE: Schema = {"anyOf": [{"type": "string", "description": "a TTF file or a bundled family"}, ref("font")]}
FONTS = Shape(
    "fonts",
    "fonts",
    {"body": Key("Font of body text.", FONT_CHOICE), "heading": Key("Font of the title and headings.", FONT_CHOICE)},
)
PAGE = Shape(
    "page",
    "page",
    {
        "size": Key("Paper size.", one_of("A4", "Letter")),
        "orientation": Key("Orientation of every page.", one_of("portrait", "landscape")),
        "margins_cm": Key("Margin on every side, in centimetres.", NUMBER),
    },
)
OPTIONAL_COLOUR: Schema = {"anyOf": [COLOUR, {"type": "null"}]}
TABLE_LOOK = Shape(
    "table_look",
    "table",
    {
        "header_fill": Key("Background of the header row (default: a light tint of the accent).", COLOUR),
        "header_text": Key("Text colour of the header row.", COLOUR),
        "zebra": Key("Background of every other row, or none.", OPTIONAL_COLOUR),
        "borders": Key("Colour of the grid lines, or none.", OPTIONAL_COLOUR),
    },
)
MARKING = Shape(
    "marking",
    "marking",
    {
        "colour": Key("Colour of the marking.", COLOUR),
        "banner": Key("White text on a band of the marking colour.", BOOLEAN),
        "scheme": Key(
            "The marking scheme portions are marked in: uk (the default), us, or levels and caveats of its own.",
            {"anyOf": [one_of("uk", "us"), ref("scheme")]},
        ),
    },
)
SCHEME = Shape(
    "scheme",
    "a marking scheme",
    {
        "name": Key("The scheme's name."),
        "levels": Key(
            "The levels from the lowest up, each {name: banner text, portion: short mark}.",
            list_of({"type": "object", "additionalProperties": TEXT}, at_least=1),
        ),
        "caveats": Key(
            "Caveats and release markings, each {name: banner text, portion: short mark}.",
            list_of({"type": "object", "additionalProperties": TEXT}),
        ),
        "separator": Key('Between the level and each caveat (" " when not given; "//" in the US style).'),
    },
    ("levels",),
)
STYLE = Shape(
    "style",
    "the style",
    {
        "fonts": Key("Fonts of body text and headings.", ref("fonts")),
        "font_size": Key("Size of body text in points.", NUMBER),
        "accent": Key("Colour of the title, headings and rules.", COLOUR),
        "page": Key("Paper size, orientation and margins.", ref("page")),
        "logo": Key("PNG or JPEG shown in the cover block.", FILE),
        "cover": Key("block (title block on page 1), page (a cover page) or none.", one_of(*COVER_MODES)),
        "toc": Key("Print a table of contents.", BOOLEAN),
        "table": Key("How tables are drawn.", ref("table_look")),
        "marking": Key("How the classification marking is printed.", ref("marking")),
        "docx_template": Key("Word document whose styles, page set-up, headers and footers are the start.", FILE),
    },
)
