"""The briefing command: exit codes, one-line errors, atomic outputs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from briefing.cli import main

from .conftest import SPECS
from .plugins import install

GOOD = "title: T\nsections:\n  - heading: H\n    content:\n      - paragraph: Hello\n"


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "brief.yaml"
    path.write_text(GOOD)
    return path


def shown(folder: Path) -> list[str]:
    """The names a user sees in an output folder: a pack's files, not the versions kept in .packs/."""
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if not p.name.startswith(".")}


def test_build_writes_all_formats(spec, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", str(spec), "--out", str(out)]) == 0
    names = ("brief.docx", "brief.html", "brief.pdf", "brief.xlsx")
    assert shown(out) == sorted([*names, "brief.manifest.json"])
    assert capsys.readouterr().out.splitlines() == [str(out / n) for n in names]
    assert docx.Document(str(out / "brief.docx")).paragraphs[-1].text == "Hello"
    assert oct((out / "brief.pdf").stat().st_mode & 0o044) == oct(0o044), "outputs are readable by others"


def test_build_selected_formats(spec, tmp_path):
    out = tmp_path / "out"
    assert main(["build", str(spec), "--format", "pdf, xlsx", "--out", str(out)]) == 0
    assert shown(out) == ["brief.manifest.json", "brief.pdf", "brief.xlsx"]


def test_validate_and_formats(spec, capsys):
    assert main(["validate", str(spec)]) == 0
    assert capsys.readouterr().out == f"{spec}: ok (1 sections)\n"
    assert main(["formats"]) == 0
    assert capsys.readouterr().out.splitlines()[:4] == ["docx\t.docx", "html\t.html", "pdf\t.pdf", "xlsx\t.xlsx"]


def test_bad_spec_is_one_line_per_problem_exit_2_nothing_written(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: T\nsections:\n  - heading: H\n    content:\n      - paragraf: x\n")
    out = tmp_path / "out"
    assert main(["build", str(bad), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"{bad}:5:9: unknown key 'paragraf' in a block (did you mean 'paragraph'?)\n"
    assert captured.out == ""
    assert not out.exists()


def test_a_bad_spec_writes_nothing_and_is_listed_last_while_the_good_ones_are_built(spec, tmp_path, capsys):
    bad = tmp_path / "zzz.yaml"
    bad.write_text("title: T\n")
    out = tmp_path / "out"
    assert main(["build", str(spec), str(bad), "--out", str(out)]) == 2
    assert sorted(Path(name).stem for name in shown(out)) == ["brief"] * 4 + ["brief.manifest"]
    assert capsys.readouterr().err == f"{bad}:1:1: missing required key 'sections' in the spec\n"


def test_failed_build_leaves_existing_outputs_untouched(spec, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    for name in ("brief.docx", "brief.pdf", "brief.xlsx"):
        (out / name).write_bytes(b"previous " + name.encode())
    before = listing(out)
    spec.write_text(GOOD + "      - table: {columns: [a, b], rows: [[1]]}\n")
    assert main(["build", str(spec), "--out", str(out)]) == 2
    assert listing(out) == before


def test_writer_failure_mid_build_keeps_old_files_and_leaves_no_temporaries(spec, tmp_path, monkeypatch, capsys):
    (tmp_path / "plugins").mkdir()
    install(tmp_path / "plugins", monkeypatch)
    out = tmp_path / "out"
    out.mkdir()
    (out / "brief.docx").write_bytes(b"previous")
    assert main(["build", str(spec), "--format", "docx,boom", "--out", str(out)]) == 1
    assert listing(out) == {"brief.docx": b"previous"}
    err = capsys.readouterr().err
    assert err == f"briefing: {out / 'brief.boom'}: the boom writer failed: RuntimeError: disk on fire\n"


def test_broken_writer_does_not_stop_the_others(spec, tmp_path, monkeypatch, capsys):
    (tmp_path / "plugins").mkdir()
    install(tmp_path / "plugins", monkeypatch)
    out = tmp_path / "out"
    assert main(["build", str(spec), "--format", "docx,broken,txt", "--out", str(out)]) == 1
    assert shown(out) == ["brief.docx", "brief.manifest.json", "brief.txt"]
    assert "writer 'broken' cannot be loaded" in capsys.readouterr().err
    assert main(["formats"]) == 1
    assert "broken\tunavailable: writer 'broken' cannot be loaded" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["build", "SPEC", "--format", "odt"],
            "briefing: unknown format 'odt' (known formats: docx, html, pdf, xlsx)\n",
        ),
        (["build"], "briefing: the following arguments are required: SPEC (see 'briefing build --help')\n"),
        (["frobnicate"], "briefing: unknown command 'frobnicate' (commands: build, validate, formats, "),
        (["build", "SPEC", "--format", ","], "briefing: --format names no format\n"),
    ],
)
def test_bad_arguments_exit_2(args, message, spec, capsys):
    args = [str(spec) if a == "SPEC" else a for a in args]
    assert main(args) == 2
    err = capsys.readouterr().err
    # One line; argparse quotes the choices in some versions.
    assert err.count("\n") == 1
    assert err.replace("'", "").startswith(message.replace("'", ""))


def test_output_folder_that_is_a_file(spec, tmp_path, capsys):
    blocker = tmp_path / "out"
    blocker.write_text("not a folder")
    assert main(["build", str(spec), "--out", str(blocker)]) == 2
    assert capsys.readouterr().err == f"briefing: {blocker}: the output folder is a file\n"
    assert blocker.read_text() == "not a folder"


def test_two_specs_with_one_name_are_refused(spec, tmp_path, capsys):
    other = tmp_path / "again"
    other.mkdir()
    shutil.copy(spec, other / spec.name)
    assert main(["build", str(spec), str(other / spec.name), "--out", str(tmp_path / "o")]) == 2
    assert "two specs would be written to the same file names" in capsys.readouterr().err


def test_console_script_runs_without_traceback(tmp_path):
    exe = shutil.which("briefing")
    command = [exe] if exe else [sys.executable, "-m", "briefing.cli"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: [unclosed\n")
    result = subprocess.run([*command, "build", str(bad), "--out", str(tmp_path / "o")], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{bad}:1:8: this '[' is not closed by a ']'")
    ok = subprocess.run(
        [*command, "build", str(SPECS / "mali-russia.yaml"), "--format", "docx", "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0, ok.stderr
    assert (tmp_path / "o" / "mali-russia.docx").is_file()


def test_content_a_format_cannot_show_is_a_positioned_warning(tmp_path, capsys):
    spec = long_value_spec(tmp_path)
    assert main(["build", str(spec), "--out", str(tmp_path / "out")]) == 0
    assert capsys.readouterr().err == (
        f"{spec}:6:11: warning: xlsx: the value in row 1 of column 'note' has 40,000 characters; "
        "an Excel cell holds 32,767, so it is cut there\n"
    )


def long_value_spec(folder: Path) -> Path:
    """A spec whose table holds, from a data file, a value longer than an Excel cell takes."""
    (folder / "long.csv").write_text("name,note\na," + "word " * 8_000 + "\n")
    spec = folder / "long.yaml"
    spec.write_text("title: T\nsections:\n  - heading: H\n    content:\n      - table:\n          source: long.csv\n")
    return spec


def test_problems_are_listed_by_line_number_not_as_text(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "title: T\nsections:\n  - heading: H\n    content:\n"
        + "      - paragraph: ok\n" * 4
        + "      - paragraf: x\n" * 3
    )
    assert main(["build", str(bad), "--out", str(tmp_path / "out")]) == 2
    lines = [int(line.split(":")[1]) for line in capsys.readouterr().err.splitlines()]
    assert lines == [9, 10, 11]
    assert not (tmp_path / "out").exists()
