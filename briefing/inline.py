"""Inline markup (``**bold**``, ``*italic*``, ``[text](url)``) parsed into spans."""

from __future__ import annotations

import re

from .model import Inline, Span

# Only these schemes become links; anything else stays literal text, so a
# spec cannot smuggle javascript: or file: targets into a document.
_LINK = re.compile(r"\[([^\[\]\n]+)\]\(((?:https?://|mailto:)[^\s()<>]+)\)")


def parse_inline(text: str) -> Inline:
    """Split ``text`` into spans; every character that is not markup is kept."""
    spans: list[Span] = []
    _parse(text, spans, bold=False, italic=False, href=None)
    return _merge(spans)


def _parse(
    text: str, out: list[Span], *, bold: bool, italic: bool, href: str | None
) -> None:
    literal_start = 0
    i = 0

    def flush(upto: int) -> None:
        if upto > literal_start:
            out.append(Span(text[literal_start:upto], bold, italic, href))

    while i < len(text):
        ch = text[i]
        if ch == "[" and href is None:
            match = _LINK.match(text, i)
            if match:
                flush(i)
                _parse(match[1], out, bold=bold, italic=italic, href=match[2])
                i = literal_start = match.end()
                continue
        elif ch == "*":
            marker = "**" if text.startswith("**", i) else "*"
            end = _closing(text, i + len(marker), marker)
            if end is not None:
                flush(i)
                inner = text[i + len(marker) : end]
                _parse(
                    inner,
                    out,
                    bold=bold or marker == "**",
                    italic=italic or marker == "*",
                    href=href,
                )
                i = literal_start = end + len(marker)
                continue
            i += len(marker)  # an unpaired marker is literal text
            continue
        i += 1
    flush(len(text))


def _closing(text: str, start: int, marker: str) -> int | None:
    """Index of the marker closing an emphasis opened just before ``start``."""
    if start >= len(text) or text[start].isspace():
        return None
    i = start
    while (i := text.find("*", i)) >= 0:
        run_end = i
        while run_end < len(text) and text[run_end] == "*":
            run_end += 1
        run = run_end - i
        closes = i > start and not text[i - 1].isspace()
        if closes and run >= len(marker) and not (marker == "*" and run == 2):
            # In a longer run ("**a *b***") the marker closes on its last stars.
            return run_end - len(marker)
        if marker == "*" and run == 2:
            # A "**" inside italics opens a nested bold: skip past its close.
            inner = _closing(text, run_end, "**")
            if inner is not None:
                i = inner + 2
                continue
        i = run_end
    return None


def _merge(spans: list[Span]) -> Inline:
    merged: list[Span] = []
    for span in spans:
        if not span.text:
            continue
        last = merged[-1] if merged else None
        if last and (last.bold, last.italic, last.href) == (
            span.bold,
            span.italic,
            span.href,
        ):
            merged[-1] = Span(last.text + span.text, span.bold, span.italic, span.href)
        else:
            merged.append(span)
    return tuple(merged)
