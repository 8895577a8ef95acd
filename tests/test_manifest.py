"""The manifest beside each pack, briefing verify, and builds killed half-way."""

from __future__ import annotations

import json
import os
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
from briefing.reading.loader import load
from briefing.verify import MAX_MANIFEST_BYTES

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


# briefing verify reads a manifest as untrusted and checks the whole pack, inputs included.

IPC_SPEC = """title: Food security
sections:
  - heading: Phases
    content:
      - table:
          source: data/ipc.csv
          columns: [region, phase]
"""


@pytest.fixture
def ipc_pack(tmp_path, monkeypatch):
    """A pack built from a spec and a data file, verified from the spec's folder as a user would."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "ipc.csv").write_text("region,phase\nMopti,3\nGao,4\n")
    (tmp_path / "ipc.yaml").write_text(IPC_SPEC)
    monkeypatch.chdir(tmp_path)
    assert main(["build", "ipc.yaml", "--out", "output", "--format", "pdf,html"]) == 0
    return Path("output/ipc.manifest.json")


def verify_says(manifest: Path, capsys) -> tuple[int, list[str], str]:
    status = main(["verify", str(manifest)])
    captured = capsys.readouterr()
    return status, captured.err.splitlines(), captured.out


def rewrite(manifest: Path, change) -> None:
    """Replace the manifest with an edited copy (the manifest's name is a link into the pack)."""
    data = json.loads(manifest.read_text())
    change(data)
    manifest.unlink()
    manifest.write_text(json.dumps(data))


def test_verify_names_the_data_file_and_the_spec_changed_since_the_build(ipc_pack, capsys):
    assert verify_says(ipc_pack, capsys)[:2] == (0, [])
    Path("data/ipc.csv").write_text("region,phase\nMopti,3\nGao,5\n")
    status, err, out = verify_says(ipc_pack, capsys)
    assert (status, out) == (1, "")
    assert err == [f"{ipc_pack}: built from an older data/ipc.csv (it changed after the build)"]
    Path("ipc.yaml").write_text(IPC_SPEC.replace("Phases", "IPC phases"))
    Path("data/ipc.csv").unlink()
    assert verify_says(ipc_pack, capsys)[1] == [
        f"{ipc_pack}: built from an older ipc.yaml (it changed after the build)",
        f"{ipc_pack}: built from data/ipc.csv, which is no longer there",
    ]
    # A rebuild makes the pack current again.
    Path("data/ipc.csv").write_text("region,phase\nMopti,3\n")
    assert main(["build", "ipc.yaml", "--out", "output", "--format", "pdf,html"]) == 0
    assert verify_says(ipc_pack, capsys)[:2] == (0, [])


def test_a_manifest_naming_no_file_does_not_pass(ipc_pack, capsys):
    rewrite(ipc_pack, lambda data: data.update(outputs=[]))
    status, err, out = verify_says(ipc_pack, capsys)
    assert (status, out) == (1, "")
    assert err == [
        f"{ipc_pack}: the manifest names no file of the pack",
        f"{ipc_pack.parent / 'ipc.html'}: beside the pack but not part of it (the manifest does not name it)",
        f"{ipc_pack.parent / 'ipc.pdf'}: beside the pack but not part of it (the manifest does not name it)",
    ]


def test_a_file_a_manifest_leaves_out_is_named(ipc_pack, capsys):
    rewrite(ipc_pack, lambda data: data.update(outputs=[o for o in data["outputs"] if o["format"] == "pdf"]))
    assert verify_says(ipc_pack, capsys)[:2] == (
        1,
        [f"{ipc_pack.parent / 'ipc.html'}: beside the pack but not part of it (the manifest does not name it)"],
    )


@pytest.mark.parametrize(
    "file",
    ["/etc/hostname", "../ipc.yaml", "sub/ipc.pdf", "ipc.manifest.json", "other.pdf", ".", "ipc.pdf\0"],
)
def test_a_manifest_naming_a_file_outside_its_pack_is_refused_unread(file, ipc_pack, capsys):
    def point(data):
        data["outputs"][0]["file"] = file
        data["outputs"][0]["sha256"] = sha256(Path("/etc/hostname"))

    rewrite(ipc_pack, point)
    status, err, out = verify_says(ipc_pack, capsys)
    assert (status, out) == (2, "")
    assert err == [f"{ipc_pack}: outputs[0].file: '{file}' is not a file of the pack ipc beside the manifest"]


def test_a_link_out_of_the_pack_folder_is_not_read(ipc_pack, capsys, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the pack")
    pdf = ipc_pack.parent / "ipc.pdf"

    def claim(data):
        entry = next(o for o in data["outputs"] if o["format"] == "pdf")
        entry.update(size=secret.stat().st_size, sha256=sha256(secret))

    rewrite(ipc_pack, claim)
    pdf.unlink()
    pdf.symlink_to(secret)
    assert verify_says(ipc_pack, capsys)[:2] == (1, [f"{pdf}: leads out of the pack's folder (to {secret}); not read"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"outputs": [', ":1:14: not a manifest: Expecting value"),
        ("[]", ": not a manifest: expected a JSON object"),
        ('{"inputs": []}', ": 'outputs' is missing or not a list"),
        ('{"outputs": [7], "inputs": []}', ": outputs[0] is not an object"),
        (
            '{"outputs": [{"format": "pdf", "file": "ipc.pdf", "size": "9"}], "inputs": []}',
            ": outputs[0].size: expected a number",
        ),
        (
            '{"outputs": [{"format": "pdf", "file": "ipc.pdf", "size": 9, "sha256": "x"}], "inputs": []}',
            ": outputs[0]: the size or sha256 is not one a file can have",
        ),
        ('{"outputs": [], "inputs": [{"path": 1}]}', ": inputs[0].path: expected text"),
        ("[" * 100_000, ": not a manifest: nested too deeply"),
        ("\udcff", ": not UTF-8 text (byte 1)"),
    ],
    ids=["cut", "list", "no-outputs", "not-object", "size-text", "bad-digest", "input-path", "deep", "not-utf8"],
)
def test_a_manifest_that_cannot_be_checked_is_one_line(text, message, ipc_pack, capsys):
    ipc_pack.unlink()
    ipc_pack.write_bytes(text.encode("utf-8", "surrogateescape"))
    status, err, out = verify_says(ipc_pack, capsys)
    assert (status, err, out) == (2, [f"{ipc_pack}{message}"], "")


def test_verify_opens_no_device_pipe_or_oversized_manifest(ipc_pack, capsys):
    """Inputs that are a device or a pipe are not read (reading /dev/zero would never end, a pipe would wait)."""
    os.mkfifo("pipe")

    def inputs(data):
        data["inputs"] += [{"path": "/dev/zero", "sha256": "0" * 64}, {"path": "../pipe", "sha256": "0" * 64}]

    rewrite(ipc_pack, inputs)
    started = time.monotonic()
    assert verify_says(ipc_pack, capsys)[:2] == (
        1,
        [
            f"{ipc_pack}: built from /dev/zero, which is not a regular file (not read)",
            f"{ipc_pack}: built from pipe, which is not a regular file (not read)",
        ],
    )
    ipc_pack.unlink()
    os.mkfifo(ipc_pack)
    assert verify_says(ipc_pack, capsys)[:2] == (2, [f"{ipc_pack}: not a file"])
    ipc_pack.unlink()
    with ipc_pack.open("wb") as big:
        big.truncate(MAX_MANIFEST_BYTES + 1)
    status, err, _ = verify_says(ipc_pack, capsys)
    assert (status, err) == (2, [f"{ipc_pack}: 67,108,865 bytes, more than a manifest holds (67,108,864)"])
    assert time.monotonic() - started < 10


def test_a_file_replaced_by_a_cut_copy_is_named(ipc_pack, capsys):
    """A name made a plain file again (by hand, or by a copy that kept no links) is still checked."""
    pdf = ipc_pack.parent / "ipc.pdf"
    data = pdf.read_bytes()
    pdf.unlink()
    pdf.write_bytes(data[:-10])
    status, err, _ = verify_says(ipc_pack, capsys)
    assert status == 1 and err[0].startswith(f"{pdf}: differs from the file that was built (sha256 ")


def test_a_manifest_naming_one_big_input_many_times_reads_it_once(ipc_pack, capsys):
    big = Path("big.bin")
    with big.open("wb") as stream:
        stream.truncate(20 * 2**20)
    digest = sha256(big)
    rewrite(ipc_pack, lambda data: data["inputs"].extend([{"path": "../big.bin", "sha256": digest}] * 2_000))
    started = time.monotonic()
    assert verify_says(ipc_pack, capsys)[:2] == (0, [])
    assert time.monotonic() - started < 5  # 2,000 readings of 20 MB would take a minute


def test_the_versions_checked_name_every_library_that_decides_bytes_and_the_packages_own_files(monkeypatch):
    from briefing import cluster, manifest

    recorded = manifest.versions()
    deciding = ["fontTools", "python-bidi", "uharfbuzz", "lxml", "pyarrow", "python-calamine", "Babel", "citeproc-py"]
    assert set(deciding + ["markdown-it-py", "mdit-py-plugins", "briefing"]) <= recorded.keys()
    assert recorded["briefing files"] == manifest.package_digest() and len(recorded["briefing files"] or "") == 64
    other = {**recorded, "fontTools": "0.1"}
    assert "fontTools 0.1 there" in (cluster.mismatch(other, recorded, "w") or "")
    doc = load(SPECS / "showcase.yaml")
    key = manifest.content_key(doc)
    monkeypatch.setattr(manifest, "package_digest", lambda: "edited")  # the same version number, other code
    assert manifest.content_key(doc) != key


def test_each_version_recorded_is_the_one_importlib_reads():
    from importlib import metadata

    from briefing import manifest

    for name in manifest._LIBRARIES:
        try:
            expected: str | None = metadata.version(name)
        except metadata.PackageNotFoundError:
            expected = None
        assert manifest._version.__wrapped__(name) == expected, name


def test_the_package_digest_kept_between_builds_is_of_the_files_as_they_are(tmp_path, monkeypatch):
    from briefing import manifest

    package = tmp_path / "package"
    (package / "fonts").mkdir(parents=True)
    (package / "manifest.py").write_text("code\n")
    (package / "fonts" / "Face.ttf").write_bytes(b"\0font")
    (package / "notes.md").write_text("not a file that decides bytes\n")
    monkeypatch.setattr(manifest, "__file__", str(package / "manifest.py"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    digest = manifest.package_digest.__wrapped__
    first = digest()
    (kept,) = (tmp_path / "cache" / "briefing" / "package-digest").iterdir()
    assert kept.read_text() == first and len(first) == 64
    assert digest() == first
    kept.write_text("0" * 10)  # cut short by another program
    assert digest() == first and kept.read_text() == first
    (package / "fonts" / "Face.ttf").write_bytes(b"\0FONT")  # the same size, other bytes
    edited = digest()
    assert edited != first
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "elsewhere"))
    assert digest() == edited  # worked out again from the files
    (tmp_path / "blocked").write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "blocked"))
    assert digest() == edited
