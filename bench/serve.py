"""Preview benchmark: seconds from saving a spec to the preview's update, for the example packs.

Runs ``briefing serve`` as a user does, saves the spec (a heading changed) again and again,
and times each save until the server's event stream announces the new version and the new
heading is in the page it serves. Prints a table and, with ``--write``, adds it to
bench/results.md. Run: ``python bench/serve.py --saves 10``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPECS = ("mali-russia", "showcase", "sahel-dashboard")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def time_saves(name: str, saves: int) -> list[float]:
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "specs"
        shutil.copytree(ROOT / "specs", copy)
        spec = copy / f"{name}.yaml"
        text = spec.read_text(encoding="utf-8")
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "briefing.cli", "serve", str(spec), "--port", str(port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            url = server.stdout.readline().strip()
            _wait_for(url)
            events = urllib.request.urlopen(url + "events", timeout=60)
            _next_version(events)
            times = []
            for n in range(saves):
                marker = f"Edited {n}"
                started = time.perf_counter()
                edited = re.sub(r"^title: .*$", f"title: {marker}", text, count=1, flags=re.M)
                assert edited != text, name
                spec.write_text(edited)
                for _ in range(20):  # an editor's save may come as more than one change of the file
                    _next_version(events)
                    page = urllib.request.urlopen(url + "view/html", timeout=60).read().decode("utf-8")
                    if marker in page:
                        break
                else:
                    raise AssertionError(f"{name}: the page did not change")
                times.append(time.perf_counter() - started)
            return times
        finally:
            server.terminate()
            server.wait(timeout=15)


def _wait_for(url: str) -> None:
    for _ in range(200):
        try:
            urllib.request.urlopen(url + "state", timeout=2).read()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"{url} never answered")


def _next_version(events) -> int:
    for raw in events:
        line = raw.decode("utf-8").strip()
        if line.startswith("data: "):
            return int(line[6:])
    raise AssertionError("the event stream ended")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=10)
    parser.add_argument("--write", action="store_true", help="add the table to bench/results.md")
    args = parser.parse_args()
    lines = [
        "",
        "## Live preview: save to update",
        "",
        f"`python bench/serve.py --saves {args.saves}`: seconds from writing the spec to the preview serving the",
        "change (PDF, workbook, HTML and page pictures rebuilt), through the event stream, as a browser gets it.",
        "",
        "| spec | median | fastest | slowest |",
        "|---|---:|---:|---:|",
    ]
    for name in SPECS:
        times = time_saves(name, args.saves)
        lines.append(f"| {name} | {statistics.median(times):.2f} s | {min(times):.2f} s | {max(times):.2f} s |")
    print("\n".join(lines))
    if args.write:
        with (ROOT / "bench" / "results.md").open("a", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
