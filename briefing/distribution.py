"""Distribution lists: who receives a pack by email, which of its files, under what subject."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.errors import NonASCIILocalPartDefect
from email.headerregistry import Address, AddressHeader, HeaderRegistry
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from email_validator import EmailNotValidError, validate_email
from yaml.nodes import MappingNode, Node, ScalarNode

from . import registry
from .errors import Problem, SpecError
from .markings.variant import clearance_of
from .model import Briefing, Inline, Pos
from .reading import shapes
from .reading.compose import compose, pos_of, read_spec_text
from .reading.inline import parse_inline
from .reading.loader import Options, resolved_tree
from .reading.markings import marking
from .reading.reader import Reader, did_you_mean
from .reading.resolve import key_value
from .reading.variables import render

DEFAULT_SUBJECT = "{% if classification %}[{{ classification }}] {% endif %}Briefing: {{ title }} ({{ date }})"
"""The subject of a list that gives none: the marking first when the spec has one."""
DEFAULT_FORMATS = ("pdf",)
"""What a list that names no formats receives: the file for reading."""
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_STR = "tag:yaml.org,2002:str"


@dataclass(frozen=True)
class DistributionList:
    """One audience of a pack: its recipients, the files they get and the mail's subject."""

    name: str
    """The list's name, chosen with ``--list`` and used in file names and the send log."""
    to: tuple[str, ...]
    """Addresses named in To, as ``Name <address>`` or ``address``."""
    cc: tuple[str, ...] = ()
    """Addresses named in Cc."""
    bcc: tuple[str, ...] = ()
    """Addresses that receive the mail but are named in no header."""
    formats: tuple[str, ...] = DEFAULT_FORMATS
    """Formats of the pack attached, in order."""
    subject: str = ""
    """The subject, rendered."""
    note: Inline | None = None
    """A line above the summary, its inline markup (bold, italic, links) parsed."""
    pos: Pos = field(default=Pos("<list>", 0, 0), compare=False, repr=False)
    notices: tuple[Problem, ...] = field(default=(), compare=False, repr=False)
    """What the list's reader noticed without refusing it (one mailbox named twice), to show when it is sent."""
    clearance: str | None = None
    """The level its readers hold, as written: they receive the variant for it. None: see markings/sending.py."""
    caveats: tuple[str, ...] = ()
    """The caveats its readers meet (UK EYES ONLY), as written."""

    @property
    def recipients(self) -> tuple[str, ...]:
        """Every envelope recipient (To, Cc and Bcc), bare addresses, each once."""
        return tuple(dict.fromkeys(parseaddr(a)[1] for a in (*self.to, *self.cc, *self.bcc)))


def read_lists(
    spec: str | os.PathLike[str], doc: Briefing, options: Options, list_file: str | os.PathLike[str] | None = None
) -> list[DistributionList]:
    """The distribution lists of a spec (with its bases), or of ``list_file`` when given."""
    found = _lists_node(spec, options, list_file)
    if found[0] is None:
        where = "the distribution file" if list_file is not None else "the spec"
        raise SpecError([Problem(pos_of(found[1]), f"{where} has no distribution lists ('distribution:')")])
    return _checked(found, doc)


def problems_of(spec: str | os.PathLike[str], doc: Briefing, options: Options) -> list[Problem]:
    """What is wrong with a spec's distribution lists, if it has any (for briefing validate)."""
    found = _lists_node(spec, options, None)
    if found[0] is None:
        return []
    try:
        _checked(found, doc)
    except SpecError as exc:
        return list(exc.problems)
    return []


_Found = tuple[Node | None, Node, str, Path]
"""The lists' node (None when there are none), the document's root, its name and folder."""


def _lists_node(spec: str | os.PathLike[str], options: Options, list_file: str | os.PathLike[str] | None) -> _Found:
    if list_file is not None:
        display = os.fspath(list_file)
        root = compose(read_spec_text(Path(list_file), display), display)
        node = key_value(root, "distribution") if isinstance(root, MappingNode) else root
        return node, root, display, Path(list_file).resolve().parent
    root = resolved_tree(spec, options)
    return key_value(root, "distribution"), root, os.fspath(spec), Path(spec).resolve().parent


def _checked(found: _Found, doc: Briefing) -> list[DistributionList]:
    node, _, display, folder = found
    assert node is not None
    reader = Reader(display, folder)
    lists = _lists(reader, node, _values(doc))
    for dlist in lists:  # a clearance in the words of the pack's marking scheme
        if dlist.clearance or dlist.caveats:
            try:
                clearance_of(doc, dlist.clearance or doc.style.scheme.levels[0].name, dlist.caveats, dlist.pos)
            except SpecError as exc:
                reader.problems.extend(exc.problems)
    if reader.problems:
        raise SpecError(reader.problems)
    return lists


def choose(lists: Sequence[DistributionList], names: Sequence[str]) -> list[DistributionList]:
    """The lists named with ``--list`` (all when none are named)."""
    if not names:
        return list(lists)
    known = {d.name: d for d in lists}
    unknown = [n for n in names if n not in known]
    if unknown:
        hint = did_you_mean(unknown[0], list(known))
        raise SpecError([Problem(Pos("--list", 0, 0), f"no distribution list '{unknown[0]}'{hint}")])
    return [known[n] for n in dict.fromkeys(names)]


def _values(doc: Briefing) -> dict[str, Any]:
    date = doc.date.isoformat() if doc.date else doc.variables.get("today", "")
    return {**doc.variables, "title": doc.title, "date": date, "classification": doc.classification or ""}


def _lists(r: Reader, node: Node, values: dict[str, Any]) -> list[DistributionList]:
    nodes = r.sequence(node, "a list of distribution lists")
    found: list[DistributionList] = []
    for entry in nodes or ():
        name = key_value(entry, "name") if isinstance(entry, MappingNode) else None
        if isinstance(entry, MappingNode) and key_value(entry, "subject") is None:
            subject = ScalarNode(_STR, DEFAULT_SUBJECT, entry.start_mark, entry.end_mark)
            entry = MappingNode(entry.tag, [*entry.value, (ScalarNode(_STR, "subject"), subject)], entry.start_mark)
        # Each list renders its strings knowing its own name, for {{ list }} in a subject.
        rendered = render(entry, {**values, "list": getattr(name, "value", "")}, r.problems)
        made = _list(r, rendered)
        if made is None:
            continue
        if any(d.name == made.name for d in found):
            r.problem(rendered, f"two distribution lists are called '{made.name}'")
            continue
        found.append(made)
    return found


def _list(r: Reader, node: Node) -> DistributionList | None:
    keys = r.shape(node, shapes.DISTRIBUTION)
    if keys is None or "name" not in keys:
        return None
    heard = len(r.notices)
    name = r.text(keys["name"])
    if name is not None and not _NAME.fullmatch(name):
        r.problem(keys["name"], f"'{name}' is not a list name (use letters, digits, _ . and -)")
        name = None
    to, cc, bcc = _once(r, [_addresses(r, keys[k]) if k in keys else [] for k in ("to", "cc", "bcc")])
    formats = _formats(r, keys["formats"]) if "formats" in keys else DEFAULT_FORMATS
    subject = _header_text(r, keys["subject"]) if "subject" in keys else None
    if subject is not None:
        subject = _subject(r, keys["subject"], subject)
    note_text = r.text(keys["note"]) if "note" in keys else None
    note = parse_inline(note_text) if note_text is not None else None
    if None in (name, to, cc, bcc, formats) or ("subject" in keys and subject is None):
        return None
    if not (to or cc or bcc):
        r.problem(node, f"list '{name}' has no recipients (give to, cc or bcc)")
        return None
    notices = tuple(r.notices[heard:])
    marked = marking(r, keys, "clearance")
    return DistributionList(
        name,  # type: ignore[arg-type]
        to,  # type: ignore[arg-type]
        cc,  # type: ignore[arg-type]
        bcc,  # type: ignore[arg-type]
        formats,  # type: ignore[arg-type]
        " ".join((subject or "").split()),  # an empty variable leaves no stray spaces
        note,
        pos=r.pos(node),
        notices=notices,
        clearance=(marked.level or None) if marked else None,
        caveats=marked.caveats if marked else (),
    )


_Named = list[tuple[Node, str, str]]
"""Addresses as read: the node each came from, the address as the mail carries it, the bare address."""


def _addresses(r: Reader, node: Node) -> _Named | None:
    nodes = [node] if isinstance(node, ScalarNode) else r.sequence(node, "an address or a list of addresses")
    if nodes is None:
        return None
    found: _Named = []
    for n in nodes:
        text = _header_text(r, n)
        if text is None:
            return None
        try:
            found.append((n, *mailbox(text)))
        except AddressError as exc:
            r.problem(n, str(exc))
            return None
    return found


def _once(r: Reader, fields: list[_Named | None]) -> tuple[tuple[str, ...] | None, ...]:
    """To, Cc and Bcc with each mailbox once: a mailbox named again, in any case, gets one copy and a warning.

    Servers take ``Boss@`` and ``boss@`` for one mailbox; sent to both, it would get the mail twice.
    """
    first: dict[str, tuple[Node, str]] = {}
    kept: list[tuple[str, ...] | None] = []
    for named in fields:
        if named is None:
            kept.append(None)
            continue
        mine = []
        for node, shown, bare in named:
            seen = first.setdefault(bare.casefold(), (node, bare))
            if seen[0] is node:
                mine.append(shown)
                continue
            where = r.pos(seen[0])
            r.notices.append(
                Problem(
                    r.pos(node),
                    f"'{bare}' is the mailbox '{seen[1]}' already named on line {where.line}; it gets one copy",
                )
            )
        kept.append(tuple(mine))
    return tuple(kept)


class AddressError(ValueError):
    """Text that is not one email address the mail can carry; the message says why."""


def mailbox(text: str, public: bool = True) -> tuple[str, str]:
    """One address, with an optional display name: as the mail's header carries it, and bare for the envelope.

    The domain goes as IDNA (``bücher.de`` as ``xn--bcher-kva.de``), which every server takes;
    a local part beyond ASCII stays as written, and needs a server that offers SMTPUTF8.
    With ``public`` False a domain of an intranet (``desk@intranet``) passes too: a sender's.
    """
    unsafe = next((c for c in text if _invisible(c)), None)
    if unsafe is not None:
        shown = "".join(f"<U+{ord(c):04X}>" if _invisible(c) else c for c in text)
        raise AddressError(f"a control character (U+{ord(unsafe):04X}) in '{shown}': it can hide who the mail goes to")
    # The standard library's RFC 5322 parser, as the message's own headers are read.
    addresses, defects = _parse(text)
    found = [(a.display_name, a.addr_spec) for a in addresses]
    name, _, rest = text.partition("<")
    if len(found) > 1 and rest and "," in name and "@" not in name and '"' not in name:
        # "Müller, Anna <a@x>": one person whose name holds a comma, which splits addresses unless quoted.
        quoted = f'"{name.strip()}" <{rest}'
        raise AddressError(f"'{text}': a name holding a comma must be in double quotes: '{quoted}'")
    if len(found) > 1:
        listed = ", ".join(address for _, address in found)
        raise AddressError(f"'{text}' holds {len(found)} addresses ({listed}); give each one its own entry in the list")
    if (defects or not found) and ("<" in text or len(text.split()) > 1):
        raise AddressError(
            f"'{text}' is not one email address: write 'address' or 'Name <address>', "
            "quoting a name that holds a comma or an @"
        )
    if defects or not found:  # a single word: email-validator says best what is wrong with it
        found = [("", text.strip())]
    name, address = found[0]
    try:
        checked = validate_email(address, check_deliverability=False, globally_deliverable=public)  # no network
    except EmailNotValidError as exc:
        raise AddressError(f"'{address}' is not a valid email address: {exc}") from None
    bare = f"{checked.local_part}@{checked.ascii_domain}"
    _check_name(name, (address, checked.normalized, bare))
    header = Address(display_name=name, username=checked.local_part, domain=checked.ascii_domain)
    return (str(header) if name else bare), bare


def _check_name(name: str, address: tuple[str, ...]) -> None:
    """Refuse a display name that shows an address other than the mail's, once its look-alikes are read as
    what they look like (NFKC: a fullwidth ＠ or a small ﹫ as @, ．as a full stop)."""
    shown = unicodedata.normalize("NFKC", name)
    ours = {a.casefold() for a in address}
    for word in _ADDRESS_LIKE.findall(shown):
        if word.casefold() not in ours:
            looks = f"'{name}'" if shown == name else f"'{name}' (read as '{shown}')"
            raise AddressError(
                f"the name {looks} looks like an address other than the one the mail goes to ({address[-1]})"
            )


_ADDRESS_LIKE = re.compile(r"[^\s<>()\[\]\",;:@]+@[^\s<>()\[\]\",;:@]+")
"""Words of a display name that a reader would take for an address: something on each side of an @."""


_HEADERS = HeaderRegistry()


def _parse(text: str) -> tuple[tuple[Address, ...], bool]:
    """The addresses in a To header's value, and whether the parser found anything amiss."""
    header = _HEADERS("to", text)
    # A local part beyond ASCII is no defect where the server offers SMTPUTF8, which the send checks.
    defects = any(not isinstance(d, NonASCIILocalPartDefect) for d in header.defects)
    assert isinstance(header, AddressHeader)  # the registry's class for To
    return header.addresses, defects


_BIDI_CONTROLS = frozenset({"LRE", "RLE", "PDF", "LRO", "RLO", "LRI", "RLI", "FSI", "PDI"})


def _invisible(char: str) -> bool:
    """Control characters and the bidi controls that reorder text (U+202E makes "gro.live" read "evil.org")."""
    return (
        unicodedata.category(char) == "Cc"
        or unicodedata.bidirectional(char) in _BIDI_CONTROLS
        or char in "\u200e\u200f\u061c"
    )


def _header_text(r: Reader, node: Node) -> str | None:
    """Text that goes into a mail header: one line, or a header could be forged."""
    text = r.text(node)
    if text is not None and ("\n" in text or "\r" in text):
        r.problem(node, "a line break in a mail header value (it could add headers of its own)")
        return None
    return text


def _subject(r: Reader, node: Node, subject: str) -> str | None:
    """A subject with no control character: a NUL or a bell (from the title, say) would go into the header raw."""
    unsafe = next((c for c in subject if unicodedata.category(c) == "Cc" and c != "\t"), None)
    if unsafe is None:
        return subject
    shown = "".join(f"<U+{ord(c):04X}>" if unicodedata.category(c) == "Cc" and c != "\t" else c for c in subject)
    r.problem(
        node,
        f"a control character (U+{ord(unsafe):04X}) in the subject '{shown}': take it out of the text it comes from",
    )
    return None


def _formats(r: Reader, node: Node) -> tuple[str, ...] | None:
    nodes = r.sequence(node, "a list of formats")
    if nodes is None:
        return None
    names = [r.text(n) for n in nodes]
    known = registry.names()
    for name, n in zip(names, nodes, strict=True):
        if name is not None and name not in known:
            r.problem(n, f"unknown format '{name}' (known formats: {', '.join(known)})")
            return None
    return tuple(dict.fromkeys(n for n in names if n)) if None not in names else None
