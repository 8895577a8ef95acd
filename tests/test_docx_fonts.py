"""The Word file's right-to-left text as a reader's application sets it: each run's size, weight and slope
given to its complex-script text too, and the script fonts it uses carried in the file."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pdfplumber
import pytest
import yaml
from docx.oxml.ns import qn
from fontTools.ttLib import TTFont
from lxml import etree

from briefing import build
from briefing.cli import main
from briefing.model import Briefing, Paragraph, Section, Table
from briefing.reading.inline import parse_inline
from briefing.reading.style_files import merge, read_style_file
from briefing.style import SCRIPT_FONTS
from briefing.writers.docx import tables
from briefing.writers.docx.writer import DocxWriter

from .conftest import SPECS, require_tool, run_soffice
from .test_docx_template import after_opening, before, patch

_TWINS = (("w:b", "w:bCs"), ("w:i", "w:iCs"), ("w:sz", "w:szCs"))


def _word_file(spec: str, out: Path) -> Path:
    return build(SPECS / spec, formats=["docx"], out=out).paths[0]


def _xml_parts(path: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(path) as package:
        return {
            name: etree.fromstring(package.read(name))
            for name in package.namelist()
            if name.startswith("word/") and name.endswith(".xml")
        }


@pytest.mark.parametrize("spec", ["sahel-arabic.yaml", "showcase.yaml"])
def test_every_run_sized_bolded_or_italicised_sets_its_complex_script_twin_alike(spec, tmp_path):
    checked = 0
    for name, root in _xml_parts(_word_file(spec, tmp_path)).items():
        for props in root.iter(qn("w:rPr")):
            for latin, twin in _TWINS:
                given = props.find(qn(latin))
                if given is None:
                    continue
                checked += 1
                found = props.find(qn(twin))
                assert found is not None, f"{name}: {latin} without {twin}: {etree.tostring(props)[:200]!r}"
                assert dict(found.attrib) == dict(given.attrib), f"{name}: {etree.tostring(props)[:200]!r}"
    assert checked > 100


def _totals_words(pdf: Path) -> tuple[list[dict], list[dict]]:
    """The words of the Arabic example's first table: its body's and its totals row's (the row of المجموع)."""
    with pdfplumber.open(pdf) as opened:
        words = opened.pages[0].extract_words(extra_attrs=["fontname", "size"])
    total = next(w for w in words if "المجموع" in (w["text"], w["text"][::-1]))
    town = max((w for w in words if "موبتي" in (w["text"], w["text"][::-1])), key=lambda w: w["top"])  # not the text's
    body = [w for w in words if town["top"] - 2 < w["top"] < total["top"] - 2]
    row = [w for w in words if abs(w["top"] - total["top"]) < 2]
    return body, row


def test_libreoffice_sets_the_numbers_of_an_arabic_table_as_its_letters_and_the_totals_bold(tmp_path):
    """In LibreOffice, the numbers of a right-to-left table are as large as its words, and bold in the totals."""
    path = _word_file("sahel-arabic.yaml", tmp_path)
    run_soffice(path, tmp_path)
    body, totals = _totals_words(tmp_path / "sahel-arabic.pdf")
    numbers = [w for w in body + totals if w["text"].isdigit()]
    assert {w["text"] for w in totals if w["text"].isdigit()} == {"33", "77"}
    assert len({round(w["size"], 1) for w in body + totals}) == 1, [(w["text"], w["size"]) for w in body]
    assert all("Bold" in w["fontname"] for w in totals), [(w["text"], w["fontname"]) for w in totals]
    assert not any("Bold" in w["fontname"] for w in numbers if w not in totals)


# -- the script fonts carried in the file ----------------------------------------------------------

_FONT_TYPE = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
_ARABIC = re.compile("[\u0600-\u06ff]")


def _doc(*blocks: object, title: str = "Q") -> Briefing:
    return Briefing(title, (Section(parse_inline("H"), tuple(blocks)),), style=merge(read_style_file("plain")))


def _unobfuscated(data: bytes, key: str) -> bytes:
    """ECMA-376 Part 1, §17.8.1 read backwards: the key's 16 bytes from its last pair of hex digits to its first,
    XORed over the first 32 bytes of the part."""
    digits = key.strip("{}").replace("-", "")
    secret = [int(digits[i : i + 2], 16) for i in range(30, -1, -2)]
    return bytes(b ^ secret[i % 16] for i, b in enumerate(data[:32])) + data[32:]


def _embedded(path: Path) -> dict[tuple[str, str], TTFont]:
    """The fonts a Word file carries, by (family, face), each read back as Word reads it."""
    with zipfile.ZipFile(path) as package:
        table = etree.fromstring(package.read("word/fontTable.xml"))
        names = package.namelist()
        rels = (
            etree.fromstring(package.read("word/_rels/fontTable.xml.rels"))
            if "word/_rels/fontTable.xml.rels" in names
            else None
        )
        types = etree.fromstring(package.read("[Content_Types].xml"))
        targets = {rel.get("Id"): rel.get("Target") for rel in rels} if rels is not None else {}
        declared = {o.get("PartName"): o.get("ContentType") for o in types if o.get("PartName")}
        found = {}
        for font in table.iter(qn("w:font")):
            for face in font:
                if not face.tag.startswith(qn("w:embed")):
                    continue
                name = "word/" + targets[face.get(qn("r:id"))]
                assert declared["/" + name] == _FONT_TYPE, name
                assert face.get(qn("w:subsetted")) == "1"
                data = package.read(name)
                assert data[:4] != b"\x00\x01\x00\x00", "not obfuscated"
                found[font.get(qn("w:name")), face.tag.split("}")[1]] = TTFont(
                    io.BytesIO(_unobfuscated(data, face.get(qn("w:fontKey"))))
                )
    return found


def test_the_arabic_example_carries_noto_sans_arabic_cut_down_to_its_letters(tmp_path):
    path = _word_file("sahel-arabic.yaml", tmp_path)
    fonts = _embedded(path)
    assert set(fonts) == {("Noto Sans Arabic", "embedRegular"), ("Noto Sans Arabic", "embedBold")}
    with zipfile.ZipFile(path) as package:
        shown = "".join(t.text or "" for root in _xml_parts(path).values() for t in root.iter(qn("w:t")))
        sizes = {i.filename: i.file_size for i in package.infolist() if i.filename.startswith("word/fonts/")}
        settings = etree.fromstring(package.read("word/settings.xml"))
    letters = set(_ARABIC.findall(shown))
    assert len(letters) > 25
    family = SCRIPT_FONTS[0].family
    for (_, face), font in fonts.items():
        full = TTFont(family.regular if face == "embedRegular" else family.bold)
        cmap = font.getBestCmap()
        assert {chr(c) for c in cmap} >= letters | set("0123456789")
        assert len(font.getGlyphOrder()) < len(full.getGlyphOrder()) / 3  # a subset, with the joined forms
        assert "init" in {r.FeatureTag for r in font["GSUB"].table.FeatureList.FeatureRecord}
        assert font["name"].getDebugName(1) == "Noto Sans Arabic"
        assert font["name"].getDebugName(2) == ("Bold" if face == "embedBold" else "Regular")
    assert all(size < family.regular.stat().st_size / 5 for size in sizes.values()), sizes
    # Word keeps them, cut down, when it saves the file again; in the settings' order.
    names = [child.tag.split("}")[1] for child in settings]
    assert names.index("zoom") < names.index("embedTrueTypeFonts") < names.index("saveSubsetFonts")
    assert names.index("saveSubsetFonts") < names.index("proofState")


def test_a_document_carries_only_the_script_fonts_its_text_uses(tmp_path):
    DocxWriter().write(_doc(Paragraph(parse_inline("Plain English only."))), tmp_path / "latin.docx")
    assert _embedded(tmp_path / "latin.docx") == {}
    with zipfile.ZipFile(tmp_path / "latin.docx") as package:
        assert b"embedTrueTypeFonts" not in package.read("word/settings.xml")
    quoted = _doc(Paragraph(parse_inline('The sign read "שלום" and ⵜⵉⴼⵉⵏⴰⵖ.')))
    DocxWriter().write(quoted, tmp_path / "quote.docx")
    fonts = _embedded(tmp_path / "quote.docx")
    assert set(fonts) == {
        ("Noto Sans Hebrew", "embedRegular"),
        ("Noto Sans Hebrew", "embedBold"),
        ("Noto Sans Tifinagh", "embedRegular"),
    }
    assert {chr(c) for c in fonts["Noto Sans Hebrew", "embedRegular"].getBestCmap()} >= set("שלום")


def test_a_streamed_tables_letters_are_in_the_font_carried(tmp_path, monkeypatch):
    """The rows of a long table are written as the file is saved; their letters are carried too."""
    monkeypatch.setattr(tables, "STREAM_ROWS", 3)
    rows = tuple((f"row {n}", n) for n in range(5)) + (("ڤ", 5),)  # a letter no other text has
    DocxWriter().write(_doc(Table(("Name", "Count"), rows, "Long")), tmp_path / "long.docx")
    with zipfile.ZipFile(tmp_path / "long.docx") as package:
        assert "ڤ" in package.read("word/document.xml").decode()
    fonts = _embedded(tmp_path / "long.docx")
    assert ord("ڤ") in fonts["Noto Sans Arabic", "embedRegular"].getBestCmap()


def test_over_a_template_the_fonts_carried_are_named_once_and_kept_on_save(tmp_path):
    """A template whose font table names Noto Sans Arabic with a face of its own, and whose settings say
    not to embed: the file names the faces it carries once each, and asks Word to keep them."""
    template = tmp_path / "house.docx"
    docx.Document().save(template)
    patch(
        template,
        {
            "word/fontTable.xml": before(
                "</w:fonts>",
                '<w:font w:name="Noto Sans Arabic"><w:charset w:val="B2"/><w:family w:val="auto"/>'
                '<w:embedRegular r:id="rId99" w:fontKey="{00000000-0000-0000-0000-000000000000}"/></w:font>',
            ),
            "word/settings.xml": after_opening("w:settings", '<w:embedTrueTypeFonts w:val="0"/>'),
        },
    )
    spec = tmp_path / "brief.yaml"
    spec.write_text("title: موجز\nlanguage: ar\nsections:\n  - heading: الوضع\n    content:\n      - paragraph: نص\n")
    assert main(["build", str(spec), "--docx-template", str(template), "--format", "docx", "--out", str(tmp_path)]) == 0
    assert set(_embedded(tmp_path / "brief.docx")) == {
        ("Noto Sans Arabic", "embedRegular"),
        ("Noto Sans Arabic", "embedBold"),
    }
    with zipfile.ZipFile(tmp_path / "brief.docx") as package:
        table = etree.fromstring(package.read("word/fontTable.xml"))
        settings = etree.fromstring(package.read("word/settings.xml"))
    (entry,) = [f for f in table.iter(qn("w:font")) if f.get(qn("w:name")) == "Noto Sans Arabic"]
    assert [child.tag.split("}")[1] for child in entry] == ["charset", "family", "embedRegular", "embedBold"]
    assert [dict(s.attrib) for s in settings.iter(qn("w:embedTrueTypeFonts"))] == [{}]
    assert len(list(settings.iter(qn("w:saveSubsetFonts")))) == 1


def test_the_same_document_gives_the_same_fonts_byte_for_byte(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    doc = _doc(Paragraph(parse_inline("مرحبا **بكم** في تمبكتو")), title="موجز")
    parts = []
    for name in ("a.docx", "b.docx"):
        DocxWriter().write(doc, tmp_path / name)
        with zipfile.ZipFile(tmp_path / name) as package:
            parts.append({n: package.read(n) for n in package.namelist() if n.startswith("word/fonts/")})
    assert len(parts[0]) == 2 and parts[0] == parts[1]
    assert (tmp_path / "a.docx").read_bytes() == (tmp_path / "b.docx").read_bytes()


# -- LibreOffice on a machine without the fonts --------------------------------------------------

_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"))
"""Direction marks pdftotext puts round right-to-left runs."""


def _no_script_fonts(folder: Path) -> dict[str, str]:
    """The environment of a machine whose only fonts are DejaVu Serif's, which has no Arabic letter: a
    fontconfig set-up of its own (fc-list shows no font for Arabic), and LibreOffice without fonts of its own."""
    fonts = folder / "fonts"
    fonts.mkdir(parents=True)
    for face in ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"):
        shutil.copy(SCRIPT_FONTS[0].family.regular.parent / face, fonts / face)
    config = folder / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
        f"<fontconfig><dir>{fonts}</dir><cachedir>{folder / 'cache'}</cachedir></fontconfig>"
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(config)}
    fc_list = require_tool("fc-list")
    listed = subprocess.run([fc_list, ":", "family"], capture_output=True, text=True, env=env, check=True).stdout
    assert listed.split() == ["DejaVu", "Serif"], listed
    for_arabic = subprocess.run([fc_list, ":lang=ar"], capture_output=True, text=True, env=env, check=True).stdout
    assert for_arabic == "", for_arabic
    # LibreOffice adds the fonts it ships (share/fonts) to fontconfig's: a build that ships an Arabic font
    # cannot be made a machine without one.
    shipped = Path(require_tool("soffice")).resolve().parent.parent / "share" / "fonts"
    arabic = [f.name for f in shipped.rglob("*") if "arab" in f.name.lower() or "kufi" in f.name.lower()]
    if arabic:
        pytest.skip(f"this LibreOffice ships Arabic fonts of its own: {', '.join(arabic)}")
    return env


def _print(path: Path, env: dict[str, str]) -> Path:
    """``path`` printed by LibreOffice (a profile of its own, so no font a run before it saw is kept)."""
    out = path.parent / path.stem
    assert run_soffice(path, out, env=env).returncode == 0
    return out / f"{path.stem}.pdf"


def _without_fonts(path: Path, bare: Path) -> None:
    """A copy of the Word file without the fonts it carries: their parts, relationships and names dropped."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(bare, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            if entry.filename.startswith("word/fonts/") or entry.filename == "word/_rels/fontTable.xml.rels":
                continue
            data = source.read(entry)
            if entry.filename == "word/fontTable.xml":
                data = re.sub(rb"<w:embed\w+ [^>]*/>", b"", data)
            if entry.filename == "[Content_Types].xml":
                data = re.sub(rb'<Override PartName="/word/fonts/[^>]*/>', b"", data)
            target.writestr(entry, data)


def _title_as_printed(pdf: Path, title: str) -> tuple[str, set[str]]:
    """The first line of ``pdf`` as pdftotext reads it (without direction marks), and the fonts its
    letters of ``title`` are drawn in."""
    pdftotext = require_tool("pdftotext")
    text = subprocess.run([pdftotext, "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    with pdfplumber.open(pdf) as opened:
        chars = opened.pages[0].chars
    top = min(c["top"] for c in chars)
    drawn = {c["fontname"].split("+")[-1] for c in chars if abs(c["top"] - top) < 2 and c["text"] in title}
    return text.translate(_MARKS).splitlines()[0], drawn


def test_libreoffice_without_the_fonts_installed_sets_the_arabic_in_the_fonts_the_file_carries(tmp_path):
    require_tool("pdffonts")
    env = _no_script_fonts(tmp_path / "machine")
    path = _word_file("sahel-arabic.yaml", tmp_path)
    title = yaml.safe_load((SPECS / "sahel-arabic.yaml").read_text(encoding="utf-8"))["title"]
    _without_fonts(path, tmp_path / "bare.docx")
    printed, bare = _print(path, env), _print(tmp_path / "bare.docx", env)

    def fonts(pdf: Path) -> str:
        return subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout

    line, drawn = _title_as_printed(printed, title)
    assert "".join(line.split()) == "".join(title.split())
    assert drawn == {"NotoSansArabic-Bold"}, drawn  # the title's bold, every letter in the font carried
    assert "NotoSansArabic-Regular" in fonts(printed) and "NotoSansArabic-Bold" in fonts(printed)
    # The same file without the fonts it carries: its Arabic falls back to a font without the letters.
    _, drawn = _title_as_printed(bare, title)
    assert "NotoSansArabic" not in fonts(bare) and not any("Noto" in name for name in drawn), drawn
