"""Variables: ``{{ name }}`` in any string of a spec, rendered by a sandboxed Jinja2."""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import Problem, SpecError
from ..model import Pos
from .compose import compose, pos_of, read_spec_text
from .reader import Reader, did_you_mean
from .resolve import key_value

if TYPE_CHECKING:
    from jinja2 import TemplateError

    from .sandbox import BoundedEnvironment

# Jinja2 and the sandbox load with the first string that holds a template: most specs have none.

_RESOLVER = yaml.resolver.Resolver()
_STR = "tag:yaml.org,2002:str"
_ONLY_A_VARIABLE = re.compile(r"\s*\{\{(?:(?!\{\{|\}\}).)*\}\}\s*", re.S)


@cache
def _env() -> BoundedEnvironment:
    from .sandbox import BoundedEnvironment

    return BoundedEnvironment()


@contextmanager
def _rendering() -> Iterator[BoundedEnvironment]:
    """The sandboxed environment, with a budget for what is rendered within."""
    from .sandbox import Budget, spending

    with spending(Budget()):
        yield _env()


def _template_error() -> type[TemplateError]:
    from jinja2 import TemplateError

    return TemplateError


def builtins(spec_name: str) -> dict[str, Any]:
    """Variables every spec has: today's date (also as ``date``) and the spec's name."""
    today = dt.date.today().isoformat()
    return {"today": today, "date": today, "spec": spec_name}


def briefing_date(root: Node, values: Mapping[str, Any]) -> dict[str, Any]:
    """``date`` as the briefing's own date when the spec gives one (``date: 2026-02-18``), else nothing.

    ``{{ date }}`` then reads the same in the text as in the subject of the mail; ``today`` stays today.
    """
    node = key_value(root, "date")
    if not isinstance(node, ScalarNode):
        return {}
    text = node.value
    if "{{" in text or "{%" in text:
        try:
            with _rendering() as env:
                text = env.render(text, dict(values))
        except _template_error():
            return {}  # reported where the date itself is rendered
    try:
        return {"date": dt.date.fromisoformat(text.strip()).isoformat()}
    except ValueError:
        return {}  # reported where the date is read


def date_given(root: Node, given: Mapping[str, Any]) -> Node:
    """The tree with its ``date:`` set to a ``date`` given on the command line (``--set date=2026-12-08``).

    A base's ``date: "{{ today }}"`` would otherwise read today whatever is set; a given date is
    the briefing's date, in the date line as in ``{{ date }}``.
    """
    if "date" not in given or not isinstance(root, MappingNode):
        return root
    value = str(given["date"]).strip()
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise SpecError([Problem(Pos("--set", 0, 0), f"date: expected a date as YYYY-MM-DD, got '{value}'")]) from None
    old = key_value(root, "date")
    mark = (old or root).start_mark
    node = ScalarNode("tag:yaml.org,2002:timestamp", value, mark, mark)
    pairs = [(k, node if v is old else v) for k, v in root.value]
    if old is None:
        pairs.append((ScalarNode(_STR, "date", mark, mark), node))
    return MappingNode(root.tag, pairs, root.start_mark, root.end_mark)


def spec_variables(r: Reader, root: Node) -> dict[str, Any]:
    """The values of a spec's ``vars:`` mapping."""
    node = key_value(root, "vars")
    if node is None:
        return {}
    keys = r.mapping(node, None, (), "vars")
    return {name: r.cell(value) for name, value in (keys or {}).items()}


def read_vars_file(name: str | os.PathLike[str]) -> dict[str, Any]:
    """The variables of a ``--vars`` file: a mapping of names to values."""
    display = os.fspath(name)
    path = Path(name)
    root = compose(read_spec_text(path, display), display)
    reader = Reader(display, path.resolve().parent)
    values = spec_variables(reader, MappingNode("tag:yaml.org,2002:map", [(ScalarNode(_STR, "vars"), root)]))
    if reader.problems:
        raise SpecError(reader.problems)
    return values


def parse_set(assignments: list[str]) -> dict[str, Any]:
    """``--set key=value`` options as variables (values are text)."""
    values = {}
    for item in assignments:
        name, sep, value = item.partition("=")
        if not sep or not name.strip().isidentifier():
            raise SpecError([Problem(Pos("--set", 0, 0), f"expected NAME=VALUE, got '{item}'")])
        values[name.strip()] = value
    return values


def render(root: Node, values: Mapping[str, Any], problems: list[Problem]) -> Node:
    """The tree with every templated string rendered; ``vars:`` and ``distribution:`` are left as they are.

    Parts with nothing to render are the very nodes given, not copies.
    """
    done: dict[int, tuple[Node, Node]] = {}
    budget = ExitStack()  # one budget for all of a spec's strings, from the first that holds a template
    env: list[BoundedEnvironment] = []

    def walk(node: Node) -> Node:
        if isinstance(node, ScalarNode) and not (node.tag == _STR and ("{{" in node.value or "{%" in node.value)):
            return node  # most values: nothing to render
        if id(node) in done:  # an alias: rendered once
            return done[id(node)][1]
        result = node
        if isinstance(node, ScalarNode):
            if not env:
                env.append(budget.enter_context(_rendering()))
            result = _render_scalar(env[0], node, values, problems)
        elif isinstance(node, SequenceNode):
            items = [walk(n) for n in node.value]
            if any(new is not old for new, old in zip(items, node.value, strict=True)):
                result = SequenceNode(node.tag, items, node.start_mark, node.end_mark)
        elif isinstance(node, MappingNode):
            pairs = [(k, v if _is_vars(k, node is root) else walk(v)) for k, v in node.value]
            if any(new is not old for (_, new), (_, old) in zip(pairs, node.value, strict=True)):
                result = MappingNode(node.tag, pairs, node.start_mark, node.end_mark)
        done[id(node)] = (node, result)
        return result

    with budget:
        return walk(root)


def render_name(template: str, values: Mapping[str, Any]) -> str:
    """A file name from ``--out-name``: a single name, without folders."""
    try:
        with _rendering() as env:
            name = env.render(template, dict(values)).strip()
    except _template_error() as exc:
        raise SpecError([Problem(Pos("--out-name", 0, 0), _message(exc))]) from None
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise SpecError([Problem(Pos("--out-name", 0, 0), f"'{name}' is not a file name")])
    hidden = next((c for c in name if unicodedata.category(c) in ("Cc", "Cf")), None)
    if hidden is not None:
        # A right-to-left override can make "report.fdp.exe" read "report.exe.pdf" in a mail.
        shown = name.encode("unicode_escape").decode("ascii")
        message = f"a control or format character (U+{ord(hidden):04X}) in the file name '{shown}'"
        raise SpecError([Problem(Pos("--out-name", 0, 0), message)])
    return name


def _render_scalar(
    env: BoundedEnvironment, node: ScalarNode, values: Mapping[str, Any], problems: list[Problem]
) -> Node:
    try:
        text = env.render(node.value, dict(values))
    except _template_error() as exc:
        problems.append(Problem(pos_of(node), _message(exc, values)))
        return node
    except RecursionError:
        problems.append(Problem(pos_of(node), "template error: an expression nested too deeply"))
        return node
    # A value that is only a variable takes the type YAML would give it in
    # place, so "{{ count }}" in a table is a number, as 1500 would be.
    typed = not node.style or _ONLY_A_VARIABLE.fullmatch(node.value)  # plain: None, or '' from libyaml
    tag = _RESOLVER.resolve(ScalarNode, text, (True, False)) if typed else _STR
    return ScalarNode(tag, text, node.start_mark, node.end_mark, node.style)


def _message(exc: TemplateError, values: Mapping[str, Any] | None = None) -> str:
    text = str(exc.message if getattr(exc, "message", None) else exc)
    if "is undefined" in text:
        name = re.match(r"'([^']*)' is undefined", text)
        hint = did_you_mean(name.group(1), list(values), list_all=False) if name and values else ""
        return f"undefined variable: {text}{hint}"
    return f"template error: {text}"


def _is_vars(key: Node, top: bool) -> bool:
    # Distribution lists are rendered when mail is sent, with the briefing's title and date.
    return top and isinstance(key, ScalarNode) and key.value in ("vars", "distribution")
