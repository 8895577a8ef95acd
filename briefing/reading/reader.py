"""Typed reading of YAML nodes, collecting every problem with its position."""

from __future__ import annotations

import datetime as dt
import difflib
import math
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import Problem
from ..model import CALLOUT_TITLES, CalloutKind, Cell, Labels, Pos
from .compose import pos_of
from .shape_types import Shape
from .values import impossible_date

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp")}
_KIND = {
    _TAG + "str": "a string",
    _TAG + "int": "an integer",
    _TAG + "float": "a number",
    _TAG + "bool": "a boolean",
    _TAG + "null": "nothing (null)",
    _TAG + "timestamp": "a date",
    _TAG + "map": "a mapping",
    _TAG + "seq": "a list",
}

MAX_TEXT = 200_000
"""Longest text value, in characters (about 40 pages); longer ones should be split."""

MAX_CELL = 32_767
"""Longest table value, in characters: Excel's limit for a cell."""

MAX_ALIAS_REUSE = 100_000
"""How many times aliased nodes may be revisited; beyond is an alias bomb."""


@dataclass
class Reader:
    """Reads nodes of one spec file; problems pile up instead of stopping it."""

    file: str
    """The spec's name as shown in messages."""
    base_dir: Path
    """Folder that relative paths in the spec start from."""
    problems: list[Problem] = field(default_factory=list)
    """Everything found wrong so far."""
    notices: list[Problem] = field(default_factory=list)
    """What the author should know but that does not stop the build: warnings."""
    allowed: tuple[Path, ...] = ()
    """Folders outside ``base_dir`` that paths may also lead into (``--allow-path``)."""
    folders: dict[str, Path] = field(default_factory=dict)
    """Folder of each file the spec is made of (bases, includes), by mark name;
    a relative path starts in the folder of the file that names it."""
    data_files: list[Path] = field(default_factory=list)
    """Data files that tables and charts were read from, in the order read."""
    labels: Labels = field(default_factory=Labels)
    """The spec's words for what the pack adds, read before its sections (a totals row's "Total")."""
    callout_titles: dict[CalloutKind, str] = field(default_factory=lambda: dict(CALLOUT_TITLES))
    """The title of each kind of callout that gives none, in the briefing's language."""
    cited: list[tuple[str, Pos, bool]] = field(default_factory=list)
    """Every key a text cites, where, and whether narratively (``@key``): checked once the sources are known."""
    pointed: list[tuple[str, Pos]] = field(default_factory=list)
    """Every id a cross-reference names, and where: checked once every id is known."""
    ids: dict[str, Pos] = field(default_factory=dict)
    """The ids given so far (``tbl-funding``), and where."""
    sources_placed: Pos | None = None
    quotes: tuple[str, str, str, str] | None = None
    """The quotation marks of the briefing's language, which its texts' quotes and dashes are set with
    (``typography: smart``), read before its texts; None keeps them as typed."""
    """Where a ``sources: true`` block places the list of sources, once read."""
    _seen: set[int] = field(default_factory=set)
    _reuse: int = 0
    _constructor: SafeConstructor = field(default_factory=SafeConstructor)

    def pos(self, node: Node) -> Pos:
        return pos_of(node)

    def problem(self, node: Node, message: str) -> None:
        self.problems.append(Problem(self.pos(node), message))

    def visit(self, node: Node) -> bool:
        """Account for a node; False once aliases expand beyond reason.

        A list or mapping read again counts with its items; values are counted with
        what holds them, so the values of a big table need no accounting of their own.
        """
        if isinstance(node, ScalarNode):
            return self._reuse < MAX_ALIAS_REUSE
        if id(node) in self._seen:
            before = self._reuse
            self._reuse += 1 + len(node.value)
            if before < MAX_ALIAS_REUSE <= self._reuse:
                self.problem(node, "aliases expand to too many nodes (alias bomb?)")
            return self._reuse < MAX_ALIAS_REUSE
        self._seen.add(id(node))
        return True

    def mapping(
        self,
        node: Node,
        keys: Mapping[str, object] | None,
        required: tuple[str, ...] = (),
        what: str = "this mapping",
        listed: tuple[str, ...] | None = None,
    ) -> dict[str, Node] | None:
        """The values of a mapping by key, checking keys against ``keys``.

        With ``keys`` None, any name is a key (as for variables). An unknown key's message lists
        ``listed`` (all of ``keys`` when None) unless one of ``keys`` is close to it.
        """
        if not self._expect(node, MappingNode, "a mapping"):
            return None
        found: dict[str, Node] = {}
        meant: set[str] = set()  # required keys an unknown key was taken for: told once, as its typo
        for key_node, value in node.value:
            if not isinstance(key_node, ScalarNode):
                self.problem(key_node, "a key must be a plain word")
                continue
            key = key_node.value
            if key in found:
                first = self.pos(found[key]).line
                self.problem(key_node, f"duplicate key '{key}' (first given on line {first})")
            elif keys is None and not key.isidentifier():
                self.problem(key_node, f"'{key}' is not a name (use letters, digits and _)")
            elif keys is not None and key not in keys:
                close = did_you_mean(key, keys, False)
                hint = close or (ID_HINT if key == "id" else did_you_mean(key, list(listed or keys)))
                meant.update(k for k in required if close == f" (did you mean '{k}'?)")
                self.problem(key_node, f"unknown key '{key}' in {what}{hint}")
            else:
                found[key] = value
        for key in required:
            if key not in found and key not in meant:
                self.problem(node, f"missing required key '{key}' in {what}")
        return found

    def shape(self, node: Node, shape: Shape) -> dict[str, Node] | None:
        """The values of a mapping of a known shape, its keys checked."""
        # A block's message lists its types, not the marking keys that may stand beside one.
        return self.mapping(node, shape.keys, shape.required, shape.what, shape.kinds if shape.beside else None)

    def sequence(self, node: Node, what: str = "a list", empty: str | None = None) -> list[Node] | None:
        """The items of a list node; with ``empty``, a list that must hold something (``empty`` says so)."""
        if not self._expect(node, SequenceNode, what):
            return None
        if empty is not None and not node.value:
            self.problem(node, empty)
            return None
        return list(node.value)

    def text(self, node: Node) -> str | None:
        """A string as the author wrote it; numbers and dates are taken literally."""
        if not self._expect(node, ScalarNode, "a string"):
            return None
        if node.tag == _TAG + "null" or node.tag not in _SCALAR_TAGS:
            self.problem(node, f"expected a string, got {kind_of(node)}")
            return None
        if not node.value.strip():
            self.problem(node, "expected text, got an empty string")
            return None
        if len(node.value) > MAX_TEXT:
            self.problem(node, f"text of {len(node.value):,} characters; split it (at most {MAX_TEXT:,})")
            return None
        return node.value

    def date(self, node: Node) -> dt.date | None:
        """A calendar date written YYYY-MM-DD."""
        value = self.text(node)
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            impossible = impossible_date(value.strip())
            if impossible:
                self.problem(node, f"'{value}' is not a date: {impossible}")
            else:
                self.problem(node, f"expected a date as YYYY-MM-DD, got '{value}'")
            return None

    def number(self, node: Node) -> float | None:
        """A finite positive number."""
        value = self.cell(node)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            self.problem(node, f"expected a positive number, got {kind_of(node)}")
            return None
        return float(value)

    def boolean(self, node: Node) -> bool | None:
        """true or false."""
        value = self.cell(node)
        if not isinstance(value, bool):
            self.problem(node, f"expected true or false, got {kind_of(node)}")
            return None
        return value

    def choice(self, node: Node, options: tuple[str, ...]) -> str | None:
        """One of a few words."""
        value = self.text(node)
        if value is not None and value not in options:
            self.problem(
                node, f"expected one of {', '.join(options)}, got '{value}'{did_you_mean(value, list(options), False)}"
            )
            return None
        return value

    def colour(self, node: Node) -> str | None:
        """A colour as #RRGGBB, #RGB or a CSS name; returned as RRGGBB."""
        value = self.text(node)
        if value is None:
            return None
        rgb = colour_hex(value)
        if rgb is None:
            self.problem(node, f"'{value}' is not a colour (use #RRGGBB or a name such as navy)")
        return rgb

    def path(self, node: Node, what: str) -> Path | None:
        """An existing file named relative to ``base_dir`` and inside its tree."""
        name = self.text(node)
        if name is None:
            return None
        path = (self.folders.get(node.start_mark.name, self.base_dir) / name).resolve()
        if not inside(path, (self.base_dir, *self.allowed)):
            self.problem(node, f"{what} path '{name}' leads outside the spec's folder (--allow-path DIR lets it)")
            return None
        if not path.is_file():
            self.problem(node, f"{what} file '{name}' not found{_nearby(name, path)}")
            return None
        return path

    def image(self, node: Node) -> tuple[Path, tuple[int, int]] | None:
        """A PNG or JPEG file, with its size in pixels."""
        path = self.path(node, "image")
        if path is None:
            return None
        from PIL import Image as PILImage  # Pillow loads only for a spec with pictures

        try:
            with PILImage.open(path) as picture:
                kind, size = picture.format, picture.size
                picture.verify()
        except Exception:  # Pillow raises many types for broken files
            kind = None
        if kind not in ("PNG", "JPEG"):
            self.problem(node, f"'{node.value}' is not a PNG or JPEG image")
            return None
        return path, size

    def cell(self, node: Node) -> Cell:
        """A table value with its YAML type: text, number, boolean, date or null."""
        if not self._expect(node, ScalarNode, "a single value"):
            return None
        if node.tag not in _SCALAR_TAGS:
            self.problem(node, f"unsupported tag '{node.tag}'")
            return None
        try:
            # SafeConstructor's own function for the tag; construct_object would also keep
            # every value it made, by node, for as long as the reader lives.
            value = SafeConstructor.yaml_constructors[node.tag](self._constructor, node)
        except (ConstructorError, ValueError) as exc:
            self.problem(node, f"invalid value '{node.value}': {exc}")
            return None
        if isinstance(value, str) and len(value) > MAX_CELL:
            self.problem(node, f"a table value of {len(value):,} characters; spreadsheets hold at most {MAX_CELL:,}")
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.problem(node, f"'{node.value}' is not a finite number")
            return None
        return value  # type: ignore[no-any-return]

    def _expect(self, node: Node, cls: type[Node], what: str) -> bool:
        if not self.visit(node):
            return False
        if not isinstance(node, cls):
            if cls is ScalarNode and _unquoted_template(node):
                self.problem(node, 'a value starting with {{ must be quoted: "{{ name }}"')
            else:
                self.problem(node, f"expected {what}, got {kind_of(node)}")
            return False
        if isinstance(node, (MappingNode, SequenceNode)) and node.tag not in _KIND:
            self.problem(node, f"unsupported tag '{node.tag}'")
            return False
        return True


def _unquoted_template(node: Node) -> bool:
    """Whether YAML read an unquoted ``{{ name }}`` as it must: a mapping whose one key is a mapping."""
    return (
        isinstance(node, MappingNode)
        and len(node.value) == 1
        and isinstance(node.value[0][0], MappingNode)
        and bool(node.flow_style)
    )


def inside(path: Path, folders: tuple[Path, ...]) -> bool:
    """Whether a resolved path lies in one of the folders' trees."""
    return any(path.is_relative_to(folder.resolve()) for folder in folders)


def colour_hex(value: str) -> str | None:
    """RRGGBB for a colour written #RRGGBB, #RGB or as a CSS name; None if it is none."""
    text = value.strip().lstrip("#")
    if len(text) == 3 and all(c in string.hexdigits for c in text):
        text = "".join(c * 2 for c in text)
    if len(text) == 6 and all(c in string.hexdigits for c in text):
        return text.upper()
    name = value.strip().lower()
    from PIL import ImageColor  # only a colour given by name needs Pillow's table of names

    if name not in ImageColor.colormap:  # the CSS colour names
        return None
    # Through getrgb, which reads the name whether PIL keeps it as "#rrggbb" or, once asked for it, as a tuple.
    red, green, blue = ImageColor.getrgb(name)[:3]
    return f"{red:02X}{green:02X}{blue:02X}"


ID_HINT = ": an id is given to a section, a table, a chart, a picture or a callout, for cross-references to it"
"""Why ``id:`` is unknown where it is: the things that take one."""


def did_you_mean(word: str, choices: Mapping[str, object] | list[str], list_all: bool = True) -> str:
    """A ' (did you mean ...?)' hint, the same word in other capitals first; else the list of choices,
    if ``list_all``."""
    same = [c for c in choices if c.casefold() == word.casefold()]
    close = same or difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if close:
        return f" (did you mean '{close[0]}'?)"
    return f" (expected one of: {', '.join(choices)})" if list_all else ""


def _nearby(name: str, path: Path) -> str:
    """' (did you mean 'data/ipc.csv'?)' for a file of a close name in the folder the spec meant, else ''."""
    try:
        siblings = [p.name for p in path.parent.iterdir() if p.is_file()] if path.parent.is_dir() else []
    except OSError:
        return ""
    close = difflib.get_close_matches(path.name, siblings, n=1, cutoff=0.5)
    if not close:
        return ""
    folder = name[: len(name) - len(Path(name).name)]
    return f" (did you mean '{folder}{close[0]}'?)"


def kind_of(node: Node) -> str:
    if isinstance(node, ScalarNode) and node.tag == _TAG + "str" and node.value == "":
        return "an empty string"
    return _KIND.get(node.tag, f"a value tagged '{node.tag}'")
