"""The variant of a pack for readers of one clearance: withheld portions removed from the model before layout.

Filtering the model, not the files, is what keeps a withheld portion out of every file: numbering,
contents, bookmarks, sheets, charts and the banner are then the variant's own, and no writer ever
sees the withheld text. What was withheld is kept only as positions (for ``--dry-run``) and as the
words a read-back check looks for in the variant's files (``leaks``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import Problem, SpecError
from ..layout.text import meta_line
from ..model import NOWHERE, Briefing, Callout, Chart, Citation, ListBlock, Marking, Pos, Rows, Section, Table, Variant
from ..reading.reader import did_you_mean
from .nodes import descend
from .portions import banner, left_out_references, portions_marked


@dataclass(frozen=True)
class Withheld:
    """What a variant left out, never shown as text: where each portion was, and the words to look for."""

    positions: tuple[Pos, ...]
    """Where each withheld portion was written, in reading order."""
    words: frozenset[str]
    """Words of the withheld portions that the variant's own text does not hold: none may be in its files."""
    variables: frozenset[str] = frozenset()
    """The variables the variant does not define: their values are words of withheld portions."""


@dataclass(frozen=True)
class Cleared:
    """A variant: the briefing its readers may read, and what was withheld from it."""

    doc: Briefing
    """The variant's briefing: only the portions its readers may read; its banner computed from them."""
    withheld: Withheld
    """What was left out."""


OPTION = Pos("--clearance", 0, 0)
"""Where a clearance given on the command line was written."""


def clearance_of(doc: Briefing, level: str, caveats: Iterable[str] = (), pos: Pos = OPTION) -> Variant:
    """A clearance named by its level and caveats, checked against the pack's scheme, in the scheme's words."""
    scheme = doc.style.scheme
    found = scheme.level(level.strip())
    problems = []
    if found is None:
        hint = did_you_mean(level, scheme.words())
        problems.append(Problem(pos, f"'{level}' is not a level of the {scheme.name} marking scheme{hint}"))
    names = []
    for word in caveats:
        caveat = scheme.caveat(word.strip())
        if caveat is None:
            hint = did_you_mean(word, [c.name for c in scheme.caveats])
            problems.append(Problem(pos, f"'{word}' is not a caveat of the {scheme.name} marking scheme{hint}"))
        else:
            names.append(caveat.name)
    clash = scheme.contradiction(tuple(names))
    if clash is not None:
        problems.append(Problem(pos, f"readers cannot hold {' and '.join(scheme.ordered(set(names)))}: {clash}"))
    if problems or found is None:
        raise SpecError(problems)
    return Variant(found.name, scheme.ordered(set(names)))


def cleared(doc: Briefing, clearance: Variant) -> Cleared:
    """The variant of ``doc`` for readers of ``clearance``: the portions at or below its level whose caveats
    they meet. A pack that marks no portions is one portion at its classification."""
    scheme = doc.style.scheme
    rank = scheme.rank(clearance.clearance)

    def may(marking: Marking | None) -> bool:
        if marking is None:
            return True
        return scheme.allows(clearance.clearance, clearance.caveats, marking.level, marking.caveats)

    if not portions_marked(doc):
        whole = doc.classification and scheme.level(doc.classification.strip())
        if not scheme.released_to(()) >= scheme.released_to(clearance.caveats):
            raise SpecError(
                [
                    Problem(
                        doc.pos,
                        f"the briefing marks no portion releasable: nothing in it may go to readers of "
                        f"{_banner_named(clearance, scheme.separator)}",
                    )
                ]
            )
        if whole and scheme.rank(whole.name) > rank:
            raise SpecError(
                [
                    Problem(
                        doc.pos,
                        f"the whole briefing is {whole.name}: nothing in it may be read at {clearance.clearance}",
                    )
                ]
            )
        return Cleared(replace(doc, variant=replace(clearance, withheld=0)), Withheld((), frozenset()))
    sift = _Sift(may)
    summary = sift.blocks(doc.summary)
    sections = sift.sections(doc.sections)
    if not sections:
        raise SpecError(
            [
                Problem(
                    doc.pos, f"no section of the briefing may be read at {_banner_named(clearance, scheme.separator)}"
                )
            ]
        )
    kept = replace(doc, summary=summary, sections=sections)
    # A work cited only by withheld text is withheld with it: the sources list names what is cited.
    cited = set(_cited(kept))
    dropped = [ref for ref in doc.references if ref.key not in cited]
    sift.texts.extend(text for ref in dropped for text in _texts(ref.csl))
    kept = replace(kept, references=tuple(ref for ref in doc.references if ref.key in cited))
    # The data files only withheld tables and charts were read from are no input of the variant, nor are
    # the spec files (includes, bases) only withheld portions were written in; the others are named
    # without their digests.
    unread = set(sift.data_files) - set(_data_files(kept))
    withheld_in, kept_in = _written_in(sift.nodes), _written_in([kept])
    unread |= {path for path in doc.sources if _named(path, withheld_in) and not _named(path, kept_in)}
    kept = replace(kept, sources=tuple(path for path in doc.sources if path not in unread))
    # Any spec file may name what is withheld (an include's name, a base's section): none is digested.
    sealed = tuple(path for path in kept.sources if _named(path, withheld_in | kept_in)) if sift.nodes else ()
    variant = replace(clearance, withheld=len(sift.positions), sealed=sealed)
    kept = replace(kept, classification=banner(kept), variant=variant)
    dangling = left_out_references(doc, kept)
    if dangling:
        raise SpecError(dangling)
    words = _tokens(sift.texts) - _tokens([*_texts(kept), meta_line(kept)]) - furniture_words()
    notices = tuple(n for n in kept.notices if not _tokens([n[1]]) & words)
    hidden = frozenset(k for k, v in kept.variables.items() if _tokens([str(v)]) & words)
    kept = replace(kept, notices=notices, variables={k: v for k, v in kept.variables.items() if k not in hidden})
    return Cleared(kept, Withheld(tuple(sift.positions), frozenset(words), hidden))


def variants_of(doc: Briefing) -> dict[str, Variant]:
    """The variants a writer may choose between, by their names ("SECRET UK EYES ONLY"): each level of the
    scheme, alone and with each of its caveats and release markings; none for a pack that marks no portions."""
    if not portions_marked(doc):
        return {}
    scheme = doc.style.scheme
    found = {}
    for level in scheme.levels:
        for caveats in ((), *((c.name,) for c in scheme.caveats)):
            found[scheme.banner(level.name, caveats)] = Variant(level.name, caveats)
    return found


def variant_stem(stem: str, variant: Variant | None) -> str:
    """The file name of a variant's pack: the spec's, then its clearance ("weekly.official-sensitive")."""
    if variant is None:
        return stem
    words = " ".join((variant.clearance, *variant.caveats)).casefold()
    return f"{stem}." + "-".join(re.findall(r"[a-z0-9]+", words))


def _written_in(nodes: Iterable[object]) -> set[str]:
    """The spec files (as positions name them: the innermost of a chain of includes and bases) the nodes
    were written in."""
    found = set()
    for node in nodes:
        for part in descend(node, _NO_POSITIONS):
            if isinstance(part, Pos) and part.line:
                found.add(re.split(r" (?:includes|extends) ", part.file)[-1].split(":")[0])
    return found


_NO_POSITIONS = frozenset({"style", "references", "variables", "notices"})


def _named(path: Path, files: set[str]) -> bool:
    """Whether a position names ``path``: its file name as written, relative to where it was read."""
    return any(path.as_posix().endswith("/" + Path(f).as_posix().lstrip("./")) or path == Path(f) for f in files)


def _banner_named(clearance: Variant, separator: str) -> str:
    return separator.join((clearance.clearance, *clearance.caveats))


class _Sift:
    """Walks the model keeping what may be read; collects what may not (positions and text)."""

    def __init__(self, may: Callable[[Marking | None], bool]) -> None:
        self.may = may
        self.positions: list[Pos] = []
        self.nodes: list[object] = []
        self.texts: list[str] = []
        self.data_files: list[Path] = []

    def out(self, node: object) -> None:
        self.nodes.append(node)
        self.positions.append(getattr(node, "pos", NOWHERE))
        self.texts.extend(_texts(node))
        self.data_files.extend(_data_files(node))

    def sections(self, sections: tuple[Section, ...]) -> tuple[Section, ...]:
        kept = []
        for section in sections:
            if not self.may(section.marking):
                self.out(section)
                continue
            kept.append(
                replace(section, content=self.blocks(section.content), sections=self.sections(section.sections))
            )
        return tuple(kept)

    def blocks(self, blocks: tuple) -> tuple:  # type: ignore[type-arg]
        kept = []
        for block in blocks:
            if not self.may(getattr(block, "marking", None)):
                self.out(block)
                continue
            if isinstance(block, ListBlock):
                items = []
                for item in block.items:
                    if self.may(item.marking):
                        items.append(item)
                    else:
                        self.out(item)
                if not items:
                    continue
                block = replace(block, items=tuple(items))
            if isinstance(block, Callout):
                content = self.blocks(block.content)
                if not content:
                    self.texts.append(block.title)
                    continue
                block = replace(block, content=content)
            kept.append(block)
        return tuple(kept)


_NOT_SHOWN = frozenset({"pos", "style", "sources", "path", "variables", "notices", "marking", "data_files"})
"""Fields that are not a briefing's text: a variable's value counts only where the text uses it, and a
marking's words are the scheme's, which the banner shows in every variant."""


def _data_files(node: object) -> Iterator[Path]:
    """The data files of the tables and charts a node holds."""
    for part in descend(node, _NO_TABLES):
        if isinstance(part, (Table, Chart)):
            yield from part.data_files


def _cited(node: object) -> Iterator[str]:
    """The keys of the works a text cites, its notes' citations too."""
    for part in descend(node, _NOT_CITING):
        if isinstance(part, Citation):
            yield from (cite.key for cite in part.cites)


_NO_TABLES = frozenset({"pos", "style", "marking", "references", "variables", "notices", "text", "heading"})
"""Fields that hold no table or chart."""
_NOT_CITING = frozenset({"pos", "style", "references", "marking", "variables", "notices"})
"""Fields that cite nothing (the works themselves are ``references``)."""
_WORD = re.compile(r"\w+")


_LABELS = "Briefing Narrative Notes Sources Source Contents Table Figure Page Total Attached"


def furniture_words() -> frozenset[str]:
    """Words the pack's own furniture prints in any variant, beyond its labels (the mail's "Attached", a
    sheet's name): a withheld portion that uses one of them is not given away by it. The read-back check
    measures the rest of the furniture in the files themselves (``furniture``)."""
    return frozenset(_tokens([_LABELS]))


def _tokens(texts: Iterable[str]) -> set[str]:
    """The words that could give a text away: four letters or more, or numbers of five digits or more."""
    from .leaks import normalised  # the read-back check's module: a build that makes no variant needs neither

    found = set()
    for text in texts:
        for word in _WORD.findall(normalised(text)):
            if (len(word) >= 4 and not word.isdigit()) or len(word) >= 5:
                found.add(word)
    return found


def words_of(texts: Iterable[str]) -> set[str]:
    """The words of texts as the read-back check compares them."""
    return _tokens(texts)


def _texts(node: object) -> Iterator[str]:
    """Every text a node holds: its strings, its spans' text, its cells' values, its numbers and dates."""
    for part in descend(node, _NOT_SHOWN):
        if isinstance(part, str):
            yield part
        elif isinstance(part, Rows):
            yield from (str(value) for column in part.columns for value in column if value is not None)
        elif isinstance(part, (int, float)) or hasattr(part, "isoformat"):
            yield str(part)
