"""The colours every format uses: links, chart series, callout frames and their tints, from the house style."""

from __future__ import annotations

from ..style import Style

LINK_RGB = "0563C1"
"""Colour of hyperlinks."""
PALETTE = ("E69F00", "56B4E9", "009E73", "D55E00", "CC79A7", "0072B2", "F0E442")
"""Chart colours after the house accent: the Okabe-Ito set, which colour-blind readers tell apart."""
CALLOUT_RGB = {"key-judgement": None, "comment": "5B6770", "note": "2A6BA7", "warning": "A84C0E"}
"""Colour of a callout's frame and title by kind; None is the house accent. Each is dark enough for its
title to read at 4.5:1 on its box's tint (``lighter``), as WCAG 2.2 AA asks of text of its size."""


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
