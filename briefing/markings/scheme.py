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

    @property
    def releases(self) -> frozenset[str]:
        """The nations a release marking ("REL TO GBR, FRA") releases a portion to, groups expanded ("FVEY");
        empty for a restrictive caveat ("UK EYES ONLY", "NOFORN"), which readers must hold."""
        if not self.name.upper().startswith(_RELEASE):
            return frozenset()
        named = [n.strip().upper() for n in self.name[len(_RELEASE) :].split(",") if n.strip()]
        return frozenset(nation for n in named for nation in _GROUPS.get(n, (n,)))


_RELEASE = "REL TO "
_GROUPS = {"FVEY": ("AUS", "CAN", "GBR", "NZL", "USA")}
"""Groups of nations a release marking may name."""


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

    @property
    def home(self) -> str:
        """The nation whose readers read a portion without a release marking: the originator, which a
        release marking names first ("REL TO GBR, FRA"); empty for a scheme without release markings."""
        first = next((c.name for c in self.caveats if c.releases), "")
        return first[len(_RELEASE) :].split(",")[0].strip().upper() if first else ""

    def restrictive(self, caveats: tuple[str, ...]) -> set[str]:
        """The restrictive caveats among ``caveats`` (by name): readers must hold each."""
        return {c.name for c in self.caveats if c.name in caveats and not c.releases}

    def released_to(self, caveats: tuple[str, ...]) -> frozenset[str]:
        """The nations a portion with ``caveats`` may go to: those every release marking it carries names;
        the home nation alone when it carries none."""
        releases = [c.releases for c in self.caveats if c.name in caveats and c.releases]
        return frozenset.intersection(*releases) if releases else frozenset({self.home})

    def contradiction(self, caveats: tuple[str, ...]) -> str | None:
        """Why caveats cannot stand together (a restrictive caveat with a release to others, or releases
        that name no nation in common), or None."""
        released = [c.name for c in self.caveats if c.name in caveats and c.releases]
        if not released:
            return None
        others = self.released_to(caveats) - {self.home}
        if not others:
            return f"{' and '.join(released)} release it to no nation in common"
        restricted = sorted(self.restrictive(caveats))
        if restricted:
            return f"{' and '.join(restricted)} keeps it from the nations {released[0]} releases it to"
        return None

    def allows(
        self, level: str, caveats: tuple[str, ...], marking_level: str, marking_caveats: tuple[str, ...]
    ) -> bool:
        """Whether readers cleared for ``level`` and ``caveats`` may read a portion so marked: its level at
        most theirs, each restrictive caveat it carries held by them, and released to every nation they
        come from (readers stating a release marking come from its nations; others from the home nation)."""
        return (
            self.rank(marking_level) <= self.rank(level)
            and self.restrictive(marking_caveats) <= self.restrictive(caveats)
            and self.released_to(caveats) <= self.released_to(marking_caveats)
        )

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
