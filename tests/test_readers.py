"""Real readers open the pack: LibreOffice for Word and Excel, poppler for PDF."""

from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefing import build, load
from briefing.model import Briefing, Section, Table
from briefing.reading.inline import parse_inline
from briefing.reading.style_files import bundled_names
from briefing.writers.docx.writer import DocxWriter
from briefing.writers.markup import has_rtl

from .conftest import SPECS, open_xml_audit, pdf_text, require_tool, run_soffice, squash


@pytest.fixture(scope="module")
def showcase(tmp_path_factory):
    return build(SPECS / "showcase.yaml", out=tmp_path_factory.mktemp("showcase"))


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_libreoffice_opens_word_and_excel_outputs(showcase, fmt, tmp_path):
    (path,) = [p for p in showcase.paths if p.suffix == f".{fmt}"]
    result = run_soffice(path, tmp_path)
    converted = tmp_path / f"{path.stem}.pdf"
    assert converted.is_file(), result.stderr
    text = squash(pdf_text(converted))
    assert "Sahel Security Outlook" in text
    assert "OFFICIAL-SENSITIVE" in text
    assert "Москва" in text


@pytest.mark.parametrize("style", [None, *bundled_names()])
def test_every_example_pdf_embeds_every_font_in_every_style(tmp_path, style):
    pdffonts = require_tool("pdffonts")
    for spec in sorted(SPECS.glob("*.yaml")):
        (pdf,) = build(spec, formats=["pdf"], out=tmp_path, style=style).paths
        rows = subprocess.run([pdffonts, str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
        assert rows, spec
        assert all(row.split()[-5] == "yes" for row in rows), (spec, style, rows)


def test_a_cover_page_has_no_number_and_the_count_starts_after_it(tmp_path):
    pdftotext = require_tool("pdftotext")
    (pdf,) = build(SPECS / "showcase.yaml", formats=["pdf"], out=tmp_path, style="official").paths
    pages = PdfReader(str(pdf)).pages
    texts = [
        subprocess.run([pdftotext, "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True, text=True).stdout
        for n in range(1, len(pages) + 1)
    ]
    assert "Page" not in texts[0]
    for number, text in enumerate(texts[1:], 1):
        assert f"Page {number} of {len(pages) - 1}" in text


def test_libreoffice_lays_out_a_2500_row_word_table(tmp_path):
    rows = tuple((f"Incident {i}", i, i * 1.5, f"Region {i % 7}") for i in range(2500))
    doc = Briefing(
        "Annex", (Section(parse_inline("Incident log"), (Table(("Name", "Count", "Score", "Region"), rows, "Log"),)),)
    )
    path = tmp_path / "annex.docx"
    DocxWriter().write(doc, path)
    result = run_soffice(path, tmp_path)
    converted = tmp_path / "annex.pdf"
    assert converted.is_file(), result.stderr
    pdftotext = require_tool("pdftotext")
    text = subprocess.run([pdftotext, str(converted), "-"], capture_output=True, text=True, check=True).stdout
    assert "Incident 2499" in text
    assert text.count("Region") > 50, "the header row repeats on every page"


@pytest.mark.parametrize("style", bundled_names())
def test_libreoffice_converts_every_spec_in_every_style(style, tmp_path):
    built = tmp_path / "built"
    docs = {}
    for spec in sorted(SPECS.glob("*.yaml")):
        pack = build(spec, formats=["docx", "xlsx"], out=built, style=style)
        docs.update({p: load(spec).title for p in pack.paths})
    converted = tmp_path / "converted"
    for fmt in ("docx", "xlsx"):
        # One folder per format: both convert to NAME.pdf.
        paths = [p for p in docs if p.suffix == f".{fmt}"]
        result = run_soffice(paths, converted / fmt)
        for path in paths:
            pdf = converted / fmt / f"{path.stem}.pdf"
            assert pdf.is_file(), (path, result.stderr)
            found = squash(pdf_text(pdf))
            if has_rtl(docs[path]):
                # LibreOffice draws right-to-left text glyph by glyph, which pypdf reads in its own
                # order: the title's letters must all be there.
                assert Counter(docs[path].replace(" ", "")) <= Counter(found.replace(" ", "")), path
            else:
                assert squash(docs[path]) in found


@pytest.mark.parametrize("style", bundled_names())
def test_office_packages_pass_the_open_xml_validator(style, tmp_path):
    """Every example's .docx and .xlsx in every style has no schema errors (Open XML SDK rules)."""
    specs = sorted(SPECS.glob("*.yaml"))
    paths = [p for spec in specs for p in build(spec, formats=["docx", "xlsx"], out=tmp_path, style=style).paths]
    reports = open_xml_audit(tmp_path)
    assert [(Path(r["file"]).name, r["errors"][:3]) for r in reports if r["error_count"]] == []
    # Each file once, by where it really lies: the pack's names are links into .packs/, which is read too.
    assert {Path(r["file"]).resolve() for r in reports} == {p.resolve() for p in paths}


def test_every_example_pdf_passes_qpdf_check(tmp_path):
    qpdf = require_tool("qpdf")
    for spec in sorted(SPECS.glob("*.yaml")):
        for style in bundled_names():
            (pdf,) = build(spec, formats=["pdf"], out=tmp_path / style, style=style).paths
            result = subprocess.run([qpdf, "--check", str(pdf)], capture_output=True, text=True)
            assert result.returncode == 0, (spec.name, style, result.stdout[-500:])
