"""python-bidi's internals: the embedding level of each character of a paragraph.

python-bidi's public function gives a text's characters reordered, but not their levels, which
runs of fonts and shaping need. Asked to debug (``debug=True``, documented as returning "the
calculated levels"), the same function returns a description of the algorithm's result (the Rust
``unicode-bidi`` crate's ``BidiInfo``, printed), whose form is not promised: the levels are read
from it here, and nowhere else.
"""

from __future__ import annotations

import re

import bidi

_LEVEL = re.compile(r"Level\(\s*(\d+),?\s*\)")


def embedding_levels(text: str, rtl: bool) -> list[int]:
    """The bidirectional embedding level of each character of ``text``, one paragraph whose base
    direction is right to left where ``rtl`` (odd levels: right to left)."""
    described = bidi.get_display(text, base_dir="R" if rtl else "L", debug=True)
    if not isinstance(described, str):
        raise TypeError(f"python-bidi described the levels as {type(described).__name__}, not text")
    start, stop = described.find("levels: ["), described.find("paragraphs:")
    by_byte = [int(level) for level in _LEVEL.findall(described, start, stop)]
    # The levels are given for each byte of the text in UTF-8: a character's is its first byte's.
    found, offset = [], 0
    for char in text:
        found.append(by_byte[offset])
        offset += len(char.encode())
    return found
