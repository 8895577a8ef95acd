"""Number columns of a CSV file made numbers block by block as Arrow parses it: 8 bytes a value, not its text.

A column of numbers has nearly as many distinct texts as rows, so held as its distinct texts
it costs more than the numbers would, and the hashing that finds them costs more than the
parsing. A column whose first rows are all numbers written plainly is parsed as plain text
instead, and each block of it is made numbers at once, its texts let go.

Only texts that values.py reads the same way are made numbers here. INTEGER and NUMBER are
values.py's patterns without thousands and without space around (``\\d`` as ``[0-9]``, which
is what it means in ASCII), and a text of them is read by Python as Arrow reads it: an
integer as its digits, a number as the nearest double. An integer among fractions is kept
as the integer it is written as, which a double holds exactly below 2**53. A column with a
text of any other form (thousands grouped, space around, "n/a", another script's digits, a
longer integer) is not made numbers: its texts are read from the file again, and it is typed
from them as any other column is. So a column typed here has the type and values it would
have had from its texts, and its texts are read again whenever a table wants it as other
than numbers, or a message quotes one.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .arrow_types import POOL, np_bools

INTEGER = "^-?[0-9]{1,18}$"
"""An integer Arrow reads in 64 bits, written as values.py reads it (``+`` and grouped thousands are left to it)."""
NUMBER = "^[+-]?(?:[0-9]+[.]?[0-9]*|[.][0-9]+)(?:[eE][+-]?[0-9]+)?$"
"""values.py's number without thousands: what Arrow's double parser reads to the same double as Python's float()."""
WHOLE = "[.eE]"
"""In a text of NUMBER, what makes it a fraction (a Python float), not an integer (a Python int)."""
EXACT = 2**53
"""Integers a double holds exactly: an integer at least this large, among fractions, is left to its text."""


class Numbers:
    """One column's values, a block at a time: integers, or doubles with which of them are written as integers.

    ``ok`` turns False at the first text that is not plainly a number; what was made is then
    let go, and the column's texts are to be read again.
    """

    def __init__(self, missing: tuple[str, ...] = ()) -> None:
        self.missing = _missing(missing)
        self.parts: list[tuple[np.ndarray, np.ndarray | None, np.ndarray]] = []
        """Per block: the values, which are written as integers (None: all, for integers), which are empty."""
        self.floats = False
        self.ok = True

    def add(self, texts: pa.Array) -> None:
        """A block of the column's texts (blank rows left out), made numbers, or the column given up."""
        if not self.ok:
            return
        empty = _empty(texts, self.missing)
        if not self.floats:
            if (empty | _matches(texts, INTEGER)).all():
                self.parts.append((_cast(texts, empty, pa.int64()), None, empty))
                return
            if not self._as_floats():
                return
        if not (empty | _matches(texts, NUMBER)).all():
            self._give_up()
            return
        made = _cast(texts, empty, pa.float64())
        # Only a whole value can be written as an integer: the texts of the others are not looked at.
        whole = (made == np.floor(made)) & ~empty
        if whole.any():
            whole[whole] = ~_matches(_picked(texts, whole), WHOLE)
        if (np.abs(made[whole]) >= EXACT).any():
            self._give_up()
            return
        self.parts.append((made, whole, empty))

    def _as_floats(self) -> bool:
        """The integers so far as doubles, each marked as an integer; False when one is too large for that."""
        self.floats = True
        parts: list[tuple[np.ndarray, np.ndarray | None, np.ndarray]] = []
        for made, _, empty in self.parts:
            if (np.abs(made) >= EXACT).any():
                self._give_up()
                return False
            parts.append((made.astype(np.float64), ~empty, empty))
        self.parts = parts
        return True

    def _give_up(self) -> None:
        self.ok = False
        self.parts = []

    def done(self) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
        """The column's values, which are written as integers (None: all, or none), and each row's entry (-1: empty)."""
        made = _joined([p[0] for p in self.parts], np.float64 if self.floats else np.int64)
        empty = _joined([p[2] for p in self.parts], np.bool_)
        whole = _joined([p[1] for p in self.parts], np.bool_) if self.floats else None  # type: ignore[misc]
        self.parts = []
        if whole is not None and not whole.any():
            whole = None  # all fractions
        rows = np.arange(len(made), dtype=np.int32)
        rows[empty] = -1
        return made, whole, rows


def _joined(parts: list[np.ndarray], dtype: type) -> np.ndarray:
    return np.concatenate(parts) if parts else np.empty(0, dtype=dtype)


def _missing(missing: tuple[str, ...]) -> pa.Array | None:
    """The ``missing:`` texts a number column may hold as they are: a text with space around it is not a plain
    number, and is left to the column's texts (compared there without the space, as values.py compares it)."""
    plain = [text for text in missing if text and text == text.strip()]
    return pa.array(plain, pa.string(), memory_pool=POOL) if plain else None


def _empty(texts: pa.Array, missing: pa.Array | None) -> np.ndarray:
    """Which texts are no value: empty, or one ``missing:`` names."""
    empty = _np_ints(pc.binary_length(texts, memory_pool=POOL)) == 0
    if missing is not None:
        empty |= np_bools(pc.is_in(texts, value_set=missing, memory_pool=POOL))
    return empty  # type: ignore[no-any-return]


def _np_ints(array: pa.Array) -> np.ndarray:
    return array.to_numpy(zero_copy_only=False)


def _matches(texts: pa.Array, pattern: str) -> np.ndarray:
    return np_bools(pc.match_substring_regex(texts, pattern, memory_pool=POOL))


def _picked(texts: pa.Array, where: np.ndarray) -> pa.Array:
    return pc.filter(texts, pa.array(where, memory_pool=POOL), memory_pool=POOL)


def _cast(texts: pa.Array, empty: np.ndarray, to: pa.DataType) -> np.ndarray:
    """The texts as ``to``, 0 where empty (those rows have no value)."""
    if not empty.any():
        return pc.cast(texts, to, memory_pool=POOL).to_numpy(zero_copy_only=False)  # type: ignore[no-any-return]
    made = np.zeros(len(texts), dtype=to.to_pandas_dtype())
    made[~empty] = pc.cast(_picked(texts, ~empty), to, memory_pool=POOL).to_numpy(zero_copy_only=False)
    return made


def sample(batch: pa.RecordBatch, missing: tuple[str, ...] = ()) -> set[str]:
    """The columns of a first block that are to be made numbers: all their texts plain numbers, most of them distinct.

    A column of few distinct texts (a year, a count of a few) is cheap as texts, and typed
    from them as fast; one of texts that are not all numbers is left as texts.
    """
    chosen, wanted = set(), _missing(missing)
    for name, column in zip(batch.schema.names, batch.columns, strict=True):
        texts = column.dictionary
        if len(texts) * 2 < batch.num_rows:
            continue
        empty = _empty(texts, wanted)
        if not empty.all() and (empty | _matches(texts, NUMBER)).all():
            chosen.add(name)
    return chosen
