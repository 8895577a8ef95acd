"""Writers are found through the briefing.writers entry-point group, lazily, by name."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from briefing import registry
from briefing.writers.docx.writer import DocxWriter

from .conftest import SPECS
from .plugins import install


def test_builtin_writers_are_registered_as_entry_points():
    assert {"docx", "pdf", "xlsx"} <= set(registry.names())
    writer = registry.get("docx")
    assert isinstance(writer, DocxWriter)
    assert (writer.name, writer.extension) == ("docx", ".docx")
    assert isinstance(writer, registry.Writer)


def test_third_party_writer_is_found(tmp_path, monkeypatch, sample):
    install(tmp_path, monkeypatch)
    assert {"txt", "boom", "broken"} <= set(registry.names())
    writer = registry.get("txt")
    out = tmp_path / "pack.txt"
    assert writer.write(sample, out) == []
    lines = out.read_text().splitlines()
    assert lines[:4] == ["Sahel Outlook", "Summary", "- First judgement", "- Second judgement"]
    assert "  Figures" in lines and "Table 1: Selected indicators" in lines and "Figure 1: A blue box" in lines


def test_broken_writer_is_reported_and_does_not_break_others(tmp_path, monkeypatch):
    install(tmp_path, monkeypatch)
    with pytest.raises(
        registry.WriterUnavailable, match="writer 'broken' cannot be loaded: No module named 'acme_missing_module'"
    ):
        registry.get("broken")
    assert isinstance(registry.get("docx"), DocxWriter)


def test_unknown_format_lists_the_known_ones():
    with pytest.raises(registry.UnknownFormat) as caught:
        registry.get("odt")
    assert str(caught.value).startswith("unknown format 'odt' (known formats: docx, html, pdf, xlsx")


OFFICE = ("docx", "reportlab", "openpyxl")


def _office_imports(*args: str) -> list[str]:
    code = (
        "import json, sys\nfrom briefing.cli import main\n"
        f"try:\n    main({list(args)!r})\nexcept SystemExit:\n    pass\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & {set(OFFICE)!r})))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_writers_load_lazily(tmp_path):
    assert _office_imports("--help") == []
    assert _office_imports("validate", str(SPECS / "showcase.yaml")) == []
    assert _office_imports("build", str(SPECS / "showcase.yaml"), "--format", "xlsx", "--out", str(tmp_path)) == [
        "openpyxl",
        "reportlab",  # its font files measure the table's text
    ]
    # reportlab measures table text and draws charts for Word too, but only a pack with a table or chart needs it.
    assert _office_imports("build", str(SPECS / "mali-russia.yaml"), "--format", "docx", "--out", str(tmp_path)) == [
        "docx",
        "reportlab",
    ]
    prose = tmp_path / "prose.yaml"
    prose.write_text("title: T\nsections:\n  - heading: H\n    content:\n      - paragraph: Text.\n")
    assert _office_imports("build", str(prose), "--format", "docx", "--out", str(tmp_path)) == ["docx"]
