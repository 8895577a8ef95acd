"""Captions: "Table N: …" and "Figure N: …", numbered once and read the same in every format."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Chart, Image, Inline, Labels, Span, Table, plain


@dataclass(frozen=True)
class Caption:
    """The caption of a table or a figure."""

    label: str
    """ "Table 2" or "Figure 1": the kind and its number in the document."""
    text: Inline = ()
    """What follows the label after ": "; empty for a bare label."""
    mark: str = ""
    """The portion mark of what it captions ("(OS)"), shown before the label; empty in an unmarked pack."""
    colon: str = ": "
    """What stands between the label and the text, as the briefing's language writes it (:func:`colon`)."""

    @property
    def spans(self) -> Inline:
        """The whole caption as formatted text: the portion mark, the label, then the text."""
        mark = (Span(self.mark + " "),) if self.mark else ()
        return (*mark, Span(self.label + (self.colon if self.text else "")), *self.text)

    def __str__(self) -> str:
        return plain(self.spans)


def colon(language: str) -> str:
    """The colon after a label the pack adds ("Table 1: ", "Source: "), as the language writes it: French sets a
    no-break space before it ("Tableau 1 : "). U+00A0, not the narrow U+202F: the PDF would break a line there."""
    return "\u00a0: " if language.split("-")[0].lower() == "fr" else ": "


class Counter:
    """Numbers tables and figures in reading order (pictures and charts share the figure count)."""

    def __init__(self, labels: Labels | None = None, language: str = "en") -> None:
        self.tables = self.figures = 0
        self.labels = labels or Labels()
        self.colon = colon(language)

    def table(self, table: Table) -> Caption:
        self.tables += 1
        title = table.title_text or ((Span(table.title),) if table.title else ())
        return Caption(f"{self.labels.table} {self.tables}", title, colon=self.colon)

    def figure(self, block: Chart | Image) -> Caption:
        self.figures += 1
        label = f"{self.labels.figure} {self.figures}"
        if isinstance(block, Image):
            return Caption(label, block.caption or (), colon=self.colon)
        return Caption(label, chart_caption(block), colon=self.colon)


def chart_caption(chart: Chart) -> Inline:
    """A chart's title, then its caption as a sentence of its own.

    The title is the figure's name, as a table's is: it reads in the caption, not inside the drawing.
    """
    title = chart.title_text or (Span(chart.title),)
    if not chart.caption:
        return title
    from .tree import NoteMark  # the tree holds captions: imported once both are made

    words = len(title)
    while words and isinstance(title[words - 1], NoteMark):
        words -= 1  # a note on the title: its mark after the title's full stop
    stop = "" if plain(title[:words]).rstrip()[-1:] in ".?!:" else "."
    return (*title[:words], Span(stop), *title[words:], Span(" "), *chart.caption)
