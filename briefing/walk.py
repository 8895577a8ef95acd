"""One way through a laid-out briefing: every node handed, in reading order, to its writer's handlers.

A writer names a handler per node type, ``visit_<type>`` on the way in and ``leave_<type>`` on
the way out, with the type's name in snake case: ``visit_section``, ``visit_heading``,
``visit_paragraph``, ``visit_list_block``, ``visit_table``, ``visit_chart``, ``visit_image``,
``visit_callout``, ``leave_callout``, ``visit_page_break``… Each is called with the node and its
``layout.Place``.

- Dispatch follows the node's classes: a subclass of ``Paragraph`` (a list's ``Item``, say)
  reaches ``visit_paragraph`` unless the writer has a handler of its own for it.
- A writer that has a ``leave_`` handler for a node brackets its children: ``visit_``, then
  the children (a section's heading, blocks and sub-sections; a callout's paragraphs and
  lists; a list's items), then ``leave_``. A ``visit_`` handler without a ``leave_`` shows the
  node whole, children included, as a writer's handler always has.
- A node the writer has no handler for has its children walked all the same, so no text is
  ever dropped: a writer that knows nothing of callouts shows a callout's paragraphs and
  lists. Only a node with no children and no handler is left out, with one warning for its
  type at the first such node's position.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, get_args

from .errors import Problem
from .layout import CalloutTitle, Heading, Item, Laid, LaidDocument, Summary, lay_out
from .model import Block, Briefing, Pos, Section

Handler = Callable[[Any, Any], Any]

NODE_TYPES: tuple[type, ...] = (Summary, Section, Heading, Item, CalloutTitle, *get_args(Block))
"""Every type of node a laid-out briefing holds."""


def handler_name(node_type: type, prefix: str = "visit_") -> str:
    """The name of a node type's handler: ``ListBlock`` -> ``visit_list_block``."""
    return prefix + re.sub(r"(?<!^)(?=[A-Z])", "_", node_type.__name__).lower()


def handler(visitor: object, node_type: type, prefix: str = "visit_") -> Handler | None:
    """``visitor``'s handler for ``node_type``: its own, or its nearest parent class's; None if it has none."""
    for cls in node_type.__mro__[:-1]:  # every class but object
        found = getattr(visitor, handler_name(cls, prefix), None)
        if callable(found):
            return found  # type: ignore[no-any-return]
    return None


def walk(doc: Briefing | LaidDocument, visitor: object, writer: str | None = None) -> list[Problem]:
    """Call ``visitor``'s handlers for each node of ``doc`` in reading order; returns the warnings.

    The warnings are the layout's (content every format shows less well than asked) and one
    for each type of node the visitor can show neither itself nor through its children.
    ``writer`` names the format in those warnings (the visitor's ``name`` when not given).
    A briefing is laid out first (once: the same laid-out document serves every writer).
    """
    laid = doc if isinstance(doc, LaidDocument) else lay_out(doc)
    walker = _Walker(visitor, str(writer or getattr(visitor, "name", type(visitor).__name__)))
    for node in laid.body:
        walker.walk(node)
    return [*laid.warnings, *walker.warnings]


class _Walker:
    def __init__(self, visitor: object, label: str) -> None:
        self.visitor = visitor
        self.label = label
        self.warnings: list[Problem] = []
        self.skipped: set[type] = set()

    def walk(self, laid: Laid) -> None:
        kind = type(laid.node)
        enter, leave = handler(self.visitor, kind), handler(self.visitor, kind, "leave_")
        if enter is None and not laid.children:
            self.left_out(laid)
            return
        if enter is not None:
            enter(laid.node, laid.place)
        if enter is None or leave is not None:
            for child in laid.children:
                self.walk(child)
        if leave is not None:
            leave(laid.node, laid.place)

    def left_out(self, laid: Laid) -> None:
        kind = type(laid.node)
        if kind in self.skipped:
            return
        self.skipped.add(kind)
        what = handler_name(kind).removeprefix("visit_").replace("_", " ")
        pos = getattr(laid.node, "pos", None)
        where = pos if isinstance(pos, Pos) else Pos("<briefing>", 0, 0)
        self.warnings.append(Problem(where, f"{self.label}: this writer cannot show a {what}; it is left out"))
