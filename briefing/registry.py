"""Writers found through the ``briefing.writers`` entry-point group, loaded by name."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:  # the command line reads format names from here before anything is laid out
    from importlib.metadata import EntryPoint

    from .errors import Problem
    from .layout import LaidDocument

GROUP = "briefing.writers"
"""Entry-point group under which every writer, built-in or not, is registered."""


@runtime_checkable
class Writer(Protocol):
    """What a writer provides: a format name, a file extension and ``write``.

    A writer that sets ``takes_layout = True`` is handed the laid-out document, the one every
    format of the pack shares. One that does not (written for earlier versions) is handed the
    briefing, as before; ``walk`` then finds the pack's laid-out document for it.
    """

    name: str
    """Format name used on the command line, e.g. "docx"."""
    extension: str
    """File extension including the dot, e.g. ".docx"."""

    def write(self, laid: LaidDocument, path: Path) -> list[Problem]:
        """Write the laid-out document to ``path``; return warnings about content not shown."""
        ...


def write(writer: Writer, laid: LaidDocument, path: Path) -> list[Problem]:
    """Have ``writer`` write ``laid`` to ``path``: the laid-out document, or its briefing for a writer
    that takes one."""
    if getattr(writer, "takes_layout", False):
        return writer.write(laid, path)
    return writer.write(laid.doc, path)  # type: ignore[arg-type]


def facts(writer: Writer, path: Path) -> dict[str, Any] | None:
    """What ``writer`` tells of the file it has just written at ``path`` (a PDF's pages), where it keeps
    such facts (an optional ``facts(path)``); None where the manifest must look at the file itself."""
    told = getattr(writer, "facts", None)
    return told(path) if callable(told) else None


class UnknownFormat(LookupError):
    """No writer is registered under the name asked for."""


class WriterUnavailable(RuntimeError):
    """A writer is registered but cannot be loaded (its import failed, say)."""


@cache  # scanning the installed distributions takes milliseconds; a batch asks often
def _entry_points() -> dict[str, EntryPoint]:
    # The same distribution can be visible twice (an editable install beside
    # a copy on sys.path); the first one found wins, as importlib orders them.
    from importlib.metadata import entry_points  # imported when a format is first looked up

    found: dict[str, EntryPoint] = {}
    for ep in entry_points(group=GROUP):
        found.setdefault(ep.name, ep)
    return found


def names() -> list[str]:
    """Names of all registered formats, sorted; nothing is imported."""
    return sorted(_entry_points())


def get(name: str) -> Writer:
    """Load the writer registered as ``name``."""
    eps = _entry_points()
    if name not in eps:
        known = ", ".join(sorted(eps)) or "none"
        raise UnknownFormat(f"unknown format '{name}' (known formats: {known})")
    try:
        target = eps[name].load()
        writer = target() if isinstance(target, type) else target
    except Exception as exc:  # any failure in third-party code: report, don't crash
        raise WriterUnavailable(f"writer '{name}' cannot be loaded: {exc}") from exc
    if not isinstance(writer, Writer):
        raise WriterUnavailable(f"writer '{name}' ({eps[name].value}) lacks name, extension or write()")
    return writer
