"""Inline markup: bold, italic and links become spans; everything else is literal."""

import pytest

from briefing.model import Span, plain
from briefing.reading.inline import parse_inline


def test_bold_italic_and_link_become_spans():
    assert parse_inline("a **b** *c* [d](https://x.org/p?q=1&r=2)") == (
        Span("a "),
        Span("b", bold=True),
        Span(" "),
        Span("c", italic=True),
        Span(" "),
        Span("d", href="https://x.org/p?q=1&r=2"),
    )


def test_nesting():
    assert parse_inline("**a *b* c**") == (
        Span("a ", bold=True),
        Span("b", bold=True, italic=True),
        Span(" c", bold=True),
    )
    assert parse_inline("*a **b** c*") == (
        Span("a ", italic=True),
        Span("b", bold=True, italic=True),
        Span(" c", italic=True),
    )
    assert parse_inline("***both***") == (Span("both", bold=True, italic=True),)
    assert parse_inline("[**bold link**](https://x.org)") == (Span("bold link", bold=True, href="https://x.org"),)


@pytest.mark.parametrize(
    "text",
    [
        "a * b",
        "**unclosed",
        "2 ** 3",
        "*",
        "**",
        "****",
        "a ** b **",
        "<font color='red'>&amp;</font> \" ' & < >",
        "[not a link](javascript:alert(1))",
        "[no url]",
        "Москва Αθήνα 北京 مرحبا 🎉",
        "_underscores_ and snake_case are literal",
        "[relative](page.html) and <https://x.org> are not links",
        "C:\\Temp `code` &amp; # heading",
        "line one\nline two",
    ],
)
def test_everything_else_is_literal(text):
    spans = parse_inline(text)
    assert plain(spans) == text
    assert all(not (s.bold or s.italic or s.href) for s in spans)


def test_empty_emphasis_is_literal():
    assert plain(parse_inline("** **")) == "** **"


def test_link_text_and_target_are_kept_as_written():
    assert parse_inline("[Ségou report](https://example.org/r?a=1&b=é)") == (
        Span("Ségou report", href="https://example.org/r?a=1&b=é"),
    )
    assert parse_inline("[mail](mailto:desk@example.org)") == (Span("mail", href="mailto:desk@example.org"),)


def test_adversarial_markup_keeps_every_character():
    text = "*a " * 20000 + "[x](" * 5000 + "**b *" * 5000
    assert plain(parse_inline(text)) == text
