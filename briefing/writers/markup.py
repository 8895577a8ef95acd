"""Text as writers put it in their files: XML-safe characters, links grouped, right-to-left letters found
(``has_rtl``, the layout's own test, named here for the writers)."""

from __future__ import annotations

import html
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
    """``text`` as XML character data: ``&``, ``<`` and ``>`` as entities. (``html.escape``, which leaves
    the quotes alone when told to: ``xml.sax.saxutils`` would load urllib and http.client with it.)"""
    return html.escape(text, quote=False)


def quoteattr(text: str) -> str:
    """``text`` as a double-quoted attribute value of reportlab's paragraph markup, whose parser reads the
    entities back (Python's HTMLParser unescapes every attribute value)."""
    return f'"{html.escape(text, quote=True)}"'
