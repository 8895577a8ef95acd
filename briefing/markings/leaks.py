"""The read-back check before a variant goes out: none of a withheld portion's words in any of its files.

It reads what a reader's tools would read, independently of how the files were made: every XML part
of a Word or Excel file (text, alternative text, sheet and defined names), a PDF's text, outline,
metadata and annotations, an HTML page's text and attributes, and every part of a mail, decoded; and
then every byte of every part as well: each zip member, each PDF object and stream inflated, each
MIME part and data URI decoded, XML and HTML entities resolved, and markup taken out so that a word
split over two runs reads whole. Words are compared after NFKC, with zero-width characters and soft
hyphens dropped, so a word broken by one is still found.
"""

from __future__ import annotations

import base64
import email
import email.policy
import html
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path

from defusedxml import ElementTree

_SHOWN_ATTRIBUTES = {"descr", "title", "name", "alt", "aria-label", "href", "tooltip", "display"}
"""Attributes whose values a reader sees or a tool shows (alternative text, a sheet's or a name's name, a link)."""
_WORD = re.compile(r"\w+")
_TEXT_HEADERS = ("Subject", "Comments", "Keywords", "Thread-Topic")


def texts_of(name: str, data: bytes) -> Iterator[str]:
    """The text layer of one file, by its name's extension; each text a unit (a paragraph, an entry)."""
    suffix = Path(name).suffix.lower()
    if suffix in (".docx", ".xlsx", ".zip", ".pptx"):
        yield from _zipped(data)
    elif suffix == ".pdf":
        yield from _pdf(data)
    elif suffix in (".html", ".htm", ".svg"):
        yield from _html(data.decode("utf-8", "replace"))
    elif suffix == ".eml":
        yield from _mail(data)
    elif suffix in (".xml", ".rels", ".vml"):
        yield from _xml(data)
    else:
        yield data.decode("utf-8", "replace")


_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff]"
)
"""Characters that print nothing: a soft hyphen, zero-width spaces and joiners, direction marks."""
_MARKUP = re.compile(r"<[^<>]*>")
_DATA_URI = re.compile(r"data:[\w/+.-]+;base64,([A-Za-z0-9+/=\s]+)")


def normalised(text: str) -> str:
    """A text as words are compared: NFKC, invisible characters dropped, case folded."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).casefold()


def words_in(texts: Iterable[str]) -> set[str]:
    """Every word of the texts as the check compares them."""
    found: set[str] = set()
    for text in texts:
        found.update(_WORD.findall(normalised(text)))
    return found


def found_in(texts: Iterable[str], words: frozenset[str]) -> set[str]:
    """The words found as whole words in the texts, or in their runs joined (a word split over two runs)."""
    units = list(texts)
    hits = set()
    for joined in (" ".join(units), "".join(units)):
        for word in _WORD.findall(normalised(joined)):
            if word in words:
                hits.add(word)
    return hits


def leaks(files: Iterable[tuple[str, bytes]], words: frozenset[str]) -> dict[str, int]:
    """For each file holding any withheld word, how many different ones (never which: they are withheld)."""
    if not words:
        return {}
    found = {}
    for name, data in files:
        hits = found_in(texts_of(name, data), words) | (words & words_in(raw_texts(name, data)))
        if hits:
            found[name] = len(hits)
    return found


def _zipped(data: bytes) -> Iterator[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            part = archive.read(info)
            yield info.filename
            if info.filename.endswith((".xml", ".rels", ".vml")):
                yield from _xml(part)
            else:
                yield from texts_of(info.filename, part)


def _xml(data: bytes) -> Iterator[str]:
    try:
        root = ElementTree.fromstring(data)
    except Exception:  # not XML after all: its bytes as text
        yield data.decode("utf-8", "replace")
        return
    for element in root.iter():
        for key, value in element.attrib.items():
            if key.rpartition("}")[2] in _SHOWN_ATTRIBUTES:
                yield value
        if element.text:
            yield element.text
        if element.tail and element.tail.strip():
            yield element.tail


def _pdf(data: bytes) -> Iterator[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    for value in (reader.metadata or {}).values():
        yield str(value)
    yield from _outline(reader.outline)
    for page in reader.pages:
        yield page.extract_text() or ""
        for annotation in page.get("/Annots") or ():
            fields = annotation.get_object()
            for key in ("/Contents", "/T", "/TU", "/Alt"):
                if key in fields:
                    yield str(fields[key])
            action = fields.get("/A")
            target = action.get_object() if action is not None else None
            if isinstance(target, dict) and "/URI" in target:
                yield str(target["/URI"])
    root = reader.trailer["/Root"].get_object()
    if isinstance(root, dict) and "/StructTreeRoot" in root:  # a tagged PDF's alternative texts
        yield from _struct(root["/StructTreeRoot"].get_object(), 0)


def _outline(items: list) -> Iterator[str]:  # type: ignore[type-arg]
    for item in items:
        if isinstance(item, list):
            yield from _outline(item)
        else:
            yield str(getattr(item, "title", "") or "")


def _struct(node: object, depth: int) -> Iterator[str]:
    if depth > 200 or not hasattr(node, "get"):
        return
    for key in ("/Alt", "/ActualText", "/T", "/E"):
        value = node.get(key)  # type: ignore[attr-defined]
        if value is not None:
            yield str(value)
    kids = node.get("/K")  # type: ignore[attr-defined]
    for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        yield from _struct(kid, depth + 1)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1
        self.found.extend(v for k, v in attrs if v and k in _SHOWN_ATTRIBUTES | {"content", "id"})

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.found.append(data)


def _html(text: str) -> Iterator[str]:
    parser = _Text()
    parser.feed(text)
    parser.close()
    yield from parser.found


def _mail(data: bytes) -> Iterator[str]:
    message = email.message_from_bytes(data, policy=email.policy.default)
    # The headers a reader reads as text; addresses, dates and identifiers are the list's, not the pack's.
    for key in _TEXT_HEADERS:
        for value in message.get_all(key) or ():
            yield str(value)
    for part in message.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        payload = payload if isinstance(payload, bytes) else b""
        name = part.get_filename() or ("body.html" if part.get_content_type() == "text/html" else "body.txt")
        yield name
        yield from texts_of(name, payload)


def raw_texts(name: str, data: bytes) -> Iterator[str]:
    """Every byte of a file as text, part by part, decoded: zip members, PDF objects and inflated streams,
    MIME parts, data URIs; entities resolved; each part also with its markup taken out (runs joined)."""
    suffix = Path(name).suffix.lower()
    if suffix in (".docx", ".xlsx", ".zip", ".pptx"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                yield info.filename
                yield from raw_texts(info.filename, archive.read(info))
    elif suffix == ".pdf":
        yield from _pdf_objects(data)
    elif suffix == ".eml":
        message = email.message_from_bytes(data, policy=email.policy.default)
        yield from (f"{key}: {value}" for key, value in message.items() if key in _TEXT_HEADERS)
        for part in message.walk():
            if not part.is_multipart():
                payload = part.get_payload(decode=True)
                # Named as texts_of names it: the mail's own words ("plain") are not the pack's.
                part_name = part.get_filename() or (
                    "body.html" if part.get_content_type() == "text/html" else "body.txt"
                )
                yield part_name
                yield from raw_texts(part_name, payload if isinstance(payload, bytes) else b"")
    else:
        yield from _decoded(data.decode("utf-8", "replace"))


def _decoded(text: str) -> Iterator[str]:
    """A text part, its entities resolved; again with its markup taken out; and its data URIs decoded."""
    resolved = html.unescape(text)
    yield resolved
    yield html.unescape(_MARKUP.sub("", text))
    for match in _DATA_URI.finditer(text):
        try:
            inner = base64.b64decode(re.sub(r"\s", "", match.group(1)))
        except ValueError:
            continue
        yield from _decoded(inner.decode("utf-8", "replace"))


def _pdf_objects(data: bytes) -> Iterator[str]:
    """Every object of a PDF, its streams inflated (metadata, destinations, content, forms)."""
    from pypdf import PdfReader
    from pypdf.generic import IndirectObject, StreamObject

    reader = PdfReader(io.BytesIO(data))
    numbers = {(num, gen) for gen, objects in reader.xref.items() for num in objects}
    numbers |= {(num, 0) for num in reader.xref_objStm}
    for num, gen in sorted(numbers):
        try:
            found = IndirectObject(num, gen, reader).get_object()
        except Exception:  # a damaged object reads as nothing, as in a reader's tool
            continue
        if isinstance(found, StreamObject):
            yield str({key: value for key, value in found.items()})
            try:
                yield from _decoded(found.get_data().decode("utf-8", "replace"))
            except Exception:
                continue
        else:
            yield str(found)
