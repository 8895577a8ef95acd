"""A third-party distribution of writers, installed into a temporary folder on sys.path."""

from __future__ import annotations

import functools
import sys
import textwrap
from pathlib import Path

import pytest

from briefing import registry

WRITERS = '''
from briefing.model import plain
from briefing.walk import walk


class TextWriter:
    """Writes a briefing as plain text through the walker: a third-party writer older than the callout block."""

    name = "txt"
    extension = ".txt"

    def write(self, doc, path):
        self.lines = [doc.title]
        warnings = walk(doc, self)
        path.write_text("\\n".join(self.lines) + "\\n", encoding="utf-8")
        return warnings

    def visit_heading(self, node, place):
        self.lines.append("  " * (node.level - 1) + plain(node.text))

    def visit_paragraph(self, node, place):
        self.lines.append(plain(node.text))

    def visit_list_block(self, node, place):
        self.lines.extend("- " + plain(item.text) for item in node.items)

    def visit_table(self, node, place):
        self.lines.append(str(place.caption))
        self.lines.extend(" | ".join(row) for row in place.table.rows())

    def visit_chart(self, node, place):
        self.lines.append(str(place.caption))

    def visit_image(self, node, place):
        self.lines.append(str(place.caption))

    def visit_page_break(self, node, place):
        self.lines.append("\\f")


class Boom:
    name = "boom"
    extension = ".boom"

    def write(self, doc, path):
        path.write_text("half written")
        raise RuntimeError("disk on fire")
'''

ENTRY_POINTS = """
[briefing.writers]
txt = acme_writers:TextWriter
boom = acme_writers:Boom
broken = acme_missing_module:Writer
"""


def install(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``acme-writers`` importable and its entry points visible."""
    (folder / "acme_writers.py").write_text(textwrap.dedent(WRITERS))
    dist = folder / "acme_writers-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-writers\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(ENTRY_POINTS)
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.delitem(sys.modules, "acme_writers", raising=False)
    # A fresh lookup that sees the new distribution; the original returns at teardown.
    monkeypatch.setattr(registry, "_entry_points", functools.cache(registry._entry_points.__wrapped__))
