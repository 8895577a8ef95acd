"""The Word file's right-to-left text as a reader's application sets it: each run's size, weight and slope
given to its complex-script text too, and the script fonts it uses carried in the file."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pdfplumber
import pytest
from docx.oxml.ns import qn
from lxml import etree

from briefing import build

from .conftest import SPECS, run_soffice

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
