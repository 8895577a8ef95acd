"""Each portion's marking resolved (own, inherited or the lowest level) and checked; the banner computed.

A spec that marks no portion keeps its ``classification:`` as written, for the whole pack. Once any
portion is marked, every portion has a marking: its own, else what holds it has, else the scheme's
lowest level. Caveats add up: what a caveated section holds carries its caveats too. A top-level
``classification:`` is the ceiling: a portion above it is refused, never a silently raised banner.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from typing import TypeVar

from ..errors import Problem
from ..model import (
    Briefing,
    Callout,
    Chart,
    CrossRef,
    Image,
    ListBlock,
    ListItem,
    Marking,
    Paragraph,
    Pos,
    Section,
    Table,
    walk_sections,
)
from .nodes import descend
from .scheme import Scheme

Portion = Section | Paragraph | ListBlock | ListItem | Table | Chart | Image | Callout
"""What a spec can mark."""
N = TypeVar("N")


def portions_marked(doc: Briefing) -> bool:
    """Whether the spec marks any portion (else its classification is the whole pack's, as written)."""
    return any(_own(node) is not None for node in every_portion(doc))


def every_portion(doc: Briefing) -> list[object]:
    """Every node that can carry a marking, in reading order."""
    found: list[object] = []

    def blocks(content: tuple[object, ...]) -> None:
        for block in content:
            found.append(block)
            if isinstance(block, ListBlock):
                found.extend(block.items)
            if isinstance(block, Callout):
                blocks(block.content)

    blocks(doc.summary)
    for _, section in walk_sections(doc.sections):
        found.append(section)
        blocks(section.content)
    return found


def _own(node: object) -> Marking | None:
    return getattr(node, "marking", None)


@dataclass(frozen=True)
class _Holder:
    """The marking a portion inherits, and the portion (or the ceiling) that set it, for messages."""

    marking: Marking
    """What an unmarked portion takes."""
    what: str | None
    """ "the section" / "the briefing's classification", or None for the default, which bounds nothing."""
    pos: Pos
    bound: str | None = None
    """The highest level a portion it holds may have."""


class _Resolver:
    def __init__(self, scheme: Scheme) -> None:
        self.scheme = scheme
        self.problems: list[Problem] = []

    def checked(self, marking: Marking) -> Marking | None:
        """A marking's words as the scheme names them; problems for words it does not know."""
        level = self.scheme.level(marking.level) if marking.level else None
        if marking.level and level is None:
            hint = _did_you_mean(marking.level, self.scheme.words())
            self.problems.append(
                Problem(marking.pos, f"'{marking.level}' is not a level of the {self.scheme.name} marking scheme{hint}")
            )
            return None
        caveats = []
        for word in marking.caveats:
            caveat = self.scheme.caveat(word)
            if caveat is None:
                known = [c.name for c in self.scheme.caveats]
                hint = _did_you_mean(word, known) if known else " (the scheme has no caveats)"
                self.problems.append(
                    Problem(marking.pos, f"'{word}' is not a caveat of the {self.scheme.name} marking scheme{hint}")
                )
                return None
            caveats.append(caveat.name)
        return Marking(level.name if level else "", tuple(caveats), pos=marking.pos)

    def mark(self, node: N, holder: _Holder, what: str) -> tuple[N, _Holder]:
        """``node`` with its effective marking, and what it hands down to what it holds."""
        own = _own(node)
        checked = self.checked(own) if own is not None else None
        if checked is None:
            return replace(node, marking=holder.marking), holder  # type: ignore[type-var]
        level = checked.level or holder.marking.level
        caveats = self.scheme.ordered({*holder.marking.caveats, *checked.caveats})
        clash = self.scheme.contradiction(caveats)
        if clash is not None:
            self.problems.append(
                Problem(
                    checked.pos,
                    f"this {what} would be marked {self.scheme.banner(level, caveats)}: {clash}; "
                    "mark it one or the other",
                )
            )
        if holder.bound is not None and self.scheme.rank(level) > self.scheme.rank(holder.bound):
            self.problems.append(Problem(checked.pos, _above(what, level, holder, checked.pos)))
        effective = Marking(level, caveats, pos=checked.pos)
        if not checked.level:  # caveats alone: what it holds is bounded as before, not by the level it inherits
            return replace(node, marking=effective), replace(holder, marking=effective)  # type: ignore[type-var]
        inner = _Holder(effective, f"the {what}", checked.pos, level)
        return replace(node, marking=effective), inner  # type: ignore[type-var]

    def blocks(self, content: tuple[N, ...], holder: _Holder) -> tuple[N, ...]:
        return tuple(self.block(block, holder) for block in content)

    def block(self, block: N, holder: _Holder) -> N:
        if not hasattr(block, "marking"):
            return block  # a page break: no text to mark
        name = _NAMES.get(type(block), "block")
        marked, inner = self.mark(block, holder, name)
        if isinstance(marked, ListBlock):
            items = tuple(self.mark(item, inner, "list item")[0] for item in marked.items)
            return replace(marked, items=items)  # type: ignore[return-value]
        if isinstance(marked, Callout):
            return replace(marked, content=self.blocks(marked.content, inner))  # type: ignore[return-value]
        return marked

    def section(self, section: Section, holder: _Holder) -> Section:
        marked, inner = self.mark(section, holder, "section")
        return replace(
            marked,
            content=self.blocks(marked.content, inner),
            sections=tuple(self.section(sub, inner) for sub in marked.sections),
        )


def _above(what: str, level: str, holder: _Holder, at: Pos) -> str:
    # The line alone when the holder is in the same file; its file too when it is in a base or an include.
    where = f"line {holder.pos.line}" if holder.pos.file == at.file else f"{holder.pos.file}:{holder.pos.line}"
    if holder.what == "the briefing's classification":
        return (
            f"this {what} is marked {level}, above the briefing's classification {holder.bound} "
            f"({where}), its ceiling: raise the classification or mark this {what} lower"
        )
    return (
        f"this {what} is marked {level}, above the {holder.bound} of {holder.what} ({where}) "
        f"that holds it: mark {holder.what} at least {level}, or this {what} lower"
    )


_NAMES: dict[type, str] = {
    Section: "section",
    ListItem: "list item",
    Paragraph: "paragraph",
    ListBlock: "list",
    Table: "table",
    Chart: "chart",
    Image: "image",
    Callout: "callout",
}


def resolve(doc: Briefing, ceiling_pos: Pos | None = None) -> tuple[Briefing, list[Problem]]:
    """``doc`` with every portion's marking resolved and its banner computed, or the problems found.

    ``ceiling_pos`` is where the top-level ``classification:`` was written.
    """
    if not portions_marked(doc):
        return doc, []
    scheme = doc.style.scheme
    resolver = _Resolver(scheme)
    lowest = Marking(scheme.levels[0].name)
    holder = _Holder(lowest, None, doc.pos)
    if doc.classification is not None:
        at = ceiling_pos or doc.pos
        ceiling = resolver.checked(Marking(doc.classification.strip(), pos=at))
        if ceiling is not None:
            # The ceiling bounds every level, but hands down only the lowest: unmarked text is not raised.
            holder = _Holder(lowest, "the briefing's classification", at, ceiling.level)
    summary = resolver.blocks(doc.summary, holder)
    sections = tuple(resolver.section(section, holder) for section in doc.sections)
    marked = replace(doc, summary=summary, sections=sections)
    return replace(marked, classification=banner(marked)), [*resolver.problems, *upward_references(marked)]


_HELD = {Section: ("content", "sections"), Callout: ("content",), ListBlock: ("items",)}
"""The fields of a portion that hold other portions, checked on their own. Only these: a note's
``content`` is the text of the portion the note stands in."""
_NO_TEXT = frozenset({"marking", "pos", "style"})


def _references(portion: object) -> Iterator[CrossRef]:
    """The cross-references in a portion's own text: its text, heading, caption, cells, credit and notes."""
    held = _HELD.get(type(portion), ())
    for f in fields(portion):  # type: ignore[arg-type]
        if f.name not in held and f.name not in _NO_TEXT:
            yield from (node for node in descend(getattr(portion, f.name), _NO_TEXT) if isinstance(node, CrossRef))


def upward_references(doc: Briefing) -> list[Problem]:
    """A portion that points at something its own readers may not read (a higher level, a caveat it lacks),
    or at a callout or list of which they may read nothing (the variant for them leaves it out)."""
    scheme = doc.style.scheme
    portions = every_portion(doc)
    targets = {getattr(p, "id", None): p for p in portions if getattr(p, "id", None)}
    found = []
    for portion in portions:
        marking = _own(portion)
        if marking is None:
            continue
        for aim in dict.fromkeys(ref.target for ref in _references(portion)):  # each target once a portion
            target = targets.get(aim)
            aimed = _own(target) if target is not None else None
            if aimed is None or kept_for(scheme, marking, target):
                continue
            what = _NAMES.get(type(portion), type(portion).__name__.lower())
            at = getattr(target, "pos", None)
            line = f" (line {at.line})" if at is not None and at.line else ""
            if scheme.allows(marking.level, marking.caveats, aimed.level, aimed.caveats):
                kind = _NAMES.get(type(target), "block")
                held = f"a {kind} of which they may read nothing (what it holds is marked higher)"
                judged = f"refers to '{aim}'{line}, {held}"
            else:
                judged = f"refers to '{aim}'{line}, marked {scheme.banner(aimed.level, aimed.caveats)}"
            found.append(
                Problem(
                    getattr(portion, "pos", doc.pos),
                    f"this {what}, marked {scheme.banner(marking.level, marking.caveats)}, {judged}: its readers "
                    f"may not read what it points at; mark this {what} at least as high, or refer to something else",
                )
            )
    return found


def left_out_references(doc: Briefing, variant: Briefing) -> list[Problem]:
    """A portion of ``variant`` that refers to something of ``doc`` the variant left out. The checks above
    refuse such a spec; this one stands behind them, so that a reference never reaches a reader as its id."""
    ids = {getattr(p, "id", None) for p in every_portion(doc)} - {None}
    kept = {getattr(p, "id", None) for p in every_portion(variant)}
    found = []
    for portion in every_portion(variant):
        for aim in dict.fromkeys(ref.target for ref in _references(portion)):
            if aim in ids and aim not in kept:
                what = _NAMES.get(type(portion), "block")
                found.append(
                    Problem(
                        getattr(portion, "pos", doc.pos),
                        f"this {what} refers to '{aim}', which the {variant.classification} variant leaves out",
                    )
                )
    return found


def kept_for(scheme: Scheme, reader: Marking, node: object) -> bool:
    """Whether the variant for readers of ``reader``'s level and caveats keeps ``node``: they may read it, and,
    for a callout or a list, something it holds (the variant leaves out a callout or list it empties)."""
    marking = _own(node)
    if marking is not None and not scheme.allows(reader.level, reader.caveats, marking.level, marking.caveats):
        return False
    if isinstance(node, Callout):
        return any(kept_for(scheme, reader, block) for block in node.content)
    if isinstance(node, ListBlock):
        return any(kept_for(scheme, reader, item) for item in node.items)
    return True


def banner(doc: Briefing) -> str | None:
    """The highest level present, every restrictive caveat present, and the release common to every portion
    (none when any portion is not releasable), as the scheme writes a banner."""
    scheme = doc.style.scheme
    found = [m for m in (_own(node) for node in every_portion(doc)) if m is not None]
    if not found:
        return doc.classification
    level = max((m.level for m in found), key=scheme.rank)
    caveats = {c for m in found for c in scheme.restrictive(m.caveats)}
    common = frozenset.intersection(*(scheme.released_to(m.caveats) for m in found))
    release = "" if common <= {scheme.home} else _release(scheme, common)
    return scheme.separator.join(filter(None, (scheme.banner(level, scheme.ordered(caveats)), release)))


def _release(scheme: Scheme, nations: frozenset[str]) -> str:
    """A release marking's words for ``nations``: the scheme's own when it has one, else written out."""
    named = next((c.name for c in scheme.caveats if c.releases == nations), None)
    others = sorted(nations - {scheme.home})
    return named or "REL TO " + ", ".join([scheme.home, *others])


def _did_you_mean(word: str, known: list[str]) -> str:
    # Imported here: the reading package reads values through the layout, whose marks need this module.
    from ..reading.reader import did_you_mean

    return did_you_mean(word, known)
