"""A PDF table's body cells, made a run of rows at a time: a plain string where the text is drawn on
one line, else a paragraph that wraps.

A plain string is drawn straight into the page (``PlainCellTable``), many times faster than a
paragraph, which matters for tables of thousands of rows; both look the same. Whether a text fits
on one line is the layout's to say: it measured each column's widest line when it chose the widths,
so a column whose widest line fits has each of its texts in the body font drawn plain, measured
no more. The others' texts are measured one by one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from ...adapters.reportlab import SpacedParagraph
from ...layout.geometry import Align, TableGeometry
from ...model import Inline
from .. import markup


class Story(Protocol):
    """What cells are made with: the writer's paragraphs in the briefing's fonts."""

    @property
    def fonts(self) -> Any: ...

    def paragraph(
        self, text: Inline | str, style: ParagraphStyle, font: str | None = None, bold: bool = False
    ) -> Flowable:
        """A paragraph of ``text``, laid out in visual order where it holds right-to-left text."""
        ...

    def covers(self, text: str) -> bool:
        """Whether the body font has a glyph for every character of ``text``."""
        ...

    def text(self, text: str, font: str | None = None, bold: bool = False) -> str:
        """Plain text as paragraph markup."""
        ...


class Fit:
    """Makes one column's cells: a plain string when its text fits on one line, else a wrapping paragraph."""

    def __init__(self, laid: TableGeometry, column: int, styles: dict[Align, ParagraphStyle]) -> None:
        self.laid, self.column, self.styles = laid, column, styles
        self.width = laid.columns[column].width - 2 * laid.padding
        """Room for the text across the cell, in points."""
        self.style = styles[laid.align(column)]
        self.fits = laid.columns[column].max_content <= self.width
        """The column's widest line, as the layout measured it, fits: so does each of its lines."""

    def cell(self, text: str, story: Story) -> str | Flowable:
        if self.fits and text.isascii() and text.isprintable():
            return text  # one line in the body font, at the side the table's look gives its column
        plain = markup.xml_safe(text)
        align = self.laid.align(self.column, plain)
        if markup.has_rtl(plain):  # laid out in visual order, at the side the layout puts it (the right)
            return story.paragraph(text, self.styles[align])
        if "\n" not in plain and story.covers(plain):
            if stringWidth(plain, story.fonts.body, self.style.fontSize) <= self.width:
                return plain
        return SpacedParagraph(story.text(text), self.styles[align])  # story.text makes it XML-safe too

    def total(self, text: str, story: Story) -> str | Flowable:
        """A totals cell, bold by the table's look; a right-to-left label laid out as the body's cells are."""
        if markup.has_rtl(text):
            return story.paragraph(text, self.styles[self.laid.align(self.column, text)], bold=True)
        return text


class Body:
    """A table's body rows as reportlab takes them, from ``start`` up to ``stop`` (the totals row last),
    in the order they are drawn (a right-to-left briefing's first column last)."""

    def __init__(
        self,
        laid: TableGeometry,
        story: Story,
        styles: dict[Align, ParagraphStyle],
        noted: dict[tuple[int, int], Inline],
        ordered: Callable[[Sequence[Any]], list[Any]],
    ) -> None:
        self.laid, self.story, self.styles, self.noted, self.ordered = laid, story, styles, noted, ordered
        self.fits = [Fit(laid, column, styles) for column in range(len(laid.columns))]

    def __call__(self, start: int, stop: int) -> list[list[str | Flowable]]:
        laid, story, fits, ordered = self.laid, self.story, self.fits, self.ordered
        texts = laid.rows(start, stop)
        if self.noted:  # cells citing notes or sources, or pointing at a table or section: the layout's text
            made = [ordered(self._noted(n, row)) for n, row in enumerate(texts, start)]
        else:
            # Fit.cell's first test, made here: a long table's cells are mostly plain text that fits.
            columns = [(fit.fits, fit) for fit in fits]
            made = [
                ordered(
                    [
                        text if fits_all and text.isascii() and text.isprintable() else fit.cell(text, story)
                        for text, (fits_all, fit) in zip(row, columns, strict=True)
                    ]
                )
                for row in texts
            ]
        if laid.totals and stop > len(laid.body):
            # The totals row is bold; a right-to-left label in it is laid out as its cells' are.
            made.append(ordered([fit.total(text, story) for text, fit in zip(laid.totals, fits, strict=True)]))
        return made

    def _noted(self, row: int, texts: Sequence[str]) -> list[str | Flowable]:
        """A body row's cells: each its value, or the layout's text where it cites or points at something."""
        made: list[str | Flowable] = []
        for column, (text, fit) in enumerate(zip(texts, self.fits, strict=True)):
            spans = self.noted.get((row, column))
            if spans is None:
                made.append(fit.cell(text, self.story))
            else:
                made.append(self.story.paragraph(spans, self.styles[self.laid.align(column, text)]))
        return made
