"""What a server says around the data, and the bytes that go: hand-written SMTP servers (asyncio, 127.0.0.1).

Each server follows the protocol up to DATA and then misbehaves as a test tells it. After
DATA only a 250 is a delivery and a 4xx or 5xx a refusal; anything else leaves the message
as one that may have been delivered, never sent again on its own. Before the server's
go-ahead nothing can have arrived, and the run says so.
"""

from __future__ import annotations

import asyncio
import email
import threading
from email import policy

import pytest

from briefing.cli import main

from .test_send_faults import Mailbox, reported, send, write_spec


class Replying:
    """An SMTP server on 127.0.0.1 that answers DATA with ``to_data`` and the message with ``after_data``
    (None: it hangs up instead); ``messages`` keeps each message's bytes as they came, closing dot included."""

    def __init__(self, to_data: bytes | None = b"354 go ahead\r\n", after_data: bytes | None = b"250 OK\r\n") -> None:
        self.to_data, self.after_data = to_data, after_data
        self.messages: list[bytes] = []
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self) -> int:
        self.thread.start()
        start = asyncio.start_server(self._talk, "127.0.0.1", 0, limit=1 << 24)
        self.server = asyncio.run_coroutine_threadsafe(start, self.loop).result(timeout=10)
        return self.server.sockets[0].getsockname()[1]

    def __exit__(self, *_: object) -> None:
        async def stop() -> None:
            self.server.close()
            await self.server.wait_closed()

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()

    async def _talk(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 replying.example.org ESMTP\r\n")
        try:
            while line := await reader.readline():
                verb = line[:4].upper()
                if verb == b"EHLO":
                    writer.write(b"250-replying.example.org\r\n250 8BITMIME\r\n")
                elif verb == b"DATA" and self.to_data is None:
                    return  # the connection ends after RCPT, before the server's go-ahead
                elif verb == b"DATA":
                    writer.write(self.to_data)
                    if self.to_data.startswith(b"354"):
                        self.messages.append(await reader.readuntil(b"\r\n.\r\n"))
                        if self.after_data is None:
                            return
                        writer.write(self.after_data)
                elif verb == b"QUIT":
                    writer.write(b"221 bye\r\n")
                    return
                else:
                    writer.write(b"250 OK\r\n")
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            writer.close()

    def message_ids(self) -> list[str]:
        return [str(_parse(raw)["Message-ID"]) for raw in self.messages]


def _parse(wire: bytes) -> email.message.EmailMessage:
    """A message from its bytes on the wire: the closing dot line taken off, doubled dots made single."""
    raw = wire.removesuffix(b".\r\n").replace(b"\r\n..", b"\r\n.")
    raw = raw[1:] if raw.startswith(b"..") else raw
    return email.message_from_bytes(raw, policy=policy.default)  # type: ignore[return-value]


# -- after the data: a clear yes, a clear no, or doubt ----------------------------------


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        (b"Thanks, got it\r\n", "an answer that is not an SMTP reply"),
        (b"250 " + b"x" * 9000 + b"\r\n", "an answer too long to read"),
        (b"2.0.0 queued as 4F2A\r\n", "an answer that is not an SMTP reply"),
        (b"354 go on\r\n", "an answer that is neither a yes nor a no: 354 go on"),
        (None, "sent, and not confirmed: SMTPServerDisconnected: Connection unexpectedly closed"),
    ],
    ids=["prose", "9000-character-250", "status-code-only", "354-again", "closed"],
)
def test_an_answer_after_data_that_is_no_clear_refusal_is_held_not_resent(tmp_path, capsys, answer, said):
    spec = write_spec(tmp_path, lists=1)
    server = Replying(after_data=answer)
    with server as port:
        assert send(spec, port, "--smtp-timeout", "5") == 1
        first = capsys.readouterr().err
        (message_id,) = reported(first)
        assert said in first and "refused" not in first
        assert send(spec, port, "--smtp-timeout", "5") == 1  # the rerun neither sends again nor forgets
        assert reported(capsys.readouterr().err) == {message_id}
    assert server.message_ids() == [message_id]  # it went once


@pytest.mark.parametrize("answer", [b"554 5.7.1 rejected as spam\r\n", b"451 4.3.0 try again later\r\n"])
def test_a_clear_refusal_after_data_is_sent_again_on_the_next_run(tmp_path, capsys, answer):
    spec = write_spec(tmp_path, lists=1)
    server = Replying(after_data=answer)
    with server as port:
        assert send(spec, port) == 1
        assert f"l00: not sent: the server refused the message: {answer.decode().strip()}" in capsys.readouterr().err
        server.after_data = b"250 2.0.0 queued\r\n"
        assert send(spec, port) == 0
        assert send(spec, port) == 0  # and then never again
    assert len(server.messages) == 2 and "already sent" in capsys.readouterr().err


# -- before the data: nothing went ----------------------------------------------------------


@pytest.mark.parametrize(
    ("to_data", "said"),
    [
        (
            None,
            "the connection ended before the server asked for the message "
            "(SMTPServerDisconnected: Connection unexpectedly closed)",
        ),
        (b"554 5.5.1 no valid recipients\r\n", "the server refused to take the message: 554 5.5.1 no valid recipients"),
        (b"Go ahead then\r\n", "the server answered DATA with a line that is not an SMTP reply"),
    ],
    ids=["closed", "refused", "garbled"],
)
def test_a_connection_that_ends_before_the_go_ahead_is_reported_as_not_sent(tmp_path, server, capsys, to_data, said):
    spec = write_spec(tmp_path, lists=2)
    with Replying(to_data=to_data) as port:
        assert send(spec, port) == 1
    err = capsys.readouterr().err
    assert f"l00: not sent: {said}" in err and f"l01: not sent: {said}" in err
    assert "may have been delivered" not in err
    box = Mailbox()
    assert send(spec, server(box)) == 0  # nothing was held back: every list goes, once
    assert box.count() == {"r00@example.org": 1, "r01@example.org": 1}
    assert send(spec, server(box)) == 0 and box.count() == {"r00@example.org": 1, "r01@example.org": 1}


# -- the size budget counts what goes on the wire ---------------------------------------------


def test_the_size_budget_counts_the_bytes_on_the_wire(tmp_path, capsys, monkeypatch):
    # A line of dots is wrapped into many lines that start with a dot; SMTP doubles each of those dots.
    monkeypatch.setattr("briefing.mail.make_msgid", lambda idstring, domain: f"<fixed.{idstring}@{domain}>")
    spec = write_spec(tmp_path, lists=1)
    spec.write_text(spec.read_text().replace("Attacks around Ménaka continue.", "'" + "." * 20_000 + "'"))
    spec.write_text(spec.read_text().replace("sections:", "summary: ['" + "." * 20_000 + "']\nsections:"))
    server = Replying()
    with server as port:
        assert send(spec, port) == 0
    (on_the_wire,) = server.messages
    size = len(on_the_wire)
    out = tmp_path / "out"
    dry = ["send", str(spec), "--dry-run", "--out", str(out), "--from", "desk@example.org", "--max-size"]
    assert main([*dry, f"{size}B"]) == 0
    as_written = (out / "brief.l00.eml").read_bytes()
    assert len(as_written) + 500 < size  # hundreds of doubled dots, which the budget once missed
    whole = email.message_from_bytes(as_written, policy=policy.default)
    assert [p.get_filename() for p in whole.iter_attachments()] == ["brief.pdf"]  # exactly at the budget
    assert main([*dry, f"{size - 1}B"]) == 0  # one byte less and the files go zipped
    zipped = email.message_from_bytes((out / "brief.l00.eml").read_bytes(), policy=policy.default)
    assert [p.get_filename() for p in zipped.iter_attachments()] == ["brief.zip"]
