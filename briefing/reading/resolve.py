"""Putting a spec together before it is checked: bases (``extends``) and ``include`` files."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import Problem, SpecError
from ..limits import current
from ..model import Pos
from .compose import compose, pos_of, read_spec_text
from .reader import inside

MAX_NODES = 1_000_000
"""Most nodes the resolver walks; beyond, aliases are expanding without end."""


@dataclass
class Resolved:
    """A spec's node tree with every base merged in and every include spliced in."""

    root: Node
    """The tree, its nodes still marked with the file they came from."""
    folders: dict[str, Path] = field(default_factory=dict)
    """Folder of each file read, by the name in its nodes' marks (relative paths start there)."""
    files: list[Path] = field(default_factory=list)
    """Every file read, the spec first."""


def resolve_file(path: Path, display: str, allowed: tuple[Path, ...] = ()) -> Resolved:
    """Read a spec file with its bases and includes; raises SpecError on any problem.

    Every file named must lie in the spec's folder tree or in one of ``allowed``.
    """
    resolver = _Resolver(path.resolve().parent, allowed)
    root = resolver.spec(path.resolve(), display, ())
    return resolver.finish(root)


def resolve_text(text: str, display: str, folder: Path, allowed: tuple[Path, ...] = ()) -> Resolved:
    """The same for a spec given as text, its relative paths starting at ``folder``."""
    resolver = _Resolver(folder.resolve(), allowed)
    root = resolver.tree(compose(text, display), display, folder.resolve(), ())
    return resolver.finish(root)


def key_value(node: Node, key: str) -> Node | None:
    """The value of ``key`` in a mapping node, or None."""
    if isinstance(node, MappingNode):
        for key_node, value in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == key:
                return value
    return None


class _Resolver:
    def __init__(self, root_folder: Path, allowed: tuple[Path, ...]) -> None:
        self.root_folder = root_folder
        self.allowed = allowed
        self.result = Resolved(ScalarNode("tag:yaml.org,2002:null", ""))
        self.problems: list[Problem] = []
        self.visits = 0
        self.done: dict[int, tuple[Node, Node]] = {}
        self.plain: dict[str, str] = {}
        """The file name alone, by the name in marks (which may carry a chain)."""
        self.read: dict[Path, Node] = {}
        """Each file's tree, read once however often it is included."""
        self.bytes = 0
        self.sizes: dict[Path, int] = {}
        self.spliced = self.spliced_bytes = 0
        self.limited = False
        self.limits = current()

    def finish(self, root: Node | None) -> Resolved:
        if self.problems or root is None:
            raise SpecError(self.problems)
        self.result.root = root
        return self.result

    def spec(self, path: Path, display: str, stack: tuple[Path, ...]) -> Node | None:
        """A spec file, its bases merged in."""
        node = self._read(path, display)
        if node is None:
            return None
        return self.tree(node, display, path.parent, (*stack, path))

    def _base(self, path: Path, display: str, by: Node, stack: tuple[Path, ...]) -> Node | None:
        """A base file, its own bases merged in."""
        node = self._read(path, display, by)
        if node is None:
            return None
        return self.tree(node, display, path.parent, (*stack, path))

    def _read(self, path: Path, display: str, by: Node | None = None) -> Node | None:
        if path in self.read:
            return self.read[path]
        if len(self.read) >= self.limits.files:
            self._refuse(by, f"more than {self.limits.files} files brought in by bases and includes")
            return None
        try:
            text = read_spec_text(path, display)
            self.bytes += len(text)
            if self.bytes > self.limits.spec_bytes:
                self._refuse(
                    by, f"bases and includes hold more than {self.limits.spec_bytes:,} characters of spec text"
                )
                return None
            node = compose(text, display)
            self.sizes[path] = len(text)
        except SpecError as exc:
            self.problems.extend(exc.problems)
            return None
        self.read[path] = node
        self.result.folders[display] = path.parent
        self.result.files.append(path)
        return node

    def _refuse(self, node: Node | None, message: str) -> None:
        """A limit reached: reported once, at the base or include that reached it (its position names the chain)."""
        if not self.limited:
            self.limited = True
            self.problems.append(Problem(pos_of(node) if node is not None else Pos("<spec>", 1, 1), message))

    def tree(self, node: Node, display: str, folder: Path, stack: tuple[Path, ...]) -> Node | None:
        self.result.folders.setdefault(display, folder)
        extends = key_value(node, "extends")
        if extends is not None:
            node = self._extend(node, extends, stack)
        return self._includes(node, stack)

    def _extend(self, child: Node, extends: Node, stack: tuple[Path, ...]) -> Node:
        target = self._target(extends, "extends", stack)
        if target is None:
            return child
        base = self._base(target, self._display(extends, "extends"), extends, stack)
        child = _without(child, "extends")
        if not isinstance(base, MappingNode) or not isinstance(child, MappingNode):
            if base is not None:
                self.problems.append(Problem(pos_of(base), "a base spec must be a mapping of keys"))
            return child
        return self._merge(base, child)

    def _target(self, node: Node, verb: str, stack: tuple[Path, ...]) -> Path | None:
        """The file an ``extends`` or ``include`` names, checked."""
        if not isinstance(node, ScalarNode) or not node.value.strip():
            self.problems.append(Problem(pos_of(node), f"'{verb}' takes a file name"))
            return None
        folder = self.result.folders.get(node.start_mark.name, self.root_folder)
        target = (folder / node.value).resolve()
        if not inside(target, (self.root_folder, *self.allowed)):
            self.problems.append(
                Problem(
                    pos_of(node),
                    f"{verb} path '{node.value}' leads outside the spec's folder (--allow-path DIR lets it)",
                )
            )
            return None
        if target in stack:
            cycle = " -> ".join(p.name for p in (*stack[stack.index(target) :], target))
            self.problems.append(Problem(pos_of(node), f"{verb} cycle: {cycle}"))
            return None
        if len(stack) >= self.limits.file_chain:
            self._refuse(node, f"bases and includes go more than {self.limits.file_chain} files deep")
            return None
        if not target.is_file():
            self.problems.append(Problem(pos_of(node), f"{verb} file '{node.value}' not found"))
            return None
        return target

    def _display(self, node: Node, verb: str) -> str:
        """How a file brought in by ``node`` is named: 'spec.yaml:3 extends base.yaml'."""
        parent = node.start_mark.name
        shown = os.path.normpath(os.path.join(os.path.dirname(self.plain.get(parent, parent)), node.value))
        display = f"{parent}:{node.start_mark.line + 1} {verb} {shown}"
        self.plain[display] = shown
        return display

    def _merge(self, base: MappingNode, child: MappingNode) -> MappingNode:
        """Mappings merge deeply, the child winning; lists replace, but sections merge by heading."""
        replace_sections = _scalar(key_value(child, "sections_mode")) == "replace"
        pairs = list(base.value)
        where = {k.value: i for i, (k, _) in enumerate(pairs) if isinstance(k, ScalarNode)}
        seen: set[str] = set()
        for key, value in child.value:
            name = key.value if isinstance(key, ScalarNode) else None
            if name is None or name in seen or name not in where:
                pairs.append((key, value))  # duplicates stay, for the loader to report
                if name is not None:
                    seen.add(name)
                continue
            seen.add(name)
            old = pairs[where[name]][1]
            if name == "sections" and not replace_sections:
                value = self._merge_sections(old, value)
            elif isinstance(old, MappingNode) and isinstance(value, MappingNode):
                value = self._merge(old, value)
            pairs[where[name]] = (key, value)
        return MappingNode(child.tag, pairs, child.start_mark, child.end_mark)

    def _merge_sections(self, base: Node, child: Node) -> Node:
        """The base's and the child's sections in one list (README, "Bases").

        A child section with a base section's heading replaces it; the sections
        the child names stand in the child's order, in the places the base gave
        them; a new section goes just before the named one that follows it in
        the child, or after the base's sections when none follows. ``after:`` or
        ``before:`` a heading moves a section there; ``place: end``, in the base
        or the child, keeps a section last.
        """
        if not isinstance(base, SequenceNode) or not isinstance(child, SequenceNode):
            return child
        old = list(base.value)
        by_heading = {_scalar(key_value(s, "heading")): i for i, s in enumerate(old)}
        closing = {i for i, s in enumerate(old) if _scalar(key_value(s, "place")) == "end"}
        named: list[Node] = []
        for section in child.value:
            heading = _scalar(key_value(section, "heading"))
            if heading in by_heading and all(_scalar(key_value(n, "heading")) != heading for n in named):
                named.append(section)
        slots = sorted(by_heading[_scalar(key_value(s, "heading"))] for s in named)
        # Each slot the base gives a named section takes the child's next named one,
        # with the new sections written just before it in the child.
        runs: list[list[Node]] = [[]]
        for section in child.value:
            runs[-1].append(section)
            if any(section is n for n in named):
                runs.append([])
        placed: dict[int, list[Node]] = dict(zip(slots, runs, strict=False))
        ends: list[Node] = []  # the base's closing sections (or the child's in their place), then the child's
        child_ends: list[Node] = []
        items: list[Node] = []
        for i, section in enumerate(old):
            for new in placed.get(i, [section]):
                if i in closing and new is placed.get(i, [section])[-1]:
                    ends.append(new)
                elif _scalar(key_value(new, "place")) == "end":
                    child_ends.append(new)
                else:
                    items.append(new)
        for section in runs[-1]:
            (child_ends if _scalar(key_value(section, "place")) == "end" else items).append(section)
        items += ends + child_ends
        return SequenceNode(child.tag, self._moved(items), child.start_mark, child.end_mark)

    def _moved(self, items: list[Node]) -> list[Node]:
        """Sections that say ``after:`` or ``before:`` a heading, moved there."""
        for section in [s for s in items if key_value(s, "after") is not None or key_value(s, "before") is not None]:
            for verb in ("after", "before"):
                target = key_value(section, verb)
                if target is None:
                    continue
                headings = [_scalar(key_value(s, "heading")) for s in items if s is not section]
                wanted = _scalar(target)
                if wanted not in headings:
                    known = [h for h in headings if h is not None]
                    close = difflib.get_close_matches(wanted or "", known, n=1)
                    hint = f" (did you mean '{close[0]}'?)" if close else f" (the sections are: {', '.join(known)})"
                    self.problems.append(Problem(pos_of(target), f"no section has the heading '{wanted}'{hint}"))
                    continue
                items.remove(section)
                at = next(i for i, s in enumerate(items) if _scalar(key_value(s, "heading")) == wanted)
                items.insert(at + 1 if verb == "after" else at, section)
        return items

    def _includes(self, node: Node, stack: tuple[Path, ...]) -> Node:
        """Splice included files into the sections and content lists of a tree."""
        # An aliased node is done once: a YAML alias bomb stays cheap here and
        # is reported by the loader, which counts what the aliases expand to.
        done = self.done.get(id(node))
        if done is not None:
            return done[1]
        self.done[id(node)] = (node, node)  # holding the node keeps its id from being reused
        self.visits += 1
        if not isinstance(node, MappingNode) or self.visits > MAX_NODES:
            return node
        pairs = []
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.value in ("sections", "content") and isinstance(value, SequenceNode):
                value = self._splice(value, stack)
                if key.value == "sections":
                    items = [self._includes(item, stack) for item in value.value]
                    value = SequenceNode(value.tag, items, value.start_mark, value.end_mark)
            pairs.append((key, value))
        result = MappingNode(node.tag, pairs, node.start_mark, node.end_mark)
        self.done[id(node)] = (node, result)
        return result

    def _splice(self, seq: SequenceNode, stack: tuple[Path, ...]) -> SequenceNode:
        items: list[Node] = []
        for item in seq.value:
            self.visits += 1
            if self.visits > MAX_NODES:
                self.problems.append(Problem(pos_of(item), "aliases expand to too many nodes (alias bomb?)"))
                break
            name = key_value(item, "include")
            if name is None or len(item.value) != 1:
                items.append(item)
                continue
            target = self._target(name, "includes", stack)
            if target is None:
                continue
            included = self._read(target, self._display(name, "includes"), name)
            if included is None:
                continue
            if not isinstance(included, SequenceNode):
                self.problems.append(Problem(pos_of(included), "an included file holds a list of sections or blocks"))
                continue
            spliced = self._splice(included, (*stack, target)).value
            self.spliced += len(spliced)
            self.spliced_bytes += self.sizes.get(target, 0)
            if self.spliced > self.limits.included_blocks:
                self._refuse(name, f"includes add more than {self.limits.included_blocks:,} sections and blocks")
                break
            if self.spliced_bytes > self.limits.included_bytes:
                self._refuse(name, f"includes add more than {self.limits.included_bytes:,} characters of spec text")
                break
            items.extend(spliced)
        return SequenceNode(seq.tag, items, seq.start_mark, seq.end_mark)


def _without(node: Node, key: str) -> Node:
    if not isinstance(node, MappingNode):
        return node
    pairs = [(k, v) for k, v in node.value if not (isinstance(k, ScalarNode) and k.value == key)]
    return MappingNode(node.tag, pairs, node.start_mark, node.end_mark)


def _scalar(node: Node | None) -> str | None:
    return node.value if isinstance(node, ScalarNode) else None
