"""One way through a briefing: every node of the layout handed, in reading order, to its writer's handler.

A writer names a handler per node type, ``visit_<type>`` with the type's name in snake
case: ``visit_heading``, ``visit_paragraph``, ``visit_list_block``, ``visit_table``,
``visit_chart``, ``visit_image``, ``visit_callout``, ``visit_page_break``. Each is called
with the node and its ``layout.Place``. A writer that has no handler for a type (a
third-party writer older than the type) gets one warning for it, at the first such
node's position, and the rest of the document is walked as usual.
"""

from __future__ import annotations

import re
from typing import get_args

from .errors import Problem
from .layout import Layout, Node, lay_out
from .model import Briefing

NODE_TYPES: tuple[type, ...] = get_args(Node)
"""Every type of node the walker visits."""


def handler_name(node_type: type) -> str:
    """The name of the handler of a node type: ``ListBlock`` -> ``visit_list_block``."""
    return "visit_" + re.sub(r"(?<!^)(?=[A-Z])", "_", node_type.__name__).lower()


def walk(doc: Briefing | Layout, visitor: object, writer: str | None = None) -> list[Problem]:
    """Call ``visitor``'s handler for each node of ``doc`` in reading order; returns the warnings.

    The warnings are the layout's (content every format shows less well than asked)
    and one for each type of node the visitor has no handler for. ``writer`` names
    the format in those warnings (the visitor's ``name`` when not given).
    """
    layout = doc if isinstance(doc, Layout) else lay_out(doc)
    label = writer or getattr(visitor, "name", type(visitor).__name__)
    warnings = list(layout.warnings)
    skipped: set[type] = set()
    for node, place in layout.flow:
        handler = getattr(visitor, handler_name(type(node)), None)
        if handler is not None:
            handler(node, place)
        elif type(node) not in skipped:
            skipped.add(type(node))
            what = handler_name(type(node)).removeprefix("visit_").replace("_", " ")
            warnings.append(Problem(node.pos, f"{label}: this writer cannot show a {what}; it is left out"))
    return warnings
