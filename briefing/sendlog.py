"""The send log beside a pack: what was tried and what was delivered, so that no mail goes twice.

Each list's message is recorded twice: an *attempt* (list, recipients, Message-ID,
the files' digests), written and flushed to disk before the message's data is sent,
and its *outcome* once the server has answered (delivered, or refused). An attempt
with no outcome is what a crash, a cut connection or a full disk leaves between the
two: the message may or may not have arrived. It is never sent again on its own,
and never forgotten: every later run reports it by its Message-ID until the user
has checked and chosen (``--resend``).

The log is locked for the whole of a run, so that two runs never send the same list.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

LOG_SUFFIX = ".sendlog.jsonl"
"""The send log beside a pack: NAME.sendlog.jsonl, one JSON object a line."""


class LogError(Exception):
    """The send log cannot be read, locked or written; nothing more may be sent."""


@dataclass(frozen=True)
class Attempt:
    """A message whose data went to the server with no answer recorded."""

    list: str
    """The list it went to."""
    message_id: str
    """Its Message-ID, to look for in a mailbox or the server's log."""
    recipients: tuple[str, ...]
    """Its envelope recipients."""
    time: str
    """When it was sent, in UTC."""


class SendLog:
    """A pack's send log, locked while open: ``with SendLog(path) as log: ...``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: list[dict[str, Any]] = []
        self.skipped: list[int] = []
        """Lines that could not be read (a cut-off last line, left by a crash), 1-based."""
        self._lock = FileLock(str(path) + ".lock", timeout=0)

    def __enter__(self) -> SendLog:
        try:
            self._lock.acquire()
        except Timeout:
            message = f"{self.path}: another briefing send from this pack is running; try again when it ends"
            raise LogError(message) from None
        except OSError as exc:
            raise LogError(f"{self.path}: cannot lock the send log: {exc.strerror}") from exc
        try:
            self._read()
        except BaseException:
            self._lock.release()
            raise
        return self

    def __exit__(self, *_: object) -> None:
        self._lock.release()

    def _read(self) -> None:
        try:
            text = self.path.read_text(encoding="utf-8") if self.path.is_file() else ""
        except (OSError, UnicodeDecodeError) as exc:
            raise LogError(f"{self.path}: cannot read the send log: {exc}") from exc
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                self.skipped.append(number)
                continue
            if isinstance(entry, dict) and "list" in entry and "recipients" in entry:
                self.entries.append(entry)
            else:
                self.skipped.append(number)

    # -- what the log knows ----------------------------------------------------

    def delivered(self, name: str, digests: Mapping[str, str], content: str) -> set[str]:
        """Recipients that already received list ``name``'s mail with these files.

        Files count as these when their bytes are the same, or when they have the
        same names and were built from the same content (a rebuild changes only the
        time stamps inside them).
        """
        done: set[str] = set()
        for entry in self._of(name, digests, content):
            if entry.get("event", "delivered") == "delivered":
                done.update(entry["recipients"])
        return done

    def unanswered(self, name: str, digests: Mapping[str, str], content: str) -> list[Attempt]:
        """Attempts for list ``name`` with these files that have no recorded outcome."""
        answered = {e.get("message_id") for e in self.entries if e.get("event") in ("delivered", "refused")}
        return [
            Attempt(e["list"], e["message_id"], tuple(e["recipients"]), e.get("time", ""))
            for e in self._of(name, digests, content)
            if e.get("event") == "attempt" and e["message_id"] not in answered
        ]

    def _of(self, name: str, digests: Mapping[str, str], content: str) -> list[dict[str, Any]]:
        found = []
        for entry in self.entries:
            files = entry.get("attachments", {})
            same = files == dict(digests) or (
                content and entry.get("content") == content and files.keys() == digests.keys()
            )
            if entry.get("list") == name and same:
                found.append(entry)
        return found

    # -- what is recorded --------------------------------------------------------

    def attempt(
        self, name: str, recipients: Sequence[str], message_id: str, digests: Mapping[str, str], content: str
    ) -> None:
        """Record that a message's data is about to go: on disk before the first byte of it is sent."""
        self._append(
            {
                "event": "attempt",
                "list": name,
                "recipients": list(recipients),
                "message_id": message_id,
                "attachments": dict(digests),
                "content": content,
            }
        )

    def outcome(self, attempt_of: Mapping[str, Any], event: str, recipients: Sequence[str], reply: str = "") -> None:
        """Record the server's answer to an attempt: ``delivered`` or ``refused``."""
        entry = {**attempt_of, "event": event, "recipients": list(recipients)}
        if reply:
            entry["reply"] = reply
        self._append(entry)

    def last(self) -> dict[str, Any]:
        """The entry written last."""
        return self.entries[-1]

    def _append(self, entry: dict[str, Any]) -> None:
        entry = {**entry, "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        try:
            with self.path.open("a+b") as log:
                log.seek(0, os.SEEK_END)
                if log.tell():
                    log.seek(-1, os.SEEK_END)
                    if log.read(1) != b"\n":
                        line = "\n" + line  # a cut-off last line stays a line of its own
                log.write(line.encode("utf-8"))
                log.flush()
                os.fsync(log.fileno())
        except OSError as exc:
            raise LogError(f"{self.path}: cannot write the send log: {exc.strerror or exc}") from exc
        self.entries.append(entry)
