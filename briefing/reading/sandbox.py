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
import math
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from jinja2 import StrictUndefined, nodes
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment
from jinja2.visitor import NodeTransformer

from ..limits import Limits, current

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

    def step(self, count: int = 1) -> None:
        """Take ``count`` loop steps from the budget, or refuse them all."""
        if self.steps + count > self.limits.template_loop_steps:
            raise SecurityError(f"the spec's templates take more than {self.limits.template_loop_steps:,} loop steps")
        self.steps += count

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
        for name, function in list(self.filters.items()):
            self.filters[name] = _bounded_filter(function)

    def render(self, source: str, values: dict[str, Any]) -> str:
        """``source`` rendered with ``values``, drawing on the current budget."""
        template = self.from_string(_Bounded().visit(self.parse(source)))
        spent, out = budget(), []
        for piece in template.generate(values):
            spent.write(len(piece))
            out.append(piece)
        return "".join(out)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        _check_binop(operator, left, right)
        result = super().call_binop(context, operator, left, right)
        _check_size(result)
        return result

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``str.format`` as the sandbox hands it out, refusing a format string with fields wider than the limit."""
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_widths(value.__self__)
        return wrapped

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (Jinja's)
        _check_arguments(__obj, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)


def _check_binop(operator: str, left: Any, right: Any) -> None:
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (left, right))
    if operator == "**" and numbers:
        if abs(left) > 1 and right > 0 and right * math.log10(abs(left)) > current().template_digits:
            raise SecurityError(f"{left} ** {right} has more than {current().template_digits} digits")
    elif operator == "*" and numbers:
        if _digits(left) + _digits(right) > current().template_digits + 1:
            raise SecurityError(f"a product of more than {current().template_digits} digits")
    elif operator == "*":
        count = right if isinstance(right, int) else left if isinstance(left, int) else 0
        item = left if isinstance(right, int) else right
        if hasattr(item, "__len__") and count * len(item) > current().template_value:
            raise SecurityError(
                f"repeating a value {count:,} times makes more than {current().template_value:,} characters"
            )
    elif operator == "%" and isinstance(left, str):
        _check_widths(left)


def _digits(value: Any) -> int:
    return len(str(int(abs(value)))) if abs(value) >= 1 else 1


def _check_size(value: Any) -> None:
    if isinstance(value, (str, list, tuple)) and len(value) > current().template_value:
        raise SecurityError(f"a value of more than {current().template_value:,} characters")


def _check_widths(form: str) -> None:
    """A format string must not ask for a field wider than the limit (``%0999999999d``, ``{:>999999999}``)."""
    if any(int(digits) > current().template_argument for digits in _WIDTH.findall(form)):
        raise SecurityError(f"a format wider than {current().template_argument:,} characters")


def _check_arguments(target: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > current().template_argument:
            raise SecurityError(f"{value:,} is more than a spec may ask for ({current().template_argument:,} at most)")


def _bounded_filter(function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)  # keeps Jinja's pass_context and pass_environment marks
    def bounded(*args: Any, **kwargs: Any) -> Any:
        _check_arguments(function, args[1:], kwargs)
        if function.__name__ == "do_format" and args:
            _check_widths(str(args[0]))
        result = function(*args, **kwargs)
        _check_size(result)
        return result

    return bounded


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
    text = "".join(str(p) for p in parts)
    _check_size(text)
    return text


__all__ = ["BoundedEnvironment", "Budget", "TemplateError", "budget", "spending"]
