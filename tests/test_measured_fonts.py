"""What the layout measures, and where a font's numbers come from: every text of a column counted, PDF
font names that do not depend on where the fonts are installed, a metrics cache that holds only what
the font's own bytes give."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pdfplumber
import pytest

from briefing import user_cache
from briefing.layout import measure
from briefing.layout.geometry import PADDING, TABLE_TEXT, geometry
from briefing.model import Briefing, Section, Table
from briefing.reading.inline import parse_inline
from briefing.style import BUNDLED_FONTS, Style
from briefing.writers.docx.writer import DocxWriter
from briefing.writers.html.writer import HtmlWriter
from briefing.writers.pdf.writer import PdfWriter

EPOCH = 1_700_000_000
WIDE = "W" * 16
"""Shorter by characters than every narrow label below, wider in points than each."""
NARROW = tuple("i" * n for n in range(20, 50))
"""More long labels than the layout used to measure, all narrow."""
LONG = "Armed groups block the main supply road to the north for weeks at a time, and convoys wait. " * 3


def _table() -> Table:
    rows = [(label, LONG) for label in NARROW[:3]] + [(WIDE, "wide")] + [(label, "x") for label in NARROW[3:]]
    return Table(("Label", "Note"), tuple(rows), "Labels")


def _doc(style: Style | None = None) -> Briefing:
    return Briefing("Labels", (Section(parse_inline("Annex"), (_table(),)),), style=style or Style())


def test_a_short_line_of_wide_letters_is_the_widest_the_layout_measures():
    style = Style()
    laid = geometry(_table(), style)
    wide = measure.width(WIDE, style.font_size * TABLE_TEXT)
    assert laid.columns[0].max_content >= wide
    assert laid.columns[0].width - 2 * laid.padding >= wide  # the column holds it: Word and HTML take this width


def test_a_short_line_of_wide_letters_stays_in_its_pdf_column(tmp_path):
    path = tmp_path / "out.pdf"
    assert PdfWriter().write(_doc(), path) == []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            words = page.extract_words()
            notes = [w for w in words if w["text"] == "Note"]
            if not notes:
                continue
            edge = notes[0]["x0"] - PADDING  # the second column starts here: the first ends here
            ws = [c for c in page.chars if c["text"] == "W" and c["top"] > notes[0]["bottom"]]
            assert ws, "the wide label is on the table's page"
            assert max(c["x1"] for c in ws) <= edge + 0.01
            return
    pytest.fail("no table found")


def test_the_html_column_holds_the_wide_line(tmp_path):
    path = tmp_path / "out.html"
    assert HtmlWriter().write(_doc(), path) == []
    style = Style()
    first = path.read_text(encoding="utf-8").split('<col style="width:', 1)[1]
    assert float(first.split("pt", 1)[0]) >= measure.width(WIDE, style.font_size * TABLE_TEXT) + 2 * PADDING - 0.1


def _family(folder: Path):
    dejavu = BUNDLED_FONTS["DejaVu Sans"]
    folder.mkdir(parents=True)
    faces = [dejavu.regular, dejavu.bold, dejavu.italic, dejavu.bold_italic]
    copies = []
    for face in faces:
        assert face is not None
        copies.append(Path(shutil.copy2(face, folder / face.name)))
    return replace(dejavu, regular=copies[0], bold=copies[1], italic=copies[2], bold_italic=copies[3])


def test_the_same_fonts_in_two_folders_give_the_same_pdf(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    made = []
    for where in ("one/fonts", "two/elsewhere/fonts"):
        style = Style(body_font=_family(tmp_path / where))
        path = tmp_path / where.replace("/", "-")
        path = path.with_suffix(".pdf")
        assert PdfWriter().write(_doc(style), path) == []
        made.append(path.read_bytes())
    assert made[0] == made[1]


def _fresh(monkeypatch, cache_home: Path) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    measure._face.cache_clear()
    measure.script_line_em.cache_clear()
    return cache_home / "briefing" / "font-metrics"


def _builds(tmp_path: Path, name: str) -> tuple[bytes, bytes]:
    out = tmp_path / name
    out.mkdir()
    assert PdfWriter().write(_doc(), out / "a.pdf") == []
    assert DocxWriter().write(_doc(), out / "a.docx") == []
    return (out / "a.pdf").read_bytes(), (out / "a.docx").read_bytes()


def test_a_cache_entry_with_wrong_widths_is_not_used_and_is_written_again(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    folder = _fresh(monkeypatch, tmp_path / "cache")
    cold = _builds(tmp_path, "cold")
    entries = sorted(folder.glob("DejaVuSans-*.json"))
    assert entries
    for entry in entries:
        data = json.loads(entry.read_text())
        assert data["count"] == len(data["chars"]) == len(data["widths"])
        data["widths"] = [w * 3 for w in data["widths"]]  # well-formed, wrong
        data["font"] = "0" * 64
        entry.write_text(json.dumps(data))
    measure._face.cache_clear()
    assert _builds(tmp_path, "tampered") == cold
    for entry in entries:  # written again from the font
        data = json.loads(entry.read_text())
        assert data["font"] != "0" * 64


def test_a_cache_entry_cut_short_or_with_widths_missing_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    folder = _fresh(monkeypatch, tmp_path / "cache")
    cold = _builds(tmp_path, "cold")
    entries = sorted(folder.glob("*.json"))
    for n, entry in enumerate(entries):
        if n % 2:
            entry.write_bytes(entry.read_bytes()[: len(entry.read_bytes()) // 2])
        else:
            data = json.loads(entry.read_text())
            data["widths"] = data["widths"][:-1]
            entry.write_text(json.dumps(data))
    measure._face.cache_clear()
    assert _builds(tmp_path, "damaged") == cold
    assert not list(folder.glob("*.tmp"))


@pytest.mark.skipif(os.name != "posix", reason="folder permissions")
def test_a_read_only_cache_folder_is_read_past(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    folder = _fresh(monkeypatch, tmp_path / "cache")
    cold = _builds(tmp_path, "cold")
    for entry in folder.glob("*.json"):
        entry.unlink()
    folder.chmod(0o555)
    try:
        measure._face.cache_clear()
        assert _builds(tmp_path, "read-only") == cold
        if not os.access(folder, os.W_OK):  # root writes there all the same
            assert not list(folder.iterdir())
    finally:
        folder.chmod(0o755)


def test_a_link_at_the_cache_entry_is_replaced_not_written_through(tmp_path, monkeypatch):
    folder = _fresh(monkeypatch, tmp_path / "cache")
    font = BUNDLED_FONTS["DejaVu Sans"].regular
    measure._face(font)
    (entry,) = folder.glob("DejaVuSans-*.json")
    entry.unlink()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    entry.symlink_to(victim)
    measure._face.cache_clear()
    measure._face(font)
    assert victim.read_text() == "keep me"
    assert not entry.is_symlink() and json.loads(entry.read_text())["count"] > 0
    assert not list(folder.glob("*.tmp"))


def test_a_failed_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    folder = _fresh(monkeypatch, tmp_path / "cache")

    def refuse(src, dst, **where):
        raise OSError("no room")

    monkeypatch.setattr(user_cache.os, "replace", refuse)  # where the entry is put in place
    measure._face(BUNDLED_FONTS["DejaVu Sans"].regular)
    assert folder.is_dir() and not list(folder.iterdir())


def test_two_builds_at_once_leave_a_valid_cache(tmp_path, monkeypatch):
    folder = _fresh(monkeypatch, tmp_path / "cache")
    script = "from briefing.layout import measure; from briefing.style import BUNDLED_FONTS as F\n" + (
        "for _ in range(20):\n    measure._face.cache_clear(); measure._face(F['DejaVu Sans'].regular)\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    runs = [subprocess.Popen([sys.executable, "-c", script], env=env) for _ in range(2)]
    assert [run.wait(timeout=120) for run in runs] == [0, 0]
    (entry,) = folder.glob("DejaVuSans-*.json")
    assert not list(folder.glob("*.tmp"))
    measure._face.cache_clear()
    from reportlab.pdfbase.ttfonts import TTFontFace

    font = BUNDLED_FONTS["DejaVu Sans"].regular
    assert measure._cached(entry, measure.hashlib.sha256(font.read_bytes()).hexdigest()) is not None
    assert measure._face(font).face.charWidths == TTFontFace(str(font)).charWidths
