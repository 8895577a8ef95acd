"""A Word template built to exhaust the machine is refused cheaply, and the spec beside it is still built.

Each case runs ``briefing build bad.yaml good.yaml`` in a child process under a memory
limit; ``bad.yaml`` names the hostile template as its ``docx_template``. The bad spec
gets one positioned line naming the template and exit status 2, within a few seconds
and well under 300 MB; the good spec is built. The bounds are in SECURITY.md, which a
test here keeps true.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest

from briefing.writers.docx import template_package

from .conftest import run_briefing_measured
from .test_docx_template import NS, patch, png

MEMORY_LIMIT = 1 << 30  # a gigabyte of address space: a guard; the figure checked is the peak below
PEAK_MB = 300
SECONDS = 10  # processor seconds: far above what a case takes (about two), far below what a runaway would
WALL = 120
STYLES = b'<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
CHUNK = b" " * 1_000_000


def template_with(changes: dict[str, bytes]) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        template = docx.Document()
        template.sections[0].header.paragraphs[0].text = "HOUSE HEADER"
        template.save(path)
        patch(path, changes)

    return make


def huge_part(name: str, megabytes: int, head: bytes = b"", tail: bytes = b"") -> Callable[[Path], None]:
    """A template whose part ``name`` unpacks to ``megabytes`` MB (of spaces, so it packs small)."""

    def make(path: Path) -> None:
        template_with({})(path)
        with zipfile.ZipFile(path) as package:
            parts = {info.filename: package.read(info) for info in package.infolist() if info.filename != name}
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
            for other, data in parts.items():
                package.writestr(other, data)
            with package.open(name, "w", force_zip64=True) as part:
                part.write(head)
                for _ in range(megabytes):
                    part.write(CHUNK)
                part.write(tail)

    return make


def header_pictures(count: int, megabytes: int) -> Callable[[Path], None]:
    """A header showing ``count`` different pictures of ``megabytes`` MB each."""

    def make(path: Path) -> None:
        template = docx.Document()
        header = template.sections[0].header.paragraphs[0]
        for n in range(count):
            header.add_run().add_picture(io.BytesIO(png((n, 0, 200))))  # different pictures: none shared
        template.save(path)
        with zipfile.ZipFile(path) as package:
            parts = {info.filename: package.read(info) for info in package.infolist()}
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
            for name, data in parts.items():
                if name.startswith("word/media/"):
                    with package.open(name, "w", force_zip64=True) as part:
                        part.write(data)
                        for _ in range(megabytes):
                            part.write(CHUNK)
                else:
                    package.writestr(name, data)

    return make


def many_files(path: Path) -> None:
    template_with({f"word/media/n{n}.png": b"" for n in range(template_package.MAX_ENTRIES + 1)})(path)


def big_file(path: Path) -> None:
    template_with({})(path)
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as package,
        package.open("padding.bin", "w", force_zip64=True) as part,
    ):
        for _ in range(template_package.MAX_FILE_BYTES // len(CHUNK) + 1):
            part.write(CHUNK)


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">'.encode() for n in range(9))
    + b"]>"
    + STYLES
    + b"&j;</w:styles>"
)
DEEP = f"<w:p {NS}>".encode() + b"<w:sdt><w:sdtContent>" * 100_000 + b"</w:sdtContent></w:sdt>" * 100_000 + b"</w:p>"

CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "styles that unpack to 300 MB": (
        huge_part("word/styles.xml", 300, STYLES, b"</w:styles>"),
        "word/styles.xml in 'bomb.docx' unpacks to more than 10,000,000 bytes",
    ),
    "a header picture that unpacks to 300 MB": (
        header_pictures(1, 300),
        "in 'bomb.docx' unpacks to more than 20,000,000 bytes",
    ),
    "ten header pictures of 19 MB": (
        header_pictures(10, 19),
        "the parts taken from 'bomb.docx' unpack to more than 100,000,000 bytes",
    ),
    "a billion laughs in the styles": (
        template_with({"word/styles.xml": LAUGHS}),
        "word/styles.xml in 'bomb.docx' declares a document type, which no Word part has",
    ),
    "a header nested 200,000 deep": (
        template_with({"word/header1.xml": b"<w:hdr " + NS.encode() + b">" + DEEP + b"</w:hdr>"}),
        "word/header1.xml in 'bomb.docx' is not well-formed XML",
    ),
    "a zip of 5,001 files": (many_files, "'bomb.docx' holds more than 5,000 files"),
    "a file of 100 MB": (big_file, "'bomb.docx' is larger than 100,000,000 bytes"),
}


def run(folder: Path) -> tuple[int, str, float, float | None]:
    """``briefing build bad.yaml good.yaml``: its exit status, error output, seconds, and peak memory (MB)."""
    args = ["build", "bad.yaml", "good.yaml", "--format", "docx", "--out", "out"]
    errors = folder / "stderr.txt"
    code, seconds, peak = run_briefing_measured(args, folder, MEMORY_LIMIT, WALL, folder / "stdout.txt", errors)
    return code, errors.read_text(), seconds, peak


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_template_bomb_is_refused_cheaply_and_the_batch_goes_on(case, tmp_path):
    make, expected = CASES[case]
    make(tmp_path / "bomb.docx")
    (tmp_path / "bad.yaml").write_text("title: T\nstyle: {docx_template: bomb.docx}\nsections:\n  - heading: H\n")
    (tmp_path / "good.yaml").write_text("title: T\nsections:\n  - heading: H\n")
    status, errors, seconds, peak = run(tmp_path)
    assert status == 2, errors
    assert re.fullmatch(rf"bad\.yaml:2:\d+: [^\n]*{re.escape(expected)}\n", errors), errors
    assert seconds < SECONDS, seconds
    assert peak is not None and peak < PEAK_MB, peak
    built = sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith("."))  # not .packs/
    assert built == ["good.docx", "good.manifest.json"]


def test_many_refused_fields_cost_no_more_than_their_size(tmp_path):
    """A header of 30,000 fields that fetch is cleaned in one pass, not one pass per field."""
    fetching = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>INCLUDETEXT "x"</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>a</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    header = f"<w:hdr {NS}><w:p>{fetching * 30_000}</w:p></w:hdr>".encode()
    template_with({"word/header1.xml": header})(tmp_path / "bomb.docx")
    (tmp_path / "bad.yaml").write_text("title: T\nstyle: {docx_template: bomb.docx}\nsections:\n  - heading: H\n")
    (tmp_path / "good.yaml").write_text("title: T\nsections:\n  - heading: H\n")
    status, errors, seconds, peak = run(tmp_path)
    assert status == 0, errors
    assert "dropped from the Word template: a field (INCLUDETEXT) in word/header1.xml" in errors
    assert seconds < 30 and peak is not None and peak < PEAK_MB, (seconds, peak)
    shown = docx.Document(str(tmp_path / "out" / "bad.docx")).sections[0].header.paragraphs[0].text
    assert shown == "a" * 30_000


def test_security_md_lists_the_template_bounds():
    text = (Path(__file__).resolve().parent.parent / "SECURITY.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^ *\| Word template: ([^|]+?) \| ([\d,]+) bytes \|", text, re.M))
    assert listed == {
        "the file": f"{template_package.MAX_FILE_BYTES:,}",
        "one XML part": f"{template_package.MAX_XML_BYTES:,}",
        "one picture or font": f"{template_package.MAX_BLOB_BYTES:,}",
        "all parts taken": f"{template_package.MAX_TAKEN_BYTES:,}",
    }
    assert f"| Word template: files in the zip | {template_package.MAX_ENTRIES:,} |" in text
