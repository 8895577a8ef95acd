"""The xlsx writer: XlsxWriter, registered under the ``briefing.writers`` entry-point group."""

from .writer import XlsxWriter

__all__ = ["XlsxWriter"]
