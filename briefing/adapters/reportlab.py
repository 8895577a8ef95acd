"""reportlab's internals: a group's measured height, where a flowable stands in its frame, a split
table's rows, a finished page's content, and a font's ToUnicode CMap.

reportlab offers no public way to read these or to do these things; each use is here, named for
what it does. The font's CMap replaces none of reportlab's functions: it applies to the fonts made
as ``TextMappedFont`` alone, so another user of reportlab in the same process is left as it was.
"""

from __future__ import annotations

from typing import Any

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc, ttfonts
from reportlab.platypus import Flowable, KeepTogether, Table


def kept_flowables(group: KeepTogether) -> list[Flowable]:
    """The flowables a KeepTogether holds, in order."""
    return list(group._content)


def kept_height(group: KeepTogether, width: float, height: float) -> float:
    """The height of a KeepTogether's flowables laid out in ``width``; measured again only when the
    space offered differs from the last time, as KeepTogether.split does."""
    if getattr(group, "_wrapInfo", None) != (width, height):
        group.wrap(width, height)
    return float(group._H)


def at_top_of_frame(flowable: Flowable) -> bool | None:
    """Whether a flowable being placed starts its frame (nothing above it on the page); None when it
    is not being placed in a frame."""
    frame = getattr(flowable, "_frame", None)
    return None if frame is None else bool(frame._atTop)


def table_row_count(table: Table) -> int:
    """The number of rows a table holds, a split part's too."""
    return len(table._cellvalues)


def compress_last_page(canvas: Any) -> bool:
    """Compress the content of the page ``canvas`` has just finished; whether it could.

    reportlab keeps every page's drawing operators as text until it writes the file, and
    compresses them only then: a 2,600-page annex holds some 60 MB of text it no longer needs.
    Compressing each page as it is finished holds a sixth of that. Should reportlab's page objects
    change, pages are left as they are and reportlab compresses them at the end, as it always did.
    """
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


class TextMappedFont(ttfonts.TTFont):  # type: ignore[misc]
    """A TrueType font whose ToUnicode CMap, the map text tools read its glyphs back by, is written
    by ``to_unicode_cmap``: a subclass says what its glyphs read as.

    reportlab writes the CMap inside ``TTFont.addObjects`` by a module-level function; here the
    font's own objects are made as reportlab makes them, then each subset's CMap is written again.
    reportlab keeps one font for each face (the font file's own name) in a process: registered under
    another name, the same face is the font first registered, so a TextMappedFont's map applies where
    it is the first of its face (briefing's PDF writer registers every face it uses this way).
    """

    def to_unicode_cmap(self, base_font_name: str, subset: list[int]) -> str:
        """The CMap of one subset: ``subset[n]`` is the character drawn by code ``n``."""
        return str(ttfonts.makeToUnicodeCMap(base_font_name, subset))

    def addObjects(self, doc: Any) -> None:  # noqa: N802 (reportlab's name)
        state = self.state.get(doc)
        subsets = [list(subset) for subset in state.subsets] if state is not None else []
        names = [self.getSubsetInternalName(n, doc)[1:] for n in range(len(subsets))]
        super().addObjects(doc)
        fonts = doc.idToObject["BasicFonts"].dict
        for name, subset in zip(names, subsets, strict=True):
            font = fonts[name]
            doc.idToObject[font.ToUnicode.name].content = self.to_unicode_cmap(font.BaseFont, subset)
