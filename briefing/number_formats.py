"""Column formats: which values each applies to, the language their numbers and dates are written in, and
the same format as Excel's number format.

The text a format gives a value in documents is ``layout.text.formatted``; both follow the locale's own
patterns (Babel's CLDR data): where its percent sign and currency symbol stand, and its month names."""

from __future__ import annotations

import datetime as dt
import decimal
import locale as system_locale
import re
from functools import cache

from .model import Cell, NumberFormat

# Babel loads with the first number or date written by it: a column's format, a language other than
# English, a locale: or a currency. An English briefing without formats needs none of it.

LOCALE = "en"
"""The locale of an English briefing: grouping, decimal point, currency symbols and month names as English
writes them, whatever its region (en-GB reads as en)."""

FORMAT_NEEDS = {"integer": "number", "decimal": "number", "percent": "number", "currency": "number", "date": "date"}
"""What kind of value each format shows."""
DATE_PATTERN = "d MMM y"
"""A formatted date, as the locale writes it ("1 Dec 2026", "1 déc. 2026"); Excel's ``d mmm yyyy``."""


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
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


def currency_precision(code: str) -> int:
    """Usual digits after the point for a currency: 2 for EUR, 0 for JPY or XOF."""
    from babel.numbers import get_currency_precision

    return int(get_currency_precision(code))


@cache
def known_locale(tag: str) -> str | None:
    """Babel's name for the locale of a BCP 47 tag ("fr-NE" is "fr_NE"), or None where Babel has none."""
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(tag.strip(), sep="-"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None


@cache
def locale_tags() -> tuple[str, ...]:
    """Every locale Babel knows, as BCP 47 tags (fr-NE), for a did-you-mean."""
    from babel.localedata import locale_identifiers

    return tuple(sorted(name.replace("_", "-") for name in locale_identifiers()))


def number_locale(language: str | None) -> str:
    """The locale a briefing in ``language`` writes its numbers and dates in: English usage for any English
    briefing, the language's own where Babel knows it (the region's, else the language's), else English."""
    if not language or language.split("-")[0].lower() == "en":
        return LOCALE
    return known_locale(language) or known_locale(language.split("-")[0]) or LOCALE


def digits_pattern(fmt: NumberFormat) -> str:
    return "#,##0" + ("." + "0" * fmt.decimals if fmt.decimals else "")


_NUMBER = re.compile(r"[#0,.]+")
"""The digits of a CLDR pattern, between the prefix and suffix that hold its signs."""


@cache
def affixes(locale: str, kind: str) -> tuple[str, str]:
    """What stands before and after the digits of a positive percentage or amount in ``locale``: ("", "%")
    in English, ("", "\u00a0%") in French; "¤" for the currency symbol."""
    from babel import Locale

    parsed = Locale.parse(locale)
    pattern = (parsed.percent_formats[None] if kind == "percent" else parsed.currency_formats["standard"]).pattern
    positive = pattern.split(";")[0]
    match = _NUMBER.search(positive)
    assert match is not None, f"a CLDR {kind} pattern holds digits: {pattern!r}"
    return positive[: match.start()], positive[match.end() :]


@cache
def symbol(code: str, locale: str = LOCALE) -> str:
    """A currency's symbol as ``locale`` writes it ("$", "F\u202fCFA")."""
    from babel.numbers import get_currency_symbol

    return str(get_currency_symbol(code, locale))


def currency_sides(code: str, locale: str = LOCALE) -> tuple[str, str]:
    """The texts before and after an amount's digits: ("$", ""), ("CHF\u00a0", ""), ("", "\u00a0€")."""
    before, after = affixes(locale, "currency")
    sign = symbol(code, locale)
    # A symbol made of letters ("CHF", "F CFA") needs a space between it and the digits.
    spaced = sign[-1:].isalpha()
    before = before.replace("¤", sign + ("\u00a0" if spaced and before.endswith("¤") else ""))
    after = after.replace("¤", ("\u00a0" if spaced and after.startswith("¤") else "") + sign)
    return before, after


def excel_format(fmt: NumberFormat) -> str:
    """The Excel number format that shows a typed cell as the documents show it: the same decimals, percent
    sign and currency symbol where its locale (``fmt.locale``) puts them, and for a date, the locale's tag
    so that Excel writes its month names. Group and decimal marks follow the reader's system, as Excel's do."""
    locale = fmt.locale or LOCALE
    match fmt.kind:
        case "date":
            return date_format(locale)
        case "percent":
            before, after = affixes(locale, "percent")
            return _quoted(before) + digits_pattern(fmt) + _quoted(after)
        case "currency":
            before, after = currency_sides(fmt.currency, locale)
            return _quoted(before) + digits_pattern(fmt) + _quoted(after)
    return digits_pattern(fmt)


def decimals_of(value: int | float) -> int:
    """How many decimals a number without a format shows in the documents: every one its shortest text
    has (3400.5: 1), none for a whole number; at most the 15 digits Excel keeps."""
    if isinstance(value, int) or value.is_integer():
        return 0
    text = repr(value)
    if "e" in text or "E" in text:
        exponent = decimal.Decimal(text).as_tuple().exponent
        return min(-exponent, 15) if isinstance(exponent, int) and exponent < 0 else 0
    return min(len(text) - text.index(".") - 1, 15)


def plain_format(value: int | float) -> str:
    """The Excel number format that shows a number of a column without a format as the documents do:
    thousands grouped, and the decimals it has ("#,##0.0" for 3400.5)."""
    places = decimals_of(value)
    return "#,##0." + "0" * places if places else "#,##0"


def date_format(locale: str = LOCALE) -> str:
    """Excel's format for a date as ``DATE_PATTERN`` writes it, tagged with the locale's Windows language
    code where it has one ("[$-40C]d mmm yyyy" in French), so that Excel writes its month names."""
    code = _lcid(locale)
    return ("" if locale == LOCALE or code is None else f"[$-{code:X}]") + "d mmm yyyy"


def _quoted(text: str) -> str:
    """Literal text of an Excel number format, split round a percent sign, which Excel must see bare."""
    parts = text.split("%")
    return "%".join(f'"{part}"' if part else "" for part in parts)


@cache
def _lcid(locale: str) -> int | None:
    """The Windows language code of a Babel locale (0x40C for fr_FR): its own, else its language's first."""
    names = {name.lower(): code for code, name in sorted(system_locale.windows_locale.items())}
    if locale.lower() in names:
        return names[locale.lower()]
    language = locale.split("_")[0].lower()
    own = names.get(f"{language}_{language}")
    if own is not None:
        return own
    return next((code for name, code in names.items() if name.split("_")[0] == language), None)
