"""The send log over time: lines cut by a full disk, entries from elsewhere, and packs built again.

A send is recognised by what its recipients get, not by where the project sits or which
versions built it: a renamed folder or an upgrade sends nothing again, while an edit does.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image as PILImage

from .test_send_faults import Mailbox, options, send, write_spec


def briefing_send(
    spec: Path, port: int, env: dict[str, str] | None = None, **run: object
) -> subprocess.CompletedProcess:
    """``briefing send`` in a process of its own, as a user runs it."""
    command = [sys.executable, "-m", "briefing.cli", "send", str(spec), "--out", str(spec.parent / "out")]
    environment = {**os.environ, **(env or {})}
    return subprocess.run(
        [*command, *options(port)], capture_output=True, text=True, timeout=300, env=environment, **run
    )


# -- a line cut anywhere ------------------------------------------------------------------

PREFIX = b'{"event": "attempt", "list": "desk", "recipients": ["j'
"""How the send log's first line starts, up to the é of jérôme."""


@pytest.mark.parametrize(
    "cut", [len(PREFIX) + 1, len(PREFIX), 7], ids=["inside-a-utf8-character", "before-it", "in-a-key"]
)
def test_a_log_line_cut_by_a_full_disk_is_skipped_and_reported_and_the_mail_goes_once(tmp_path, server, cut):
    spec = tmp_path / "été.yaml"
    spec.write_text(
        "title: Sahel Outlook\ndate: 2026-11-24\nsections:\n  - heading: Situation\n"
        "    content:\n      - paragraph: Attacks around Ménaka continue.\n"
        "distribution:\n  - {name: desk, to: [jérôme@example.org]}\n",
        encoding="utf-8",
    )
    box = Mailbox()
    port = server(box, enable_SMTPUTF8=True)
    built = subprocess.run(
        [sys.executable, "-m", "briefing.cli", "send", str(spec), "--dry-run", "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr

    def full_disk() -> None:  # the log may grow to ``cut`` bytes: the disk fills while its first line is written
        resource.setrlimit(resource.RLIMIT_FSIZE, (cut, cut))

    full = briefing_send(spec, port, preexec_fn=full_disk)
    assert full.returncode == 1 and "cannot write the send log" in full.stderr and "Traceback" not in full.stderr
    log = tmp_path / "out" / "été.sendlog.jsonl"
    assert len(log.read_bytes()) == cut and box.received == []  # cut where asked; nothing went
    if cut == len(PREFIX) + 1:
        assert log.read_bytes()[-1:] == "é".encode()[:1]  # half a character
    rerun = briefing_send(spec, port)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{log}:1: a cut-off entry (a send was stopped while writing it) is skipped" in rerun.stderr
    assert box.count() == {"jérôme@example.org": 1}
    again = briefing_send(spec, port)
    assert again.returncode == 0 and "desk: already sent" in again.stderr
    assert f"{log}:1: a cut-off entry" in again.stderr  # still said: the line is still there
    assert box.count() == {"jérôme@example.org": 1}


# -- entries briefing did not write ------------------------------------------------------


def test_an_entry_without_a_message_id_is_used_and_an_attempt_without_one_stays_in_doubt(tmp_path, server, capsys):
    spec = write_spec(tmp_path, lists=2)
    box = Mailbox()
    port = server(box)
    assert send(spec, port) == 0
    log = tmp_path / "out" / "brief.sendlog.jsonl"
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    for entry in entries:
        del entry["message_id"]
    kept = [e for e in entries if not (e["list"] == "l01" and e["event"] == "delivered")]  # l01: no answer
    log.write_text("".join(json.dumps(e) + "\n" for e in kept))
    capsys.readouterr()
    assert send(spec, port) == 1
    err = capsys.readouterr().err
    assert "l00: already sent" in err
    assert "l01: may have been delivered: a message whose Message-ID the send log does not hold was sent" in err
    assert "KeyError" not in err and box.count() == {"r00@example.org": 1, "r01@example.org": 1}
    assert send(spec, port, "--resend", "--list", "l01") == 0  # the user checked: it did not arrive
    assert box.count() == {"r00@example.org": 1, "r01@example.org": 2}


@pytest.mark.parametrize(
    ("line", "wrong"),
    [
        ('{"list": "l00", "recipients": "r00@example.org"}', "no list of recipients"),
        ('{"event": "sent", "list": "l00", "recipients": []}', "an unknown event 'sent'"),
        ('["l00"]', "not a JSON object"),
        ('{"list": "l00", "recipients": [], "message_id": 7}', "a message_id that is not text"),
    ],
)
def test_a_whole_line_that_is_no_entry_stops_the_run_before_anything_goes(tmp_path, server, capsys, line, wrong):
    spec = write_spec(tmp_path, lists=2)
    box = Mailbox()
    port = server(box)
    assert send(spec, port, "--list", "l00") == 0
    log = tmp_path / "out" / "brief.sendlog.jsonl"
    with log.open("a") as out:
        out.write(line + "\n")
    capsys.readouterr()
    assert send(spec, port) == 1
    err = capsys.readouterr().err.strip()
    assert err == (
        f"briefing: {log}:3: not an entry of a send log ({wrong}); "
        "correct or delete the line, then send again; nothing more is sent"
    )
    assert box.count() == {"r00@example.org": 1}


# -- the content key: what the recipients get ------------------------------------------------


def _project(folder: Path) -> Path:
    """A project with a picture and a data file, and one list that gets every format."""
    folder.mkdir()
    PILImage.new("RGB", (400, 200), "#336699").save(folder / "map.png")
    (folder / "data").mkdir()
    (folder / "data" / "incidents.csv").write_text("month,Mali,Niger\nJan,61,34\nFeb,58,29\n")
    spec = folder / "brief.yaml"
    spec.write_text(
        "title: Sahel Outlook\ndate: 2026-11-24\nsections:\n  - heading: Situation\n    content:\n"
        "      - paragraph: Attacks around Ménaka continue.\n"
        "      - image: {path: map.png, caption: Where}\n"
        "      - table: {title: Incidents, source: data/incidents.csv}\n"
        "distribution:\n  - {name: desk, to: [desk@example.org], formats: [pdf, docx, xlsx]}\n"
    )
    return spec


def _upgraded(folder: Path) -> dict[str, str]:
    """An environment in which Jinja2 and reportlab report version 99.0: what an upgrade that changes
    no byte a reader sees looks like to briefing (their code is the same)."""
    for name in ("Jinja2", "reportlab"):
        info = folder / f"{name}-99.0.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 99.0\n")
    return {"PYTHONPATH": os.pathsep.join(p for p in (str(folder), os.environ.get("PYTHONPATH", "")) if p)}


def _pack(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.iterdir() if p.suffix in (".pdf", ".docx", ".xlsx")}


def test_a_renamed_folder_and_an_upgrade_send_nothing_again_and_an_edit_does(tmp_path, server):
    box = Mailbox()
    port = server(box)
    spec = _project(tmp_path / "desk")
    first = briefing_send(spec, port, {"SOURCE_DATE_EPOCH": "1764000000"})
    assert first.returncode == 0, first.stderr
    assert box.count() == {"desk@example.org": 1}
    sent = _pack(spec.parent / "out")

    moved = tmp_path / "desk-renamed"
    spec.parent.rename(moved)
    spec = moved / "brief.yaml"
    for name in _pack(moved / "out"):
        (moved / "out" / name).unlink()  # built again, at another time: other bytes, the same content
    again = briefing_send(spec, port, {"SOURCE_DATE_EPOCH": "1765000000"})
    assert again.returncode == 0 and "desk: already sent with these files" in again.stderr, again.stderr
    rebuilt = _pack(moved / "out")
    assert rebuilt.keys() == sent.keys() and all(rebuilt[n] != sent[n] for n in sent)  # only the key matched

    env = {**_upgraded(tmp_path / "site"), "SOURCE_DATE_EPOCH": "1766000000"}
    upgraded = briefing_send(spec, port, env)
    assert upgraded.returncode == 0 and "desk: already sent with these files" in upgraded.stderr, upgraded.stderr
    manifest = json.loads((moved / "out" / "brief.manifest.json").read_text())
    assert manifest["versions"]["Jinja2"] == manifest["versions"]["reportlab"] == "99.0"  # the upgrade was seen
    assert box.count() == {"desk@example.org": 1}

    PILImage.new("RGB", (400, 200), "#993366").save(moved / "map.png")  # a reader sees another picture
    edited = briefing_send(spec, port)
    assert edited.returncode == 0 and "desk: sent to 1" in edited.stderr, edited.stderr
    (moved / "data" / "incidents.csv").write_text("month,Mali,Niger\nJan,61,34\nFeb,58,30\n")  # one number
    edited = briefing_send(spec, port)
    assert edited.returncode == 0 and "desk: sent to 1" in edited.stderr, edited.stderr
    assert box.count() == {"desk@example.org": 3}


def test_a_comment_in_the_spec_changes_nothing_a_reader_sees_and_sends_nothing(tmp_path, server, capsys):
    spec = write_spec(tmp_path, lists=1)
    box = Mailbox()
    port = server(box)
    assert send(spec, port) == 0
    spec.write_text("# checked by the desk\n" + spec.read_text())  # the pack is built again
    assert send(spec, port) == 0
    assert "l00: already sent with these files" in capsys.readouterr().err
    assert box.count() == {"r00@example.org": 1}
