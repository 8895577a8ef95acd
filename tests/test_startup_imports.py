"""What a command loads: a Word build of the seed pack, and `briefing --help`, read only what they use.

Each case runs in a child process, which then lists its modules. How long start-up takes is
measured by bench/startup.py, not here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SPECS


def _modules(*args: str, cwd: Path) -> list[str]:
    """The modules loaded once ``briefing ARGS`` has run, in a fresh interpreter."""
    code = (
        "import json, sys\nfrom briefing.cli import main\n"
        f"try:\n    status = main({list(args)!r})\nexcept SystemExit as exc:\n    status = exc.code\n"
        "assert status in (0, None), status\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=cwd, env=env)
    return json.loads(result.stdout.strip().splitlines()[-1])


def _loaded(modules: list[str], name: str) -> bool:
    return any(m == name or m.startswith(f"{name}.") for m in modules)


NOT_FOR_A_WORD_BUILD = (
    "reportlab.platypus",  # the PDF's page layout: the Word layout needs the font metrics at most
    "reportlab.graphics",  # charts: the seed pack has none
    "openpyxl",
    "pypdf",
    "smtplib",
    "email_validator",
    "filelock",  # the send log's lock
    "starlette",
    "uvicorn",
    "watchfiles",
    "pyarrow",  # data files: the seed pack reads none
    "citeproc",  # citations: the seed pack cites nothing
    "jsonschema",
    "rich",  # the progress bar of builds on workers
    "babel",  # an English briefing without number formats
    "jinja2",  # no {{ }} in the seed pack, and no HTML page asked for
    "briefing.mail",
    "briefing.send",
    "briefing.smtp",
    "briefing.sendlog",
    "briefing.distribution",
    "briefing.serve",
    "briefing.commands.sharing",
    "briefing.markings.leaks",  # the read-back check of variants
    "briefing.writers.pdf",
    "briefing.writers.xlsx",
    "briefing.writers.html",
)


def test_a_word_build_of_the_seed_pack_loads_only_what_it_uses(tmp_path):
    modules = _modules(
        "build", str(SPECS / "mali-russia.yaml"), "--format", "docx", "--out", str(tmp_path), cwd=tmp_path
    )
    assert (tmp_path / "mali-russia.docx").is_file()
    assert [name for name in NOT_FOR_A_WORD_BUILD if _loaded(modules, name)] == []
    # The layout measures the tables' text with reportlab's font metrics, and only them.
    assert "reportlab.pdfbase.ttfonts" in modules


@pytest.mark.parametrize("args", [["--help"], ["build", "--help"], ["send", "--help"]])
def test_help_loads_no_command(args, tmp_path):
    modules = _modules(*args, cwd=tmp_path)
    briefing = [m for m in modules if m.startswith("briefing.")]
    assert briefing == ["briefing.cli", "briefing.commands", "briefing.house_styles"]
    assert not _loaded(modules, "yaml")
    assert not _loaded(modules, "importlib.metadata")  # no writer is looked up


def test_the_help_of_send_gives_the_default_deadline(capsys):
    from briefing.cli import main
    from briefing.smtp import DEADLINE

    with pytest.raises(SystemExit):
        main(["send", "--help"])
    assert f"(default {DEADLINE})" in " ".join(capsys.readouterr().out.split())
