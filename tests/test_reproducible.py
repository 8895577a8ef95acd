"""Reproducible output: SOURCE_DATE_EPOCH gives byte-identical packs; without it, dates are now."""

from __future__ import annotations

import datetime as dt
import time
import zipfile
import zlib

import docx
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from briefing import build

from .conftest import SPECS

EPOCH = 1764000000  # 2025-11-24 16:00:00 UTC
WHEN = dt.datetime.fromtimestamp(EPOCH, dt.UTC)


@pytest.mark.parametrize("spec", ["showcase.yaml", "sahel-weekly.yaml", "sahel-arabic.yaml"])
def test_same_spec_same_bytes(spec, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    first = build(SPECS / spec, out=tmp_path / "a", style="official")
    time.sleep(1.1)  # a clock tick between the builds must not show
    second = build(SPECS / spec, out=tmp_path / "b", style="official")
    for one, two in zip(first.paths, second.paths, strict=True):
        assert one.read_bytes() == two.read_bytes(), one.name


def test_recorded_dates_are_the_epoch(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    paths = {p.suffix: p for p in build(SPECS / "showcase.yaml", out=tmp_path).paths}
    assert docx.Document(str(paths[".docx"])).core_properties.created == WHEN
    assert load_workbook(paths[".xlsx"]).properties.created == WHEN.replace(tzinfo=None)
    assert PdfReader(str(paths[".pdf"])).metadata.creation_date == WHEN
    for suffix in (".docx", ".xlsx"):
        with zipfile.ZipFile(paths[suffix]) as package:
            assert {info.date_time for info in package.infolist()} == {WHEN.timetuple()[:6]}


def test_without_the_epoch_the_date_is_now(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    paths = {p.suffix: p for p in build(SPECS / "showcase.yaml", out=tmp_path).paths}
    created = docx.Document(str(paths[".docx"])).core_properties.created
    assert before <= created <= before + dt.timedelta(minutes=1)
    assert load_workbook(paths[".xlsx"]).properties.created >= before.replace(tzinfo=None)
    pdf_created = PdfReader(str(paths[".pdf"])).metadata.creation_date
    assert abs(pdf_created - before) < dt.timedelta(minutes=1)


def test_the_fixed_packages_keep_each_writers_deflate_level(tmp_path, monkeypatch):
    """The times are fixed by copying each entry again: a workbook stays at its writer's fast level 2,
    a Word file at zlib's default, and each entry reads back as written."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    paths = {p.suffix: p for p in build(SPECS / "showcase.yaml", out=tmp_path).paths}
    for suffix, level in ((".xlsx", 2), (".docx", zlib.Z_DEFAULT_COMPRESSION)):
        with zipfile.ZipFile(paths[suffix]) as package:
            for info in package.infolist():
                packer = zlib.compressobj(level, zlib.DEFLATED, -15)
                data = package.read(info)
                assert info.compress_size == len(packer.compress(data) + packer.flush()), (suffix, info.filename)
