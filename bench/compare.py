"""The writers of two versions of briefing side by side: this checkout against an earlier commit.

Each version runs its own ``bench/bench.py`` case in a process of its own (the earlier one from a
temporary git worktree, found first on ``PYTHONPATH``), the two taking turns so that whatever else
the machine is doing weighs on both alike; the fastest run of each is kept, with its peak memory.
The table goes into ``bench/results.md`` between its markers, with ``--write``.

    python bench/compare.py --before d8fc3cd --rows 20000 100000 --repeat 3 --write
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FORMATS = ("docx", "pdf", "xlsx")
START, END = "<!-- compare:start -->", "<!-- compare:end -->"


def run_case(tree: Path, fmt: str, rows: int, timeout: float) -> dict:
    """One run of briefing's writer for ``fmt`` in the version at ``tree``: seconds and peak MB."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    command = [sys.executable, str(tree / "bench" / "bench.py"), "--child", fmt, "briefing", str(rows)]
    done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=timeout, env=env, cwd=tree)
    return json.loads(done.stdout.strip().splitlines()[-1])


def compare(before: Path, rows: list[int], repeat: int, timeout: float) -> list[tuple[str, int, dict, dict]]:
    """For each format and size, the fastest of ``repeat`` turns of each version."""
    found = []
    for n in rows:
        for fmt in FORMATS:
            runs: dict[str, list[dict]] = {"before": [], "after": []}
            for _ in range(repeat):
                runs["before"].append(run_case(before, fmt, n, timeout))
                runs["after"].append(run_case(ROOT, fmt, n, timeout))
            best = {
                side: {"seconds": min(r["seconds"] for r in rs), "peak_mb": max(r["peak_mb"] for r in rs)}
                for side, rs in runs.items()
            }
            found.append((fmt, n, best["before"], best["after"]))
            print(fmt, n, best, file=sys.stderr)
    return found


def section(ref: str, rows: list[int], repeat: int, found: list[tuple[str, int, dict, dict]]) -> str:
    lines = [
        START,
        "## This version against an earlier one",
        "",
        f"`python bench/compare.py --before {ref} --rows {' '.join(map(str, rows))} --repeat {repeat}`: each",
        "writer on the benchmark's 8-column table, the two versions taking turns in one run, the fastest of",
        "each kept; memory is the peak above the interpreter's baseline after imports.",
        "",
        f"| format | rows | {ref} s | this s | this / {ref} | {ref} MB | this MB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for fmt, n, before, after in found:
        ratio = after["seconds"] / before["seconds"]
        lines.append(
            f"| {fmt} | {n:,} | {before['seconds']:.2f} | {after['seconds']:.2f} | {ratio:.2f} "
            f"| {before['peak_mb']:.0f} | {after['peak_mb']:.0f} |"
        )
    return "\n".join([*lines, END])


def write_section(text: str) -> None:
    results = HERE / "results.md"
    current = results.read_text(encoding="utf-8")
    if START in current:
        head, rest = current.split(START, 1)
        current = head + text + rest.split(END, 1)[1]
    else:
        current = current.rstrip("\n") + "\n\n" + text + "\n"
    results.write_text(current, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="the commit to compare with")
    parser.add_argument("--rows", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--write", action="store_true", help="write the table into bench/results.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="briefing-before-") as folder:
        before = Path(folder) / "tree"
        subprocess.run(["git", "worktree", "add", "--detach", str(before), args.before], cwd=ROOT, check=True)
        try:
            found = compare(before, args.rows, args.repeat, args.timeout)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(before)], cwd=ROOT, check=True)
    text = section(args.before, args.rows, args.repeat, found)
    print(text)
    if args.write:
        write_section(text)


if __name__ == "__main__":
    main()
