"""The command line's habits: -o FILE.ext or FOLDER/, -t, help, suggestions, what each command offers."""

from __future__ import annotations

import docx
import openpyxl
import pytest
from pypdf import PdfReader

from briefing.cli import main

from .test_cli import GOOD, shown


@pytest.fixture
def spec(tmp_path):
    (tmp_path / "brief.yaml").write_text(GOOD)
    return tmp_path / "brief.yaml"


def test_o_with_an_extension_writes_that_one_file_in_its_format(spec, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", str(spec), "-o", str(out / "weekly.pdf")]) == 0
    assert capsys.readouterr().out == f"{out / 'weekly.pdf'}\n"
    assert shown(out) == ["weekly.pdf"]
    assert "Hello" in PdfReader(out / "weekly.pdf").pages[0].extract_text()
    assert main(["build", str(spec), "-o", str(out / "weekly.docx"), "-t", "docx"]) == 0
    assert [p.text for p in docx.Document(str(out / "weekly.docx")).paragraphs if p.text == "Hello"] == ["Hello"]
    assert main(["build", str(spec), "-o", str(out / "weekly.xlsx"), "--format", "xlsx"]) == 0
    assert openpyxl.load_workbook(out / "weekly.xlsx").sheetnames
    assert shown(out) == ["weekly.docx", "weekly.pdf", "weekly.xlsx"]


def test_o_with_a_folder_writes_a_pack(spec, tmp_path):
    assert main(["build", str(spec), "-o", f"{tmp_path / 'pack.pdf'}/", "-t", "pdf,html"]) == 0
    assert shown(tmp_path / "pack.pdf") == ["brief.html", "brief.manifest.json", "brief.pdf"]
    existing = tmp_path / "old.docx"
    existing.mkdir()
    assert main(["build", str(spec), "-o", str(existing), "-t", "docx"]) == 0
    assert shown(existing) == ["brief.docx", "brief.manifest.json"]
    assert main(["build", str(spec), "-o", str(tmp_path / "plain"), "-t", "pdf"]) == 0
    assert shown(tmp_path / "plain") == ["brief.manifest.json", "brief.pdf"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ["--format", "docx"],
            "-o {out} names a pdf file, but --format asks for docx: drop one of them,"
            " or give a folder (-o {folder}/) for a pack",
        ),
        (
            ["-t", "pdf,html"],
            "-o {out} names a pdf file, but --format asks for pdf, html: drop one of them,"
            " or give a folder (-o {folder}/) for a pack",
        ),
        (["--each", "x=1,2"], "-o {out} writes one file: give one spec, or a folder (-o {folder}/) for packs"),
        (["--out-name", "x"], "-o {out} names the file already: drop --out-name, or give a folder for -o"),
    ],
)
def test_o_and_format_that_disagree_is_a_clear_error(spec, tmp_path, capsys, extra, message):
    out = tmp_path / "brief.pdf"
    assert main(["build", str(spec), "-o", str(out), *extra]) == 2
    assert capsys.readouterr().err == f"briefing: {message.format(out=out, folder=tmp_path / 'brief')}\n"
    assert not out.exists()


COMMANDS = ["build", "validate", "formats", "schema", "verify", "lint", "show", "serve", "send", "new"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_a_description_its_arguments_help_and_an_example(command, capsys):
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    usage, description, *rest = text.split("\n\n")
    assert usage.startswith(f"usage: briefing {command}") and len(description) > 40
    assert f"\n  briefing {command}" in text.split("\nexample")[-1]
    arguments = [line for line in text.split("positional arguments:")[-1].split("\n\n")[0].splitlines()[1:]]
    if "positional arguments:" in text:
        assert arguments and all(len(line.split()) > 1 for line in arguments), arguments


def test_a_mistyped_command_is_named_with_the_one_meant(capsys):
    assert main(["biuld", "spec.yaml"]) == 2
    assert (
        capsys.readouterr().err == "briefing: unknown command 'biuld' (did you mean 'build'?); see 'briefing --help'\n"
    )


def test_validate_offers_no_option_only_a_build_uses(spec, tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["validate", "--help"])
    assert "--docx-template" not in capsys.readouterr().out
    assert main(["validate", str(spec), "--docx-template", "t.docx"]) == 2
    assert (
        capsys.readouterr().err == "briefing: unrecognized arguments: --docx-template t.docx (see 'briefing --help')\n"
    )
