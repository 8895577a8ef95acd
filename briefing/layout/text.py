"""The text a reader sees for a value: one function for every writer that shows text."""

from __future__ import annotations

import datetime as dt
import decimal
import re
import unicodedata
from collections.abc import Callable, Sequence

from ..model import Briefing, Cell, NumberFormat
from ..number_formats import DATE_PATTERN, LOCALE, affixes, currency_sides, digits_pattern, fits, number_locale

Show = Callable[[Cell], str]


# XML 1.0 cannot hold these characters at all; formats replace them with a visible U+FFFD
# rather than failing or dropping text silently.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` with characters XML cannot carry replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def has_rtl(text: str) -> bool:
    """Whether ``text`` holds a right-to-left letter (Arabic, Hebrew, N'Ko…), as the Unicode bidi classes say."""
    return not text.isascii() and any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


"""Turns a value of one column into its text."""


def display(value: Cell, fmt: NumberFormat | None = None, grouped: bool = True, locale: str = LOCALE) -> str:
    """``value`` as a reader sees it in a document: in ``fmt`` where the format applies to it.

    Numbers without a format get thousands separators unless ``grouped`` is False (a column of years),
    and a whole float reads as a whole number, as Excel shows it; booleans read as Yes or No, an empty
    value as nothing. Numbers and dates are written as ``locale`` (a Babel locale) writes them; in
    English, dates without a format read as written (ISO).
    """
    if fmt is not None and fits(fmt, value):
        return formatted(value, fmt, locale)
    if locale != LOCALE and isinstance(value, (int, float, dt.date)) and not isinstance(value, bool):
        return _localised(value, grouped, locale)
    match value:
        case None:
            return ""
        case bool():
            return "Yes" if value else "No"
        case dt.datetime():
            return value.isoformat(sep=" ", timespec="minutes")
        case dt.date():
            return value.isoformat()
        case float() if value.is_integer():
            # As Excel's General format shows it: 3.0 reads 3, in every format.
            return display(int(value), None, grouped)
        case int() | float() if grouped:
            return f"{value:,}"
        case float():
            return repr(value)
        case _:
            return str(value)


def _localised(value: int | float | dt.date, grouped: bool, locale: str) -> str:
    """A number or date without a format, in a language other than English: every digit it has, in the
    locale's marks; a date in the locale's words ("1 déc. 2026")."""
    # Babel loads here and in ``formatted``: an English briefing without formats never needs it.
    from babel.dates import format_date, format_datetime
    from babel.numbers import format_decimal

    if isinstance(value, dt.datetime):
        return str(format_datetime(value, DATE_PATTERN + " HH:mm", locale=locale))
    if isinstance(value, dt.date):
        return str(format_date(value, DATE_PATTERN, locale=locale))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not grouped:
        return str(value)
    number = decimal.Decimal(repr(value))
    return str(format_decimal(number, "#,##0.###" if grouped else "0.###", locale=locale, decimal_quantization=False))


def formatted(value: Cell, fmt: NumberFormat, locale: str = LOCALE) -> str:
    """``value`` in ``fmt``, which must fit it (``numbers.fits``): the text Excel shows for the same format,
    written as the format's locale, else ``locale``, writes it ("1 735", "0,118", "12,5 %", "1 déc. 2026")."""
    from babel.dates import format_date
    from babel.numbers import format_decimal

    locale = fmt.locale or locale
    if isinstance(value, dt.date):
        return str(format_date(value, DATE_PATTERN, locale=locale))
    assert isinstance(value, (int, float)) and not isinstance(value, bool)
    number = decimal.Decimal(repr(value)) if isinstance(value, float) else decimal.Decimal(value)
    with decimal.localcontext() as context:
        # Excel rounds halves away from zero; so must the documents, or 2.5 would read 2 here and 3 there.
        context.rounding = decimal.ROUND_HALF_UP
        if fmt.kind == "percent":
            number *= 100
        text = str(format_decimal(number, digits_pattern(fmt), locale=locale))
    if fmt.kind == "integer" or fmt.kind == "decimal":
        return text
    before, after = affixes(locale, "percent") if fmt.kind == "percent" else currency_sides(fmt.currency, locale)
    sign, digits = (text[0], text[1:]) if text[:1] in ("-", "\u2212") else ("", text)
    return f"{sign}{before}{digits}{after}"


def is_number(value: Cell) -> bool:
    """True for ints and floats, which booleans are not; numbers align to the right."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_years(values: Sequence[Cell]) -> bool:
    """Whether values are all years (written 2024, never 2,024)."""
    return bool(values) and all(isinstance(v, int) and not isinstance(v, bool) and 1800 <= v <= 2100 for v in values)


def grouped(values: Sequence[Cell], fmt: NumberFormat | None) -> bool:
    """Whether a column's numbers get thousands separators: all but a column of years with no format."""
    return fmt is not None or not is_years([v for v in values if v is not None])


def column_text(values: Sequence[Cell], fmt: NumberFormat | None, locale: str = LOCALE, rtl: bool = False) -> Show:
    """How the values of one column read: in its format, and years without separators, in ``locale``;
    in a right-to-left briefing (``rtl``), numbers kept in their left-to-right order (``left_to_right``)."""
    groups = grouped(values, fmt)
    if rtl:
        return lambda value: (
            left_to_right(display(value, fmt, groups, locale))
            if is_number(value)
            else display(value, fmt, groups, locale)
        )
    return lambda value: display(value, fmt, groups, locale)


LRM = "\u200e"
"""The left-to-right mark: invisible, a letter written left to right as far as the bidi algorithm goes."""
RLM = "\u200f"


def left_to_right(text: str) -> str:
    """A number's text as it reads in a right-to-left line: in the order it is written, sign and currency
    where they stand in the text, as the PDF draws it. A number that is more than digits and marks (a
    minus, a currency, a percent sign) is put between left-to-right marks, and the right-to-left mark
    Arabic patterns start a currency with is left out, so that the Unicode bidi algorithm keeps it whole
    (Word, LibreOffice and browsers alike)."""
    if not text or (text[0].isdigit() and text[-1].isdigit() and RLM not in text):
        return text
    return LRM + text.replace(RLM, "") + LRM


def human_date(day: dt.date) -> str:
    """A date as people write it: "24 November 2026"."""
    return f"{day.day} {day:%B %Y}"


def meta_line(doc: Briefing) -> str:
    """Source, date and author in one line, e.g. "Focus on Africa · 24 November 2026 · By Africa Desk",
    the date as the briefing's language writes it and "By" in its words (``labels: by``)."""
    parts = [doc.source, long_date(doc.date, doc.language) if doc.date else None]
    if doc.author:
        parts.append(f"{doc.labels.by} {doc.author}")
    return " · ".join(p for p in parts if p)


def long_date(day: dt.date, language: str) -> str:
    """A date written out in ``language`` (a BCP 47 tag): "24 November 2026", "24 novembre 2026"."""
    # The locale the briefing's numbers are written in: a region Babel does not know (fr-XX) falls back
    # to the language (fr), a language it does not know to English, for the date line as for the tables.
    locale = number_locale(language)
    if locale == LOCALE:
        return human_date(day)
    from babel.dates import format_date

    return str(format_date(day, format="long", locale=locale))
