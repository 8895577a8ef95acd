"""The manifest beside each pack, briefing verify, and builds killed half-way."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from briefing import build
from briefing.cli import main
from briefing.manifest import sha256

from .conftest import SPECS


@pytest.fixture
def pack(tmp_path):
    return build(SPECS / "showcase.yaml", out=tmp_path)


def test_manifest_records_inputs_outputs_and_versions(pack, tmp_path):
    data = json.loads(pack.manifest.read_text())
    assert pack.manifest == tmp_path / "showcase.manifest.json"
    assert data["spec"]["sha256"] == sha256(SPECS / "showcase.yaml")
    inputs = {Path(tmp_path, i["path"]).resolve(): i["sha256"] for i in data["inputs"]}
    image = (SPECS / "images" / "mali-timeline.png").resolve()
    assert inputs[image] == sha256(image)
    outputs = {o["format"]: o for o in data["outputs"]}
    for path in pack.paths:
        entry = outputs[path.suffix[1:]]
        assert (entry["file"], entry["size"], entry["sha256"]) == (path.name, path.stat().st_size, sha256(path))
    assert outputs["pdf"]["pages"] == len(PdfReader(str(tmp_path / "showcase.pdf")).pages)
    assert outputs["xlsx"]["sheets"] == load_workbook(tmp_path / "showcase.xlsx").sheetnames
    assert data["versions"]["reportlab"] and data["versions"]["python"]
    assert data["warnings"] == []


def test_data_files_are_inputs_of_the_pack(tmp_path):
    data = json.loads(build(SPECS / "sahel-dashboard.yaml", ["xlsx"], out=tmp_path).manifest.read_text())
    inputs = {Path(tmp_path, i["path"]).resolve(): i["sha256"] for i in data["inputs"]}
    for name in ("sahel-incidents.csv", "sahel-funding.xlsx"):
        path = (SPECS / "data" / name).resolve()
        assert inputs[path] == sha256(path)


def test_warnings_go_into_the_manifest(tmp_path):
    from .test_cli import long_value_spec

    spec = long_value_spec(tmp_path)
    data = json.loads(build(spec, out=tmp_path / "out").manifest.read_text())
    assert data["warnings"] == [
        {
            "position": f"{spec}:6:11",
            "message": "xlsx: the value in row 1 of column 'note' has 40,000 characters; "
            "an Excel cell holds 32,767, so it is cut there",
        }
    ]


def test_verify_passes_then_names_the_changed_file(pack, capsys):
    assert main(["verify", str(pack.manifest)]) == 0
    assert "every file is the one built" in capsys.readouterr().out
    pdf = pack.manifest.with_name("showcase.pdf")
    pdf.write_bytes(pdf.read_bytes() + b"\n")
    assert main(["verify", str(pack.manifest)]) == 1
    assert capsys.readouterr().err.startswith(f"{pdf}: differs from the file that was built")
    pack.manifest.with_name("showcase.xlsx").unlink()
    assert main(["verify", str(pack.manifest)]) == 1
    assert f"{pack.manifest.with_name('showcase.xlsx')}: missing" in capsys.readouterr().err
    assert main(["verify", str(pack.manifest.with_name("nope.json"))]) == 2


def _big_spec(folder: Path) -> Path:
    rows = "\n".join(
        f"            - [Incident {i}, {i}, Region {i % 7}, A longer note about incident {i}]" for i in range(8000)
    )
    spec = folder / "annex.yaml"
    spec.write_text(
        "title: Annex\nsections:\n  - heading: Log\n    content:\n      - table:\n"
        f"          columns: [Name, Count, Region, Note]\n          rows:\n{rows}\n"
    )
    return spec


def _interrupt_build(spec: Path, out: Path, how: signal.Signals) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "briefing.cli", "build", str(spec), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not list(out.glob(".briefing-*.tmp")):  # wait until it is writing
        assert process.poll() is None and time.monotonic() < deadline, "the build ended before it could be stopped"
        time.sleep(0.02)
    process.send_signal(how)
    process.wait(timeout=60)
    return process


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill"])
def test_a_stopped_build_leaves_previous_files_intact(how, tmp_path):
    spec = _big_spec(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    previous = {f"annex.{ext}": f"previous {ext}".encode() for ext in ("docx", "pdf", "xlsx")}
    for name, data in previous.items():
        (out / name).write_bytes(data)
    process = _interrupt_build(spec, out, how)
    assert {p.name: p.read_bytes() for p in out.glob("annex.*")} == previous
    if how == signal.SIGINT:
        assert process.returncode == 1
        assert process.stderr.read() == "briefing: interrupted\n"
        assert list(out.glob(".briefing-*")) == []
    # A build after a killed one clears what the killed one left behind.
    small = tmp_path / "small.yaml"
    small.write_text("title: T\nsections: [{heading: H}]\n")
    assert main(["build", str(small), "--out", str(out)]) == 0
    assert list(out.glob(".briefing-*")) == []


def test_the_content_key_sees_one_value_changed_deep_in_a_long_table():
    """A table's rows go into the key a slice at a time; any value, of any type, still counts."""
    import datetime as dt
    import subprocess as sp

    from briefing.manifest import content_key
    from briefing.model import Briefing, Section, Table
    from briefing.reading.inline import parse_inline

    def doc(rows):
        return Briefing("Annex", (Section(parse_inline("Log"), (Table(("n", "day", "x"), tuple(rows)),)),))

    rows = [(i, dt.date(2026, 1, 1 + i % 28), i * 0.5) for i in range(10_000)]
    key = content_key(doc(rows))
    assert content_key(doc(list(rows))) == key
    changed = list(rows)
    changed[9_000] = (9_000, dt.date(2026, 1, 2), 4_500.0)
    assert content_key(doc(changed)) != key
    swapped = list(rows)
    swapped[4095], swapped[4096] = rows[4096], rows[4095]  # across the slices the digest takes
    assert content_key(doc(swapped)) != key
    # The same in another process (the key decides whether a pack is already built).
    code = (
        "import datetime as dt; from briefing.manifest import content_key; from briefing.model import *;"
        "from briefing.reading.inline import parse_inline;"
        "rows = [(i, dt.date(2026, 1, 1 + i % 28), i * 0.5) for i in range(10_000)];"
        "table = Table(('n', 'day', 'x'), tuple(rows));"
        "print(content_key(Briefing('Annex', (Section(parse_inline('Log'), (table,)),))))"
    )
    assert sp.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == key
