"""The pdf writer: PdfWriter, registered under the ``briefing.writers`` entry-point group."""

from .writer import PdfWriter

__all__ = ["PdfWriter"]
