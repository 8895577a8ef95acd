"""What the preview shows: the pack built in memory from a spec, or the problems that stop it.

A failed rebuild keeps the last good rendering and lists the problems beside it; nothing
is written to the output folder unless the user asks for a build.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem, SpecError
from ..layout import LaidDocument, laid_out, lay_out
from ..lint import lint
from ..model import Briefing
from ..reading.loader import Options, load
from ..writers.html.writer import page
from ..writers.pdf.writer import PdfWriter
from ..writers.xlsx.writer import XlsxWriter

PAGE_DPI = 110
"""Resolution of the PDF's pages as pictures."""


@dataclass(frozen=True)
class Sheet:
    """One worksheet of the workbook, as rows of the texts it shows."""

    name: str
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Rendering:
    """One good build of the spec, in every view."""

    html: str
    """The briefing as the html writer makes it."""
    pages: tuple[bytes, ...]
    """The PDF's pages as PNG pictures."""
    sheets: tuple[Sheet, ...]
    """The workbook's sheets."""
    title: str
    """The briefing's title."""


@dataclass
class State:
    """The preview's state: the last good rendering, the problems of the last attempt, and a version."""

    version: int = 0
    rendering: Rendering | None = None
    problems: list[str] = field(default_factory=list)
    """``FILE:LINE:COL: message`` of what stopped the last build."""
    warnings: list[str] = field(default_factory=list)
    """The prose check's findings, and what a format could not show."""
    sources: tuple[Path, ...] = ()
    """The files the spec was read from, to watch."""
    took: float = 0.0
    """Seconds the last rebuild took."""


class Preview:
    """Builds the preview of one spec, again each time ``refresh`` is called."""

    def __init__(self, spec: Path, options: Options) -> None:
        self.spec, self.options = spec, options
        self.state = State()
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)

    def refresh(self) -> State:
        """Rebuild from the files as they are now; wake whoever waits for a new version."""
        started = dt.datetime.now()
        problems: list[str] = []
        warnings: list[str] = []
        rendering = None
        sources: tuple[Path, ...] = ()
        try:
            doc = load(self.spec, self.options)
            sources = doc.sources
            laid = lay_out(doc)  # once, for every view and the prose check
            rendering, found = render(laid)
            warnings = [f"{f}" for f in lint(laid)] + [f"{w}" for w in found]
        except SpecError as exc:
            problems = [str(p) for p in exc.problems]
        except Exception as exc:  # a writer's failure shows in the panel; the preview goes on
            problems = [f"{self.spec}: the preview could not be built: {type(exc).__name__}: {exc}"]
        with self.changed:
            state = self.state
            state.version += 1
            state.problems, state.warnings = problems, warnings
            if rendering is not None:
                state.rendering = rendering
            if sources:
                state.sources = sources
            state.took = (dt.datetime.now() - started).total_seconds()
            self.changed.notify_all()
            return state

    def wait(self, version: int, timeout: float) -> int:
        """Wait until the version is past ``version`` (or ``timeout`` seconds); returns the version."""
        with self.changed:
            self.changed.wait_for(lambda: self.state.version > version, timeout)
            return self.state.version


def render(doc: Briefing | LaidDocument) -> tuple[Rendering, Sequence[Problem]]:
    """Every view of a briefing, built in a temporary folder from its one laid-out document."""
    laid = laid_out(doc)
    import pypdfium2

    with tempfile.TemporaryDirectory(prefix="briefing-preview-") as folder:
        pdf, xlsx = Path(folder) / "p.pdf", Path(folder) / "p.xlsx"
        warnings = [*PdfWriter().write(laid, pdf), *XlsxWriter().write(laid, xlsx)]
        document = pypdfium2.PdfDocument(str(pdf))
        try:
            pages = tuple(_png(document[i]) for i in range(len(document)))
        finally:
            document.close()
        sheets = _sheets(xlsx)
    return Rendering(page(laid), pages, sheets, laid.doc.title), warnings


def _png(page: object) -> bytes:
    import io

    picture = page.render(scale=PAGE_DPI / 72).to_pil()  # type: ignore[attr-defined]
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def _sheets(path: Path) -> tuple[Sheet, ...]:
    from openpyxl import load_workbook

    from .sheet_view import shown

    book = load_workbook(path)
    return tuple(
        Sheet(sheet.title, tuple(tuple(shown(cell) for cell in row) for row in sheet.iter_rows()))
        for sheet in book.worksheets
    )
