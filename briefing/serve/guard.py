"""Whom the preview answers: requests sent to its own address, and changes asked for by its own page.

A web page from anywhere can make the browser send requests to 127.0.0.1. Two ways would let
it read or drive the preview, and each is closed here, before any route runs:

- DNS rebinding: a site whose name is made to point at 127.0.0.1 becomes, for the browser,
  the same origin as the preview, and reads it freely. Its requests still carry its own
  name in ``Host``, so a request whose ``Host`` is not the preview's address and port is
  refused (421) with nothing of the briefing in the answer.
- Cross-site requests: a page elsewhere can post a form or a "simple" fetch without reading
  the answer. A request that changes anything (a ``POST``) must come from the preview's own
  page: its ``Origin`` must be the preview's, a browser's ``Sec-Fetch-Site`` must say
  same-origin when there is no ``Origin``, and it must be JSON, which no form and no simple
  request can send. Another site may not load the views as images, frames or scripts
  either (``Sec-Fetch-Site``, ``Cross-Origin-Resource-Policy``), only open the page itself.
"""

from __future__ import annotations

import ipaddress
import json
import socket

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
"""What this machine is called in an address bar, whichever address is served."""
ANY_ADDRESS = ("0.0.0.0", "::", "[::]")
"""Addresses that serve on every interface of the machine."""
SAFE_METHODS = ("GET", "HEAD")
"""Methods that change nothing."""
SHIELD = [
    (b"x-content-type-options", b"nosniff"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"content-security-policy", b"frame-ancestors 'self'"),
    (b"referrer-policy", b"no-referrer"),
]
"""Headers on every answer: no other site may embed or frame the views, and links do not tell where from."""


def host_name(host: str) -> str:
    """``host`` as it stands in a ``Host`` header: IPv6 addresses in brackets, lower case."""
    host = host.lower()
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def split_host(header: str) -> tuple[str, str]:
    """A ``Host`` header's name and port (``""`` when it names none)."""
    header = header.strip().lower()
    if header.startswith("["):
        name, _, rest = header.partition("]")
        return name + "]", rest[1:] if rest.startswith(":") else ""
    name, _, port = header.partition(":")
    return name, port


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
        return True
    except ValueError:
        return False


class Guard:
    """ASGI middleware: refuses what does not come to the preview's address, or from its own page."""

    def __init__(self, app: ASGIApp, host: str, port: int) -> None:
        self.app, self.port = app, port
        self.names = {*LOOPBACK_NAMES, host_name(host)}
        # On every interface, the preview is reached by any of the machine's addresses or its name.
        # An address cannot be rebound as a name can, so any address is as safe as 127.0.0.1.
        self.any_address = host_name(host) in ANY_ADDRESS
        if self.any_address:
            self.names.add(socket.gethostname().lower())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        refusal = self.refusal(scope["method"], headers)
        if refusal is not None:
            await _refuse(send, *refusal)
            return

        async def shielded(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *SHIELD]}
            await send(message)

        await self.app(scope, receive, shielded)

    def refusal(self, method: str, headers: Headers) -> tuple[int, str] | None:
        """The status and reason to refuse a request with, or None to answer it."""
        host = headers.get("host", "")
        if not self.addressed_here(host):
            return 421, "this preview answers only at its own address, such as http://127.0.0.1:PORT/"
        site = headers.get("sec-fetch-site")
        opened = headers.get("sec-fetch-mode") == "navigate" and headers.get("sec-fetch-dest") == "document"
        if site in ("cross-site", "same-site") and not (opened and method in SAFE_METHODS):
            return 403, "another site may open the preview, but not read it or change anything"
        if method in SAFE_METHODS:
            return None
        origin = headers.get("origin")
        if origin is not None and origin.lower() != f"http://{host.lower()}":
            return 403, "a change may be asked for only by the preview's own page"
        if origin is None and site not in (None, "same-origin"):
            return 403, "a change may be asked for only by the preview's own page"
        if headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
            return 415, "a change is asked for with Content-Type: application/json"
        return None

    def addressed_here(self, host: str) -> bool:
        """Whether a ``Host`` header names this preview: one of its names, and its port."""
        name, port = split_host(host)
        if port != str(self.port) and not (port == "" and self.port == 80):
            return False
        return name in self.names or (self.any_address and _is_address(name))


async def _refuse(send: Send, status: int, reason: str) -> None:
    """An answer that says why, and nothing of the briefing."""
    body = json.dumps({"error": reason}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *SHIELD]
    await send({"type": "http.response.start", "status": status, "headers": [*headers, (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
