"""The user's cache is read only from folders that are the user's alone: a folder or an entry another
user could have put there or swapped in is not read, and what it would hold is worked out again."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from reportlab.pdfbase.ttfonts import TTFont

from briefing import manifest, user_cache
from briefing.layout import measure
from briefing.style import BUNDLED_FONTS
from briefing.writers.pdf import fonts

NOBODY = 65534
as_root = pytest.mark.skipif(os.name != "posix" or os.getuid() != 0, reason="another user's files are made by root")


@pytest.fixture
def entry(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    kept = user_cache.folder("font-metrics") / "entry.json"
    user_cache.keep(kept, "kept")
    return kept


def _linked(folder: Path) -> None:
    """The folder moved aside, a link to it at its place (the user's own, private folder)."""
    aside = folder.with_name(folder.name + "-aside")
    folder.rename(aside)
    folder.symlink_to(aside, target_is_directory=True)


def _linked_entry(entry: Path) -> None:
    aside = entry.with_name("aside.json")
    entry.rename(aside)
    entry.symlink_to(aside)


FOLDER_SPOILS: dict[str, Callable[[Path], None]] = {
    "cache folder group-writable": lambda e: e.parent.parent.chmod(0o770),
    "cache folder world-writable": lambda e: e.parent.parent.chmod(0o1777),
    "kind folder group-writable": lambda e: e.parent.chmod(0o770),
    "kind folder world-writable": lambda e: e.parent.chmod(0o777),
    "link at the cache folder": lambda e: _linked(e.parent.parent),
    "link at the kind folder": lambda e: _linked(e.parent),
}
OTHER_USERS = {
    "cache folder another user's": lambda e: os.chown(e.parent.parent, NOBODY, -1),
    "kind folder another user's": lambda e: os.chown(e.parent, NOBODY, -1),
}
SPOILS = [pytest.param(spoil, id=name) for name, spoil in FOLDER_SPOILS.items()] + [
    pytest.param(spoil, id=name, marks=as_root) for name, spoil in OTHER_USERS.items()
]


def test_an_entry_kept_in_the_users_own_folders_is_read_back(entry):
    assert user_cache.read(entry) == b"kept"
    for folder in (entry.parent, entry.parent.parent):
        assert stat.S_IMODE(folder.stat().st_mode) & 0o077 == 0
    assert [p.name for p in entry.parent.iterdir()] == ["entry.json"]  # no temporary file left


@pytest.mark.parametrize("spoil", SPOILS)
def test_an_entry_in_a_folder_others_may_reach_is_not_read_nor_written(entry, spoil):
    spoil(entry)
    assert user_cache.read(entry) is None
    user_cache.keep(entry, "written again")
    assert entry.read_text() == "kept"


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(_linked_entry, id="link at the entry"),
        pytest.param(lambda e: os.chown(e, NOBODY, -1), id="entry another user's", marks=as_root),
        pytest.param(lambda e: (e.unlink(), os.mkfifo(e)), id="a pipe at the entry"),
    ],
)
def test_an_entry_that_is_not_a_file_of_the_users_is_not_read(entry, spoil):
    spoil(entry)
    assert user_cache.read(entry) is None


def test_a_file_where_the_cache_would_be_leaves_the_cache_unused(tmp_path, monkeypatch):
    (tmp_path / "blocked").write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "blocked"))
    entry = user_cache.folder("font-metrics") / "entry.json"
    user_cache.keep(entry, "kept")
    assert user_cache.read(entry) is None


def _plant_widths(folder: Path) -> None:
    """Every font-metrics entry made to say each letter is three times as wide (well-formed, wrong)."""
    for kept in folder.glob("*.json"):
        data = json.loads(kept.read_text())
        data["widths"] = [w * 3 for w in data["widths"]]
        kept.write_text(json.dumps(data))


def _fresh_metrics() -> None:
    measure._face.cache_clear()
    measure.script_line_em.cache_clear()


@as_root
def test_font_metrics_planted_in_a_folder_not_the_users_are_not_used(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    _fresh_metrics()
    expected = measure.width("Hello world", 10)
    folder = tmp_path / "cache" / "briefing" / "font-metrics"
    _plant_widths(folder)
    _fresh_metrics()
    assert measure.width("Hello world", 10) == pytest.approx(3 * expected)  # the user's own folder is read
    os.chown(folder, NOBODY, -1)
    _fresh_metrics()
    assert measure.width("Hello world", 10) == expected


@as_root
def test_a_package_digest_planted_in_a_folder_not_the_users_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    digest = manifest.package_digest.__wrapped__
    expected = digest()
    (kept,) = (tmp_path / "cache" / "briefing" / "package-digest").iterdir()
    kept.write_text("0" * 64)
    assert digest() == "0" * 64  # the user's own folder is read
    os.chown(kept.parent, NOBODY, -1)
    os.chmod(kept.parent, 0o777)
    assert digest() == expected
    os.chown(kept.parent, 0, -1)
    os.chmod(kept.parent, 0o700)
    os.chown(kept, NOBODY, -1)  # an entry another user put in the user's folder
    assert digest() == expected


@as_root
def test_pdf_faces_planted_in_a_folder_not_the_users_are_not_used(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    sans, serif = BUNDLED_FONTS["DejaVu Sans"].regular, BUNDLED_FONTS["DejaVu Serif"].regular
    fonts._font("check-sans", sans)
    fonts._font("check-serif", serif)
    folder = tmp_path / "cache" / "briefing" / "pdf-faces"
    (sans_entry,) = folder.glob("DejaVuSans-*.bin")
    (serif_entry,) = folder.glob("DejaVuSerif-*.bin")
    assert user_cache.read(sans_entry) is not None
    sans_entry.write_bytes(serif_entry.read_bytes())  # another font's faces under this font's name
    os.chown(folder, NOBODY, -1)
    assert user_cache.read(sans_entry) is None
    face = fonts._font("check-sans-again", sans).face
    assert face.charWidths == TTFont("reference-sans", str(sans)).face.charWidths
