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
from hypothesis import given, settings
from hypothesis import strategies as st

from .conftest import SPECS


def _modules(*args: str, cwd: Path) -> list[str]:
    """The modules loaded once ``briefing ARGS`` has run, in a fresh interpreter."""
    code = (
        "import json, sys\nfrom briefing.cli import main\n"
        f"try:\n    status = main({list(args)!r})\nexcept SystemExit as exc:\n    status = exc.code\n"
        "assert status in (0, None), status\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "XDG_CACHE_HOME": str(cwd / "cache")}
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
    "numpy",  # the data files' columns (and openpyxl's, which the Word build does not load)
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
    _modules(  # the first build on a machine reads the fonts' metrics with reportlab and keeps them
        "build", str(SPECS / "mali-russia.yaml"), "--format", "docx", "--out", str(tmp_path), cwd=tmp_path
    )
    modules = _modules(
        "build", str(SPECS / "mali-russia.yaml"), "--format", "docx", "--out", str(tmp_path), cwd=tmp_path
    )
    assert (tmp_path / "mali-russia.docx").is_file()
    assert [name for name in NOT_FOR_A_WORD_BUILD if _loaded(modules, name)] == []
    # The layout measures the tables' text with the metrics reportlab read from the fonts before.
    assert not _loaded(modules, "reportlab.pdfbase")


NOT_FOR_A_PACK_WITHOUT_DATA = (
    "pyarrow",
    "pypdf",
    "pypdfium2",  # the manifest's page count: the PDF writer tells it
    "smtplib",
    "email_validator",
    "starlette",
    "citeproc",
    "jsonschema",
    "babel",
    "briefing.mail",
    "briefing.send",
    "briefing.serve",
    "briefing.markings.leaks",
    "urllib.request",  # xml.sax.saxutils loads it: the writers escape their markup themselves
    "http.client",
)


def test_a_build_of_the_seed_pack_in_every_format_loads_only_what_it_uses(tmp_path):
    args = ("build", str(SPECS / "mali-russia.yaml"), "--out", str(tmp_path))
    modules = _modules(*args, cwd=tmp_path)
    assert sorted(p.suffix for p in tmp_path.glob("mali-russia.*")) == [".docx", ".html", ".json", ".pdf", ".xlsx"]
    assert [name for name in NOT_FOR_A_PACK_WITHOUT_DATA if _loaded(modules, name)] == []


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


def _fresh_faces(monkeypatch, cache_home: Path) -> None:
    from briefing.layout import measure

    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    measure._face.cache_clear()
    measure.script_line_em.cache_clear()


FONT_FILES = sorted((Path(__file__).resolve().parent.parent / "briefing" / "fonts").glob("*.ttf"))
SAMPLES = [
    "Hello, world",
    "Ménaka 375,539 — “quoted”",
    "مرحبا بالعالم ١٢٣",
    "שלום",
    "ߒߞߏ",
    "ⵜⴰⵎⴰⵣⵉⵖⵜ",
    "☂ ✓ ∑",
    "x" * 40,
]


@pytest.mark.parametrize("font", FONT_FILES, ids=lambda p: p.stem)
def test_the_metrics_kept_between_builds_measure_as_reportlab_does(font, tmp_path, monkeypatch):
    from reportlab.pdfbase.ttfonts import TTFont

    from briefing.layout import measure

    _fresh_faces(monkeypatch, tmp_path)
    read = TTFont(f"check-{font.stem}", str(font))
    for attempt in ("read from the font", "read from the cache"):
        face = measure._face(font)
        assert face.face.charWidths == read.face.charWidths, attempt
        assert (face.face.defaultWidth, face.face.ascent, face.face.descent) == (
            read.face.defaultWidth,
            read.face.ascent,
            read.face.descent,
        )
        for text in SAMPLES:
            assert face.stringWidth(text, 9.5) == read.stringWidth(text, 9.5), (attempt, text)
        measure._face.cache_clear()
    assert len(list((tmp_path / "briefing" / "font-metrics").glob(f"{font.stem}-*.json"))) == 1


def test_a_damaged_or_unwritable_metrics_cache_is_read_past(tmp_path, monkeypatch):
    from briefing.layout import measure

    _fresh_faces(monkeypatch, tmp_path)
    expected = measure.width("Sahel security outlook", 10)
    (kept,) = (tmp_path / "briefing" / "font-metrics").glob("DejaVuSans-*.json")
    kept.write_text('{"chars": [65, 66], "widths": [')  # cut off mid-write by another program
    measure._face.cache_clear()
    assert measure.width("Sahel security outlook", 10) == expected
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would be")
    _fresh_faces(monkeypatch, blocked)
    assert measure.width("Sahel security outlook", 10) == expected


FIRST_IMPORTS = (
    "briefing",
    "briefing.cli",
    "briefing.commands.build",
    "briefing.commands.specs",
    "briefing.commands.sharing",
    "briefing.reading.loader",
    "briefing.reading.values",
    "briefing.markings.portions",
    "briefing.layout",
    "briefing.registry",
    "briefing.writers.docx",
)


@pytest.mark.parametrize("module", FIRST_IMPORTS)
def test_a_module_imported_first_loads_whatever_it_needs(module):
    # The package imports nothing of its own until asked: each module must load its own needs, in an order that works.
    subprocess.run([sys.executable, "-c", f"import {module}"], check=True, capture_output=True)


@settings(deadline=None)  # the first example loads reportlab's paragraph parser, slowly on a busy machine
@given(st.text(alphabet=st.sampled_from(list("ab &<>\"'\t\u00e9;#")), min_size=1))
def test_reportlab_reads_back_the_text_and_link_the_writers_escape(text):
    from xml.sax import saxutils

    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus.paraparser import ParaParser

    from briefing.writers import markup

    def read(quoteattr, escape) -> list[tuple[str, list]]:
        _, frags, _ = ParaParser().parse(f"<a href={quoteattr(text)}>{escape(text)}</a>", style)
        return [(frag.text, frag.link) for frag in frags]

    style = getSampleStyleSheet()["Normal"]
    read_back = read(markup.quoteattr, markup.escape)
    assert "".join(text for text, _ in read_back) == text
    # Read as reportlab reads xml.sax.saxutils' markup of the same text.
    assert read_back == read(saxutils.quoteattr, saxutils.escape)
