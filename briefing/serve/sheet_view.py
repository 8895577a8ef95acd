"""A workbook cell as Excel shows it, for the preview's sheet view: its number format applied.

The formats are the ones the xlsx writer sets (``numbers.excel_format``), so the text is the
one the documents show for the same value (``layout.text.formatted``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..layout.text import display, formatted
from ..model import NumberFormat

_CURRENCY = re.compile(r'^"(.+)"#,##0(?:\.(0+))?$')
_DIGITS = re.compile(r"^#,##0(?:\.(0+))?(%?)$")


def shown(cell: Any) -> str:
    """The text a reader sees in a cell."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    code = str(cell.number_format or "General")
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        value = value.date()
    currency = _CURRENCY.match(code)
    if currency and isinstance(value, (int, float)) and not isinstance(value, bool):
        decimals = len(currency.group(2) or "")
        digits = formatted(abs(value), NumberFormat("decimal" if decimals else "integer", decimals))
        return f"{'-' if value < 0 else ''}{currency.group(1)}{digits}"
    fmt = _format(code)
    if fmt is not None:
        try:
            return formatted(value, fmt)
        except (AssertionError, ValueError):
            pass
    return display(value)


def _format(code: str) -> NumberFormat | None:
    """The NumberFormat an Excel format code stands for, for the codes the xlsx writer writes."""
    if code in ("d mmm yyyy",):
        return NumberFormat("date")
    match = _DIGITS.match(code)
    if match:
        decimals = len(match.group(1) or "")
        return NumberFormat("percent" if match.group(2) else ("decimal" if decimals else "integer"), decimals)
    return None
