"""A PDF's pages read back as lines of text, as a reader sees the text column: the page furniture
(the marking, the page number) and the notes at the foot (under their short rule) left out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pdfplumber

from .conftest import squash

_POINTS_PER_CM = 72 / 2.54
_NOTES_RULE_CM = 5.0
"""The longest the rule over a page's notes is (a third of the text column, at most 5 cm)."""
_RAISED = 5.0
"""How far, in points, a word's foot may stand above the foot of the line it is on (a note's raised mark)."""


@dataclass(frozen=True)
class Line:
    page: int
    """Its page, 1 for the first."""
    top: float
    """Its distance from the top of the page, in points."""
    text: str


def text_lines(path: Path, margin_cm: float) -> list[list[Line]]:
    """Each page's lines of text in the text column, top to bottom: between the margins, above the notes."""
    margin = margin_cm * _POINTS_PER_CM
    pages = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            foot = min([page.height - margin, *_notes_rules(page, margin)])
            words = [w for w in page.extract_words() if w["top"] >= margin - 1 and w["bottom"] <= foot + 1]
            rows: list[list[dict]] = []
            for word in sorted(words, key=lambda w: w["bottom"]):
                # A note's mark, raised, stands on the line of the words it follows.
                if rows and word["bottom"] - rows[-1][0]["bottom"] <= _RAISED:
                    rows[-1].append(word)
                else:
                    rows.append([word])
            pages.append(
                [
                    Line(number, row[0]["top"], squash(" ".join(w["text"] for w in sorted(row, key=lambda w: w["x0"]))))
                    for row in rows
                ]
            )
            page.close()  # let pdfplumber drop the page's objects
    return pages


def _notes_rules(page: pdfplumber.page.Page, margin: float) -> list[float]:
    """Where the short rule over a page's notes stands, at the start of the text column (left or right)."""
    return [
        line["top"]
        for line in page.lines
        if abs(line["top"] - line["bottom"]) < 0.1
        and line["top"] > page.height / 3
        and line["x1"] - line["x0"] <= _NOTES_RULE_CM * _POINTS_PER_CM + 1
        and (abs(line["x0"] - margin) < 1 or abs(line["x1"] - (page.width - margin)) < 1)
    ]


def lone_headings(pages: list[list[Line]], headings: list[str]) -> list[Line]:
    """The pages' last lines that are headings (or a heading's last line): a heading left at the foot of a
    page, what it heads starting the next."""
    heads = [squash(h).replace(" ", "") for h in headings]
    found = []
    for lines in pages[:-1]:  # the last page may end with anything
        if not lines:
            continue
        last = lines[-1].text.replace(" ", "")
        if any(head.endswith(last) for head in heads):
            found.append(lines[-1])
    return found
