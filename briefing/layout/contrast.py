"""Colour contrast: every pair of text and background colours a briefing uses, and whether each reads.

WCAG 2.2 AA asks text to stand out from its background by a contrast ratio of 4.5:1, and large
text (18 points, or 14 points bold) by 3:1. The pairs are decided here once, from the looks
the layout gave every kind of text and the fills behind them (a table's header, its striped
rows, a callout's tint, the marking's banner), so a style whose colours do not read is found
before any format draws them; the bundled styles all pass.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import CALLOUT_KINDS
from ..style import Style
from . import colours
from .looks import Looks, TextLook

TEXT_RATIO = 4.5
"""Contrast that text needs against its background (WCAG 2.2 success criterion 1.4.3, AA)."""
LARGE_RATIO = 3.0
"""Contrast that large text needs."""
LARGE_PT, LARGE_BOLD_PT = 18.0, 14.0
"""From these sizes in points, regular and bold, text is large."""
WHITE = "FFFFFF"
"""The page, and the marking's text on its banner."""


@dataclass(frozen=True)
class ColourPair:
    """One kind of text in one colour on one background."""

    what: str
    """The text, in a reader's words ("level-2 headings", "the table header")."""
    text: str
    """The text's colour, RRGGBB."""
    background: str
    """The colour behind it, RRGGBB."""
    large: bool
    """Large text (18 points, or 14 points bold), which needs 3:1 rather than 4.5:1."""
    keys: tuple[str, ...] = ()
    """The style's keys these colours come from (``accent``, ``table.header_fill``), most telling first."""

    @property
    def ratio(self) -> float:
        """The contrast ratio, 1 to 21."""
        return contrast(self.text, self.background)

    @property
    def needed(self) -> float:
        """The ratio WCAG 2.2 AA asks of it."""
        return LARGE_RATIO if self.large else TEXT_RATIO

    @property
    def reads(self) -> bool:
        """It has the contrast it needs. The ratio is compared as WCAG shows it, to one decimal place
        rounded down, so that 4.499 does not pass as 4.5."""
        return int(self.ratio * 10) / 10 >= self.needed

    def __str__(self) -> str:
        size = "large text" if self.large else "text"
        return (
            f"{self.what}: #{self.text} on #{self.background} has a contrast of {int(self.ratio * 10) / 10:g}:1; "
            f"{size} needs {self.needed:g}:1"
        )


def contrast(one: str, other: str) -> float:
    """The contrast ratio of two RRGGBB colours (WCAG 2.2): the lighter's luminance over the darker's, each + 0.05."""
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _luminance(rgb: str) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(int(rgb[i : i + 2], 16)) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def large(look: TextLook) -> bool:
    """Whether text of ``look`` counts as large."""
    return look.size >= (LARGE_BOLD_PT if look.bold else LARGE_PT)


def colour_pairs(looks: Looks, style: Style) -> tuple[ColourPair, ...]:
    """Every kind of text the briefing shows on every background it stands on, as the formats draw them."""

    def on(what: str, look: TextLook, background: str = WHITE, keys: tuple[str, ...] = ()) -> ColourPair:
        return ColourPair(what, look.colour, background, large(look), keys)

    accent = ("accent",)
    table = looks.table
    header_keys = ("table.header_fill" if style.table.header_fill else "accent", "table.header_text")
    pairs = [
        on("body text", looks.body),
        on("the title", looks.cover_title if style.cover == "page" else looks.title, keys=accent),
        on("the subtitle", looks.subtitle),
        on("the line under the title", looks.meta),
        *(on(f"level-{level} headings", look, keys=accent) for level, look in enumerate(looks.headings, 1)),
        on("captions", looks.caption),
        on("page numbers", looks.page_number),
        ColourPair("links", colours.LINK_RGB, WHITE, False),
        on("the table header", looks.table_header, table.header_fill, header_keys),
        on("table cells", looks.table_text),
    ]
    if table.zebra:
        pairs.append(on("table cells on striped rows", looks.table_text, table.zebra, ("table.zebra",)))
    for kind in CALLOUT_KINDS:
        tint = colours.lighter(colours.callout_colour(style, kind))
        keys = accent if colours.CALLOUT_RGB.get(kind) is None else ()
        pairs.append(on(f"{kind} callouts' titles", looks.callout_title(kind), tint, keys))
        pairs.append(on(f"text in {kind} callouts", looks.body, tint, keys))
        pairs.append(ColourPair(f"links in {kind} callouts", colours.LINK_RGB, tint, False, keys))
    marking = ("marking_colour",)
    if style.marking_banner:
        pairs.append(ColourPair("the marking on its banner", WHITE, style.marking_colour, False, marking))
    else:
        pairs.append(ColourPair("the marking", style.marking_colour, WHITE, False, marking))
    return tuple(pairs)


def unreadable(looks: Looks, style: Style) -> tuple[ColourPair, ...]:
    """The pairs of ``colour_pairs`` below the contrast they need, kinds of text in the same colours on the
    same background named together ("the title, level-1 headings and level-2 headings")."""
    grouped: dict[tuple[str, str, bool, tuple[str, ...]], list[str]] = {}
    for pair in colour_pairs(looks, style):
        if not pair.reads:
            grouped.setdefault((pair.text, pair.background, pair.large, pair.keys), []).append(pair.what)
    return tuple(ColourPair(_and(whats), *key) for key, whats in grouped.items())


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
