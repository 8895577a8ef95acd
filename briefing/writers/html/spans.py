"""Formatted text as HTML: emphasis, links, cross-references and citations, note marks; and the notes listed.

On a page, a note's mark is a link to the note (``role="doc-noteref"``) that shows the note's text beside
it on hover or keyboard focus (by CSS; a few lines of the page's own script let Escape hide it again, and
where scripts do not run it shows all the same), cross-references and citations link
to their targets, and the notes stand at the end (``role="doc-endnotes"``), each linking back to its mark.
In a mail, whose readers keep few links within a message, marks are superscript numbers, cross-references
and citations their text, and the notes cited are listed at the end.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from markupsafe import Markup, escape

from ...layout.tree import InternalLink, Note, NoteMark
from ...model import Inline, Span
from .. import markup


class Spans:
    """Turns formatted text into HTML for a page (``page``) or a mail, and remembers the notes it cited."""

    def __init__(self, notes: Sequence[Note] = (), page: bool = True) -> None:
        self.notes = {note.number: note for note in notes}
        self.page = page
        self.cited: list[int] = []
        """The numbers of the notes whose marks were shown, in the order shown."""

    def __call__(self, text: Inline) -> Markup:
        return Markup("").join(self._span(span) for span in text)

    def _span(self, span: Span) -> Markup:
        if isinstance(span, NoteMark):
            return self._mark(span)
        piece = _emphasis(span)
        if isinstance(span, InternalLink) and span.target and self.page:
            return Markup(f'<a href="#{escape(span.target)}">{piece}</a>')
        if span.href:
            return Markup(f'<a href="{escape(span.href)}">{piece}</a>')
        return piece

    def _mark(self, mark: NoteMark) -> Markup:
        again = mark.number in self.cited  # a note cited twice: its back link leads to the first mark
        self.cited.append(mark.number)
        number = escape(markup.xml_safe(mark.text or str(mark.number)))
        note = self.notes.get(mark.number)
        if not self.page or note is None:
            return Markup(f"<sup>{number}</sup>")
        back = "" if again else f' id="{escape(note.back)}"'
        # The note's text beside its mark, shown while the mark is hovered or focused. Screen readers
        # skip it: the mark is a link to the note itself, which they follow.
        shown = Markup("").join(_emphasis(span) for span in note.text if not isinstance(span, NoteMark))
        return Markup(
            f'<span class="noteref"><a href="#{escape(note.anchor)}"{back} role="doc-noteref">'
            f'<sup>{number}</sup></a><span class="note-pop" aria-hidden="true">{number}. {shown}</span></span>'
        )

    def endnotes(self, heading: str, numbers: Iterable[int] | None = None) -> Markup:
        """The notes numbered ``numbers`` (every note when None) as an ordered list under ``heading``,
        each in its own number, with a link back to its mark on a page; nothing when there are none."""
        wanted = list(self.notes) if numbers is None else list(dict.fromkeys(numbers))
        notes = [self.notes[n] for n in sorted(wanted) if n in self.notes]
        if not notes:
            return Markup("")
        items = []
        for note in notes:
            text = self(note.text)
            if self.page:
                anchor, back = escape(note.anchor), escape(note.back)
                items.append(
                    f'<li id="{anchor}" value="{note.number}">{text} '
                    f'<a href="#{back}" class="backlink" role="doc-backlink">\u21a9\ufe0e</a></li>'
                )
            else:
                items.append(f'<li value="{note.number}">{text}</li>')
        title = escape(markup.xml_safe(heading))
        role = ' role="doc-endnotes"' if self.page else ""
        return Markup(
            f'<section class="notes"{role} aria-labelledby="notes-heading">\n'
            f'<h2 id="notes-heading">{title}</h2>\n<ol>\n' + "\n".join(items) + "\n</ol>\n</section>\n"
        )


def _emphasis(span: Span) -> Markup:
    piece = escape(markup.xml_safe(span.text))
    if span.bold:
        piece = Markup(f"<strong>{piece}</strong>")
    if span.italic:
        piece = Markup(f"<em>{piece}</em>")
    if span.lang:
        piece = Markup(f'<span lang="{escape(span.lang)}">{piece}</span>')
    return piece


def plain_text(text: Inline, addresses: bool = True) -> str:
    """Formatted text as plain text: links followed by their address (when ``addresses``), as mail readers show them;
    cross-references and citations as their words; a note's mark as its number in brackets ("[3]"),
    since plain text has no superscript and a bare number would run into the word or figure before it."""
    out = []
    for href, spans in markup.link_groups(text):
        words = "".join(f"[{s.number}]" if isinstance(s, NoteMark) else s.text for s in spans)
        out.append(f"{words} <{href}>" if addresses and href and href != words else words)
    return "".join(out)


def text_endnotes(notes: Sequence[Note], heading: str, numbers: Iterable[int]) -> str:
    """The notes numbered ``numbers`` as plain text under ``heading``, one per line ("[3] text")."""
    wanted = set(numbers)
    lines = [f"[{note.number}] {plain_text(note.text)}" for note in notes if note.number in wanted]
    return "\n".join([heading, *lines]) if lines else ""
