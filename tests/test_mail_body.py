"""The mail body of `send --html`: the whole text, its charts and pictures shown inline as PNG parts."""

from __future__ import annotations

import email
import shutil
from email import policy
from io import BytesIO
from pathlib import Path

import lxml.html
from PIL import Image as PILImage

from briefing import load
from briefing.cli import main
from briefing.layout import lay_out
from briefing.model import Chart, Image

from .conftest import SPECS


def _spec_with_a_list(tmp_path: Path) -> Path:
    spec = tmp_path / "brief.yaml"
    text = (SPECS / "sahel-dashboard.yaml").read_text(encoding="utf-8")
    spec.write_text(text + "distribution:\n  - {name: desk, to: [desk@example.org]}\n", encoding="utf-8")
    for folder in ("images", "data"):
        shutil.copytree(SPECS / folder, tmp_path / folder)
    return spec


def test_the_whole_text_mailed_shows_every_chart_and_picture_as_an_inline_png(tmp_path):
    spec = _spec_with_a_list(tmp_path)
    out = tmp_path / "out"
    assert main(["send", str(spec), "--dry-run", "--html", "--out", str(out)]) == 0
    message = email.message_from_bytes((out / "brief.desk.eml").read_bytes(), policy=policy.default)
    html_part = message.get_body(preferencelist=("html",))
    page = lxml.html.fromstring(html_part.get_content().encode())
    assert page.find(".//svg") is None, "mail readers do not show SVG"
    figures = page.findall(".//figure")
    laid = lay_out(load(spec))
    expected = [place.caption for node, place in laid.flow if isinstance(node, (Chart, Image))]
    assert [f.findtext("figcaption") for f in figures] == [str(c) for c in expected]
    parts = {part["Content-ID"].strip("<>"): part for part in message.walk() if part["Content-ID"]}
    for figure in figures:
        (img,) = figure.findall(".//img")
        cid = img.get("src").removeprefix("cid:")
        part = parts[cid]  # every picture the body shows travels in the message, beside the HTML
        assert part.get_content_maintype() == "image" and part.get_content_disposition() != "attachment"
        picture = PILImage.open(BytesIO(part.get_content()))
        assert picture.width > 300 and img.get("alt")
    assert len(parts) == len(figures) == len(expected) >= 3


def test_without_the_whole_text_the_mail_carries_no_pictures(tmp_path):
    spec = _spec_with_a_list(tmp_path)
    out = tmp_path / "out"
    assert main(["send", str(spec), "--dry-run", "--out", str(out)]) == 0
    message = email.message_from_bytes((out / "brief.desk.eml").read_bytes(), policy=policy.default)
    assert not [part for part in message.walk() if part["Content-ID"]]
