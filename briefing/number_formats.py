"""Column formats: which values each applies to, and the same format as Excel's number format.

The text a format gives a value in documents is ``layout.text.formatted``."""

from __future__ import annotations

import datetime as dt
from functools import cache

from babel.numbers import get_currency_precision, get_currency_symbol, list_currencies

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


def digits_pattern(fmt: NumberFormat) -> str:
    return "#,##0" + ("." + "0" * fmt.decimals if fmt.decimals else "")


@cache
def symbol(code: str) -> str:
    symbol = str(get_currency_symbol(code, LOCALE))
    # A symbol made of letters ("CHF", "F CFA") needs a space before the digits.
    return symbol + "\u00a0" if symbol[-1:].isalpha() else symbol


def excel_format(fmt: NumberFormat) -> str:
    """The Excel number format that shows a typed cell as ``show`` does."""
    match fmt.kind:
        case "date":
            return "d mmm yyyy"
        case "percent":
            return digits_pattern(fmt) + "%"
        case "currency":
            return f'"{symbol(fmt.currency)}"{digits_pattern(fmt)}'
    return digits_pattern(fmt)
