"""Inline text: spans with their bold, italic, link and language, and the spans the layout words
(notes, citations and the works they cite, cross-references)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args


@dataclass(frozen=True)
class Span:
    """A run of text with one set of inline attributes."""

    text: str
    """The literal characters, markup already removed."""
    bold: bool = False
    """Rendered in bold (``**text**``)."""
    italic: bool = False
    """Rendered in italics (``*text*``)."""
    href: str | None = None
    """Target of a hyperlink (``[text](url)``), or None."""
    lang: str | None = None
    """The language of the text when it is not the briefing's (``[text]{lang=ar}``), a BCP 47 tag, or None."""


Inline = tuple[Span, ...]
"""A piece of formatted text: consecutive spans, markup parsed once."""


@dataclass(frozen=True)
class Note(Span):
    """An inline note, written ``^[…]``: its ``text`` is what the author wrote, so that it still reads
    where the layout has not numbered it; the layout numbers it and sets its content apart."""

    content: Inline = ()
    """What the note says, its markup parsed; citations and cross-references in it are spans too."""


@dataclass(frozen=True)
class Cite:
    """One work cited in a citation: ``@ocha2026, p. 4``."""

    key: str
    """The citation key: the ``id`` of an entry of the spec's ``sources:``."""
    locator: str = ""
    """Where in the work, as written after the comma ("p. 4", "pp. 3-5", "chap. 2"); empty for the whole work."""
    prefix: str = ""
    """Words before the key inside the brackets ("see")."""


@dataclass(frozen=True)
class Citation(Span):
    """A citation: ``[@ocha2026, p. 4]``, ``[@a; @b]``, or ``@ocha2026`` in the run of a sentence.
    Its ``text`` is what the author wrote; the layout words it in the citation style."""

    cites: tuple[Cite, ...] = ()
    """The works cited, in the order written; never empty."""
    narrative: bool = False
    """Written ``@key`` without brackets: the author's name reads as part of the sentence ("OCHA (2026)")."""


@dataclass(frozen=True)
class CrossRef(Span):
    """A cross-reference, ``@tbl-funding``: its ``text`` is what the author wrote; the layout words it
    ("Table 2", a section's heading) and links it to its target."""

    target: str = ""
    """The ``id`` of the section, table, figure or callout it points at."""


CrossRefKind = Literal["sec", "tbl", "fig", "box"]
"""The prefixes of ids, by what they name: a section, a table, a figure (chart or picture), a callout (box)."""
CROSSREF_KINDS: tuple[CrossRefKind, ...] = get_args(CrossRefKind)


def plain(inline: Inline) -> str:
    """The characters of an inline text without its formatting."""
    return "".join(span.text for span in inline)
