"""Tables and charts of a spec: rows written inline or read from a data file, then picked, filtered and sorted."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import assert_never, cast, get_args

from yaml.nodes import MappingNode, Node, ScalarNode

from ..errors import Problem
from ..model import (
    CHART_KINDS,
    COLUMN_TYPES,
    Aggregate,
    Cell,
    Chart,
    ChartKind,
    FormatKind,
    NumberFormat,
    Rows,
    Series,
    Table,
    Totals,
)
from ..numbers import FORMAT_NEEDS, currency_precision, fits, is_currency
from . import shapes
from .cells import Test, comparable, convert, infer, is_number, looks_like, sort_key, test, type_name, why_not
from .datafiles import SHARED, Columns, DataError, Frame, SourceOptions, read
from .inline import parse_inline
from .reader import Reader, did_you_mean

MAX_CATEGORIES = 500
"""Most bars or points in a chart; more cannot be told apart."""
MAX_SLICES = 20
"""Most slices of a pie."""
MAX_REPORTED = 3
"""Bad values reported per column before the rest are counted."""

ColumnType = str
"""integer, number, text, date or boolean."""


@dataclass(frozen=True)
class _Column:
    """A column as the spec asks for it: where it comes from, what it is called, how it reads."""

    source: str
    shown: str
    node: Node
    type: ColumnType | None = None
    format: NumberFormat | None = None


@dataclass
class _Rows:
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

        Each column of the frame is emptied once copied, so that a long table is not
        held twice over at the end of reading it.
        """
        columns = []
        for n, col in enumerate(picked):
            columns.append(tuple(self.values(col)))
            if col not in picked[n + 1 :]:
                self.frame.columns[col].clear()
        return Rows(tuple(columns), len(self.kept))


def read_table(r: Reader, node: Node) -> Table | None:
    """A table block, its rows from ``rows:`` or a data file."""
    keys = r.shape(node, shapes.TABLE)
    if keys is None:
        return None
    before = len(r.problems)
    title = r.text(keys["title"]) if "title" in keys else None
    split = r.boolean(keys["split_sheets"]) if "split_sheets" in keys else False
    found = _rows(r, node, keys)
    if found is None:
        return None
    rows, columns = found
    totals = _totals(r, keys["totals"], rows, columns) if "totals" in keys else None
    if len(r.problems) > before or ("totals" in keys and totals is None):
        return None
    body = rows.body([rows.frame.names.index(c.source) for c in columns])
    formats = tuple(c.format for c in columns)
    return Table(
        tuple(c.shown for c in columns),
        body,
        title,
        formats if any(formats) else (),
        totals,
        bool(split),
        pos=r.pos(node),
    )


def read_chart(r: Reader, node: Node) -> Chart | None:
    """A chart block: x and y columns of rows written inline or read from a data file."""
    keys = r.shape(node, shapes.CHART)
    if keys is None or not {"type", "title", "x", "y"} <= keys.keys():
        return None
    kind = r.choice(keys["type"], CHART_KINDS)
    title = r.text(keys["title"])
    x_title = r.text(keys["x_title"]) if "x_title" in keys else None
    y_title = r.text(keys["y_title"]) if "y_title" in keys else None
    caption = r.text(keys["caption"]) if "caption" in keys else None
    found = _rows(r, node, keys)
    if found is None or kind is None or title is None:
        return None
    rows, columns = found
    x = rows.index(r, keys["x"])
    y = keys["y"]
    y_nodes = [y] if isinstance(y, ScalarNode) else r.sequence(y, "a column or a list of columns")
    ys = [rows.index(r, n) for n in y_nodes or ()]
    if x is None or None in ys or not ys:
        return None
    series = [_series(r, rows, col, n) for col, n in zip(cast(list[int], ys), cast(list[Node], y_nodes), strict=True)]
    if not _chart_fits(r, keys, cast(ChartKind, kind), len(rows.kept), series):
        return None
    formats = {c.source: c.format for c in columns}
    return Chart(
        cast(ChartKind, kind),
        title,
        tuple(rows.values(x)),
        tuple(s for s in series if s is not None),
        _shown_name(rows, x),
        x_title,
        y_title,
        parse_inline(caption) if caption else None,
        formats.get(rows.frame.names[cast(int, ys[0])]),
        pos=r.pos(node),
    )


def _series(r: Reader, rows: _Rows, col: int, node: Node) -> Series | None:
    values = rows.values(col)
    bad = [i for i, v in zip(rows.kept, values, strict=True) if v is not None and not is_number(v)]
    if bad:
        where = rows.frame.locate(bad[0], col)
        r.problem(
            node,
            f"column '{rows.frame.names[col]}' holds text ({where}: '{rows.frame.columns[col][bad[0]]}'); "
            "a chart needs numbers",
        )
        return None
    return Series(_shown_name(rows, col), tuple(None if v is None else float(cast(float, v)) for v in values))


def _shown_name(rows: _Rows, col: int) -> str:
    """A data column's name as the spec shows it (after as:)."""
    name = rows.frame.names[col]
    return next((shown for shown, source in rows.aliases.items() if source == name), name)


def _chart_fits(r: Reader, keys: dict[str, Node], kind: ChartKind, count: int, series: list[Series | None]) -> bool:
    if None in series:
        return False
    if count == 0:
        r.problem(keys["x"], "the chart has no rows to draw")
        return False
    if kind == "pie":
        if len(series) != 1:
            r.problem(keys["y"], "a pie shows one column of values; give y a single column")
            return False
        if count > MAX_SLICES:
            r.problem(keys["x"], f"a pie of {count} slices cannot be read; at most {MAX_SLICES} (use limit:)")
            return False
        if any(v is None or v < 0 for v in cast(Series, series[0]).values):
            r.problem(keys["y"], "a pie needs a value of zero or more for every slice")
            return False
    elif count > MAX_CATEGORIES:
        r.problem(keys["x"], f"{count} categories cannot be told apart; at most {MAX_CATEGORIES} (use limit:)")
        return False
    return True


# -- rows: from the spec or a data file, then filtered, sorted and cut ---------


def _rows(r: Reader, node: Node, keys: dict[str, Node]) -> tuple[_Rows, list[_Column]] | None:
    columns = _columns(r, keys["columns"]) if "columns" in keys else []
    if columns is None:
        return None
    if "source" in keys:
        if "rows" in keys:
            r.problem(keys["rows"], "rows come from 'rows' or from 'source', not both")
            return None
        frame = _source(r, keys)
    elif "columns" not in keys:
        r.problem(node, "missing 'columns' (with 'rows') or a data file in 'source'")
        return None
    else:
        frame = _inline_frame(r, keys.get("rows"), columns)
    if frame is None:
        return None
    if not columns:
        columns = [_Column(name, name, node) for name in frame.names]
    rows = _Rows(frame, range(frame.count), {c.shown: c.source for c in columns if c.shown != c.source})
    missing = [c for c in columns if c.source not in frame.names]
    for c in missing:
        r.problem(c.node, f"no column '{c.source}' in the data{did_you_mean(c.source, frame.names)}")
    if missing or not _typed(r, frame, columns):
        return None
    if "where" in keys and not _where(r, keys["where"], rows):
        return None
    if "sort" in keys and not _sort(r, keys["sort"], rows):
        return None
    if "limit" in keys:
        limit = r.cell(keys["limit"])
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            r.problem(keys["limit"], "limit takes a whole number of rows, 1 or more")
            return None
        rows.kept = rows.kept[:limit]
    return rows, columns


def _columns(r: Reader, node: Node) -> list[_Column] | None:
    nodes = r.sequence(node, "a list of columns", empty="a table needs at least one column")
    if nodes is None:
        return None
    columns = [_column(r, n) for n in nodes]
    return None if None in columns else cast(list[_Column], columns)


def _column(r: Reader, node: Node) -> _Column | None:
    if not isinstance(node, MappingNode):
        name = r.text(node)
        return None if name is None else _Column(name, name, node)
    keys = r.shape(node, shapes.COLUMN)
    if keys is None or "from" not in keys:
        return None
    source = r.text(keys["from"])
    shown = r.text(keys["as"]) if "as" in keys else source
    kind = r.choice(keys["type"], COLUMN_TYPES) if "type" in keys else None
    fmt = _format(r, keys) if "format" in keys else None
    for key in ("decimals", "currency"):
        if key in keys and "format" not in keys:
            r.problem(keys[key], f"'{key}' goes with a format: (decimal, percent or currency)")
    if source is None or shown is None or ("type" in keys and kind is None) or ("format" in keys and fmt is None):
        return None
    return _Column(source, shown, node, kind, fmt)


def _format(r: Reader, keys: dict[str, Node]) -> NumberFormat | None:
    kind = r.choice(keys["format"], get_args(FormatKind))
    if kind is None:
        return None
    currency = "USD"
    if "currency" in keys:
        code = r.text(keys["currency"])
        if code is None or not is_currency(code):
            r.problem(keys["currency"], f"'{keys['currency'].value}' is not an ISO 4217 currency code such as EUR")
            return None
        currency = code
    decimals = {"integer": 0, "decimal": 2, "percent": 0, "currency": currency_precision(currency), "date": 0}[kind]
    if "decimals" in keys:
        value = r.cell(keys["decimals"])
        if kind in ("integer", "date") or isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
            r.problem(keys["decimals"], "decimals takes 0 to 10, for decimal, percent and currency formats")
            return None
        decimals = value
    return NumberFormat(cast(FormatKind, kind), decimals, currency)


def _source(r: Reader, keys: dict[str, Node]) -> Frame | None:
    path = r.path(keys["source"], "data")
    texts = {key: r.text(keys[key]) for key in ("delimiter", "encoding", "sheet", "range") if key in keys}
    if path is None or None in texts.values():
        return None
    if "delimiter" in texts and len(cast(str, texts["delimiter"])) != 1:
        r.problem(keys["delimiter"], 'the delimiter is one character, such as ; or a tab ("\\t")')
        return None
    options = SourceOptions(**{k: v for k, v in texts.items() if v is not None})  # type: ignore[arg-type]
    r.data_files.append(path)
    try:
        return read(path, _shown(path), options)
    except DataError as exc:
        if exc.pos is not None:
            r.problems.append(Problem(exc.pos, str(exc)))
        else:
            key = next((k for k in ("sheet", "range", "encoding") if k in keys and k in str(exc)), "source")
            r.problem(keys[key], str(exc))
        return None


def _shown(path: Path) -> str:
    """A data file's name in messages: relative to the working folder when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive
        return str(path)


def _inline_frame(r: Reader, node: Node | None, columns: list[_Column]) -> Frame | None:
    names = [c.source for c in columns]
    if node is None:
        return Frame(names, [[] for _ in names], lambda row, col: r.pos(columns[col].node))
    row_nodes = r.sequence(node, "a list of rows")
    if row_nodes is None:
        return None
    rows = Columns(len(names))
    cells: list[list[Node]] = []
    for row_node in row_nodes:
        values = r.sequence(row_node, "a row (a list of values)")
        if values is None:
            continue
        if len(values) != len(names):
            found, width = _count(len(values), "cell"), _count(len(names), "column")
            r.problem(row_node, f"row has {found}, but the table has {width}")
            continue
        rows.add([r.cell(c) for c in values])
        cells.append(values)
    if len(cells) != len(row_nodes):
        return None
    return Frame(names, rows.lists, lambda row, col: r.pos(cells[row][col]))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


# -- types, filters, order, totals ---------------------------------------------


def _typed(r: Reader, frame: Frame, columns: list[_Column]) -> bool:
    """Give each column of the frame its type, forced or (for text read from CSV) inferred; check formats against it."""
    ok = True
    wanted = {c.source: c for c in columns}
    for col, name in enumerate(frame.names):
        spec = wanted.get(name)
        kind = spec.type if spec and spec.type else None
        because = ""
        if kind is None and frame.text:
            # A format says what its column holds: the values that are not such are the ones to name.
            needs = FORMAT_NEEDS[spec.format.kind] if spec and spec.format else None
            because = f", as the column's {spec.format.kind} format needs" if spec and spec.format else ""
            kind = needs or infer(frame.columns[col])
            if kind is None:
                _mixed(r, frame, col)
        if kind is not None:
            ok = _convert(r, frame, col, kind, because) and ok
        if spec and spec.format and ok:
            ok = _check_format(r, frame, col, spec.format) and ok
    return ok


def _mixed(r: Reader, frame: Frame, col: int) -> None:
    """Say so when a column read as text is mostly of another kind: a few values made it text."""
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
            message = (
                f"column '{frame.names[col]}' is read as text: {fitting} of its {present} values are "
                f"{kind}s, but not '{column[odd]}' (give type: {kind} to refuse the others)"
            )
            r.notices.append(Problem(frame.locate(odd, col), message))
            return


def _convert(r: Reader, frame: Frame, col: int, kind: str, because: str = "") -> bool:
    """Read a column's values as ``kind``, in place; a text met again is read once (and its value shared)."""
    column, bad = frame.columns[col], []
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
    _report(r, frame, col, bad, f"is not {type_name(kind)}{because}", lambda value: why_not(value, kind))
    return not bad


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


def _where(r: Reader, node: Node, rows: _Rows) -> bool:
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
        op = r.choice(keys["op"], shapes.OPERATORS) if "op" in keys else "=="
        ok, wanted = _wanted(r, keys["value"], op)
        if col is None or op is None or not ok:
            continue
        column_values = rows.values(col)
        for value in wanted if isinstance(wanted, list) else [wanted]:
            if op != "contains" and not comparable(column_values, value):
                name = rows.frame.names[col]
                r.problem(keys["value"], f"'{value}' cannot be compared with the values of column '{name}'")
                return False
        tests.append((col, test(op, wanted)))
    if len(tests) != len(nodes):
        return False
    columns = rows.frame.columns
    rows.kept = [i for i in rows.kept if all(t(columns[col][i]) for col, t in tests)]
    return True


def _wanted(r: Reader, node: Node, op: str | None) -> tuple[bool, Cell | list[Cell]]:
    """Whether a filter's value could be read, and the value (a list for in and not in)."""
    if op in ("in", "not in"):
        items = r.sequence(node, f"a list of values for '{op}'")
        return (False, None) if items is None else (True, [r.cell(n) for n in items])
    if not isinstance(node, ScalarNode):
        r.problem(node, "expected a single value to compare with")
        return False, None
    return True, r.cell(node)


def _sort(r: Reader, node: Node, rows: _Rows) -> bool:
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


def _text_of(value: Cell) -> Cell:
    return None if value is None else convert(value, "text")


def _totals(r: Reader, node: Node, rows: _Rows, columns: list[_Column]) -> Totals | None:
    names = dict.fromkeys(c.shown for c in columns)
    keys = r.mapping(node, names, what="totals (a column of the table)")
    if keys is None:
        return None
    functions: list[Aggregate | None] = [None] * len(columns)
    for name, value_node in keys.items():
        where = list(names).index(name)
        data_name = columns[where].source
        function = r.choice(value_node, get_args(Aggregate))
        if function is None:
            continue
        values = rows.values(rows.frame.names.index(data_name))
        if function != "count" and not all(v is None or is_number(v) for v in values):
            r.problem(value_node, f"column '{name}' holds values that are not numbers; it can only be counted")
            continue
        functions[where] = cast(Aggregate, function)
    if len([f for f in functions if f]) != len(keys):
        return None
    results: list[Cell] = []
    for function, column in zip(functions, columns, strict=True):
        values = [v for v in rows.values(rows.frame.names.index(column.source)) if v is not None]
        results.append(_aggregate(function, values))
    if functions[0] is None:
        results[0] = "Total"
    return Totals(tuple(functions), tuple(results))


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
