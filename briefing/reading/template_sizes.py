"""How much a template's call, filter or format would make, known before it runs.

A template's budget is only a budget if every value is counted before it is made:
``(' ' * 30000).replace(' ', ' ' * 30000)`` takes two small values and makes 900
million characters, and ``([[0] * 3000] * 3000) | sum(start=[])`` runs for minutes.
So each method, filter and global a template may call has a size here: an upper bound
on the characters (or items) of what it makes, computed from its arguments without
making it. A callable with no size here is not one a template may call.

The sizes are bounds, not guesses: where a result may grow (case changes, escapes),
the bound takes the largest growth, and a call near the limit may be refused.
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from jinja2.filters import make_attrgetter
from jinja2.runtime import LoopContext
from jinja2.utils import Cycler, Joiner, Namespace, generate_lorem_ipsum
from markupsafe import Markup

Size = Callable[..., int]

CASE_GROWTH = 3
"""Characters one character may become when its case changes ('ŉ'.upper() is 'ʼN', 'ΐ' three)."""
ESCAPE_GROWTH = 12
"""Characters one character may become when escaped: JSON's '\\ud83d\\ude00', a URL's '%F0%9F%98%80'."""
MARKUP_GROWTH = 5
"""Characters one character may become when Markup escapes it ('"' is '&#34;')."""
NUMBER_TEXT = 400
"""Characters a number may take when formatted (a float written out in full, '%f' % 1e308, has 309)."""
WORD = 16
"""Characters of a lorem ipsum word with its space and punctuation, and of one strftime directive's text."""


def text_size(value: Any, limit: int) -> int:
    """Characters of ``str(value)``, counted without making it; once past ``limit``, some number past it.

    Counting stops as soon as the total passes the limit, so a list holding one long
    text a million times costs as little to measure as the text once.
    """
    if isinstance(value, str):
        return len(value)
    total, stack = 0, [value]
    while stack and total <= limit:
        item = stack.pop()
        total += _own_size(item, stack, nested=item is not value)
    return total


def _own_size(item: Any, stack: list[Any], nested: bool) -> int:
    """Characters ``item`` adds by itself (brackets, separators, a leaf's text); its contents go on the stack."""
    if isinstance(item, str):
        return len(repr(item)) if nested else len(item)
    if isinstance(item, bool) or item is None:
        return 5
    if isinstance(item, int):
        return item.bit_length() // 3 + 2  # digits, with room for a sign
    if isinstance(item, float):
        return 24
    if isinstance(item, (list, tuple, set, frozenset)):
        stack.extend(item)
        return 2 + 2 * len(item)
    if isinstance(item, Mapping):
        stack.extend(item.keys())
        stack.extend(item.values())
        return 2 + 4 * len(item)
    if isinstance(item, Namespace):
        attrs = object.__getattribute__(item, "_Namespace__attrs")
        stack.append(attrs)
        return 12
    return len(str(item))


def _size(value: Any, limit: int) -> int:
    """The length of a sized value (a text's characters, a list's items), else the characters of its text."""
    return len(value) if isinstance(value, (str, list, tuple, dict)) else text_size(value, limit)


# -- printf-style formats (``'%5s' % x`` and the format filter) -----------------------

_CONVERSION = re.compile(
    r"%(?:\((?P<key>[^)]*)\))?[#0\- +]*(?P<width>\*|\d+)?(?:\.(?P<precision>\*|\d+))?[hlL]?(?P<kind>.)", re.S
)


def printf_size(form: str, values: Any, limit: int) -> int:
    """Characters ``form % values`` would make, at most; 0 when Python would refuse the format anyway."""
    positional = list(values) if isinstance(values, tuple) else [values]
    total = len(form)
    for match in _CONVERSION.finditer(form):
        if match["kind"] == "%":
            continue
        width = _star(match["width"], positional)
        precision = _star(match["precision"], positional)
        if match["key"] is not None:
            value = values.get(match["key"]) if isinstance(values, Mapping) else None
        else:
            value = positional.pop(0) if positional else None
        total += max(width, _converted(match["kind"], value, limit) + precision)
        if total > limit:
            break
    return total


def _star(written: str | None, positional: list[Any]) -> int:
    if written is None:
        return 0
    if written != "*":
        return int(written)
    given = positional.pop(0) if positional else 0
    return abs(given) if isinstance(given, int) else 0


def _converted(kind: str, value: Any, limit: int) -> int:
    if kind in "ra":
        return ESCAPE_GROWTH * text_size([value], limit)  # repr and ascii escape what they cannot show
    if kind == "s":
        return text_size(value, limit)
    return NUMBER_TEXT


# -- str.format fields -------------------------------------------------------------

_FORMAT_SPEC = re.compile(r"(?:.?[<>=^])?[-+ ]?z?#?0?(?P<width>\d*)[,_]?(?:\.(?P<precision>\d+))?", re.S)


def field_size(value: Any, spec: str, limit: int) -> int:
    """Characters one ``{}`` field makes from ``value`` under the format ``spec``, at most."""
    match = _FORMAT_SPEC.match(spec)
    width = int(match["width"] or 0) if match else 0
    precision = int(match["precision"] or 0) if match else 0
    own = text_size(value, limit) + precision
    if isinstance(value, (int, float)):
        own += NUMBER_TEXT
    elif not isinstance(value, str):
        own += WORD * len(spec)  # a date's spec is a strftime format: '%c' is 24 characters
    return max(width, own)


# -- methods -----------------------------------------------------------------------


def _iterable(args: list[Any], at: int = 0) -> list[Any]:
    """The iterable argument at ``at`` read into a list, so it can be measured and then still passed."""
    if len(args) > at and not isinstance(args[at], (list, tuple, str, dict)):
        args[at] = list(args[at])
    return args[at] if len(args) > at else []


def _replace(s: str, args: list[Any], kwargs: dict[str, Any], limit: int) -> int:
    old, new = (list(args) + ["", ""])[:2]
    if not isinstance(old, str) or not isinstance(new, str):
        return 0  # str.replace will refuse them
    count = args[2] if len(args) > 2 else kwargs.get("count", -1)
    times = s.count(old) if old else len(s) + 1
    if isinstance(count, int) and count >= 0:
        times = min(times, count)
    return len(s) + times * max(0, len(new) - len(old))


def _join(s: str, args: list[Any], kwargs: dict[str, Any], limit: int) -> int:
    items = _iterable(args)
    total = len(s) * max(0, len(items) - 1)
    for item in items:
        total += len(item) if isinstance(item, str) else 0
        if total > limit:
            break
    return total


def _expandtabs(s: str, args: list[Any], kwargs: dict[str, Any], limit: int) -> int:
    size = args[0] if args else kwargs.get("tabsize", 8)
    return len(s) + s.count("\t") * (size if isinstance(size, int) and size > 0 else 0)


def _width(s: str, args: list[Any], kwargs: dict[str, Any], limit: int) -> int:
    width = args[0] if args else kwargs.get("width", 0)
    return max(len(s), width if isinstance(width, int) else 0)


def _case(s: str, args: list[Any], kwargs: dict[str, Any], limit: int) -> int:
    return len(s) if s.isascii() else CASE_GROWTH * len(s)


def _same(s: Any, args: list[Any], kwargs: dict[str, Any], limit: int) -> int:
    return len(s) + 1


def _one(s: Any, args: list[Any], kwargs: dict[str, Any], limit: int) -> int:
    return 1


def _strftime(s: Any, args: list[Any], kwargs: dict[str, Any], limit: int) -> int:
    form = args[0] if args else kwargs.get("format", "")
    return WORD * len(form) if isinstance(form, str) else 0


_STR: dict[str, Size] = {
    "replace": _replace,
    "join": _join,
    "expandtabs": _expandtabs,
    **dict.fromkeys(("center", "ljust", "rjust", "zfill"), _width),
    **dict.fromkeys(("capitalize", "casefold", "lower", "upper", "swapcase", "title"), _case),
    **dict.fromkeys(
        "strip lstrip rstrip split rsplit splitlines partition rpartition removeprefix removesuffix".split(), _same
    ),
    **dict.fromkeys(
        "startswith endswith find rfind index rindex count isalnum isalpha isascii isdecimal isdigit "
        "isidentifier islower isnumeric isprintable isspace istitle isupper".split(),
        _one,
    ),
}


def _added(s: Any, args: list[Any], kwargs: dict[str, Any], limit: int) -> int:
    added = _iterable(args) if args else kwargs
    return len(added) + len(kwargs)


_LIST: dict[str, Size] = {
    **dict.fromkeys(("count", "index", "pop", "remove", "clear", "reverse", "append", "insert"), _one),
    **dict.fromkeys(("copy", "sort"), _same),
    "extend": _added,
}
_DICT: dict[str, Size] = {
    **dict.fromkeys(("get", "pop", "popitem", "clear", "keys", "values", "items", "setdefault"), _one),
    "copy": _same,
    "update": _added,
}
LOOKUPS = frozenset(
    "append insert pop popitem clear get setdefault keys values items update extend cycle changed next reset".split()
)
"""Methods that do not go through what they belong to, nor through what they are given, but what they add."""
GROWING = (list, dict)
"""What a method may make longer: checked against the limit after each call."""
_NUMBER: dict[str, Size] = dict.fromkeys(
    ("bit_length", "bit_count", "conjugate", "is_integer", "as_integer_ratio"), _one
)
_DATE: dict[str, Size] = {
    "strftime": _strftime,
    **dict.fromkeys(
        "isoformat weekday isoweekday isocalendar replace date time toordinal timestamp ctime".split(), _one
    ),
}
_JINJA: dict[type, dict[str, Size]] = {
    LoopContext: dict.fromkeys(("cycle", "changed"), _one),
    Cycler: dict.fromkeys(("next", "reset"), _one),
}


def _lipsum(args: list[Any], kwargs: dict[str, Any], limit: int) -> int:
    bound = inspect.signature(generate_lorem_ipsum).bind(*args, **kwargs)
    bound.apply_defaults()
    paragraphs, most = bound.arguments["n"], bound.arguments["max"]
    if not isinstance(paragraphs, int) or not isinstance(most, int):
        return 0
    return max(paragraphs, 0) * (max(most, 0) * WORD + 16)


def _made(args: list[Any], kwargs: dict[str, Any], limit: int) -> int:
    """A dict, namespace or cycler holds what it is given: one item for each."""
    return sum(_size(a, limit) if isinstance(a, (list, tuple, dict)) else 1 for a in args) + len(kwargs)


GLOBALS: dict[Any, Callable[[list[Any], dict[str, Any], int], int]] = {
    generate_lorem_ipsum: _lipsum,
    dict: _made,
    Namespace: _made,
    Cycler: _made,
    Joiner: _made,
}


def call_size(target: Any, args: list[Any], kwargs: dict[str, Any], limit: int) -> int | None:
    """What calling ``target`` makes, at most; None for a callable a template may not call.

    ``args`` may be changed in place: an iterator given to ``join`` or ``extend`` is read
    into a list to be measured, and the list is what the call then gets.
    """
    if isinstance(target, Joiner):
        return len(getattr(target, "sep", ""))
    made = GLOBALS.get(target) if isinstance(target, Callable) else None  # type: ignore[arg-type]
    if made is not None:
        return made(args, kwargs, limit)
    owner, name = getattr(target, "__self__", None), getattr(target, "__name__", "")
    table = _methods_of(owner)
    size = table.get(name) if table else None
    if size is None:
        return None
    # Markup's methods escape what they are given: '"' becomes '&#34;'.
    return size(owner, args, kwargs, limit) * (MARKUP_GROWTH if isinstance(owner, Markup) else 1)


def _methods_of(owner: Any) -> dict[str, Size] | None:
    if isinstance(owner, str):
        return _STR
    if isinstance(owner, (list, tuple)):
        return _LIST
    if isinstance(owner, dict):
        return _DICT
    if isinstance(owner, (int, float)):
        return _NUMBER
    if isinstance(owner, dt.date):
        return _DATE
    return next((table for kind, table in _JINJA.items() if isinstance(owner, kind)), None)


# -- filters -----------------------------------------------------------------------

FilterSize = Callable[[dict[str, Any], int], int]
"""The size of a filter's result from its arguments by name (``value`` first), and the limit."""


def _text(p: dict[str, Any], limit: int) -> int:
    return text_size(p["value"], limit)


def _times(factor: int) -> FilterSize:
    return lambda p, limit: factor * text_size(p["value"], limit)


def _case_filter(p: dict[str, Any], limit: int) -> int:
    value = p["value"]
    return len(value) if isinstance(value, str) and value.isascii() else CASE_GROWTH * text_size(value, limit)


def _items(p: dict[str, Any], limit: int) -> int:
    value = p["value"]
    return len(value) if hasattr(value, "__len__") else 1  # an iterator's items are counted as they are made


def _indent(p: dict[str, Any], limit: int) -> int:
    width = p["width"]
    prefix = len(width) if isinstance(width, str) else width if isinstance(width, int) else 0
    text = str(p["value"]) if isinstance(p["value"], str) else ""
    return text_size(p["value"], limit) + (text.count("\n") + 1) * max(prefix, 0)


def _wordwrap(p: dict[str, Any], limit: int) -> int:
    wrap = p["wrapstring"]
    return text_size(p["value"], limit) * (1 + (len(wrap) if isinstance(wrap, str) else 2))


def _urlize(p: dict[str, Any], limit: int) -> int:
    value = p["value"]
    text = value if isinstance(value, str) else ""
    extra = sum(len(str(p.get(key) or "")) for key in ("target", "rel"))
    words = len(text.split())
    return MARKUP_GROWTH * 2 * text_size(value, limit) + words * (extra + 64)


def _replace_filter(p: dict[str, Any], limit: int) -> int:
    value = p["value"]
    if not isinstance(value, str):
        return 0
    count = p["count"] if p["count"] is not None else -1
    return _replace(value, [p["old"], p["new"], count], {}, limit)


def _join_filter(p: dict[str, Any], limit: int) -> int:
    """Items read into a list (and taken through ``attribute:``) so that they are measured and then joined."""
    items = list(items_of(p["value"]))
    if p["attribute"] is not None:
        items = list(map(make_attrgetter(p["eval_ctx"].environment, p["attribute"]), items))
        p["attribute"] = None
    p["value"] = items
    total = len(str(p["d"])) * max(0, len(items) - 1)
    for item in items:
        total += text_size(item, limit)
        if total > limit:
            break
    return total


def _printf(p: dict[str, Any], limit: int) -> int:
    value = p["value"]
    values = p["kwargs"] if p["kwargs"] else tuple(p["args"])
    return printf_size(value, values, limit) if isinstance(value, str) else 0


FILTERS: dict[str, FilterSize] = {  # sum counts the lists it adds itself (sandbox._sum)
    **dict.fromkeys(
        "abs attr count d default first last float int length round random min max wordcount filesizeformat "
        "map select reject selectattr rejectattr items unique sum".split(),
        lambda p, limit: 1,
    ),
    **dict.fromkeys(("list", "reverse", "sort", "dictsort", "groupby"), _items),
    "batch": lambda p, limit: _items(p, limit) + max(p["linecount"], 0),
    "slice": lambda p, limit: _items(p, limit) + max(p["slices"], 0),
    **dict.fromkeys(("string", "trim", "striptags", "safe"), _text),
    **dict.fromkeys(("capitalize", "lower", "upper", "title"), _case_filter),
    "truncate": lambda p, limit: text_size(p["value"], limit) + len(str(p["end"])),
    "center": lambda p, limit: max(text_size(p["value"], limit), p["width"]),
    **dict.fromkeys(("escape", "e", "forceescape"), _times(MARKUP_GROWTH)),
    **dict.fromkeys(("tojson", "urlencode"), _times(ESCAPE_GROWTH)),
    "xmlattr": _times(MARKUP_GROWTH + 1),
    "urlize": _urlize,
    "indent": _indent,
    "wordwrap": _wordwrap,
    "replace": _replace_filter,
    "join": _join_filter,
    "format": _printf,
}
"""Every filter a template may use, with the size of what it makes; pprint, which nests without bound, is not here."""


def items_of(value: Any) -> Iterable[Any]:
    """A value's items as a list (read once, when it is an iterator), for a filter to measure and then use."""
    return value if isinstance(value, (list, tuple, str, dict)) else list(value)
