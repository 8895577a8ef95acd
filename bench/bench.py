"""Big-table benchmark: briefing's writers against the textbook ways, side by side in one run.

    python bench/bench.py                      # 1,000 and 5,000 rows
    python bench/bench.py --rows 1000 5000 20000 100000

Each case runs in a fresh child process, which reports its time and its peak
memory above the interpreter's baseline (after imports). Results are printed
and written to bench/results.md with a description of the machine.
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
COLUMNS = ("Incident", "Count", "Score", "Verified", "Date", "Region", "Note", "Ref")


def rows(n: int) -> list[tuple]:
    start = dt.date(2026, 1, 1)
    return [
        (f"Incident {i}", i, i * 1.5, i % 2 == 0, start + dt.timedelta(days=i % 300), f"Region {i % 7}",
         None if i % 5 else "checked", f"R-{i:06d}")
        for i in range(n)
    ]  # fmt: skip


def _text(value) -> str:
    return "" if value is None else str(value)


# -- the cases, each run in its own process -----------------------------------


def briefing_case(fmt: str, n: int, out: Path) -> None:
    from briefing.inline import parse_inline
    from briefing.model import Briefing, Section, Table
    from briefing.registry import get

    doc = Briefing("Annex", (Section(parse_inline("Log"), (Table(COLUMNS, tuple(rows(n)), "Log"),)),))
    get(fmt).write(doc, out)


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
}
TEXTBOOK = {"docx": "python-docx add_row", "pdf": "reportlab LongTable", "xlsx": "openpyxl normal"}
"""The obvious way for each format, which a whole pack built the textbook way adds up."""


def child(fmt: str, name: str, n: int) -> None:
    """Run one case and print its time and peak memory as JSON."""
    import docx  # noqa: F401  imported before the baseline is taken, for every case alike
    import openpyxl  # noqa: F401
    import reportlab.platypus  # noqa: F401

    import briefing.writers.docx  # noqa: F401
    import briefing.writers.pdf  # noqa: F401
    import briefing.writers.xlsx  # noqa: F401

    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"bench.{fmt}"
        start = time.perf_counter()
        CASES[(fmt, name)](n, out)
        seconds = time.perf_counter() - start
    peak_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - baseline) / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb}))


def measure(fmt: str, name: str, n: int) -> dict | None:
    if name == "pandoc" and not shutil.which("pandoc"):
        return None
    result = subprocess.run(
        [sys.executable, __file__, "--child", fmt, name, str(n)], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())  # fmt: skip
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        fmt, name, n = args.child
        child(fmt, name, int(n))
        return
    lines = [
        "# Big-table benchmark",
        "",
        f"Run {dt.date.today().isoformat()} on {machine()}, with `python bench/bench.py --rows "
        f"{' '.join(map(str, args.rows))}`. Tables of 8 mixed columns; each case in its own process,",
        "memory is the peak above the interpreter's baseline after imports. Ratios are to briefing in the same run.",
        "",
        "| format | way | rows | seconds | peak MB | time / briefing |",
        "|---|---|---:|---:|---:|---:|",
    ]
    packs = []
    for n in args.rows:
        seconds: dict[tuple[str, str], float] = {}
        for fmt in ("docx", "pdf", "xlsx"):
            ours = measure(fmt, "briefing", n)
            for case_fmt, name in CASES:
                if case_fmt != fmt:
                    continue
                found = ours if name == "briefing" else measure(fmt, name, n)
                if found is None or ours is None:
                    continue
                seconds[(fmt, name)] = found["seconds"]
                ratio = found["seconds"] / ours["seconds"]
                row = f"| {fmt} | {name} | {n:,} | {found['seconds']:.2f} | {found['peak_mb']:.0f} | {ratio:.2f} |"
                print(row, flush=True)
                lines.append(row)
        ours_total = sum(seconds[(fmt, "briefing")] for fmt in TEXTBOOK)
        textbook_total = sum(seconds[item] for item in TEXTBOOK.items())
        packs.append(f"| {n:,} | {ours_total:.2f} | {textbook_total:.2f} | {textbook_total / ours_total:.2f}x |")
    lines += [
        "",
        "Whole pack (docx, pdf and xlsx of the same table), added up from the cases above:",
        "",
        "| rows | briefing s | textbook s | briefing is faster by |",
        "|---:|---:|---:|---:|",
        *packs,
    ]
    print("\n".join(lines[-len(packs) - 2 :]))
    results = HERE / "results.md"
    previous = results.read_text() if results.exists() else ""
    # The batch benchmark's section (bench/batch.py) is kept as it was.
    kept = previous[previous.index("<!-- batch:start -->") :] if "<!-- batch:start -->" in previous else ""
    results.write_text("\n".join(lines) + "\n" + ("\n" + kept if kept else ""))


if __name__ == "__main__":
    main()
