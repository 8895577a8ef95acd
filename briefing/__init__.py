"""Turn one YAML spec into a briefing pack: Word, PDF and Excel."""

from .build import Pack, build, write_pack, writers_for
from .errors import BuildError, Problem, SpecError
from .reading.loader import Options, load, loads

__version__ = "0.1.0"

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
