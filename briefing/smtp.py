"""One SMTP conversation per list: connect, protect, log in, the envelope, then the data, within a deadline.

The steps are apart so that the caller can record an attempt between the server's go-ahead
for the data (354) and the data itself: until the data is sent nothing can have arrived;
once it is sent only a clear answer says whether it did. 250 is a delivery, a 4xx or 5xx
a refusal; anything else (a line that is not a reply, one too long to read, a closed
connection, silence) leaves the message as one that may have been delivered. QUIT and
anything after the answer never undo a delivery.
"""

from __future__ import annotations

import base64
import smtplib
import socket
import ssl
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType

from .adapters import smtplib as smtplib_adapter

SECURITY = ("starttls", "tls", "none")
"""How the connection to the SMTP server is protected."""
TIMEOUT = 60
"""Seconds to wait for any one answer of the server."""
DEADLINE = 180
"""Seconds one list's whole conversation may take (``--smtp-timeout``)."""


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
    deadline: float = DEADLINE
    """Seconds one list's conversation may take, answers included."""

    def __repr__(self) -> str:  # the password stays out of tracebacks and logs
        return f"Smtp(host={self.host!r}, port={self.port}, security={self.security!r}, user={self.user!r})"


class NotSent(Exception):
    """The conversation ended before the data was sent: nothing can have arrived."""


class Refused(Exception):
    """The server answered the data with a refusal: nothing arrived."""


class Unanswered(Exception):
    """The data was sent and no answer came (the connection ended, or time ran out): it may have arrived."""


class Session:
    """A conversation with the server: ``with Session(smtp) as s: refused = s.envelope(...); s.data(...)``."""

    def __init__(self, smtp: Smtp) -> None:
        self.smtp = smtp
        timeout = min(TIMEOUT, smtp.deadline)
        if smtp.security == "tls":
            context = ssl.create_default_context()  # verifies the server; SSL_CERT_FILE adds a private CA
            self.connection: smtplib.SMTP = smtplib.SMTP_SSL(timeout=timeout, context=context)
        else:
            self.connection = smtplib.SMTP(timeout=timeout)
        self.expired = False
        self.awaiting_data = False
        """True between the server's go-ahead (354) and the data: everything sent then is taken as the message."""
        self._timer = threading.Timer(smtp.deadline, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Session:
        self._timer.start()
        try:
            smtplib_adapter.name_tls_server(self.connection, self.smtp.host)  # connect() does not
            code, greeting = self.connection.connect(self.smtp.host, self.smtp.port)
            if code != 220:  # a server that is busy or closing says so in its greeting
                raise smtplib.SMTPConnectError(code, greeting)
            if self.smtp.security == "starttls":
                self.connection.starttls(context=ssl.create_default_context())
            if self.smtp.user:
                self._login(self.smtp.user, self.smtp.password or "")
        except (smtplib.SMTPException, OSError, ValueError) as exc:
            self.__exit__(None, None, None)
            raise NotSent(self.reason(exc)) from None
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._timer.cancel()
        if self.awaiting_data:  # a QUIT now would be read as the message's first line: just hang up,
            self.connection.close()  # and the server drops a message that never got its closing dot
            return
        try:
            self.connection.quit()  # whatever the server says to QUIT, what it accepted stays accepted
        except (smtplib.SMTPException, OSError, ValueError):
            pass
        finally:
            self.connection.close()

    def envelope(self, sender: str, recipients: Sequence[str]) -> dict[str, str]:
        """Give the envelope; returns the recipients the server refused, with its reply to each."""
        # Domains go as IDNA (xn--), so only a local part beyond ASCII needs the server's SMTPUTF8.
        needing = [a for a in (sender, *recipients) if not a.isascii()]
        options = ["SMTPUTF8"] if needing else []
        try:
            self.connection.ehlo_or_helo_if_needed()
            if needing and not self.connection.has_extn("smtputf8"):
                raise NotSent(
                    f"the server does not offer SMTPUTF8, which {', '.join(needing)} "
                    f"need{'s' if len(needing) == 1 else ''} (letters beyond ASCII before the @)"
                )
            code, reply = self.connection.mail(sender, options)
            if code != 250:
                raise NotSent(f"the server refused the sender {sender}: {_text(code, reply)}")
            refused = {}
            for address in recipients:
                code, reply = self.connection.rcpt(address)
                if code not in (250, 251):
                    refused[address] = _text(code, reply)
            if len(refused) == len(recipients):
                self.connection.rset()
            return refused
        except (smtplib.SMTPException, OSError, ValueError) as exc:
            raise NotSent(self.reason(exc)) from None

    def open_data(self) -> None:
        """Ask to send the data; returns once the server says go ahead (354). Until then nothing was sent."""
        try:
            code, reply = self.connection.docmd("DATA")
        except (smtplib.SMTPException, OSError, ValueError) as exc:
            raise NotSent(
                f"the connection ended before the server asked for the message ({self.reason(exc)})"
            ) from None
        if code < 0:  # smtplib's code for a line that does not start with a reply code
            raise NotSent("the server answered DATA with a line that is not an SMTP reply")
        if code != 354:
            raise NotSent(f"the server refused to take the message: {_text(code, reply)}")
        self.awaiting_data = True

    def data(self, message: bytes) -> str:
        """Send the message's data (after ``open_data``); returns the server's acceptance.

        Refused only for a reply that is one (4xx, 5xx); Unanswered for anything that is
        not a clear yes or no, since the server may have kept the message all the same.
        """
        try:
            self.awaiting_data = False
            self.connection.send(wire(message))
            code, reply = self.connection.getreply()
        except smtplib.SMTPResponseException as exc:  # getreply raises it only for a line past smtplib's limit
            raise Unanswered(f"an answer too long to read ({_text(exc.smtp_code, exc.smtp_error)})") from None
        except (smtplib.SMTPException, OSError, ValueError) as exc:
            raise Unanswered(self.reason(exc)) from None
        if code == 250:
            return _text(code, reply)
        if 400 <= code < 600:
            raise Refused(_text(code, reply))
        if code < 0:  # smtplib's code for a line that does not start with a reply code
            raise Unanswered("an answer that is not an SMTP reply")
        raise Unanswered(f"an answer that is neither a yes nor a no: {_clipped(_text(code, reply))}")

    def _login(self, user: str, password: str) -> None:
        """AUTH PLAIN (or LOGIN) with the user name and password in UTF-8, which smtplib's login cannot send."""
        self.connection.ehlo_or_helo_if_needed()
        offered = self.connection.esmtp_features.get("auth", "").upper().split()
        if "PLAIN" in offered:
            token = _b64(b"\0" + user.encode("utf-8") + b"\0" + password.encode("utf-8"))
            code, reply = self.connection.docmd("AUTH", "PLAIN " + token)
        elif "LOGIN" in offered:
            code, reply = self.connection.docmd("AUTH", "LOGIN " + _b64(user.encode("utf-8")))
            if code == 334:
                code, reply = self.connection.docmd(_b64(password.encode("utf-8")))
        else:
            raise NotSent("the server offers no way to log in that briefing knows (AUTH PLAIN or LOGIN)")
        if code != 235:
            raise NotSent(f"login as {user} refused: {_text(code, reply)}")

    def _expire(self) -> None:
        """Cut the connection when the deadline passes: a server that answers a byte at a time never times out."""
        self.expired = True
        sock = self.connection.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def reason(self, exc: BaseException) -> str:
        """What went wrong, in one line that holds no part of the password."""
        if self.expired:
            return f"no complete answer from {self.smtp.host} within {self.smtp.deadline:g} s (--smtp-timeout)"
        if isinstance(exc, smtplib.SMTPResponseException):
            return _text(exc.smtp_code, exc.smtp_error)
        if isinstance(exc, UnicodeError):
            return "a setting holds characters the server cannot take"
        return f"{type(exc).__name__}: {exc}".rstrip(": ")


def wire(message: bytes) -> bytes:
    """A message as its bytes go after DATA: a dot doubled at the start of a line, and the closing dot line.

    This is what ``--max-size`` counts. The dots are doubled by the very function smtplib's
    own ``data`` uses (tests/test_adapters.py checks it still does).
    """
    stuffed = smtplib_adapter.quote_periods(message)
    if not stuffed.endswith(b"\r\n"):
        stuffed += b"\r\n"
    return stuffed + b".\r\n"


def _clipped(text: str, most: int = 200) -> str:
    return text if len(text) <= most else text[:most] + "…"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _text(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return f"{code} {' '.join(text.split())}".strip()
