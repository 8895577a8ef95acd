"""How text looks in WordprocessingML where python-docx has no API for it: a style's fonts (over the
theme's), size, weight, slope and colour; each script's font and the complex-script twins of a run's
properties; the document's and a run's language, and right-to-left paragraphs and sections."""

from __future__ import annotations

from collections.abc import Sequence

from docx.oxml.ns import qn
from docx.styles.style import BaseStyle, ParagraphStyle
from docx.text.paragraph import Paragraph
from lxml import etree

from ...adapters import docx as docx_adapter
from ...style import scripts_in, sole_script
from .. import markup
from .wordml_order import AFTER_LANG, AFTER_SECTION_BIDI, AFTER_SHD, insert_before

_THEME_FONT_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_THEME_COLOUR_ATTRS = ("w:themeColor", "w:themeShade", "w:themeTint")


def set_font(style: BaseStyle, name: str) -> None:
    """Give a style a font by name, overriding the theme fonts that would win otherwise."""
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in _THEME_FONT_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def set_complex_script_font(style: BaseStyle, name: str) -> None:
    """The font a style sets right-to-left and other complex-script text in, at the style's own size."""
    props = style.element.get_or_add_rPr()
    fonts = props.get_or_add_rFonts()
    fonts.attrib.pop(qn("w:cstheme"), None)
    fonts.set(qn("w:cs"), name)
    size = props.find(qn("w:sz"))
    if size is not None and props.find(qn("w:szCs")) is None:
        size_cs = etree.Element(qn("w:szCs"))
        size_cs.set(qn("w:val"), size.get(qn("w:val")))
        size.addnext(size_cs)  # w:szCs follows w:sz


def set_script_font(r_pr: etree._Element, name: str, slots: Sequence[str] = ("w:ascii", "w:hAnsi", "w:cs")) -> None:
    """Set a run of one script in that script's font, whichever of Word's font slots (Latin or
    complex script) its characters take; or in the ``slots`` named."""
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = etree.Element(qn("w:rFonts"))
        style = r_pr.find(qn("w:rStyle"))
        r_pr.insert(0 if style is None else 1, fonts)  # rFonts comes first, after a run's style
    for attr in slots:
        fonts.set(qn(attr), name)


def script_cell(p_pr: etree._Element, r_pr: etree._Element, text: str) -> None:
    """A table cell's one run of text beyond Latin: its script's font and, where it is right to left,
    its direction and its start at the right."""
    sole = sole_script(text)
    if sole is not None:
        set_script_font(r_pr, sole.family.name)
    else:  # mixed with the body font's text: its right-to-left letters in their font, Word's complex-script one
        right_to_left = next((script for script in scripts_in(text) if script.rtl), None)
        if right_to_left is not None:
            set_script_font(r_pr, right_to_left.family.name, ("w:cs",))
    if not markup.has_rtl(text):
        return
    etree.SubElement(r_pr, qn("w:rtl"))  # last of the properties given here
    if p_pr.find(qn("w:jc")) is None:  # a right-to-left text starts at the right of its cell, as in the PDF
        etree.SubElement(p_pr, qn("w:jc")).set(qn("w:val"), "right")


_TWINS = tuple((qn(latin), qn(f"{latin}Cs")) for latin in ("w:b", "w:i", "w:sz"))


def complex_script_twins(r_pr: etree._Element) -> etree._Element:
    """Give a run's weight, slope and size (``w:b``, ``w:i``, ``w:sz``) to its complex-script text too
    (``w:bCs``, ``w:iCs``, ``w:szCs``), and return ``r_pr``.

    Word and LibreOffice set right-to-left letters, and the digits and signs among them, by the
    complex-script twins: without them, numbers in an Arabic cell are set at the style's size and
    weight, larger than the letters beside them and not bold in a totals row."""
    for latin, twin in _TWINS:
        given = r_pr.find(latin)
        if given is None:
            continue
        for old in r_pr.findall(twin):
            r_pr.remove(old)
        made = etree.Element(twin, dict(given.attrib))
        given.addnext(made)  # each twin follows its Latin property in the schema's order
    return r_pr


def set_colour(style: BaseStyle, rgb: str) -> None:
    """Give a style a text colour, overriding a theme colour."""
    colour = style.element.get_or_add_rPr().get_or_add_color()
    for attr in _THEME_COLOUR_ATTRS:
        colour.attrib.pop(qn(attr), None)
    colour.set(qn("w:val"), rgb)


def set_look(style: ParagraphStyle, size_pt: float, bold: bool, italic: bool, colour: str) -> None:
    """A style's size, weight, slope and colour, for Latin and complex-script text alike, with no letter spacing."""
    props = style.element.get_or_add_rPr()
    for name in ("w:b", "w:bCs", "w:i", "w:iCs", "w:spacing"):
        for old in props.findall(qn(name)):
            props.remove(old)
    style.font.bold, style.font.italic = bold, italic
    style.font.cs_bold, style.font.cs_italic = bold, italic
    set_size(style, size_pt)
    set_colour(style, colour)


def set_size(style: BaseStyle, size_pt: float) -> None:
    """A style's size, for Latin and complex-script text alike, in the half points the layout rounded to."""
    props = style.element.get_or_add_rPr()
    for old in props.findall(qn("w:szCs")):
        props.remove(old)
    size = props.get_or_add_sz()
    size.set(qn("w:val"), str(round(size_pt * 2)))
    size_cs = etree.Element(qn("w:szCs"))
    size_cs.set(qn("w:val"), str(round(size_pt * 2)))
    size.addnext(size_cs)  # w:szCs follows w:sz


# -- language and direction ------------------------------------------------


def set_language(styles: etree._Element, tag: str, rtl: bool) -> None:
    """The document's language in the styles' defaults: for Latin text, or for right-to-left text when ``rtl``.

    Word spell-checks, hyphenates and reads aloud by it; a right-to-left language is a
    "complex script" language, which Word keeps apart (w:bidi).
    """
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = etree.Element(qn("w:docDefaults"))
        styles.insert(0, defaults)
    run_default = defaults.find(qn("w:rPrDefault"))
    if run_default is None:
        run_default = etree.Element(qn("w:rPrDefault"))
        defaults.insert(0, run_default)
    props = run_default.find(qn("w:rPr"))
    if props is None:
        props = etree.SubElement(run_default, qn("w:rPr"))
    lang = props.find(qn("w:lang"))
    if lang is None:
        lang = etree.Element(qn("w:lang"))
        insert_before(props, lang, AFTER_LANG)
    lang.set(qn("w:bidi" if rtl else "w:val"), tag)


def set_run_language(props: etree._Element, tag: str, rtl: bool) -> None:
    """A run's own language (``w:lang``), when it is not the document's: as a complex-script language
    (``w:bidi``) for right-to-left text, else as its Latin text's (``w:val``)."""
    lang = props.find(qn("w:lang"))
    if lang is None:
        lang = etree.Element(qn("w:lang"))
        insert_before(props, lang, AFTER_LANG)
    lang.set(qn("w:bidi" if rtl else "w:val"), tag)


def right_to_left_paragraphs(styles: etree._Element) -> None:
    """Every paragraph right to left, by default: it starts at the right, and lists hang from there."""
    defaults = styles.find(qn("w:docDefaults"))
    assert defaults is not None, "set_language makes the defaults first"
    para_default = defaults.find(qn("w:pPrDefault"))
    if para_default is None:
        para_default = etree.SubElement(defaults, qn("w:pPrDefault"))
    props = para_default.find(qn("w:pPr"))
    if props is None:
        props = etree.SubElement(para_default, qn("w:pPr"))
    if props.find(qn("w:bidi")) is None:
        insert_before(props, etree.Element(qn("w:bidi")), AFTER_SHD[AFTER_SHD.index("w:bidi") + 1 :])


def left_to_right_paragraph(paragraph: Paragraph) -> None:
    """One paragraph left to right in a right-to-left document (``w:bidi`` off): words in a left-to-right
    script with fields between them read in the order written ("Page 1 of 3")."""
    props = docx_adapter.paragraph_element(paragraph).get_or_add_pPr()
    bidi = props.find(qn("w:bidi"))
    if bidi is None:
        bidi = etree.Element(qn("w:bidi"))
        insert_before(props, bidi, AFTER_SHD[AFTER_SHD.index("w:bidi") + 1 :])
    bidi.set(qn("w:val"), "0")


def right_to_left_section(sect_pr: etree._Element) -> None:
    """A section laid out from the right: its columns, its page numbers' side."""
    if sect_pr.find(qn("w:bidi")) is None:
        insert_before(sect_pr, etree.Element(qn("w:bidi")), AFTER_SECTION_BIDI)
