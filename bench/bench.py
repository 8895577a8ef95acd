"""Big-table benchmark: briefing's writers against the textbook ways, side by side in one run.

    python bench/bench.py                      # 1,000 and 5,000 rows
    python bench/bench.py --rows 1000 5000 20000 100000 --inline 50000

Each case runs in a fresh child process, which reports its time and its peak
memory above the interpreter's baseline (after imports). A case that runs
longer than --timeout is stopped and reported as such. ``--inline N`` also
times loading a spec with an N-row table written in the YAML, beside writing it.
Results are printed and written to bench/results.md with a description of the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the checkout this script is in, whatever else is installed
sys.path.insert(0, str(HERE))
import sections  # noqa: E402  (bench/ is put on the path above)

COLUMNS = ("Incident", "Count", "Score", "Verified", "Date", "Region", "Note", "Ref")


def rows(n: int, first: int = 0) -> list[tuple]:
    """Rows ``first`` up to ``n`` of the benchmark's table."""
    start = dt.date(2026, 1, 1)
    return [
        (f"Incident {i}", i, i * 1.5, i % 2 == 0, start + dt.timedelta(days=i % 300), f"Region {i % 7}",
         None if i % 5 else "checked", f"R-{i:06d}")
        for i in range(first, n)
    ]  # fmt: skip


def _text(value) -> str:
    return "" if value is None else str(value)


# -- the cases, each run in its own process -----------------------------------


def briefing_case(fmt: str, n: int, out: Path) -> None:
    from briefing.model import Briefing, Section, Table
    from briefing.reading.inline import parse_inline
    from briefing.registry import get

    doc = Briefing("Annex", (Section(parse_inline("Log"), (Table(COLUMNS, tuple(rows(n)), "Log"),)),))
    get(fmt).write(doc, out)


def inline_spec(n: int) -> str:
    """A spec whose table of n rows is written in the YAML itself."""

    def value(v) -> str:
        if v is None:
            return "null"
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float, dt.date)):
            return str(v)
        return json.dumps(v)

    lines = ["title: Annex", "sections:", "  - heading: Log", "    content:", "      - table:", "          title: Log",
             f"          columns: [{', '.join(COLUMNS)}]", "          rows:"]  # fmt: skip
    lines += [f"            - [{', '.join(value(v) for v in r)}]" for r in rows(n)]
    return "\n".join(lines) + "\n"


def loader_case(n: int, out: Path) -> None:
    from briefing.reading.loader import load

    spec = out.with_suffix(".yaml")
    spec.write_text(inline_spec(n))
    start = time.perf_counter()
    doc = load(spec)
    out.write_text(json.dumps({"seconds": time.perf_counter() - start}))  # the load alone, not the writing above
    assert len(doc.sections[0].content[0].rows) == n


def docx_textbook(n: int, out: Path) -> None:
    import docx

    document = docx.Document()
    table = document.add_table(rows=1, cols=len(COLUMNS))
    for cell, name in zip(table.rows[0].cells, COLUMNS, strict=True):
        cell.text = name
    for values in rows(n):
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = _text(value)
    document.save(str(out))


def docx_lxml(n: int, out: Path) -> None:
    import docx
    from docx.oxml.ns import qn
    from lxml import etree

    document = docx.Document()
    tbl = document.add_table(rows=0, cols=len(COLUMNS))._tbl
    for values in [COLUMNS, *rows(n)]:
        tr = etree.SubElement(tbl, qn("w:tr"))
        for value in values:
            tc = etree.SubElement(tr, qn("w:tc"))
            etree.SubElement(etree.SubElement(tc, qn("w:tcPr")), qn("w:tcW")).set(qn("w:type"), "auto")
            t = etree.SubElement(etree.SubElement(etree.SubElement(tc, qn("w:p")), qn("w:r")), qn("w:t"))
            t.text = _text(value)
    document.save(str(out))


def pdf_longtable(n: int, out: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import LongTable, SimpleDocTemplate

    data = [list(COLUMNS), *([_text(v) for v in r] for r in rows(n))]
    SimpleDocTemplate(str(out), pagesize=A4).build([LongTable(data, repeatRows=1)])


def xlsx_normal(n: int, out: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMNS))
    for values in rows(n):
        sheet.append(list(values))
    workbook.save(out)


def xlsx_write_only(n: int, out: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Log")
    sheet.append(list(COLUMNS))
    for values in rows(n):
        sheet.append(list(values))
    workbook.save(out)


def pandoc_case(n: int, out: Path) -> None:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(_text(v) for v in r) + " |" for r in rows(n)]
    source = out.with_suffix(".md")
    source.write_text("\n".join(lines) + "\n")
    subprocess.run(["pandoc", str(source), "-o", str(out)], check=True)


CASES = {
    ("docx", "briefing"): lambda n, out: briefing_case("docx", n, out),
    ("docx", "python-docx add_row"): docx_textbook,
    ("docx", "lxml rows"): docx_lxml,
    ("docx", "pandoc"): pandoc_case,
    ("pdf", "briefing"): lambda n, out: briefing_case("pdf", n, out),
    ("pdf", "reportlab LongTable"): pdf_longtable,
    ("xlsx", "briefing"): lambda n, out: briefing_case("xlsx", n, out),
    ("xlsx", "openpyxl normal"): xlsx_normal,
    ("xlsx", "openpyxl write_only"): xlsx_write_only,
    ("yaml", "briefing loader"): loader_case,
}
TEXTBOOK = {"docx": "python-docx add_row", "pdf": "reportlab LongTable", "xlsx": "openpyxl normal"}
"""The obvious way for each format, which a whole pack built the textbook way adds up."""


def child(fmt: str, name: str, n: int) -> None:
    """Run one case and print its time and peak memory as JSON."""
    import docx  # noqa: F401  imported before the baseline is taken, for every case alike
    import openpyxl  # noqa: F401
    import reportlab.platypus  # noqa: F401

    import briefing.writers.docx.writer  # noqa: F401
    import briefing.writers.pdf.writer  # noqa: F401
    import briefing.writers.xlsx.writer  # noqa: F401

    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"bench.{fmt}"
        start, processor = time.perf_counter(), time.process_time()
        CASES[(fmt, name)](n, out)
        seconds, processor = time.perf_counter() - start, time.process_time() - processor
        if fmt == "yaml":
            seconds = json.loads(out.read_text())["seconds"]
    peak_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - baseline) / 1024
    if name == "pandoc":  # pandoc runs in a process of its own: its peak is all its own
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpu": processor, "peak_mb": peak_mb}))


MEMORY_TARGETS = {"docx": 300.0, "pdf": 150.0, "xlsx": 60.0}
"""Peak MB above the baseline each writer may take for a table of CHECK_ROWS rows, model included (--check)."""
CHECK_ROWS = 100_000
SPEED_TARGETS = {"pdf": 3.5}
"""How many times faster than its textbook way (TEXTBOOK) each writer must write a table of SPEED_ROWS rows
(--check), in processor time, the two taking turns in one run, the fastest of SPEED_REPEAT runs of each kept."""
SPEED_ROWS = 10_000
SPEED_REPEAT = 3

REPEAT_UNDER = 60.0
"""A case is repeated (--repeat) only while its runs add up to less than this many seconds:
a minute-long run is not thrown off by a moment of noise, a one-second run is."""


def measure(fmt: str, name: str, n: int, timeout: float, repeat: int = 1) -> dict | None:
    """Fastest time and largest peak memory of up to ``repeat`` runs of one case; None if it cannot run
    here, seconds None if it timed out."""
    if name == "pandoc" and not shutil.which("pandoc"):
        return None
    command = [sys.executable, __file__, "--child", fmt, name, str(n)]
    runs: list[dict] = []
    while len(runs) < repeat and sum(r["seconds"] for r in runs) < REPEAT_UNDER:
        try:
            result = subprocess.run(command, capture_output=True, text=True, check=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return {"seconds": None, "cpu": None, "peak_mb": None}
        runs.append(json.loads(result.stdout.strip().splitlines()[-1]))
    return {key: min(r[key] for r in runs) for key in ("seconds", "cpu")} | {"peak_mb": max(r["peak_mb"] for r in runs)}


def row_of(fmt: str, name: str, n: int, found: dict, ours: dict, timeout: float) -> str:
    if found["seconds"] is None:
        return f"| {fmt} | {name} | {n:,} | stopped after {timeout:g} s | | |"
    ratio = found["seconds"] / ours["seconds"] if ours["seconds"] else float("nan")
    return f"| {fmt} | {name} | {n:,} | {found['seconds']:.2f} | {found['peak_mb']:.0f} | {ratio:.2f} |"


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())  # fmt: skip
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--inline", type=int, default=0, metavar="N", help="time loading an N-row inline table")
    parser.add_argument("--timeout", type=float, default=900, help="seconds a case may run (default 900)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each case, the fastest kept (default 1)")
    parser.add_argument(
        "--check",
        action="store_true",
        help=f"only check each writer's memory at {CHECK_ROWS:,} rows and speed against the textbook way at "
        f"{SPEED_ROWS:,}; 1 if one misses its target",
    )
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        fmt, name, n = args.child
        child(fmt, name, int(n))
        return
    if args.check:
        sys.exit(check(args.timeout))
    lines = [
        "# Big-table benchmark",
        "",
        f"Run {dt.date.today().isoformat()} on {machine()}, with `python bench/bench.py --rows "
        f"{' '.join(map(str, args.rows))}{f' --inline {args.inline}' if args.inline else ''}"
        f"{f' --repeat {args.repeat}' if args.repeat > 1 else ''} --timeout {args.timeout:g}`. "
        "Tables of 8 mixed columns; each case in its own process,",
        "memory is the peak above the interpreter's baseline after imports. Ratios are to briefing in the same run.",
        *(
            [
                f"Each case ran {args.repeat} times (once, when its first runs took a minute or more); "
                "the fastest time is shown, as the one least disturbed by other work on this shared machine."
            ]
            if args.repeat > 1
            else []
        ),
        "",
        "| format | way | rows | seconds | peak MB | time / briefing |",
        "|---|---|---:|---:|---:|---:|",
    ]
    packs = []
    for n in args.rows:
        seconds: dict[tuple[str, str], float] = {}
        for fmt in ("docx", "pdf", "xlsx"):
            ours = measure(fmt, "briefing", n, args.timeout, args.repeat)
            for case_fmt, name in CASES:
                if case_fmt != fmt:
                    continue
                found = ours if name == "briefing" else measure(fmt, name, n, args.timeout, args.repeat)
                if found is None or ours is None:
                    continue
                seconds[(fmt, name)] = found["seconds"]
                row = row_of(fmt, name, n, found, ours, args.timeout)
                print(row, flush=True)
                lines.append(row)
        if all(seconds.get(item) is not None for item in [*TEXTBOOK.items(), *((f, "briefing") for f in TEXTBOOK)]):
            ours_total = sum(seconds[(fmt, "briefing")] for fmt in TEXTBOOK)
            textbook_total = sum(seconds[item] for item in TEXTBOOK.items())
            packs.append(f"| {n:,} | {ours_total:.2f} | {textbook_total:.2f} | {textbook_total / ours_total:.2f}x |")
        else:
            packs.append(f"| {n:,} | | | a textbook case was stopped |")
    lines += [
        "",
        "Whole pack (docx, pdf and xlsx of the same table), added up from the cases above:",
        "",
        "| rows | briefing s | textbook s | briefing is faster by |",
        "|---:|---:|---:|---:|",
        *packs,
    ]
    print("\n".join(lines[-len(packs) - 4 :]), flush=True)
    if args.inline:
        lines += inline_section(args.inline, args.timeout, args.repeat)
    results = HERE / "results.md"
    previous = results.read_text() if results.exists() else ""
    # The batch benchmark's section (bench/batch.py) is kept as it was.
    kept = previous[previous.index("<!-- batch:start -->") :] if "<!-- batch:start -->" in previous else ""
    results.write_text("\n".join(lines) + "\n" + ("\n" + kept if kept else ""))


def check(timeout: float) -> int:
    """Each writer's peak memory at CHECK_ROWS rows against its target, and its speed at SPEED_ROWS rows against
    the textbook way's; 1 when any misses (a regression guard). The figures go into bench/results.md."""
    lines, missed = [], 0
    for fmt, limit in MEMORY_TARGETS.items():
        found = measure(fmt, "briefing", CHECK_ROWS, timeout)
        peak = found["peak_mb"] if found else None
        ok = peak is not None and peak <= limit
        shown = "timed out | " if peak is None else f"{found['seconds']:.2f} s | {peak:.0f} MB"  # type: ignore[index]
        lines.append(f"| {fmt} | {CHECK_ROWS:,} | {shown} | ≤ {limit:.0f} MB | {'yes' if ok else 'NO'} |")
        missed += not ok
    for fmt, times in SPEED_TARGETS.items():
        ours, theirs = side_by_side(fmt, SPEED_ROWS, timeout, SPEED_REPEAT)
        ratio = theirs["cpu"] / ours["cpu"]
        ok = ratio >= times
        lines.append(
            f"| {fmt} | {SPEED_ROWS:,} | {ours['seconds']:.2f} s ({ours['cpu']:.2f} s processor) | "
            f"{ours['peak_mb']:.0f} MB | {TEXTBOOK[fmt]} {theirs['seconds']:.2f} s ({theirs['cpu']:.2f} s processor): "
            f"{ratio:.2f}x in processor time, {theirs['seconds'] / ours['seconds']:.2f}x in seconds (≥ {times:g}x) | "
            f"{'yes' if ok else 'NO'} |"
        )
        missed += not ok
    print("\n".join(lines), flush=True)
    sections.record(
        "\n".join(
            [
                CHECK_START,
                "## Targets (`python bench/bench.py --check`)",
                "",
                f"Run {dt.date.today().isoformat()} on {machine()}. Each writer's table of {CHECK_ROWS:,} rows against"
                " its memory target; at",
                f"{SPEED_ROWS:,} rows, briefing and the textbook way taking turns, {SPEED_REPEAT} runs each, the "
                "fastest kept. The speed target holds",
                "their processor times: each runs in one thread, and on a machine shared with other work its seconds",
                "depend on what else runs at that moment far more than its processor time does.",
                "",
                "| format | rows | seconds | peak MB | target | met |",
                "|---|---:|---:|---:|---|---|",
                *lines,
                CHECK_END,
            ]
        ),
        CHECK_START,
        CHECK_END,
    )
    return 1 if missed else 0


CHECK_START, CHECK_END = "<!-- check:start -->", "<!-- check:end -->"


def side_by_side(fmt: str, n: int, timeout: float, repeat: int) -> tuple[dict, dict]:
    """briefing's writer and the textbook way for ``fmt`` taking turns, ``repeat`` runs each: the fastest
    of each (seconds and processor seconds), so that whatever else the machine does weighs on both alike."""
    runs: dict[str, list[dict]] = {"briefing": [], TEXTBOOK[fmt]: []}
    for _ in range(repeat):
        for name, found in runs.items():
            one = measure(fmt, name, n, timeout)
            if one is None or one["seconds"] is None:
                raise SystemExit(f"{fmt} {name} at {n:,} rows ran over {timeout:g} s")
            found.append(one)
    best = [
        {key: min(r[key] for r in found) for key in ("seconds", "cpu")} | {"peak_mb": max(r["peak_mb"] for r in found)}
        for found in runs.values()
    ]
    return best[0], best[1]


def inline_section(n: int, timeout: float, repeat: int) -> list[str]:
    """Loading a spec with an n-row inline table, beside each writer writing that table."""
    load = measure("yaml", "briefing loader", n, timeout, repeat)
    assert load is not None and load["seconds"] is not None
    lines = [
        "",
        f"Parsing: a spec with a {n:,}-row table written inline in the YAML. The loader's time (libyaml's parser",
        f"{'present' if _with_libyaml() else 'absent'}) beside each writer's for the same table:",
        "",
        "| step | seconds | loader / step |",
        "|---|---:|---:|",
        f"| loader | {load['seconds']:.2f} | 1.00 |",
    ]
    for fmt in ("docx", "pdf", "xlsx"):
        found = measure(fmt, "briefing", n, timeout, repeat)
        assert found is not None and found["seconds"] is not None
        lines.append(f"| {fmt} writer | {found['seconds']:.2f} | {load['seconds'] / found['seconds']:.2f} |")
    print("\n".join(lines), flush=True)
    return lines


def _with_libyaml() -> bool:
    import yaml

    return bool(yaml.__with_libyaml__)


if __name__ == "__main__":
    main()
