"""Types of CSV columns held by Arrow, read from each column's distinct texts as values.py reads one text.

values.py says what a text looks like and what it is as a type; these functions give the
same answers for all of a column's distinct texts at once. A text of ASCII letters is
matched by the same patterns in Arrow's regular expressions (``\\d`` spelt ``[0-9]``, which
is what Python's means in ASCII); a text Arrow does not read quickly (another script's
digits, a date with a time, a number too long for 64 bits, a value that is not of the type)
is read by values.py itself, one distinct text at a time, so every answer is Python's.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import values

P = ParamSpec("P")
R = TypeVar("R")

SPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"
"""What Python's str.strip() and str.isspace() take for space among ASCII characters."""

KINDS = (None, "integer", "number", "date", "boolean")
"""What a text looks like, by its code in ``looks``: 0 is text."""

_INTEGER = r"[+-]?[0-9][0-9,]*"
_NUMBER = r"[+-]?(?:[0-9][0-9,]*)?(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?"
_DATE = r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[T ][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"
_BOOLEAN = r"(?i:true|false|yes|no)"
_VALID_INTEGER = r"[+-]?(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)"
_VALID_NUMBER = r"[+-]?(?:(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
DIGITS = 18
"""Digits of an integer Arrow reads in 64 bits whatever they are; a longer one is read by Python."""


def _pool() -> pa.MemoryPool:
    """jemalloc where pyarrow has it, else the system's allocator.

    Arrow's default pool (mimalloc) reserves a gigabyte and more of address space at its
    first allocation, while what it uses is far less: under a limit on address space
    (``ulimit -v``, the preview's rebuilds) a small file would be refused as needing more
    memory than there is. Every Arrow call here is given this pool, so that one never starts.
    """
    try:
        return pa.jemalloc_memory_pool()
    except NotImplementedError:
        return pa.system_memory_pool()


POOL = _pool()
"""The memory pool every Arrow call in the reading of data files allocates from."""


def np_bools(array: Any) -> np.ndarray:
    """Arrow's booleans as numpy's, made in POOL (pyarrow's own conversion allocates from the default pool)."""
    if array.null_count:
        array = pc.coalesce(array, pa.scalar(False), memory_pool=POOL)  # fill_null takes no pool
    return pc.cast(array, pa.uint8(), memory_pool=POOL).to_numpy(zero_copy_only=True).astype(bool)


_S = "[ \\t\\n\\r\\x0b\\x0c\\x1c-\\x1f]*"
"""Space around a text, which values.py strips before it looks."""


def _match(texts: pa.Array, pattern: str, where: np.ndarray | None = None, whole: bool = True) -> np.ndarray:
    """Which texts (of those ``where`` picks) match ``pattern``: all but the space around them if ``whole``."""
    anchored = f"^{_S}(?:{pattern}){_S}$" if whole else pattern
    if where is None:
        return np_bools(pc.match_substring_regex(texts, anchored, memory_pool=POOL))
    found = np.zeros(len(texts), dtype=bool)
    picked = np.flatnonzero(where)
    if len(picked):
        found[picked] = np_bools(pc.match_substring_regex(_take(texts, picked), anchored, memory_pool=POOL))
    return found


def _take(texts: pa.Array, picked: np.ndarray) -> pa.Array:
    return pc.take(texts, pa.array(picked, memory_pool=POOL), memory_pool=POOL)


def _filter(texts: pa.Array, where: np.ndarray) -> pa.Array:
    return pc.filter(texts, pa.array(where, memory_pool=POOL), memory_pool=POOL)


def _ascii(entries: pa.Array) -> np.ndarray:
    """Which texts are ASCII (read by Arrow); the others are read by Python."""
    return np_bools(pc.string_is_ascii(entries, memory_pool=POOL))


def _others(entries: pa.Array, where: np.ndarray) -> list[tuple[int, str]]:
    """The texts ``where`` picks, with their entries: few in most files, read by Python."""
    picked = np.flatnonzero(where)
    if not len(picked):
        return []
    return list(zip(picked.tolist(), _take(entries, picked).to_pylist(), strict=True))


def _stripped(texts: pa.Array) -> pa.Array:
    return pc.utf8_trim(texts, characters=SPACE, memory_pool=POOL)


def blank(entries: pa.Array, missing: tuple[str, ...] = ()) -> np.ndarray:
    """Which texts are no value: empty, all space, or one ``missing:`` names (compared without the space around it)."""
    ascii = _ascii(entries)
    # Only a text that is empty or starts with a space can be all space: the rest are not looked at.
    maybe = np_bools(
        pc.equal(
            pc.binary_length(entries, memory_pool=POOL), pa.scalar(0, pa.int32(), memory_pool=POOL), memory_pool=POOL
        )
    ) | np_bools(pc.match_substring_regex(entries, "^[ \\t\\n\\r\\x0b-\\x0c\\x1c-\\x1f]", memory_pool=POOL))
    empty = (
        maybe & ascii & np_bools(pc.equal(_stripped(entries), pa.scalar("", memory_pool=POOL), memory_pool=POOL))
        if maybe.any()
        else maybe
    )
    if missing:
        empty |= (
            np_bools(
                pc.is_in(
                    _stripped(entries), value_set=pa.array(missing, pa.string(), memory_pool=POOL), memory_pool=POOL
                )
            )
            & ascii
        )
    wanted = frozenset(missing)
    for at, text in _others(entries, ~ascii):
        empty[at] = not text or text.isspace() or text.strip() in wanted
    return empty


def looks(entries: pa.Array) -> np.ndarray:
    """The code in KINDS of what each text looks like, as values.looks_like says."""
    ascii = _ascii(entries)
    numeric = ascii & np_bools(pc.match_substring_regex(entries, f"^{_S}[0-9+\\-.]", memory_pool=POOL))
    integer = _match(entries, _INTEGER, numeric)
    number = _match(entries, _NUMBER, numeric & ~integer)
    number &= _match(entries, "[0-9]", number, whole=False)  # a sign or a point alone is not a number
    date = _match(entries, _DATE, numeric & ~integer & ~number)
    boolean = _match(entries, _BOOLEAN, ascii & ~numeric)
    codes = np.select([integer, number, date, boolean], [1, 2, 3, 4], 0).astype(np.int8)
    for at, text in _others(entries, ~ascii):
        codes[at] = KINDS.index(values.looks_like(text))
    return codes


def _within_memory(typing: Callable[P, R]) -> Callable[P, R]:
    """Arrow failing otherwise than for want of memory while it types a column read (a thread it cannot
    start under a limit on address space): a MemoryError, worded at the table's source as the want of memory it is.
    """

    @functools.wraps(typing)
    def typed(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return typing(*args, **kwargs)
        except MemoryError:
            raise
        except pa.ArrowException as exc:
            raise MemoryError(str(exc)) from exc

    return typed


@_within_memory
def infer(store: Any, col: int) -> str | None:
    """The type a column's texts all look like, as values.infer says (None: text, or no values)."""
    rows = store.indices[col]
    if col in store.numbers:
        # Made numbers as read: each text looked like an integer, or like a number (a fraction).
        made, whole = store.numbers[col]
        used = rows >= 0
        integers = made.dtype == np.int64 or (whole is not None and bool((whole & used).any()))
        fractions = made.dtype == np.float64 and (whole is None or bool((~whole & used).any()))
        samples = ["1"] * integers + ["0.5"] * fractions
        return values.infer(samples) if used.any() else None
    codes = _codes(store, col)
    used = np.bincount(rows[rows >= 0], minlength=len(codes)) > 0
    seen = np.unique(codes[used])
    if not len(seen) or 0 in seen:
        return None
    # values.infer decides from the set of looks alone: one text of each look stands for all.
    texts = store.texts[col]
    samples = [texts[int(np.flatnonzero(used & (codes == code))[0])].as_py() for code in seen]
    return values.infer(samples)


def _codes(store: Any, col: int) -> np.ndarray:
    found = store.looks.get(col)
    if found is None:
        found = store.looks[col] = looks(store.texts[col])
    return found  # type: ignore[no-any-return]


@_within_memory
def convert(store: Any, col: int, kind: str) -> list[int]:
    """Make the column's values ``kind``, as values.convert does; the rows whose values are not such (left as text)."""
    if col in store.numbers:
        made = _numbers(store, col, kind)
        if made is not None:
            store.typed(col, made)
            return []
        store.reread_texts([col])  # wanted as other than the numbers its texts are: typed from them
    entries = store.texts[col]
    made, fast = _fast(entries, kind, _codes(store, col))
    bad = np.zeros(len(entries), dtype=bool)
    for at, text in _others(entries, ~fast):
        try:
            made[at] = values.convert(text, kind)
        except ValueError:
            made[at] = text
            bad[at] = True
    rows = store.indices[col]
    found = np.flatnonzero(bad[rows] & (rows >= 0)).tolist()
    store.typed(col, _floats(made, rows) if kind == "number" and not found else made)
    return found  # type: ignore[no-any-return]


def _numbers(store: Any, col: int, kind: str) -> np.ndarray | None:
    """A column made numbers as read, as ``kind`` (one value per row), or None when its texts are to say.

    As numbers, each value is what values.convert makes of its text: an int when written as
    an integer, else a float. As integers, the same when every value is written as one.
    """
    made, whole = store.numbers[col]
    if made.dtype == np.int64 or kind not in ("integer", "number"):
        return made if kind in ("integer", "number") else None
    used = store.indices[col] >= 0
    if whole is None:
        return made if kind == "number" or not used.any() else None
    if kind == "integer" and not (whole | ~used).all():
        return None  # a fraction in it, not an integer: named from its text
    if (whole | ~used).all():
        return made.astype(np.int64)
    mixed = made.astype(object)
    mixed[whole] = made[whole].astype(np.int64).astype(object)
    return mixed  # type: ignore[no-any-return]


def _floats(made: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """A column of numbers that are all floats as 8 bytes each, not as Python's floats; else as it is."""
    used = np.bincount(rows[rows >= 0], minlength=len(made)) > 0
    if not all(type(value) is float for value in made[used]):
        return made
    held = np.full(len(made), np.nan)
    held[used] = made[used].astype(np.float64)
    return held


def _fast(entries: pa.Array, kind: str, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each text as ``kind`` where Arrow reads it as Python would, and which those are."""
    made = np.empty(len(entries), dtype=object)
    if kind == "text":
        made[:] = entries.to_pylist()
        return made, np.ones(len(entries), dtype=bool)
    ascii = _ascii(entries)
    if kind in ("integer", "number"):
        fast = _whole(entries, ascii & (codes == 1))
        made[fast] = _integers(entries, fast)
        if kind == "number":
            floats = _match(entries, _VALID_NUMBER, ascii & (codes == 2))
            try:
                picked = _stripped(_filter(entries, floats))
                made[floats] = pc.cast(
                    pc.replace_substring(picked, ",", "", memory_pool=POOL), pa.float64(), memory_pool=POOL
                ).to_pylist()
            except pa.ArrowInvalid:
                floats[:] = False
            fast |= floats
    elif kind == "date":
        fast = _match(entries, "[0-9]{4}-[0-9]{2}-[0-9]{2}", ascii & (codes == 3))
        fast &= _days(entries, fast, made)
    elif kind == "boolean":
        fast = ascii & (codes == 4)
        lower = pc.utf8_lower(_stripped(_filter(entries, fast)), memory_pool=POOL)
        made[fast] = np_bools(
            pc.is_in(lower, value_set=pa.array(["true", "yes"], memory_pool=POOL), memory_pool=POOL)
        ).tolist()
    else:
        fast = np.zeros(len(entries), dtype=bool)
    return made, fast


def _whole(entries: pa.Array, looking: np.ndarray) -> np.ndarray:
    """Which texts that look like integers are ones Arrow reads in 64 bits: thousands grouped in threes, if any."""
    fast = looking & np_bools(
        pc.less_equal(
            pc.binary_length(entries, memory_pool=POOL),
            pa.scalar(DIGITS, pa.int32(), memory_pool=POOL),
            memory_pool=POOL,
        )
    )
    grouped = fast & np_bools(pc.match_substring(entries, ",", memory_pool=POOL))
    if grouped.any():
        fast &= ~grouped | _match(entries, _VALID_INTEGER, grouped)
    return fast


def _integers(entries: pa.Array, where: np.ndarray) -> list[int]:
    picked = _stripped(_filter(entries, where))
    plain = pc.replace_substring_regex(
        pc.replace_substring(picked, ",", "", memory_pool=POOL), r"^\+", "", memory_pool=POOL
    )
    return pc.cast(plain, pa.int64(), memory_pool=POOL).to_pylist()  # type: ignore[no-any-return]


def _days(entries: pa.Array, where: np.ndarray, made: np.ndarray) -> np.ndarray:
    """Which texts written YYYY-MM-DD are days that exist (and made into dates); the others Python reads."""
    ok = np.zeros(len(where), dtype=bool)
    for at, written in _others(entries, where):
        text = written.strip()
        year, month, day = int(text[:4]), int(text[5:7]), int(text[8:])
        if year >= 1 and 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]:
            made[at] = dt.date(year, month, day)
            ok[at] = True
    return ok


def mixed(store: Any, col: int) -> tuple[str, int, int, int] | None:
    """A column read as text that is mostly numbers or dates: the kind, how many fit, of how many, the first odd row.

    The same as frames._mixed finds going down the rows, where it stops once more than
    half of the values so far are not of the kind.
    """
    store.reread_texts([col] if col in store.numbers else [])
    if not np.isin(_codes(store, col), (1, 2, 3)).any():
        return None  # no text looks like a number or a date: no row is to be counted
    rows = store.indices[col]
    at = np.flatnonzero(rows >= 0)
    present = len(at)
    codes = _codes(store, col)[rows[at]]
    for kind, fitting_codes in (("number", (1, 2)), ("date", (3,))):
        fits = np.isin(codes, fitting_codes)
        odd = np.flatnonzero(~fits)
        if not len(odd):
            continue
        counted = np.cumsum(fits)
        stops = np.flatnonzero((at - counted) * 2 > present)
        stops = stops[stops >= odd[0]]
        fitting = int(counted[stops[0]] if len(stops) else counted[-1])
        if fitting * 2 >= present:
            return kind, fitting, present, int(at[odd[0]])
    return None
