"""The preview as the server holds it: the last outcome, a version, and the streams waiting for the next.

Rebuilds finish on a thread of their own; the event streams wait on the server's event loop.
A stream waits on an asyncio event, not on a thread, so any number of open pages cost no
thread each, and closing the preview wakes them all at once so that shutdown waits for none.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from pathlib import Path

from .rendering import Outcome, Rendering


@dataclass(frozen=True)
class State:
    """What the page shows: the last good rendering, what the last attempt found, and a version."""

    version: int = 0
    rendering: Rendering | None = None
    problems: tuple[str, ...] = ()
    """``FILE:LINE:COL: message`` of what stopped the last build."""
    warnings: tuple[str, ...] = ()
    """The prose check's findings, and what a format could not show."""
    sources: tuple[Path, ...] = ()
    """The files the spec was read from."""
    took: float = 0.0
    """Seconds the last rebuild took."""
    over_budget: bool = False
    """The last rebuild was stopped for taking too long or too much memory."""


class Preview:
    """The state of one spec's preview; replaced whole at each rebuild, so a reader never sees half of one."""

    def __init__(self, spec: Path) -> None:
        self.spec = spec
        self.state = State()
        self.closing = False
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._changed: asyncio.Event | None = None

    def publish(self, outcome: Outcome, took: float) -> State:
        """Show what a rebuild found (from any thread); a failed one keeps the last good rendering."""
        with self._lock:
            now = self.state
            self.state = State(
                version=now.version + 1,
                rendering=outcome.rendering or now.rendering,
                problems=outcome.problems,
                warnings=outcome.warnings,
                sources=outcome.sources or now.sources,
                took=took,
                over_budget=outcome.over_budget,
            )
            state = self.state
        self._wake()
        return state

    def close(self) -> None:
        """End every stream now (from any thread): the server is stopping."""
        self.closing = True
        self._wake()

    async def next_version(self, seen: int, timeout: float) -> int | None:
        """The version once it is past ``seen``, or as it is after ``timeout`` s; None when closing."""
        if self._changed is None:  # the first stream: from now on, rebuilds wake the streams on this loop
            self._loop, self._changed = asyncio.get_running_loop(), asyncio.Event()
        if not self.closing and self.state.version <= seen:
            try:
                await asyncio.wait_for(self._changed.wait(), timeout)
            except TimeoutError:
                pass
        return None if self.closing else self.state.version

    def _wake(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(self._set)
            except RuntimeError:  # the loop closed in between: nobody is waiting any more
                pass

    def _set(self) -> None:
        """On the loop: wake whoever waits, and give later waiters a fresh event."""
        if self._changed is not None:
            woken, self._changed = self._changed, asyncio.Event()
            woken.set()
