"""A pack is put in place at once: a build killed at any step leaves all of the previous pack or all of the new one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefing.cli import main
from briefing.verify import verify

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("html", "pdf", "xlsx")  # the commit is the same for any format; Word is left out for speed
NAMES = (*(f"brief.{f}" for f in ("docx", *FORMATS)), "brief.manifest.json")
SPEC = "title: {title}\nsections:\n  - heading: Situation\n    content:\n      - paragraph: {text}\n"


def view(out: Path) -> dict[str, bytes | None]:
    """What a reader of the output folder finds under each name of the pack (None: no file)."""
    found: dict[str, bytes | None] = {}
    for name in NAMES:
        try:
            found[name] = (out / name).read_bytes()
        except FileNotFoundError:
            found[name] = None
    return found


def as_an_older_briefing_left_it(out: Path) -> None:
    """Plain files in the output folder, as every briefing before the .packs/ folder wrote them."""
    for name in NAMES:
        if (out / name).exists():
            data = (out / name).read_bytes()
            (out / name).unlink()
            (out / name).write_bytes(data)
    shutil.rmtree(out / ".packs")


class Killer:
    """A process that forks builds and kills each at a chosen step (tests/kill_at_step.py)."""

    def __init__(self, argv: list[str]) -> None:
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.kill_at_step", *argv],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )

    def run(self, kill_at: int) -> str:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(f"{kill_at}\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().strip()

    def close(self) -> None:
        assert self.process.stdin
        self.process.stdin.close()
        self.process.wait(timeout=30)


def build(spec: Path, out: Path, formats: tuple[str, ...]) -> None:
    os.environ["SOURCE_DATE_EPOCH"] = "1767225600"  # the same bytes from the same spec, in every process
    assert main(["build", str(spec), "--out", str(out), "--format", ",".join(formats)]) == 0


@pytest.mark.parametrize(
    ("before", "formats"),
    [
        ("pack", FORMATS),
        ("pack", ("pdf",)),  # a pack of fewer files: the others' names go with the switch
        ("plain files", ("pdf", "xlsx")),  # the older pack's HTML goes with it
        ("nothing", FORMATS),
    ],
    ids=["over-a-pack", "fewer-formats", "over-plain-files", "first-build"],
)
def test_a_build_killed_at_any_step_leaves_one_whole_pack(before, formats, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    spec = tmp_path / "brief.yaml"
    start, out, ref = tmp_path / "start", tmp_path / "out", tmp_path / "ref"  # one depth: the same relative paths
    start.mkdir()
    if before != "nothing":
        spec.write_text(SPEC.format(title="Old", text="Talks stalled."))
        build(spec, start, FORMATS)
        if before == "plain files":
            as_an_older_briefing_left_it(start)
    spec.write_text(SPEC.format(title="New", text="Talks resumed in Niamey."))
    build(spec, ref, formats)
    old, new = view(start), view(ref)
    assert all(old[n] != new[n] for n in NAMES if old[n] or new[n]), "every file of the new pack differs"

    killer = Killer(["build", str(spec), "--out", str(out), "--format", ",".join(formats)])
    try:
        shutil.copytree(start, out, symlinks=True)
        done, steps, _, status = killer.run(0).split()
        assert (done, status) == ("done", "0")
        count = int(steps)
        assert view(out) == new
        seen = {"old": 0, "new": 0}
        for kill_at in range(1, count + 1):
            shutil.rmtree(out)
            shutil.copytree(start, out, symlinks=True)
            assert killer.run(kill_at) == "killed"
            shown = view(out)
            assert shown in (old, new), f"killed at step {kill_at} of {count}: a mixed pack"
            seen["old" if shown == old else "new"] += 1
            if shown[NAMES[-1]] is not None:
                assert verify(out / NAMES[-1], inputs=False) == [], f"killed at step {kill_at}"
            # The next build finishes the work and clears what the killed one left.
            assert killer.run(0).endswith("status 0")
            assert view(out) == new
            assert_tidy(out)
    finally:
        killer.close()
    assert seen["old"] and (seen["new"] or before == "nothing"), seen  # kills fell on both sides of the switch


def assert_tidy(out: Path) -> None:
    assert not list(out.glob(".briefing-*")), "temporary files left"
    versions = sorted(p.name for p in (out / ".packs" / "brief").iterdir())
    assert len(versions) == 2 and versions[0] == "current" and versions[1].startswith("pack."), versions


def test_names_lead_into_the_folder_so_it_can_be_moved(tmp_path):
    spec = tmp_path / "brief.yaml"
    spec.write_text(SPEC.format(title="T", text="Text."))
    build(spec, tmp_path / "out", FORMATS)
    (tmp_path / "out").rename(tmp_path / "moved")
    moved = tmp_path / "moved"
    assert all(not os.readlink(moved / name).startswith("/") for name in NAMES if (moved / name).is_symlink())
    assert verify(moved / "brief.manifest.json", inputs=False) == []
    assert b"Text." in (moved / "brief.html").read_bytes()


def test_two_builds_of_one_pack_at_once_leave_one_of_them_whole(tmp_path):
    """Each build writes its own version; the switches take turns under a lock, the last one shown."""
    out = tmp_path / "out"
    specs = []
    for n in range(2):
        folder = tmp_path / f"s{n}"
        folder.mkdir()
        (folder / "brief.yaml").write_text(SPEC.format(title=f"Build {n}", text=f"Text {n}."))
        specs.append(folder / "brief.yaml")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(2):
        runs = [
            subprocess.Popen(
                [sys.executable, "-m", "briefing.cli", "build", str(s), "--out", str(out), "-f", "html"], env=env
            )
            for s in specs
        ]
        assert [r.wait(timeout=120) for r in runs] == [0, 0]
        assert verify(out / "brief.manifest.json", inputs=False) == []
        html = (out / "brief.html").read_text(encoding="utf-8")
        assert ("Text 0." in html) != ("Text 1." in html)
        assert_tidy(out)


def test_a_folder_in_the_way_is_one_line_and_the_pack_stays(tmp_path, capsys):
    spec = tmp_path / "brief.yaml"
    spec.write_text(SPEC.format(title="T", text="Text."))
    out = tmp_path / "out"
    (out / "brief.pdf").mkdir(parents=True)
    assert main(["build", str(spec), "--out", str(out)]) == 2
    assert capsys.readouterr().err == f"briefing: {out / 'brief.pdf'}: a folder stands where the pack's file goes\n"
    assert sorted(p.name for p in out.iterdir()) == ["brief.pdf"]


def test_a_build_killed_while_writing_is_cleared_by_the_next(tmp_path):
    """The temporary folder a killed build leaves is removed by the next build into the folder."""
    out = tmp_path / "out"
    out.mkdir()
    left = out / f".briefing-brief.{_dead_pid()}.abc123.tmp"
    (left / "brief.pdf").parent.mkdir()
    (left / "brief.pdf").write_bytes(b"half")
    spec = tmp_path / "other.yaml"
    spec.write_text(SPEC.format(title="T", text="Text."))
    assert main(["build", str(spec), "--out", str(out), "--format", "pdf"]) == 0
    assert not left.exists()


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    time.sleep(0.05)
    return process.pid
