"""Where a node came from in a spec (``Pos``), a portion's protective marking (``Marking``), the
variant of a pack a briefing is (``Variant``), and the two fields every node of the model carries."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Pos:
    """Where a node came from in a spec; printed as ``FILE:LINE:COL``."""

    file: str
    """Path of the spec file as the user named it."""
    line: int
    """1-based line number; 0 for a command-line option, which has no lines."""
    col: int
    """1-based column number (0 with line 0)."""

    def __str__(self) -> str:
        # An option of the command line has no line: "--set: expected NAME=VALUE".
        return f"{self.file}:{self.line}:{self.col}" if self.line else self.file


NOWHERE = Pos("<model>", 0, 0)
"""Position of nodes built in code rather than loaded from a spec."""


def marking_field() -> Marking | None:
    # Kept with the node it marks, and compared: two variants of one text differ by their marks.
    return field(default=None, kw_only=True)


@dataclass(frozen=True)
class Marking:
    """A portion's protective marking: its level and caveats, words of the house style's scheme."""

    level: str
    """The level's banner text ("OFFICIAL-SENSITIVE"), as the scheme names it."""
    caveats: tuple[str, ...] = ()
    """Caveats or release markings that restrict who may read it ("UK EYES ONLY"), by name."""
    pos: Pos = field(default_factory=lambda: NOWHERE, compare=False, repr=False)
    """Where the marking was written; nowhere for one inherited or taken by default."""


@dataclass(frozen=True)
class Variant:
    """Which variant of a pack a briefing is: built for readers of one clearance and caveats."""

    clearance: str
    """The level its readers hold: no portion above it is in this variant."""
    caveats: tuple[str, ...] = ()
    """The caveats its readers meet: no portion with another caveat is in it."""
    withheld: int = 0
    """How many portions were left out (never what they said)."""
    sealed: tuple[Path, ...] = ()
    """The spec files (the spec, its bases and includes) of a variant that withholds any portion: named in
    its manifest without their digests, which would fingerprint what it withholds."""


def pos_field() -> Pos:
    # Positions are metadata: two trees with the same content are equal
    # wherever they came from, so tests can compare whole trees.
    return field(default=NOWHERE, compare=False, repr=False, kw_only=True)
