"""Inline markup parsed into spans: ``**bold**``, ``*italic*``, ``[text](url)``, words in another
language ``[text]{lang=ar}``, and the apparatus of a briefing in pandoc's and Quarto's syntax: notes
``^[…]``, citations ``[@key, p. 4]``, ``[@a; @b]`` and ``@key``, cross-references ``@tbl-funding``."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import groupby
from typing import Any, cast

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore, smartquotes
from markdown_it.rules_inline import StateInline, backtick, emphasis
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from ..model import CROSSREF_KINDS, Citation, Cite, CrossRef, Inline, Note, Span
from .language import QuoteMarks

LINK_SCHEMES = ("http://", "https://", "mailto:")
"""Only these become links; any other target stays literal text."""

KEY = re.compile(r"[\w](?:[\w]|[:.#$%&\-+?<>~/](?=\w))*")
"""A citation key as pandoc reads one: letters, digits and _, with inner punctuation (``un:ocha-2026``),
never ending in a full stop or comma, so that ``@ocha2026.`` cites ``ocha2026``."""

_CITE_ITEM = re.compile(r"\s*(?P<prefix>(?:[^@;]*?\s)?)\s*-?@(?P<key>" + KEY.pattern + r")(?P<rest>[^;]*)")
"""One ``prefix @key, locator, suffix`` inside the brackets of a citation; the prefix ends in a space, as
pandoc reads it (``[me@home]`` is no citation)."""


def is_crossref(key: str) -> bool:
    """Whether ``@key`` points into the briefing (``@tbl-funding``) rather than at a source."""
    prefix, dash, _ = key.partition("-")
    return bool(dash) and prefix in CROSSREF_KINDS


ESCAPED = "@[]^"
"""Characters a backslash before them keeps as written, as pandoc's ``\\@`` does: ``\\@OCHA_Niger`` is no citation."""


def _escape(state: StateInline, silent: bool) -> bool:
    """``\\@``, ``\\[``, ``\\]``, ``\\^``: the character itself, not the start of a citation or note; a backslash
    before any other character stays as written (a spec's texts hold paths and the like)."""
    src, at = state.src, state.pos
    if src[at] != "\\" or at + 1 >= state.posMax or src[at + 1] not in ESCAPED:
        return False
    if not silent:
        state.pending += src[at + 1]
    state.pos = at + 2
    return True


def _unclosed_note(state: StateInline, silent: bool) -> bool:
    """A ``^[`` whose ``]`` is missing: noted as a mistake, and left to be read as words."""
    src, at = state.src, state.pos
    if not silent and src.startswith("^[", at) and state.md.helpers.parseLinkLabel(state, at + 1, False) < 0:
        raw = src[at : state.posMax]
        _flag(state, raw, f"the note '{raw[:30]}' is not closed: end it with ']'")
    return False


def _stars_only(state: StateInline, silent: bool) -> bool:
    # CommonMark also takes "_" for emphasis; in a spec it is a literal
    # character (snake_case names, file names), so only "*" is a marker.
    if state.src[state.pos] != "*":
        return False
    return emphasis.tokenize(state, silent)


_OPENED = re.compile(r"\[(?:[^\[\]@;]*\s)?-?@" + KEY.pattern)
"""The start of a bracketed citation: ``[@key`` or ``[see @key``."""

_KEY_IN_WORDS = re.compile(r"(?:^|\s)-?@(" + KEY.pattern + ")")
"""A key among the words after a citation's comma: ``[@a, @b]`` where ``;`` was meant."""


def _flag(state: StateInline, raw: str, message: str) -> None:
    """A mistake in the apparatus's syntax, found by its words (``parse`` finds where they stand)."""
    state.env.setdefault("mistakes", []).append((raw, message))


def _citation_mistakes(state: StateInline, raw: str, parts: list[re.Match[str] | None]) -> bool:
    """Whether a bracketed citation is written wrongly (an empty citation between semicolons, a key after
    a comma), each mistake noted; such a text is read as words, and the mistake reported."""
    wrong = False
    texts = raw[1:-1].split(";")
    for part, text in zip(parts, texts, strict=True):
        if part is None and not text.strip() and len(texts) > 1:
            _flag(state, raw, f"an empty citation in '{raw}': write a key after each ';', or leave the ';' out")
            wrong = True
        elif part is not None and (other := _KEY_IN_WORDS.search(part.group("rest"))):
            key = part.group("key")
            key, also = part.group("key"), other.group(1)
            _flag(
                state,
                raw,
                f"'@{also}' after a comma reads as words about '@{key}': separate citations with ';' "
                f"([@{key}; @{also}])",
            )
            wrong = True
    return wrong


def _bracketed(state: StateInline, silent: bool) -> bool:
    """``[@a, p. 4; see @b, chap. 2, for the data]``: a citation, each work with its
    prefix, locator and suffix (or, for one key such as ``tbl-x``, a cross-reference)."""
    src, start = state.src, state.pos
    if src[start] != "[":
        return False
    end = src.find("]", start)
    if end < 0:
        opened = _OPENED.match(src, start)
        if opened and not silent:
            _flag(state, opened.group(), f"the citation '{opened.group()}' is not closed: end it with ']'")
        return False
    if "@" not in src[start + 1 : end]:
        return False
    if src[end + 1 : end + 2] in ("(", "{") or "[" in src[start + 1 : end]:
        return False  # a link, words in another language, or no citation
    parts = [_CITE_ITEM.fullmatch(part) for part in src[start + 1 : end].split(";")]
    if not silent and _OPENED.match(src, start) and _citation_mistakes(state, src[start : end + 1], parts):
        state.pending += src[start : end + 1]  # kept as written, its mistake reported
        state.pos = end + 1
        return True
    if not parts or any(p is None or p.group("prefix").endswith(("\\",)) for p in parts):
        return False
    if not silent:
        quotes = _quotes(state.md)
        cites = [
            (typeset(p.group("prefix").strip(), quotes), p.group("key"), typeset(_locator(p), quotes))
            for p in parts
            if p
        ]
        raw = src[start : end + 1]
        if len(cites) == 1 and is_crossref(cites[0][1]) and not cites[0][0] and not cites[0][2]:
            token = state.push("crossref", "", 0)
            token.meta = {"target": cites[0][1], "start": start, "text": raw}
        else:
            token = state.push("citation", "", 0)
            token.meta = {"cites": cites, "narrative": False, "start": start, "text": raw}
        token.content = raw  # what the typographer sees beside a quote: "@ocha's" reads as a word
    state.pos = end + 1
    return True


def _locator(part: re.Match[str]) -> str:
    return part.group("rest").strip().lstrip(",").strip()


def _quotes(md: MarkdownIt) -> QuoteMarks | None:
    """The quote marks a parser sets, None when it keeps quotes as typed."""
    return cast(QuoteMarks, tuple(md.options["quotes"])) if md.options["typographer"] else None


def _narrative(state: StateInline, silent: bool) -> bool:
    """``@ocha2026`` in the run of a sentence, or a cross-reference ``@tbl-funding``; never an e-mail address."""
    src, start = state.src, state.pos
    if src[start] != "@" or (start > 0 and (src[start - 1].isalnum() or src[start - 1] in "_.-+")):
        return False
    match = KEY.match(src, start + 1)
    if match is None:
        return False
    if not silent:
        key, raw = match.group(), src[start : match.end()]
        if is_crossref(key):
            token = state.push("crossref", "", 0)
            token.meta = {"target": key, "start": start, "text": raw}
        else:
            token = state.push("citation", "", 0)
            token.meta = {"cites": [("", key, "")], "narrative": True, "start": start, "text": raw}
        token.content = raw
    state.pos = match.end()
    return True


_LANGUAGE = re.compile(r"\{lang=([A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*)\}")
"""What follows a bracketed text to give its language: ``{lang=ar}``, a BCP 47 tag."""


def _language_span(state: StateInline, silent: bool) -> bool:
    """``[text]{lang=ar}``: text in another language than the briefing's, for screen readers and spell-checkers.
    Brackets followed by anything else are left to the link rule, or kept as written."""
    if state.src[state.pos] != "[":
        return False
    end = state.md.helpers.parseLinkLabel(state, state.pos, False)
    found = _LANGUAGE.match(state.src, end + 1) if end >= 0 else None
    if found is None or found.end() > state.posMax:
        return False
    if not silent:
        limit = state.posMax
        state.pos, state.posMax = state.pos + 1, end
        state.push("lang_open", "span", 1).attrs["lang"] = found.group(1)
        state.md.inline.tokenize(state)
        state.push("lang_close", "span", -1)
        state.posMax = limit
    state.pos = found.end()
    return True


def _code_span(state: StateInline, silent: bool) -> bool:
    """```code```: kept exactly as written, backticks and all, untouched by the typographer and by the
    apparatus (a spec's code spans name files, columns and commands)."""
    start = state.pos
    if not backtick(state, silent):
        return False
    if not silent and state.tokens and state.tokens[-1].type == "code_inline":
        state.tokens[-1].content = state.src[start : state.pos]  # markdown-it trims spaces; a spec's text keeps them
    return True


_VERBATIM = re.compile(r"(?:https?://|mailto:)[^\s<>\"`\[\]]*[^\s<>\"`\[\].,;:!?'()]|\{\{.*?\}\}")
"""A web address or a ``{{ variable }}`` in a text: its dashes and dots stay as written ("a--b", "...")."""


_DASHES = (
    (re.compile(r"(?<!-)---(?!-)"), "\u2014"),
    (re.compile(r"(?<!-)--(?!-)"), "\u2013"),
    (re.compile(r"(?<!\.)\.\.\.(?!\.)"), "\u2026"),
)
"""Pandoc's typographer: ``---`` an em dash, ``--`` an en dash, ``...`` an ellipsis. markdown-it's own
``replacements`` rule also makes "(c)" a © (a briefing's options "(a), (b), (c)") and ",," a comma:
it would change words."""


def _dashes(state: StateCore) -> None:
    for tokens in _inline_tokens(state):
        for token in tokens:
            if token.type == "text" and ("--" in token.content or "..." in token.content):
                token.content = _outside(_VERBATIM, token.content, _set_dashes)


_LEADING_APOSTROPHE = re.compile(
    r"(?<![\w'’])'(?=\d+(?![\d']|’)|(?:tis|twas|twere|twill|twould|em|cause|til)(?!\w))", re.IGNORECASE
)
"""An apostrophe that begins a word: an elided year (``'90``, ``'20s``; a number quoted whole, ``'42'``, is
a quotation) or an elision (``'Tis``, ``'twas``), as pandoc reads them. Set before the quotes are paired, it
opens no quote, so a later ``l'`` closes none (``'90, l'"opération"`` in French)."""


def _leading_apostrophes(state: StateCore) -> None:
    for tokens in _inline_tokens(state):
        before = " "  # what precedes a token's text, across emphasis and links
        for token in tokens:
            if token.type == "text" and "'" in token.content:
                text = before + token.content
                token.content = _LEADING_APOSTROPHE.sub("\u2019", text)[1:]
            if token.type in ("text", "code_inline", "citation", "crossref") and token.content:
                before = token.content[-1]
            elif token.type in ("footnote_ref", "softbreak", "hardbreak"):
                before = " "


_SPACED_GUILLEMET = re.compile(r"(?<=[«‹])[ \t]+|[ \t]+(?=[»›])")
"""Ordinary spaces typed inside guillemets (``« déjà »``): a line could break there and leave ``»`` alone."""


def _guillemet_spaces(state: StateCore) -> None:
    """Guillemets typed with ordinary spaces get the no-break space the typographer sets inside its own."""
    for tokens in _inline_tokens(state):
        for token in tokens:
            if token.type == "text" and ("«" in token.content or "»" in token.content or "‹" in token.content):
                token.content = _SPACED_GUILLEMET.sub("\u00a0", token.content)


def _set_dashes(text: str) -> str:
    for pattern, mark in _DASHES:
        text = pattern.sub(mark, text)
    return text


def _outside(kept: re.Pattern[str], text: str, change: Callable[[str], str]) -> str:
    """``text`` with ``change`` made to what ``kept`` does not match."""
    parts, at = [], 0
    for found in kept.finditer(text):
        parts += [change(text[at : found.start()]), found.group()]
        at = found.end()
    return "".join([*parts, change(text[at:])])


def _note_quotes(state: StateCore) -> None:
    """Quotes inside inline notes, which the footnote plugin keeps apart from the text's tokens."""
    for note in state.env.get("footnotes", {}).get("list", {}).values():
        if note.get("tokens"):
            holder = Token("inline", "", 0, content=note.get("content", ""), children=note["tokens"])
            smartquotes(StateCore("", state.md, state.env, [holder]))


def _inline_tokens(state: StateCore) -> list[list[Token]]:
    """The token lists of a text and of its inline notes."""
    found = [t.children for t in state.tokens if t.type == "inline" and t.children]
    found += [n["tokens"] for n in state.env.get("footnotes", {}).get("list", {}).values() if n.get("tokens")]
    return found


class _SpecMarkup(MarkdownIt):
    """CommonMark's emphasis and links, words marked with their language, inline notes, citations and
    cross-references, and nothing else; code spans as written. With ``quotes``, the
    typographer sets quotes, apostrophes, dashes and ellipses; ``plain`` texts (titles) have no markup."""

    def __init__(self, quotes: QuoteMarks | None = None, plain: bool = False) -> None:
        # "zero" turns every rule off: no HTML, entities, escapes or autolinks, so all other
        # characters stay exactly as written.
        super().__init__("zero", {"typographer": quotes is not None, "quotes": list(quotes or "“”‘’")})
        self.inline.ruler.before("text", "code_span", _code_span)
        if quotes is not None:
            self.enable("smartquotes")
            self.core.ruler.before("smartquotes", "leading_apostrophes", _leading_apostrophes)
            self.core.ruler.after("smartquotes", "note_quotes", _note_quotes)
            self.core.ruler.after("note_quotes", "dashes", _dashes)
            if quotes[0].endswith("\u00a0"):  # French, which spaces its guillemets
                self.core.ruler.after("dashes", "guillemet_spaces", _guillemet_spaces)
        if plain:
            return
        self.enable(["emphasis", "link"])
        self.inline.ruler.at("emphasis", _stars_only)
        # Inline notes only: a spec has no footnote definitions ([^1]: …) to refer to.
        self.use(footnote_plugin, inline=True, move_to_end=False)
        self.disable(["footnote_ref", "footnote_def"])
        self.inline.ruler.before("emphasis", "escape", _escape)
        self.inline.ruler.before("link", "citation", _bracketed)
        self.inline.ruler.before("footnote_inline", "unclosed_note", _unclosed_note)
        self.inline.ruler.before("link", "narrative", _narrative)
        self.inline.ruler.before("link", "language", _language_span)

    def validateLink(self, url: str) -> bool:
        return url.startswith(LINK_SCHEMES)

    def normalizeLink(self, url: str) -> str:
        return url  # kept as the author wrote it

    def normalizeLinkText(self, link: str) -> str:
        return link


@cache
def _markup(quotes: QuoteMarks | None, plain: bool = False) -> _SpecMarkup:
    """One parser per way of quoting: markdown-it reads its quote marks from its options."""
    return _SpecMarkup(quotes, plain)


_TYPED = re.compile(r"['\"]|--|\.\.\.|[«‹][ \t]|[ \t][»›]")
"""What the typographer changes: a text without any is the same either way."""


def typeset(text: str, quotes: QuoteMarks | None) -> str:
    """A text without markup (a title, a table's value) with its quotes, apostrophes, dashes and ellipses
    set as ``quotes``' language prints them; as written when ``quotes`` is None."""
    if quotes is None or not _TYPED.search(text):
        return text
    return _typeset(text, quotes)


@lru_cache(maxsize=4096)
def _typeset(text: str, quotes: QuoteMarks) -> str:
    # Cached: a table's column repeats its values.
    (inline,) = _markup(quotes, plain=True).parseInline(text)
    return "".join(token.content for token in inline.children or ())


@dataclass
class Parsed:
    """A text's spans, with what is wrong in its apparatus."""

    spans: Inline
    """The text's spans."""
    problems: list[tuple[int, str]] = field(default_factory=list)
    """Offset in the text, and what is wrong there (a note inside a note)."""
    offsets: dict[int, int] = field(default_factory=dict)
    """Where each citation and cross-reference span starts in the text, by the span's identity."""


def parse_inline(text: str, quotes: QuoteMarks | None = None) -> Inline:
    """Split ``text`` into spans; every character that is not markup is kept (its quotes and dashes set
    with ``quotes``, when given)."""
    return parse(text, quotes).spans


def parse(text: str, quotes: QuoteMarks | None = None) -> Parsed:
    """``text`` as spans, with the offsets of its citations and cross-references and any problem found;
    its quotes, apostrophes, dashes and ellipses set with ``quotes`` (None keeps them as typed)."""
    if "*" not in text and "[" not in text and "@" not in text and "`" not in text:
        return Parsed((Span(typeset(text, quotes)),) if text else ())  # the common case: no markup to parse
    env: dict[str, Any] = {}
    (inline,) = _markup(quotes).parseInline(text, env)
    parsed = Parsed(())
    notes = env.get("footnotes", {}).get("list", {})
    parsed.spans = _spans(inline.children or [], notes, parsed, nested=False)
    parsed.problems = [(_inner_note(text) if at < 0 else at, message) for at, message in parsed.problems]
    parsed.problems += [(text.find(raw), message) for raw, message in dict.fromkeys(env.get("mistakes", []))]
    return parsed


def _inner_note(text: str) -> int:
    """Where the first note inside another note starts, counting brackets; -1 if none is found."""
    depth = 0
    for at, char in enumerate(text):
        if text.startswith("^[", at):
            if depth:
                return at
        if char == "[":
            depth += 1 if depth or text[at - 1 : at] == "^" else 0
        elif char == "]" and depth:
            depth -= 1
    return -1


def _spans(tokens: list[Token], notes: dict[int, Any], parsed: Parsed, nested: bool) -> Inline:
    spans: list[Span] = []
    bold = italic = 0
    href: str | None = None
    languages: list[str] = []
    for token in tokens:
        match token.type:
            case "text" | "code_inline":
                spans.append(Span(token.content, bold > 0, italic > 0, href, languages[-1] if languages else None))
            case "lang_open":
                languages.append(str(token.attrs["lang"]))
            case "lang_close":
                languages.pop()
            case "strong_open" | "strong_close":
                bold += 1 if token.nesting > 0 else -1
            case "em_open" | "em_close":
                italic += 1 if token.nesting > 0 else -1
            case "link_open":
                href = str(token.attrs["href"])
            case "link_close":
                href = None
            case "footnote_ref":
                note = notes[token.meta["id"]]
                if nested:
                    parsed.problems.append((-1, "a note inside a note; write it in the same note"))
                content = _spans(note.get("tokens") or [], notes, parsed, nested=True)
                spans.append(Note(f"^[{note['content']}]", content=content))
            case "citation":
                cites = tuple(Cite(key, locator, prefix) for prefix, key, locator in token.meta["cites"])
                span: Span = Citation(
                    token.meta["text"], bold > 0, italic > 0, cites=cites, narrative=token.meta["narrative"]
                )
                parsed.offsets[id(span)] = -1 if nested else token.meta["start"]
                spans.append(span)
            case "crossref":
                span = CrossRef(token.meta["text"], bold > 0, italic > 0, target=token.meta["target"])
                parsed.offsets[id(span)] = -1 if nested else token.meta["start"]
                spans.append(span)
    return _merge(spans)


def _merge(spans: list[Span]) -> Inline:
    """Adjacent plain spans with the same attributes joined into one; notes, citations and references kept apart."""
    runs = groupby(
        (s for s in spans if s.text), key=lambda s: (s.bold, s.italic, s.href, s.lang) if type(s) is Span else id(s)
    )
    merged: list[Span] = []
    for attrs, run in runs:
        if isinstance(attrs, tuple):
            merged.append(Span("".join(s.text for s in run), *attrs))
        else:
            merged.extend(run)
    return tuple(merged)
