"""Word tables as WordprocessingML, built directly: borders, cell margins and shading, and rows (a header
row repeated on every page with its rule, body rows, a bold totals row under its rule), each cell's text
in its size, script's font and direction.

python-docx adds a row by reading the whole grid again; these build rows as elements (and clone
them, for a long table's body) so a table of many rows takes time in proportion to its rows."""

from __future__ import annotations

import copy
from collections.abc import Sequence

from docx.oxml.ns import qn
from lxml import etree

from .. import markup
from .wordml_order import insert_before
from .wordml_paragraphs import run_text
from .wordml_text import complex_script_twins, script_cell


def table_borders(tbl_pr: etree._Element, colour: str | None, accent: str) -> None:
    """Grid lines of ``colour``, or with None only a rule under the header."""
    borders = tbl_pr.find(qn("w:tblBorders"))
    if borders is not None:
        tbl_pr.remove(borders)
    borders = etree.Element(qn("w:tblBorders"))
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = etree.SubElement(borders, qn(f"w:{side}"))
        if colour is None and side != "bottom":
            edge.set(qn("w:val"), "nil")
            continue
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), "4")
        edge.set(qn("w:color"), colour or "999999")
    # tblBorders sits after tblW and jc in the schema's order.
    anchor = tbl_pr.find(qn("w:tblLayout"))
    if anchor is not None:
        anchor.addprevious(borders)
    else:
        tbl_pr.append(borders)


def shade_cell(tc: etree._Element, fill: str) -> None:
    """A background fill behind a whole table cell."""
    tc_pr = tc.get_or_add_tcPr()
    shd = etree.SubElement(tc_pr, qn("w:shd"))
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:fill"), fill)


def cell_margins(tbl_pr: etree._Element, twips: int) -> None:
    """Space left and right of every cell's text, as the layout measured the columns with."""
    margins = etree.Element(qn("w:tblCellMar"))
    for side in ("left", "right"):
        edge = etree.SubElement(margins, qn(f"w:{side}"))
        edge.set(qn("w:w"), str(twips))
        edge.set(qn("w:type"), "dxa")
    # tblCellMar follows tblLayout and comes before tblLook in the schema's order.
    insert_before(tbl_pr, margins, ("w:tblLook", "w:tblCaption", "w:tblDescription"))


def table_row(
    tbl: etree._Element,
    texts: Sequence[str],
    widths: Sequence[int],
    right: Sequence[bool],
    size_pt: float,
    fill: str | None = None,
    header: tuple[str, str | None] | None = None,
    keep_next: bool = False,
    total_rule: str | None = None,
) -> etree._Element:
    """Append one table row built as XML.

    python-docx's add_row re-reads the whole grid for every row, which makes
    large tables quadratic; building the elements directly stays linear.
    ``header`` is (text colour, rule colour) for a header row; ``keep_next``
    keeps the row on the page of the next one (short tables stay whole);
    ``total_rule`` makes a bold totals row under a rule of that colour.
    """
    half_points = str(round(size_pt * 2))
    tr = etree.SubElement(tbl, qn("w:tr"))
    if header:
        tr_pr = etree.SubElement(tr, qn("w:trPr"))
        etree.SubElement(tr_pr, qn("w:cantSplit"))
        etree.SubElement(tr_pr, qn("w:tblHeader"))  # repeated on every page
    for text, twips, align_right in zip(texts, widths, right, strict=True):
        tc = etree.SubElement(tr, qn("w:tc"))
        tc_pr = etree.SubElement(tc, qn("w:tcPr"))
        tc_w = etree.SubElement(tc_pr, qn("w:tcW"))
        tc_w.set(qn("w:w"), str(twips))
        tc_w.set(qn("w:type"), "dxa")
        if header and header[1]:
            _rule(tc_pr, "w:bottom", header[1])
        if total_rule:
            _rule(tc_pr, "w:top", total_rule)
        if fill:
            shd = etree.SubElement(tc_pr, qn("w:shd"))
            shd.set(qn("w:val"), "clear")
            shd.set(qn("w:fill"), fill)
        p = etree.SubElement(tc, qn("w:p"))
        p_pr = etree.SubElement(p, qn("w:pPr"))
        if keep_next:
            etree.SubElement(p_pr, qn("w:keepNext"))
        spacing = etree.SubElement(p_pr, qn("w:spacing"))
        spacing.set(qn("w:before"), "20")
        spacing.set(qn("w:after"), "20")
        if align_right:
            etree.SubElement(p_pr, qn("w:jc")).set(qn("w:val"), "right")
        if not text:
            continue
        r = etree.SubElement(p, qn("w:r"))
        r_pr = etree.SubElement(r, qn("w:rPr"))
        if header or total_rule:
            etree.SubElement(r_pr, qn("w:b"))
        if header:
            etree.SubElement(r_pr, qn("w:color")).set(qn("w:val"), header[0])
        etree.SubElement(r_pr, qn("w:sz")).set(qn("w:val"), half_points)
        complex_script_twins(r_pr)
        if not text.isascii():
            script_cell(p_pr, r_pr, text)
        run_text(r, text)
    return tr


class BodyRows:
    """Appends body rows cloned from one row built per look: lxml copies a row several times faster than
    ``table_row`` builds one, which is most of the time a big table takes."""

    def __init__(self, tbl: etree._Element, widths: Sequence[int], right: Sequence[bool], size_pt: float) -> None:
        self.tbl, self.widths, self.right, self.size_pt = tbl, widths, right, size_pt
        self._templates: dict[tuple[str | None, bool], etree._Element] = {}

    def add(self, texts: Sequence[str], fill: str | None = None, keep_next: bool = False) -> None:
        self.tbl.append(self.row(texts, fill, keep_next))

    @staticmethod
    def xml(row: etree._Element) -> bytes:
        """A row as the bytes of its XML, for a table whose rows are streamed into the file, never all held."""
        return etree.tostring(row).replace(_W_DECLARATION, b"", 1)

    def row(self, texts: Sequence[str], fill: str | None, keep_next: bool) -> etree._Element:
        """A body row, not yet in the table."""
        if any("\n" in t for t in texts):  # line breaks need more than one text element: build the row
            scratch = etree.Element(qn("w:tbl"), nsmap=_W_NSMAP)
            return table_row(scratch, texts, self.widths, self.right, self.size_pt, fill, keep_next=keep_next)
        key = (fill, keep_next)
        if key not in self._templates:
            scratch = etree.Element(qn("w:tbl"), nsmap=_W_NSMAP)
            self._templates[key] = table_row(
                scratch, ["x"] * len(texts), self.widths, self.right, self.size_pt, fill, keep_next=keep_next
            )
        row = copy.deepcopy(self._templates[key])
        for t, text in zip(list(row.iter(_W_T)), texts, strict=True):
            if text:
                t.text = markup.xml_safe(text)
                if not text.isascii():  # fonts and direction as table_row gives them
                    run = t.getparent()
                    script_cell(run.getparent().find(_W_PPR), run.find(_W_RPR), text)
            else:  # an empty cell has no run at all, as table_row makes it
                run = t.getparent()
                run.getparent().remove(run)
        return row


_W_T = qn("w:t")
_W_RPR = qn("w:rPr")
_W_PPR = qn("w:pPr")
_W_NSMAP = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
"""Rows are made apart from the document with its prefix, so they serialise as it does."""
_W_DECLARATION = b' xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
"""Declared once at the top of the document: a streamed row does not repeat it."""


def _rule(tc_pr: etree._Element, side: str, colour: str) -> None:
    rule = etree.SubElement(etree.SubElement(tc_pr, qn("w:tcBorders")), qn(side))
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:color", colour)):
        rule.set(qn(key), value)
