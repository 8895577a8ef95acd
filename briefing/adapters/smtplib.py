"""smtplib's internals: the host name a connection's TLS checks the server's certificate against, and
the dots it doubles in a message's data.

smtplib takes that name only from the constructor, ``SMTP(host)``, which also connects at once.
briefing makes the connection with ``connect`` instead, so that its deadline's timer can reach the
socket while the server's greeting is read; the name is then set where the constructor keeps it.
"""

from __future__ import annotations

import smtplib


def name_tls_server(connection: smtplib.SMTP, host: str) -> None:
    """Say which host's certificate STARTTLS (or an SMTP_SSL connection) must verify, as ``SMTP(host)`` would."""
    connection._host = host  # type: ignore[attr-defined]


def quote_periods(message: bytes) -> bytes:
    """``message`` with a dot doubled at the start of each line, by the function ``SMTP.data`` itself uses:
    the bytes that go on the wire, which ``--max-size`` counts."""
    quoted: bytes = smtplib._quote_periods(message)  # type: ignore[attr-defined]
    return quoted
