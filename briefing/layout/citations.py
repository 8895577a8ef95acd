"""How a citation reads, beyond the wording citeproc-py gives it: which works a citation is worded as
at once, the narrative form ("OCHA (2026, p. 4)"), the letter after the year of works of the same
authors and year ("2026a"), which work each part of a worded citation names, and the authors and
year of a work's CSL entry as a sentence gives them."""

from __future__ import annotations

from ..model import Citation, Inline, Span

Cites = tuple[tuple[str, str, str], ...]
"""A citation's works as the CSL processor takes them: (key, locator, prefix)."""


def cited_alone(text: Inline) -> bool:
    """Whether a credit is nothing but citations ("[@acled2026]"): they then read as in a sentence,
    "Source: ACLED (2026)"; a citation in a credit's words stays in brackets, "…, with ACLED (ACLED, 2026)"."""
    return any(isinstance(s, Citation) for s in text) and all(
        isinstance(s, Citation) or not s.text.strip(" ;,") for s in text
    )


def citation_groups(span: Citation, credit: bool) -> list[Cites]:
    """The citations a span is worded as: itself, or in a credit line and in the run of a sentence,
    each work on its own ("OCHA (2026); ACLED (2026)")."""
    cites = tuple((c.key, c.locator, c.prefix) for c in span.cites)
    return [(cite,) for cite in cites] if credit or span.narrative else [cites]


def narrative(worded: Inline, entry: dict[str, object]) -> Inline:
    """A citation worded to be read in a sentence: "OCHA (2026, p. 4)" for "(OCHA, 2026, p. 4)".

    citeproc-py has no author-only or suppress-author form, so the style's parenthetical citation is
    cut before its year; a style that cites by number ("[1]") keeps its number after the authors' names.
    Names joined by an ampersand in brackets are joined by "and" in a sentence, as APA writes them.
    """
    text = "".join(s.text for s in worded)
    inner, opening, closing = unbracketed(text)
    if not opening and not text[:1].isdigit():
        return worded  # a style that cites in notes names the authors first already: "OCHA, Niger: …, 5."
    year = _year(entry)
    at = inner.find(year) if year else -1
    if opening == "(" and at > 0:
        author = inner[:at].rstrip(" ,").replace(" & ", " and ")
        return (Span(f"{author} ({inner[at:]})"),)
    return (Span(f"{authors_named(entry)} {text}" if authors_named(entry) else text),)


def year_suffixes(entries: dict[str, dict[str, object]], cited: list[str]) -> dict[str, dict[str, object]]:
    """The works cited, those of the same authors and year told apart by a letter after the year
    ("OCHA, 2026a"), in the order of their titles, as author-date styles ask: citeproc-py does not do it,
    but writes the letter given as CSL's ``year-suffix``."""
    groups: dict[tuple[str, str], list[str]] = {}
    for key in dict.fromkeys(cited):
        entry = entries[key]
        groups.setdefault((authors_named(entry) or str(entry.get("title", "")), _year(entry)), []).append(key)
    made = dict(entries)
    for (_, year), keys in groups.items():
        if year and len(keys) > 1:
            ordered = sorted(keys, key=lambda k: str(entries[k].get("title", "")).casefold())
            for letter, key in zip("abcdefghijklmnopqrstuvwxyz", ordered, strict=False):
                made[key] = {**entries[key], "year-suffix": letter}
    return made


def unbracketed(text: str) -> tuple[str, str, str]:
    """A citation's text without its outer brackets, and those brackets."""
    for opening, closing in (("(", ")"), ("[", "]")):
        if text.startswith(opening) and text.endswith(closing):
            return text[1:-1], opening, closing
    return text, "", ""


def works_named(parts: list[str], keys: list[str], entries: dict[str, dict[str, object]]) -> list[str] | None:
    """Which work each part of a citation words: the one whose first author it names (the style may
    have sorted them)."""
    left = list(keys)
    found = []
    for part in parts:
        key = next((k for k in left if authors_named(entries[k]) and _first_name(entries[k]) in part), None)
        if key is None:
            return None
        left.remove(key)
        found.append(key)
    return found


def _year(entry: dict[str, object]) -> str:
    issued = entry.get("issued")
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            return str(parts[0][0])
    return ""


def _names(entry: dict[str, object]) -> list[str]:
    authors = entry.get("author")
    if not isinstance(authors, list):
        return []
    return [str(a.get("family") or a.get("literal") or "") for a in authors if isinstance(a, dict)]


def _first_name(entry: dict[str, object]) -> str:
    names = _names(entry)
    return names[0] if names else ""


def authors_named(entry: dict[str, object]) -> str:
    """The authors as a sentence names them: "OCHA", "Smith and Diallo", "Smith et al."."""
    names = [n for n in _names(entry) if n]
    if len(names) > 2:
        return f"{names[0]} et al."
    return " and ".join(names)
