"""What a rebuild hands the server: every view of the briefing, or the problems that stopped it.

Plain values that cross the pipe from the rebuilding child to the server, kept apart from
the writers (``preview``) so that the server reads them without importing a writer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Sheet:
    """One worksheet of the workbook, as rows of the texts it shows."""

    name: str
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Rendering:
    """One good build of the spec, in every view."""

    html: str
    """The briefing as the html writer makes it."""
    pages: tuple[bytes, ...]
    """The PDF's pages as PNG pictures."""
    sheets: tuple[Sheet, ...]
    """The workbook's sheets."""
    title: str
    """The briefing's title."""
    levels: tuple[str, ...] = ()
    """The variants the preview can show when the spec marks portions, by name: each level of its scheme,
    alone and with each caveat ("SECRET UK EYES ONLY")."""
    variant: str = ""
    """The name of the variant this is (one of ``levels``); empty for the whole pack."""


@dataclass(frozen=True)
class Outcome:
    """What one rebuild found: a rendering, or the problems that stopped it."""

    rendering: Rendering | None = None
    problems: tuple[str, ...] = ()
    """``FILE:LINE:COL: message`` of what stopped the build, or one line naming the spec."""
    warnings: tuple[str, ...] = ()
    """The prose check's findings, and what a format could not show."""
    sources: tuple[Path, ...] = ()
    """The files the spec was read from."""
    over_budget: bool = False
    """The rebuild was stopped for taking too long or too much memory."""
