"""The layout pass, from model objects: table geometry, captions, display text, what stays together."""

from __future__ import annotations

import datetime as dt

import pytest
from pypdf import PdfReader

from briefing import build, load
from briefing.layout import Heading, lay_out
from briefing.layout.flow import INTRO_LINES, keeps_with_next, lines
from briefing.layout.geometry import CM, PADDING, geometry, share
from briefing.layout.measure import width
from briefing.layout.numbering import Counter
from briefing.layout.text import display
from briefing.model import (
    Briefing,
    Callout,
    Chart,
    Image,
    NumberFormat,
    Paragraph,
    Section,
    Series,
    Span,
    Table,
    plain,
)
from briefing.reading.inline import parse_inline
from briefing.style import Style

from .conftest import SPECS, squash

LONG = "Armed groups block the main supply road to the north for weeks at a time, and convoys wait."
TWELVE = (
    "Country",
    "Lead agency",
    "Funded (USD m)",
    "Coverage (%)",
    "People targeted",
    "People reached",
    "Last update",
    "Appeal",
    "Status",
    "Main constraint",
    "Access notes",
    "Outlook",
)


def twelve_columns(rows: int = 3) -> Table:
    row = ("Burkina Faso", "UNHCR", 118.9, 41.5, 1450000, 1120000, dt.date(2025, 10, 31), "HRP-2025", "Active")
    return Table(TWELVE, tuple((*row, LONG, LONG, LONG) for _ in range(rows)), title="Response")


def tokens_of(laid, column: int) -> list[str]:
    texts = [laid.header[column], *(row[column] for row in laid.rows())]
    return [token for text in texts for token in text.split()]


def test_twelve_columns_turn_landscape_and_keep_every_token_whole():
    style = Style()
    laid = geometry(twelve_columns(), style)
    assert laid.landscape and laid.turned and not laid.broken
    assert laid.width == pytest.approx(style.turned_text_width_cm * CM)
    for i, column in enumerate(laid.columns):
        room = column.width - 2 * laid.padding
        widest = max(width(t, laid.size, bold=t in laid.header[i].split()) for t in tokens_of(laid, i))
        assert room >= widest, f"{column.name}: {room:.1f} pt for a token of {widest:.1f} pt"
    # Short columns get no more than their longest line; the sentences take the rest.
    widest = sorted(laid.columns, key=lambda c: c.width)[-3:]
    assert {c.name for c in widest} == {"Main constraint", "Access notes", "Outlook"}
    reached = next(c for c in laid.columns if c.name == "People reached")
    assert reached.width - 2 * PADDING <= reached.max_content + 0.01


def test_a_narrow_table_stays_portrait_and_spans_the_line():
    style = Style()
    laid = geometry(Table(("Name", "Count"), (("Alpha", 1), ("Beta", 20))), style)
    assert not laid.landscape and not laid.turned and not laid.broken
    assert laid.width == pytest.approx(style.text_width_cm * CM)
    assert [c.numeric for c in laid.columns] == [False, True]


def test_long_text_wraps_in_portrait_when_its_words_fit():
    laid = geometry(Table(("Item", "Note"), (("A", LONG * 3),)), Style())
    assert not laid.turned  # only the min-content widths decide the orientation
    assert laid.columns[1].width > laid.columns[0].width


def test_a_landscape_style_has_no_wider_page_to_turn_to():
    laid = geometry(twelve_columns(), Style(landscape=True))
    assert laid.landscape and not laid.turned


def test_sharing_follows_min_and_max_content():
    # Room left after every minimum is shared in proportion to (max - min).
    assert share([(10, 10), (20, 120)], 70) == pytest.approx([10, 60])
    assert share([(10, 30), (10, 50)], 80) == pytest.approx([10 + 60 * 20 / 60, 10 + 60 * 40 / 60])
    # When the max-contents fit, each column gets its max and the rest in equal parts.
    assert share([(5, 10), (5, 30)], 80) == pytest.approx([30, 50])
    # When even the minimums do not fit, they shrink alike.
    assert share([(60, 80), (40, 50)], 50) == pytest.approx([30, 20])


def test_a_table_of_numbers_spreads_its_room_evenly_rather_than_to_its_longest_label():
    """In the dashboard, "Burkina Faso" once took 40% of a table of monthly figures."""
    laid = lay_out(load(SPECS / "sahel-dashboard.yaml"))
    tables = [place.table for node, place in laid.flow if isinstance(node, Table) and place.table]
    monthly = next(t for t in tables if "Burkina Faso" in t.header)
    widths = {c.name: c.width for c in monthly.columns}
    assert widths["Burkina Faso"] < 0.3 * monthly.width
    assert max(widths.values()) - min(widths.values()) == pytest.approx(
        max(c.max_content for c in monthly.columns) - min(c.max_content for c in monthly.columns)
    )


def test_tokens_too_wide_for_a_landscape_page_shrink_the_text_then_break_with_a_warning():
    columns = tuple(f"Column{n}" for n in range(40))
    row = tuple("Incomprehensibilities" for _ in columns)
    table = Table(columns, (row,), title="Too wide")
    laid = geometry(table, Style())
    assert laid.landscape and laid.broken
    assert laid.size == pytest.approx(Style().font_size * 0.86 * 0.75)
    assert laid.width == pytest.approx(Style().turned_text_width_cm * CM)
    doc = Briefing("T", (Section((Span("H"),), (table,)),))
    (warning,) = lay_out(doc).warnings
    assert "40 columns" in warning.message and "landscape page" in warning.message


def test_a_wide_font_is_measured_as_such():
    narrow = geometry(Table(("Name",), (("Mississippi",),)), Style(font_size=8))
    wide = geometry(Table(("Name",), (("Mississippi",),)), Style(font_size=16))
    assert wide.columns[0].min_content == pytest.approx(2 * narrow.columns[0].min_content)


def test_cell_texts_are_decided_once_with_formats_and_years():
    money = NumberFormat("currency", 0, "USD")
    table = Table(
        ("Year", "Amount", "Share", "Day", "Done", "Note"),
        ((2024, 412000000, 0.125, dt.date(2026, 3, 1), True, None), (2025, 1.5, 0.5, None, False, "x")),
        formats=(None, money, NumberFormat("percent", 1), NumberFormat("date"), None, None),
    )
    laid = geometry(table, Style())
    assert list(laid.rows()) == [
        ("2024", "$412,000,000", "12.5%", "1 Mar 2026", "Yes", ""),
        ("2025", "$2", "50.0%", "", "No", "x"),
    ]


@pytest.mark.parametrize(
    ("value", "fmt", "text"),
    [
        (None, None, ""),
        (True, None, "Yes"),
        (1234567, None, "1,234,567"),
        (2.5, NumberFormat("decimal", 1), "2.5"),
        (0.0345, NumberFormat("percent", 1), "3.5%"),
        (-1234.5, NumberFormat("currency", 2, "EUR"), "-€1,234.50"),
        (dt.date(2026, 2, 16), None, "2026-02-16"),
        (dt.date(2026, 2, 16), NumberFormat("date"), "16 Feb 2026"),
        ("text", NumberFormat("integer"), "text"),
    ],
)
def test_one_function_gives_the_text_of_a_value(value, fmt, text):
    assert display(value, fmt) == text


def chart(caption: str | None = None, title: str = "Incidents per month") -> Chart:
    return Chart(
        "bar",
        title,
        ("Jan", "Feb"),
        (Series("Mali", (1.0, 2.0)),),
        caption=parse_inline(caption) if caption else None,
    )


def test_captions_number_tables_and_figures_apart_and_read_one_way():
    counter = Counter()
    assert str(counter.table(Table(("A",), (), title="Funding"))) == "Table 1: Funding"
    assert str(counter.figure(chart())) == "Figure 1: Incidents per month"
    assert str(counter.figure(chart("Figures to *16 February*."))) == (
        "Figure 2: Incidents per month. Figures to 16 February."
    )
    assert str(counter.figure(chart("Source: UN.", title="Who pays?"))) == "Figure 3: Who pays? Source: UN."
    assert str(counter.table(Table(("A",), ()))) == "Table 2"
    picture = Image(DATA_PNG, (10, 10), caption=parse_inline("A *map*"))
    caption = counter.figure(picture)
    assert str(caption) == "Figure 4: A map" and caption.spans[-1].italic


DATA_PNG = __import__("pathlib").Path("unused.png")


def test_intros_and_headings_stay_with_what_follows():
    style = Style()
    intro = Paragraph(parse_inline("The figures, by country:"))
    prose = Paragraph(parse_inline("A paragraph. " * 30))
    table = Table(("A",), (("x",),))
    assert keeps_with_next([intro, table], style) == [True, False]
    assert keeps_with_next([prose, prose, table], style) == [False, False, False]
    short = Paragraph(parse_inline("From the Donors sheet."))
    assert keeps_with_next([short, chart()], style) == [True, False]  # alone under its heading
    assert keeps_with_next([prose, short, chart()], style) == [False, False, False]


def test_an_introduction_longer_than_four_lines_is_not_dragged_to_the_next_page():
    style = Style()
    four = Paragraph(parse_inline("Word " * 45 + "as follows:"))  # about three lines of the column
    nine = Paragraph(parse_inline("A longer account of the events of the month. " * 14 + "By country:"))
    assert lines(plain(four.text), style) <= INTRO_LINES < lines(plain(nine.text), style)
    table = Table(("A",), (("x",),))
    assert keeps_with_next([four, table], style) == [True, False]
    assert keeps_with_next([nine, table], style) == [False, False]


def test_page_one_of_the_example_pack_is_filled_before_its_first_table(tmp_path):
    """The example's long introduction ending in ":" once took its table's page with it, leaving a
    third of page 1 blank in the PDF and in Word: now it starts on page 1, under the list before it."""
    pack = build(SPECS / "mali-russia.yaml", formats=["pdf"], out=tmp_path)
    (pdf,) = pack.paths
    first = squash(PdfReader(str(pdf)).pages[0].extract_text())
    assert squash("this strategic alliance with Russia also raises questions") in first
    assert squash("the key aspects of Mali and Russia’s military agreement:") in first


def test_the_flow_is_in_reading_order_with_numbered_captions():
    p = parse_inline
    callout = Callout("note", "Note", (Paragraph(p("Boxed.")),))
    doc = Briefing(
        "T",
        (
            Section(p("One"), (chart(), Table(("A",), (("x",),), title="First")), (Section(p("Sub"), (callout,)),)),
            Section(p("Two"), (Table(("B",), (("y",),)),)),
        ),
        summary=(Paragraph(p("Summary text.")),),
    )
    flow = lay_out(doc).flow
    shown = [
        f"h{node.level}:{plain(node.text)}" if isinstance(node, Heading) else str(place.caption or type(node).__name__)
        for node, place in flow
    ]
    assert shown == [
        "h1:Summary",
        "Paragraph",
        "h1:One",
        "Figure 1: Incidents per month",
        "Table 1: First",
        "h2:Sub",
        "Callout",
        "h1:Two",
        "Table 2",
    ]
    assert all(place.keep_with_next for node, place in flow if isinstance(node, Heading))
    assert flow[0][0].summary and not flow[2][0].summary


def test_a_turned_table_takes_its_heading_and_introduction_to_the_turned_page():
    p = parse_inline
    intro = Paragraph(p("The response, country by country:"))
    prose = Paragraph(p("A long paragraph that does not introduce anything. " * 8))
    doc = Briefing(
        "T",
        (
            Section(p("Wide"), (intro, twelve_columns())),
            Section(p("Later"), (prose, twelve_columns())),
        ),
    )
    turns = [(type(node).__name__, place.turn) for node, place in lay_out(doc).flow]
    assert turns == [
        ("Heading", True),  # heading, introduction and table go to the turned page together
        ("Paragraph", False),
        ("Table", False),
        ("Heading", False),
        ("Paragraph", False),
        ("Table", True),  # the paragraph before it stays on the page it is on
    ]


def test_a_wide_number_far_down_a_long_column_is_measured():
    values = [(i,) for i in range(1, 5000)] + [(-123_456_789.125,)] + [(7,)] * 3000
    laid = geometry(Table(("Amount",), tuple(values)), Style())
    widest = width("-123,456,789.125", laid.size)
    assert laid.columns[0].width - 2 * laid.padding >= widest


def test_rows_read_as_row_tuples_whatever_they_are_held_as():
    import pickle

    from briefing.model import Rows

    given = ((1, "a"), (2, "b"), (3, None))
    table = Table(("n", "s"), given)
    rows = table.rows
    assert isinstance(rows, Rows) and rows.columns == ((1, 2, 3), ("a", "b", None))
    assert rows == given and list(rows) == list(given) and len(rows) == 3
    assert rows[-1] == (3, None) and rows[1:] == given[1:] and isinstance(rows[1:], Rows)
    assert list(rows.between(1, 99)) == list(given[1:])
    assert pickle.loads(pickle.dumps(table)) == table and hash(table) == hash(Table(("n", "s"), given))
    with pytest.raises(IndexError):
        rows[3]
    with pytest.raises(ValueError, match="every row must have 2 values"):
        Table(("n", "s"), ((1,),))
    assert Table(("n",), ()).rows == () and list(Table(("n",), ()).rows) == []
