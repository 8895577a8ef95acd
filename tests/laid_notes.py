"""A laid-out briefing holding notes, citations, cross-references, credits and a sources list, as the
layout words them: what the writers' tests of notes start from."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from briefing.layout import Heading, Laid, LaidDocument, Place, Summary, lay_out
from briefing.layout.tree import InternalLink, Note, NoteMark, SourceEntry, SourceList
from briefing.model import (
    Briefing,
    Callout,
    Chart,
    Image,
    Paragraph,
    Pos,
    Section,
    Series,
    Span,
    Table,
)
from briefing.reading.inline import parse_inline

POS = Pos("niger.yaml", 1, 1)


def mark(number: int) -> NoteMark:
    return NoteMark(str(number), number=number)


def cite(text: str, key: str) -> InternalLink:
    return InternalLink(text, target=f"ref-{key}")


NOTES = (
    Note(1, (Span("Figures for the first nine months of 2026."),), "note-1", "note-1-ref", POS),
    Note(
        2,
        (
            Span("Access was refused at "),
            Span("three", bold=True),
            Span(" checkpoints; see "),
            Span("the report", href="https://example.org/report"),
            Span(" and "),
            cite("OCHA (2026, p. 4)", "ocha2026"),
            Span("."),
        ),
        "note-2",
        "note-2-ref",
        POS,
    ),
    Note(3, (Span("Including Tillabéri & Tahoua <regions>."),), "note-3", "note-3-ref", POS),
    Note(4, (Span("Pledged, not yet disbursed."),), "note-4", "note-4-ref", POS),
    Note(5, (Span("Estimated from partner reports."),), "note-5", "note-5-ref", POS),
)
"""The notes, as the layout numbers and words them."""

SOURCES = (
    ("ocha2026", "OCHA. 2026. Niger: Humanitarian Access Snapshot. United Nations."),
    ("acled2026", "ACLED. 2026. Sahel Conflict Monitor. Armed Conflict Location & Event Data."),
)


def briefing(picture: Path) -> Briefing:
    """The briefing the layout is asked for, before its notes are worded."""
    p = parse_inline
    table = Table(("Region", "Funding"), (("Tillabéri", 12.5), ("Tahoua", 8.25), ("Diffa", 4.0)), title="Funding")
    chart = Chart("bar", "Incidents", ("2025", "2026"), (Series("Incidents", (14.0, 23.0)),), "Year")
    callout = Callout("warning", "Risk", (Paragraph(p("Convoys may be stopped.")),))
    image = Image(picture, (400, 200), caption=p("The region"), alt="A map of the region", width_cm=6)
    return Briefing(
        title="Niger: humanitarian access",
        summary=(Paragraph(p("Access worsened in 2026.")),),
        sections=(
            Section(p("Access"), (Paragraph(p("Access fell.")), table, chart, callout, image)),
            Section(p("Outlook"), (Paragraph(p("As shown.")),)),
        ),
    )


def laid(picture: Path) -> LaidDocument:
    """The briefing laid out, its texts then worded as the layout words notes, citations and references."""
    plain = lay_out(briefing(picture))
    body = tuple(_worded(node) for node in plain.body)
    entries = tuple(
        Laid(SourceEntry(text=(Span(text),), pos=POS, key=key), Place(anchor=f"ref-{key}")) for key, text in SOURCES
    )
    heading = Laid(Heading((Span("Sources"),), 1, POS), Place(keep_with_next=True))
    sources = Laid(SourceList(POS), Place(), (heading, *entries))
    return dataclasses.replace(plain, body=(*body, sources), notes=NOTES)


_TEXTS = {
    "Access worsened in 2026.": (Span("Access worsened in 2026"), mark(1), Span(".")),
    "Access fell.": (
        Span("Access fell"),
        mark(2),
        Span(" (see "),
        InternalLink("Table 1", target="tbl-funding"),
        Span(" and "),
        InternalLink("Figure 1", target="fig-incidents"),
        Span("; "),
        cite("OCHA 2026", "ocha2026"),
        Span(")."),
    ),
    "As shown.": (
        Span("As shown under "),
        InternalLink("Access", target="sec-access"),
        Span(", with the risk in "),
        InternalLink("the box", target="box-risk"),
        Span(" and the map in "),
        InternalLink("Figure 2", target="fig-map"),
        Span(" ("),
        cite("ACLED 2026", "acled2026"),
        Span(")."),
    ),
}

_PLACES = {
    "Table": lambda place: dataclasses.replace(
        place,
        anchor="tbl-funding",
        credit=(Span("Source: "), cite("OCHA (2026)", "ocha2026")),
        cells=((0, 0, (Span("Tillabéri"), mark(3))), (-1, 1, (Span("Funding"), mark(4)))),
    ),
    "Chart": lambda place: dataclasses.replace(
        place, anchor="fig-incidents", credit=(Span("Source: "), cite("ACLED (2026)", "acled2026"))
    ),
    "Callout": lambda place: dataclasses.replace(place, anchor="box-risk"),
    "Image": lambda place: dataclasses.replace(place, anchor="fig-map", credit=(Span("Source: "), mark(5))),
}


def _worded(laid: Laid) -> Laid:
    node, place = laid.node, laid.place
    if isinstance(node, Paragraph) and node.text and "".join(s.text for s in node.text) in _TEXTS:
        node = dataclasses.replace(node, text=_TEXTS["".join(s.text for s in node.text)])
    if isinstance(node, Heading) and node.text[0].text == "Access":
        place = dataclasses.replace(place, anchor="sec-access")
    if type(node).__name__ in _PLACES:
        place = _PLACES[type(node).__name__](place)
    children = tuple(_worded(child) for child in laid.children)
    assert not isinstance(node, Summary) or children
    return Laid(node, place, children)
