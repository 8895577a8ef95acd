"""Reading house styles: a spec's ``style:`` key, style files and the bundled styles."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode

from ..errors import Problem, SpecError
from ..house_styles import BUNDLED_STYLES, bundled_names
from ..model import Pos
from ..style import BUNDLED_FONTS, COVER_MODES, PAGE_SIZES_CM, FontFamily, Style, TableLook
from . import markings, style_shapes
from .compose import compose, read_spec_text
from .reader import Reader, did_you_mean

Layer = dict[str, Any]
"""Style values set by one source, by Style field name (TableLook fields as "table.*")."""


def read_style_file(name: str | os.PathLike[str]) -> Layer:
    """The layer of a style file, or of a bundled style given by name."""
    path = Path(name)
    if path.suffix == "" and os.fspath(name) in bundled_names():
        path = BUNDLED_STYLES / f"{os.fspath(name)}.yaml"
    elif not path.is_file():
        names = bundled_names()
        hint = did_you_mean(path.stem, names, list_all=False) or f" (bundled styles: {', '.join(names)})"
        raise SpecError([Problem(Pos("--style", 0, 0), f"no style file or bundled style '{os.fspath(name)}'{hint}")])
    display = os.fspath(name)
    root = compose(read_spec_text(path, display), display)
    reader = Reader(display, path.resolve().parent)
    layer = read_style(reader, root)
    if reader.problems:
        raise SpecError(reader.problems)
    layer.setdefault("name", path.stem)
    return layer


def template_layer(name: str | os.PathLike[str]) -> Layer:
    """The layer that a ``--docx-template`` option sets."""
    path = Path(name).resolve()
    problem = _template_problem(path)
    if problem:
        raise SpecError([Problem(Pos(os.fspath(name), 1, 1), problem)])
    return {"docx_template": path}


def read_style(r: Reader, node: Node) -> Layer:
    """The values a ``style:`` mapping sets, checked; problems go to ``r``."""
    keys = r.shape(node, style_shapes.STYLE)
    if keys is None:
        return {}
    layer: Layer = {}
    scalars = {
        "font_size": r.number,
        "accent": r.colour,
        "toc": r.boolean,
        "cover": lambda n: r.choice(n, COVER_MODES),
        "docx_template": lambda n: _template(r, n),
    }
    for key, read in scalars.items():
        if key in keys:
            layer[key] = read(keys[key])
    if "logo" in keys and (logo := r.image(keys["logo"])):
        layer["logo"], layer["logo_size_px"] = logo
    if "fonts" in keys and (fonts := r.shape(keys["fonts"], style_shapes.FONTS)):
        for which, font_node in fonts.items():
            layer[f"{which}_font"] = _font(r, font_node)
    if "page" in keys and (page := r.shape(keys["page"], style_shapes.PAGE)):
        if "size" in page:
            layer["page_size"] = r.choice(page["size"], tuple(PAGE_SIZES_CM))
        if "orientation" in page:
            orientation = r.choice(page["orientation"], ("portrait", "landscape"))
            layer["landscape"] = None if orientation is None else orientation == "landscape"
        if "margins_cm" in page:
            layer["margin_cm"] = r.number(page["margins_cm"])
    if "table" in keys and (table := r.shape(keys["table"], style_shapes.TABLE_LOOK)):
        for key, value in table.items():
            layer[f"table.{key}"] = _optional_colour(r, value) if key in ("zebra", "borders") else r.colour(value)
    if "marking" in keys and (marking := r.shape(keys["marking"], style_shapes.MARKING)):
        if "colour" in marking:
            layer["marking_colour"] = r.colour(marking["colour"])
        if "banner" in marking:
            layer["marking_banner"] = r.boolean(marking["banner"])
        if "scheme" in marking:
            layer["scheme"] = markings.scheme(r, marking["scheme"])
    # A value that failed its check is left out; the problem is already noted.
    layer = {key: value for key, value in layer.items() if value is not None or key.startswith("table.")}
    layer[POSITIONS] = _colour_positions(r, keys)
    return layer


POSITIONS = "positions"
"""The layer's key for where its colours were written, which ``merge`` gathers rather than sets."""


def _colour_positions(r: Reader, keys: dict[str, Node]) -> dict[str, Pos]:
    """Where each colour of a ``style:`` mapping was written, by its layer key."""
    found = {"accent": keys["accent"]} if "accent" in keys else {}
    for outer, prefix in (("table", "table."), ("marking", "marking_")):
        inner = keys.get(outer)
        if isinstance(inner, MappingNode):
            for key, value in inner.value:
                if isinstance(key, ScalarNode):
                    found[prefix + key.value] = value
    return {key: r.pos(node) for key, node in found.items()}


def merge(*layers: Layer) -> Style:
    """A Style from layers, later layers winning key by key."""
    values: Layer = {}
    positions: dict[str, Pos] = {}
    for layer in layers:
        values.update((k, v) for k, v in layer.items() if k != POSITIONS)
        for key in layer:  # a later layer's value stands where that layer wrote it, or nowhere known
            positions.pop(key, None)
        positions.update(layer.get(POSITIONS, {}))
    table = {k.removeprefix("table."): v for k, v in values.items() if k.startswith("table.")}
    fields = {k: v for k, v in values.items() if not k.startswith("table.")}
    explicit = frozenset(k.split(".")[0] for k in values)
    return Style(
        **fields,
        table=dataclasses.replace(TableLook(), **table),
        explicit=explicit,
        positions=tuple(sorted(positions.items())),
    )


def _optional_colour(r: Reader, node: Node) -> str | None:
    if isinstance(node, ScalarNode) and node.value.strip().lower() in ("none", "null", "~", ""):
        return None
    return r.colour(node)


def _font(r: Reader, node: Node) -> FontFamily | None:
    if isinstance(node, ScalarNode):
        if node.value in BUNDLED_FONTS:
            return BUNDLED_FONTS[node.value]
        regular = _font_file(r, node)
        return None if regular is None else FontFamily(_family_name(regular) or regular.stem, regular)
    keys = r.shape(node, style_shapes.FONT)
    if keys is None or "regular" not in keys:
        return None
    found = {key: _font_file(r, keys[key]) for key in ("regular", "bold", "italic", "bold_italic") if key in keys}
    faces = {key: path for key, path in found.items() if path is not None}
    if len(faces) != len(found):
        return None
    regular = faces.pop("regular")
    name = (r.text(keys["name"]) if "name" in keys else None) or _family_name(regular) or regular.stem
    return FontFamily(name, regular, **faces)


def _font_file(r: Reader, node: Node) -> Path | None:
    path = r.path(node, "font")
    if path is None:
        return None
    if _family_name(path) is None:
        r.problem(node, f"'{node.value}' is not a TrueType font file")
        return None
    return path


def _family_name(path: Path) -> str | None:
    from reportlab.pdfbase.ttfonts import TTFError, TTFontFace

    try:
        family = TTFontFace(str(path)).familyName
    except (TTFError, OSError, ValueError, KeyError):
        return None
    return family.decode("utf-8", "replace") if isinstance(family, bytes) else str(family)


def _template(r: Reader, node: Node) -> Path | None:
    path = r.path(node, "template")
    if path is None:
        return None
    problem = _template_problem(path)
    if problem:
        r.problem(node, problem)
        return None
    return path


def _template_problem(path: Path) -> str | None:
    # The look is taken now as the Word writer will take it, within the same bounds:
    # a template that cannot be taken is refused before anything is built.
    from ..writers.docx.template_look import problem

    return problem(path)
