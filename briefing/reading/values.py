"""Table values as types: numbers and dates written as text, column types inferred or forced, comparisons."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence

from ..layout.text import display, is_number
from ..model import COLUMN_TYPES, Cell

# Numbers as analysts write them: 1234, -1,234,567, 12.5, 1.2e6. Not Python's
# wider float() syntax ("nan", "1_000", "infinity"), which no data file means.
_INTEGER = re.compile(r"[+-]?(?:\d+|\d{1,3}(?:,\d{3})+)")
_NUMBER = re.compile(r"[+-]?(?:(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_TRUE, _FALSE = ("true", "yes"), ("false", "no")


def convert(value: Cell, kind: str) -> Cell:
    """``value`` read as ``kind``; raises ValueError when it is not one."""
    if value is None:
        return None
    match kind:
        case "text":
            return value if isinstance(value, str) else _as_text(value)
        case "integer":
            if isinstance(value, float) and value.is_integer():
                return int(value)
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
                return int(value.strip().replace(",", ""))
        case "number":
            if is_number(value):
                return value
            if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
                text = value.strip().replace(",", "")
                return int(text) if _INTEGER.fullmatch(text) else float(text)
        case "date":
            if isinstance(value, dt.date):
                return value
            if isinstance(value, str):
                return _date(value.strip())
        case "boolean":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
                return value.strip().lower() in _TRUE
    raise ValueError(kind)


def _date(text: str) -> dt.date:
    if len(text) == 10:
        return dt.date.fromisoformat(text)
    return dt.datetime.fromisoformat(text)


def _as_text(value: Cell) -> str:
    # A value read as text is the text a reader sees of it, without thousands separators.
    return display(value, grouped=False)


# What a value of each type looks like, valid or not: "2026-02-30" looks like a date and
# "1,23,4" like an integer. A column whose values all look like one type is of that type,
# and a value that looks like it but is not one is a mistake to report, not a reason to
# read the whole column as text.
_LOOKS_LIKE = {
    "integer": re.compile(r"[+-]?\d[\d,]*"),
    "number": re.compile(r"[+-]?(?:\d[\d,]*)?(?:\.\d*)?(?:[eE][+-]?\d+)?"),
    "date": re.compile(r"\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"),
    "boolean": re.compile(r"(?i:true|false|yes|no)"),
}


def looks_like(text: str) -> str | None:
    """The narrowest type a text looks like, valid or not: "integer", "number", "date", "boolean" or None."""
    text = text.strip()
    if not text:
        return None
    if text[0] in _NUMERIC_START:
        for kind in ("integer", "number", "date"):
            if _LOOKS_LIKE[kind].fullmatch(text):
                # A sign or a point alone is not a number.
                return kind if kind == "date" or any(c.isdigit() for c in text) else None
        return None
    return "boolean" if _LOOKS_LIKE["boolean"].fullmatch(text) else None


_NUMERIC_START = frozenset("0123456789+-.")
"""How a number or a date can begin: anything else is tried as a boolean only."""
_FITS = {"integer": {"integer"}, "number": {"integer", "number"}, "date": {"date"}, "boolean": {"boolean"}}
"""Which looks each type takes: a column of integers and numbers is of numbers."""


def infer(values: Iterable[Cell]) -> str | None:
    """The narrowest type every text value looks like (None when all are empty, or some are not text).

    Only values read as text (from CSV) are inferred; values that already
    have types (from YAML, JSON or Excel) keep them. A value that looks like
    the type but is not one (an impossible date) is left for ``convert`` to refuse.
    """
    seen: set[str] = set()
    looks: dict[str, str | None] = {}
    for value in values:
        if value is None:
            continue
        if not isinstance(value, str):
            return None
        kind = looks.get(value, "")
        if kind == "":
            kind = looks_like(value)
            if len(looks) < 4096:  # repeated texts are looked at once
                looks[value] = kind
        if kind is None:
            return None  # text: no need to look further
        if kind not in seen:
            seen.add(kind)
            if not any(seen <= fits for fits in _FITS.values()):
                return None  # two kinds that no type takes together, such as dates and numbers
    return next((kind for kind in COLUMN_TYPES[:-1] if seen and seen <= _FITS[kind]), None)


def why_not(value: Cell, kind: str) -> str:
    """Why a value that looks like ``kind`` is not one, in a reader's words ("" when there is nothing to add)."""
    if kind == "date" and isinstance(value, str):
        return impossible_date(value.strip()) or ""
    if kind in ("integer", "number") and isinstance(value, str) and "," in value:
        if other_marks(value):
            return other_marks(value) or ""
        if _LOOKS_LIKE[kind].fullmatch(value.strip()):
            return "its thousands are not grouped in threes"
    return ""


_OTHER_MARKS = ("fr", "de")
"""Languages whose numbers put a comma before the decimals, and a space (French) or a point (German)
between thousands: the ways a data file's numbers are most often written other than as English does."""


def other_marks(text: str) -> str | None:
    """What to tell of a text that is a number as another language writes it ("0,12", "1 234", "1.234,5"),
    which a data file's numbers are not read as (a decimal point, commas between thousands); else None."""
    text = text.strip()
    if not text or text[0] not in _NUMERIC_START or looks_like(text) in ("integer", "number") and "," not in text:
        return None
    from babel import Locale
    from babel.numbers import NumberFormatError, get_group_symbol, parse_decimal

    for language in _OTHER_MARKS:
        group = get_group_symbol(language)
        try:
            parse_decimal(text.replace(" ", group).replace("\u00a0", group), locale=language, strict=True)
        except (NumberFormatError, ValueError):
            continue
        return (
            f"it is written as {Locale.parse(language).english_name} writes numbers, while a data file's numbers "
            "are read with '.' before the decimals and ',' between thousands: save the file so, or give the data "
            "as .xlsx or .json"
        )
    return None


def impossible_date(text: str) -> str | None:
    """What is wrong with a date written YYYY-MM-DD that does not exist, or None."""
    match = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return f"{calendar.month_name[month]} {year} has no day {day} (it has {days})"
    return None


def type_name(kind: str) -> str:
    """How messages name a type: "an integer", "a date"."""
    return {"integer": "an integer", "number": "a number", "date": "a date (YYYY-MM-DD)"}.get(kind, f"a {kind}")


# -- filters and sorting ---------------------------------------------------------

Test = Callable[[Cell], bool]


def test(op: str, wanted: Cell | list[Cell]) -> Test:
    """A test of one value against ``wanted``: ``op`` is one of shapes.OPERATORS.

    Empty values pass only ``!=`` and ``not in``; text compares without regard to case.
    """
    match op:
        case "in" | "not in":
            keys = {_key(w) for w in (wanted if isinstance(wanted, list) else [wanted])}
            inside = op == "in"
            return lambda v: (v is not None and _key(v) in keys) == inside
        case "contains":
            needle = str(wanted).casefold()
            return lambda v: v is not None and needle in _as_text(v).casefold()
        case "!=":
            target = _key(wanted)  # type: ignore[arg-type]
            return lambda v: v is None or _key(v) != target
    target = _key(wanted)  # type: ignore[arg-type]
    compare: Callable[[object, object], bool] = {
        "==": lambda a, b: a == b,
        "<": lambda a, b: a < b,  # type: ignore[operator]
        "<=": lambda a, b: a <= b,  # type: ignore[operator]
        ">": lambda a, b: a > b,  # type: ignore[operator]
        ">=": lambda a, b: a >= b,  # type: ignore[operator]
    }[op]
    return lambda v: v is not None and compare(_key(v), target)


def _key(value: Cell) -> object:
    """A value as filters and sorts compare it: text without case, numbers as numbers."""
    if isinstance(value, str):
        return value.casefold()
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    return value


def comparable(values: Sequence[Cell], wanted: Cell) -> bool:
    """Whether a filter value can be compared with a column's values (numbers with numbers, and so on)."""
    present = [v for v in values if v is not None]
    if wanted is None or not present:
        return True
    return all(_family(v) == _family(wanted) for v in present)


def _family(value: Cell) -> str:
    if is_number(value):
        return "number"
    if isinstance(value, dt.date):
        return "date"
    return type(value).__name__


def sort_key(descending: bool) -> Callable[[Cell], tuple[bool, object]]:
    """A key that sorts empty values last in either direction (use with ``reverse=descending``)."""
    if descending:
        return lambda v: (v is not None, _key(v) if v is not None else 0)
    return lambda v: (v is None, _key(v) if v is not None else 0)
