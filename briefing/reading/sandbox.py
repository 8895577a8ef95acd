"""The template engine of ``{{ }}`` in specs: Jinja2's sandbox, with a budget a spec cannot exceed.

Jinja2's sandbox keeps a template away from Python's internals, but not from the
machine's memory and time: ``{{ 'x' * 3000000000 }}``, ``{{ 9 ** 9 ** 9 }}`` or two
nested loops over ``range(100000)`` would each run for minutes or take gigabytes. Here

- statements that make no sense in a spec (``include``, ``import``, ``extends``,
  ``macro``, ``call``, ``block``, recursive loops) are refused before anything runs;
- every operator and call that can make a large value is bounded (``*``, ``**``, ``+``,
  ``~``, ``%`` and string methods or filters given a width or a count);
- every loop, and every ``range``, draws on the spec's budget of loop steps, and every
  rendered character on its budget of output.

Each refusal is a TemplateError, which the loader reports at the string's position.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
import math
import re
import types
from collections.abc import Callable, Iterable, Iterator
from typing import Any, cast

from jinja2 import Environment, StrictUndefined, Undefined, nodes, pass_environment
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.filters import make_attrgetter
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment, SandboxedEscapeFormatter, SandboxedFormatter
from jinja2.visitor import NodeTransformer
from markupsafe import Markup

from ..limits import Limits, current
from . import template_sizes as sizes

_REFUSED: dict[type[nodes.Node], str] = {
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "import",
    nodes.Extends: "extends",
    nodes.Macro: "macro",
    nodes.CallBlock: "call",
    nodes.Block: "block",
}
_WIDTH = re.compile(r"\d+")


class Budget:
    """What one spec's templates have used so far."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or current()
        self.output = 0
        self.steps = 0
        self.made = 0

    def step(self, count: int = 1) -> None:
        """Take ``count`` loop steps from the budget, or refuse them all."""
        if self.steps + count > self.limits.template_loop_steps:
            raise SecurityError(f"the spec's templates take more than {self.limits.template_loop_steps:,} loop steps")
        self.steps += count

    def make(self, count: int, what: str) -> None:
        """Count a value of ``count`` characters (or items) before ``what`` makes it, or refuse to make it."""
        limits = self.limits
        if count > limits.template_value:
            # The count may be a bound or where counting stopped, so the message gives the limit.
            raise SecurityError(
                f"{what} would make more than the {limits.template_value:,} characters a value may hold"
            )
        self.read(count, what)

    def read(self, count: int, what: str) -> None:
        """Count ``count`` characters (or items) that ``what`` makes or goes through, against all the templates'."""
        limit = self.limits.template_made
        if self.made + count > limit:
            raise SecurityError(f"{what} would take the spec's templates past {limit:,} characters made or read in all")
        self.made += count

    def write(self, count: int) -> None:
        """Take ``count`` characters of output from the budget, or refuse them all."""
        if self.output + count > self.limits.template_output:
            raise SecurityError(f"the spec's templates make more than {self.limits.template_output:,} characters")
        self.output += count


_BUDGET: contextvars.ContextVar[Budget] = contextvars.ContextVar("budget")


def budget() -> Budget:
    """The budget of the spec being rendered (a fresh one outside ``spending``)."""
    try:
        return _BUDGET.get()
    except LookupError:
        return Budget()


class spending:  # noqa: N801 (a context manager, used like open)
    """``with spending(Budget()): ...`` renders draw on that budget."""

    def __init__(self, spent: Budget) -> None:
        self.spent = spent

    def __enter__(self) -> Budget:
        self._token = _BUDGET.set(self.spent)
        return self.spent

    def __exit__(self, *_: object) -> None:
        _BUDGET.reset(self._token)


class _Bounded(NodeTransformer):
    """Refuses statements that make no sense in a spec; routes loops and ``~`` through the budget."""

    def generic_visit(self, node: nodes.Node, *args: Any, **kwargs: Any) -> Any:
        kind = _REFUSED.get(type(node))
        if kind is not None:
            raise SecurityError(f"'{kind}' cannot be used in a spec's text")
        return super().generic_visit(node, *args, **kwargs)

    def visit_For(self, node: nodes.For) -> nodes.Node:  # noqa: N802 (Jinja's visitor names)
        if node.recursive:
            raise SecurityError("recursive loops cannot be used in a spec's text")
        node = self.generic_visit(node)
        assert isinstance(node.iter, nodes.Expr)  # what a for loop goes over is an expression
        node.iter = _call("_briefing_loop", node.iter)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:  # noqa: N802
        node = self.generic_visit(node)
        return _call("_briefing_concat", *(part for part in node.nodes if isinstance(part, nodes.Expr)))

    def visit_Compare(self, node: nodes.Compare) -> nodes.Node:  # noqa: N802
        # 'x' in text, or text == other, reads the text through: in a loop, a long one is read again each time.
        node = self.generic_visit(node)
        node.expr = _call("_briefing_read", node.expr)
        for operand in node.ops:
            operand.expr = _call("_briefing_read", operand.expr)
        return node

    def visit_Output(self, node: nodes.Output) -> nodes.Node:  # noqa: N802
        # Every piece of output is counted where it is made, text and {{ }} alike: the output of a
        # {% set x %} or {% filter %} block is held and joined, never seen by render's loop.
        node = self.generic_visit(node)
        node.nodes = [_call("_briefing_out", child) for child in node.nodes]
        return node


def _call(name: str, *args: nodes.Expr) -> nodes.Call:
    return nodes.Call(nodes.Name(name, "load"), list(args), [], None, None)


class BoundedEnvironment(SandboxedEnvironment):
    """Jinja2's sandbox with the spec's budget on every operator, call, loop and character."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self) -> None:
        super().__init__(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
        self.globals["range"] = _range
        self.globals["_briefing_loop"] = _loop
        self.globals["_briefing_concat"] = _concat
        self.globals["_briefing_out"] = _out
        self.globals["_briefing_read"] = _read
        self.tests = {name: _reading_test(cast(Callable[..., Any], test)) for name, test in self.tests.items()}
        self.filters["sum"] = _sum
        self.filters = {
            name: _bounded_filter(name, _sync(f)) for name, f in self.filters.items() if name in sizes.FILTERS
        }

    def render(self, source: str, values: dict[str, Any]) -> str:
        """``source`` rendered with ``values``, drawing on the current budget; any failure is a TemplateError."""
        out: list[str] = []
        try:
            template = self.from_string(_Bounded().visit(self.parse(source)))
            out.extend(template.generate(values))  # each piece counted as it was made (_out)
        except TemplateError:
            raise
        except (ArithmeticError, AttributeError, LookupError, TypeError, ValueError) as exc:
            # {{ 1 / 0 }}, {{ 'a' + 1 }}, lipsum(min=9, max=1): the template's own mistake, said as Python says it.
            raise TemplateError(str(exc) or type(exc).__name__) from None
        except MemoryError:
            raise SecurityError("the template needs more memory than the machine has") from None
        return "".join(out)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        _check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def getitem(self, obj: Any, argument: Any) -> Any:
        """``value[a:b]`` makes a copy: its items are counted before it is made."""
        if isinstance(argument, slice) and isinstance(obj, (str, list, tuple)):
            budget().make(len(range(*argument.indices(len(obj)))), "a slice")
        return super().getitem(obj, argument)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``str.format`` and ``format_map`` as a template gets them: each field counted before it is made."""
        if not isinstance(value, (types.MethodType, types.BuiltinMethodType)) or value.__name__ not in _FORMATS:
            return None
        form = value.__self__
        if not isinstance(form, str):
            return None
        _check_widths(form)
        mapping = value.__name__ == "format_map"

        def counted(*args: Any, **kwargs: Any) -> str:
            formatter = _CountingFormatter(self, len(form))
            if isinstance(form, Markup):
                formatter = _CountingEscapeFormatter(self, len(form), escape=form.escape)
            if mapping:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one mapping")
                return type(form)(formatter.vformat(form, (), args[0]))
            return type(form)(formatter.vformat(form, args, kwargs))

        counted.counted = True  # type: ignore[attr-defined]
        return counted

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (Jinja's)
        given = list(args)
        _check_arguments(given, kwargs)
        if not getattr(__obj, "counted", False) and __obj not in _OWN:
            size = sizes.call_size(__obj, given, kwargs, current().template_value)
            if size is None:
                raise SecurityError(f"{_name_of(__obj)} cannot be called in a spec's text")
            budget().make(size, _name_of(__obj))
            if getattr(__obj, "__name__", "") not in sizes.LOOKUPS:
                budget().read(_length(getattr(__obj, "__self__", None)) + _lengths(given, kwargs), _name_of(__obj))
        result = super().call(__context, __obj, *given, **kwargs)
        _check_size(result)
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, sizes.GROWING) and len(owner) > current().template_value:
            raise SecurityError(f"{_name_of(__obj)} made a value of more than {current().template_value:,} items")
        return result


_FORMATS = ("format", "format_map")


class _CountingFormatter(SandboxedFormatter):
    """A sandboxed ``str.format`` that counts each field before making it, so a format cannot outgrow the budget."""

    def __init__(self, env: Environment, made: int, **kwargs: Any) -> None:
        super().__init__(env, **kwargs)
        self.made = made

    def format_field(self, value: Any, format_spec: str) -> Any:
        _check_widths(format_spec)
        limit = current().template_value
        field = sizes.field_size(value, format_spec, limit)
        self.made += field
        if self.made > limit:
            raise SecurityError(f"'str.format' would make more than the {limit:,} characters a value may hold")
        budget().make(field, "a format")
        return super().format_field(value, format_spec)


class _CountingEscapeFormatter(_CountingFormatter, SandboxedEscapeFormatter):
    pass


def _name_of(target: Any) -> str:
    name = getattr(target, "__name__", type(target).__name__)
    name = {"generate_lorem_ipsum": "lipsum", "Namespace": "namespace", "Cycler": "cycler"}.get(name, name)
    owner = getattr(target, "__self__", None)
    return f"'{type(owner).__name__}.{name}'" if owner is not None and not isinstance(owner, type) else f"'{name}'"


def _out(value: Any) -> Any:
    """A piece of output, counted before it becomes text, so that printing a list cannot make gigabytes."""
    spent, limits = budget(), current()
    if isinstance(value, str):
        spent.write(len(value))
        return value
    room = min(limits.template_output - spent.output, limits.template_value)
    size = sizes.text_size(value, room)
    if size > limits.template_value:
        spent.make(size, "printing a value")  # refused: more than one value may hold
    spent.write(size)
    return value


def _check_binop(operator: str, left: Any, right: Any) -> None:
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (left, right))
    limits = current()
    if operator == "**" and numbers:
        if abs(left) > 1 and right > 0 and right * math.log10(abs(left)) > limits.template_digits:
            raise SecurityError(f"{left} ** {right} has more than {limits.template_digits} digits")
    elif operator == "*" and numbers:
        if _digits(left) + _digits(right) > limits.template_digits + 1:
            raise SecurityError(f"a product of more than {limits.template_digits} digits")
    elif operator == "*":
        count = right if isinstance(right, int) else left if isinstance(left, int) else 0
        item = left if isinstance(right, int) else right
        # A list repeated holds its items that many times over, nested lists whole: [[0] * n] * n is n * n
        # values, however cheaply Python shares them, and comparing, sorting or printing it reads them all.
        size = _deep_size(item, limits.template_value // max(count, 1) + 1) if hasattr(item, "__len__") else 0
        if count * size > limits.template_value:
            raise SecurityError(
                f"repeating a value {count:,} times makes more than {limits.template_value:,} characters"
            )
        budget().make(max(count, 0) * size, "'*'")
    elif operator == "+" and not numbers and hasattr(left, "__len__") and hasattr(right, "__len__"):
        budget().make(_deep_size(left, limits.template_made) + _deep_size(right, limits.template_made), "'+'")
    elif operator == "%" and isinstance(left, str):
        _check_widths(left)
        budget().make(sizes.printf_size(left, right, limits.template_value), "'%'")


def _deep_size(value: Any, limit: int) -> int:
    """A text's length; a list's or a mapping's characters as written out, what it holds included (counting
    stops once past ``limit``)."""
    return len(value) if isinstance(value, str) else sizes.text_size(value, limit)


def _digits(value: Any) -> int:
    return len(str(int(abs(value)))) if abs(value) >= 1 else 1


def _check_size(value: Any) -> None:
    if isinstance(value, (str, list, tuple)) and len(value) > current().template_value:
        raise SecurityError(f"a value of more than {current().template_value:,} characters")


def _check_widths(form: str) -> None:
    """A format string must not ask for a field wider than the limit (``%0999999999d``, ``{:>999999999}``)."""
    if any(int(digits) > current().template_argument for digits in _WIDTH.findall(form)):
        raise SecurityError(f"a format wider than {current().template_argument:,} characters")


def _check_arguments(args: list[Any], kwargs: dict[str, Any]) -> None:
    """No count or width beyond the limit, and no method handed to another (``sort(key=s.join)`` runs unseen)."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > current().template_argument:
            raise SecurityError(f"{value:,} is more than a spec may ask for ({current().template_argument:,} at most)")
        if callable(value) and not isinstance(value, (str, Undefined)):
            raise SecurityError("a function cannot be given to a method or filter in a spec's text")


_CONTEXTS = ("context", "eval_ctx", "environment")


def _sync(function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that has an async twin is the sync one within: the one whose signature tells its arguments."""
    return getattr(function, "__wrapped__", function) if getattr(function, "jinja_async_variant", False) else function


def _bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """The filter, its result measured from its arguments before it runs (see template_sizes.FILTERS)."""
    signature = inspect.signature(function)
    first = next(p for p in signature.parameters if p not in _CONTEXTS)
    size = sizes.FILTERS[name]

    @functools.wraps(function)  # keeps Jinja's pass_context and pass_environment marks
    def bounded(*args: Any, **kwargs: Any) -> Any:
        given = signature.bind(*args, **kwargs)
        given.apply_defaults()
        named = {**given.arguments, "value": given.arguments[first]}
        _check_arguments(*_user_arguments(signature, given.arguments, first))
        if name == "format":
            _check_widths(str(named["value"]))
        budget().make(size(named, current().template_value), f"the filter '{name}'")
        budget().read(_lengths(list(given.args), given.kwargs), f"the filter '{name}'")
        given.arguments[first] = named["value"]  # an iterator read into a list to be measured
        for key in ("attribute",):
            if key in given.arguments:
                given.arguments[key] = named[key]
        result = function(*given.args, **given.kwargs)
        _check_size(result)
        return result

    return bounded


def _user_arguments(
    signature: inspect.Signature, arguments: dict[str, Any], first: str
) -> tuple[list[Any], dict[str, Any]]:
    """The arguments a template gave a filter, after the value it filters (``*args`` and ``**kwargs`` spread out)."""
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for name, value in arguments.items():
        kind = signature.parameters[name].kind
        if name in _CONTEXTS or name == first:
            continue
        if kind is inspect.Parameter.VAR_POSITIONAL:
            args.extend(value)
        elif kind is inspect.Parameter.VAR_KEYWORD:
            kwargs.update(value)
        else:
            args.append(value)
    return args, kwargs


@pass_environment
def _sum(environment: Environment, iterable: Iterable[Any], attribute: str | int | None = None, start: Any = 0) -> Any:
    """Jinja's sum, adding lists in one pass: ``sum(start=[])`` otherwise copies the growing list at every item."""
    items = list(iterable)
    if attribute is not None:
        items = list(map(make_attrgetter(environment, attribute), items))
    if not isinstance(start, (list, tuple)):
        return sum(items, start)
    if not all(isinstance(item, type(start)) for item in items):
        raise TypeError(f"can only add {type(start).__name__}s to {type(start).__name__}s")
    budget().make(len(start) + sum(len(item) for item in items), "the filter 'sum'")
    joined = list(start)
    for item in items:
        joined.extend(item)
    return type(start)(joined)


def _length(value: Any) -> int:
    """What going through a value costs: its characters or items (a mapping's keys are looked up, but counted)."""
    return len(value) if isinstance(value, (str, list, tuple, dict)) else 0


def _lengths(args: list[Any], kwargs: dict[str, Any]) -> int:
    return sum(_length(value) for value in (*args, *kwargs.values()))


def _read(value: Any) -> Any:
    budget().read(_length(value), "a comparison")
    return value


def _reading_test(test: Callable[..., Any]) -> Callable[..., Any]:
    """A test (``is in``, ``is divisibleby``), what it goes through counted."""

    @functools.wraps(test)  # keeps Jinja's pass_environment marks
    def counted(*args: Any, **kwargs: Any) -> Any:
        budget().read(_lengths(list(args), kwargs), f"the test '{test.__name__.removeprefix('test_')}'")
        return test(*args, **kwargs)

    return counted


def _range(*args: int) -> range:
    numbers = range(*args)
    budget().step(len(numbers))
    return numbers


def _loop(items: Iterable[Any]) -> Iterator[Any]:
    spent = budget()
    for item in items:
        spent.step()
        yield item


def _concat(*parts: Any) -> str:
    limit = current().template_value
    budget().make(sum(sizes.text_size(part, limit) for part in parts), "'~'")
    return "".join(str(p) for p in parts)


_OWN = (_range, _loop, _concat, _out, _read)


__all__ = ["BoundedEnvironment", "Budget", "TemplateError", "budget", "spending"]
