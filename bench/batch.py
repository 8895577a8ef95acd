"""Batch benchmark: 40 specs built with --jobs 1 and --jobs 2, side by side in one run.

    python bench/batch.py                 # 40 specs, 3 rounds
    python bench/batch.py --specs 80 --jobs 1 2 4

Each build runs `briefing build` in a child process, as a user would; rounds
alternate the job counts so that a noisy machine hurts them alike. The median
of each is printed and written into bench/results.md, under "Batch builds".
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sections

HERE = Path(__file__).resolve().parent
SPECS = HERE.parent / "specs"
START, END = "<!-- batch:start -->", "<!-- batch:end -->"


def make_specs(folder: Path, count: int) -> list[Path]:
    """``count`` specs: copies of the showcase (with its picture), each with its own title."""
    shutil.copytree(SPECS / "images", folder / "images")
    text = (SPECS / "showcase.yaml").read_text(encoding="utf-8")
    paths = []
    for n in range(count):
        path = folder / f"brief{n:03d}.yaml"
        path.write_text(text.replace("title: ", f"title: Brief {n} ", 1), encoding="utf-8")
        paths.append(path)
    return paths


def timed_build(specs: list[Path], jobs: int, out: Path) -> tuple[float, float]:
    """Wall-clock seconds of one build, and the processor seconds of it and its workers."""
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "briefing.cli", "build", *map(str, specs), "--jobs", str(jobs), "--out", str(out)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=HERE.parent)  # this checkout's briefing
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--specs", type=int, default=40)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        specs = make_specs(Path(folder), args.specs)
        times: dict[int, list[float]] = {jobs: [] for jobs in args.jobs}
        cpu: dict[int, list[float]] = {jobs: [] for jobs in args.jobs}
        for _ in range(args.rounds):
            for jobs in args.jobs:
                wall, used = timed_build(specs, jobs, Path(folder) / "out")
                times[jobs].append(wall)
                cpu[jobs].append(used)
    base = statistics.median(times[args.jobs[0]])
    base_cpu = statistics.median(cpu[args.jobs[0]])
    rows = [
        f"| {jobs} | {statistics.median(t):.2f} | {base / statistics.median(t):.2f}x | "
        f"{statistics.median(cpu[jobs]):.2f} | {statistics.median(cpu[jobs]) / base_cpu:.2f}x |"
        for jobs, t in times.items()
    ]
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    section = "\n".join(
        [
            START,
            "## Batch builds",
            "",
            f"{args.specs} copies of `specs/showcase.yaml`, all four formats, `briefing build --jobs N`; "
            f"median of {args.rounds} rounds on {platform.processor() or platform.machine()}, {cores} cores, "
            f"with `python bench/batch.py`.",
            "",
            "Processor seconds add up the build and its workers: work that two processes do more slowly than one",
            "(sharing the machine's caches and memory bus, starting and feeding the workers) shows there.",
            "",
            f"| jobs | seconds | speed-up over --jobs {args.jobs[0]} | processor seconds | processor time over --jobs "
            f"{args.jobs[0]} |",
            "|---:|---:|---:|---:|---:|",
            *rows,
            END,
        ]
    )
    print(section)
    sections.record(section, START, END)


if __name__ == "__main__":
    main()
