"""Everything a part of the model holds, reached the one way every check of markings reads it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields, is_dataclass

from ..model import Rows


def descend(node: object, skip: frozenset[str] = frozenset()) -> Iterator[object]:
    """``node`` and every value it holds, depth first: dataclasses' fields but those named in ``skip``,
    the items of tuples and lists, the keys and values of mappings. A table's ``Rows`` is yielded
    whole (a million values are read where they are wanted, not walked here)."""
    yield node
    if isinstance(node, (tuple, list)):
        for item in node:
            yield from descend(item, skip)
    elif isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from descend(value, skip)
    elif is_dataclass(node) and not isinstance(node, (type, Rows)):
        for f in fields(node):
            if f.name not in skip:
                yield from descend(getattr(node, f.name), skip)
