"""Sending a pack: SMTP settings, and delivery list by list with the send log, so that no mail goes twice."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from email.utils import parseaddr
from pathlib import Path

from .build import publishable
from .distribution import AddressError, mailbox
from .errors import OutputError
from .mail import Outgoing
from .sendlog import LOG_SUFFIX, LogError, SendLog, content_key, key_of
from .smtp import DEADLINE, SECURITY, NotSent, Refused, Session, Smtp, Unanswered
from .writers.html.writer import human_size

__all__ = [
    "LOG_SUFFIX",
    "LogError",
    "SendLog",
    "SettingsError",
    "content_key",
    "deliver",
    "dry_run_report",
    "settings",
    "write_eml",
]

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


class SettingsError(ValueError):
    """SMTP settings that cannot work; the message names the option or variable to set."""


def settings(
    options: Mapping[str, str | None],
    env: Mapping[str, str],
    ask: Callable[[str], str],
    deadline: float = DEADLINE,
    allow_plain_auth: bool = False,
) -> Smtp:
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
    if deadline <= 0:
        raise SettingsError(f"--smtp-timeout must be a number of seconds above 0, not {deadline:g}")
    user = value["user"]
    if user and security == "none" and not allow_plain_auth:
        raise SettingsError(
            "a login over --smtp-security none would send the password in clear; "
            "use starttls or tls, or give --allow-plain-auth"
        )
    try:
        sender = mailbox(str(value["sender"]), public=False)[0]  # its domain as IDNA, as the recipients' are
    except AddressError as exc:
        raise SettingsError(f"--from: {exc}") from None
    password = env.get(PASSWORD_ENV) or (ask(f"SMTP password for {user}@{value['host']}: ") if user else None)
    return Smtp(str(value["host"]), int(port_text), security, sender, user, password, deadline)


def deliver(outgoing: Sequence[Outgoing], smtp: Smtp, log: SendLog, resend: bool, say: Callable[[str], None]) -> int:
    """Send each list's message to those who have not had it; returns how many lists need attention.

    A message sent before with no answer recorded is reported, not sent again. A log that
    cannot be written raises LogError: nothing more is sent.
    """
    for number in log.skipped:
        say(f"{log.path}:{number}: a cut-off entry (a send was stopped while writing it) is skipped")
    failed = 0
    for item in outgoing:
        for notice in item.list.notices:
            say(f"{notice.pos}: warning: {notice.message}")
        name, files = item.list.name, (item.digests, sent_key(item))
        done = set() if resend else log.delivered(name, *files)
        unanswered = [] if resend else log.unanswered(name, *files)
        for attempt in unanswered:
            say(_maybe(name, attempt.message_id, f"sent {attempt.time} with no answer recorded"))
        # A mailbox is one whatever the case it is written in, as within a list: Boss@ and boss@ get one copy.
        held = {r.casefold() for attempt in unanswered for r in attempt.recipients}
        done = {r.casefold() for r in done}
        pending = [r for r in item.list.recipients if r.casefold() not in done and r.casefold() not in held]
        if unanswered:
            failed += 1
        if pending:
            failed += _deliver(item, pending, smtp, log, say)
        elif not unanswered:
            say(f"{name}: already sent with these files; skipped (--resend sends it again)")
    return failed


def sent_key(item: Outgoing) -> str:
    """The content key of one list's mail: the pack's (``sendlog.content_key``), its subject and its note."""
    return key_of(item.content, item.list.subject, item.list.note) if item.content else ""


def _deliver(item: Outgoing, pending: list[str], smtp: Smtp, log: SendLog, say: Callable[[str], None]) -> int:
    """One list's conversation; 0 when every recipient has the message, else 1."""
    name, message_id = item.list.name, str(item.message["Message-ID"])
    say(f"{name}: sending to {len(pending)} recipient{'s' if len(pending) != 1 else ''}...")
    try:
        with Session(smtp) as session:
            refused = session.envelope(_bare(smtp.sender), pending)
            accepted = [r for r in pending if r not in refused]
            if not accepted:
                say(f"{name}: not sent: refused by the server for {_listed(refused)}")
                return 1
            session.open_data()  # the server's go-ahead: a connection that ends before it sent nothing
            log.attempt(name, accepted, message_id, item.digests, sent_key(item))  # on disk before the data goes
            attempt = log.last()
            try:
                reply = session.data(item.message.as_bytes())
            except Refused as exc:
                log.outcome(attempt, "refused", accepted, str(exc))
                say(f"{name}: not sent: the server refused the message: {exc}")
                return 1
            except Unanswered as exc:
                say(_maybe(name, message_id, f"sent, and not confirmed: {exc}"))
                return 1
            try:
                log.outcome(attempt, "delivered", accepted, reply)
            except LogError:
                say(f"{name}: sent to {len(accepted)} ({message_id}), but the send log could not record it")
                raise
    except NotSent as exc:
        say(f"{name}: not sent: {exc}")
        return 1
    if refused:
        say(f"{name}: sent to {len(accepted)}; refused by the server for {_listed(refused)}")
        return 1
    say(f"{name}: sent to {len(accepted)} ({message_id})")
    return 0


def _maybe(name: str, message_id: str, what: str) -> str:
    which = message_id or "a message whose Message-ID the send log does not hold"
    return (
        f"{name}: may have been delivered: {which} was {what}; check the recipients' mailbox or the "
        f"server's log, then `briefing send --resend --list {name}` if it did not arrive"
    )


def _listed(refused: Mapping[str, str]) -> str:
    return ", ".join(f"{address} ({reply})" for address, reply in refused.items())


def _bare(address: str) -> str:
    return parseaddr(address)[1] or address


def write_eml(outgoing: Outgoing, path: Path) -> None:
    """The message as a .eml file, written under a temporary name and renamed into place."""
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"{path.parent}: cannot write the message files: {exc.strerror}") from exc
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(outgoing.message.as_bytes())
        publishable(Path(temp))
        os.replace(temp, path)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror}") from exc
    finally:
        Path(temp).unlink(missing_ok=True)


def dry_run_report(item: Outgoing, placeholder: bool) -> list[str]:
    """What a real send of ``item`` would do: every envelope recipient, Bcc included, and the files."""
    dlist = item.list
    bcc = {parseaddr(a)[1] for a in dlist.bcc}
    recipients = ", ".join(f"{r} (bcc)" if r in bcc else r for r in dlist.recipients)
    files = ", ".join(
        f"{part.get_filename()} ({human_size(len(part.get_payload(decode=True) or b''))})"
        for part in item.message.iter_attachments()
    )
    sender = str(item.message["From"])
    if placeholder:
        sender += " (a placeholder: give --from or set BRIEFING_SMTP_FROM)"
    warnings = [f"{notice.pos}: warning: {notice.message}" for notice in dlist.notices]
    return [f"from: {sender}", f"to: {recipients}", f"files: {files}", *warnings]
