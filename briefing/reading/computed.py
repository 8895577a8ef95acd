"""Table columns computed from others: ``change: A - B``, ``pct_change: A - B``, ``share: A``.

A desk compares this week with last: the change, the change as a share of last week's
figure, and each row's share of the column's total. Their type and format follow from
what they are computed from, and an empty (or missing) operand leaves an empty cell.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import cast

from yaml.nodes import Node

from ..model import Cell, NumberFormat
from .frames import Column, Kept, breaking, missing_hint
from .reader import Reader, did_you_mean

COMPUTED_KINDS = ("change", "pct_change", "share")
"""The keys of a column that computes its values."""
DEFAULT_NAMES = {"change": "Change", "pct_change": "Change (%)", "share": "Share"}
"""A computed column's header when it has no ``as:``."""
_SPLIT = " - "


@dataclass(frozen=True)
class Computed:
    """What a computed column computes: its kind and the columns it names, as written."""

    kind: str
    """change, pct_change or share."""
    expression: str
    """``A - B`` for a change, ``A`` for a share."""
    node: Node
    """Where the expression is written, for messages."""


def compute(r: Reader, rows: Kept, columns: list[Column]) -> list[Column] | None:
    """Add each computed column to the table's frame, over the rows kept; the columns with their formats.

    The values join the frame under the column's shown name, so that ``sort:``, totals and
    charts read them as any other column. None after a problem (reported).
    """
    formats = {c.source: c.format for c in columns if c.compute is None}
    result: list[Column] = []
    ok = True
    for column in columns:
        if column.compute is None:
            result.append(column)
            continue
        plan = cast(Computed, column.compute)
        if column.shown in rows.frame.names or column.shown in rows.aliases:
            r.problem(plan.node, f"the data has a column '{column.shown}' already: give this one another name (as:)")
            ok = False
            continue
        operands = _operands(r, rows, plan)
        if operands is None or not all(_numbers(r, rows, col, plan) for col in operands):
            ok = False
            continue
        values = _values(plan.kind, [rows.values(col) for col in operands])
        full: list[Cell] = [None] * rows.frame.count
        for i, value in zip(rows.kept, values, strict=True):
            full[i] = value
        rows.frame.names = [*rows.frame.names, column.shown]  # this table's frame: another's keeps its names
        rows.frame.columns.append(full)
        first = formats.get(rows.frame.names[operands[0]])
        result.append(replace(column, format=column.format or _format(plan.kind, first, values)))
    return result if ok else None


def _operands(r: Reader, rows: Kept, plan: Computed) -> list[int] | None:
    """The data columns a computed column names (by their names in the data or as shown)."""
    known = [*rows.frame.names, *rows.aliases]
    text = plan.expression.strip()
    if plan.kind == "share":
        parts = [text]
    else:
        # A name may hold " - " itself ("Incidents - Q4"): the split is where both sides name columns.
        splits = [i for i in range(len(text)) if text.startswith(_SPLIT, i)]
        both = [(text[:i].strip(), text[i + len(_SPLIT) :].strip()) for i in splits]
        parts = next((list(p) for p in both if p[0] in known and p[1] in known), [])
        if not parts:
            if not both:
                r.problem(
                    plan.node, f"{plan.kind} takes two columns, the newer first: '{plan.kind}: This week - Last week'"
                )
                return None
            wrong = next(name for name in both[0] if name not in known)
            r.problem(plan.node, f"no column '{wrong}' in the data{did_you_mean(wrong, known)}")
            return None
    if parts[0] not in known:
        r.problem(plan.node, f"no column '{parts[0]}' in the data{did_you_mean(parts[0], known)}")
        return None
    return [rows.frame.names.index(rows.aliases.get(p, p)) for p in parts]


def _numbers(r: Reader, rows: Kept, col: int, plan: Computed) -> bool:
    """Whether a column the computation reads holds numbers; else the value that is not one is cited."""
    at = breaking(rows, col)
    if at is None:
        return True
    name, value = rows.frame.names[col], rows.frame.columns[col][at]
    r.problem(
        plan.node,
        f"column '{name}' holds text ({rows.frame.locate(at, col)}: '{value}'); {plan.kind} needs numbers"
        + missing_hint(rows, col, at),
    )
    return False


def _values(kind: str, operands: list[Sequence[Cell]]) -> tuple[Cell, ...]:
    numbers = cast(list[Sequence[float | None]], operands)
    if kind == "share":
        total = math.fsum(v for v in numbers[0] if v is not None)
        return tuple(None if v is None or total == 0 else v / total for v in numbers[0])
    values: list[Cell] = []
    for new, old in zip(numbers[0], numbers[1], strict=True):
        if new is None or old is None:
            values.append(None)
        elif kind == "change":
            values.append(new - old)
        else:
            values.append(None if old == 0 else (new - old) / abs(old))
    return tuple(values)


def _format(kind: str, first: NumberFormat | None, values: tuple[Cell, ...]) -> NumberFormat:
    """A change reads as what it changes (its currency, its decimals); the others as percentages."""
    if kind != "change":
        return NumberFormat("percent", 1)
    if first is not None and first.kind != "date":
        return first
    if all(v is None or isinstance(v, int) for v in values):
        return NumberFormat("integer", 0)
    return NumberFormat("decimal", 2)
