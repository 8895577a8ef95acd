"""Property-based tests: random valid specs survive every writer; random invalid ones get positioned errors.

The default run is short. For a long run:  BRIEFING_FUZZ_EXAMPLES=2000 pytest tests/test_fuzz.py
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections import Counter
from pathlib import Path

import docx
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from reportlab.pdfbase.ttfonts import TTFont

from briefing import SpecError, build, loads
from briefing.layout.geometry import geometry
from briefing.model import tables
from briefing.reading.inline import typeset
from briefing.reading.language import quote_marks
from briefing.style import BUNDLED_FONTS
from briefing.writers.xlsx.tables import header_names

from .conftest import html_text, pdf_text, squash

EXAMPLES = int(os.environ.get("BRIEFING_FUZZ_EXAMPLES", "10"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Letters of several scripts, right-to-left ones and astral-plane emoji included,
# all with glyphs in the bundled fonts; no markup characters (* [ ]), so that
# the text is taken literally.
_SCRIPTS = [
    *"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    *"éèàçñüößøåÉÇ",
    *(chr(c) for c in range(0x391, 0x3AA)),  # Greek
    *(chr(c) for c in range(0x410, 0x450)),  # Cyrillic
    *(chr(c) for c in range(0x5D0, 0x5EB)),  # Hebrew
    *(chr(c) for c in (*range(0x627, 0x63B), *range(0x641, 0x64B))),  # Arabic
    *"😀🌍🎉👍🔥✅📈🤝",
]
_COVERED = set(TTFont("fuzz", str(BUNDLED_FONTS["DejaVu Sans"].regular)).face.charToGlyph)
_SCRIPTS = [c for c in _SCRIPTS if ord(c) in _COVERED or ord(c) > 0xFFFF]  # emoji come from the symbol font
_PUNCTUATION = list(".,;:!?'\"&<>()-/%")

word = st.text(st.sampled_from(_SCRIPTS), min_size=1, max_size=10)
text = st.builds(
    lambda words, marks: " ".join(w + m for w, m in zip(words, marks, strict=False)),
    st.lists(word, min_size=1, max_size=12),
    st.lists(st.sampled_from(["", "", "", *_PUNCTUATION]), min_size=12, max_size=12),
)
cell = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False).map(lambda f: round(f, 4)),
    st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
    text,
)


@st.composite
def table(draw):
    width = draw(st.integers(1, 6))
    columns = draw(st.lists(text, min_size=width, max_size=width))
    rows = draw(st.lists(st.lists(cell, min_size=width, max_size=width), max_size=8))
    return {"table": {"title": draw(text), "columns": columns, "rows": rows}}


block = st.one_of(
    text.map(lambda t: {"paragraph": t}),
    st.lists(text, min_size=1, max_size=4).map(lambda items: {"bullets": items}),
    st.lists(st.fixed_dictionaries({"lead": text, "text": text}), min_size=1, max_size=3).map(
        lambda i: {"numbered": i}
    ),
    table(),
)


def section(depth: int):
    children = st.lists(section(depth - 1), max_size=2) if depth > 1 else st.just([])
    return st.builds(
        lambda heading, content, subs: {"heading": heading, "content": content, **({"sections": subs} if subs else {})},
        text,
        st.lists(block, max_size=4),
        children,
    )


spec = st.fixed_dictionaries(
    {"title": text, "sections": st.lists(section(3), min_size=1, max_size=3)},
    optional={"subtitle": text, "classification": text, "summary": st.lists(text, min_size=1, max_size=3)},
)


@FUZZ
@given(spec)
def test_random_valid_specs_read_back_in_every_format(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        pack = build(path, out=Path(folder) / "out")
        doc = loads(path.read_text(encoding="utf-8"), str(path))
        expected = _texts(data)
        for output in pack.paths:
            found = squash(_read(output))
            if output.suffix == ".pdf":
                # The PDF draws right-to-left words in logical order and PDF
                # readers reorder what they extract: compare those by letters.
                missing = [t for t in expected if not _in_pdf(t, found)]
            else:
                missing = [t for t in expected if squash(t) not in found]
            assert missing == [], output.suffix
        _check_cells(doc, Path(folder) / "out" / "fuzz.xlsx", Path(folder) / "out" / "fuzz.docx")


_RTL = re.compile("[\u0590-\u06ff]")


_MIRRORED = str.maketrans("()<>[]{}", "((<<[[{{")
"""Brackets in right-to-left text are drawn mirrored, and text tools read the glyph drawn."""


def _in_pdf(text: str, found: str) -> bool:
    if not _RTL.search(text):
        return squash(text) in found
    # Right-to-left runs are read back by text tools in their own order: compare by characters.
    return Counter(text.replace(" ", "").translate(_MIRRORED)) <= Counter(found.replace(" ", "").translate(_MIRRORED))


def _texts(data) -> list[str]:
    """The texts a reader sees: as written, their quotes, apostrophes and dashes set as English prints them."""
    found = [_set(data["title"]), *map(_set, data.get("summary", []))]

    def walk(section):
        found.append(_set(section["heading"]))
        for block in section["content"]:
            if "paragraph" in block:
                found.append(_set(block["paragraph"]))
            for item in block.get("bullets", []):
                found.append(_set(item))
            for item in block.get("numbered", []):
                found.append(f"{_set(item['lead'])}: {_set(item['text'])}")
        for sub in section.get("sections", []):
            walk(sub)

    for section in data["sections"]:
        walk(section)
    return found


def _set(text: str) -> str:
    return typeset(text, quote_marks("en"))


def _read(path: Path) -> str:
    if path.suffix == ".pdf":
        return pdf_text(path)
    if path.suffix == ".html":
        return html_text(path)
    if path.suffix == ".docx":
        document = docx.Document(str(path))
        return "\n".join(p.text for p in document.paragraphs)
    workbook = load_workbook(path, rich_text=True)
    return "\n".join(str(row[0]) for row in workbook.worksheets[0].iter_rows(values_only=True) if row[0] is not None)


def _check_cells(doc, xlsx: Path, word: Path) -> None:
    workbook = load_workbook(xlsx)
    sheets = workbook.worksheets[1:]
    word_tables = docx.Document(str(word)).tables
    for table, sheet, grid in zip(tables(doc), sheets, word_tables, strict=True):
        rows = list(sheet.iter_rows(min_row=2, values_only=True))  # under the caption
        assert list(rows[0]) == header_names(table.columns)  # as an Excel table needs them: unique, one line
        laid = geometry(table, doc.style)
        for values, texts, got, word_row in zip(table.rows, laid.rows(), rows[1:], grid.rows[1:], strict=True):
            for value, text, cell_value, word_cell in zip(values, texts, got, word_row.cells, strict=True):
                if isinstance(value, dt.date):
                    assert cell_value == dt.datetime.combine(value, dt.time())
                elif isinstance(value, float):  # Excel keeps 2.0 as the number 2
                    assert cell_value == value and not isinstance(cell_value, bool)
                else:
                    assert cell_value == value and type(cell_value) is type(value)
                assert word_cell.text == text


# -- invalid specs -----------------------------------------------------------

yaml_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20), st.dates()),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(
                [
                    "title",
                    "sections",
                    "heading",
                    "content",
                    "paragraph",
                    "table",
                    "rows",
                    "columns",
                    "bullets",
                    "image",
                    "page_break",
                    "style",
                    "vars",
                    "x",
                ]
            ),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=25,
)


@settings(max_examples=EXAMPLES * 10, deadline=None)
@given(st.one_of(yaml_value.map(lambda v: yaml.safe_dump(v, allow_unicode=True)), st.text(max_size=200)))
def test_random_input_gets_positioned_errors_or_loads(source):
    try:
        loads(source, "fuzz.yaml")
    except SpecError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.pos.line >= 1 and problem.pos.col >= 1 and problem.message
            assert str(problem).startswith(str(problem.pos.file))
