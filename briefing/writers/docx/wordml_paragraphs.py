"""Paragraph and section pieces of WordprocessingML python-docx has no API for: simple and complex
fields (PAGE, NUMPAGES, PAGEREF) and the setting that refreshes them on opening, bookmarks, a banner's
shading, the title block's rule, where a section's page numbers start; and a run's text with its
line breaks."""

from __future__ import annotations

from docx.oxml.ns import qn
from docx.styles.style import BaseStyle
from docx.text.paragraph import Paragraph
from lxml import etree

from ...adapters import docx as docx_adapter
from .. import markup
from .wordml_order import AFTER_PG_NUM_TYPE, AFTER_SHD, AFTER_UPDATE_FIELDS, insert_before
from .wordml_text import complex_script_twins

_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def shade(paragraph: Paragraph, fill: str) -> None:
    """A background fill behind a whole paragraph (a banner)."""
    shd = etree.Element(qn("w:shd"))
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:fill"), fill)
    insert_before(docx_adapter.paragraph_element(paragraph).get_or_add_pPr(), shd, AFTER_SHD)


def add_field(paragraph: Paragraph, instruction: str, shown: str, size_pt: float, colour: str | None = None) -> None:
    """A simple field (PAGE, NUMPAGES) that Word fills in; ``shown`` until it does."""
    field = etree.SubElement(docx_adapter.paragraph_element(paragraph), qn("w:fldSimple"))
    field.set(qn("w:instr"), instruction)
    run = etree.SubElement(field, qn("w:r"))
    props = etree.SubElement(run, qn("w:rPr"))
    if colour is not None:
        etree.SubElement(props, qn("w:color")).set(qn("w:val"), colour)  # w:color comes before w:sz
    etree.SubElement(props, qn("w:sz")).set(qn("w:val"), str(round(size_pt * 2)))
    complex_script_twins(props)
    run_text(run, shown)


def field_begin(paragraph: Paragraph, instruction: str) -> None:
    """Open a complex field: its instruction, then the cached result that follows."""
    p = docx_adapter.paragraph_element(paragraph)
    _fld_char(p, "begin").set(qn("w:dirty"), "true")  # asks Word to update it
    run = etree.SubElement(p, qn("w:r"))
    instr = etree.SubElement(run, qn("w:instrText"))
    instr.set(_XML_SPACE, "preserve")
    instr.text = f" {instruction} "
    _fld_char(p, "separate")


def field_end(paragraph: Paragraph) -> None:
    """Close a complex field opened with field_begin."""
    _fld_char(docx_adapter.paragraph_element(paragraph), "end")


def _fld_char(p: etree._Element, kind: str) -> etree._Element:
    char = etree.SubElement(etree.SubElement(p, qn("w:r")), qn("w:fldChar"))
    char.set(qn("w:fldCharType"), kind)
    return char


def update_fields_on_open(settings: etree._Element) -> None:
    """Mark the document so that Word refreshes its fields (the contents) on opening."""
    update = settings.find(qn("w:updateFields"))
    if update is None:
        update = etree.Element(qn("w:updateFields"))
        insert_before(settings, update, AFTER_UPDATE_FIELDS)
    update.set(qn("w:val"), "true")


def drop_rule(style: BaseStyle) -> None:
    """Take the border off a paragraph style (the default Title's rule, which the title block draws once, under it)."""
    p_pr = style.element.pPr
    border = p_pr.find(qn("w:pBdr")) if p_pr is not None else None
    if border is not None:
        p_pr.remove(border)


def rule_below(paragraph: Paragraph, colour: str) -> None:
    """A rule under a paragraph, across the text column: the end of the title block."""
    border = etree.Element(qn("w:pBdr"))
    bottom = etree.SubElement(border, qn("w:bottom"))
    for name, value in (("w:val", "single"), ("w:sz", "10"), ("w:space", "4"), ("w:color", colour)):
        bottom.set(qn(name), value)
    insert_before(docx_adapter.paragraph_element(paragraph).get_or_add_pPr(), border, ("w:shd", *AFTER_SHD))


def bookmark(paragraph: Paragraph, name: str, number: int) -> None:
    """A bookmark round a paragraph's text, which a PAGEREF field gives the page number of."""
    start = etree.Element(qn("w:bookmarkStart"))
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    end = etree.Element(qn("w:bookmarkEnd"))
    end.set(qn("w:id"), str(number))
    p = docx_adapter.paragraph_element(paragraph)
    p_pr = p.find(qn("w:pPr"))
    p.insert(0 if p_pr is None else 1, start)
    p.append(end)


def page_numbers_from(sect_pr: etree._Element, start: int | None, first_page_apart: bool) -> None:
    """Where a section's page numbers start (None: they go on from the section before), and whether its
    first page has a header and footer of its own (a cover's, with no number)."""
    for name in ("w:pgNumType", "w:titlePg"):
        for old in sect_pr.findall(qn(name)):
            sect_pr.remove(old)
    if start is not None:
        numbering = etree.Element(qn("w:pgNumType"))
        numbering.set(qn("w:start"), str(start))
        insert_before(sect_pr, numbering, AFTER_PG_NUM_TYPE)
    if first_page_apart:
        after = AFTER_PG_NUM_TYPE[AFTER_PG_NUM_TYPE.index("w:titlePg") + 1 :]
        insert_before(sect_pr, etree.Element(qn("w:titlePg")), after)


def run_text(run: etree._Element, text: str) -> None:
    """A run's text, made safe for XML, each line break a ``w:br``."""
    for i, line in enumerate(markup.xml_safe(text).split("\n")):
        if i:
            etree.SubElement(run, qn("w:br"))
        t = etree.SubElement(run, qn("w:t"))
        t.set(_XML_SPACE, "preserve")
        t.text = line
