"""One rebuild of the preview: the pack built in memory from a spec, or the problems that stop it.

``rebuild`` runs in a child process of its own (``rebuilds``), and only there: this module
brings in every writer, which the server itself never needs. Nothing is written to the
output folder unless the user asks for a build.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

# PDFium is a shared library: loaded with this module, before the rebuild's child limits its address
# space, so a tight budget ends in the budget's one line, never in a library that cannot be mapped.
import pypdfium2

from .. import accessibility
from ..errors import Problem, SpecError
from ..layout import LaidDocument, laid_out, lay_out
from ..lint import lint
from ..markings.variant import cleared, variants_of
from ..model import Briefing
from ..reading.loader import Options, load
from ..writers.html.writer import page
from ..writers.pdf.writer import PdfWriter
from ..writers.xlsx.writer import XlsxWriter
from .rendering import Outcome, Rendering, Sheet

PAGE_DPI = 110
"""Resolution of the PDF's pages as pictures."""


def rebuild(spec: Path, options: Options, clearance: str = "") -> Outcome:
    """Every view of the spec as its files are now (the variant for ``clearance`` when given and the
    pack marks portions), or the problems that stop it."""
    try:
        doc = load(spec, options)
        variants = variants_of(doc)
        levels = tuple(variants)
        shown = clearance if clearance in variants else ""
        if shown:
            doc = cleared(doc, variants[shown]).doc
        laid = lay_out(doc)  # once, for every view and the prose check
        rendering, found = render(laid)
        rendering = replace(rendering, levels=levels, variant=shown)
        checked = (*lint(laid), *accessibility.check(laid))
        warnings = (*(f"{f}" for f in checked), *(f"{w}" for w in found))
        return Outcome(rendering, (), warnings, doc.sources)
    except SpecError as exc:
        return Outcome(problems=tuple(str(p) for p in exc.problems))
    except MemoryError:
        raise  # the child reports it as the budget reached, not as a writer's failure
    except Exception as exc:  # a writer's failure shows in the panel; the preview goes on
        return Outcome(problems=(f"{spec}: the preview could not be built: {type(exc).__name__}: {exc}",))


def render(doc: Briefing | LaidDocument) -> tuple[Rendering, Sequence[Problem]]:
    """Every view of a briefing, built in a temporary folder from its one laid-out document."""
    laid = laid_out(doc)
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
