"""Reading a spec file into a YAML node tree, safely and with positions."""

from __future__ import annotations

import io
from pathlib import Path

import yaml
from yaml.nodes import Node

from .errors import Problem, SpecError
from .model import Pos

MAX_DEPTH = 100
"""Deepest nesting of YAML collections accepted; real specs stay far below."""


class _Loader(yaml.SafeLoader):
    """A safe loader used only to compose nodes, refusing runaway nesting.

    PyYAML's composer recurses once per level, so very deep input would end
    in a RecursionError; counting levels turns that into a positioned error.
    """

    depth = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise yaml.MarkedYAMLError(problem=f"nesting deeper than {MAX_DEPTH} levels", problem_mark=mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def pos_of(node: Node) -> Pos:
    """The 1-based position of a node's start, in the file it was read from."""
    mark = node.start_mark
    return Pos(mark.name, mark.line + 1, mark.column + 1)


def read_spec_text(path: Path, display: str) -> str:
    """The text of a spec file: UTF-8, with or without a byte-order mark."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SpecError([Problem(Pos(display, 1, 1), "no such file")]) from None
    except IsADirectoryError:
        raise SpecError([Problem(Pos(display, 1, 1), "is a folder, not a spec file")]) from None
    except OSError as exc:
        raise SpecError([Problem(Pos(display, 1, 1), f"cannot read: {exc.strerror}")]) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SpecError([Problem(Pos(display, line, col), f"not UTF-8 text (byte 0x{data[exc.start]:02x})")]) from None


def compose(text: str, display: str) -> Node:
    """The node tree of one YAML document; raises SpecError on bad YAML.

    ``display`` names the file in every node's position; for a file brought
    in by another it also says how (``spec.yaml:3 extends base.yaml``).
    libyaml's C parser does the work when PyYAML has it; any text it refuses
    is read again by the Python parser, whose messages the errors give.
    """
    node = _compose_with_libyaml(text, display)
    if node is not None:
        return node
    loader = None
    try:
        loader = _Loader(text)  # checks the characters of the text already
        loader.name = display
        node = loader.get_single_node()
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        char = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        raise SpecError([Problem(Pos(display, line, col), f"character {char} is not allowed in YAML")]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = Pos(display, mark.line + 1, mark.column + 1) if mark else Pos(display, 1, 1)
        raise SpecError([Problem(pos, _yaml_message(exc))]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        raise SpecError([Problem(Pos(display, 1, 1), "the spec is empty")])
    return node


class _Named(io.StringIO):
    """Text with a name, which libyaml's parser gives to every mark."""

    name = ""


def _compose_with_libyaml(text: str, display: str) -> Node | None:
    """The node tree composed by libyaml (several times faster); None when it is absent or the text is not fine."""
    if not yaml.__with_libyaml__ or yaml.reader.Reader.NON_PRINTABLE.search(text):
        return None
    try:
        # Nesting is counted on the parser's events first: the C composer recurses without a limit.
        depth = deepest = 0
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                deepest = max(deepest, depth)
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
        if deepest > MAX_DEPTH:
            return None
        stream = _Named(text)
        stream.name = display
        loader = yaml.CSafeLoader(stream)
        try:
            return loader.get_single_node()  # type: ignore[no-any-return]
        finally:
            loader.dispose()
    except yaml.YAMLError:
        return None


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or "invalid YAML"
    if exc.context and exc.context not in problem:
        return f"YAML syntax error: {problem} ({exc.context})"
    return f"YAML syntax error: {problem}"
