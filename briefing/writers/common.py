"""What all writers share: colours, XML-safe text, picture sizes and links."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from itertools import groupby

from ..model import (
    Image,
    Inline,
    Span,
)
from ..style import Style

LINK_RGB = "0563C1"
"""Colour of hyperlinks."""
PALETTE = ("E69F00", "56B4E9", "009E73", "D55E00", "CC79A7", "0072B2", "F0E442")
"""Chart colours after the house accent: the Okabe-Ito set, which colour-blind readers tell apart."""
CALLOUT_RGB = {"key-judgement": None, "comment": "5B6770", "note": "2E75B6", "warning": "C55A11"}
"""Colour of a callout's frame and title by kind; None is the house accent."""

# XML 1.0 cannot hold these characters at all; writers of XML formats replace
# them with a visible U+FFFD rather than failing or dropping text silently.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def has_rtl(text: str) -> bool:
    """Whether ``text`` holds a right-to-left letter (Arabic, Hebrew, N'Ko…), as the Unicode bidi classes say."""
    return not text.isascii() and any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


def xml_safe(text: str) -> str:
    """``text`` with characters XML cannot carry replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def image_size_cm(image: Image, text_width_cm: float) -> tuple[float, float]:
    """Width and height of a picture on the page: the width asked for, or its
    natural size at 96 pixels an inch, never wider than the text."""
    px_w, px_h = image.size_px
    width = min(image.width_cm or px_w * 2.54 / 96, text_width_cm)
    return width, width * px_h / px_w


def link_groups(text: Inline) -> Iterator[tuple[str | None, list[Span]]]:
    """Consecutive spans grouped by link target (None for unlinked text)."""
    for href, spans in groupby(text, key=lambda span: span.href):
        yield href, list(spans)


def series_colours(style: Style, count: int) -> list[str]:
    """RRGGBB of each chart series (or pie slice), the same in every format."""
    palette = [style.accent, *(c for c in PALETTE if c != style.accent)]
    return [palette[i % len(palette)] for i in range(count)]


def callout_colour(style: Style, kind: str) -> str:
    """RRGGBB of a callout's frame and title."""
    return CALLOUT_RGB.get(kind) or style.accent


def lighter(rgb: str, amount: float = 0.9) -> str:
    """``rgb`` mixed with white: the background of a box framed in ``rgb``."""
    channels = [int(rgb[i : i + 2], 16) for i in (0, 2, 4)]
    return "".join(f"{round(c + (255 - c) * amount):02X}" for c in channels)
