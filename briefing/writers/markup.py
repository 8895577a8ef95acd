"""Text as writers put it in their files: XML-safe characters, links grouped, right-to-left letters found."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from itertools import groupby

from ..model import Inline, Span

# XML 1.0 cannot hold these characters at all; writers of XML formats replace
# them with a visible U+FFFD rather than failing or dropping text silently.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def has_rtl(text: str) -> bool:
    """Whether ``text`` holds a right-to-left letter (Arabic, Hebrew, N'Ko…), as the Unicode bidi classes say."""
    return not text.isascii() and any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


def xml_safe(text: str) -> str:
    """``text`` with characters XML cannot carry replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def link_groups(text: Inline) -> Iterator[tuple[str | None, list[Span]]]:
    """Consecutive spans grouped by link target (None for unlinked text)."""
    for href, spans in groupby(text, key=lambda span: span.href):
        yield href, list(spans)
