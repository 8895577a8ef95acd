"""Notes, citations and cross-references, decided once for every format.

The layout hands each text of the briefing, in reading order, to ``Apparatus.text``: a note
becomes its number (``NoteMark``) and its text joins ``notes``, numbered through the document;
a citation is worded by the briefing's CSL style and links to its entry in the sources list; a
cross-reference reads "Table 2", "Figure 1" or the heading of a section, and links to it. Before
the first text, every citation is registered with the CSL processor, as a numeric style numbers
works in the order they are first cited and the list of sources is known before it is placed.
How a citation reads beyond the words citeproc-py gives it (a narrative citation, a year's letter,
which work each part names) is in ``citations``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING

from ..model import (
    Block,
    Briefing,
    Callout,
    Chart,
    Citation,
    CrossRef,
    Image,
    Inline,
    ListBlock,
    Note,
    Paragraph,
    Pos,
    Rows,
    Section,
    Sources,
    Span,
    Table,
    walk_sections,
)
from .citations import (
    Cites,
    authors_named,
    citation_groups,
    cited_alone,
    narrative,
    unbracketed,
    works_named,
    year_suffixes,
)
from .numbering import colon
from .tree import InternalLink, NoteMark, SourceEntry
from .tree import Note as LaidNote

if TYPE_CHECKING:
    from ..adapters.citeproc import Processor


def note_anchor(number: int) -> str:
    """Where a note's text stands."""
    return f"note-{number}"


def source_anchor(key: str) -> str:
    """Where a source's entry stands in the sources list."""
    return f"ref-{key}"


class Apparatus:
    """The notes, citations and cross-references of one briefing, worded as the layout meets them."""

    def __init__(self, doc: Briefing) -> None:
        self.doc = doc
        self.labels = doc.labels
        self.notes: list[LaidNote] = []
        self.targets = targets(doc)
        self.entries = {ref.key: ref.csl for ref in doc.references}
        cited = [s for text, _ in texts(doc) for s in _spans(text) if isinstance(s, Citation) and self.known(s)]
        if doc.references:
            from ..adapters import citeproc  # citeproc-py (and its CSL style) loads only for a briefing that cites

            if citeproc.adds_year_suffix(doc.citation_style):
                self.entries = year_suffixes(self.entries, [c.key for span in cited for c in span.cites])
            self.in_notes = citeproc.is_note_style(doc.citation_style)
        else:
            self.in_notes = False
        self.registered: dict[Cites, object] = {}
        self.worded: dict[int, tuple[Table, tuple[tuple[int, int, Inline], ...]]] = {}
        """Tables whose cells ``block`` worded, and those words, by the table's identity."""
        for text, credit in texts(doc):
            for span in _spans(text):
                if isinstance(span, Citation) and self.known(span):
                    for cites in citation_groups(span, credit):
                        self._register(cites)

    def known(self, citation: Citation) -> bool:
        """Whether every work it cites is listed (a bare ``@name`` in a briefing without sources is just text)."""
        return all(cite.key in self.entries for cite in citation.cites)

    def _register(self, cites: Cites) -> object:
        if cites not in self.registered:
            # citeproc-py files works by their keys in lower case.
            self.registered[cites] = self.processor.citation([(k.lower(), loc, pre) for k, loc, pre in cites])
        return self.registered[cites]

    # -- texts --------------------------------------------------------------------------------

    def text(self, text: Inline, pos: Pos, credit: bool = False, in_note: bool = False) -> Inline:
        """A text of the briefing with its notes numbered, its citations and cross-references worded
        (``in_note``: the text of a note, where a style that cites in notes words the citation itself;
        ``credit``: a credit line, whose citations are never notes, and read in a sentence when the
        credit is nothing but citations)."""
        if all(type(span) is Span for span in text):
            return text
        made: list[Span] = []
        for span in text:
            if isinstance(span, Note):
                made.append(self._note(self.text(span.content, pos, in_note=True), pos))
            elif isinstance(span, Citation):
                worded = self._citation(span, pos, credit, in_note, credit and cited_alone(text))
                if worded and isinstance(worded[-1], NoteMark):
                    if len(worded) == 1:
                        _before_mark(made)
                    made.extend(worded)
                    made.append(_PUNCTUATION_NEXT)
                    continue
                made.extend(worded)
            elif isinstance(span, CrossRef):
                made.append(self._crossref(span))
            else:
                made.append(span)
        return _joined(_punctuation_before_marks(made))

    def _note(self, text: Inline, pos: Pos) -> NoteMark:
        number = len(self.notes) + 1
        self.notes.append(LaidNote(number, text, note_anchor(number), f"{note_anchor(number)}-ref", pos))
        return NoteMark(str(number), number=number)

    def _crossref(self, span: CrossRef) -> Span:
        wording = self.targets.get(span.target)
        if wording is None:  # reading refuses these; a briefing made in code may still hold one
            return Span(span.text, span.bold, span.italic)
        return InternalLink(wording, span.bold, span.italic, target=span.target)

    def _citation(
        self, span: Citation, pos: Pos, credit: bool, in_note_text: bool = False, alone: bool = False
    ) -> list[Span]:
        if not self.known(span):
            return [Span(span.text, span.bold, span.italic, span.href)]
        if self.in_notes and in_note_text:
            return self._in_note(span)
        in_note = self.in_notes and not credit  # a note style cites in notes, as pandoc does
        made: list[Span] = []
        named: list[Span] = []
        for i, cites in enumerate(citation_groups(span, alone)):
            if i:
                made.append(Span("; ", span.bold, span.italic))
            worded = self.processor.cite(self._register(cites))  # type: ignore[arg-type]
            if in_note and span.narrative:
                entry = self.entries[cites[0][0]]
                named.append(
                    InternalLink(authors_named(entry) or str(entry.get("title", "")), target=source_anchor(cites[0][0]))
                )
            elif span.narrative or alone:
                worded = narrative(worded, self.entries[cites[0][0]])
            made.extend(self._links(worded, cites, span))
        if in_note:
            return [*named, self._note(tuple(made), pos)]
        return made

    def _in_note(self, span: Citation) -> list[Span]:
        """A citation in the text of a note, in a style that cites in notes: worded there, as the note
        it would have been, without a note of its own (a note holds no note) and without its full stop,
        the note's own sentence going on or ending after it."""
        made: list[Span] = []
        for i, cites in enumerate(citation_groups(span, False)):
            if i:
                made.append(Span("; ", span.bold, span.italic))
            worded = self.processor.cite(self._register(cites))  # type: ignore[arg-type]
            made.extend(self._links(worded, cites, span))
        last = made[-1] if made else None
        if last is not None and last.text.endswith("."):
            made[-1] = replace(last, text=last.text[:-1])
        return made

    def _links(self, worded: Inline, cites: Cites, span: Citation) -> list[Span]:
        """The worded citation as links to the entries it cites: one link to each work where the
        style's wording can be cut at its "; ", else one link, to the first work cited."""
        text = "".join(s.text for s in worded)
        keys = [key for key, _, _ in cites]
        inner, opening, closing = unbracketed(text)
        parts = inner.split("; ")
        matched = works_named(parts, keys, self.entries) if len(keys) > 1 and len(parts) == len(keys) else None
        if matched is None:
            return [InternalLink(text, span.bold, span.italic, target=source_anchor(keys[0]))]
        made: list[Span] = [Span(opening, span.bold, span.italic)] if opening else []
        for i, (part, key) in enumerate(zip(parts, matched, strict=True)):
            if i:
                made.append(Span("; ", span.bold, span.italic))
            made.append(InternalLink(part, span.bold, span.italic, target=source_anchor(key)))
        if closing:
            made.append(Span(closing, span.bold, span.italic))
        return made

    @cached_property
    def processor(self) -> Processor:
        """The CSL processor, made when the first citation or the sources list needs it."""
        from ..adapters import citeproc

        return citeproc.Processor(self.doc.citation_style, list(self.entries.values()))

    # -- the sources list ----------------------------------------------------------------------

    def sources(self, pos: Pos) -> list[SourceEntry]:
        """The works cited, each worded as the style lists it, in the style's order."""
        keys = {key.lower(): key for key in self.entries}
        if not keys:  # nothing to list: the CSL processor is not needed
            return []
        return [
            SourceEntry(text, pos=pos, key=keys.get(found, found))
            for found, text in self.processor.entries()
            if found in keys
        ]

    # -- blocks -----------------------------------------------------------------------------

    def block(self, block: Block) -> Block:
        """A block with the notes, citations and cross-references of its texts decided (a table's
        cells and any credit line are the layout's ``Place``: see ``cells`` and ``credit``)."""
        match block:
            case Paragraph():
                return replace(block, text=self.text(block.text, block.pos))
            case ListBlock():
                items = tuple(
                    replace(
                        item,
                        lead=self.text(item.lead, item.pos) if item.lead else item.lead,
                        text=self.text(item.text, item.pos),
                    )
                    for item in block.items
                )
                return replace(block, items=items)
            case Chart() if block.title_text or block.caption:
                title = self.text(block.title_text, block.pos)
                return replace(block, title_text=title, caption=self.text(block.caption or (), block.pos) or None)
            case Image() if block.caption:
                return replace(block, caption=self.text(block.caption, block.pos))
            case Table() if block.title_text:
                titled = replace(block, title_text=self.text(block.title_text, block.pos))
                return self._table(titled) if titled.marked else titled
            case Callout():
                content = tuple(self.block(part) for part in block.content)
                return replace(block, content=content)  # type: ignore[arg-type]
            case Table() if block.marked:
                return self._table(block)
        return block

    def _table(self, table: Table) -> Table:
        """A table whose cells holding notes, citations or references read as worded: header first, then
        row by row. Its values become those words, note marks aside (each format sets a mark its own way),
        so that columns are measured, and shown by any writer, as readers read them; the words themselves,
        marks and links included, are ``cells``."""
        ordered = sorted(table.marked, key=lambda cell: (cell[0], cell[1]))
        worded = tuple((row, col, self.text(text, table.pos)) for row, col, text in ordered)
        names = list(table.columns)
        columns = [
            list(values) if any(c == i for _, c, _ in worded) else values for i, values in enumerate(table.rows.columns)
        ]
        for row, col, text in worded:
            shown = "".join(span.text for span in text if not isinstance(span, NoteMark))
            if row < 0:
                names[col] = shown
            else:
                columns[col][row] = shown  # type: ignore[index]
        rows = Rows(tuple(tuple(values) for values in columns), table.rows.length)
        made = replace(table, columns=tuple(names), rows=rows, marked=())
        self.worded[id(made)] = (made, worded)
        return made

    def cells(self, table: Table) -> tuple[tuple[int, int, Inline], ...]:
        """The words of a table's cells that hold notes, citations or references, as ``block`` made them."""
        found = self.worded.get(id(table))
        return found[1] if found is not None and found[0] is table else ()

    def credit(self, block: Table | Chart | Image) -> Inline | None:
        """The credit line under a table, chart or picture: "Source: " and where it comes from."""
        if not block.credit:
            return None
        return (Span(self.labels.source + colon(self.doc.language)), *self.text(block.credit, block.pos, credit=True))


_PUNCTUATION_NEXT = Span("")
"""Stands after the note mark of a citation until the punctuation after it is moved before the mark."""

PUNCTUATION = ".,;:!?"
"""What a citation's note mark goes after, as pandoc sets it: "running.¹", not "running ¹."."""


def _before_mark(made: list[Span]) -> None:
    """The space before a citation that becomes a note taken away: the mark follows the word."""
    if made and type(made[-1]) is Span and made[-1].text.endswith(" "):
        made[-1] = replace(made[-1], text=made[-1].text.rstrip(" "))


def _punctuation_before_marks(made: list[Span]) -> list[Span]:
    """The punctuation that follows a citation's note mark moved before it."""
    spans: list[Span] = []
    for i, span in enumerate(made):
        if span is not _PUNCTUATION_NEXT:
            spans.append(span)
            continue
        after = made[i + 1] if i + 1 < len(made) else None
        if after is None or type(after) is not Span:
            continue
        moved = len(after.text) - len(after.text.lstrip(PUNCTUATION))
        if not moved:
            continue
        at = len(spans) - 1
        while at > 0 and isinstance(spans[at - 1], NoteMark):
            at -= 1  # several citations in a row: the punctuation before all their marks
        before = spans[at - 1].text if at > 0 else ""
        stop = "" if before.endswith(tuple(after.text[:moved])) else after.text[:moved]
        spans.insert(at, Span(stop, after.bold, after.italic))
        made[i + 1] = replace(after, text=after.text[moved:])
    return spans


def _joined(spans: list[Span]) -> Inline:
    """Spans with neighbouring plain text of the same look joined, as a text read from a spec holds them."""
    made: list[Span] = []
    for span in spans:
        last = made[-1] if made else None
        if (
            last is not None
            and type(span) is Span
            and type(last) is Span
            and span.text
            and ((last.bold, last.italic, last.href) == (span.bold, span.italic, span.href))
        ):
            made[-1] = Span(last.text + span.text, span.bold, span.italic, span.href)
        else:
            made.append(span)
    return tuple(made)


def targets(doc: Briefing) -> dict[str, str]:
    """How each id reads where it is cited: "Table 2", "Figure 1", a section's heading, a callout's title.
    Tables and figures are counted in reading order, as their captions are."""
    found: dict[str, str] = {}
    tables = figures = 0
    for _, section in walk_sections(doc.sections):
        if section.id:
            found[section.id] = "".join(s.text for s in section.heading if not isinstance(s, Note)).strip()
        for block in section.content:
            if isinstance(block, Table):
                tables += 1
                if block.id:
                    found[block.id] = f"{doc.labels.table} {tables}"
            elif isinstance(block, (Chart, Image)):
                figures += 1
                if block.id:
                    found[block.id] = f"{doc.labels.figure} {figures}"
            elif isinstance(block, Callout) and block.id:
                found[block.id] = block.title
    return found


def texts(doc: Briefing) -> Iterator[tuple[Inline, bool]]:
    """Every text of the briefing in reading order, and whether it is a credit line of citations alone."""
    yield from _block_texts(doc.summary)
    for _, section in walk_sections(doc.sections):
        yield section.heading, False
        yield from _block_texts(section.content)


def _block_texts(blocks: tuple[Block, ...]) -> Iterator[tuple[Inline, bool]]:
    for block in blocks:
        match block:
            case Paragraph():
                yield block.text, False
            case ListBlock():
                for item in block.items:
                    if item.lead:
                        yield item.lead, False
                    yield item.text, False
            case Table():
                yield block.title_text, False
                for _, _, text in sorted(block.marked, key=lambda cell: (cell[0], cell[1])):
                    yield text, False
            case Chart():
                yield block.title_text, False
                yield block.caption or (), False
            case Image() if block.caption:
                yield block.caption, False
            case Callout():
                yield from _block_texts(block.content)  # type: ignore[arg-type]
        if isinstance(block, (Table, Chart, Image)) and block.credit:
            yield block.credit, cited_alone(block.credit)


def _spans(text: Inline) -> Iterator[Span]:
    for span in text:
        yield span
        if isinstance(span, Note):
            yield from _spans(span.content)


def sources_section(doc: Briefing) -> Section | None:
    """The section that ends a briefing which cites works but places no ``sources: true`` block."""
    cites = any(isinstance(span, Citation) for text, _ in texts(doc) for span in _spans(text))
    if not doc.references or not cites or any(_placed(section.content) for _, section in walk_sections(doc.sections)):
        return None
    return Section((Span(doc.labels.sources),), (Sources(pos=doc.pos),), pos=doc.pos)


def _placed(blocks: tuple[Block, ...]) -> bool:
    return any(isinstance(block, Sources) for block in blocks)
