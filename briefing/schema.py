"""The JSON Schema (draft 2020-12) of specs, built from the shapes the loader checks."""

from __future__ import annotations

import json
from typing import Any

from .reading.shape_types import Schema, Shape
from .reading.shapes import SHAPES, SPEC

SCHEMA_ID = "https://briefing.invalid/schema/spec.json"
"""A stable identifier; editors address the schema by file or URL, not by this."""


def spec_schema() -> Schema:
    """The schema of a spec file, every key described."""
    defs = {shape.name: _object(shape) for shape in SHAPES if shape is not SPEC}
    root = _object(SPEC)
    # A spec that extends a base may leave its required keys to the base.
    required = root.pop("required")
    root["if"] = {"required": ["extends"]}
    root["else"] = {"required": required}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "briefing spec",
        "description": "A briefing pack: metadata, summary, sections of paragraphs, lists, tables and images.",
        **root,
        "$defs": defs,
    }


def _object(shape: Shape) -> Schema:
    properties = {name: {**key.schema, "description": key.doc} for name, key in shape.keys.items()}
    schema: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    if shape.one_key and shape.beside:
        schema["oneOf"] = [{"required": [kind]} for kind in shape.kinds]
    elif shape.one_key:
        schema["minProperties"] = schema["maxProperties"] = 1
    if shape.required:
        schema["required"] = list(shape.required)
    return schema


def schema_text() -> str:
    """The schema as printed by ``briefing schema``."""
    return json.dumps(spec_schema(), indent=2, ensure_ascii=False) + "\n"
