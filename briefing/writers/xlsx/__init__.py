"""The xlsx writer: XlsxWriter, registered under the ``briefing.writers`` entry-point group."""

from ...adapters import openpyxl_load  # noqa: F401 (first: openpyxl without numpy where nothing needs it)
from .writer import XlsxWriter

__all__ = ["XlsxWriter"]
