"""The canvas's side of a tagged PDF: the catalog's entries (MarkInfo, the tree's root, XMP metadata),
each page's (its key in the parent tree, its tab order), and links' annotations as the tree's.
"""

from __future__ import annotations

from typing import Any

from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFName, PDFStream

from ...adapters import reportlab as reportlab_adapter
from .marked_content import Marks
from .tagging import Structure


class TaggingCanvas:
    """What a canvas does for a tagged PDF: the catalog's entries, each page's, and links in the tree.

    A mixin for the writer's canvas, which is given the ``structure`` to mark.
    """

    marks: Marks | None = None
    _after_text: Any = None

    def after_text(self, draw: Any) -> None:
        """Call ``draw`` once the text object being made is drawn (what a paragraph's callback draws
        after its words)."""
        self._after_text = draw

    def drawText(self, text: Any) -> None:  # noqa: N802 (reportlab's name)
        super().drawText(text)  # type: ignore[misc]
        draw, self._after_text = self._after_text, None
        if draw is not None:
            draw()

    def start_tagging(self, structure: Structure | None) -> None:
        if structure is None:
            return
        self.marks = structure.marks = Marks(structure)
        self.marks._canvas = self
        canvas: Any = self
        canvas.setCatalogEntry("MarkInfo", PDFDictionary({"Marked": "true"}))
        canvas.setViewerPreference("DisplayDocTitle", "true")
        self._tree_root = PDFDictionary({"Type": PDFName("StructTreeRoot")})
        canvas.setCatalogEntry("StructTreeRoot", self._tree_root)  # written again with the tree, after the file
        xmp = PDFStream(PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}), _xmp(structure))
        canvas.setCatalogEntry("Metadata", xmp)

    def finish_page(self) -> None:
        """Close the page's marked content and give the page its place in the parent tree."""
        if self.marks is not None:
            self.marks.close_page(self)

    def page_finished(self) -> None:
        if self.marks is not None:
            key = self.marks.page_keys[-1]
            reportlab_adapter.add_page_entries(self, {"StructParents": key, "Tabs": PDFName("S")})

    def record_numbers(self) -> None:
        """Once the file is written, the object numbers the tree refers to."""
        marks = self.marks
        if marks is None:
            return
        pages = [f"Page{n}" for n in range(1, len(marks.owners) + 1)]
        annotations = [link.annotation for link in marks.links]
        root = reportlab_adapter.object_name(self._tree_root)
        numbers = reportlab_adapter.object_numbers(self, [*pages, *annotations, root])
        marks.numbers = {
            "pages": numbers[: len(pages)],
            "annotations": numbers[len(pages) : len(pages) + len(annotations)],
            "root": numbers[-1],
        }

    def linkURL(self, url: str, rect: Any, relative: int = 0, *args: Any, **kw: Any) -> None:  # noqa: N802
        if self.marks is None:
            super().linkURL(url, rect, relative, *args, **kw)  # type: ignore[misc]
            return
        kw.setdefault("Contents", _pdf_string(url))
        kw["StructParent"] = self.marks.next_key
        super().linkURL(url, rect, relative, *args, **kw)  # type: ignore[misc]
        self.marks.link(reportlab_adapter.last_annotation(self))

    def linkRect(self, contents: str, destination: str, *args: Any, **kw: Any) -> Any:  # noqa: N802
        if self.marks is None:
            return super().linkRect(contents, destination, *args, **kw)  # type: ignore[misc]
        said = contents or self.marks.structure.destinations.get(destination, destination)
        made = super().linkRect(said, destination, *args, **kw)  # type: ignore[misc]
        name = reportlab_adapter.last_annotation(self)
        key = self.marks.link(name)
        reportlab_adapter.add_annotation_entries(self, name, {"StructParent": key})
        return made


def _pdf_string(text: str) -> Any:
    from reportlab.pdfbase.pdfdoc import PDFString

    return PDFString(text)


def _xmp(structure: Structure) -> bytes:
    """The file's XMP metadata: its title and language, and that it conforms to PDF/UA-1."""
    from ..markup import escape

    title, lang = escape(structure.title), escape(structure.language)
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
   <dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
   <pdfuaid:part>1</pdfuaid:part>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode()
