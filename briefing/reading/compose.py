"""Reading a spec file into a YAML node tree, safely and with positions."""

from __future__ import annotations

import io
import re
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import Problem, SpecError
from ..model import Pos

MAX_DEPTH = 100
"""Deepest nesting of YAML collections accepted; real specs stay far below."""
_SURROGATE = re.compile("[\ud800-\udfff]")
"""Half of a UTF-16 pair, which a double-quoted "\\ud800" can make and no file can hold."""


def unencodable(text: str) -> str | None:
    """The first character of ``text`` that no UTF-8 file can hold (a lone surrogate), or None."""
    if text.isascii():
        return None
    found = _SURROGATE.search(text)
    return found.group() if found else None


class _Loader(yaml.SafeLoader):
    """A safe loader used only to compose nodes, refusing runaway nesting.

    PyYAML's composer recurses once per level, so very deep input would end
    in a RecursionError; counting levels turns that into a positioned error.
    """

    depth = 0
    open_anchors: set[str] = set()

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        self.depth += 1
        event = self.peek_event()
        anchor = getattr(event, "anchor", None)
        try:
            if self.depth > MAX_DEPTH:
                raise yaml.MarkedYAMLError(
                    problem=f"nesting deeper than {MAX_DEPTH} levels", problem_mark=event.start_mark
                )
            if isinstance(event, yaml.AliasEvent) and anchor in self.open_anchors:
                # A list or mapping that holds itself: everything that reads it would go round for ever.
                raise yaml.MarkedYAMLError(
                    problem=f"the alias *{anchor} stands inside the very value it names (a loop)",
                    problem_mark=event.start_mark,
                )
            if anchor is not None and isinstance(event, yaml.CollectionStartEvent):
                self.open_anchors = self.open_anchors | {anchor}
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1
            if anchor is not None and isinstance(event, yaml.CollectionStartEvent):
                self.open_anchors = self.open_anchors - {anchor}

    def compose_scalar_node(self, anchor):  # type: ignore[no-untyped-def]
        node = super().compose_scalar_node(anchor)
        bad = unencodable(node.value)
        if bad is not None:
            raise yaml.MarkedYAMLError(
                problem=f"'\\u{ord(bad):04x}' is half of a character pair, which no file can hold; remove it",
                problem_mark=node.start_mark,
            )
        return node


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
        if _unclosed(exc):
            mark = exc.context_mark  # where the bracket was opened, not where the parser gave up
        pos = Pos(display, mark.line + 1, mark.column + 1) if mark else Pos(display, 1, 1)
        template = _template_value(exc, text)
        if template is not None:
            pos = Pos(display, pos.line, template + 1)  # at the '{{' that needs its quotes
        raise SpecError([Problem(pos, _yaml_message(exc, text))]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        raise SpecError([Problem(Pos(display, 1, 1), "the spec is empty")])
    return node


class _Named(io.StringIO):
    """Text with a name, which libyaml's parser gives to every mark."""

    name = ""


class _TooDeep(Exception):
    """Nesting beyond MAX_DEPTH, left to the Python parser to report."""


class _Composer(yaml.CSafeLoader):  # type: ignore[misc]
    """Composes a node tree from libyaml's events in one pass, counting nesting on the way.

    libyaml's own composer recurses without a limit, so it cannot be given text
    before its depth is known. Composing here, the depth is checked as the tree
    grows; and a plain value that comes again (true, a region's name) has its tag
    resolved once.
    """

    def __init__(self, stream: _Named) -> None:
        super().__init__(stream)
        self._anchors: dict[str, Node] = {}
        self._open: set[str] = set()
        """Anchors of the collections being composed: an alias to one of them is a loop."""
        self._tags: dict[str, str] = {}
        self._depth = 0

    def document(self) -> Node | None:
        self.get_event()  # the stream's start
        node = None
        if not self.check_event(yaml.StreamEndEvent):
            self.get_event()  # the document's start
            node = self._node()
            self.get_event()
        if not self.check_event(yaml.StreamEndEvent):
            raise yaml.YAMLError("more than one document")  # worded by the Python parser
        return node

    def _next(self) -> yaml.Event:
        event = self.get_event()
        assert event is not None, "the parser ends every stream with an end event"
        return event

    def _node(self) -> Node:
        event = self._next()
        if isinstance(event, yaml.ScalarEvent):
            return self._scalar(event)
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in self._anchors or event.anchor in self._open:
                raise yaml.YAMLError("undefined or recursive alias")  # worded by the Python parser
            return self._anchors[event.anchor]
        assert isinstance(event, yaml.CollectionStartEvent), "a document holds nodes"
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _TooDeep
        node: Node
        # The marks are libyaml's, which read like PyYAML's own.
        start, flow = event.start_mark, event.flow_style
        if event.anchor is not None:
            self._open.add(event.anchor)
        if isinstance(event, yaml.SequenceStartEvent):
            node = SequenceNode(self._tag(event, SequenceNode), [], start, None, flow)  # type: ignore[arg-type]
            self._anchor(event, node)
            while not self.check_event(yaml.SequenceEndEvent):
                node.value.append(self._node())
        else:
            node = MappingNode(self._tag(event, MappingNode), [], start, None, flow)  # type: ignore[arg-type]
            self._anchor(event, node)
            while not self.check_event(yaml.MappingEndEvent):
                node.value.append((self._node(), self._node()))
        self._open.discard(event.anchor or "")
        node.end_mark = self._next().end_mark  # type: ignore[assignment]
        self._depth -= 1
        return node

    def _scalar(self, event: yaml.ScalarEvent) -> ScalarNode:
        tag = event.tag
        if (tag is None or tag == "!") and event.implicit[0]:
            tag = self._tags.get(event.value)
            if tag is None:
                tag = self._tags[event.value] = self.resolve(ScalarNode, event.value, event.implicit)
        elif tag is None or tag == "!":
            tag = self.resolve(ScalarNode, event.value, event.implicit)
        if event.style == '"' and unencodable(event.value):
            raise yaml.YAMLError("half of a character pair")  # worded by the Python parser
        node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)  # type: ignore[arg-type]
        self._anchor(event, node)
        return node

    def _tag(self, event: yaml.CollectionStartEvent, kind: type[Node]) -> str:
        if event.tag is None or event.tag == "!":
            return self.resolve(kind, None, event.implicit)  # type: ignore[no-any-return]
        return event.tag  # type: ignore[no-any-return]

    def _anchor(self, event: yaml.NodeEvent, node: Node) -> None:
        if event.anchor is not None:
            if event.anchor in self._anchors:
                raise yaml.YAMLError("duplicate anchor")
            self._anchors[event.anchor] = node


def _compose_with_libyaml(text: str, display: str) -> Node | None:
    """The node tree composed from libyaml's events (several times faster).

    None when libyaml is absent or the text is not fine: the Python parser then reads it again.
    """
    if not yaml.__with_libyaml__ or yaml.reader.Reader.NON_PRINTABLE.search(text):
        return None
    stream = _Named(text)
    stream.name = display
    composer = _Composer(stream)
    try:
        return composer.document()
    except (yaml.YAMLError, _TooDeep):
        return None
    finally:
        composer.dispose()


SHOW_PARSER_TEXT = False
"""Add the YAML parser's own words to a syntax error (``--debug``)."""


def _yaml_message(exc: yaml.MarkedYAMLError, text: str) -> str:
    """A YAML syntax error in a spec author's words, where a common mistake explains it."""
    problem = exc.problem or "invalid YAML"
    parser = f"{problem} ({exc.context})" if exc.context and exc.context not in problem else problem
    mark = exc.problem_mark
    line = text.splitlines()[mark.line] if mark and mark.line < len(text.splitlines()) else ""
    if _unclosed(exc):
        words: str | None = "this '[' is not closed by a ']'"
    else:
        words = _in_user_words(problem, line, mark.column if mark else 0)
    if words is None:
        return f"YAML syntax error: {parser}"
    return f"{words} (YAML: {parser})" if SHOW_PARSER_TEXT else words


def _unclosed(exc: yaml.MarkedYAMLError) -> bool:
    """Whether a flow list opened on one line meets the end of its line, or of the file, without its ']'."""
    opened, stopped = exc.context_mark, exc.problem_mark
    problem = exc.problem or ""
    return bool(problem.startswith("expected ',' or ']'") and opened and stopped and opened.line != stopped.line)


_TEMPLATE_VALUE = re.compile(r"(?:^\s*-\s+|:\s+)(\{\{)")
"""A list item or a value that starts with '{{', which YAML reads as the start of a mapping."""


def _template_value(exc: yaml.MarkedYAMLError, text: str) -> int | None:
    """The column of an unquoted value's opening '{{' when that is what the parser stumbled on, else None."""
    mark = exc.problem_mark
    if mark is None or not (exc.problem or "").startswith("expected <block end>"):
        return None
    lines = text.splitlines()
    line = lines[mark.line] if mark.line < len(lines) else ""
    found = _TEMPLATE_VALUE.search(line[: mark.column])
    return found.start(1) if found else None


def _in_user_words(problem: str, line: str, column: int) -> str | None:
    if problem.startswith("found character '\\t'"):
        return "a tab is used for indentation; use spaces"
    if problem.startswith("expected <block end>"):
        found = _TEMPLATE_VALUE.search(line[:column])
        if found:
            value = line[found.start(1) :].split(" #")[0].strip()
            quoted = f"'{value}'" if '"' in value else f'"{value}"'
            return f"a value starting with '{{{{' must be quoted: {quoted}"
        return "indentation: this line is not lined up with the lines above it"
    if problem.startswith(("found character '@'", "found character '`'")):
        char = problem.split("'")[1]
        value = line[column:].split(" #")[0].strip()
        quoted = f"'{value}'" if '"' in value else f'"{value}"'
        return f"a value starting with '{char}' must be quoted: {quoted} (YAML keeps '{char}' for itself)"
    if problem.startswith("found undefined alias"):
        name = line[column:].split(",")[0].split("]")[0].strip()
        return f"a value starting with '*' must be quoted (\"{name}\"): unquoted, YAML reads it as an alias"
    if problem == "mapping values are not allowed here":
        if ": " in line[:column] or line[:column].rstrip().endswith(":"):
            return "a ': ' inside an unquoted value starts a new key: put the value in quotes"
        return "indentation: this line is indented more than the key above it expects"
    if problem.startswith("expected ',' or ']'") and problem.endswith("':'"):
        return "a ':' inside an unquoted list item: put the item in quotes"
    return None
