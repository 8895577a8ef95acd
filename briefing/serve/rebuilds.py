"""Rebuilding the preview in child processes, each within a budget of time and memory; the newest save wins.

A spec is read within the limits of ``briefing.limits`` (carried by its Options), as a build
reads it. Some templates stay inside those limits and still run for hours, growing all the
while; in the server's own process such a rebuild would hold the watcher, the memory and the
CPU for good. So each rebuild runs in a child process that the server can stop: the child
limits its own address space (``resource.setrlimit``), the server kills it when its time is
up, and kills it at once when a newer save arrives, so the next save always wins.

Children are forked from multiprocessing's fork server, which has imported the writers and
built a small briefing once (``warm``), so a rebuild starts in milliseconds rather than in the
second a new interpreter takes to import them.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from ..reading.loader import Options
from .rendering import Outcome

SECONDS_VARIABLE = "BRIEFING_PREVIEW_SECONDS"
MEMORY_VARIABLE = "BRIEFING_PREVIEW_MEMORY_MB"
SECONDS = 60.0
"""Seconds one rebuild may take, from its start to its views, page pictures included."""
MEMORY = 2 << 30
"""Bytes of address space the rebuilding process may hold, interpreter and libraries included."""
OUT_OF_MEMORY = 3
"""Exit status of a child that reached its memory limit."""


@dataclass(frozen=True)
class Budget:
    """What one rebuild of the preview may take; a real briefing stays far below both."""

    seconds: float = SECONDS
    """Seconds from the start of a rebuild to its views (``SECONDS`` unless set)."""
    memory_mb: int = MEMORY >> 20
    """Megabytes of address space the rebuilding process may hold (``MEMORY`` unless set)."""

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Budget:
        """The budget, with either figure replaced by its variable; ValueError names a bad one."""
        seconds = _positive(environ, SECONDS_VARIABLE, float, "a number of seconds") or cls.seconds
        memory = _positive(environ, MEMORY_VARIABLE, int, "a whole number of megabytes") or cls.memory_mb
        return cls(float(seconds), int(memory))


def _positive(environ: Mapping[str, str], name: str, kind: Callable[[str], Any], what: str) -> float | int | None:
    text = environ.get(name, "").strip()
    if not text:
        return None
    try:
        value = kind(text)
    except ValueError:
        value = 0
    if not value > 0:
        raise ValueError(f"{name} takes {what} above 0, not {text!r}")
    return value  # type: ignore[no-any-return]


class Rebuilder:
    """Runs rebuilds of one spec one at a time in child processes, and hands each outcome to ``publish``."""

    def __init__(
        self, spec: Path, options: Options, budget: Budget, publish: Callable[[Outcome, float], object]
    ) -> None:
        self.spec, self.options, self.budget, self.publish = spec, options, budget, publish
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["briefing.serve.warm"])
        self._wanted = 0
        """Rebuilds asked for so far: each save adds one (from the watcher's thread alone); the newest is built."""
        self._done = 0
        """The request the last rebuild answered."""
        self._stopping = False
        self._bell_out, self._bell_in = os.pipe()
        os.set_blocking(self._bell_out, False)
        os.set_blocking(self._bell_in, False)
        self._thread = threading.Thread(target=self._run, name="preview-rebuilds", daemon=True)
        self.clearance = ""
        """The level whose variant the preview shows; empty for the whole pack."""

    def once(self) -> None:
        """Rebuild now and wait for it (the first rendering, before the server answers)."""
        self._ready()
        self._done = self._wanted
        self._publish(self._build(self._done))

    def _ready(self) -> None:
        """Wait for the fork server to load the writers (a second or two), so that no rebuild's time counts it."""
        child = self._context.Process(target=_nothing, daemon=True)
        child.start()
        child.join()
        child.close()

    def start(self) -> None:
        """Rebuild in the background whenever ``request`` is called."""
        self._thread.start()

    def request(self) -> None:
        """A file changed: rebuild, stopping a rebuild of older files if one is running."""
        self._wanted += 1
        self._ring()

    def show(self, clearance: str) -> None:
        """Show the variant for ``clearance`` (empty: the whole pack) from the next rebuild, started now."""
        self.clearance = clearance
        self.request()

    def stop(self) -> None:
        """Stop the rebuild that runs, if any, and the thread; within a fraction of a second."""
        self._stopping = True
        self._ring()
        if self._thread.is_alive():
            self._thread.join(timeout=2)

    def _run(self) -> None:
        while not self._stopping:
            if self._wanted == self._done:
                wait([self._bell_out])
                self._silence()
                continue
            self._done = self._wanted
            try:
                self._publish(self._build(self._done))
            except OSError as exc:  # no child could be started (no memory, no process left): try at the next save
                self.publish(Outcome(problems=(f"{self.spec}: not rebuilt: {exc}",)), 0.0)

    def _publish(self, result: tuple[Outcome, float] | None) -> None:
        if result is not None:
            self.publish(*result)

    def _build(self, target: int) -> tuple[Outcome, float] | None:
        """The outcome of one rebuild and its seconds; None if a newer save or the end stopped it."""
        started = time.monotonic()
        deadline = started + self.budget.seconds
        reader, writer = self._context.Pipe(duplex=False)
        child = self._context.Process(
            target=_child, args=(writer, self.spec, self.options, self.budget.memory_mb, self.clearance), daemon=True
        )
        child.start()
        writer.close()
        try:
            while True:
                ready = wait([reader, self._bell_out], timeout=max(0.0, deadline - time.monotonic()))
                if reader in ready:
                    return self._received(reader, child), time.monotonic() - started
                if self._bell_out in ready:
                    self._silence()
                    if self._stopping or self._wanted != target:
                        return None
                    continue
                took = f"took longer than {self.budget.seconds:g} s"
                return self._over(took, SECONDS_VARIABLE), time.monotonic() - started
        finally:
            child.kill()
            child.join(timeout=2)
            child.close()
            reader.close()

    def _received(self, reader: Connection, child: multiprocessing.process.BaseProcess) -> Outcome:
        try:
            outcome: Outcome = reader.recv()
            return outcome
        except EOFError:  # the child ended without an answer
            child.join(timeout=2)
        if child.exitcode == OUT_OF_MEMORY:
            return self._over(f"needed more than {self.budget.memory_mb} MB of memory", MEMORY_VARIABLE)
        how = f"signal {-child.exitcode}" if child.exitcode and child.exitcode < 0 else f"status {child.exitcode}"
        line = f"{self.spec}: not rebuilt: the rebuild stopped unexpectedly ({how})"
        return Outcome(problems=(line,), over_budget=True)

    def _over(self, what: str, variable: str) -> Outcome:
        line = (
            f"{self.spec}: not rebuilt: the rebuild {what}, the preview's budget ({variable} sets another);"
            " the last good rendering stays"
        )
        return Outcome(problems=(line,), over_budget=True)

    def _ring(self) -> None:
        try:
            os.write(self._bell_in, b".")
        except BlockingIOError:  # the bell is already full of rings: one more changes nothing
            pass

    def _silence(self) -> None:
        try:
            while os.read(self._bell_out, 4096):
                pass
        except BlockingIOError:
            pass


def _nothing() -> None:
    """A child that does nothing: it starts once the fork server is ready."""


def _child(answer: Connection, spec: Path, options: Options, memory_mb: int, clearance: str = "") -> None:
    """In the child: rebuild within ``memory_mb`` of address space and send the outcome."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in the terminal is the server's to handle: it kills us
    from .preview import rebuild  # loaded by the fork server already (``warm``); the server never loads it

    try:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = memory_mb * 2**20 if hard == resource.RLIM_INFINITY else min(memory_mb * 2**20, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        answer.send(rebuild(spec, options, clearance))
    except MemoryError:
        os._exit(OUT_OF_MEMORY)  # no traceback: the server says what happened in one line
    except OSError:
        os._exit(1)  # the server is gone (killed): there is nobody to tell
