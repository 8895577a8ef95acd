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

_NUMBER = re.compile(r'^(?:"([^"]*)")?#,##0(?:\.(0+))?(?:"([^"]*)")?(%?)$')
"""A number format the xlsx writer writes: text before the digits (a currency symbol), the decimals,
text after them (a symbol, the space before a French percent sign), and a percent sign."""
_LOCALE_TAG = re.compile(r"^\[\$-[0-9A-Fa-f]+\]")


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
    code = _LOCALE_TAG.sub("", code)  # a date's language: the preview writes English months
    number = _NUMBER.match(code)
    if number and isinstance(value, (int, float)) and not isinstance(value, bool):
        before, decimals, after, percent = number.groups()
        count = len(decimals or "")
        kind = NumberFormat("percent" if percent else ("decimal" if count else "integer"), count)
        digits = formatted(abs(value), kind).removesuffix("%")
        return f"{'-' if value < 0 else ''}{before or ''}{digits}{after or ''}{percent}"
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
    return None
