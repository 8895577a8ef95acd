"""Running the preview: a file watcher that rebuilds it, and the web server that shows it."""

from __future__ import annotations

import ipaddress
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import uvicorn
import watchfiles

from ..reading.loader import Options
from .app import application
from .preview import Preview

WATCHED = {".yaml", ".yml", ".csv", ".tsv", ".txt", ".json", ".xlsx", ".png", ".jpg", ".jpeg", ".docx", ".ttf"}
"""Kinds of file whose change rebuilds the preview: specs, data, pictures, templates, fonts."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    spec: Path, options: Options, host: str, port: int, build: Callable[[], list[str]], folders: list[Path]
) -> int:
    """Build the preview, watch ``folders`` for changes, and serve until Ctrl-C."""
    preview = Preview(spec, options)
    preview.refresh()
    stop = threading.Event()
    watcher = threading.Thread(target=_watch, args=(preview, folders, stop), daemon=True)
    watcher.start()
    print(f"http://{host}:{port}/", flush=True)
    config = uvicorn.Config(
        application(preview, build, host, port), host=host, port=port, log_level="warning", timeout_graceful_shutdown=2
    )
    try:
        uvicorn.Server(config).run()
    except KeyboardInterrupt:
        pass  # Ctrl-C is how a preview ends: uvicorn has shut down, and passes the signal on
    finally:
        stop.set()
        watcher.join(timeout=5)
    return 0


def _watch(preview: Preview, folders: list[Path], stop: threading.Event) -> None:
    def wanted(change: watchfiles.Change, path: str) -> bool:
        name = Path(path).name
        return Path(path).suffix.lower() in WATCHED and not name.startswith((".", "~")) and not name.endswith(".tmp")

    try:
        for _ in watchfiles.watch(*folders, watch_filter=wanted, stop_event=stop, debounce=100, step=20):
            preview.refresh()
    except Exception as exc:  # the preview stays up; the user is told it no longer follows the files
        print(f"briefing: the file watcher stopped: {exc}", file=sys.stderr, flush=True)
