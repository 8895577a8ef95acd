"""The send log beside a pack: what was tried and what was delivered, so that no mail goes twice.

Each list's message is recorded twice: an *attempt* (list, recipients, Message-ID,
the files' digests), written and flushed to disk before the message's data is sent,
and its *outcome* once the server has answered (delivered, or refused). An attempt
with no outcome is what a crash, a cut connection or a full disk leaves between the
two: the message may or may not have arrived. It is never sent again on its own,
and never forgotten: every later run reports it by its Message-ID until the user
has checked and chosen (``--resend``).

Entries are matched to a pack by the files' bytes, or by its *content key*: a digest of
what the recipients are given, made from the briefing itself (its words, values, style,
and the bytes of the pictures, fonts, logo and Word template it uses), never from where
those files sit or which versions of briefing and its libraries built them. A pack built
again in a renamed folder, or after an upgrade, is recognised as the one already sent.

The log is locked for the whole of a run, so that two runs never send the same list.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from .errors import LogError
from .manifest import sha256
from .model import Briefing, Rows

LOG_SUFFIX = ".sendlog.jsonl"
"""The send log beside a pack: NAME.sendlog.jsonl, one JSON object a line."""


@dataclass(frozen=True)
class Attempt:
    """A message whose data went to the server with no answer recorded."""

    list: str
    """The list it went to."""
    message_id: str
    """Its Message-ID, to look for in a mailbox or the server's log ("" when the entry records none)."""
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
        """Lines that could not be read (a cut-off line, left by a crash or a full disk), 1-based."""
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
        """Every whole entry; a line cut off anywhere (inside a UTF-8 character too) is noted and skipped.

        A cut line is what a write that failed leaves: the attempt was not on disk, so its data was
        never sent; or its outcome was not, and the attempt before it stays in doubt. A whole line
        that is not an entry briefing wrote (edited by hand) stops the run: skipping it could send twice.
        """
        try:
            data = self.path.read_bytes() if self.path.is_file() else b""
        except OSError as exc:
            raise LogError(f"{self.path}: cannot read the send log: {exc.strerror or exc}") from exc
        for number, line in enumerate(data.split(b"\n"), 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line.decode("utf-8"))
            except ValueError:  # not UTF-8, or not whole JSON: cut off
                self.skipped.append(number)
                continue
            wrong = _wrong(entry)
            if wrong:
                raise LogError(
                    f"{self.path}:{number}: not an entry of a send log ({wrong}); "
                    "correct or delete the line, then send again"
                )
            self.entries.append(entry)

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
        """Attempts for list ``name`` with these files that have no recorded outcome.

        An outcome answers the attempt with its Message-ID; an attempt that records none (a log
        written by hand, or by another tool) is answered by a later outcome that records none,
        for the same list and recipients. Unanswered, it stays in doubt until ``--resend``.
        """
        answered = {e["message_id"] for e in self.entries if e.get("event") in _OUTCOMES and e.get("message_id")}
        mine = {id(e) for e in self._of(name, digests, content)}
        found = []
        for number, entry in enumerate(self.entries):
            if id(entry) not in mine or entry.get("event") != "attempt":
                continue
            if entry.get("message_id"):
                answer = entry["message_id"] in answered
            else:
                answer = any(_answers(later, entry) for later in self.entries[number + 1 :])
            if not answer:
                found.append(
                    Attempt(name, entry.get("message_id", ""), tuple(entry["recipients"]), entry.get("time", ""))
                )
        return found

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


_OUTCOMES = ("delivered", "refused")
_EVENTS = ("attempt", *_OUTCOMES)
_TEXT_FIELDS = ("list", "message_id", "content", "time", "reply")


def _answers(outcome: dict[str, Any], attempt: dict[str, Any]) -> bool:
    """Whether an entry is the outcome of an attempt that records no Message-ID."""
    same = (outcome.get("list"), outcome.get("recipients")) == (attempt["list"], attempt["recipients"])
    return outcome.get("event") in _OUTCOMES and not outcome.get("message_id") and same


def _wrong(entry: object) -> str | None:
    """What makes a whole line no entry that briefing writes; None for a good one."""
    if not isinstance(entry, dict):
        return "not a JSON object"
    if not isinstance(entry.get("list"), str):
        return "no list name"
    recipients = entry.get("recipients")
    if not isinstance(recipients, list) or not all(isinstance(r, str) for r in recipients):
        return "no list of recipients"
    if entry.get("event", "delivered") not in _EVENTS:  # an entry with no event is an older log's delivery
        return f"an unknown event {entry.get('event')!r}"
    files = entry.get("attachments", {})
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        return "attachments that are not file names with their digests"
    wrong = next((key for key in _TEXT_FIELDS if key in entry and not isinstance(entry[key], str)), None)
    return f"a {wrong} that is not text" if wrong else None


# -- the content key ------------------------------------------------------------------

_KEY_VERSION = b"briefing content key 2\n"
"""Changes only if the way the key is made changes."""
_ROWS_AT_ONCE = 4096
"""Values of a table's column put into the digest at a time."""


def content_key(doc: Briefing) -> str:
    """A digest of what a pack gives its readers: the briefing and the bytes of every file it uses.

    Every value of the model counts, each picture, font, logo or Word template by its bytes
    and not by its path; the spec's own text does not (a comment changes nothing a reader
    sees), nor the build time, nor the versions of briefing and its libraries.
    """
    return key_of(doc)


def key_of(*values: Any) -> str:
    """A digest of model values (``content_key``'s way), to add what a mail says besides its pack."""
    digest = hashlib.sha256(_KEY_VERSION)
    files: dict[Path, str] = {}
    for value in values:
        _feed(digest, value, files)
    return digest.hexdigest()


def _feed(digest: Any, value: Any, files: dict[Path, str]) -> None:
    """Put ``value`` into ``digest``, each kind of value tagged so that no two values read alike."""
    if isinstance(value, Path):
        if value not in files:
            files[value] = sha256(value)
        digest.update(b"F" + files[value].encode())
    elif isinstance(value, Rows):
        _feed_rows(digest, value)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        digest.update(f"D{type(value).__name__}(".encode())
        for f in dataclasses.fields(value):
            if f.compare:  # fields that take no part in equality (positions, the spec's files) say nothing
                digest.update(f"{f.name}=".encode())
                _feed(digest, getattr(value, f.name), files)
        digest.update(b")")
    elif isinstance(value, (list, tuple)):
        digest.update(b"[")
        for item in value:
            _feed(digest, item, files)
        digest.update(b"]")
    elif isinstance(value, dict):
        digest.update(b"{")
        for key in sorted(value, key=str):
            _feed(digest, str(key), files)
            _feed(digest, value[key], files)
        digest.update(b"}")
    elif isinstance(value, (set, frozenset)):
        _feed(digest, sorted(repr(v) for v in value), files)
    elif value is None or isinstance(value, (str, int, float, bool)):
        digest.update(b"J" + json.dumps(value, ensure_ascii=False).encode() + b";")
    else:  # dates, times
        digest.update(f"R{type(value).__name__}:{value!r};".encode())


def _feed_rows(digest: Any, rows: Rows) -> None:
    """A table's values, a slice of a column at a time: a million rows are never held as one text."""
    digest.update(f"T{len(rows)}:{len(rows.columns)}(".encode())
    plain = (str, int, float, bool, type(None))
    for column in rows.columns:
        for start in range(0, len(column), _ROWS_AT_ONCE):
            part = [
                v if type(v) in plain else f"{type(v).__name__}:{v!r}" for v in column[start : start + _ROWS_AT_ONCE]
            ]
            digest.update(json.dumps(part, ensure_ascii=False).encode())
        digest.update(b"|")
    digest.update(b")")
