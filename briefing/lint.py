"""The prose check: slips that embarrass a pack once it has gone out."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import NamedTuple

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .layout import Heading, LaidDocument, Place, SourceEntry, laid_out
from .model import Briefing, Chart, Image, Inline, PageBreak, Paragraph, Pos, Table, plain
from .reading.language import quote_marks
from .walk import walk

_ABBREVIATIONS = {"e.g.", "i.e.", "etc.", "vs.", "cf.", "approx.", "no.", "st.", "dr.", "mr.", "mrs.", "ms."}
_SENTENCE_END = re.compile(r"[.!?][\"”’)]*\s+")
_LETTER = r"[^\W\d_]"
"""A letter of any alphabet (é, ß, Ö), as Python's Unicode classes read one."""
_WORD = re.compile(rf"{_LETTER}(?:{_LETTER}|['’])*")
_AFTER = rf"(?<={_LETTER}|[)\]”’»›“‘\"])"
_NO_SPACE = re.compile(rf"{_AFTER}([,;:])(?={_LETTER})|{_AFTER}(\.)(?={_LETTER})")
"""A comma, semicolon or colon between a word (or a closing bracket or quote) and the next word, or a full stop
before a capital; which letters count is :func:`_no_space`'s to decide (``U.S.A`` is no slip)."""
_REPEATED_BY_GRAMMAR = ("nous", "vous", "die", "der", "das", "den", "dem")
"""Words the grammar repeats: French reflexives (``nous nous sommes``), German relatives (``die die Zeitung``)."""
_DOUBLED = re.compile(
    rf"\b(?!(?:{'|'.join(_REPEATED_BY_GRAMMAR)})\s)({_LETTER}+)\s+\1\b(?!['’]?{_LETTER})", re.IGNORECASE
)
_PAIRS = (("(", ")"), ("[", "]"))
_TYPESET = {"’": "'", "‘": "'", "‚": "'", "‹": "'", "›": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'}
_TYPESET_RUNS = {"–": "--", "—": "---", "…": "..."}
"""What the typographer made of what the spec's author typed: a word is found in the spec as either."""


@dataclass(frozen=True)
class Finding:
    """One slip found in a spec."""

    pos: Pos
    """Where it stands in the spec: the word itself, or the start of the text holding it when the word cannot be
    found there as written (a value filled in by a variable, an escape)."""
    rule: str
    """Short name of the rule: lower-case-start, missing-space, doubled-word, misspelling, unbalanced, table-title;
    and the accessibility check's (``briefing.accessibility``): alt, heading-level, table-header, link-text,
    contrast, language."""
    message: str
    """What is wrong, quoting the text."""

    def __str__(self) -> str:
        return f"{self.pos}: {self.rule}: {self.message}"


def lint(doc: Briefing | LaidDocument) -> list[Finding]:
    """Every slip in a briefing's text, in reading order.

    The check walks the laid-out document as the writers do: a block it has no rule for is
    walked into, so the text of any block that holds paragraphs or lists is read.
    """
    laid = laid_out(doc)
    checker = _Checker(laid.doc.language)
    checker.found.extend(_text(laid.doc.pos, laid.doc.title, True, checker.rules))
    walk(laid, checker, "lint")
    return checker.found


class _Rules(NamedTuple):
    """What the word rules check in a briefing's language."""

    pairs: tuple[tuple[str, str], ...]
    """What opens and closes in the briefing's language, and should be found as often."""
    spelling: bool
    """Whether misspellings are looked for: the dictionary is of English words ("reste", "als" are French
    and German words)."""


def _english(language: str) -> bool:
    return language.split("-")[0].lower() == "en"


class _Checker:
    """The walker's handlers: each node's text checked where it was written."""

    def __init__(self, language: str) -> None:
        self.found: list[Finding] = []
        self.rules = _Rules(_PAIRS + _quote_pair(language), _english(language))

    def visit_heading(self, node: Heading, place: Place) -> None:
        if not node.summary:  # the summary's heading is the pack's own word
            self.found.extend(_inline(node.pos, node.text, True, self.rules))

    def visit_paragraph(self, node: Paragraph, place: Place) -> None:
        # Also a callout's title and paragraphs, walked into; a list item reads "Lead: text", after which the
        # text may go on in lower case.
        self.found.extend(_inline(node.pos, node.text, True, self.rules))

    def visit_source_entry(self, node: SourceEntry, place: Place) -> None:
        """A source as the citation style words it ("Niger: humanitarian access snapshot. OCHA."): not the
        author's prose, and not theirs to mend."""

    def visit_table(self, node: Table, place: Place) -> None:
        if not node.title:
            self.found.append(Finding(node.pos, "table-title", "a table without a title"))

    def visit_chart(self, node: Chart, place: Place) -> None:
        self.found.extend(_text(node.pos, node.title, False, self.rules))
        if node.caption:
            self.found.extend(_inline(node.pos, node.caption, True, self.rules))

    def visit_image(self, node: Image, place: Place) -> None:
        if node.caption:
            self.found.extend(_inline(node.pos, node.caption, True, self.rules))

    def visit_page_break(self, node: PageBreak, place: Place) -> None:
        pass  # no text


def _quote_pair(language: str) -> tuple[tuple[str, str], ...]:
    """The double quotation marks of a language, when its opening and closing ones differ (“ ”, „ “, « »)."""
    opening, closing = (mark.strip("\u00a0") for mark in quote_marks(language)[:2])
    return ((opening, closing),) if opening != closing else ()


def _inline(pos: Pos, text: Inline, sentence: bool, rules: _Rules) -> Iterator[Finding]:
    yield from _text(pos, plain(text), sentence, rules)


def _text(pos: Pos, text: str, sentence: bool, rules: _Rules) -> list[Finding]:
    """A text's findings in the order they stand in the spec."""
    return sorted(_findings(pos, text, sentence, rules), key=lambda f: (f.pos.line, f.pos.col))


def _findings(pos: Pos, text: str, sentence: bool, rules: _Rules) -> Iterator[Finding]:
    if sentence:
        yield from _sentence_starts(pos, text)
    for match in _NO_SPACE.finditer(text):
        if _no_space(text, match) and not _in_link_or_number(text, match.start()):
            yield Finding(
                word_position(pos, text, match.start() - len(_word_before(text, match.start())), match.end()),
                "missing-space",
                f"no space after '{match.group(1) or match.group(2)}' in {_quote(text, match.start())}",
            )
    for match in _DOUBLED.finditer(text):
        yield Finding(
            word_position(pos, text, match.start(), match.end()),
            "doubled-word",
            f"'{match.group(1)} {match.group(1)}' in {_quote(text, match.start())}",
        )
    for match in _WORD.finditer(text) if rules.spelling else ():
        fixes = misspellings().get(match.group().lower().replace("’", "'"))
        if fixes:
            yield Finding(
                word_position(pos, text, match.start(), match.end()),
                "misspelling",
                f"'{match.group()}' should be '{' or '.join(fixes)}'",
            )
    yield from _balance(pos, text, rules.pairs)


def _sentence_starts(pos: Pos, text: str) -> Iterator[Finding]:
    starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text) if not _abbreviation(text, m.start())]
    for start in starts:
        word = _WORD.match(text, start)
        if word and word.group()[0].islower():
            yield Finding(
                word_position(pos, text, word.start(), word.end()),
                "lower-case-start",
                f"sentence starts in lower case: {_quote(text, start)}",
            )


def _no_space(text: str, match: re.Match[str]) -> bool:
    """Whether a mark ``_NO_SPACE`` found lacks its space: after a lower-case letter or a closing mark, and for a
    full stop, before a capital (``aid.The``, ``part.Élise``; not ``U.S.A`` nor ``e.g``)."""
    before, after = text[match.start() - 1], text[match.end()]
    if before.isalpha() and not before.islower():
        return False
    return match.group(2) is None or after.isupper()


def _word_before(text: str, at: int) -> str:
    """The word a punctuation mark at ``at`` follows ("bad" in "bad,ok"), where a finding about it points."""
    found = re.search(r"[^\s]*$", text[:at])
    return found.group() if found else ""


def word_position(pos: Pos, text: str, start: int, end: int) -> Pos:
    """Where the words ``text[start:end]`` stand in the spec file: the text's own position when they cannot be found.

    The text is found from where its block starts: the words as written, any run of spaces or a
    line break between them (a folded paragraph), the same occurrence as in the text.
    """
    words = re.sub("(?<=[«‹])\u00a0|\u00a0(?=[»›])", "", text[start:end]).split()
    source = _source(pos.file)
    if not words or source is None:
        return pos
    pattern = re.compile(r"\s+".join(_as_typed(w) for w in words))
    nth = len(pattern.findall(text[:start]))  # occurrences before this one, in the text itself
    lines = source.splitlines(keepends=True)
    if not 0 < pos.line <= len(lines):
        return pos
    offset = sum(len(line) for line in lines[: pos.line - 1]) + pos.col - 1
    for index, match in enumerate(pattern.finditer(source, offset)):
        if index == nth:
            line = source.count("\n", 0, match.start()) + 1
            return Pos(pos.file, line, match.start() - (source.rfind("\n", 0, match.start()) + 1) + 1)
        if index > nth:
            break
    return pos


def _as_typed(word: str) -> str:
    """A pattern for a word as its author may have typed it: straight quotes and hyphens where the
    typographer set quotation marks and dashes (“junta’s” was typed "junta's" or as it reads)."""
    pattern = []
    for char in word:
        typed = _TYPESET.get(char) or _TYPESET_RUNS.get(char)
        pattern.append(f"(?:{re.escape(char)}|{re.escape(typed)})" if typed else re.escape(char))
    return "".join(pattern)


@cache
def _source(name: str) -> str | None:
    """A spec file's text, read once for every finding in it; None for a name that is no file (a base's chain)."""
    try:
        return Path(name).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def _balance(pos: Pos, text: str, pairs: tuple[tuple[str, str], ...]) -> Iterator[Finding]:
    for opening, closing in pairs:
        if text.count(opening) != text.count(closing):
            yield Finding(pos, "unbalanced", f"{text.count(opening)} '{opening}' but {text.count(closing)} '{closing}'")
    if text.count('"') % 2:
        yield Finding(pos, "unbalanced", "an odd number of '\"' quotes")


def _abbreviation(text: str, dot: int) -> bool:
    before = text[: dot + 1].rsplit(None, 1)[-1].lower().lstrip("([“\"'")
    return before in _ABBREVIATIONS


def _in_link_or_number(text: str, at: int) -> bool:
    left = text.rfind(" ", 0, at) + 1
    right = text.find(" ", at)
    token = text[left : right if right >= 0 else len(text)]
    return "://" in token or "@" in token or "www." in token


def _quote(text: str, at: int) -> str:
    start = max(text.rfind(" ", 0, max(at - 12, 0)) + 1, 0)
    end = text.find(" ", at + 16)
    snippet = text[start : end if end >= 0 else len(text)]
    return f"'{snippet}'"


@cache
def misspellings() -> dict[str, list[str]]:
    """Common misspellings and their corrections, from codespell's dictionary."""
    path = files("codespell_lib") / "data" / "dictionary.txt"
    table: dict[str, list[str]] = {}
    for line in Path(str(path)).read_text(encoding="utf-8").splitlines():
        wrong, _, right = line.partition("->")
        choices = [c.strip() for c in right.split(",") if c.strip()]
        if len(choices) > 1 and not right.rstrip().endswith(","):
            choices = choices[:-1]  # the last part is a reason, not a correction
        if choices:
            table[wrong.strip().lower()] = choices
    return table


def fix_file(path: Path) -> int:
    """Apply the safe, mechanical fixes to a spec file's strings; returns how many were made.

    Only the spec's own text values change (never keys, never other files):
    a missing space after punctuation, a doubled word, a misspelling with a
    single correction. Sentence case and unbalanced brackets need a person.
    """
    source = path.read_text(encoding="utf-8-sig")
    loader = yaml.SafeLoader(source)
    try:
        root = loader.get_single_node()
    finally:
        loader.dispose()
    edits = []
    spelling = _english(_language(root))
    for node in _string_values(root):
        start, end = node.start_mark.index, node.end_mark.index
        fixed, count = _fix(source[start:end], spelling)
        if count:
            edits.append((start, end, fixed, count))
    for start, end, fixed, _ in sorted(edits, reverse=True):
        source = source[:start] + fixed + source[end:]
    if edits:
        temp = path.with_name(f".{path.name}.fix.tmp")
        temp.write_text(source, encoding="utf-8")
        os.replace(temp, path)
    return sum(count for *_, count in edits)


def _language(root: Node | None) -> str:
    """The spec's ``language:``, English when it gives none."""
    if isinstance(root, MappingNode):
        for key, value in root.value:
            if key.value == "language" and isinstance(value, ScalarNode):
                return str(value.value)
    return "en"


def _string_values(node: Node | None) -> Iterator[ScalarNode]:
    if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:str":
        yield node
    elif isinstance(node, SequenceNode):
        for item in node.value:
            yield from _string_values(item)
    elif isinstance(node, MappingNode):
        for _, value in node.value:
            yield from _string_values(value)


def _fix(text: str, spelling: bool = True) -> tuple[str, int]:
    count = 0

    def space(match: re.Match[str]) -> str:
        nonlocal count
        if not _no_space(text, match) or _in_link_or_number(text, match.start()):
            return match.group()
        count += 1
        return match.group() + " "

    def single(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return match.group(1)

    def respell(match: re.Match[str]) -> str:
        nonlocal count
        word = match.group()
        fixes = misspellings().get(word.lower(), [])
        if len(fixes) != 1:
            return word
        count += 1
        return fixes[0].capitalize() if word[0].isupper() else fixes[0]

    text = _NO_SPACE.sub(space, text)
    text = _DOUBLED.sub(single, text)
    if spelling:
        text = _WORD.sub(respell, text)
    return text, count
