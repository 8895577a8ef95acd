"""What comes before the body in Word: the cover block (logo, title, subtitle, the meta line and its rule,
a page of its own when the style says) and the contents, each entry a link to its heading with the
number of the page it is on."""

from __future__ import annotations

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm

from ... import files
from ...adapters import docx as docx_adapter
from ...layout import Heading
from ...model import Span, plain
from . import runs, wordml_paragraphs
from .document import WordDocument

TOC_LEVELS = 3
"""Headings down to this level are listed in the contents."""


def heading_mark(number: int) -> str:
    """The bookmark of the ``number``th heading the contents list."""
    return f"_BriefingHeading{number}"


class FrontMatter(WordDocument):
    """The cover block and the contents."""

    def _cover(self) -> None:
        front = self.laid.front
        if not front.shown:
            return
        if front.logo is not None and self.style.logo is not None:
            para = self.document.add_paragraph()
            # Start and end of the line: Word turns them round in a right-to-left paragraph itself.
            para.alignment = WD_ALIGN_PARAGRAPH.LEFT if front.logo.align == "start" else WD_ALIGN_PARAGRAPH.RIGHT
            para.add_run().add_picture(str(files.local(self.style.logo)), width=Cm(front.logo.width_cm))
        title = last = self._plain_paragraph(front.title, "Title")
        if front.cover_page:
            title.paragraph_format.space_before = Cm(6)
        if front.subtitle:
            last = self._plain_paragraph(front.subtitle, "Subtitle")
        if front.meta:
            last = self._plain_paragraph(front.meta, None)
            for run in last.runs:
                self._look(run, self.laid.looks.meta)
        wordml_paragraphs.rule_below(last, self.style.accent)  # under the block's last line, as in the PDF
        if front.cover_page:
            self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def _contents(self) -> None:
        """The contents: each heading, a link to it, and the number printed on its page.

        The number is a PAGEREF field to the heading's bookmark, which Word works out when it opens the
        file and LibreOffice as it lays it out; both give the page's printed number, so after a cover the
        count starts at the page after it, as in the PDF. (A TOC field would do in Word, but LibreOffice
        shows a TOC field's entries as written, without their numbers.)
        """
        styles = self.document.styles
        self._plain_paragraph(self.doc.labels.contents, "TOC Heading" if "TOC Heading" in styles else "Heading 1")
        entries = [
            (node.level, plain(runs.unmarked(node.text)))
            for node, _ in self.laid.flow
            if isinstance(node, Heading) and node.level <= TOC_LEVELS
        ]
        for number, (level, text) in enumerate(entries, 1):
            name = f"TOC {level}"
            if name not in styles:
                added = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
                added.base_style = styles["Normal"]
                added.paragraph_format.left_indent = Cm(0.6 * (level - 1))
                added.paragraph_format.tab_stops.add_tab_stop(
                    Cm(self.style.text_width_cm), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
                )
            para = self.paragraph(name)
            link = OxmlElement("w:hyperlink")
            link.set(qn("w:anchor"), heading_mark(number))
            for run in self.runs.run(para, Span(text)):
                link.append(run.element)
            docx_adapter.paragraph_element(para).append(link)
            para.add_run("\t")
            wordml_paragraphs.add_field(para, f"PAGEREF {heading_mark(number)} \\h", "", self.laid.looks.body.size)
        if entries:
            wordml_paragraphs.update_fields_on_open(self.document.settings.element)
        if self.style.cover == "page":
            self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
