"""Marking schemes: the ordered levels of protection, their banners and portion marks, and the caveats.

A scheme is part of the house style (``style: {marking: {scheme: us}}``): the UK scheme is the
default, a US one ships beside it, and a custom one is a few lines of YAML (reading/style_files.py).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Level:
    """One level of a scheme, from the lowest up."""

    name: str
    """The banner's text: "OFFICIAL-SENSITIVE"."""
    portion: str
    """The short form shown before each portion: "OS" (shown "(OS)")."""


@dataclass(frozen=True)
class Caveat:
    """A caveat or release marking: it restricts who may read a portion, whatever their level."""

    name: str
    """Its text in the banner: "UK EYES ONLY"."""
    portion: str
    """Its short form in a portion mark: "UKEO"."""


@dataclass(frozen=True)
class Scheme:
    """A marking scheme: ordered levels and the caveats a portion may carry."""

    name: str
    """Its name, as a style names it: "uk", "us", or the custom scheme's."""
    levels: tuple[Level, ...]
    """From the lowest to the highest; never empty."""
    caveats: tuple[Caveat, ...] = ()
    """The caveats a portion may carry, in the order banners list them."""
    separator: str = " "
    """Between the level and each caveat, in a banner and in a portion mark ("SECRET//NOFORN")."""

    def level(self, word: str) -> Level | None:
        """The level a spec names by its banner text or its portion mark, else None."""
        return next((lv for lv in self.levels if word in (lv.name, lv.portion)), None)

    def caveat(self, word: str) -> Caveat | None:
        """The caveat a spec names by its text or its short form, else None."""
        return next((c for c in self.caveats if word in (c.name, c.portion)), None)

    def rank(self, level: str) -> int:
        """How high a level (by name) stands: 0 for the lowest."""
        return [lv.name for lv in self.levels].index(level)

    def allows(
        self, level: str, caveats: tuple[str, ...], marking_level: str, marking_caveats: tuple[str, ...]
    ) -> bool:
        """Whether readers cleared for ``level`` and ``caveats`` may read a portion so marked."""
        return self.rank(marking_level) <= self.rank(level) and set(marking_caveats) <= set(caveats)

    def words(self) -> list[str]:
        """Every word a spec may use for a level, for did-you-mean hints."""
        return [w for lv in self.levels for w in (lv.name, lv.portion)]

    def ordered(self, caveats: set[str] | frozenset[str] | tuple[str, ...]) -> tuple[str, ...]:
        """Caveats (by name) in the scheme's order."""
        return tuple(c.name for c in self.caveats if c.name in caveats)

    def banner(self, level: str, caveats: tuple[str, ...] = ()) -> str:
        """The banner of a level and caveats: "SECRET UK EYES ONLY"."""
        return self.separator.join((level, *self.ordered(caveats)))

    def mark(self, level: str, caveats: tuple[str, ...] = ()) -> str:
        """The portion mark: "(S)", "(S UKEO)", "(S//NF)"."""
        short = {c.name: c.portion for c in self.caveats}
        found = self.level(level)
        return (
            "("
            + self.separator.join((found.portion if found else level, *(short[c] for c in self.ordered(caveats))))
            + ")"
        )


UK = Scheme(
    "uk",
    (
        Level("OFFICIAL", "O"),
        Level("OFFICIAL-SENSITIVE", "OS"),
        Level("SECRET", "S"),
        Level("TOP SECRET", "TS"),
    ),
    (Caveat("UK EYES ONLY", "UKEO"), Caveat("REL TO GBR, FRA", "REL GBR FRA")),
)
"""The UK Government Security Classifications, with two common caveats: the default."""

US = Scheme(
    "us",
    (
        Level("UNCLASSIFIED", "U"),
        Level("CUI", "CUI"),
        Level("CONFIDENTIAL", "C"),
        Level("SECRET", "S"),
        Level("TOP SECRET", "TS"),
    ),
    (Caveat("NOFORN", "NF"), Caveat("REL TO USA, FVEY", "REL TO USA, FVEY")),
    "//",
)
"""A US-style scheme: UNCLASSIFIED < CUI < CONFIDENTIAL < SECRET < TOP SECRET, with NOFORN."""

SCHEMES = {scheme.name: scheme for scheme in (UK, US)}
"""The schemes a style may name."""
