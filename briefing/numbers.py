"""Column formats: the text a value reads as in documents, and the same format as Excel's number format."""

from __future__ import annotations

import datetime as dt
import decimal
from functools import cache

from babel.dates import format_date
from babel.numbers import format_decimal, get_currency_precision, get_currency_symbol, list_currencies

from .model import Cell, NumberFormat

LOCALE = "en"
"""Grouping, decimal point, currency symbols and month names follow English usage."""

FORMAT_NEEDS = {"integer": "number", "decimal": "number", "percent": "number", "currency": "number", "date": "date"}
"""What kind of value each format shows."""


def fits(fmt: NumberFormat, value: Cell) -> bool:
    """Whether a format applies to a value: numbers (not booleans) for number formats, dates for dates."""
    if FORMAT_NEEDS[fmt.kind] == "date":
        return isinstance(value, dt.date)
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_currency(code: str) -> bool:
    """Whether ``code`` is an ISO 4217 currency code."""
    return code in _currencies()


@cache
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def currency_precision(code: str) -> int:
    """Usual digits after the point for a currency: 2 for EUR, 0 for JPY or XOF."""
    return int(get_currency_precision(code))


def _digits(fmt: NumberFormat) -> str:
    return "#,##0" + ("." + "0" * fmt.decimals if fmt.decimals else "")


@cache
def _symbol(code: str) -> str:
    symbol = str(get_currency_symbol(code, LOCALE))
    # A symbol made of letters ("CHF", "F CFA") needs a space before the digits.
    return symbol + "\u00a0" if symbol[-1:].isalpha() else symbol


def show(value: Cell, fmt: NumberFormat) -> str | None:
    """``value`` as text in ``fmt``; None when the format does not apply to it (text, empty)."""
    if not fits(fmt, value):
        return None
    if isinstance(value, dt.date):
        return format_date(value, "d MMM y", locale=LOCALE)
    assert isinstance(value, (int, float))
    number = decimal.Decimal(repr(value)) if isinstance(value, float) else decimal.Decimal(value)
    with decimal.localcontext() as context:
        # Excel rounds halves away from zero; so must the documents, or 2.5 would read 2 here and 3 there.
        context.rounding = decimal.ROUND_HALF_UP
        if fmt.kind == "percent":
            return format_decimal(number * 100, _digits(fmt), locale=LOCALE) + "%"
        text = format_decimal(number, _digits(fmt), locale=LOCALE)
    if fmt.kind == "currency":
        sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
        return f"{sign}{_symbol(fmt.currency)}{digits}"
    return text


def excel_format(fmt: NumberFormat) -> str:
    """The Excel number format that shows a typed cell as ``show`` does."""
    match fmt.kind:
        case "date":
            return "d mmm yyyy"
        case "percent":
            return _digits(fmt) + "%"
        case "currency":
            return f'"{_symbol(fmt.currency)}"{_digits(fmt)}'
    return _digits(fmt)
