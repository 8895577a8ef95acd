"""Start-up benchmark: processor seconds of whole `briefing` processes, beside bare Python in the same run.

    python bench/startup.py                # fastest of 7 rounds, printed and written to bench/results.md
    python bench/startup.py --repeat 15    # more rounds on a busy machine
    python bench/startup.py --check        # 1 if a case is over its target
    python bench/startup.py --against /tmp/old   # also an earlier checkout's briefing (git worktree or archive)

Each case is one child process, as a user starts it; its processor time is the user and system time
the operating system counts for it (getrusage of the finished child), the fastest of the rounds.
Rounds alternate the cases, so that a noisy machine hurts them alike, and the bare interpreter
(`python -c pass`) and python-docx alone (`python -c "import docx"`) run in the same rounds, for
comparison. The seed pack (specs/mali-russia.yaml) is built into a temporary folder with
SOURCE_DATE_EPOCH set. Compiled bytecode is kept in a temporary cache (PYTHONPYCACHEPREFIX), and the
fonts' metrics in a temporary XDG_CACHE_HOME, both filled by a first round that is not counted, as an
installed package has its bytecode compiled and a user's second build finds the metrics kept.
With ``--against DIR`` the briefing cases also run from an earlier checkout (its ``briefing`` package
first on the module path), in the same rounds.

One more case is the floor under the four-format build: the libraries it loads (every module a
first four-format build had loaded when it ended, but briefing's own), imported alone in the order
that build imported them. What the build takes above that floor is briefing's own code and work.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

import sections

HERE = Path(__file__).resolve().parent
SEED = HERE.parent / "specs" / "mali-russia.yaml"
START, END = "<!-- startup:start -->", "<!-- startup:end -->"
BRIEFING = "import sys; from briefing.cli import main; sys.exit(main())"  # what the console script runs

LIBRARIES = "the libraries a four-format build loads, alone"
LOADED = "import atexit, sys; f = sys.argv.pop(1); atexit.register(lambda: open(f, 'w').write('\\n'.join(sys.modules)))"
"""Prepended to the console script's code: the modules a build had loaded when it ended, in import order."""
TARGETS = {"briefing --help": 0.15, "build seed pack, Word only": 0.35, "build seed pack, four formats": 0.6}
"""Processor seconds a case may take, fastest of the rounds."""


def cases(out: Path) -> dict[str, list[str]]:
    """The command line of each case."""
    python = sys.executable
    return {
        "python -c pass": [python, "-c", "pass"],
        'python -c "import docx"': [python, "-c", "import docx"],
        "briefing --help": [python, "-c", BRIEFING, "--help"],
        "build seed pack, Word only": [python, "-c", BRIEFING, "build", str(SEED), "-f", "docx", "-o", f"{out}/"],
        "build seed pack, four formats": [python, "-c", BRIEFING, "build", str(SEED), "-o", f"{out}/"],
    }


def libraries(folder: Path, four_formats: list[str], env: dict[str, str]) -> Path:
    """A script importing what a four-format build loads but briefing itself, in that build's order."""
    listed, script = folder / "loaded.txt", folder / "libraries.py"
    python, _, code, *arguments = four_formats
    subprocess.run(
        [python, "-c", f"{LOADED}; {code}", str(listed), *arguments], env=env, cwd=env["BENCH_CWD"], check=True
    )
    names = [n for n in listed.read_text().split("\n") if n.split(".")[0] not in {"briefing", "__main__"}]
    script.write_text(f"import importlib\nfor name in {names!r}:\n    importlib.import_module(name)\n")
    return script


def processor_seconds(command: list[str], env: dict[str, str]) -> float:
    """User and system seconds of one child process running ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    cwd = env["BENCH_CWD"]  # not the checkout: Python puts the working folder first on the module path
    subprocess.run(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(repeat: int, against: Path | None) -> dict[str, list[float]]:
    """Each case's processor seconds, one per round; with ``against``, the briefing cases of that checkout too."""
    with tempfile.TemporaryDirectory(prefix="briefing-startup-") as folder:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update(
            SOURCE_DATE_EPOCH="1700000000",
            PYTHONPYCACHEPREFIX=str(Path(folder) / "bytecode"),
            PYTHONPATH=str(HERE.parent),
            XDG_CACHE_HOME=str(Path(folder) / "cache"),  # the fonts' metrics, kept by the first round
            BENCH_CWD=folder,
        )
        runs = [(name, command, env) for name, command in cases(Path(folder) / "out").items()]
        runs.append((LIBRARIES, [sys.executable, str(libraries(Path(folder), runs[-1][1], env))], env))
        if against is not None:
            earlier = {**env, "PYTHONPATH": str(against.resolve())}
            runs += [(f"{name} ({against.name})", command, earlier) for name, command, _ in runs if name in TARGETS]
        for _, command, run_env in runs:  # bytecode compiled and cached, fonts read once: not counted
            processor_seconds(command, run_env)
        times: dict[str, list[float]] = {name: [] for name, _, _ in runs}
        for _ in range(repeat):
            for name, command, run_env in runs:
                times[name].append(processor_seconds(command, run_env))
        return times


def table(times: dict[str, list[float]]) -> list[str]:
    """The figures as a Markdown table: fastest and median, beside the bare interpreter and python-docx."""
    bare = min(times["python -c pass"])
    docx = min(times['python -c "import docx"'])
    rows = [
        "| case | fastest s | median s | over `python -c pass` | over `import docx` | target s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, seconds in times.items():
        fastest, median = min(seconds), sorted(seconds)[len(seconds) // 2]
        target = f"{TARGETS[name]:.2f}" if name in TARGETS else ""
        rows.append(
            f"| {name} | {fastest:.3f} | {median:.3f} | {fastest / bare:.1f}x | {fastest / docx:.1f}x | {target} |"
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7, help="rounds; each case's fastest is kept (default 7)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a case is over its target")
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/results.md as it is")
    parser.add_argument("--against", type=Path, metavar="DIR", help="an earlier checkout to time beside this one")
    args = parser.parse_args()
    times = measure(args.repeat, args.against)
    rows = table(times)
    print("\n".join(rows))
    floor = min(times[LIBRARIES])
    four = min(times["build seed pack, four formats"])
    share = (
        f"Of the four-format build's {four:.3f} s, the libraries it loads take {floor:.3f} s imported alone;"
        f" briefing's own code and its work take the other {four - floor:.3f} s."
    )
    print(share)
    if not args.no_write:
        load = os.getloadavg()[0]  # a shared machine: the figures of one run are compared with each other
        cores = f"{os.cpu_count()} cores (load average {load:.1f})"
        machine = f"{platform.machine()}, {cores}, Python {platform.python_version()}"
        command = f"python bench/startup.py --repeat {args.repeat}" + (
            f" --against {args.against}" if args.against else ""
        )
        section = "\n".join(
            [
                START,
                "## Start-up",
                "",
                f"Processor seconds (user + system) of whole processes, fastest of {args.repeat} rounds on {machine},"
                f" with `{command}`. The seed pack is `specs/mali-russia.yaml`; bytecode cached as installed.",
                "",
                *rows,
                "",
                share,
                END,
            ]
        )
        sections.record(section, START, END)
    over = [
        f"{name}: {min(times[name]):.3f} s > {limit} s" for name, limit in TARGETS.items() if min(times[name]) > limit
    ]
    for line in over:
        print(f"over target: {line}", file=sys.stderr)
    return 1 if args.check and over else 0


if __name__ == "__main__":
    sys.exit(main())
