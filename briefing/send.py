"""Sending a pack: SMTP settings, the send log that keeps a mail from going twice, and delivery list by list."""

from __future__ import annotations

import datetime as dt
import json
import os
import smtplib
import ssl
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from .build import publishable
from .mail import Outgoing

SECURITY = ("starttls", "tls", "none")
"""How the connection to the SMTP server is protected."""
LOG_SUFFIX = ".sendlog.jsonl"
"""The send log beside a pack: NAME.sendlog.jsonl, one JSON object a line."""
ENV = {
    "host": "BRIEFING_SMTP_HOST",
    "port": "BRIEFING_SMTP_PORT",
    "security": "BRIEFING_SMTP_SECURITY",
    "user": "BRIEFING_SMTP_USER",
    "sender": "BRIEFING_SMTP_FROM",
}
"""Environment variables for each SMTP setting; command-line options win over them."""
PASSWORD_ENV = "BRIEFING_SMTP_PASSWORD"
"""The only place a password is read from, besides a prompt."""
TIMEOUT = 60
"""Seconds to wait for the SMTP server before a list is reported as failed."""


class SettingsError(ValueError):
    """SMTP settings that cannot work; the message names the option or variable to set."""


@dataclass(frozen=True)
class Smtp:
    """Where and how mail is sent."""

    host: str
    """The SMTP server."""
    port: int
    """Its port: 587 for starttls, 465 for tls, 25 for none when not given."""
    security: str
    """starttls, tls or none."""
    sender: str
    """The From address, and the envelope sender."""
    user: str | None = None
    """User name to log in with; no login when None."""
    password: str | None = None
    """Password for ``user``; never printed or logged."""

    def __repr__(self) -> str:  # the password stays out of tracebacks and logs
        return f"Smtp(host={self.host!r}, port={self.port}, security={self.security!r}, user={self.user!r})"


def settings(options: Mapping[str, str | None], env: Mapping[str, str], ask: Callable[[str], str]) -> Smtp:
    """SMTP settings from options (by the keys of ``ENV``), else the environment; asks for a password if needed."""
    value = {key: options.get(key) or env.get(name) or None for key, name in ENV.items()}
    security = (value["security"] or "starttls").lower()
    if security not in SECURITY:
        raise SettingsError(f"--smtp-security must be one of {', '.join(SECURITY)}, not '{security}'")
    for key, option in (("host", "--smtp-host"), ("sender", "--from")):
        if not value[key]:
            raise SettingsError(f"no SMTP {key}: give {option} or set {ENV[key]}")
    port_text = value["port"] or {"starttls": "587", "tls": "465", "none": "25"}[security]
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise SettingsError(f"'{port_text}' is not a port number")
    user = value["user"]
    password = env.get(PASSWORD_ENV) or (ask(f"SMTP password for {user}@{value['host']}: ") if user else None)
    return Smtp(str(value["host"]), int(port_text), security, str(value["sender"]), user, password)


class SendLog:
    """What was sent from a pack, kept beside it so that a mail never goes twice."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: list[dict[str, Any]] = []
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    self.entries.append(json.loads(line))

    def delivered(self, outgoing: Outgoing) -> set[str]:
        """Recipients that already received this list's mail with these files.

        Files count as these when their bytes are the same, or when they have
        the same names and were built from the same content (a rebuild changes
        only the time stamps inside them).
        """
        done: set[str] = set()
        digests = dict(outgoing.digests)
        for entry in self.entries:
            same = entry["attachments"] == digests or (
                outgoing.content
                and entry.get("content") == outgoing.content
                and entry["attachments"].keys() == digests.keys()
            )
            if entry["list"] == outgoing.list.name and same:
                done.update(entry["recipients"])
        return done

    def record(self, outgoing: Outgoing, recipients: Sequence[str]) -> None:
        """Add a delivery, written through to disk before anything else is sent."""
        entry = {
            "list": outgoing.list.name,
            "recipients": list(recipients),
            "message_id": outgoing.message["Message-ID"],
            "attachments": dict(outgoing.digests),
            "content": outgoing.content,
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        self.entries.append(entry)
        with self.path.open("a", encoding="utf-8") as log:
            log.write(json.dumps(entry, ensure_ascii=False) + "\n")
            log.flush()
            os.fsync(log.fileno())


def deliver(outgoing: Sequence[Outgoing], smtp: Smtp, log: SendLog, resend: bool, say: Callable[[str], None]) -> int:
    """Send each list's message to those who have not had it; returns how many lists failed."""
    failed = 0
    for item in outgoing:
        name = item.list.name
        done = set() if resend else log.delivered(item)
        pending = [r for r in item.list.recipients if r not in done]
        if not pending:
            say(f"{name}: already sent with these files; skipped (--resend sends it again)")
            continue
        say(f"{name}: sending to {len(pending)} recipient{'s' if len(pending) != 1 else ''}...")
        try:
            refused = _send(item, pending, smtp)
        except (smtplib.SMTPException, OSError) as exc:
            say(f"{name}: not sent: {_reason(exc)}")
            failed += 1
            continue
        accepted = [r for r in pending if r not in refused]
        if accepted:
            log.record(item, accepted)
        if refused:
            listed = ", ".join(f"{r} ({_code(v)})" for r, v in refused.items())
            done_part = f"sent to {len(accepted)}; " if accepted else "not sent: "
            say(f"{name}: {done_part}refused by the server for {listed}")
            failed += 1
        else:
            say(f"{name}: sent to {len(accepted)} ({item.message['Message-ID']})")
    return failed


def _send(item: Outgoing, recipients: list[str], smtp: Smtp) -> dict[str, tuple[int, bytes]]:
    context = ssl.create_default_context()  # verifies the server; SSL_CERT_FILE adds a private CA
    connection: smtplib.SMTP
    if smtp.security == "tls":
        connection = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=TIMEOUT, context=context)
    else:
        connection = smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT)
    with connection:
        if smtp.security == "starttls":
            connection.starttls(context=context)
        if smtp.user:
            connection.login(smtp.user, smtp.password or "")
        try:
            return connection.send_message(item.message, from_addr=_bare(smtp.sender), to_addrs=recipients)
        except smtplib.SMTPRecipientsRefused as exc:
            return dict(exc.recipients)


def _bare(address: str) -> str:
    return parseaddr(address)[1] or address


def _code(value: tuple[int, bytes]) -> str:
    return f"{value[0]} {value[1].decode('utf-8', 'replace')}".strip()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error
        return f"{exc.smtp_code} {error.decode('utf-8', 'replace') if isinstance(error, bytes) else error}"
    return f"{type(exc).__name__}: {exc}".rstrip(": ")


def write_eml(outgoing: Outgoing, path: Path) -> None:
    """The message as a .eml file, written under a temporary name and renamed into place."""
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(outgoing.message.as_bytes())
        publishable(Path(temp))
        os.replace(temp, path)
    finally:
        Path(temp).unlink(missing_ok=True)
