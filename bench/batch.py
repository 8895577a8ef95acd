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


def timed_build(specs: list[Path], jobs: int, out: Path) -> tuple[float, float, float, list[float]]:
    """Wall-clock seconds of one build, the processor seconds of it and its workers, and the peak
    resident memory (MB) of the build's own process and of each worker."""
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "briefing.cli", "build", *map(str, specs), "--jobs", str(jobs), "--out", str(out)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    # This checkout's briefing; the workers' high-water marks are read while they live.
    build = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=HERE.parent)
    peaks: dict[int, float] = {}
    while build.poll() is None:
        for pid in [build.pid, *_children(build.pid)]:
            peak = _peak_mb(pid)
            if peak is not None:
                peaks[pid] = max(peaks.get(pid, 0.0), peak)
        time.sleep(0.02)
    wall = time.perf_counter() - started
    if build.returncode:
        raise SystemExit(f"the build failed: {' '.join(command)}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, used, peaks.pop(build.pid, 0.0), list(peaks.values())


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _peak_mb(pid: int) -> float | None:
    """A process's peak resident memory so far (VmHWM), in MB; None once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    line = next((line for line in status.splitlines() if line.startswith("VmHWM:")), None)
    return int(line.split()[1]) / 1024 if line else None


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
        memory: dict[int, list[tuple[float, float]]] = {jobs: [] for jobs in args.jobs}
        for _ in range(args.rounds):
            for jobs in args.jobs:
                wall, used, main_peak, workers = timed_build(specs, jobs, Path(folder) / "out")
                times[jobs].append(wall)
                cpu[jobs].append(used)
                memory[jobs].append((main_peak, max(workers, default=0.0)))
    base = statistics.median(times[args.jobs[0]])
    base_cpu = statistics.median(cpu[args.jobs[0]])
    rows = [
        f"| {jobs} | {statistics.median(t):.2f} | {base / statistics.median(t):.2f}x | "
        f"{statistics.median(cpu[jobs]):.2f} | {statistics.median(cpu[jobs]) / base_cpu:.2f}x | "
        f"{max(m for m, _ in memory[jobs]):.0f} | "
        + (f"{max(w for _, w in memory[jobs]):.0f} |" if jobs > 1 else "– |")
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
            "Memory is the peak resident memory of the build's own process and of its largest worker, the",
            "highest of the rounds; a forked worker's pages shared with the build count in both.",
            "",
            f"| jobs | seconds | speed-up over --jobs {args.jobs[0]} | processor seconds | processor time over --jobs "
            f"{args.jobs[0]} | build MB | worker MB |",
            "|---:|---:|---:|---:|---:|---:|---:|",
            *rows,
            END,
        ]
    )
    print(section)
    sections.record(section, START, END)


if __name__ == "__main__":
    main()
