"""Text as writers put it in their files: XML-safe characters, links grouped, right-to-left letters found
(``has_rtl``, the layout's own test, named here for the writers)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby

from ..layout.text import has_rtl as has_rtl  # the layout's own tests, for the writers
from ..layout.text import xml_safe as xml_safe
from ..model import Inline, Span


def link_groups(text: Inline) -> Iterator[tuple[str | None, list[Span]]]:
    """Consecutive spans grouped by link target (None for unlinked text)."""
    for href, spans in groupby(text, key=lambda span: span.href):
        yield href, list(spans)


def escape(text: str) -> str:
    """``text`` as XML character data: ``&``, ``<`` and ``>`` as entities (what ``xml.sax.saxutils.escape``
    does, without loading urllib and http.client as that module does)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(text: str) -> str:
    """``text`` as a quoted XML attribute value, quoted and escaped as ``xml.sax.saxutils.quoteattr`` does."""
    text = escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"{}"'.format(text.replace('"', "&quot;"))
