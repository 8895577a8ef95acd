"""Tables and charts of a spec: their rows written inline or read from a data file, and the columns picked."""

from __future__ import annotations

import os
import weakref
from dataclasses import replace
from pathlib import Path
from typing import cast, get_args

from yaml.nodes import MappingNode, Node, ScalarNode

from ..errors import Problem
from ..model import (
    CHART_KINDS,
    COLUMN_TYPES,
    Cell,
    Chart,
    ChartKind,
    FormatKind,
    Inline,
    NumberFormat,
    Rows,
    Series,
    Span,
    Table,
)
from ..number_formats import currency_precision, is_currency
from . import frames, language, shapes
from .apparatus import cells, inline, marked, read_id, words
from .apparatus import title as read_title
from .computed import COMPUTED_KINDS, DEFAULT_NAMES, Computed, compute
from .datafiles import Columns, DataError, DataFiles, Frame, SourceOptions, Spent, blank_missing
from .inline import typeset
from .language import QuoteMarks
from .reader import Reader, did_you_mean

MAX_CATEGORIES = 500
"""Most bars or points in a chart; more cannot be told apart."""
MAX_SLICES = 20
"""Most slices of a pie."""


def read_table(r: Reader, node: Node) -> Table | None:
    """A table block, its rows from ``rows:`` or a data file."""
    keys = r.shape(node, shapes.TABLE)
    if keys is None:
        return None
    before = len(r.problems)
    title, title_text = read_title(r, keys["title"]) if "title" in keys else (None, ())
    split = r.boolean(keys["split_sheets"]) if "split_sheets" in keys else False
    ident = read_id(r, keys["id"], "tbl") if "id" in keys else None
    credit = inline(r, keys["credit"]) if "credit" in keys else None
    found = _rows(r, node, keys)
    if found is None:
        return None
    rows, columns, sound = found
    if not sound:
        if "totals" in keys:  # its names and functions, for the one run that reports every problem
            frames.totals(r, keys["totals"], rows, columns, check_only=True)
        return None
    totals = frames.totals(r, keys["totals"], rows, columns) if "totals" in keys else None
    if len(r.problems) > before or ("totals" in keys and totals is None):
        return None
    picked = [rows.frame.names.index(c.source) for c in columns]
    noted = _header(r, columns) + _written(r, keys.get("rows"), rows, columns, picked) if "source" not in keys else []
    body = rows.body(picked)
    written = "source" not in keys  # values written in the spec, not read from a data file
    if written and r.quotes is not None:
        body = Rows(tuple(_typeset_column(column, r.quotes) for column in body.columns), body.length)
    formats = tuple(c.format for c in columns)
    locales = tuple(c.locale for c in columns)
    return Table(
        tuple(typeset(c.shown, r.quotes) if written or c.shown != c.source else c.shown for c in columns),
        body,
        title,
        formats if any(formats) else (),
        totals,
        bool(split),
        ident,
        credit,
        tuple(noted),
        pos=r.pos(node),
        title_text=title_text,
        locales=locales if any(locales) else (),
    )


def _typeset_column(values: tuple[Cell, ...], quotes: QuoteMarks) -> tuple[Cell, ...]:
    """A column of values written in the spec, its texts' quotes and dashes set as the briefing's are."""
    return tuple(typeset(v, quotes) if isinstance(v, str) else v for v in values)


def _written(
    r: Reader, node: Node | None, rows: frames.Kept, columns: list[frames.Column], picked: list[int]
) -> list[tuple[int, int, Inline]]:
    """The cells written in ``rows:`` that hold notes, citations or cross-references (computed ones hold none)."""
    data = [i for i, c in enumerate(columns) if c.compute is None]
    found = cells(r, node, rows.kept, [picked[i] for i in data])
    return [(row, data[col], text) for row, col, text in found]


def _header(r: Reader, columns: list[frames.Column]) -> list[tuple[int, int, Inline]]:
    """Header cells written in the spec that hold notes, citations or cross-references (row -1)."""
    found = []
    for col, column in enumerate(columns):
        node = column.node
        if isinstance(node, MappingNode):  # the name shown: as:, else from:
            named = {k.value: v for k, v in node.value if isinstance(k, ScalarNode)}
            node = named.get("as", named.get("from", node))
        if isinstance(node, ScalarNode) and marked(node.value):
            text = inline(r, node)
            if text is not None and any(type(span) is not Span for span in text):
                found.append((-1, col, text))
    return found


def read_chart(r: Reader, node: Node) -> Chart | None:
    """A chart block: x and y columns of rows written inline or read from a data file."""
    keys = r.shape(node, shapes.CHART)
    if keys is None or not {"type", "title", "x", "y"} <= keys.keys():
        return None
    kind = r.choice(keys["type"], CHART_KINDS)
    title, title_text = read_title(r, keys["title"])
    x_title = words(r, keys["x_title"]) if "x_title" in keys else None
    y_title = words(r, keys["y_title"]) if "y_title" in keys else None
    caption = inline(r, keys["caption"]) if "caption" in keys else None
    ident = read_id(r, keys["id"], "fig") if "id" in keys else None
    credit = inline(r, keys["credit"]) if "credit" in keys else None
    alt = words(r, keys["alt"]) if "alt" in keys else None
    found = _rows(r, node, keys)
    if found is None:
        return None
    rows, columns, sound = found
    if not sound or kind is None or title is None:
        for key in ("x", "y"):  # the names, for the one run that reports every problem
            names = [keys[key]] if isinstance(keys[key], ScalarNode) else keys[key].value
            for name in names:
                if isinstance(name, ScalarNode):
                    rows.index(r, name)
        return None
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
    categories = tuple(rows.values(x))
    if "source" not in keys and r.quotes is not None:  # written in the spec, as a table's written values
        categories = _typeset_column(categories, r.quotes)
        series = [s if s is None else replace(s, name=typeset(s.name, r.quotes)) for s in series]
    return Chart(
        cast(ChartKind, kind),
        title,
        categories,
        tuple(s for s in series if s is not None),
        _shown_name(rows, x) if "source" in keys else typeset(_shown_name(rows, x), r.quotes),
        x_title,
        y_title,
        caption or None,
        formats.get(rows.frame.names[cast(int, ys[0])]),
        ident,
        credit,
        alt or None,
        pos=r.pos(node),
        title_text=title_text,
    )


def _series(r: Reader, rows: frames.Kept, col: int, node: Node) -> Series | None:
    values = rows.values(col)
    at = frames.breaking(rows, col)
    if at is not None:
        where, value = rows.frame.locate(at, col), rows.frame.columns[col][at]
        r.problem(
            node,
            f"column '{rows.frame.names[col]}' holds text ({where}: '{value}'); a chart needs numbers"
            + frames.missing_hint(rows, col, at),
        )
        return None
    return Series(_shown_name(rows, col), tuple(None if v is None else float(cast(float, v)) for v in values))


def _shown_name(rows: frames.Kept, col: int) -> str:
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


def _rows(r: Reader, node: Node, keys: dict[str, Node]) -> tuple[frames.Kept, list[frames.Column], bool] | None:
    """The rows a table or chart keeps, its columns, and whether all was well.

    After a problem the rest is still read, so that one run reports every problem: names of
    columns, filters, the sort order and the limit are checked, but no rows are filtered.
    None when nothing more can be read (no data).
    """
    picked = _columns(r, keys["columns"]) if "columns" in keys else []
    blanks = _missing(r, keys["missing"]) if "missing" in keys else ()
    sound = picked is not None and blanks is not None
    columns = picked or []
    if "source" in keys:
        if "rows" in keys:
            r.problem(keys["rows"], "rows come from 'rows' or from 'source', not both")
            return None
        frame = _source(r, keys, missing=blanks or ())
    elif "columns" not in keys:
        r.problem(node, "missing 'columns' (with 'rows') or a data file in 'source'")
        return None
    elif picked is None:
        return None  # rows written in the spec are read by their columns
    else:
        frame = _inline_frame(r, keys.get("rows"), [c for c in columns if c.compute is None])
        if frame is not None:
            blank_missing(frame.columns, blanks or ())
    if frame is None:
        return None
    if "columns" not in keys:
        columns = [frames.Column(name, name, node) for name in frame.names]
    data = [c for c in columns if c.compute is None]
    rows = frames.Kept(frame, range(frame.count), {c.shown: c.source for c in data if c.shown != c.source})
    missing = [c for c in data if c.source not in frame.names]
    for c in missing:
        r.problem(c.node, f"no column '{c.source}' in the data{did_you_mean(c.source, frame.names)}")
    present = [c for c in data if c.source in frame.names]
    try:
        try:
            typed = frames.typed(r, frame, present)
        except frames.Reread:  # another table read a column of the same file as another type
            frame = _source(r, keys, fresh=True, missing=blanks or ())
            if frame is None:
                return None
            rows = frames.Kept(frame, range(frame.count), rows.aliases)
            typed = frames.typed(r, frame, present)
    except DataError as exc:  # the file read again for a value's line, and found unreadable there
        _unreadable(r, keys, exc)
        return None
    sound = sound and typed and not missing
    if "where" in keys:
        sound = frames.where(r, keys["where"], rows, apply=sound) and sound
    if sound and len(data) < len(columns):
        # Computed over the rows the filters keep, before sort: and limit:, which may use them.
        computed = compute(r, rows, columns)
        sound = computed is not None
        columns = computed or columns
    if "sort" in keys and (sound or len(data) == len(columns)):  # a sort by a computed column waits for it
        sound = frames.sort(r, keys["sort"], rows) and sound
    if "limit" in keys:
        limit = r.cell(keys["limit"])
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            r.problem(keys["limit"], "limit takes a whole number of rows, 1 or more")
            sound = False
        else:
            rows.kept = rows.kept[:limit]
    return rows, columns, sound


def _columns(r: Reader, node: Node) -> list[frames.Column] | None:
    nodes = r.sequence(node, "a list of columns", empty="a table needs at least one column")
    if nodes is None:
        return None
    columns = [_column(r, n) for n in nodes]
    return None if None in columns else cast(list[frames.Column], columns)


def _column(r: Reader, node: Node) -> frames.Column | None:
    if not isinstance(node, MappingNode):
        name = r.text(node)
        return None if name is None else frames.Column(name, name, node)
    keys = r.shape(node, shapes.COLUMN)
    if keys is None:
        return None
    given = [k for k in ("from", *COMPUTED_KINDS) if k in keys]
    if len(given) != 1:
        what = "missing 'from'" if not given else f"{' and '.join(given)} together"
        r.problem(node, f"{what}: a column takes one of from (a column of the data), change, pct_change or share")
        return None
    if given[0] != "from":
        return _computed(r, keys, given[0])
    source = r.text(keys["from"])
    shown = r.text(keys["as"]) if "as" in keys else source
    kind = r.choice(keys["type"], COLUMN_TYPES) if "type" in keys else None
    fmt = _format(r, keys) if "format" in keys else None
    for key in ("decimals", "currency"):
        if key in keys and "format" not in keys:
            r.problem(keys[key], f"'{key}' goes with a format: (decimal, percent or currency)")
    locale = language.number_locale(r, keys["locale"]) if "locale" in keys else None
    if source is None or shown is None or ("type" in keys and kind is None) or ("format" in keys and fmt is None):
        return None
    if "locale" in keys and locale is None:
        return None
    return frames.Column(source, shown, node, kind, fmt, locale=locale)


def _computed(r: Reader, keys: dict[str, Node], kind: str) -> frames.Column | None:
    """A column computed from others (``change: This week - Last week``); its type and format follow from them."""
    expression = r.text(keys[kind])
    shown = r.text(keys["as"]) if "as" in keys else DEFAULT_NAMES[kind]
    fmt = _format(r, keys) if "format" in keys else None
    for key in ("type", "decimals", "currency"):
        if key in keys and not (key != "type" and "format" in keys):
            r.problem(keys[key], f"'{key}' does not go with {kind}: (its type follows from the columns it reads)")
            return None
    locale = language.number_locale(r, keys["locale"]) if "locale" in keys else None
    if expression is None or shown is None or ("format" in keys and fmt is None) or ("locale" in keys and not locale):
        return None
    return frames.Column(shown, shown, keys[kind], None, fmt, Computed(kind, expression, keys[kind]), locale)


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


def _missing(r: Reader, node: Node) -> tuple[str, ...] | None:
    """The texts ``missing:`` says mean "no value"."""
    items = r.sequence(node, 'a list of texts that mean "no value", such as ["n/a", "-", ""]')
    if items is None:
        return None
    texts = []
    for item in items:
        if not isinstance(item, ScalarNode):
            r.problem(item, 'expected a text that means "no value", such as "n/a"')
            return None
        texts.append(item.value.strip())
    return tuple(texts)


def _source(r: Reader, keys: dict[str, Node], fresh: bool = False, missing: tuple[str, ...] = ()) -> Frame | None:
    path = r.path(keys["source"], "data")
    texts = {key: r.text(keys[key]) for key in ("delimiter", "encoding", "sheet", "range") if key in keys}
    if path is None or None in texts.values():
        return None
    if "delimiter" in texts and len(cast(str, texts["delimiter"])) != 1:
        r.problem(keys["delimiter"], 'the delimiter is one character, such as ; or a tab ("\\t")')
        return None
    options = SourceOptions(**{k: v for k, v in texts.items() if v is not None}, missing=missing)  # type: ignore[arg-type]
    r.data_files.append(path)
    try:
        return _files(r).frame(path, _shown(path), options, fresh)
    except Spent:
        return None
    except DataError as exc:
        _unreadable(r, keys, exc)
        return None


def _unreadable(r: Reader, keys: dict[str, Node], exc: DataError) -> None:
    """A data file that cannot be read, told at its own line where known, else at the key of the spec it is about."""
    if exc.pos is not None:
        r.problems.append(Problem(exc.pos, str(exc)))
    else:
        key = next((k for k in ("sheet", "range", "encoding") if k in keys and k in str(exc)), "source")
        r.problem(keys[key], str(exc))


_FILES: dict[int, DataFiles] = {}
"""The data files each spec being read has read, by its Reader: one spec's are not another's."""


def _files(r: Reader) -> DataFiles:
    files = _FILES.get(id(r))
    if files is None:
        files = _FILES[id(r)] = DataFiles()
        weakref.finalize(r, _FILES.pop, id(r), None)  # let go of the files' rows with the spec's reader
    return files


def _shown(path: Path) -> str:
    """A data file's name in messages: relative to the working folder when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive
        return str(path)


def _inline_frame(r: Reader, node: Node | None, columns: list[frames.Column]) -> Frame | None:
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
