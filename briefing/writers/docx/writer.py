"""Word writer: walks the laid-out pack into a python-docx document and saves it.

The document is built in the order a reader meets it: begun with the house style (``document``),
its page furniture (``pages``), the cover and contents (``front_matter``), then the body as the
walker hands it (``blocks``, ``tables``), and saved with its fonts and any streamed rows."""

from __future__ import annotations

from pathlib import Path

from ... import gc_pause
from ...errors import Problem
from ...layout import LaidDocument, laid_out
from ...model import Briefing
from ...reproducible import fix_zip_times
from ...walk import walk
from . import fonts, front_matter, streaming, tables


class DocxWriter:
    """Writes a briefing as a Word document (.docx)."""

    name = "docx"
    extension = ".docx"
    takes_layout = True

    @gc_pause.paused()  # a big table is a million lxml proxies and python-docx objects
    def write(self, laid: LaidDocument | Briefing, path: Path) -> list[Problem]:
        builder = _Builder(laid_out(laid))
        fonts.embed(builder.document, fonts.streamed_text(builder.streamed))
        if builder.streams:
            streaming.save(builder.document, path, builder.streams)
        else:
            builder.document.save(str(path))
        fix_zip_times(path)
        return builder.warnings


class _Builder(front_matter.FrontMatter, tables.Tables):
    """One Word document built from a laid-out pack: every part, in reading order."""

    def __init__(self, laid: LaidDocument) -> None:
        super().__init__(laid)
        self._properties()
        self._furniture(self.document.sections[0])
        self._cover()
        if self.style.toc:
            self._contents()
        self.warnings.extend(walk(laid, self, "docx"))
        if laid.notes_at_end and self.runs.notes.cited:  # Word sets its endnotes after the body's last paragraph
            self._plain_paragraph(laid.notes_heading, "Heading 1")
        if laid.furniture.first_numbered_page > 1:
            self._mark_last_page()
