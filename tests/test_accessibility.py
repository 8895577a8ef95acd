"""What a reader using a screen reader or a magnifier gets: charts' alternative text in every format,
colours that read against their backgrounds, and the accessibility check's exact lines."""

from __future__ import annotations

import textwrap
import zipfile
from dataclasses import replace
from pathlib import Path

import docx
import lxml.html
import pytest
from lxml import etree

from briefing import build, load, loads
from briefing.accessibility import check
from briefing.cli import main
from briefing.layout import Heading, Laid, Place, lay_out
from briefing.layout.charts import ALT_LENGTH
from briefing.layout.contrast import colour_pairs, contrast
from briefing.layout.looks import looks_of
from briefing.model import Briefing, Chart, Image, Paragraph, Pos, Section, Series, Table
from briefing.reading.inline import parse_inline
from briefing.reading.style_files import bundled_names, merge, read_style_file
from briefing.writers.docx.writer import DocxWriter
from briefing.writers.html.writer import HtmlWriter
from briefing.writers.xlsx.writer import XlsxWriter

from .conftest import SPECS

QUARTERS = Chart("bar", "Incidents by quarter", ("Q1", "Q2", "Q3", "Q4"), (Series("Incidents", (12, 15, 9, 11)),))
QUARTERS_ALT = "Bar chart: Incidents by quarter. Q1 12, Q2 15, Q3 9, Q4 11."


def pack(*blocks: object, language: str = "en") -> Briefing:
    return Briefing("Outlook", (Section(parse_inline("Numbers"), tuple(blocks)),), language=language)  # type: ignore[arg-type]


def chart_alts(doc: Briefing) -> list[str | None]:
    return [place.alt for node, place in lay_out(doc).flow if isinstance(node, Chart)]


def test_a_chart_is_described_by_its_kind_title_and_numbers_as_its_table_shows_them():
    assert chart_alts(pack(QUARTERS)) == [QUARTERS_ALT]


def test_a_long_charts_description_stops_at_a_whole_value():
    months = tuple(f"Month {n}" for n in range(1, 61))
    long = Chart("line", "Incidents", months, (Series("Mali", tuple(range(60))), Series("Niger", tuple(range(60)))))
    (alt,) = chart_alts(pack(long))
    assert len(alt) <= ALT_LENGTH and alt.endswith(" …")
    assert alt.startswith("Line chart: Incidents. Mali: Month 1 0, Month 2 1, ")
    assert alt.removesuffix(" …").rsplit(", ", 1)[-1].startswith("Month ")  # a whole value last


def test_a_briefing_in_another_language_describes_its_chart_in_its_own_words_only():
    arabic = Chart("bar", "الحوادث", ("2025", "2026"), (Series("الحوادث", (520, 488)),))
    assert chart_alts(pack(arabic, language="ar")) == ["الحوادث. 2025 520, 2026 488."]


def test_a_charts_alt_in_the_spec_is_its_description(tmp_path):
    spec = """\
        title: T
        sections:
          - heading: H
            content:
              - chart:
                  type: pie
                  title: Funding by sector
                  alt: Food takes almost two thirds of the funding.
                  x: Sector
                  y: USD
                  columns: [Sector, USD]
                  rows: [[Food, 391], [Health, 164]]
        """
    doc = loads(textwrap.dedent(spec), "spec.yaml", tmp_path)
    assert chart_alts(doc) == ["Food takes almost two thirds of the funding."]


def test_word_excel_and_the_page_carry_a_charts_description(tmp_path):
    doc = pack(QUARTERS)
    paths = {}
    for writer in (DocxWriter(), XlsxWriter(), HtmlWriter()):
        paths[writer.name] = tmp_path / f"t{writer.extension}"
        assert writer.write(doc, paths[writer.name]) == []
    (shape,) = docx.Document(str(paths["docx"])).inline_shapes
    assert shape._inline.docPr.get("descr") == QUARTERS_ALT
    with zipfile.ZipFile(paths["xlsx"]) as package:
        drawing = etree.fromstring(package.read("xl/drawings/drawing1.xml"))
    xdr = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"
    (frame,) = drawing.iter(f"{xdr}cNvPr")
    assert frame.get("descr") == QUARTERS_ALT
    (svg,) = lxml.html.parse(str(paths["html"])).iter("svg")
    assert svg.get("role") == "img"
    assert [(child.tag, child.text) for child in svg[:2]] == [("title", "Incidents by quarter"), ("desc", QUARTERS_ALT)]


def pictures(tmp_path: Path) -> tuple[Image, ...]:
    """A picture with its alt:, one with a caption alone, one with neither."""
    from PIL import Image as PILImage

    path = tmp_path / "route.png"
    PILImage.new("RGB", (40, 20), "#336699").save(path)
    return (
        Image(path, (40, 20), alt="A map of the route from Niamey to Tillabéri", width_cm=6),
        Image(path, (40, 20), caption=parse_inline("The *road* north"), width_cm=6),
        Image(path, (40, 20), width_cm=6),
    )


PICTURE_ALTS = ["A map of the route from Niamey to Tillabéri", "The road north", "Figure 3"]
"""Their alternative text: the alt:, else the caption's words, else the figure's label."""


def test_a_pictures_alt_is_decided_once_in_the_layout_and_warned_of_when_missing(tmp_path):
    doc = pack(*pictures(tmp_path))
    assert [place.alt for node, place in lay_out(doc).flow if isinstance(node, Image)] == PICTURE_ALTS
    assert [f"{f.rule}: {f.message}" for f in check(doc)] == [
        "alt: a picture without alternative text (read as 'Figure 3'): say what it shows in alt:"
    ]


def test_word_excel_and_the_page_carry_a_pictures_alt(tmp_path):
    doc = pack(*pictures(tmp_path))
    paths = {}
    for writer in (DocxWriter(), XlsxWriter(), HtmlWriter()):
        paths[writer.name] = tmp_path / f"t{writer.extension}"
        writer.write(doc, paths[writer.name])
    shapes = docx.Document(str(paths["docx"])).inline_shapes
    assert [shape._inline.docPr.get("descr") for shape in shapes] == PICTURE_ALTS
    with zipfile.ZipFile(paths["xlsx"]) as package:
        drawing = etree.fromstring(package.read("xl/drawings/drawing1.xml"))
    xdr = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"
    assert [frame.get("descr") for frame in drawing.iter(f"{xdr}cNvPr")] == PICTURE_ALTS
    page = lxml.html.parse(str(paths["html"]))
    assert [img.get("alt") for img in page.iter("img") if "logo" not in (img.get("class") or "")] == PICTURE_ALTS


@pytest.mark.parametrize("name", bundled_names())
def test_every_colour_of_a_bundled_style_reads_against_its_background(name):
    style = merge(read_style_file(name))
    pairs = colour_pairs(looks_of(style), style)
    assert len(pairs) >= 20
    assert [str(pair) for pair in pairs if not pair.reads] == []
    assert all(pair.ratio >= (3.0 if pair.large else 4.5) for pair in pairs)


def test_contrast_is_measured_as_wcag_measures_it():
    assert contrast("000000", "FFFFFF") == pytest.approx(21.0)
    assert contrast("777777", "FFFFFF") == pytest.approx(4.48, abs=0.005)  # the grey just below AA
    assert contrast("FFFFFF", "767676") == pytest.approx(4.54, abs=0.005)  # and the one just above


def test_a_style_whose_colours_do_not_read_is_warned_of_where_each_colour_was_written(tmp_path):
    pale = tmp_path / "pale.yaml"
    pale.write_text('accent: "#7FB3E0"\ntable:\n  header_fill: "#DDDDDD"\n  header_text: "#FFFFFF"\n')
    spec = tmp_path / "brief.yaml"
    spec.write_text("title: T\nsections:\n  - heading: H\n    content:\n      - table: {columns: [A], rows: [[1]]}\n")
    built = build(spec, formats=["html"], out=tmp_path / "out", style=pale)
    assert [str(w) for w in built.warnings] == [
        f"{pale}:1:9: contrast: the title, level-1 headings and level-2 headings: #7FB3E0 on #FFFFFF has a "
        "contrast of 2.2:1; large text needs 3:1",
        f"{pale}:1:9: contrast: key-judgement callouts' titles: #7FB3E0 on #F2F7FC has a contrast of 2:1; "
        "text needs 4.5:1",
        f"{pale}:3:16: contrast: the table header: #FFFFFF on #DDDDDD has a contrast of 1.3:1; text needs 4.5:1",
    ]


ACCESS = """\
title: Access
summary:
  - lead: Key point
    text: The number ثلاثة appears here.
sections:
  - heading: Situation
    content:
      - paragraph: >-
          See the report
          [here](https://example.org/report), [www.example.org](https://www.example.org/)
          or [the desk](mailto:desk@example.org).
      - paragraph: The word [ثلاثة]{lang=ar} is marked; ثلاثة is not.
      - image:
          path: p.png
"""
ACCESS_LINES = [  # each at the words themselves, as the prose check points (a folded paragraph's second line)
    "access.yaml:4:22: language: Arabic text 'ثلاثة' has no language: mark it [ثلاثة]{lang=ar} "
    "(or its own language's tag)",
    "access.yaml:10:12: link-text: the link text 'here' does not say where it leads: name what it leads to",
    "access.yaml:10:48: link-text: the link text 'www.example.org' is its address: name what it leads to",
    "access.yaml:12:57: language: Arabic text 'ثلاثة' has no language: mark it [ثلاثة]{lang=ar} "
    "(or its own language's tag)",
    "access.yaml:14:11: alt: a picture without alternative text (read as 'Figure 1'): say what it shows in alt:",
]


@pytest.fixture
def access(tmp_path, monkeypatch) -> Path:
    from PIL import Image as PILImage

    monkeypatch.chdir(tmp_path)
    PILImage.new("RGB", (40, 20), "#336699").save(tmp_path / "p.png")
    (tmp_path / "access.yaml").write_text(ACCESS, encoding="utf-8")
    return tmp_path / "access.yaml"


def test_lint_accessibility_prints_each_finding_at_its_place(access, capsys):
    assert main(["lint", "access.yaml", "--accessibility"]) == 1
    assert capsys.readouterr().out.splitlines() == ACCESS_LINES
    assert main(["lint", "access.yaml"]) == 0  # the prose alone is clean
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_build_warns_of_the_same_findings_here_and_in_worker_processes(access, capsys, jobs):
    assert main(["build", "access.yaml", "--format", "html,docx", "--jobs", jobs, "--out", "out"]) == 0
    warned = [line for line in capsys.readouterr().err.splitlines() if ": warning: " in line]
    assert warned == [line.replace(": ", ": warning: ", 1) for line in ACCESS_LINES]


def test_every_example_passes_the_accessibility_check(capsys):
    examples = [str(spec) for spec in sorted(SPECS.glob("*.yaml"))]
    assert [str(f) for spec in examples for f in check(load(spec))] == []


def test_a_skipped_heading_level_is_found():
    doc = pack(QUARTERS)
    laid = lay_out(doc)
    (section,) = laid.body
    heading = section.children[0]
    deeper = Laid(Heading(parse_inline("Deeper"), 3, Pos("s.yaml", 9, 5)), Place())
    laid = replace(laid, body=(replace(section, children=(heading, deeper, *section.children[1:])),))
    assert [str(f) for f in check(laid)] == [
        "s.yaml:9:5: heading-level: heading 'Deeper' is at level 3 after level 1: a level is skipped"
    ]


def test_a_table_without_a_header_row_is_found():
    """A spec's table always names its columns (reading refuses an empty name); a table made in code may not."""
    at = Pos("s.yaml", 4, 9)
    doc = pack(Table(("", ""), ((1, 2),), "Bare", pos=at), Table(("Town", ""), (("Gao", 2),), "Half", pos=at))
    assert [str(f) for f in check(doc)] == [
        "s.yaml:4:9: table-header: a table without a header row: name its columns",
        "s.yaml:4:9: table-header: column 2 of the table has no name in its header row",
    ]


def test_text_marked_with_its_language_carries_it_in_word_and_on_the_page(tmp_path):
    doc = pack(Paragraph(parse_inline("Three is [ثلاثة]{lang=ar}, or [trois]{lang=fr}.")))
    assert check(doc) == []
    DocxWriter().write(doc, tmp_path / "t.docx")
    HtmlWriter().write(doc, tmp_path / "t.html")
    page = lxml.html.parse(str(tmp_path / "t.html"))
    assert [(s.get("lang"), s.text) for s in page.iter("span") if s.get("lang")] == [("ar", "ثلاثة"), ("fr", "trois")]
    body = docx.Document(str(tmp_path / "t.docx")).paragraphs
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    langs = [
        (run.text, {k.removeprefix(w): v for k, v in run._r.rPr.find(f"{w}lang").attrib.items()})
        for p in body
        for run in p.runs
        if run._r.rPr is not None and run._r.rPr.find(f"{w}lang") is not None
    ]
    assert langs == [("ثلاثة", {"bidi": "ar"}), ("trois", {"val": "fr"})]


def test_colours_of_the_specs_own_style_are_warned_of_where_the_spec_gives_them(tmp_path):
    spec = """\
        title: T
        classification: OFFICIAL
        style:
          accent: "#999999"
          marking: {colour: "#FFAAAA"}
        sections:
          - heading: H
            content:
              - paragraph: Text.
        """
    doc = loads(textwrap.dedent(spec), "own.yaml", tmp_path)
    assert [str(f) for f in check(doc)] == [
        "own.yaml:4:11: contrast: the title, level-1 headings and level-2 headings: #999999 on #FFFFFF has a "
        "contrast of 2.8:1; large text needs 3:1",
        "own.yaml:4:11: contrast: key-judgement callouts' titles: #999999 on #F5F5F5 has a contrast of 2.6:1; "
        "text needs 4.5:1",
        "own.yaml:5:21: contrast: the marking: #FFAAAA on #FFFFFF has a contrast of 1.8:1; text needs 4.5:1",
    ]


def test_a_link_is_found_when_its_words_do_not_say_where_it_leads():
    texts = [
        "[here](https://a.org/x)",
        "[Click here.](https://a.org/x)",
        "[link](https://a.org/x)",
        "[Read more](https://a.org/x)",
    ]
    fine = ["[the report](https://a.org/x)", "[desk@a.org](mailto:desk@a.org)", "[a.org's register](https://a.org)"]
    at = Pos("s.yaml", 3, 5)
    found = check(pack(*(Paragraph(parse_inline(text), pos=at) for text in texts + fine)))
    assert [f.rule for f in found] == ["link-text"] * len(texts)
    assert [f.message.split("'")[1] for f in found] == ["here", "Click here.", "link", "Read more"]
