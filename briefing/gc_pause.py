"""Pausing Python's cycle collector while a spec or a document is built in one go."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """Run a block without automatic cycle collection, then restore it as it was.

    Reading a big spec or writing a big Word table makes hundreds of thousands of
    long-lived objects. The collector, triggered every few hundred allocations,
    walks them again and again: half the time of a 50,000-row spec went there.
    What is built holds few reference cycles, and any left over are collected
    once the block ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
