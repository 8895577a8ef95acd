"""The html writer: HtmlWriter, registered under the ``briefing.writers`` entry-point group."""

from .writer import HtmlWriter

__all__ = ["HtmlWriter"]
