"""WordprocessingML pieces python-docx has no API for: fields, theme-free fonts, fast table rows."""

from __future__ import annotations

import copy
from collections.abc import Sequence

from docx.oxml.ns import qn
from docx.styles.style import BaseStyle, ParagraphStyle
from docx.text.paragraph import Paragraph
from lxml import etree

from ...adapters import docx as docx_adapter
from ...style import scripts_in, sole_script
from .. import markup

_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
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


# Elements that follow w:shd in a paragraph's properties (ECMA-376 CT_PPrBase).
_AFTER_SHD = (
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
# Elements that follow w:updateFields in the document settings (ECMA-376 CT_Settings).
_AFTER_UPDATE_FIELDS = (
    "w:hdrShapeDefaults",
    "w:footnotePr",
    "w:endnotePr",
    "w:compat",
    "w:docVars",
    "w:rsids",
    "m:mathPr",
    "w:attachedSchema",
    "w:themeFontLang",
    "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures",
    "w:forceUpgrade",
    "w:captions",
    "w:readModeInkLockDown",
    "w:smartTagType",
    "sl:schemaLibrary",
    "w:shapeDefaults",
    "w:doNotEmbedSmartTags",
    "w:decimalSymbol",
    "w:listSeparator",
)


def shade(paragraph: Paragraph, fill: str) -> None:
    """A background fill behind a whole paragraph (a banner)."""
    shd = etree.Element(qn("w:shd"))
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:fill"), fill)
    insert_before(docx_adapter.paragraph_element(paragraph).get_or_add_pPr(), shd, _AFTER_SHD)


def insert_before(parent: etree._Element, child: etree._Element, successors: tuple[str, ...]) -> None:
    """Insert ``child`` where the schema's sequence puts it: before the first successor present."""
    names = {qn(name) for name in successors if not name.startswith("sl:")}
    for existing in parent:
        if existing.tag in names:
            existing.addprevious(child)
            return
    parent.append(child)


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
    _text(run, shown)


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
        insert_before(settings, update, _AFTER_UPDATE_FIELDS)
    update.set(qn("w:val"), "true")


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
        _text(r, text)
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


def _text(run: etree._Element, text: str) -> None:
    for i, line in enumerate(markup.xml_safe(text).split("\n")):
        if i:
            etree.SubElement(run, qn("w:br"))
        t = etree.SubElement(run, qn("w:t"))
        t.set(_XML_SPACE, "preserve")
        t.text = line


# Elements that follow w:lang in run properties, and w:bidi in a section's (ECMA-376 CT_RPr, CT_SectPr).
_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")
_AFTER_SECTION_BIDI = ("w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")


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
        insert_before(props, lang, _AFTER_LANG)
    lang.set(qn("w:bidi" if rtl else "w:val"), tag)


def set_run_language(props: etree._Element, tag: str, rtl: bool) -> None:
    """A run's own language (``w:lang``), when it is not the document's: as a complex-script language
    (``w:bidi``) for right-to-left text, else as its Latin text's (``w:val``)."""
    lang = props.find(qn("w:lang"))
    if lang is None:
        lang = etree.Element(qn("w:lang"))
        insert_before(props, lang, _AFTER_LANG)
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
        insert_before(props, etree.Element(qn("w:bidi")), _AFTER_SHD[_AFTER_SHD.index("w:bidi") + 1 :])


def left_to_right_paragraph(paragraph: Paragraph) -> None:
    """One paragraph left to right in a right-to-left document (``w:bidi`` off): words in a left-to-right
    script with fields between them read in the order written ("Page 1 of 3")."""
    props = docx_adapter.paragraph_element(paragraph).get_or_add_pPr()
    bidi = props.find(qn("w:bidi"))
    if bidi is None:
        bidi = etree.Element(qn("w:bidi"))
        insert_before(props, bidi, _AFTER_SHD[_AFTER_SHD.index("w:bidi") + 1 :])
    bidi.set(qn("w:val"), "0")


def right_to_left_section(sect_pr: etree._Element) -> None:
    """A section laid out from the right: its columns, its page numbers' side."""
    if sect_pr.find(qn("w:bidi")) is None:
        insert_before(sect_pr, etree.Element(qn("w:bidi")), _AFTER_SECTION_BIDI)


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
    insert_before(docx_adapter.paragraph_element(paragraph).get_or_add_pPr(), border, ("w:shd", *_AFTER_SHD))


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


# Elements that follow w:pgNumType in a section's properties (ECMA-376 CT_SectPr).
AFTER_PG_NUM_TYPE = (
    "w:cols",
    "w:formProt",
    "w:vAlign",
    "w:noEndnote",
    "w:titlePg",
    "w:textDirection",
    "w:bidi",
    "w:rtlGutter",
    "w:docGrid",
    "w:printerSettings",
    "w:sectPrChange",
)
