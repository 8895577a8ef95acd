"""The PDF's paragraph styles, made from the layout's looks (each text's face, size and colour); its
leading and spacing are the PDF's own. Also where a box stands across the text column."""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from ...layout import LaidDocument, TextLook
from ...layout.geometry import Align
from .page import Fonts


def _physical(align: Align, rtl: bool) -> str:
    """The side of the page a layout's alignment stands at, "left" or "right"."""
    if align == "right":
        return "right"
    return "right" if (align == "end") != rtl else "left"


_H_ALIGN = {
    ("start", False): "LEFT",
    ("start", True): "RIGHT",
    ("end", False): "RIGHT",
    ("end", True): "LEFT",
    ("center", False): "CENTER",
    ("center", True): "CENTER",
}
"""A box's place across the text column, by where the layout puts it and whether the briefing runs right to left."""


def _hex(rgb: str) -> colors.Color:
    return colors.HexColor("#" + rgb)


def _face(family: str, look: TextLook) -> str:
    """The registered face of ``family`` that sets text of ``look``."""
    return (
        family
        + {(False, False): "", (True, False): "-Bold", (False, True): "-Italic", (True, True): "-BoldItalic"}[
            look.bold, look.italic
        ]
    )


def _look(name: str, parent: ParagraphStyle, family: str, look: TextLook, **spacing: Any) -> ParagraphStyle:
    """A paragraph style that sets text as the layout's ``look`` says; its leading and spacing are the PDF's own."""
    return ParagraphStyle(
        name,
        parent,
        fontName=_face(family, look),
        fontSize=look.size,
        leading=spacing.pop("leading", look.size * 1.25),
        textColor=_hex(look.colour),
        **spacing,
    )


def _styles(laid: LaidDocument, fonts: Fonts, rtl: bool = False) -> dict[str, ParagraphStyle]:
    """The paragraph styles, from the layout's looks; in a right-to-left briefing, text starts at the right
    and numbers end at the left."""
    looks = laid.looks
    size = looks.body.size
    body, head = fonts.body, fonts.heading
    start, end = (TA_RIGHT, TA_LEFT) if rtl else (TA_LEFT, TA_RIGHT)
    base = ParagraphStyle("base", alignment=start)
    base = _look("body", base, body, looks.body, leading=size * 1.38, spaceAfter=size * 0.6)
    caption = _look("caption", base, body, looks.caption, leading=looks.caption.size * 1.34, spaceBefore=6)
    cell = _look("cell", base, body, looks.table_text, leading=looks.table_text.size * 1.28, spaceAfter=0)
    styles = {
        "body": base,
        "title": _look("title", base, head, looks.title, leading=looks.title.size * 1.24),
        "cover-title": _look("cover-title", base, head, looks.cover_title, leading=looks.cover_title.size * 1.21),
        "subtitle": _look("subtitle", base, head, looks.subtitle, leading=looks.subtitle.size * 1.36),
        "meta": _look("meta", base, body, looks.meta, leading=size * 1.38, spaceAfter=4),
        "caption": caption,
        "cell": cell,
        "toc-title": _look("toc-title", base, head, looks.contents, leading=looks.contents.size * 1.3),
        # A table's caption stays on the page of the table's first rows.
        "table-caption": ParagraphStyle("table-caption", caption, keepWithNext=1, spaceAfter=4),
        "cell-right": ParagraphStyle("cell-right", cell, alignment=end),
        "cell-head": _look("cell-head", cell, body, looks.table_header, leading=cell.leading),
        "figure-caption": ParagraphStyle("figure-caption", caption, alignment=TA_CENTER),
        # A paragraph that introduces the table or figure after it stays on its page.
        "intro": ParagraphStyle("intro", base, keepWithNext=1),
    }
    styles["cell-head-right"] = ParagraphStyle("cell-head-right", styles["cell-head"], alignment=end)
    for level in range(1, 10):
        look = looks.heading(level)
        styles[f"h{level}"] = _look(
            f"h{level}",
            base,
            head,
            look,
            leading=look.size * 1.3,
            spaceBefore=size * (1.4 if level == 1 else 0.9),
            spaceAfter=size * 0.4,
            keepWithNext=1,
        )
    return styles
