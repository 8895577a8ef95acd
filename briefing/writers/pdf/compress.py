"""A finished PDF page's content compressed at once, not when the whole document is saved.

reportlab keeps every page's drawing operators as text until it writes the file, and
compresses them only then: a 2,600-page annex holds some 60 MB of text it no longer needs.
Compressing each page as it is finished holds a sixth of that. reportlab offers no public
way to do so; this module is the one place that reaches into its page objects, and
tests/test_pdf_memory.py fails if they change. Should they change, pages are left as they
are and reportlab compresses them at the end, as it always did.
"""

from __future__ import annotations

from typing import Any

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc


def compress_last_page(canvas: Any) -> bool:
    """Compress the content of the page ``canvas`` has just finished; whether it could."""
    pages = getattr(getattr(getattr(canvas, "_doc", None), "Pages", None), "pages", None)
    if not pages:
        return False
    page = pages[-1]
    stream = getattr(page, "stream", None)
    if not isinstance(stream, str) or not getattr(page, "compression", False) or getattr(page, "Contents", None):
        return False
    # The filters reportlab itself would apply when it writes the page (PDFPage.check_format),
    # applied in the same order as PDFStream.format, which leaves a stream whose Filter is set alone.
    filters = [pdfdoc.PDFBase85Encode, pdfdoc.PDFZCompress] if rl_config.useA85 else [pdfdoc.PDFZCompress]
    content: str | bytes = stream
    for encoding in reversed(filters):
        content = encoding.encode(content)
    contents = pdfdoc.PDFStream(content=content)
    contents.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName(f.pdfname) for f in filters])
    contents.__Comment__ = "page stream"
    page.Contents, page.stream = contents, None
    return True
