"""The bidirectional layout of a PDF line, from text to runs in visual order (python-bidi's levels)."""

from __future__ import annotations

from briefing.writers.pdf.bidi import Piece, levels, visual_runs


def test_levels_follow_the_unicode_bidirectional_algorithm():
    # Left-to-right paragraph: Hebrew at level 1, the number inside it at 2, the trailing space at 0 (L1).
    assert levels("ab אב 12 גד ", rtl=False) == [0, 0, 0, 1, 1, 1, 2, 2, 1, 1, 1, 0]
    # Right-to-left paragraph: English at level 2, the space between them at the paragraph's level.
    assert levels("אב cd", rtl=True) == [1, 1, 1, 2, 2]


def test_runs_are_drawn_from_the_left_in_visual_order_each_knowing_where_it_was_written():
    pieces = [Piece("Said: ", "latin"), Piece("مرحبا بكم", "arabic"), Piece(" (welcome).", "latin")]
    runs = visual_runs(pieces, rtl=False)
    assert [(r.text, r.font, r.level % 2) for r in runs] == [
        ("Said: ", "latin", 0),
        ("مرحبا بكم", "arabic", 1),
        (" (welcome).", "latin", 0),
    ]
    assert [r.start for r in runs] == [0, 6, 15]


def test_a_right_to_left_line_puts_its_first_words_at_the_right():
    text = "عام 2026 كان"
    runs = visual_runs([Piece(text, "arabic")], rtl=True)
    # From the left: the last word, the number (left to right inside), the first word.
    assert [r.text for r in runs] == [" كان", "2026", "عام "]
    assert [r.level for r in runs] == [1, 2, 1]
    assert "".join(r.text for r in sorted(runs, key=lambda r: r.start)) == text
