"""Every example spec builds in every format, and the seed text reaches every reader."""

from __future__ import annotations

import re

import pytest

from briefing import build, load
from briefing.cli import main
from briefing.model import tables
from briefing.writers.markup import has_rtl

from .conftest import DATA, SPECS, docx_text, html_text, pdf_text, rtl_key, squash, xlsx_text

READERS = {"docx": docx_text, "html": html_text, "pdf": pdf_text, "xlsx": xlsx_text}
ALL_SPECS = sorted(SPECS.glob("*.yaml"))


def test_there_are_example_specs():
    assert {p.name for p in ALL_SPECS} >= {"mali-russia.yaml", "showcase.yaml"}


@pytest.mark.parametrize("fmt", sorted(READERS))
@pytest.mark.parametrize("spec", ALL_SPECS, ids=lambda p: p.stem)
def test_every_spec_builds_in_every_format(spec, fmt, tmp_path):
    pack = build(spec, formats=[fmt], out=tmp_path)
    assert pack.paths == (tmp_path / f"{spec.stem}.{fmt}",)
    assert pack.warnings == ()
    text = squash(READERS[fmt](pack.paths[0]))
    doc = load(spec)
    assert doc.title in text
    for section in doc.sections:
        heading = squash("".join(s.text for s in section.heading))
        if fmt == "pdf" and has_rtl(heading):  # pypdf turns a lam-alef's letters round
            assert rtl_key(heading) in rtl_key(text), heading
        else:
            assert heading in text


def seed_pieces() -> list[str]:
    """Every line of the seed text, as a reader should find it in the pack.

    Bullets lose their "- " marker (they become real list items) and table
    lines are split into their cells; the Markdown rule under a table header
    is not text.
    """
    pieces = []
    for line in (DATA / "mali-russia-seed.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or re.fullmatch(r"[-|\s]+", line):
            continue
        if line.endswith("|"):
            pieces.extend(cell.strip() for cell in line.split("|") if cell.strip())
        else:
            pieces.append(line.removeprefix("- "))
    return pieces


@pytest.fixture(scope="module")
def mali_pack(tmp_path_factory):
    out = tmp_path_factory.mktemp("pack")
    return build(SPECS / "mali-russia.yaml", out=out)


def test_seed_has_the_expected_shape():
    pieces = seed_pieces()
    # 1 framing paragraph, 4 headings, 7 paragraphs, 12 bullets, 3 tables of 4 rows x 2 cells
    assert len(pieces) == 1 + 4 + 7 + 12 + 3 * 4 * 2
    assert "Focus on Africa" in pieces[0]


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_full_seed_text_appears_in_every_output(mali_pack, fmt):
    (path,) = [p for p in mali_pack.paths if p.suffix == f".{fmt}"]
    text = squash(READERS[fmt](path))
    missing = [piece for piece in seed_pieces() if squash(piece) not in text]
    assert missing == []


def test_mali_spec_metadata():
    doc = load(SPECS / "mali-russia.yaml")
    assert doc.source == "Focus on Africa"
    assert [(t.columns, len(t.rows)) for t in tables(doc)] == [
        (("Aspect", "Details"), 3),
        (("Factors", "Potential Impact"), 3),
        (("Issues to Address", "Strategic Focus"), 3),
    ]


def test_country_variant_builds_from_the_desk_base_with_set(tmp_path, capsys):
    args = ["build", str(SPECS / "sahel-weekly.yaml"), "--set", "country=Niger", "--out", str(tmp_path)]
    assert main([*args, "--out-name", "{{ spec }}-{{ country | lower }}"]) == 0
    names = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))  # not .packs/
    assert names == [f"sahel-weekly-niger.{ext}" for ext in ("docx", "html", "manifest.json", "pdf", "xlsx")]
    text = squash(pdf_text(tmp_path / "sahel-weekly-niger.pdf"))
    assert "Weekly security briefing: Niger" in text
    assert "Table 1: Niger: items to watch" in text
    assert "Handling and contacts" in text  # the base's included closing section
    assert "OFFICIAL-SENSITIVE" in text  # the base's marking
    assert "Mali" not in text


def test_the_dashboard_tables_equal_their_data_files_after_filters_and_sorting(tmp_path):
    """The example's tables, read back from Excel, against the data files read with the csv module and openpyxl."""
    import csv

    from openpyxl import load_workbook

    spec = SPECS / "sahel-dashboard.yaml"
    (xlsx,) = build(spec, formats=["xlsx"], out=tmp_path).paths
    book = load_workbook(xlsx)

    with (SPECS / "data" / "sahel-incidents.csv").open(encoding="utf-8") as handle:
        months = list(csv.DictReader(handle))
    monthly = book["Incidents and fatalities"]
    body = [list(row) for row in monthly.iter_rows(min_row=3, max_row=14, values_only=True)]
    assert body == [
        [m["month"], int(m["Mali"]), int(m["Burkina Faso"]), int(m["Niger"]), int(m["fatalities"])] for m in months
    ]
    assert monthly["E15"].value == "=SUBTOTAL(109,'Incidents and fatalities'!E3:E14)"
    assert monthly["E3"].number_format == "#,##0"

    worst = sorted((m for m in months if int(m["fatalities"]) > 500), key=lambda m: -int(m["fatalities"]))
    fatal = book["Months with more than 500"]
    assert list(fatal.iter_rows(min_row=3, values_only=True)) == [(m["month"], int(m["fatalities"])) for m in worst]

    source = load_workbook(SPECS / "data" / "sahel-funding.xlsx")["Donors"]
    donors = sorted(source.iter_rows(min_row=2, values_only=True), key=lambda row: -row[2])
    funding = book["Funding by donor"]
    assert list(funding.iter_rows(min_row=3, max_row=len(donors) + 2, values_only=True)) == donors
    assert funding["B3"].number_format == '"$"#,##0' and funding["D3"].number_format == "#,##0.0%"
    doc = load(spec)
    (table,) = [t for t in tables(doc) if t.title == "Funding by donor"]
    assert table.totals.values[1:3] == (sum(row[1] for row in donors), sum(row[2] for row in donors))
