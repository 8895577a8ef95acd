"""Batch benchmark: a heavy day's batch built with --jobs 1, --jobs 2 and on a Dask cluster, side by side.

    python bench/batch.py                          # 40 packs, each with a 20,000-row annex, every format
    python bench/batch.py --check                  # the same; 1 if --jobs 2 is under 1.8x --jobs 1
    python bench/batch.py --rows 0 --rounds 3      # 40 copies of the showcase alone (the light batch)
    python bench/batch.py --specs 8 --rows 5000    # a quick look
    python bench/batch.py --specs 10 --together    # on a busy machine: the ways at once, processor times compared

Each build runs `briefing build` in a child process, as a user would, with SOURCE_DATE_EPOCH set;
rounds alternate the ways of building so that a noisy machine hurts them alike. The Dask cluster is
a scheduler and two single-threaded workers (`dask scheduler`, `dask worker --no-nanny`) started
here, in a folder of their own and without SOURCE_DATE_EPOCH; its files are compared with --jobs 1's
byte for byte, as are --jobs 2's. The medians go into bench/results.md, under "Batch builds".

One more way is what the machine itself allows: two `--jobs 1` builds started together, each of half
the specs, into folders of their own. Nothing is shared between them, so their speed-up over one
`--jobs 1` build is what this machine's two cores give this very work with no coordination at all;
--jobs 2 is reported against it too. On a shared virtual machine the two cores are rarely as fast
as one alone.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import annex  # noqa: E402  (bench/ is put on the path above)
import sections  # noqa: E402

SPECS = HERE.parent / "specs"
START, END = "<!-- batch:start -->", "<!-- batch:end -->"
EPOCH = "1764547200"
TARGET = 1.8
"""--jobs 2 over --jobs 1, for the heavy batch."""
HALVES = "halves"
"""The way of two --jobs 1 builds of half the batch each, started together."""
ANNEX = """  - heading: Annex
    content:
      - table:
          title: Incidents recorded
          source: data/annex.csv
"""


def make_specs(folder: Path, count: int, rows: int) -> list[Path]:
    """``count`` specs: copies of the showcase (with its picture), each with its own title and, with
    ``rows``, an annex of that many rows read from a CSV file of 8 mixed columns beside them."""
    shutil.copytree(SPECS / "images", folder / "images")
    text = (SPECS / "showcase.yaml").read_text(encoding="utf-8")
    if rows:
        (folder / "data").mkdir()
        annex.write_csv(folder / "data" / "annex.csv", rows, 8)
        text = text.rstrip("\n") + "\n" + ANNEX
    paths = []
    for n in range(count):
        path = folder / f"brief{n:03d}.yaml"
        path.write_text(text.replace("title: ", f"title: Brief {n} ", 1), encoding="utf-8")
        paths.append(path)
    return paths


@dataclass
class Measured:
    """One build: wall-clock seconds, processor seconds of the build's own process, of each worker and
    of all of them together, and the peak resident memory (MB) of the build and of each worker."""

    wall: float
    own_cpu: float
    cpu: float
    build_mb: float
    workers_mb: list[float]
    workers_cpu: list[float]


def timed_build(specs: list[Path], jobs: int, out: Path, cluster: tuple[str, list[int]] | None = None) -> Measured:
    """A build in a child process; with ``cluster`` (its scheduler's address and its workers' pids), on Dask,
    whose workers are not the build's children: their processor time is what they used during the build."""
    shutil.rmtree(out, ignore_errors=True)
    scheduler, dask_pids = cluster or (None, [])
    dask_before = [_cpu(pid) or 0.0 for pid in dask_pids]
    where = ["--scheduler", scheduler] if scheduler else ["--jobs", str(jobs)]
    command = [sys.executable, "-m", "briefing.cli", "build", *map(str, specs), *where, "--out", str(out)]
    started = time.perf_counter()
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    log = tempfile.TemporaryFile()
    build = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log, cwd=HERE.parent, env=env)
    peaks: dict[int, float] = {}
    used_by: dict[int, float] = {}
    own = 0.0
    while (ended := os.wait4(build.pid, os.WNOHANG))[0] == 0:  # its own usage and its workers', alone
        own = _cpu(build.pid) or own
        for pid in [build.pid, *_children(build.pid)]:
            peak, cpu = _peak_mb(pid), _cpu(pid)
            if peak is not None:
                peaks[pid] = max(peaks.get(pid, 0.0), peak)
            if cpu is not None:
                used_by[pid] = cpu
        time.sleep(0.02)
    wall = time.perf_counter() - started
    build.returncode = os.waitstatus_to_exitcode(ended[1])
    if build.returncode:
        log.seek(0)
        raise SystemExit(f"the build failed: {' '.join(command)}\n{log.read().decode()}")
    used = ended[2].ru_utime + ended[2].ru_stime
    build_mb = peaks.pop(build.pid, 0.0)
    used_by.pop(build.pid, None)
    if dask_pids:
        workers_cpu = [(_cpu(pid) or 0.0) - was for pid, was in zip(dask_pids, dask_before, strict=True)]
        workers_mb = [_peak_mb(pid) or 0.0 for pid in dask_pids]
        return Measured(wall, own, used + sum(workers_cpu), build_mb, workers_mb, workers_cpu)
    return Measured(wall, own, used, build_mb, list(peaks.values()), list(used_by.values()))


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


def _cpu(pid: int) -> float | None:
    """Processor seconds a process has used so far (its own, not its children's); None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def dask_cluster(folder: Path) -> Iterator[tuple[str, list[int]]]:
    """A scheduler and two single-threaded workers on this machine: its address and the workers' pids."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": folder, "env": env}
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", str(port),
         "--no-dashboard"], **quiet)  # fmt: skip
    worker = [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1", "--no-nanny",
              "--no-dashboard", "--memory-limit", "0", "--local-directory", str(folder)]  # fmt: skip
    # Dask's statistical profiler samples the task's stack every 10 ms: 9% of a pack's processor time here.
    profiler_off = {**env, "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False"}
    workers = [subprocess.Popen(worker, **{**quiet, "env": profiler_off}) for _ in range(2)]
    try:
        from distributed import Client

        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
        yield address, [w.pid for w in workers]
    finally:
        for process in [*workers, scheduler]:
            process.terminate()
        for process in [*workers, scheduler]:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:  # a busy machine: none is left running
                process.kill()
                process.wait()


def differing(a: Path, others: list[Path]) -> list[str]:
    """The files that differ between folder ``a`` and the ``others`` together, or are on one side alone."""
    ours = {p.name: p for p in a.iterdir() if not p.name.startswith(".")}  # not .packs/
    theirs = {p.name: p for folder in others for p in folder.iterdir() if not p.name.startswith(".")}
    return [
        name
        for name in sorted(ours.keys() | theirs.keys())
        if name not in ours or name not in theirs or not filecmp.cmp(ours[name], theirs[name], shallow=False)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--specs", type=int, default=40)
    parser.add_argument("--rows", type=int, default=20_000, help="rows of each pack's annex (0: none)")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--no-dask", action="store_true", help="leave the Dask cluster out")
    parser.add_argument("--check", action="store_true", help=f"exit 1 if --jobs 2 is under {TARGET}x --jobs 1")
    parser.add_argument(
        "--together",
        action="store_true",
        help="start the ways at the same time, so that a busy machine's load weighs on each alike: "
        "their processor times compare, their seconds do not",
    )
    args = parser.parse_args()
    ways = ["1", "2", HALVES] if args.no_dask else ["1", "2", "dask", HALVES]
    runs: dict[str, list[Measured]] = {way: [] for way in ways}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "desk").mkdir()
        (root / "workers").mkdir()
        specs = make_specs(root / "desk", args.specs, args.rows)
        with dask_cluster(root / "workers") if not args.no_dask else _none() as (address, pids):
            for _ in range(args.rounds):
                builds = {way: partial(build_way, way, specs, root, (address, pids)) for way in ways}
                if args.together:
                    with ThreadPoolExecutor(len(ways)) as threads:
                        started = {way: threads.submit(build) for way, build in builds.items()}
                        done = {way: future.result() for way, future in started.items()}
                else:
                    done = {way: build() for way, build in builds.items()}
                for way, measured in done.items():
                    runs[way].append(measured)
        differ = {way: differing(root / "out-1", folders(root / f"out-{way}", way)) for way in ways[1:]}
        for way, names in differ.items():
            if names:
                print(f"{way}: {len(names)} files differ from --jobs 1's: {', '.join(names[:8])}", file=sys.stderr)
        identical = {way: not names for way, names in differ.items()}
    section, speed_up = report(args, runs, identical)
    print(section)
    sections.record(section, START, END)
    if args.check and (speed_up < TARGET or not all(identical.values())):
        print(f"bench/batch.py: --jobs 2 is {speed_up:.2f}x --jobs 1 (target {TARGET}x); identical: {identical}")
        return 1
    return 0


def build_way(way: str, specs: list[Path], root: Path, cluster: tuple[str, list[int]]) -> Measured:
    """One build of the batch: with --jobs 1, --jobs 2, on the Dask cluster, or as two halves at once."""
    if way == "dask":
        return timed_build(specs, 2, root / "out-dask", cluster)
    if way == HALVES:
        return halves(specs, root / f"out-{way}")
    return timed_build(specs, int(way), root / f"out-{way}")


def halves(specs: list[Path], out: Path) -> Measured:
    """Two --jobs 1 builds started together, half the specs each, into ``out``-a and ``out``-b:
    seconds until both are done, processor time of both."""
    middle = len(specs) // 2
    parts = list(zip([specs[:middle], specs[middle:]], folders(out, HALVES), strict=True))
    with ThreadPoolExecutor(2) as threads:
        a, b = threads.map(lambda part: timed_build(part[0], 1, part[1]), parts)
    return Measured(max(a.wall, b.wall), a.own_cpu + b.own_cpu, a.cpu + b.cpu, max(a.build_mb, b.build_mb), [], [])


def folders(out: Path, way: str) -> list[Path]:
    """The folders a way's files are in: two for the halves, one for the others."""
    return [out.with_name(f"{out.name}-a"), out.with_name(f"{out.name}-b")] if way == HALVES else [out]


@contextmanager
def _none() -> Iterator[tuple[None, list[int]]]:
    yield None, []


LABELS = {"dask": "Dask: scheduler + 2 workers", HALVES: "2 × --jobs 1 at once, half the specs each"}


def report(args: argparse.Namespace, runs: dict[str, list[Measured]], identical: dict[str, bool]) -> tuple[str, float]:
    def median(way: str, what: str) -> float:
        return statistics.median(getattr(m, what) for m in runs[way])

    def middle(way: str) -> Measured:
        """The round of median seconds, whose workers are shown one by one."""
        return sorted(runs[way], key=lambda m: m.wall)[(len(runs[way]) - 1) // 2]

    base, base_cpu = median("1", "wall"), median("1", "cpu")
    rows = []
    for way in runs:
        label = LABELS.get(way, f"--jobs {way}")
        shown = middle(way)
        workers_cpu = " + ".join(f"{w:.1f}" for w in sorted(shown.workers_cpu, reverse=True)) or "–"
        workers_mb = ", ".join(f"{w:.0f}" for w in sorted(shown.workers_mb, reverse=True)) or "–"
        # What two idle cores would allow: twice --jobs 1's processor time over this way's, all processes counted.
        bound = "–" if way == "1" else f"{2 * base_cpu / median(way, 'cpu'):.2f}x"
        same = "–" if way == "1" else ("yes" if identical[way] else "**no**")
        rows.append(
            f"| {label} | {median(way, 'wall'):.1f} | {base / median(way, 'wall'):.2f}x | {bound} | "
            f"{median(way, 'own_cpu'):.1f} | {workers_cpu} | {median(way, 'cpu'):.1f} | "
            f"{max(m.build_mb for m in runs[way]):.0f} | {workers_mb} | {same} |"
        )
    speed_up = base / median("2", "wall")
    ceiling = base / median(HALVES, "wall")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    batch = (
        f"{args.specs} copies of `specs/showcase.yaml`, each with an annex of {args.rows:,} rows "
        "(a CSV file of 8 mixed columns)"
        if args.rows
        else f"{args.specs} copies of `specs/showcase.yaml`"
    )
    met = "met" if speed_up >= TARGET else "**not met**"
    if args.together:  # the ways shared the machine with each other: their seconds say nothing of speed
        met = "not judged, the ways ran at the same time (--together)"
    share = {way: median(way, "cpu") / median(way, "wall") for way in runs}
    together = " --together" if args.together else ""
    machine = platform.processor() or platform.machine()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    section = "\n".join(
        [
            START,
            "## Batch builds",
            "",
            f"{batch}, all four formats; `python bench/batch.py --specs {args.specs} --rows {args.rows} "
            f"--rounds {args.rounds}{together}` (median of the rounds) on {machine}, "
            f"{cores} cores shared with other work (load average {load:.1f} at the end). Target: --jobs 2 at least "
            f"{TARGET}x --jobs 1 in seconds: {met} ({speed_up:.2f}x). Two --jobs 1 builds of half the specs each,",
            f"started together and sharing nothing, were {ceiling:.2f}x one --jobs 1 build: what this machine's two",
            f"cores gave this work with no coordination, in that run; --jobs 2 reached {speed_up / ceiling:.0%} of it.",
            "",
            "'build CPU' is the processor time of the `briefing build` process itself: reading every spec and",
            "its data, sending the tasks and writing the files that come back, the part no worker takes;",
            "'workers' CPU' is each worker's (local workers are the build's children; a Dask worker's is what",
            "it used while the build ran); 'all CPU' is the build's and its workers' together (not the Dask",
            "scheduler's). 'at most on 2 idle cores' is twice --jobs 1's processor time over that way's: the",
            "speed-up the work allows when nothing else runs, whatever the machine's load was. Memory is peak",
            "resident memory: of the build's own process, and of each worker (a Dask worker's over its life).",
            "'identical' compares every file, manifests included, with --jobs 1's, byte for byte.",
            "",
            "The builds had " + ", ".join(f"{share[way]:.2f}" for way in runs) + " of a core on average "
            "(processor seconds over seconds, in the order of the table): below 1 and 2, the rest of the",
            "machine was busy with other work, which a ratio of seconds measures too.",
            "",
            "| built with | seconds | speed-up over --jobs 1 | at most on 2 idle cores | build CPU s | workers' CPU s "
            "| all CPU s | build MB | workers' MB | identical |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
            *rows,
            END,
        ]
    )
    return section, speed_up


if __name__ == "__main__":
    sys.exit(main())
