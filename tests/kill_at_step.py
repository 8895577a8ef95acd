"""Builds killed with SIGKILL at a chosen step of putting the pack in place.

    python -m tests.kill_at_step build SPEC --out DIR ...

reads a number N per line on its standard input, forks a child that runs the
briefing command given, and kills that child with SIGKILL just before the N-th
change it makes to the file system while it puts the pack in place (a rename, a
link, an unlink, a new folder). It answers one line: ``killed`` or
``done STEPS`` (N = 0 kills nothing and counts the steps). The children are
forked from this one process, which has imported briefing once, so each build
takes a fraction of a second.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import signal
import sys
import tempfile
from typing import Any

from briefing import registry
from briefing.cli import main

BUILD = importlib.import_module("briefing.build")  # the package exports a function of that name

STEPS = ("rename", "replace", "symlink", "link", "unlink", "rmdir", "mkdir")
"""The calls that change what a reader of the output folder can see (an fsync changes nothing a kill can show)."""


def _run(argv: list[str], kill_at: int, report: int) -> None:
    """In the child: run the command, counting the steps of the commit, and die at step ``kill_at``."""
    count = 0
    committing = False

    def step(real: Any) -> Any:
        def counted(*args: Any, **kwargs: Any) -> Any:
            nonlocal count
            if committing:
                count += 1
                if count == kill_at:
                    os.kill(os.getpid(), signal.SIGKILL)
            return real(*args, **kwargs)

        return counted

    for name in STEPS:
        setattr(os, name, step(getattr(os, name)))
    real_commit = BUILD.commit

    def commit(*args: Any, **kwargs: Any) -> None:
        nonlocal committing
        committing = True
        try:
            real_commit(*args, **kwargs)
        finally:
            committing = False

    BUILD.commit = commit
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 1)
    os.dup2(quiet, 2)
    status = main(argv)
    os.write(report, f"{status} {count}\n".encode())
    os._exit(0)


def _warm(argv: list[str]) -> None:
    """Build once here, into a folder of its own: the children start with every module imported and font read."""
    with tempfile.TemporaryDirectory() as scratch:
        out = argv.index("--out") + 1
        quiet = io.StringIO()
        with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
            main([*argv[:out], scratch, *argv[out + 1 :]])


def serve(argv: list[str]) -> None:
    for name in registry.names():
        registry.get(name)  # every writer imported here once, not in each child
    _warm(argv)
    for line in sys.stdin:
        read, write = os.pipe()
        child = os.fork()
        if child == 0:
            os.close(read)
            _run(argv, int(line), write)
        os.close(write)
        with os.fdopen(read) as answer:
            said = answer.read().split()
        _, status = os.waitpid(child, 0)
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
            print("killed", flush=True)
        else:
            print(f"done {said[1]} status {said[0]}", flush=True)


if __name__ == "__main__":
    serve(sys.argv[1:])
