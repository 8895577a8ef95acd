"""PDF notes: a superscript mark where a note is cited, and the note's text at the foot of the page
its mark is on, or with the others at the end under their heading.

Footnotes are set as the pages fill: before a flowable that cites notes is placed, the frame's foot
is raised by the height the notes will take, so the text stops above them. A note too long for what
is left of its page starts there and goes on at the foot of the next. The notes of a page are drawn
when the page ends, below the text, above the page's furniture, under a short rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, PageBreak
from reportlab.platypus import Paragraph as RLParagraph

from ...adapters import reportlab as reportlab_adapter
from ...layout import LaidDocument
from ...layout.tree import Note, NoteMark
from ...model import Inline
from ..markup import quoteattr
from . import bidi

_ABOVE_RULE, _RULE, _BELOW_RULE = 10.0, 0.5, 5.0
"""Space between the text and the rule over the notes, the rule's thickness and the space under it, in points."""
_RULE_SHARE = 1 / 3
"""The rule's length, as a share of the text column."""
_LEAST_LINES = 2
"""Lines of a note that must stand on the page of its mark when the rest goes on to the next."""
_FUZZ = 1e-3


class Marks:
    """The marks of a briefing's notes, as paragraph markup: each a superscript number linking to its
    note, and a named place the note links back to."""

    def __init__(self, laid: LaidDocument) -> None:
        self.notes = {note.number: note for note in laid.notes}
        self.backs: dict[str, int] = {}
        """The marks written, by the name of the place each stands at: the note each cites."""

    def href(self, span: NoteMark) -> str | None:
        """Where a mark drawn as a plain link (in a paragraph laid out in visual order) leads: its note."""
        note = self.notes.get(span.number)
        return None if note is None else "#" + note.anchor

    def markup(self, span: NoteMark) -> str:
        note = self.notes.get(span.number)
        if note is None:  # a mark without its note: the number as it is written
            return f"<super>{span.number}</super>"
        mark = f"<super><a href={quoteattr('#' + note.anchor)}>{note.number}</a></super>"
        if note.back in self.backs:  # cited again: the note links back to where it is first cited
            return mark
        self.backs[note.back] = note.number
        return f"<a name={quoteattr(note.back)}/>{mark}"


class NoteText(Flowable):  # type: ignore[misc]
    """One note, or the part of it that goes on at the foot of a later page: its number, hanging,
    then its text. A note's text is drawn here and nowhere else, at the foot of a page or at the end."""

    def __init__(
        self, note: Note, text: Flowable, label: Flowable | None, indent: float, gap: float, rtl: bool = False
    ) -> None:
        super().__init__()
        self.note, self.text, self.label = note, text, label
        """The note; its text laid out; its number (linking back to its mark), None on a continuation."""
        self.indent, self.gap, self.rtl = indent, gap, rtl
        self._measured: tuple[float, float] | None = None

    def measure(self, width: float) -> float:
        """The note's height laid out ``width`` wide, its space after included."""
        if self._measured is None or self._measured[0] != width:
            self._measured = (width, self.wrap(width, 1e9)[1])
        return self._measured[1]

    def least(self, width: float) -> float:
        """The height of the note's first lines that must stay on the page of its mark."""
        whole = self.measure(width)
        leading = getattr(getattr(self.text, "style", None), "leading", whole)
        return min(whole, _LEAST_LINES * leading + self.gap + _FUZZ)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        _, height = self.text.wrap(available_width - self.indent, available_height)
        if self.label is not None:
            self.label.wrap(self.indent, available_height)
        self.width, self.height = available_width, height + self.gap
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        parts = self.text.split(available_width - self.indent, available_height - self.gap)
        if len(parts) != 2:
            return []
        first = NoteText(self.note, parts[0], self.label, self.indent, self.gap, self.rtl)
        return [first, NoteText(self.note, parts[1], None, self.indent, self.gap, self.rtl)]

    @property
    def opens(self) -> bool:
        """It is the note's beginning (not a part continued from an earlier page)."""
        return self.label is not None

    def draw(self) -> None:
        canvas, top = self.canv, self.height
        text_x, label_x = (0.0, self.width - self.indent) if self.rtl else (self.indent, 0.0)
        if self.label is not None:
            canvas.bookmarkHorizontal(self.note.anchor, 0, top)  # where the note's mark links to
            self.label.drawOn(canvas, label_x, top - self.label.height)
        self.text.drawOn(canvas, text_x, self.gap)


def note_texts(
    laid: LaidDocument,
    marks: Marks,
    paragraph: Callable[[Inline | str, ParagraphStyle], Flowable],
    style: ParagraphStyle,
    rtl: bool,
) -> dict[int, NoteText]:
    """Every note laid out in ``style``, by number; a note's number links back to its mark where one was written."""
    largest = str(max((n.number for n in laid.notes), default=9))
    indent = stringWidth(largest, style.fontName, style.fontSize) + style.fontSize * 0.9
    label_style = ParagraphStyle("note-number", style, alignment=TA_RIGHT if rtl else TA_LEFT)
    made = {}
    for note in laid.notes:
        number = str(note.number)
        if note.back in marks.backs:
            number = f"<a href={quoteattr('#' + note.back)}>{number}</a>"
        label = reportlab_adapter.SpacedParagraph(number, label_style)
        label.runs_on = True  # read "1 An access incident...", not "1An"
        made[note.number] = NoteText(note, paragraph(note.text, style), label, indent, style.fontSize * 0.35, rtl)
    return made


class Footnotes:
    """The notes set at the foot of pages as the pages fill: those of the page being filled, those
    going on to the next, and which are placed."""

    def __init__(self, notes: dict[int, NoteText], backs: dict[str, int], colour: colors.Color, rtl: bool) -> None:
        self.notes, self.backs, self.colour, self.rtl = notes, backs, colour, rtl
        self.hrefs = {"#" + text.note.anchor: number for number, text in notes.items()}
        """The links of marks drawn as plain links (in paragraphs laid out in visual order) to their notes."""
        self.start()

    def start(self) -> None:
        """Start a document: nothing placed (a document with contents is built twice)."""
        self.placed: set[int] = set()
        self.page: list[NoteText] = []
        """The notes of the page being filled, in order: a note's part carried over first."""
        self.carried: list[NoteText] = []
        """What goes on at the foot of the next page: the rest of the page's last note."""

    separator = _ABOVE_RULE + _RULE + _BELOW_RULE
    """The height of the space and the rule over a page's notes."""

    def cited_in(self, flowable: Any) -> list[int]:
        """The numbers of the notes not yet placed whose marks ``flowable`` holds, in order."""
        if isinstance(flowable, Remaining):
            return sorted(set(self.notes) - self.placed)
        found: list[int] = []
        stack = [flowable]
        while stack:
            item = stack.pop()
            if isinstance(item, RLParagraph):
                found.extend(
                    self.backs[name] for name in reportlab_adapter.paragraph_anchors(item) if name in self.backs
                )
            elif isinstance(item, bidi.BidiParagraph):  # a part of one holds its own characters' links
                hrefs = dict.fromkeys(item.text.hrefs[item.start : item.stop])
                found.extend(self.hrefs[href] for href in hrefs if href in self.hrefs)
            elif isinstance(item, (list, tuple)):
                stack.extend(reversed(item))
            elif isinstance(item, Flowable):
                inner = getattr(item, "inner", None)  # a table run made only as it is placed
                held = inner() if callable(inner) else reportlab_adapter.inner_flowables(item)
                stack.extend(part for part in reversed(held) if not isinstance(part, str))  # a plain cell cites nothing
        return list(dict.fromkeys(n for n in found if n not in self.placed))

    def height(self, width: float) -> float:
        """The height the page's notes take, the rule over them included."""
        if not self.page:
            return 0.0
        return self.separator + sum(note.measure(width) for note in self.page)

    def needs(self, numbers: Iterable[int], width: float, whole: bool) -> float:
        """The height notes add at the foot of the page: all of them, or with only the first lines
        of the last; more than a page once a note goes on to the next page (no note follows it there)."""
        notes = [self.notes[n] for n in numbers]
        if not notes:
            return 0.0
        if self.carried:
            return float("inf")
        heights = [note.measure(width) for note in notes]
        if not whole:
            heights[-1] = notes[-1].least(width)
        return (0.0 if self.page else self.separator) + sum(heights)

    def place(self, numbers: Iterable[int], last: NoteText | None = None, rest: NoteText | None = None) -> None:
        """Set notes on the page being filled; ``last`` stands for the last of them when only its
        beginning fits, and ``rest`` goes on to the next page."""
        notes = [self.notes[n] for n in numbers]
        self.placed.update(note.note.number for note in notes)
        if last is not None:
            notes[-1] = last
        self.page.extend(notes)
        if rest is not None:
            self.carried.append(rest)

    def end_page(self, canvas: Any, frame: reportlab_adapter.FootFrame) -> None:
        """Draw the page's notes at the foot of its text, under a short rule; the rest of a note that
        goes on opens the notes of the next page."""
        width = frame.text_width
        if self.page:
            top = frame.bottom + self.height(width)
            rule = min(width * _RULE_SHARE, 5 * cm)
            x = frame.left + (width - rule if self.rtl else 0)
            y = top - _ABOVE_RULE
            canvas.saveState()
            canvas.setStrokeColor(self.colour)
            canvas.setLineWidth(_RULE)
            canvas.line(x, y, x + rule, y)
            canvas.restoreState()
            y -= _RULE + _BELOW_RULE
            for note in self.page:
                y -= note.measure(width)
                note.drawOn(canvas, frame.left, y)
        self.page, carried, self.carried = [], self.carried, []
        for part in carried:  # no more than half the next page: it is a page of text with notes
            room = frame.text_height / 2 - self.separator
            if part.measure(width) > room and len(parts := part.split(width, room)) == 2:
                self.page.append(parts[0])
                self.carried.append(parts[1])
            else:
                self.page.append(part)


class FootnoteFrame(reportlab_adapter.FootFrame):
    """The text column of a page with footnotes: it ends above the notes cited on its page."""

    shared = ("notes",)

    def __init__(self, notes: Footnotes, *args: Any, **kwargs: Any) -> None:
        self.notes = notes  # read as the frame is first reset
        super().__init__(*args, **kwargs)

    def foot_at_start(self) -> float:
        return self.bottom + self.notes.height(self.text_width)

    def add(self, flowable: Flowable, canv: Any, trySplit: int = 0) -> int:  # noqa: N803 (reportlab's name)
        placed = self._add(flowable, canv, trySplit)
        if placed and isinstance(flowable, Remaining) and self.notes.carried:
            # The story has ended and a note goes on: it goes on at the foot of a page of its own.
            self.add_generated_content(PageBreak(), Remaining(self.notes))
        return placed

    def _add(self, flowable: Flowable, canv: Any, trySplit: int) -> int:  # noqa: N803 (reportlab's name)
        """Place ``flowable`` with room kept under it for the notes it cites; 0 where they do not fit."""
        numbers = self.notes.cited_in(flowable)
        if not numbers:
            return int(super().add(flowable, canv, trySplit))
        width, foot, notes = self.text_width, self.foot, self.notes
        whole_need = notes.needs(numbers, width, True)
        for whole in (True, False):
            need = notes.needs(numbers, width, whole)
            if need == float("inf") or (not whole and need >= whole_need - _FUZZ):
                break
            self.set_foot(foot + need)
            if super().add(flowable, canv, trySplit):
                self._place(numbers, foot, whole)
                return 1
        self.set_foot(foot)
        return 0

    def _place(self, numbers: list[int], foot: float, whole: bool) -> None:
        """Set the notes of a flowable just placed: whole, or the last split where the text ends."""
        notes, width = self.notes, self.text_width
        if whole:
            notes.place(numbers)
        else:
            last = notes.notes[numbers[-1]]
            room = max(self.cursor, self.foot) - foot - notes.needs(numbers[:-1], width, True)
            room -= 0.0 if notes.page or len(numbers) > 1 else notes.separator
            parts = last.split(width, room) if room < last.measure(width) else []
            if len(parts) == 2:
                notes.place(numbers, *parts)
            else:
                notes.place(numbers)
        self.set_foot(self.bottom + notes.height(width))

    def split(self, flowable: Flowable, canv: Any) -> list[Flowable]:
        """Split so that the first part and the notes it cites fit on the page."""
        numbers = self.notes.cited_in(flowable)
        if not numbers:
            return list(super().split(flowable, canv))
        foot, width = self.foot, self.text_width
        # A group decides as a whole whether it fits: it is offered the room its notes leave.
        reserved = self.notes.needs(numbers, width, False) if isinstance(flowable, KeepTogether) else 0.0
        while reserved != float("inf"):
            self.set_foot(foot + reserved)
            try:
                parts = list(super().split(flowable, canv))
            finally:
                self.set_foot(foot)
            if not parts:
                return parts
            need = self.notes.needs(self.notes.cited_in(parts[0]), width, False)
            if need <= reserved + _FUZZ:
                return parts
            reserved = need
        return []


class Remaining(Flowable):  # type: ignore[misc]
    """Ends the story of a document with footnotes: a note whose mark was found on no page is set at
    the foot of the last, and the rest of a note still going on at the foot of pages of its own."""

    _ZEROSIZE = True

    def __init__(self, notes: Footnotes) -> None:
        super().__init__()
        self.notes = notes
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass
