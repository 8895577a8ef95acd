"""The accessibility check: what keeps a reader who listens to a pack, or magnifies it, from it.

``briefing lint --accessibility`` prints these findings with their positions, and ``build`` as
warnings. Each rule reads the laid-out document, as the writers receive it:

- ``alt``: a picture without alternative text (no ``alt:`` and no caption);
- ``heading-level``: a heading more than one level below the one before it;
- ``table-header``: a table whose header row is empty, or a column without a name in it;
- ``link-text``: a link whose text is its address, or "here", "click here", "read more";
- ``contrast``: a colour of the style that does not stand out from its background as WCAG 2.2 AA asks,
  at the place the colour was written;
- ``language``: text in a script of another language than the briefing's (Arabic in an English
  briefing) whose language is not given with ``[text]{lang=ar}``.
"""

from __future__ import annotations

from .errors import Problem
from .layout import Heading, LaidDocument, Place, SourceEntry, laid_out, picture_alt
from .lint import Finding, word_position
from .model import Briefing, Chart, Image, Inline, Paragraph, Pos, Table, plain
from .style import script_of_language, script_runs
from .walk import walk

VAGUE_LINKS = frozenset({"here", "click here", "click", "link", "this link", "more", "read more", "this"})
"""Link texts that do not say where a link leads, read out of context in a screen reader's list of links."""


def check(doc: Briefing | LaidDocument) -> list[Finding]:
    """Every accessibility finding of a briefing: its contrast first, then the rest in reading order."""
    laid = laid_out(doc)
    checker = _Checker(laid)
    walk(laid, checker, "accessibility")
    for note in laid.notes:
        checker.inline(note.pos, note.text)
    return [*_contrast(laid), *checker.found]


def warnings(doc: Briefing | LaidDocument) -> list[Problem]:
    """The findings as a build's warnings: the same lines as ``briefing lint --accessibility`` prints."""
    return [Problem(finding.pos, f"{finding.rule}: {finding.message}") for finding in check(doc)]


def _contrast(laid: LaidDocument) -> list[Finding]:
    """The style's colours that do not read, at the place each was written, in the order they were."""
    style = laid.doc.style
    found = []
    for pair in laid.unreadable_colours:
        where = next((pos for key in pair.keys if (pos := style.position(key)) is not None), laid.doc.pos)
        found.append(Finding(where, "contrast", str(pair)))
    return sorted(found, key=lambda f: (f.pos.file, f.pos.line, f.pos.col))


class _Checker:
    """The walker's handlers: each node's text and structure checked where it was written."""

    def __init__(self, laid: LaidDocument) -> None:
        self.found: list[Finding] = []
        self.own_script = script_of_language(laid.doc.language)
        self.level = 0
        """The level of the heading before, 0 before the first."""

    def visit_heading(self, node: Heading, place: Place) -> None:
        if node.level > self.level + 1:
            self.found.append(
                Finding(
                    node.pos,
                    "heading-level",
                    f"heading '{plain(node.text)}' is at level {node.level} after level {self.level}: "
                    "a level is skipped",
                )
            )
        self.level = node.level
        self.inline(node.pos, node.text)

    def visit_paragraph(self, node: Paragraph, place: Place) -> None:
        self.inline(node.pos, node.text)  # list items, callouts' titles and paragraphs too

    def visit_source_entry(self, node: SourceEntry, place: Place) -> None:
        # An entry of the sources list ends in the work's address as its citation style prints it: the
        # entry's own words say what it leads to.
        self.inline(node.pos, node.text, links=False)

    def visit_table(self, node: Table, place: Place) -> None:
        named = [bool(column.strip()) for column in node.columns]
        if not any(named):
            self.found.append(Finding(node.pos, "table-header", "a table without a header row: name its columns"))
        else:
            self.found.extend(
                Finding(node.pos, "table-header", f"column {n} of the table has no name in its header row")
                for n, has in enumerate(named, 1)
                if not has
            )
        self._caption(node.pos, place)

    def visit_chart(self, node: Chart, place: Place) -> None:
        self._caption(node.pos, place)  # a chart's description is always written: its alt: or the layout's

    def visit_image(self, node: Image, place: Place) -> None:
        if not picture_alt(node):
            read = f"a picture without alternative text (read as '{place.alt}'): say what it shows in alt:"
            self.found.append(Finding(node.pos, "alt", read))
        self._caption(node.pos, place)

    def _caption(self, pos: Pos, place: Place) -> None:
        if place.caption is not None:
            self.inline(pos, place.caption.spans)
        if place.credit:
            self.inline(pos, place.credit)

    def inline(self, pos: Pos, text: Inline, links: bool = True) -> None:
        """Links that do not say where they lead (when ``links``), and text in another script without its
        language; each found at its words in the spec, as the prose check finds them (``pos`` where they
        cannot be found as written)."""
        whole, start = plain(text), 0
        for span in text:
            if links and span.href and _vague(span.text, span.href):
                words = span.text.strip()
                at = _words_at(pos, whole, start, span.text)
                why = "is its address" if _is_address(words, span.href) else "does not say where it leads"
                self.found.append(Finding(at, "link-text", f"the link text '{words}' {why}: name what it leads to"))
            if span.lang is None:
                offset = start
                for part, script in script_runs(span.text):
                    if script is not None and script is not self.own_script:
                        self.found.append(
                            Finding(
                                _words_at(pos, whole, offset, part),
                                "language",
                                f"{script.script} text '{part.strip()}' has no language: "
                                f"mark it [{part.strip()}]{{lang={script.languages[0]}}} (or its own language's tag)",
                            )
                        )
                    offset += len(part)
            start += len(span.text)


def _words_at(pos: Pos, whole: str, start: int, part: str) -> Pos:
    """Where ``part``, standing at ``start`` in the text ``whole``, was written in the spec: its first word."""
    lead = len(part) - len(part.lstrip())
    return word_position(pos, whole, start + lead, start + len(part.rstrip()))


def _vague(text: str, href: str) -> bool:
    words = " ".join(text.lower().split()).strip(" .:!")
    return words in VAGUE_LINKS or _is_address(text.strip(), href)


def _is_address(text: str, href: str) -> bool:
    if href.startswith("mailto:"):
        return False  # a mailbox read out is what a reader needs to write to it

    def bare(address: str) -> str:
        for prefix in ("mailto:", "https://", "http://", "www."):
            address = address.removeprefix(prefix)
        return address.rstrip("/").lower()

    return bare(text) == bare(href) or text.lower().startswith(("http://", "https://", "www."))
