"""Never twice, never lost: `briefing send` against SMTP servers on 127.0.0.1 that misbehave, crashes and races.

After every fault and a rerun, each message is in the server's mailbox exactly once, or
the run has reported it by its Message-ID as one that may have been delivered.
"""

from __future__ import annotations

import asyncio
import email
import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from briefing.cli import main
from briefing.sendlog import SendLog

LISTS = 20


def write_spec(folder: Path, lists: int = LISTS) -> Path:
    """A short briefing with ``lists`` lists of one recipient each."""
    entries = "".join(f"  - {{name: l{n:02d}, to: [r{n:02d}@example.org]}}\n" for n in range(lists))
    spec = folder / "brief.yaml"
    spec.write_text(
        "title: Sahel Outlook\ndate: 2026-11-24\nsections:\n  - heading: Situation\n"
        "    content:\n      - paragraph: Attacks around Ménaka continue.\ndistribution:\n" + entries
    )
    return spec


class Mailbox:
    """An aiosmtpd handler keeping what it accepts; hooks let a test misbehave at each step."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], str]] = []
        self.on_rcpt = self.on_data = None
        self.quit_reply: str | None = None
        self.data_reply = "250 Message accepted"
        self.hang = False
        self.close_after_data = False

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802 (aiosmtpd's names)
        if self.on_rcpt:
            self.on_rcpt(address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        self.received.append((list(envelope.rcpt_tos), str(message["Message-ID"])))
        if self.on_data:
            self.on_data(envelope.rcpt_tos)
        if self.hang:
            await asyncio.sleep(3600)
        if self.close_after_data:
            server.transport.close()
        return self.data_reply

    async def handle_QUIT(self, server, session, envelope):  # noqa: N802
        return self.quit_reply or "221 Bye"

    def count(self) -> dict[str, int]:
        """How many copies each recipient received."""
        counts: dict[str, int] = {}
        for recipients, _ in self.received:
            for r in recipients:
                counts[r] = counts.get(r, 0) + 1
        return counts


def options(port: int, *extra: str) -> list[str]:
    server = ["--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--smtp-security", "none"]
    return [*server, "--from", "desk@example.org", *extra]


def send(spec: Path, port: int, *extra: str) -> int:
    return main(["send", str(spec), "--out", str(spec.parent / "out"), *options(port, *extra)])


def child(spec: Path, port: int, *extra: str) -> subprocess.Popen[str]:
    """``briefing send`` in a process of its own, which a test may kill."""
    command = [sys.executable, "-m", "briefing.cli", "send", str(spec), "--out", str(spec.parent / "out")]
    return subprocess.Popen([*command, *options(port, *extra)], stderr=subprocess.PIPE, text=True)


def everyone(lists: int = LISTS) -> set[str]:
    return {f"r{n:02d}@example.org" for n in range(lists)}


def reported(text: str) -> set[str]:
    """Message-IDs that a run reported as perhaps delivered."""
    return set(re.findall(r"may have been delivered: (<[^>]+>)", text))


# -- the server misbehaves -------------------------------------------------------


@pytest.mark.parametrize("reply", ["500 Command unrecognized", "421 Service closing"])
def test_a_bad_answer_to_quit_does_not_undo_a_delivery(tmp_path, server, capsys, reply):
    spec = write_spec(tmp_path, lists=3)
    box = Mailbox()
    box.quit_reply = reply
    port = server(box)
    for _ in range(3):
        assert send(spec, port) == 0
    assert box.count() == {r: 1 for r in everyone(3)}
    err = capsys.readouterr().err
    assert err.count("sent to 1") == 3 and err.count("already sent with these files") == 6


def test_a_refusal_at_the_greeting_sends_nothing_and_a_rerun_sends_once(tmp_path, server, capsys):
    spec = write_spec(tmp_path, lists=2)
    with scripted(b"421 4.3.2 Service not available, closing\r\n") as port:
        assert send(spec, port) == 1
    assert "421 4.3.2 Service not available" in capsys.readouterr().err
    box = Mailbox()
    port = server(box)
    assert send(spec, port) == 0
    assert box.count() == {r: 1 for r in everyone(2)}


def test_a_slow_banner_is_cut_at_the_deadline(tmp_path, capsys):
    spec = write_spec(tmp_path, lists=1)
    started = time.monotonic()
    with scripted(b"220 slow.example.org ESMTP\r\n", drip=0.5) as port:
        assert send(spec, port, "--smtp-timeout", "2") == 1
    took = time.monotonic() - started
    assert took < 12, f"a two-second deadline took {took:.0f} s"
    assert "no complete answer from 127.0.0.1 within 2 s (--smtp-timeout)" in capsys.readouterr().err


def test_a_connection_dropped_mid_data_is_reported_not_resent(tmp_path, server, capsys):
    spec = write_spec(tmp_path, lists=1)
    with scripted(b"220 drop.example.org ESMTP\r\n", drop_in_data=True) as port:
        assert send(spec, port) == 1
        first = capsys.readouterr().err
        (message_id,) = reported(first)
        assert "--resend --list l00" in first
        assert send(spec, port) == 1  # the rerun neither sends again nor forgets
        assert reported(capsys.readouterr().err) == {message_id}
    box = Mailbox()
    port = server(box)
    assert send(spec, port, "--resend", "--list", "l00") == 0  # the user checked: it did not arrive
    assert box.count() == {"r00@example.org": 1}


def test_a_server_that_hangs_after_data_is_reported_by_message_id(tmp_path, server, capsys):
    spec = write_spec(tmp_path, lists=2)
    box = Mailbox()
    box.hang = True
    port = server(box)
    assert send(spec, port, "--smtp-timeout", "2", "--list", "l00") == 1
    err = capsys.readouterr().err
    assert reported(err) == {box.received[0][1]}
    box.hang = False
    assert send(spec, port) == 1  # l00 is reported again, l01 goes
    err = capsys.readouterr().err
    assert reported(err) == {box.received[0][1]} and "l01: sent to 1" in err
    assert box.count() == {r: 1 for r in everyone(2)}


def test_a_refused_message_is_logged_and_a_rerun_sends_it(tmp_path, server, capsys):
    spec = write_spec(tmp_path, lists=1)
    box = Mailbox()
    box.data_reply = "554 5.7.1 Message rejected"
    port = server(box)
    assert send(spec, port) == 1
    assert "l00: not sent: the server refused the message: 554 5.7.1 Message rejected" in capsys.readouterr().err
    box.data_reply = "250 OK"
    assert send(spec, port) == 0  # a refusal is an answer: nothing arrived, so it is sent again
    assert len(box.received) == 2


def test_one_refused_recipient_does_not_stop_the_others(tmp_path, server, capsys):
    spec = tmp_path / "brief.yaml"
    write_spec(tmp_path, lists=1)
    spec.write_text(spec.read_text().replace("to: [r00@example.org]", "to: [r00@example.org, gone@example.org]"))
    box = Mailbox()
    port = server(RefusingMailbox(box, "gone@example.org"))
    assert send(spec, port) == 1
    assert "refused by the server for gone@example.org (550" in capsys.readouterr().err
    assert send(spec, port) == 1  # only the refused address is tried again
    assert box.count() == {"r00@example.org": 1}


class RefusingMailbox(Mailbox):
    def __init__(self, box: Mailbox, refused: str) -> None:
        self.__dict__ = box.__dict__
        self.refused = refused

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        if address == self.refused:
            return "550 5.1.1 No such mailbox"
        return await super().handle_RCPT(server, session, envelope, address, options)


# -- crashes ---------------------------------------------------------------------


@pytest.mark.parametrize("victim", [0, 9, 19])
@pytest.mark.parametrize("phase", ["before-data", "during-data", "after-ack"])
def test_killed_at_any_point_a_rerun_sends_no_duplicate_and_loses_nothing(tmp_path, server, phase, victim):
    spec = write_spec(tmp_path)
    assert main(["send", str(spec), "--dry-run", "--out", str(tmp_path / "out")]) == 0  # the pack, built once
    box = Mailbox()
    target = f"r{victim:02d}@example.org"
    holder: dict[str, subprocess.Popen[str]] = {}

    def kill_now() -> None:
        holder["proc"].kill()

    if phase == "before-data":
        box.on_rcpt = lambda address: kill_now() if address == target else None
    elif phase == "during-data":  # the server has the message; the client dies before the answer
        box.on_data = lambda recipients: kill_now() if target in recipients else None
    else:  # the answer goes out and the client dies right after it
        box.on_data = lambda recipients: threading.Timer(0.01, kill_now).start() if target in recipients else None
    port = server(box)
    holder["proc"] = child(spec, port)
    holder["proc"].communicate(timeout=120)
    assert holder["proc"].returncode == -signal.SIGKILL
    box.on_rcpt = box.on_data = None
    rerun = child(spec, port)
    _, err = rerun.communicate(timeout=120)
    counts = box.count()
    assert all(n == 1 for n in counts.values()), f"duplicates: {counts}"
    maybe = reported(err)
    unaccounted = everyone() - set(counts) - {r for r, m in _logged_ids(tmp_path) if m in maybe}
    assert not unaccounted, f"lost without a word: {sorted(unaccounted)}\n{err}"
    if phase == "during-data":
        assert maybe == {box.received[victim][1]}, err  # the one in doubt, by its Message-ID


def _logged_ids(folder: Path) -> list[tuple[str, str]]:
    """(recipient, Message-ID) of every whole entry of the send log."""
    found = []
    for line in (folder / "out" / "brief.sendlog.jsonl").read_text().splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a line cut off by the full disk
        found.extend((r, entry["message_id"]) for r in entry["recipients"])
    return found


def test_two_runs_at_once_deliver_each_message_once(tmp_path, server):
    spec = write_spec(tmp_path)
    assert main(["send", str(spec), "--dry-run", "--out", str(tmp_path / "out")]) == 0
    box = Mailbox()
    box.on_data = lambda recipients: time.sleep(0.05)  # twenty lists take a second or more
    port = server(box)
    first = child(spec, port)
    time.sleep(0.6)
    second = child(spec, port)
    _, second_err = second.communicate(timeout=120)
    first.communicate(timeout=120)
    assert first.returncode == 0
    assert second.returncode == 1 and "another briefing send from this pack is running" in second_err
    assert box.count() == {r: 1 for r in everyone()}
    again = child(spec, port)
    again.communicate(timeout=120)
    assert again.returncode == 0 and box.count() == {r: 1 for r in everyone()}


def test_a_held_lock_stops_a_send_before_anything_goes(tmp_path, server, capsys):
    spec = write_spec(tmp_path, lists=1)
    (tmp_path / "out").mkdir()
    box = Mailbox()
    port = server(box)
    with SendLog(tmp_path / "out" / "brief.sendlog.jsonl"):
        assert send(spec, port) == 1
    assert "another briefing send from this pack is running; try again when it ends" in capsys.readouterr().err
    assert box.received == []


def test_a_log_that_cannot_be_written_stops_the_run_and_a_rerun_sends_each_once(tmp_path, server):
    spec = write_spec(tmp_path)
    assert main(["send", str(spec), "--dry-run", "--out", str(tmp_path / "out")]) == 0
    box = Mailbox()
    port = server(box)
    import resource

    def small_files() -> None:  # the log may grow to 2,500 bytes: a disk that fills after a few lists
        resource.setrlimit(resource.RLIMIT_FSIZE, (2500, 2500))

    command = [sys.executable, "-m", "briefing.cli", "send", str(spec), "--out", str(tmp_path / "out")]
    full = subprocess.run(
        [*command, *options(port)], capture_output=True, text=True, preexec_fn=small_files, timeout=120
    )
    assert full.returncode == 1
    assert "cannot write the send log" in full.stderr and "nothing more is sent" in full.stderr
    assert "Traceback" not in full.stderr
    assert 0 < len(box.received) < LISTS  # it stopped part-way
    rerun = subprocess.run([*command, *options(port)], capture_output=True, text=True, timeout=120)
    counts = box.count()
    assert all(n == 1 for n in counts.values()), counts
    maybe = reported(rerun.stderr)
    assert everyone() - set(counts) <= {r for r, m in _logged_ids(tmp_path) if m in maybe}


def test_a_cut_off_last_line_is_reported_and_skipped(tmp_path, server, capsys):
    spec = write_spec(tmp_path, lists=2)
    box = Mailbox()
    port = server(box)
    assert send(spec, port, "--list", "l00") == 0
    log = tmp_path / "out" / "brief.sendlog.jsonl"
    with log.open("a") as out:
        out.write('{"event": "attempt", "list": "l01", "recipi')  # what a crash mid-write leaves
    capsys.readouterr()
    assert send(spec, port) == 0
    err = capsys.readouterr().err
    assert f"{log}:3: a cut-off entry (a send was stopped while writing it) is skipped" in err
    assert "l00: already sent" in err and "l01: sent to 1" in err
    assert box.count() == {r: 1 for r in everyone(2)}
    assert all(json.loads(line) for line in log.read_text().splitlines()[3:])  # new entries on lines of their own


# -- logging in ------------------------------------------------------------------


def test_a_utf8_password_logs_in_and_never_shows(tmp_path, server, monkeypatch, capsys):
    spec = write_spec(tmp_path, lists=1)
    password = "pässwörd…Ωμέγα"
    logins: list[tuple[bytes, bytes]] = []

    def authenticate(server, session, envelope, mechanism, data):
        assert isinstance(data, LoginPassword)
        logins.append((data.login, data.password))
        return AuthResult(success=data.password == password.encode("utf-8"), handled=False)

    box = Mailbox()
    port = server(box, authenticator=authenticate, auth_require_tls=False)
    monkeypatch.setenv("BRIEFING_SMTP_PASSWORD", password)
    assert send(spec, port, "--smtp-user", "désk") == 2  # no login in clear unless asked for
    assert "--allow-plain-auth" in capsys.readouterr().err
    assert send(spec, port, "--smtp-user", "désk", "--allow-plain-auth") == 0
    assert logins == [("désk".encode(), password.encode())]
    monkeypatch.setenv("BRIEFING_SMTP_PASSWORD", "wröng…")
    assert send(spec, port, "--smtp-user", "désk", "--allow-plain-auth", "--resend") == 1
    seen = capsys.readouterr()
    assert "login as désk refused: 535" in seen.err
    shown = seen.out + seen.err + (tmp_path / "out" / "brief.sendlog.jsonl").read_text()
    for secret in (password, "wröng…"):
        assert secret not in shown
        # What once leaked: "'ascii' codec can't encode character '\xe4' in position 1".
        accented = {c for c in secret if not c.isascii()} - set("désk")
        assert not accented & set(seen.err), "a character of a password reached the terminal"


# -- a scripted server for faults before the data ---------------------------------


class scripted:  # noqa: N801 (used as a context manager, like open)
    """A loopback server that greets with ``greeting`` (a byte at a time every ``drip`` seconds), answers
    EHLO, MAIL and RCPT, and with ``drop_in_data`` closes the connection half-way through a message."""

    def __init__(self, greeting: bytes, drip: float = 0.0, drop_in_data: bool = False) -> None:
        self.greeting, self.drip, self.drop = greeting, drip, drop_in_data
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> int:
        self.thread.start()
        return self.listener.getsockname()[1]

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.listener.close()
        self.thread.join(timeout=10)

    def _serve(self) -> None:
        self.listener.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                continue
            threading.Thread(target=self._talk, args=(conn,), daemon=True).start()

    def _talk(self, conn: socket.socket) -> None:
        with conn:
            try:
                for byte in self.greeting:
                    if self.stop.is_set():
                        return
                    conn.sendall(bytes([byte]))
                    time.sleep(self.drip)
                if not self.greeting.startswith(b"220"):
                    return
                reader = conn.makefile("rb")
                while not self.stop.is_set():
                    line = reader.readline()
                    if not line:
                        return
                    verb = line[:4].upper()
                    if verb == b"EHLO":
                        conn.sendall(b"250-drop.example.org\r\n250 8BITMIME\r\n")
                    elif verb == b"DATA":
                        conn.sendall(b"354 go ahead\r\n")
                        reader.read(2000)  # part of the message, then the line goes dead
                        if self.drop:
                            conn.shutdown(socket.SHUT_RDWR)
                            return
                    elif verb == b"QUIT":
                        conn.sendall(b"221 bye\r\n")
                        return
                    else:
                        conn.sendall(b"250 OK\r\n")
            except OSError:
                return
