"""Every example in every bundled style: the HTML page draws each table at the layout's text size and
width, and the mail body of the whole text shows each figure as an inline picture, as the PDF shows it."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from briefing import build, load
from briefing.layout import LaidDocument, lay_out
from briefing.model import Chart, Image, Table
from briefing.reading.loader import Options
from briefing.reading.style_files import read_style_file
from briefing.writers.html.writer import mail_body

from .conftest import DATA, SPECS

EXAMPLES = [*sorted(SPECS.glob("*.yaml")), DATA / "wide-table.yaml"]
STYLES = ("official", "newsroom", "plain")


@pytest.fixture(scope="module", params=[(e, s) for e in EXAMPLES for s in STYLES], ids=lambda p: f"{p[0].stem}-{p[1]}")
def page(request, tmp_path_factory) -> tuple[LaidDocument, Path]:
    spec, style = request.param
    out = tmp_path_factory.mktemp(f"{spec.stem}-{style}")
    built = build(spec, formats=["html"], out=out, style=style)
    laid = lay_out(load(spec, Options(base_style=read_style_file(style))))
    return laid, built.paths[0]


def test_each_html_table_is_drawn_at_the_layouts_size_and_width(page):
    laid, html = page
    geometries = [place.table for node, place in laid.flow if isinstance(node, Table) and place.table]
    drawn = lxml.html.parse(str(html)).findall(".//table")
    assert len(drawn) == len(geometries)
    for table, geometry in zip(drawn, geometries, strict=True):
        style = dict(part.split(":") for part in table.get("style").split(";"))
        assert float(style["font-size"].removesuffix("pt")) == pytest.approx(geometry.size, abs=0.01)
        assert float(style["width"].removesuffix("pt")) == pytest.approx(geometry.width, abs=0.1)


def test_the_whole_text_mailed_shows_each_figure_as_an_inline_picture(page):
    laid, _ = page
    body = mail_body(laid, None, [], full=True)
    figures = lxml.html.fromstring(body.html.encode()).findall(".//figure")
    captions = [str(place.caption) for node, place in laid.flow if isinstance(node, (Chart, Image))]
    assert [f.findtext("figcaption") for f in figures] == captions
    sources = [img.get("src") for f in figures for img in f.findall(".//img")]
    assert sources == [f"cid:{p.cid}" for p in body.pictures] and len(sources) == len(captions)
    assert all(p.data[:4] in (b"\x89PNG", b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xe1") for p in body.pictures)
    assert "<svg" not in body.html
