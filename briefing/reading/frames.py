"""Rows on their way from a spec or a data file to a table: given their types, filtered, ordered and totalled."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, assert_never, cast, get_args

from yaml.nodes import MappingNode, Node, ScalarNode

from ..errors import Problem
from ..model import Aggregate, Cell, NumberFormat, Rows, Totals
from ..number_formats import FORMAT_NEEDS, fits
from . import shapes
from .datafiles import LONG, SHARED, Frame
from .reader import Reader, did_you_mean
from .values import (
    Test,
    comparable,
    convert,
    infer,
    is_number,
    looks_like,
    other_marks,
    sort_key,
    test,
    type_name,
    why_not,
)

MAX_REPORTED = 3
"""Bad values reported per column before the rest are counted."""

ColumnType = str
"""integer, number, text, date or boolean."""


@dataclass(frozen=True)
class Column:
    """A column as the spec asks for it: where it comes from, what it is called, how it reads."""

    source: str
    """Its name in the data."""
    shown: str
    """Its name in the table (``as:``), the data's when not renamed."""
    node: Node
    """Where the spec names it, for messages."""
    type: ColumnType | None = None
    """The type the spec forces (``type:``); None to infer it."""
    format: NumberFormat | None = None
    """How its values are shown (``format:``)."""
    compute: Any = None
    """What it computes from other columns (a ``computed.Computed``); None for a column of the data."""
    locale: str | None = None
    """The Babel locale its numbers and dates are written in (``locale:``); None for the briefing's."""


@dataclass
class Kept:
    """A frame on its way to a table: the rows kept so far, each with its index in the data."""

    frame: Frame
    kept: Sequence[int]
    """Indexes of the rows kept, in order: all of them (a range) until filtered or sorted."""
    aliases: dict[str, str]
    """Shown name -> name in the data, for columns the spec renames."""

    def index(self, r: Reader, node: Node) -> int | None:
        """The data column a node names, by its name in the data or its shown name."""
        name = r.text(node)
        if name is None:
            return None
        name = self.aliases.get(name, name)
        if name not in self.frame.names:
            r.problem(node, f"no column '{name}' in the data{did_you_mean(name, self.frame.names)}")
            return None
        return self.frame.names.index(name)

    def values(self, col: int) -> Sequence[Cell]:
        column = self.frame.columns[col]
        return column if self.kept == range(len(column)) else [column[i] for i in self.kept]

    def body(self, picked: list[int]) -> Rows:
        """The kept rows of the picked columns, held as columns; the frame is spent.

        Each column is let go once copied, so that a long table is not held twice over at
        the end of reading it (unless another table of the spec uses the same file).
        """
        columns: list[Sequence[Cell]] = []
        store = self.frame.store
        for n, col in enumerate(picked):
            if store is not None and len(self.kept) >= LONG and self.frame.columns.shared(col):  # type: ignore[attr-defined]
                columns.append(store.values(col, self.kept))  # a long table keeps Arrow's column
            else:
                columns.append(tuple(self.values(col)))
            if col not in picked[n + 1 :]:
                self.frame.columns[col] = []  # the file's own list stays for the next table that uses it
        return Rows(tuple(columns), len(self.kept))  # type: ignore[arg-type]


class Reread(Exception):
    """A table needs a column as another type than a table before it read it as: it needs the file afresh."""


def typed(r: Reader, frame: Frame, columns: list[Column]) -> bool:
    """Give each column of the frame its type, forced or (for text read from CSV) inferred; check formats against it.

    A file used by several tables is typed once: a column read as a type stays so for the
    next table (``frame.kinds``), and a table that wants it as another type raises Reread.
    """
    ok = True
    wanted = {c.source: c for c in columns}
    plan = [_kind(frame, col, wanted.get(name)) for col, name in enumerate(frame.names)]
    # A column another table read as a type is that type now: a table wanting it otherwise, or as it was, reads afresh.
    if any(frame.kinds.get(col, kind) != kind for col, (kind, _) in enumerate(plan)):
        raise Reread
    for col, (kind, because) in enumerate(plan):
        spec = wanted.get(frame.names[col])
        if kind is None and frame.text:
            notice = _cached(frame, "mixed", col, functools.partial(_mixed, frame, col))
            if notice is not None:
                r.notices.append(notice)
        if kind is not None:
            ok = _convert(r, frame, col, kind, because) and ok
        if spec and spec.format and ok:
            ok = _check_format(r, frame, col, spec.format) and ok
    return ok


def _kind(frame: Frame, col: int, spec: Column | None) -> tuple[str | None, str]:
    """The type a column is to be read as (None: as it is), and why, when a format says so."""
    if spec and spec.type:
        return spec.type, ""
    if not frame.text:
        return None, ""
    if spec and spec.format:
        # A format says what its column holds: the values that are not such are the ones to name.
        return FORMAT_NEEDS[spec.format.kind], f", as the column's {spec.format.kind} format needs"
    if col in frame.kinds and ("infer", col) not in frame.found:
        raise Reread  # read as a forced type before anyone asked what it looks like
    return _cached(frame, "infer", col, lambda: _infer(frame, col)), ""


def _infer(frame: Frame, col: int) -> str | None:
    if frame.store is not None and frame.store.held(col):
        from .arrow_types import infer as infer_held

        return infer_held(frame.store, col)
    return infer(frame.columns[col])


def _cached(frame: Frame, what: str, col: int, find: Callable[[], Any]) -> Any:
    """What ``find`` finds about a column, found once for all the tables that use the frame."""
    key = (what, col)
    if key not in frame.found:
        frame.found[key] = find()
    return frame.found[key]


def _mixed(frame: Frame, col: int) -> Problem | None:
    """A notice when a column read as text is mostly of another kind: a few values made it text."""
    if frame.store is not None and frame.store.held(col):
        from .arrow_types import mixed

        found = mixed(frame.store, col)
        if found is None:
            return None
        return _mixed_notice(frame, col, *found, frame.store.text(col, found[3]))
    column = frame.columns[col]
    present = sum(1 for v in column if v is not None)
    for kind, looks in (("number", ("integer", "number")), ("date", ("date",))):
        odd, fitting = None, 0
        for i, value in enumerate(column):
            if value is None:
                continue
            if isinstance(value, str) and looks_like(value) in looks:
                fitting += 1
            elif odd is None:
                odd = i
            if odd is not None and (i - fitting) * 2 > present:
                break  # more than half are not of this kind
        if odd is not None and fitting * 2 >= present:
            return _mixed_notice(frame, col, kind, fitting, present, odd, column[odd])
    return None


def _mixed_notice(frame: Frame, col: int, kind: str, fitting: int, present: int, odd: int, value: Cell) -> Problem:
    message = (
        f"column '{frame.names[col]}' is read as text: {fitting} of its {present} values are "
        f"{kind}s, but not '{value}' (give type: {kind} to refuse the others)"
    )
    return Problem(frame.locate(odd, col), message)


def _convert(r: Reader, frame: Frame, col: int, kind: str, because: str = "") -> bool:
    """Read a column's values as ``kind``, in place and once for every table; a text met again is read once."""
    bad = _cached(frame, "bad", col, lambda: _converted_frame(frame, col, kind))
    frame.kinds[col] = kind
    _report(r, frame, col, bad, f"is not {type_name(kind)}{because}", lambda value: why_not(value, kind))
    return not bad


def _converted_frame(frame: Frame, col: int, kind: str) -> list[int]:
    if frame.store is not None:
        if frame.store.held(col):
            from .arrow_types import convert as convert_held

            return convert_held(frame.store, col, kind)
        column = list(frame.columns[col])  # made Python values for a table before: typed as a list
        bad = _converted(column, kind)
        frame.store.lists[col] = tuple(column)
        return bad
    return _converted(frame.columns[col], kind)


def _converted(column: list[Cell], kind: str) -> list[int]:
    """Convert the column to ``kind`` in place; the indexes of the values that are not such (left as they were)."""
    bad: list[int] = []
    made: dict[str, Cell] = {}
    for i, value in enumerate(column):
        if value is None:
            continue
        if isinstance(value, str):
            known = made.get(value)
            if known is not None:  # only an empty value reads as None, and it is not looked up
                column[i] = known
                continue
        try:
            column[i] = convert(value, kind)
        except ValueError:
            bad.append(i)
            continue
        if isinstance(value, str) and len(made) < SHARED:
            made[value] = column[i]
    return bad


def _check_format(r: Reader, frame: Frame, col: int, fmt: NumberFormat) -> bool:
    column = frame.columns[col]
    bad = [i for i, value in enumerate(column) if value is not None and not fits(fmt, value)]
    _report(r, frame, col, bad, f"is not a {FORMAT_NEEDS[fmt.kind]}, as the column's {fmt.kind} format needs")
    return not bad


def _report(
    r: Reader, frame: Frame, col: int, bad: list[int], what: str, why: Callable[[Cell], str] = lambda _: ""
) -> None:
    name = frame.names[col]
    for i in bad[:MAX_REPORTED]:
        value = frame.columns[col][i]
        reason = why(value)
        message = f"'{value}' in column '{name}' {what}" + (f": {reason}" if reason else "")
        r.problems.append(Problem(frame.locate(i, col), message))
    if len(bad) > MAX_REPORTED:
        more = len(bad) - MAX_REPORTED
        r.problems.append(Problem(frame.locate(bad[MAX_REPORTED], col), f"and {more} more in column '{name}'"))


def where(r: Reader, node: Node, rows: Kept, apply: bool = True) -> bool:
    """Keep the rows that pass every filter of ``where:``; False when a filter is wrong (and reported).

    Without ``apply`` (the table has a problem already) the filters are checked, not applied.
    """
    nodes = node.value if not isinstance(node, MappingNode) else [node]
    if not isinstance(nodes, list):
        r.problem(node, "where takes a filter (column, op, value) or a list of them")
        return False
    tests: list[tuple[int, Test]] = []
    for filter_node in nodes:
        keys = r.shape(filter_node, shapes.WHERE)
        if keys is None or not {"column", "value"} <= keys.keys():
            continue
        col = rows.index(r, keys["column"])
        op = _operator(r, keys["op"]) if "op" in keys else "=="
        ok, wanted = _wanted(r, keys["value"], op)
        if col is None or op is None or not ok:
            continue
        column_values = rows.values(col) if apply else []
        for value in (wanted if isinstance(wanted, list) else [wanted]) if apply else []:
            if op != "contains" and not comparable(column_values, value):
                name = rows.frame.names[col]
                r.problem(keys["value"], f"'{value}' cannot be compared with the values of column '{name}'")
                return False
        tests.append((col, test(op, wanted)))
    if len(tests) != len(nodes) or not apply:
        return len(tests) == len(nodes)
    columns = rows.frame.columns
    rows.kept = [i for i in rows.kept if all(t(columns[col][i]) for col, t in tests)]
    return True


_MEANT = {"=": "==", "===": "==", "=>": ">=", "=<": "<=", "<>": "!=", "!==": "!=", "≠": "!=", "≤": "<=", "≥": ">="}
"""Operators of other languages and of mathematics, and the filter's operator each means."""


def _operator(r: Reader, node: Node) -> str | None:
    """A filter's ``op``; a '=' (or '=>', '<>') is told the operator it means, which spelling alone does not find."""
    value = r.text(node)
    if value is not None and value.strip() in _MEANT:
        expected = ", ".join(shapes.OPERATORS)
        r.problem(node, f"expected one of {expected}, got '{value}' (did you mean '{_MEANT[value.strip()]}'?)")
        return None
    return r.choice(node, shapes.OPERATORS)


def _wanted(r: Reader, node: Node, op: str | None) -> tuple[bool, Cell | list[Cell]]:
    """Whether a filter's value could be read, and the value (a list for in and not in)."""
    if op in ("in", "not in"):
        items = r.sequence(node, f"a list of values for '{op}'")
        return (False, None) if items is None else (True, [r.cell(n) for n in items])
    if not isinstance(node, ScalarNode):
        r.problem(node, "expected a single value to compare with")
        return False, None
    return True, r.cell(node)


def sort(r: Reader, node: Node, rows: Kept) -> bool:
    """Order the kept rows by ``sort:``'s columns ("-name" descending); False when a column is wrong."""
    nodes = [node] if isinstance(node, ScalarNode) else r.sequence(node, "a column or a list of columns")
    if not nodes:
        return False
    order: list[tuple[int, bool]] = []
    for n in nodes:
        text = r.text(n)
        if text is None:
            return False
        descending = text.startswith("-")
        name = ScalarNode(n.tag, text[1:].strip() if descending else text, n.start_mark, n.end_mark)
        col = rows.index(r, name)
        if col is None:
            return False
        order.append((col, descending))
    # Stable sorts from the last key to the first sort by all keys together.
    kept = list(rows.kept)
    for col, descending in reversed(order):
        key, column = sort_key(descending), rows.frame.columns[col]
        try:
            kept.sort(key=lambda i: key(column[i]), reverse=descending)
        except TypeError:  # a column of mixed kinds sorts as text
            kept.sort(key=lambda i: key(_text_of(column[i])), reverse=descending)
    rows.kept = kept
    return True


def breaking(rows: Kept, col: int) -> int | None:
    """The row of the first kept value that keeps a column from being numbers, or None.

    A value that is not a number written as text ('n/a') is the one to cite, rather than
    a valid '48' that reads as text only because the column does.
    """
    column = rows.frame.columns[col]
    bad = (i for i in rows.kept if column[i] is not None and not is_number(column[i]))
    first = next(bad, None)
    if first is None or looks_like(str(column[first])) not in ("integer", "number"):
        return first
    return next((i for i in bad if looks_like(str(column[i])) not in ("integer", "number")), first)


def missing_hint(rows: Kept, col: int, at: int) -> str:
    """' (give missing: ["n/a"] ...)' when the column's other values are numbers, so the one cited stands for none."""
    column = rows.frame.columns[col]
    written = other_marks(str(column[at]))
    if written:  # a figure, not a "no value": never offered to be dropped
        return f" ({written})"
    numbers = (
        i != at
        and column[i] is not None
        and (is_number(column[i]) or looks_like(str(column[i])) in ("integer", "number"))
        for i in rows.kept
    )
    return f' (give missing: ["{column[at]}"] if it means "no value")' if any(numbers) else ""


def _text_of(value: Cell) -> Cell:
    return None if value is None else convert(value, "text")


def totals(r: Reader, node: Node, rows: Kept, columns: list[Column], check_only: bool = False) -> Totals | None:
    """The totals row ``totals:`` asks for, over the kept rows; None when it cannot be made (and reported).

    With ``check_only`` (the table has a problem already) its column names and functions are checked, and None.
    """

    def values_of(column: Column) -> Sequence[Cell]:
        return rows.values(rows.frame.names.index(column.source))

    names = dict.fromkeys(c.shown for c in columns)
    keys = r.mapping(node, names, what="totals (a column of the table)")
    if keys is None:
        return None
    functions: list[Aggregate | None] = [None] * len(columns)
    for name, value_node in keys.items():
        where = list(names).index(name)
        data_name = columns[where].source
        function = r.choice(value_node, get_args(Aggregate))
        if function is None or check_only:
            continue
        if function != "count":
            col = rows.frame.names.index(data_name)
            at = breaking(rows, col)
            if at is not None:
                odd = rows.frame.columns[col][at]
                r.problem(
                    value_node,
                    f"column '{name}' holds text ({rows.frame.locate(at, col)}: '{odd}'), so it can only be counted"
                    + missing_hint(rows, col, at),
                )
                continue
        functions[where] = cast(Aggregate, function)
    if check_only or len([f for f in functions if f]) != len(keys):
        return None
    results: list[Cell] = []
    skipped: list[int] = []
    for function, column in zip(functions, columns, strict=True):
        every = values_of(column)
        values: list[Cell] = [v for v in every if v is not None]
        results.append(_aggregate(function, values))
        skipped.append(len(every) - len(values) if function else 0)
        if function and len(values) < len(every):
            r.notices.append(Problem(r.pos(keys[column.shown]), _skipped(function, column.shown, skipped[-1])))
    if functions[0] is None:
        results[0] = r.labels.total
    return Totals(tuple(functions), tuple(results), tuple(skipped))


def _skipped(function: Aggregate, name: str, count: int) -> str:
    """What a total leaves out: said where the total is asked for, since a reader of the total cannot see it."""
    values = "value" if count == 1 else "values"
    what = {"sum": "the sum", "mean": "the mean", "count": "the count"}[function]
    return f"{what} of column '{name}' leaves out {count} empty or missing {values}"


def _aggregate(function: Aggregate | None, values: list[Cell]) -> Cell:
    numbers = cast(list[float], values)
    match function:
        case None:
            return None
        case "count":
            return len(values)
        case "sum":
            return sum(numbers) if all(isinstance(v, int) for v in numbers) else math.fsum(numbers)
        case "mean":
            return math.fsum(numbers) / len(numbers) if numbers else None
    assert_never(function)
