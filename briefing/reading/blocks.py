"""Blocks: paragraphs, lists, pictures and callouts read from their nodes (tables and charts: tables.py)."""

from __future__ import annotations

from dataclasses import replace
from typing import cast

from yaml.nodes import MappingNode, Node, ScalarNode

from ..model import (
    CALLOUT_KINDS,
    Block,
    Callout,
    CalloutKind,
    Chart,
    Image,
    ListBlock,
    ListItem,
    PageBreak,
    Paragraph,
    Pos,
    Sources,
    Table,
)
from . import shapes
from .apparatus import inline, read_id, words
from .data_blocks import read_chart, read_table
from .markings import marking
from .reader import Reader, did_you_mean
from .shape_types import Shape

__all__ = ["block", "blocks", "inline", "items"]


def blocks(r: Reader, node: Node) -> tuple[Block, ...]:
    """A section's content."""
    nodes = r.sequence(node, "a list of blocks")
    if nodes is None:
        return ()
    return tuple(b for b in (block(r, n) for n in nodes) if b is not None)


_INNER = {"table": shapes.TABLE, "chart": shapes.CHART, "image": shapes.IMAGE, "callout": shapes.CALLOUT}
"""The mapping each block type holds, for telling a misindented key from an unknown one."""


def block(r: Reader, node: Node, shape: Shape = shapes.BLOCK) -> Block | None:
    """One block; ``shape`` says which types may stand here."""
    if _misindented(r, node, shape):
        return None
    keys = r.shape(node, shape)
    if keys is None:
        return None
    marked = marking(r, keys)
    kinds = {k: v for k, v in keys.items() if k not in shape.beside}
    if len(kinds) != 1:
        if not kinds and not node.value:
            r.problem(node, f"an empty block{did_you_mean('', list(shape.kinds))}")
        elif not kinds and keys:
            r.problem(node, f"a block needs a type besides its marking{did_you_mean('', list(shape.kinds))}")
        elif len(kinds) > 1:
            names = " and ".join(f"'{k}'" for k in kinds)
            r.problem(node, f"a block has exactly one type, but this one has {names}")
        return None
    read_before = len(r.data_files)
    found = _block(r, *next(iter(kinds.items())), r.pos(node))
    if isinstance(found, (Table, Chart)) and len(r.data_files) > read_before:
        found = replace(found, data_files=tuple(r.data_files[read_before:]))
    if found is None or marked is None:
        return found
    if isinstance(found, (PageBreak, Sources)):
        r.problem(node, "a page break or a sources list holds no text of its own to mark: mark what it stands among")
        return None
    return replace(found, marking=marked)


def _block(r: Reader, kind: str, value: Node, pos: Pos) -> Block | None:
    match kind:
        case "paragraph":
            text = inline(r, value)
            return None if text is None else Paragraph(text, pos=pos)
        case "bullets" | "numbered":
            found = items(r, value)
            return None if found is None else ListBlock(found, kind == "numbered", pos=pos)
        case "table" | "chart":
            try:
                return read_table(r, value) if kind == "table" else read_chart(r, value)
            except MemoryError:  # typing, filtering or keeping a data file's columns, under a memory limit
                source = value.value if isinstance(value, MappingNode) else []
                where = next((v for k, v in source if getattr(k, "value", None) == "source"), value)
                r.problem(where, f"'{r.text(where)}' needs more memory than there is to read; filter or split the data")
                return None
        case "image":
            return _image(r, value)
        case "callout":
            return _callout(r, value, pos)
        case "page_break":
            if r.cell(value) is not True:
                r.problem(value, "page_break takes the value true")
                return None
            return PageBreak(pos=pos)
        case "sources":
            if r.cell(value) is not True:
                r.problem(value, "sources takes the value true: the list of sources stands here")
                return None
            if r.sources_placed is not None:
                where = r.sources_placed.line
                r.problem(value, f"the list of sources already stands on line {where}; place it once")
                return None
            r.sources_placed = pos
            return Sources(pos=pos)
    raise AssertionError(kind)  # shapes.BLOCK and the cases above go together


def _keys(node: MappingNode) -> set[str]:
    return {k.value for k, _ in node.value if isinstance(k, ScalarNode)}


def _misindented(r: Reader, node: Node, shape: Shape) -> bool:
    """Keys beside a block's type that belong inside it (a chart's title written one level too far left)."""
    if not isinstance(node, MappingNode):
        return False
    kinds = [k for k in _keys(node) if k in shape.kinds]
    inner = _INNER.get(kinds[0]) if len(kinds) == 1 else None
    if inner is None:
        return False
    stray = [
        k for k, _ in node.value if isinstance(k, ScalarNode) and k.value not in shape.keys and k.value in inner.keys
    ]
    for key in stray:
        r.problem(
            key, f"'{key.value}' is misindented: it belongs to the {kinds[0]} above, so indent it under '{kinds[0]}:'"
        )
    return bool(stray)


def items(r: Reader, node: Node) -> tuple[ListItem, ...] | None:
    """The items of a bulleted or numbered list; None unless every one is good."""
    nodes = r.sequence(node, "a list of items", empty="a list needs at least one item")
    if nodes is None:
        return None
    found = tuple(i for i in (_item(r, n) for n in nodes) if i is not None)
    return found if len(found) == len(nodes) else None


def _item(r: Reader, node: Node) -> ListItem | None:
    if isinstance(node, ScalarNode):
        text = inline(r, node)
        return None if text is None else ListItem(text, pos=r.pos(node))
    if isinstance(node, MappingNode) and node.flow_style and not _keys(node) & set(shapes.ITEM.keys):
        # [Mali, Niger: new, Chad]: YAML reads "Niger: new" as a mapping.
        r.problem(node, "a ': ' inside an unquoted list item makes it a mapping: put the item in quotes")
        return None
    keys = r.shape(node, shapes.ITEM)
    if keys is None or "text" not in keys:
        return None
    lead = inline(r, keys["lead"]) if "lead" in keys else None
    text = inline(r, keys["text"])
    if text is None or ("lead" in keys and lead is None):
        return None
    return ListItem(text, lead, pos=r.pos(node), marking=marking(r, keys))


def _image(r: Reader, node: Node) -> Image | None:
    keys = r.shape(node, shapes.IMAGE)
    if keys is None or "path" not in keys:
        return None
    caption = inline(r, keys["caption"]) if "caption" in keys else None
    alt = words(r, keys["alt"]) if "alt" in keys else None
    width = r.number(keys["width_cm"]) if "width_cm" in keys else None
    ident = read_id(r, keys["id"], "fig") if "id" in keys else None
    credit = inline(r, keys["credit"]) if "credit" in keys else None
    found = r.image(keys["path"])
    if found is None:
        return None
    path, size = found
    if alt is None:
        alt = "".join(span.text for span in caption) if caption else ""
    return Image(path, size, caption, alt, width, ident, credit, pos=r.pos(node))


def _callout(r: Reader, node: Node, pos: Pos) -> Callout | None:
    keys = r.shape(node, shapes.CALLOUT)
    if keys is None:
        return None
    kind = cast(CalloutKind | None, r.choice(keys["kind"], CALLOUT_KINDS) if "kind" in keys else "note")
    title = words(r, keys["title"]) if "title" in keys else None
    ident = read_id(r, keys["id"], "box") if "id" in keys else None
    empty = "a callout needs at least one paragraph or list"
    nodes = r.sequence(keys["content"], "a list of paragraphs and lists", empty) if "content" in keys else None
    found = [block(r, child, shapes.TEXT_BLOCK) for child in nodes or ()]
    content = [b for b in found if isinstance(b, (Paragraph, ListBlock))]
    if kind is None or not nodes or len(content) != len(nodes):
        return None
    return Callout(kind, title or r.callout_titles[kind], tuple(content), ident, pos=pos)
