"""The spec contract: YAML nodes checked and turned into a Briefing."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .. import gc_pause
from ..errors import Problem, SpecError
from ..limits import Limits, using
from ..markings.portions import resolve
from ..model import (
    DEFAULT_CITATION_STYLE,
    NOTE_STYLES,
    TYPOGRAPHIES,
    Block,
    Briefing,
    ListBlock,
    NoteStyle,
    Paragraph,
    Section,
    Typography,
    plain,
)
from . import apparatus, language, shapes
from .blocks import blocks, inline, items
from .markings import marking
from .reader import Reader, kind_of
from .resolve import Resolved, resolve_file, resolve_text
from .style_files import Layer, merge, read_style
from .variables import briefing_date, builtins, date_given, render, spec_variables

T = TypeVar("T")

MAX_SECTION_DEPTH = 9
"""Word has heading styles down to Heading 9."""


@dataclass(frozen=True)
class Options:
    """What the command line adds to a spec."""

    base_style: Layer = field(default_factory=dict)
    """A style file's values; the spec's own ``style:`` wins over them."""
    style_overrides: Layer = field(default_factory=dict)
    """Values that win over the spec's style (a ``--docx-template``)."""
    variables: Mapping[str, Any] = field(default_factory=dict)
    """Variables from ``--vars`` and ``--set``; they win over the spec's ``vars:``."""
    allowed_paths: tuple[Path, ...] = ()
    """Folders besides the spec's own that the files it names may lie in (``--allow-path``)."""
    limits: Limits = field(default_factory=Limits)
    """What reading the spec may cost (``--limits``)."""


@gc_pause.paused()
def load(path: str | os.PathLike[str], options: Options | None = None) -> Briefing:
    """Load and check a spec file with its bases and includes; raises SpecError listing every problem."""
    options = options or Options()
    with using(options.limits):
        return _load(_resolve(path, options), Path(path).resolve().parent, options)


@gc_pause.paused()
def loads(text: str, file: str = "<spec>", base_dir: Path | None = None, options: Options | None = None) -> Briefing:
    """Load a spec from its text; ``base_dir`` anchors relative paths."""
    folder = (base_dir or Path.cwd()).resolve()
    options = options or Options()
    with using(options.limits):
        return _load(resolve_text(text, file, folder, options.allowed_paths), folder, options)


@gc_pause.paused()
def resolved_tree(path: str | os.PathLike[str], options: Options | None = None) -> Node:
    """A spec's node tree after bases, includes and variables: what will be built."""
    options = options or Options()
    with using(options.limits):
        reader, root, _ = _prepare(_resolve(path, options), Path(path).resolve().parent, options)
    if reader.problems:
        raise SpecError(reader.problems)
    return root


def _resolve(path: str | os.PathLike[str], options: Options) -> Resolved:
    return resolve_file(Path(path), os.fspath(path), options.allowed_paths)


def _prepare(resolved: Resolved, folder: Path, options: Options) -> tuple[Reader, Node, dict[str, Any]]:
    name = resolved.root.start_mark.name
    reader = Reader(name, folder, allowed=options.allowed_paths, folders=resolved.folders)
    root = date_given(resolved.root, options.variables)
    values = {**builtins(Path(name).stem), **spec_variables(reader, root)}
    values = {**values, **briefing_date(root, values), **options.variables}
    return reader, render(root, values, reader.problems), values


def _load(resolved: Resolved, folder: Path, options: Options) -> Briefing:
    reader, root, values = _prepare(resolved, folder, options)
    doc = _briefing(reader, root, (options.base_style, options.style_overrides))
    if reader.problems or doc is None:
        raise SpecError(reader.problems)
    sources = tuple(dict.fromkeys([*resolved.files, *reader.data_files]))
    notices = tuple((n.pos, n.message) for n in reader.notices)
    return dataclasses.replace(doc, variables=values, sources=sources, notices=notices)


def _briefing(r: Reader, node: Node, styles: tuple[Layer, Layer]) -> Briefing | None:
    if not isinstance(node, MappingNode):
        r.problem(node, f"expected a mapping of keys such as 'title' at the top level, got {kind_of(node)}")
        return None
    keys = r.shape(node, shapes.SPEC)
    if keys is None:
        return None
    # Every key is read before giving up, so that all problems are reported.
    tag = _opt(keys, "language", lambda n: language.language(r, n)) or "en"
    # The language's quotation marks are known before any text is read.
    typography = cast(Typography | None, _opt(keys, "typography", lambda n: r.choice(n, TYPOGRAPHIES))) or "smart"
    r.quotes = language.quote_marks(tag) if typography == "smart" else None
    title = _opt(keys, "title", lambda n: apparatus.words(r, n))
    # The labels are read before the sections, whose totals rows are labelled with them.
    r.callout_titles = language.callout_titles(tag)
    words = language.language_labels(tag)
    r.labels = _opt(keys, "labels", lambda n: language.labels(r, n, words)) or words
    references = _opt(keys, "sources", lambda n: apparatus.sources(r, n))
    citation_style = _opt(keys, "citation_style", lambda n: apparatus.citation_style(r, n))
    note_style = _opt(keys, "note_style", lambda n: r.choice(n, NOTE_STYLES))
    heard = len(r.problems)
    style = merge(styles[0], read_style(r, keys["style"]) if "style" in keys else {}, styles[1])
    style_read = len(r.problems) == heard
    briefing = Briefing(
        title=title or "",
        subtitle=_opt(keys, "subtitle", lambda n: apparatus.words(r, n)),
        source=_opt(keys, "source", lambda n: apparatus.words(r, n)),
        date=_opt(keys, "date", r.date),
        author=_opt(keys, "author", lambda n: apparatus.words(r, n)),
        classification=_opt(keys, "classification", r.text),
        summary=_summary(r, keys["summary"]) if "summary" in keys else (),
        language=tag,
        direction=_opt(keys, "direction", lambda n: language.direction(r, n)) or language.natural_direction(tag),
        labels=r.labels,
        sections=_sections(r, keys["sections"], 1) if "sections" in keys else (),
        style=style,
        references=references or (),
        citation_style=citation_style or DEFAULT_CITATION_STYLE,
        note_style=cast(NoteStyle, note_style or "footnotes"),
        typography=typography,
        pos=r.pos(node),
    )
    if references is not None or "sources" not in keys:
        apparatus.check(r, briefing.references, "sources" in keys)
    if references and ("citation_style" not in keys or citation_style is not None):
        apparatus.worded(r, references, briefing.citation_style)
    if "sections_mode" in keys:
        r.choice(keys["sections_mode"], ("merge", "replace"))
    if "sections" in keys and keys["sections"].value == []:
        r.problem(keys["sections"], "'sections' needs at least one section")
    # Portions are checked against the scheme once the style, which names it, is read (and read well:
    # a scheme given wrongly would make every marking look wrong).
    if style_read:
        briefing, found = resolve(briefing, r.pos(keys["classification"]) if "classification" in keys else None)
        r.problems.extend(found)
    return briefing if title is not None else None


def _opt(keys: dict[str, Node], key: str, read: Callable[[Node], T | None]) -> T | None:
    """The value of an optional key read with ``read``, or None when absent."""
    return read(keys[key]) if key in keys else None


def _summary(r: Reader, node: Node) -> tuple[Block, ...]:
    if isinstance(node, ScalarNode):
        text = inline(r, node)
        return () if text is None else (Paragraph(text, pos=r.pos(node)),)
    found = items(r, node)
    return () if found is None else (ListBlock(found, pos=r.pos(node)),)


def _sections(r: Reader, node: Node, level: int) -> tuple[Section, ...]:
    nodes = r.sequence(node, "a list of sections")
    if nodes is None:
        return ()
    if level > MAX_SECTION_DEPTH:
        r.problem(node, f"sections nest deeper than {MAX_SECTION_DEPTH} levels")
        return ()
    return tuple(s for s in (_section(r, n, level) for n in nodes) if s is not None)


def _section(r: Reader, node: Node, level: int) -> Section | None:
    keys = r.shape(node, shapes.SECTION)
    if keys is None:
        return None
    if "place" in keys:
        r.choice(keys["place"], ("end",))
    for verb in ("after", "before"):
        if verb in keys:
            r.text(keys[verb])
    heading = inline(r, keys["heading"]) if "heading" in keys else None
    ident = apparatus.read_id(r, keys["id"], "sec") if "id" in keys else None
    content = blocks(r, keys["content"]) if "content" in keys else ()
    subsections = _sections(r, keys["sections"], level + 1) if "sections" in keys else ()
    if heading is None:
        return None
    listed = keys.get("content")
    if isinstance(listed, SequenceNode) and not listed.value and not subsections:
        # content: [] says there is to be content; a heading alone may stand for a section to come.
        r.notices.append(Problem(r.pos(listed), f"the section '{plain(heading)}' is empty: nothing under its heading"))
    return Section(heading, content, subsections, ident, pos=r.pos(node), marking=marking(r, keys))
