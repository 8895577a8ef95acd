"""Mail messages that carry a pack: one per distribution list, its files attached, within a size budget."""

from __future__ import annotations

import hashlib
import io
import mimetypes
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP, SMTPUTF8
from email.utils import format_datetime, getaddresses, make_msgid, parseaddr
from pathlib import Path

from .distribution import DistributionList
from .model import Briefing
from .reproducible import build_time
from .smtp import wire
from .writers.html.writer import Attachment, human_size, mail_body

DEFAULT_MAX_SIZE = 20_000_000
"""Largest message sent with its files as they are (20 MB, encoded); larger ones go zipped."""
MIME_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".html": "text/html",
    ".zip": "application/zip",
}
"""Types of the files a pack holds; others are looked up by extension."""
_UNITS = {"": 1, "B": 1, "KB": 1000, "MB": 1000**2, "GB": 1000**3, "KIB": 1024, "MIB": 1024**2, "GIB": 1024**3}


class OverBudget(Exception):
    """A list's files do not fit in the size budget even zipped; the message says by how much."""


@dataclass(frozen=True)
class Outgoing:
    """A message ready to go to one list, and what the send log records of it."""

    list: DistributionList
    """The list it goes to."""
    message: EmailMessage
    """The message, without Bcc: Bcc recipients are only on the envelope."""
    digests: Mapping[str, str]
    """SHA-256 of each attachment, by file name."""
    content: str
    """Digest of what the pack was built from (see manifest.content_key)."""


def parse_size(text: str) -> int:
    """Bytes in a size such as ``10MB``, ``512 KB`` or ``2MiB`` (KB and MB are powers of 1,000)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMG]i?B|B)?\s*", text, re.I)
    if not match:
        raise ValueError(f"'{text}' is not a size such as 10MB")
    return int(float(match.group(1)) * _UNITS[(match.group(2) or "").upper()])


def mime_type(name: str) -> tuple[str, str]:
    """Main and sub type of a file, by its extension."""
    kind = MIME_TYPES.get(Path(name).suffix.lower()) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    main, _, sub = kind.partition("/")
    return main, sub


def message_for(
    doc: Briefing,
    dlist: DistributionList,
    built: Mapping[str, Path],
    stem: str,
    sender: str,
    max_size: int,
    full_html: bool = False,
    content: str = "",
) -> Outgoing:
    """The message for one list, no larger than ``max_size`` bytes as it goes on the wire.

    The size counted is the whole message as it goes after DATA: headers, both bodies and the
    files in base64, with the dots SMTP doubles at the start of a line and its closing line.
    Over the budget the files go as one .zip; if that is still too large, OverBudget.
    """
    files = [(built[fmt].name, built[fmt].read_bytes()) for fmt in dlist.formats]
    outgoing = compose(doc, dlist, files, sender, full_html, content)
    size = len(wire(outgoing.message.as_bytes()))
    if size <= max_size:
        return outgoing
    zipped = compose(doc, dlist, [(f"{stem}.zip", _zip(files))], sender, full_html, content)
    zipped_size = len(wire(zipped.message.as_bytes()))
    if zipped_size > max_size:
        raise OverBudget(
            f"the message is {human_size(size)} ({human_size(zipped_size)} with its files zipped), "
            f"{human_size(zipped_size - max_size)} over the {human_size(max_size)} limit"
        )
    return zipped


_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Control characters but tab and line ends: none has a place in a mail's text, and a NUL breaks readers."""


def _visible(body: str) -> str:
    """A body with each control character (a NUL in the title, say) shown as U+FFFD, as an HTML reader would."""
    return _CONTROLS.sub("\ufffd", body)


def _zip(files: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    stamp = build_time().timetuple()[:6]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=stamp)  # type: ignore[arg-type]
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()


def compose(
    doc: Briefing,
    dlist: DistributionList,
    files: list[tuple[str, bytes]],
    sender: str,
    full_html: bool = False,
    content: str = "",
) -> Outgoing:
    """The message for one list: headers, a plain-text and an HTML body, and the files attached."""
    named = [address for _, address in getaddresses([sender, *dlist.to, *dlist.cc])]
    # A local part beyond ASCII can only be written raw, in UTF-8; such a message goes only to a server
    # that offers SMTPUTF8 (smtp.Session.envelope). Every other message stays 7-bit.
    message = EmailMessage(policy=SMTP if all(a.isascii() for a in named) else SMTPUTF8)
    message["From"] = sender
    if dlist.to:
        message["To"] = ", ".join(dlist.to)
    if dlist.cc:
        message["Cc"] = ", ".join(dlist.cc)
    message["Date"] = format_datetime(build_time())
    domain = parseaddr(sender)[1].rpartition("@")[2] or None
    message["Message-ID"] = make_msgid(idstring=dlist.name, domain=domain)
    message["Subject"] = dlist.subject
    body = mail_body(doc, dlist.note, [Attachment(n, len(d)) for n, d in files], full_html)
    # Quoted-printable keeps the message 7-bit clean for any server on the way, whatever the language.
    message.set_content(_visible(body.text), cte="quoted-printable")
    message.add_alternative(_visible(body.html), subtype="html", cte="quoted-printable")
    if body.pictures:
        html_part = message.get_body(preferencelist=("html",))
        assert html_part is not None
        for picture in body.pictures:  # the charts of the whole text, shown where mail readers show no SVG
            html_part.add_related(picture.data, maintype="image", subtype=picture.subtype, cid=f"<{picture.cid}>")
    for name, data in files:
        main, sub = mime_type(name)
        message.add_attachment(data, maintype=main, subtype=sub, filename=name)
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in files}
    return Outgoing(dlist, message, digests, content)
