"""The docx writer: DocxWriter, registered under the ``briefing.writers`` entry-point group."""

from .writer import DocxWriter

__all__ = ["DocxWriter"]
