"""Inline markup (``**bold**``, ``*italic*``, ``[text](url)``) parsed into spans."""

from __future__ import annotations

from itertools import groupby

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline, emphasis
from markdown_it.token import Token

from ..model import Inline, Span

LINK_SCHEMES = ("http://", "https://", "mailto:")
"""Only these become links; any other target stays literal text."""


def _stars_only(state: StateInline, silent: bool) -> bool:
    # CommonMark also takes "_" for emphasis; in a spec it is a literal
    # character (snake_case names, file names), so only "*" is a marker.
    if state.src[state.pos] != "*":
        return False
    return emphasis.tokenize(state, silent)


class _SpecMarkup(MarkdownIt):
    """CommonMark's emphasis and links, and nothing else."""

    def __init__(self) -> None:
        # "zero" turns every rule off: no HTML, entities, escapes, code spans
        # or autolinks, so all other characters stay exactly as written.
        super().__init__("zero")
        self.enable(["emphasis", "link"])
        self.inline.ruler.at("emphasis", _stars_only)

    def validateLink(self, url: str) -> bool:
        return url.startswith(LINK_SCHEMES)

    def normalizeLink(self, url: str) -> str:
        return url  # kept as the author wrote it

    def normalizeLinkText(self, link: str) -> str:
        return link


_MD = _SpecMarkup()


def parse_inline(text: str) -> Inline:
    """Split ``text`` into spans; every character that is not markup is kept."""
    if "*" not in text and "[" not in text:
        return (Span(text),) if text else ()  # the common case, without a parse
    spans: list[Span] = []
    bold = italic = 0
    href: str | None = None
    for token in _tokens(text):
        match token.type:
            case "text":
                spans.append(Span(token.content, bold > 0, italic > 0, href))
            case "strong_open" | "strong_close":
                bold += 1 if token.nesting > 0 else -1
            case "em_open" | "em_close":
                italic += 1 if token.nesting > 0 else -1
            case "link_open":
                href = str(token.attrs["href"])
            case "link_close":
                href = None
    return _merge(spans)


def _tokens(text: str) -> list[Token]:
    (inline,) = _MD.parseInline(text)
    return inline.children or []


def _merge(spans: list[Span]) -> Inline:
    """Adjacent spans with the same attributes joined into one."""
    runs = groupby((s for s in spans if s.text), key=lambda s: (s.bold, s.italic, s.href))
    return tuple(Span("".join(s.text for s in run), *attrs) for attrs, run in runs)
