"""The bundled house styles, each a YAML file selectable by name (``--style official``)."""

from __future__ import annotations

from pathlib import Path

BUNDLED_STYLES = Path(__file__).resolve().parent
"""Folder of the styles selectable by name."""


def bundled_names() -> list[str]:
    """Names of the bundled styles."""
    return sorted(p.stem for p in BUNDLED_STYLES.glob("*.yaml"))
