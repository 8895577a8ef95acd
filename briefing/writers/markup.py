"""Text as writers put it in their files: XML-safe characters, links grouped, right-to-left letters found
(``has_rtl``, the layout's own test, named here for the writers)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import groupby

from ..layout.text import has_rtl as has_rtl  # the layout's own test, for the writers
from ..model import Inline, Span

# XML 1.0 cannot hold these characters at all; writers of XML formats replace
# them with a visible U+FFFD rather than failing or dropping text silently.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` with characters XML cannot carry replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def link_groups(text: Inline) -> Iterator[tuple[str | None, list[Span]]]:
    """Consecutive spans grouped by link target (None for unlinked text)."""
    for href, spans in groupby(text, key=lambda span: span.href):
        yield href, list(spans)
