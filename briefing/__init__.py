"""Turn one YAML spec into a briefing pack: Word, PDF and Excel."""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .build import Pack, build, write_pack, writers_for
    from .errors import BuildError, Problem, SpecError
    from .reading.loader import Options, load, loads

__version__ = "0.1.0"

# Where each public name lives. They are imported when first used, not with the package:
# `briefing --help` and every submodule import start from here, and need none of them.
_HOMES = {
    "Pack": ".build",
    "build": ".build",
    "write_pack": ".build",
    "writers_for": ".build",
    "BuildError": ".errors",
    "Problem": ".errors",
    "SpecError": ".errors",
    "Options": ".reading.loader",
    "load": ".reading.loader",
    "loads": ".reading.loader",
}

__all__ = [
    "BuildError",
    "Options",
    "Pack",
    "Problem",
    "SpecError",
    "build",
    "load",
    "loads",
    "write_pack",
    "writers_for",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'briefing' has no attribute '{name}'")
    value = getattr(import_module(home, __name__), name)
    globals()[name] = value  # found once; later uses do not come here
    return value


class _Package(ModuleType):
    def __setattr__(self, name: str, value: Any) -> None:
        # Importing the submodule briefing.build binds it here under its name; the package's
        # `build` is the function, as when the package imported it eagerly.
        if name in _HOMES and isinstance(value, ModuleType) and value.__name__ == f"{__name__}{_HOMES[name]}":
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
