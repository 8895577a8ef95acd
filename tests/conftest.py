"""Shared fixtures: sample models, readers of the three formats, system tools."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import docx
import lxml.html
import pytest
from openpyxl import load_workbook
from PIL import Image as PILImage
from pypdf import PdfReader

from briefing.layout import NoteMark
from briefing.model import Briefing, Image, Inline, ListBlock, ListItem, PageBreak, Paragraph, Section, Table, plain
from briefing.reading.inline import parse_inline

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
DATA = Path(__file__).resolve().parent / "data"
REQUIRE_TOOLS = os.environ.get("BRIEFING_REQUIRE_TOOLS") == "1"


def require_tool(name: str) -> str:
    """The path of a system tool; skips (or fails, in CI) when it is missing."""
    path = shutil.which(name)
    if path is None:
        packages = "poppler-utils qpdf mpack libreoffice-writer-nogui libreoffice-calc-nogui chromium"
        message = f"{name} is not installed (apt-get install {packages})"
        if REQUIRE_TOOLS:
            pytest.fail(message + "; BRIEFING_REQUIRE_TOOLS=1 makes this a failure")
        pytest.skip(message)
    return path


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
"""axe-core as `npm ci` installs it from package-lock.json."""
WCAG_22_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
"""axe-core's tags for the rules of WCAG 2.0, 2.1 and 2.2 at levels A and AA."""


def axe_violations(frame: object) -> list[str]:
    """What a page (or frame) open in Playwright breaks of WCAG 2.2 AA by axe-core's rules, one line each
    (rule, element, what is wrong); skips (or fails, in CI) when axe-core is not installed."""
    if not AXE.is_file():
        message = "axe-core is not installed (npm ci)"
        if REQUIRE_TOOLS:
            pytest.fail(message + "; BRIEFING_REQUIRE_TOOLS=1 makes this a failure")
        pytest.skip(message)
    frame.add_script_tag(content=AXE.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    found = frame.evaluate(  # type: ignore[attr-defined]
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, iframes: false})"
        ".then(result => result.violations)",
        list(WCAG_22_AA),
    )
    return [
        f"{rule['id']}: {' '.join(node['target'])}: {node['failureSummary'].splitlines()[-1].strip()}"
        for rule in found
        for node in rule["nodes"]
    ]


def squash(text: str) -> str:
    """Whitespace collapsed to single spaces, for comparing flowing text."""
    return re.sub(r"\s+", " ", text).strip()


NOTE_MARK = re.compile(r"\[\d+\]")
"""A note's mark as a spreadsheet writes it in the text: "[3]"."""


def words(text: Inline) -> str:
    """A text as every format shows it in its run: a note's mark aside, which each format sets its own way
    (a footnote reference in Word, a superscript link in the PDF and HTML, "[3]" in Excel)."""
    return plain(tuple(span for span in text if not isinstance(span, NoteMark)))


def docx_text(path: Path) -> str:
    """Every paragraph of a .docx body and its tables, in order, one per line."""
    document = docx.Document(str(path))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


_LIGATED = dict.fromkeys(map(ord, "لاأإآى"))
"""Lam and the alefs it joins in one glyph (lam-alef, lam-alef maksura): pypdf reads the two letters of
such a glyph turned round (poppler and PDFium read them as written)."""


def rtl_key(text: str) -> str:
    """Right-to-left text as pypdf's reading of it is compared: without spaces, and without the letters
    it may read turned round."""
    return "".join(squash(text).split()).translate(_LIGATED)


def pdf_text(path: Path) -> str:
    """The text of every page of a PDF, as pypdf extracts it."""
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def html_text(path: Path) -> str:
    """The text a browser shows of an HTML page (style sheet left out), as lxml parses it."""
    tree = lxml.html.fromstring(path.read_bytes())
    for style in tree.iter("style"):
        style.drop_tree()
    return tree.text_content()


def xlsx_text(path: Path) -> str:
    """Every non-empty cell of every sheet, as text, one per line."""
    workbook = load_workbook(path, rich_text=True)
    lines = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            lines.extend(str(v) for v in row if v is not None)
    return "\n".join(lines)


@pytest.fixture
def picture(tmp_path: Path) -> Path:
    """A 400 x 200 PNG file."""
    path = tmp_path / "picture.png"
    PILImage.new("RGB", (400, 200), "#336699").save(path)
    return path


@pytest.fixture
def sample(picture: Path) -> Briefing:
    """A briefing with every block type, built in code (no YAML involved)."""
    p = parse_inline
    return Briefing(
        title="Sahel Outlook",
        subtitle="Weekly round-up",
        source="Focus on Africa",
        date=dt.date(2026, 11, 24),
        author="Africa Desk",
        classification="OFFICIAL-SENSITIVE",
        summary=(ListBlock((ListItem(p("First **judgement**")), ListItem(p("Second judgement")))),),
        sections=(
            Section(
                p("Situation in *Mali*"),
                (
                    Paragraph(p("Plain, **bold**, *italic* and a [link](https://example.org/a?b=1&c=2).")),
                    Paragraph(p('Literal <font color="red">&amp; "quotes"</font> Москва Αθήνα')),
                    ListBlock(
                        (ListItem(p("Provision of arms."), lead=p("Military Support")), ListItem(p("Plain item")))
                    ),
                    ListBlock((ListItem(p("One")), ListItem(p("Two"))), numbered=True),
                    ListBlock((ListItem(p("Again one")),), numbered=True),
                ),
                (
                    Section(
                        p("Figures"),
                        (
                            Table(
                                ("Name", "Count", "Share", "Confirmed", "As of", "Note"),
                                (
                                    ("Alpha", 1500, 0.25, True, dt.date(2026, 10, 1), None),
                                    ("=SUM(A1:A2)", -3, 1.5, False, dt.date(2026, 9, 30), "+cmd"),
                                ),
                                title="Selected indicators",
                            ),
                            Image(picture, (400, 200), caption=p("A *blue* box"), alt="A blue rectangle", width_cm=8),
                            PageBreak(),
                            Paragraph(p("After the break.")),
                        ),
                    ),
                ),
            ),
        ),
    )


def run_soffice(
    path: Path | list[Path], out: Path, to: str = "pdf", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Convert documents with LibreOffice (to PDF unless ``to`` says otherwise), as a reader opening them would
    (on a machine set up as ``env`` says: its fonts, through fontconfig's variables)."""
    soffice = require_tool("soffice")
    profile = out / "lo-profile"
    paths = path if isinstance(path, list) else [path]
    return subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            to,
            "--outdir",
            str(out),
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def open_xml_audit(folder: Path) -> list[dict[str, object]]:
    """The Open XML validator's report on each Office file under ``folder`` (Word's own schema rules)."""
    result = subprocess.run(
        [sys.executable, "-m", "openxml_audit", "-o", "json", "-m", "0", "--recursive", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    reports: list[dict[str, object]] = json.loads(result.stdout)
    return reports


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server():
    """Starts an aiosmtpd server on 127.0.0.1 for a handler (``server(handler, **options)`` gives its port)."""
    from aiosmtpd.controller import Controller

    started = []

    def start(handler: object, **kwargs: object) -> int:
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
        started.append(controller)
        return port

    yield start
    for controller in started:
        controller.stop()


_MEASURED = """
import atexit, os, runpy, sys

def _peak():
    # VmHWM belongs to this program's own memory: unlike getrusage's peak, it leaves out the test
    # run's memory that a child started from it carries in until it runs this program.
    with open("/proc/self/status") as status, open(os.environ["BRIEFING_PEAK_FILE"], "w") as out:
        out.write(next(line.split()[1] for line in status if line.startswith("VmHWM:")))

atexit.register(_peak)
sys.argv = ["briefing", *sys.argv[1:]]
runpy.run_module("briefing.cli", run_name="__main__")
"""


def run_briefing_measured(
    args: list[str], cwd: Path, memory_limit: int, wall: float, stdout: Path, stderr: Path
) -> tuple[int, float, float | None]:
    """``briefing ARGS`` in a child under an address-space limit, stopped after ``wall`` seconds: its exit
    status, the processor seconds it took, and its own peak memory in MB (None when it did not end by itself).
    Processor time, not seconds: on a machine shared with other work a child's seconds measure the others too."""
    import resource
    import threading

    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))

    peak_file = cwd / ".peak-kb"
    peak_file.unlink(missing_ok=True)
    env = {**os.environ, "BRIEFING_PEAK_FILE": str(peak_file)}
    with stdout.open("w") as out, stderr.open("w") as err:
        child = subprocess.Popen(
            [sys.executable, "-c", _MEASURED, *args], stdout=out, stderr=err, preexec_fn=limits, cwd=cwd, env=env
        )
        guard = threading.Timer(wall, child.kill)
        guard.start()
        _, status, usage = os.wait4(child.pid, 0)  # the child's own processor time, with its exit status
        guard.cancel()
    code = child.returncode = os.waitstatus_to_exitcode(status)
    seconds = usage.ru_utime + usage.ru_stime
    peak = int(peak_file.read_text()) / 1024 if peak_file.exists() else None
    return code, seconds, peak
