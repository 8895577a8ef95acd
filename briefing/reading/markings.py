"""A portion's marking as written (``classification:``, ``caveats:``), and the marking scheme of a style.

The words are checked against the scheme once the whole spec is read (markings/portions.py): the
scheme is the style's, which a spec may give after its sections.
"""

from __future__ import annotations

from yaml.nodes import Node, ScalarNode

from ..markings.scheme import SCHEMES, Caveat, Level, Scheme
from ..model import Marking
from . import style_shapes
from .reader import Reader, did_you_mean


def marking(r: Reader, keys: dict[str, Node], level_key: str = "classification") -> Marking | None:
    """The marking a portion's keys give (a list's clearance, with ``level_key``), with its position;
    None when they give none."""
    if level_key not in keys and "caveats" not in keys:
        return None
    where = keys.get(level_key) or keys["caveats"]
    level = r.text(keys[level_key]) if level_key in keys else ""
    caveats = _caveats(r, keys["caveats"]) if "caveats" in keys else ()
    return Marking((level or "").strip(), caveats, pos=r.pos(where))


def _caveats(r: Reader, node: Node) -> tuple[str, ...]:
    if isinstance(node, ScalarNode):
        text = r.text(node)
        return (text.strip(),) if text else ()
    found = (r.text(n) for n in r.sequence(node, "a caveat or a list of caveats") or ())
    return tuple(t.strip() for t in found if t)


def scheme(r: Reader, node: Node) -> Scheme | None:
    """A scheme named (uk, us) or given as levels and caveats; every problem with its position."""
    if isinstance(node, ScalarNode):
        name = r.text(node)
        if name is not None and name not in SCHEMES:
            r.problem(node, f"no marking scheme '{name}'{did_you_mean(name, list(SCHEMES))}")
            return None
        return SCHEMES.get(name or "")
    keys = r.shape(node, style_shapes.SCHEME)
    if keys is None or "levels" not in keys:
        return None
    levels = _pairs(r, keys["levels"], "level")
    caveats = _pairs(r, keys["caveats"], "caveat") if "caveats" in keys else []
    name = (r.text(keys["name"]) if "name" in keys else None) or "custom"
    separator = keys["separator"].value if isinstance(keys.get("separator"), ScalarNode) else " "
    if levels is None or caveats is None:
        return None
    return Scheme(name, tuple(Level(*p) for p in levels), tuple(Caveat(*p) for p in caveats), separator)


def _pairs(r: Reader, node: Node, what: str) -> list[tuple[str, str]] | None:
    """Levels or caveats: each a mapping of name and portion, every word used once."""
    nodes = r.sequence(node, f"a list of {what}s", empty=f"a scheme needs at least one {what}")
    if nodes is None:
        return None
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    for item in nodes:
        keys = r.mapping(item, {"name": None, "portion": None}, ("name", "portion"), f"a {what}")
        if not keys or len(keys) != 2:
            return None
        name, portion = r.text(keys["name"]), r.text(keys["portion"])
        if name is None or portion is None:
            return None
        if name in seen or (portion in seen and portion != name):
            r.problem(item, f"'{name if name in seen else portion}' names two {what}s of the scheme")
            return None
        seen.update((name, portion))
        found.append((name.strip(), portion.strip()))
    return found
