"""Running the preview: a file watcher that asks for rebuilds, and the web server that shows them."""

from __future__ import annotations

import ipaddress
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import uvicorn
import watchfiles

from ..reading.loader import Options
from .app import application
from .live import Preview
from .rebuilds import Budget, Rebuilder

WATCHED = {
    ".yaml",
    ".yml",
    ".csv",
    ".tsv",
    ".txt",
    ".json",
    ".jsonl",
    ".ndjson",
    ".xlsx",
    ".png",
    ".jpg",
    ".jpeg",
    ".docx",
    ".ttf",
}
"""Kinds of file whose change rebuilds the preview: specs, data, pictures, templates, fonts."""
GRACE = 1
"""Seconds Ctrl-C waits for answers being sent; the event streams end at once and need none."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _Server(uvicorn.Server):
    """uvicorn's server, which also ends the preview's event streams as soon as Ctrl-C arrives."""

    def __init__(self, config: uvicorn.Config, on_exit: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_exit = on_exit

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self._on_exit()  # otherwise shutdown waits on every open page's stream until its grace runs out
        super().handle_exit(sig, frame)


def own_output(out: Path, stem: str) -> Callable[[str], bool]:
    """Whether a path is one of the pack's own files in ``out`` (or the versions and temporaries kept there).

    "Build pack" writes them; were they followed, each build would set off a rebuild that
    replaces the page's "built: ..." at once.
    """
    out = out.resolve()

    def is_output(path: str) -> bool:
        try:
            inside = Path(path).resolve().relative_to(out)
        except ValueError:
            return False
        return inside.parts[0].startswith(".") or (len(inside.parts) == 1 and inside.name.startswith(f"{stem}."))

    return is_output


def serve(
    spec: Path,
    options: Options,
    host: str,
    port: int,
    build: Callable[[str], list[str]],
    folders: list[Path],
    out: Path | None = None,
) -> int:
    """Build the preview, watch ``folders`` for changes (not the pack's files in ``out``), serve until Ctrl-C."""
    try:
        budget = Budget.from_environment()
    except ValueError as exc:
        print(f"briefing: {exc}", file=sys.stderr)
        return 2
    preview = Preview(spec)
    rebuilder = Rebuilder(spec, options, budget, preview.publish)
    stop = threading.Event()
    ignored = own_output(out, spec.stem) if out is not None else (lambda path: False)
    watcher = threading.Thread(
        target=_watch, args=(rebuilder, folders, stop, ignored), name="preview-watch", daemon=True
    )
    config = uvicorn.Config(
        application(preview, build, host, port, rebuilder.show),
        host=host,
        port=port,
        log_level="warning",
        timeout_graceful_shutdown=GRACE,
    )
    try:
        watcher.start()
        rebuilder.once()
        rebuilder.start()
        print(f"http://{host}:{port}/", flush=True)
        _Server(config, on_exit=preview.close).run()
    except KeyboardInterrupt:
        pass  # Ctrl-C is how a preview ends: uvicorn has shut down, and passes the signal on
    finally:
        stop.set()
        preview.close()
        rebuilder.stop()
        watcher.join(timeout=1)
    return 0


def _watch(rebuilder: Rebuilder, folders: list[Path], stop: threading.Event, ignored: Callable[[str], bool]) -> None:
    def wanted(change: watchfiles.Change, path: str) -> bool:
        name = Path(path).name
        if Path(path).suffix.lower() not in WATCHED or name.startswith((".", "~")) or name.endswith(".tmp"):
            return False
        return not ignored(path)

    try:
        for _ in watchfiles.watch(*folders, watch_filter=wanted, stop_event=stop, debounce=100, step=20):
            rebuilder.request()
    except Exception as exc:  # the preview stays up; the user is told it no longer follows the files
        print(f"briefing: the file watcher stopped: {exc}", file=sys.stderr, flush=True)
