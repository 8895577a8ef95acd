"""Portion marks: "(OS) " before each marked paragraph, heading, list item and caption.

The mark is put into the laid text itself, so every writer, the mail body and the preview show it
without knowing about markings; a pack that marks no portions shows none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TypeVar

from ..markings.nodes import descend
from ..markings.portions import every_portion
from ..model import Briefing, Citation, Inline, Marking, Paragraph, Span
from ..style import Style
from .numbering import Caption
from .tree import Note, SourceEntry

P = TypeVar("P", bound=Paragraph)


def mark_of(node: object, style: Style) -> str:
    """The portion mark a node shows ("(OS)"), or "" when it carries no marking."""
    marking: Marking | None = getattr(node, "marking", None)
    return style.scheme.mark(marking.level, marking.caveats) if marking is not None else ""


def marked_text(text: Inline, node: object, style: Style) -> Inline:
    """A heading's or an item's text with its node's portion mark before it."""
    mark = mark_of(node, style)
    return (Span(mark + " "), *text) if mark else text


def marked_paragraph(paragraph: P, style: Style) -> P:
    """A paragraph with its portion mark before its text."""
    mark = mark_of(paragraph, style)
    return replace(paragraph, text=(Span(mark + " "), *paragraph.text)) if mark else paragraph


def marked_caption(caption: Caption, node: object, style: Style) -> Caption:
    """A table's or figure's caption with the portion mark of what it captions."""
    mark = mark_of(node, style)
    return replace(caption, mark=mark) if mark else caption


def marked_notes(notes: Sequence[Note], doc: Briefing) -> tuple[Note, ...]:
    """The notes with the portion mark of the text that cites each (a note is part of its portion)."""
    marks = {getattr(node, "pos", None): mark_of(node, doc.style) for node in every_portion(doc)}
    return tuple(
        replace(note, text=(Span(marks[note.pos] + " "), *note.text)) if marks.get(note.pos) else note for note in notes
    )


_OWN_TEXT = frozenset({"content", "sections", "items", "rows", "marking", "pos", "style"})
"""Fields of a portion that hold other portions, or no text: its citations are in the others."""


def marked_entries(entries: Sequence[SourceEntry], doc: Briefing) -> list[SourceEntry]:
    """Each entry of the sources list with the lowest mark of the portions that cite it: a work cited
    only by SECRET text is listed as SECRET."""
    scheme = doc.style.scheme
    lowest: dict[str, Marking] = {}
    for portion in every_portion(doc):
        marking: Marking | None = getattr(portion, "marking", None)
        if marking is None:
            continue
        for part in descend(portion, _OWN_TEXT):
            if isinstance(part, Citation):
                for cite in part.cites:
                    known = lowest.get(cite.key)
                    if known is None or scheme.rank(marking.level) < scheme.rank(known.level):
                        lowest[cite.key] = marking
    return [
        replace(entry, text=(Span(scheme.mark(lowest[entry.key].level, lowest[entry.key].caveats) + " "), *entry.text))
        if entry.key in lowest
        else entry
        for entry in entries
    ]
