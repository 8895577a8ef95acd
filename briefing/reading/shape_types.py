"""How the spec's vocabulary is described: ``Shape`` (a kind of mapping) and ``Key`` (one of its keys),
the schemas of the values keys share (text, a date, a cell, a number, a colour, a file, an id), and
the keys every portion may carry (its classification and caveats).

The shapes themselves are in ``shapes`` (the spec, its sections and blocks, its sources and
distribution lists) and ``style_shapes`` (the house style)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Schema = dict[str, Any]
"""A JSON Schema fragment."""

TEXT: Schema = {"type": ["string", "number", "boolean"]}
"""Text; a number or date is taken as written."""
DATE: Schema = {"type": "string", "pattern": r"^(\d{4}-\d{2}-\d{2}|.*\{\{.*\}\}.*)$"}
"""YYYY-MM-DD, or a template that renders to one."""
CELL: Schema = {"type": ["string", "number", "boolean", "null"]}
"""A table value: text, number, true/false, a date or empty."""
NUMBER: Schema = {"type": "number", "exclusiveMinimum": 0}
BOOLEAN: Schema = {"type": "boolean"}
COLOUR: Schema = {"type": "string", "description": "#RRGGBB, #RGB or a colour name such as navy"}
FILE: Schema = {"type": "string", "description": "a path relative to the file that names it"}


def ref(name: str) -> Schema:
    """A reference to another shape."""
    return {"$ref": f"#/$defs/{name}"}


def one_of(*choices: str) -> Schema:
    return {"enum": list(choices)}


def list_of(item: Schema, at_least: int = 0) -> Schema:
    return {"type": "array", "items": item, "minItems": at_least} if at_least else {"type": "array", "items": item}


@dataclass(frozen=True)
class Key:
    """One key of a mapping."""

    doc: str
    """What the key means, for error hints and editors."""
    schema: Schema = field(default_factory=lambda: TEXT)
    """What its value may be."""


@dataclass(frozen=True)
class Shape:
    """A kind of mapping in a spec or style."""

    name: str
    """Its name in the schema's $defs."""
    what: str
    """How messages refer to it: "a section"."""
    keys: dict[str, Key]
    """Every key it may have."""
    required: tuple[str, ...] = ()
    """Keys it must have."""
    one_key: bool = False
    """It holds exactly one of its keys (a block), besides any of ``beside``."""
    beside: tuple[str, ...] = ()
    """Keys that may stand beside the one key of a ``one_key`` shape (a block's classification)."""

    @property
    def kinds(self) -> tuple[str, ...]:
        """The keys of which a ``one_key`` shape holds exactly one."""
        return tuple(k for k in self.keys if k not in self.beside)


MARKED: dict[str, Key] = {
    "classification": Key(
        "This portion's level in the marking scheme (OFFICIAL-SENSITIVE or OS); what it holds inherits it."
    ),
    "caveats": Key(
        "Caveats or release markings that restrict who may read it (UK EYES ONLY).",
        {"anyOf": [TEXT, list_of(TEXT, at_least=1)]},
    ),
}
"""The keys that mark a portion: a section, any block, a list item."""
MARKING_KEYS = tuple(MARKED)

ID: Schema = {"type": "string", "pattern": r"^(sec|tbl|fig|box)-[\w][\w:.\-]*$"}
"""An id for cross-references, its kind's prefix first."""


def id_key(kind: str, example: str) -> Key:
    """The ``id:`` of a section, table, figure or callout."""
    return Key(
        f"A name to cross-reference it by, starting {kind}- (e.g. {example}); @{example} in text points at it.", ID
    )


CREDIT_KEY_DOC = 'Where it comes from: plain text or a citation ("[@ocha2026]"), shown under it as "Source: …".'
