"""Where the WordprocessingML schema puts an element among its siblings: the elements that follow one in
its parent's sequence (ECMA-376), and ``insert_before``, which puts a new element in its place.

Word refuses a part whose elements are out of the schema's order; python-docx knows the order only
for the elements it has an API for, so the rest are placed by these sequences."""

from __future__ import annotations

from docx.oxml.ns import qn
from lxml import etree

# Elements that follow w:shd in a paragraph's properties (ECMA-376 CT_PPrBase).
AFTER_SHD = (
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
AFTER_UPDATE_FIELDS = (
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
# Elements that follow w:lang in run properties, and w:bidi in a section's (ECMA-376 CT_RPr, CT_SectPr).
AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")
AFTER_SECTION_BIDI = ("w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")
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


def insert_before(parent: etree._Element, child: etree._Element, successors: tuple[str, ...]) -> None:
    """Insert ``child`` where the schema's sequence puts it: before the first successor present."""
    names = {qn(name) for name in successors if not name.startswith("sl:")}
    for existing in parent:
        if existing.tag in names:
            existing.addprevious(child)
            return
    parent.append(child)
