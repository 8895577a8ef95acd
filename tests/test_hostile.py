"""Broken and hostile specs: each gets one clear line and status 2, or renders safely; nothing is lost.

The corpus lives in tests/hostile/; the cases too large or too binary to keep
as files are made here. Every case runs the real command in a child process,
under a memory limit and a time-out, with an earlier pack already in the
output folder that must come through untouched.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

from .conftest import pdf_text, squash

HOSTILE = Path(__file__).resolve().parent / "hostile"
MEMORY_LIMIT = 2 << 30  # bytes of address space the child may use
TIME_LIMIT = 120  # seconds; a guard against hangs, not a speed target

POSITIONED = re.compile(r"^\S.*:\d+:\d+: \S")

REFUSED = {
    "yaml-syntax.yaml": "yaml-syntax.yaml:1:8: this '[' is not closed by a ']'",
    "wrong-type.yaml": "wrong-type.yaml:1:8: expected a string, got a list",
    "unknown-key.yaml": "unknown-key.yaml:2:1: unknown key 'subtitel' in the spec (did you mean 'subtitle'?)",
    "unknown-block.yaml": "unknown-block.yaml:5:9: unknown key 'video' in a block",
    "duplicate-key.yaml": "duplicate-key.yaml:2:1: duplicate key 'title' (first given on line 1)",
    "row-length.yaml": "row-length.yaml:7:26: row has 1 cell, but the table has 2 columns",
    "empty.yaml": "empty.yaml:1:1: the spec is empty",
    "comment-only.yaml": "comment-only.yaml:1:1: the spec is empty",
    "top-level-list.yaml": "top-level-list.yaml:1:1: expected a mapping of keys such as 'title' at the top level",
    "python-tag.yaml": "python-tag.yaml:1:8: expected a string, got a value tagged",
    "image-escape.yaml": "image-escape.yaml:5:23: image path '../../../../etc/hostname' leads outside",
    "image-not-image.yaml": "image-not-image.yaml:5:23: 'not-an-image.png' is not a PNG or JPEG image",
}


def run(spec: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    return subprocess.run(
        [sys.executable, "-m", "briefing.cli", "build", str(spec), "--out", str(out), *extra],
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        preexec_fn=limits,
        cwd=spec.parent,
    )


def previous_pack(out: Path, stem: str) -> dict[str, bytes]:
    out.mkdir(parents=True, exist_ok=True)
    files = {f"{stem}.{ext}": f"earlier {ext} of {stem}".encode() for ext in ("docx", "pdf", "xlsx")}
    for name, data in files.items():
        (out / name).write_bytes(data)
    return files


def assert_refused(result: subprocess.CompletedProcess[str], first_line: str, out: Path, before: dict[str, bytes]):
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert lines and lines[0].startswith(first_line)
    assert all(POSITIONED.match(line) or line.startswith("briefing: ") for line in lines)
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before, "existing outputs changed"


@pytest.mark.parametrize(("name", "first_line"), sorted(REFUSED.items()))
def test_corpus_refused(name, first_line, tmp_path):
    out = tmp_path / "out"
    before = previous_pack(out, Path(name).stem)
    result = run(HOSTILE / name, out)
    assert_refused(result, str(HOSTILE / name) + first_line.removeprefix(name), out, before)
    assert not Path("/tmp/pwned").exists()


@pytest.mark.parametrize(
    ("name", "make", "first_line"),
    [
        ("non-utf8.yaml", lambda: b"title: caf\xe9\nsections: [{heading: H}]\n", "non-utf8.yaml:1:11: not UTF-8 text"),
        (
            "alias-bomb.yaml",
            lambda: (
                "s1: &s1 ["
                + ", ".join(["{heading: x}"] * 10)
                + "]\n"
                + "".join(
                    f"s{n}: &s{n} [" + ", ".join([f"{{heading: x, sections: *s{n - 1}}}"] * 10) + "]\n"
                    for n in range(2, 9)
                )
                + "title: T\nsections: *s8\n"
            ).encode(),
            "alias-bomb.yaml:1:1: unknown key 's1'",
        ),
        ("deep.yaml", lambda: ("title: T\nsections: " + "[" * 1000 + "]" * 1000 + "\n").encode(), "deep.yaml:2:"),
        (
            "huge-paragraph.yaml",
            lambda: (
                "title: T\nsections:\n  - heading: H\n    content:\n      - paragraph: " + "word " * 700_000 + "\n"
            ).encode(),
            "huge-paragraph.yaml:5:20: text of 3,499,999 characters; split it (at most 200,000)",
        ),
    ],
)
def test_generated_refused(name, make, first_line, tmp_path):
    spec = tmp_path / name
    spec.write_bytes(make())
    out = tmp_path / "out"
    before = previous_pack(out, spec.stem)
    result = run(spec, out)
    assert_refused(result, f"{spec}{first_line.removeprefix(name)}", out, before)


def test_alias_bomb_names_the_bomb(tmp_path):
    spec = tmp_path / "bomb.yaml"
    spec.write_text(
        "s1: &s1 ["
        + ", ".join(["{heading: x}"] * 10)
        + "]\n"
        + "".join(
            f"s{n}: &s{n} [" + ", ".join([f"{{heading: x, sections: *s{n - 1}}}"] * 10) + "]\n" for n in range(2, 9)
        )
        + "title: T\nsections: *s8\n"
    )
    result = run(spec, tmp_path / "out")
    assert result.returncode == 2 and "aliases expand to too many nodes (alias bomb?)" in result.stderr


def read_back(out: Path, stem: str) -> dict[str, str]:
    """The text each reader library finds in a built pack."""
    document = docx.Document(str(out / f"{stem}.docx"))
    workbook = load_workbook(out / f"{stem}.xlsx")
    cells = [str(c.value) for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row if c.value]
    return {
        "docx": "\n".join(
            [p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells]
        ),
        "pdf": pdf_text(out / f"{stem}.pdf"),
        "xlsx": "\n".join(cells),
    }


def test_control_characters_render_replaced_and_files_stay_valid(tmp_path):
    out = tmp_path / "out"
    result = run(HOSTILE / "control-chars.yaml", out)
    assert result.returncode == 0, result.stderr
    for fmt, text in read_back(out, "control-chars").items():
        assert "Control\ufffdcharacters\ufffdin\ufffdtext\ufffd" in text, fmt
        assert "cell\ufffdvalue" in text, fmt
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", text), fmt


def test_formula_injection_stays_text(tmp_path):
    out = tmp_path / "out"
    assert run(HOSTILE / "formula-injection.yaml", out).returncode == 0
    workbook = load_workbook(out / "formula-injection.xlsx")
    values = [c for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    assert values and all(c.data_type == "s" for c in values)
    sheet = workbook["Injection"]
    assert [c.value for c in sheet[3]] == ["=cmd|' /C calc'!A0", "+1+1", "-1-1", "@SUM(1)", "\t=2", "\r=3"]


def test_markup_injection_is_printed_literally(tmp_path):
    out = tmp_path / "out"
    assert run(HOSTILE / "markup-injection.yaml", out).returncode == 0
    text = squash(read_back(out, "markup-injection")["pdf"])
    assert '<font size="40" color="red">big</font> & <b>bold</b>' in text
    assert '<img src="/etc/passwd" width="100" height="100"/> heading' in text
    assert '<font name="Courier">x</font> &amp; &lt; <a href="javascript:alert(1)">js</a> <br/> & < >' in text
    assert "<i>not italic</i>" in text and '<img src="x"/>' in text


def test_two_hundred_columns_render(tmp_path):
    columns = ", ".join(f"column {n}" for n in range(200))
    row = ", ".join(str(n) for n in range(200))
    spec = tmp_path / "wide.yaml"
    spec.write_text(
        f"title: T\nsections:\n  - heading: H\n    content:\n      - table:\n          title: Wide\n"
        f"          columns: [{columns}]\n          rows: [[{row}], [{row}]]\n"
    )
    out = tmp_path / "out"
    result = run(spec, out)
    assert result.returncode == 0, result.stderr
    sheet = load_workbook(out / "wide.xlsx")["Wide"]
    assert sheet.max_column == 200 and sheet.cell(3, 200).value == 199  # under the caption and the header
    assert "column 199" in squash(read_back(out, "wide")["docx"])


def test_output_folder_that_is_a_file_or_cannot_be_made(tmp_path):
    spec = HOSTILE.parent / "hostile" / "control-chars.yaml"
    blocker = tmp_path / "out"
    blocker.write_text("keep me")
    result = run(spec, blocker)
    assert (result.returncode, result.stderr) == (2, f"briefing: {blocker}: the output folder is a file\n")
    assert blocker.read_text() == "keep me"
    if os.geteuid() == 0:
        target = Path("/sys/briefing-out")  # even root cannot make folders here
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        target = locked / "out"
    result = run(spec, target)
    assert result.returncode == 2
    assert result.stderr.startswith(f"briefing: {target}: cannot create the output folder")
