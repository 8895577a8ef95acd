"""A spec built to exhaust the machine costs little and says why: each case in a child process under a memory limit.

Every case runs ``briefing build bad.yaml good.yaml`` for real: the bad spec gets one
positioned line and exit status 2, within a few processor seconds, the child's own peak memory under
300 MB (what the build of the good spec needs, and little more); nothing of the bad spec
is written; the good spec beside it is built. The budget's figures are in SECURITY.md.
"""

from __future__ import annotations

import json
import subprocess
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from briefing.limits import Limits
from briefing.reading.sandbox import BoundedEnvironment, Budget, spending
from briefing.reading.sandbox import TemplateError as JinjaError

from .conftest import run_briefing_measured
from .test_hostile import POSITIONED

MEMORY_LIMIT = 1 << 30  # a gigabyte of address space: the cases used to take 2 to 9
WALL = 60  # seconds: a guard against runaways, far above what any case takes
SECONDS = 20  # processor seconds: a case takes a few on an idle machine; a runaway, minutes
PEAK_MB = 300  # the child's own resident peak, building the good spec included

HEAD = "title: T\nsections:\n  - heading: H\n    content:\n"
GOOD = HEAD + "      - paragraph: A good spec beside a bad one is still built.\n"


def spec_with(*lines: str) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        (folder / "bad.yaml").write_text("".join(lines), encoding="utf-8")

    return make


def include_bomb(folder: Path) -> None:
    """Ten files, each including the next ten times, nine deep: a billion blocks, and a 50 KB leaf."""
    for n in range(9):
        (folder / f"f{n}.yaml").write_text(f"- include: f{n + 1}.yaml\n" * 10)
    (folder / "f9.yaml").write_text("- paragraph: " + "x" * 50_000 + "\n")
    (folder / "bad.yaml").write_text(HEAD + "      - include: f0.yaml\n")


def include_chain(folder: Path) -> None:
    for n in range(3000):
        (folder / f"c{n}.yaml").write_text(f"- include: c{n + 1}.yaml\n")
    (folder / "c3000.yaml").write_text("- paragraph: end\n")
    (folder / "bad.yaml").write_text(HEAD + "      - include: c0.yaml\n")


def extends_chain(folder: Path) -> None:
    for n in range(400):
        (folder / f"e{n}.yaml").write_text(f"extends: e{n + 1}.yaml\n")
    (folder / "e400.yaml").write_text("title: T\nsections:\n  - heading: H\n")
    (folder / "bad.yaml").write_text("extends: e0.yaml\n")


def data_spec(folder: Path, source: str) -> None:
    (folder / "bad.yaml").write_text(HEAD + f"      - table: {{source: {source}}}\n")


def wide_csv(folder: Path) -> None:
    """Forty columns and 520,000 rows: 20,800,000 values, a table no briefing holds."""
    row = ",".join(["M", "1", "a", "2"] * 10) + "\n"  # short values: many of them in few bytes
    with (folder / "wide.csv").open("w") as out:
        out.write(",".join(f"c{n}" for n in range(40)) + "\n")
        out.writelines(row for _ in range(520_000))
    data_spec(folder, "wide.csv")


def deep_json(folder: Path) -> None:
    (folder / "deep.json").write_text("[" + "[" * 200_000 + "]" * 200_000 + "]")
    data_spec(folder, "deep.json")


def surrogate_json(folder: Path) -> None:
    (folder / "s.json").write_text(json.dumps([{"name": "a"}]).replace('"a"', '"bad \\ud800 value"'))
    data_spec(folder, "s.json")


def bomb(expression: str) -> Callable[[Path], None]:
    """A spec whose heading is one template expression."""
    return spec_with("title: T\nsections:\n  - heading: " + json.dumps(expression) + "\n")


def shared_strings(folder: Path, name: str, write: Callable[[Any], None]) -> None:
    """A small .xlsx whose shared strings part is written by ``write``, a piece at a time (never held)."""
    book = Workbook()
    book.active.append(["name", "value"])
    book.active.append(["a", 1])
    plain = folder / "plain.xlsx"
    book.save(plain)
    override = (
        b'<Override PartName="/xl/sharedStrings.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(folder / name, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", override)
            out.writestr(info, data)
        with out.open("xl/sharedStrings.xml", "w") as strings:
            strings.write(b"<sst " + NS + b">")
            write(strings)
            strings.write(b"</sst>")
    plain.unlink()
    data_spec(folder, name)


def one_long_string(strings: Any) -> None:
    """One string of 450 million characters: 442 KB packed."""
    strings.write(b"<si><t>")
    for _ in range(450):
        strings.write(b"x" * 1_000_000)
    strings.write(b"</t></si>")


def many_tiny_strings(strings: Any) -> None:
    """25 million strings of one character: about 1 MB packed."""
    for _ in range(25):
        strings.write(b"<si><t>a</t></si>" * 1_000_000)


def one_file_many_tables(folder: Path) -> None:
    """A CSV of a million rows, used by thirty tables: read once, and the thirty uses counted."""
    with (folder / "big.csv").open("w") as out:
        out.write("region,count\n")
        out.writelines(f"{'NS'[i % 2]},{i % 1000}\n" for i in range(1_000_000))
    (folder / "bad.yaml").write_text(HEAD + "      - table: {source: big.csv, limit: 5}\n" * 30)


def workbook(folder: Path, name: str, sheet_xml: bytes | None = None, shared: int = 0) -> None:
    """A small .xlsx, its sheet's XML replaced, or a shared string of ``shared`` bytes added (streamed)."""
    book = Workbook()
    book.active.append(["name", "value"])
    book.active.append(["a", 1])
    plain = folder / "plain.xlsx"
    book.save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(folder / name, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if sheet_xml is not None and info.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml
            out.writestr(info, data)
        if shared:
            with out.open("xl/sharedStrings.xml", "w") as strings:
                strings.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>')
                for _ in range(shared // 1_000_000):
                    strings.write(b"x" * 1_000_000)
                strings.write(b"</t></si></sst>")
    plain.unlink()
    data_spec(folder, name)


NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def inline_value(folder: Path) -> None:
    """A sheet whose cell holds its own text of 300,000,000 characters (not a shared string), streamed in."""
    workbook(folder, "inline.xlsx")
    plain = folder / "inline.xlsx"
    packed = folder / "packed.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                out.writestr(info, source.read(info))
                continue
            sheet = source.read(info)
            end = sheet.index(b"</sheetData>")
            with out.open(info.filename, "w", force_zip64=True) as part:
                part.write(sheet[:end] + b'<row r="3"><c r="A3" t="inlineStr"><is><t>')
                for _ in range(300):
                    part.write(b"b" * 1_000_000)
                part.write(b"</t></is></c></row>" + sheet[end:])
    packed.replace(plain)


DIMENSION_BOMB = (
    b"<worksheet " + NS + b'><dimension ref="A1:XFD20000000"/><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c>'
    b'<c r="B1" t="inlineStr"><is><t>value</t></is></c></row>'
    b'<row r="20000000"><c r="A20000000" t="inlineStr"><is><t>far</t></is></c></row>'
    b"</sheetData></worksheet>"
)

CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "power tower": (
        spec_with("title: T\nvars: {n: 9}\nsections:\n  - heading: '{{ n**(n**n) }}'\n"),
        "bad.yaml:4:14: template error: 9 ** 387420489 has more than 100 digits",
    ),
    "three billion characters": (
        spec_with("title: T\nsections:\n  - heading: \"{{ 'x' * 3000000000 }}\"\n"),
        "bad.yaml:3:14: template error: repeating a value 3,000,000,000 times",
    ),
    "nested ranges": (
        spec_with(
            "title: T\nsections:\n  - heading: '{% for a in range(100000) %}{% for b in range(100000) %}"
            "{% endfor %}{% endfor %}x'\n"
        ),
        "bad.yaml:3:14: template error: the spec's templates take more than 100,000 loop steps",
    ),
    "recursive macro": (
        spec_with("title: T\nsections:\n  - heading: '{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}'\n"),
        "bad.yaml:3:14: template error: 'macro' cannot be used in a spec's text",
    ),
    "include in text": (
        spec_with("title: T\nsections:\n  - heading: \"{% include 'x' %}\"\n"),
        "bad.yaml:3:14: template error: 'include' cannot be used in a spec's text",
    ),
    "a wide filter": (
        spec_with("title: T\nsections:\n  - heading: \"{{ 'x'|center(10**9) }}\"\n"),
        "bad.yaml:3:14: template error: 1,000,000,000 is more than a spec may ask for",
    ),
    "a wide format": (
        spec_with("title: T\nsections:\n  - heading: \"{{ '{:>999999999}'.format(1) }}\"\n"),
        "bad.yaml:3:14: template error: a format wider than 100,000 characters",
    ),
    "doubling": (
        spec_with(
            "title: T\nsections:\n  - heading: \"{% set ns = namespace(s='x') %}"
            '{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}"\n'
        ),
        "bad.yaml:3:14: template error: '~' would make more than the 200,000 characters a value may hold",
    ),
    "include bomb": (include_bomb, "includes add more than 50,000,000 characters of spec text"),
    "include bomb, small leaf": (
        lambda folder: (include_bomb(folder), (folder / "f9.yaml").write_text("- paragraph: x\n")),
        "includes add more than 100,000 sections and blocks",
    ),
    "include chain": (include_chain, "bases and includes go more than 16 files deep"),
    "extends chain": (extends_chain, "bases and includes go more than 16 files deep"),
    "deep JSON": (deep_json, "deep.json:1:2: JSON nested too deeply"),
    "twenty million CSV values": (
        wide_csv,
        "wide.csv:1:1: more than 20,000,000 values; filter or split the data, "
        "or allow more with data_values: in a --limits file (for data you trust)",
    ),
    "JSON surrogate": (surrogate_json, "s.json:1:2: '\\ud800' is half of a character pair"),
    "xlsx dimension": (
        lambda folder: workbook(folder, "dim.xlsx", DIMENSION_BOMB),
        "more than 10,000 empty rows in a row; give range: to say where the data is",
    ),
    "xlsx cell's own text": (
        inline_value,
        "'inline.xlsx' holds a cell value of more than 1,000,000 characters (a value's most)",
    ),
    "xlsx shared string": (
        lambda folder: workbook(folder, "shared.xlsx", shared=600_000_000),
        "'shared.xlsx' unpacks to 600,",
    ),
    "a replace that multiplies": (
        bomb("{{ (' ' * 30000).replace(' ', ' ' * 30000) | length }}"),
        "bad.yaml:3:14: template error: 'str.replace' would make more than the 200,000 characters a value may hold",
    ),
    "a join that multiplies": (
        bomb("{{ (' ' * 30000).join(' ' * 30000) | length }}"),
        "bad.yaml:3:14: template error: 'str.join' would make more than the 200,000 characters",
    ),
    "expandtabs": (
        bomb("{{ ('\t' * 30000).expandtabs(100000) | length }}"),
        "bad.yaml:3:14: template error: 'str.expandtabs' would make more than the 200,000 characters",
    ),
    "twenty thousand wide fields": (
        bomb("{{ ('{0:>99999}' * 20000).format(1) | length }}"),
        "bad.yaml:3:14: template error: 'str.format' would make more than the 200,000 characters",
    ),
    "twenty thousand wide printf fields": (
        bomb("{{ ('%(a)99999s' * 20000) % {'a': 1} }}"),
        "bad.yaml:3:14: template error: '%' would make more than the 200,000 characters",
    ),
    "a width from an argument": (
        bomb("{{ '%*d' % (999999999, 1) }}"),
        "bad.yaml:3:14: template error: '%' would make more than the 200,000 characters",
    ),
    "lipsum": (
        bomb("{{ lipsum(100000, max=100000) | length }}"),
        "bad.yaml:3:14: template error: 'lipsum' would make more than the 200,000 characters",
    ),
    "a sum of lists": (
        bomb("{{ ([[0] * 3000] * 3000) | sum(start=[]) | length }}"),
        # Nine million values, however cheaply Python shares the 3,000 it holds: refused as they are made.
        "bad.yaml:3:14: template error: repeating a value 3,000 times makes more than 200,000 characters",
    ),
    "unique over a list of long texts repeated": (
        bomb("{{ (['x' * 199999] * 199999) | unique | list | length }}"),
        "bad.yaml:3:14: template error: repeating a value 199,999 times makes more than 200,000 characters",
    ),
    "two nested lists compared": (
        bomb("{{ ([[0] * 99999] * 99999) == ([[0] * 99999] * 99999) }}"),
        "bad.yaml:3:14: template error: repeating a value 99,999 times makes more than 200,000 characters",
    ),
    "a list of long texts sorted": (
        bomb("{{ (['x' * 99999] * 99999) | sort | length }}"),
        "bad.yaml:3:14: template error: repeating a value 99,999 times makes more than 200,000 characters",
    ),
    "a join of a long list": (
        bomb("{{ (['x' * 100000] * 100000) | join }}"),
        # The list itself is refused as it is made: it holds ten thousand million characters.
        "bad.yaml:3:14: template error: repeating a value 100,000 times makes more than 200,000 characters",
    ),
    "printing a long list": (
        bomb("{{ ['x' * 100000] * 100000 }}"),
        "bad.yaml:3:14: template error: repeating a value 100,000 times makes more than 200,000 characters",
    ),
    "printing a list made by a loop": (
        bomb(
            "{% set ns = namespace(l=[]) %}{% for i in range(300) %}{% set ns.l = ns.l + ['x' * 1000] %}"
            "{% endfor %}{{ ns.l }}"
        ),
        # Each '+' reads both lists whole: growing a list one item at a time costs what it reads, again and again.
        "bad.yaml:3:14: template error: '+' would take the spec's templates past 20,000,000 characters made or read",
    ),
    "a key function": (
        bomb("{{ ([['a'] * 10] * 20).sort(key=('y' * 100000).join) }}"),
        "bad.yaml:3:14: template error: a function cannot be given to a method or filter",
    ),
    "a method with no size": (
        bomb("{{ ('x' * 100000).encode('unicode_escape') }}"),
        "bad.yaml:3:14: template error: 'str.encode' cannot be called in a spec's text",
    ),
    "a loop making long values": (
        bomb("{% for i in range(1000) %}{% set y = ('x' * 150000) ~ i %}{% endfor %}"),
        "bad.yaml:3:14: template error: '~' would take the spec's templates past 20,000,000 characters",
    ),
    "a captured block printing a long text": (
        bomb(
            "{% set big = 'x' * 150000 %}{% set x %}{% for i in range(40000) %}{{ big }}{% endfor %}{% endset %}"
            "{{ x | length }}"
        ),
        "bad.yaml:3:14: template error: the spec's templates make more than 2,000,000 characters",
    ),
    "a loop searching a long text": (
        bomb("{% set text = 'x' * 199999 %}{% for i in range(50000) %}{% if 'zz' in text %}!{% endif %}{% endfor %}"),
        "bad.yaml:3:14: template error: a comparison would take the spec's templates past 20,000,000 characters",
    ),
    "a loop counting in a long text": (
        bomb("{% set text = 'x' * 199999 %}{% for i in range(50000) %}{{ text.count('z') }}{% endfor %}"),
        "bad.yaml:3:14: template error: 'str.count' would take the spec's templates past 20,000,000 characters",
    ),
    "a template's own mistake": (
        bomb("{{ lipsum(2, min=50, max=10) }}"),
        "bad.yaml:3:14: template error: ",
    ),
    "xlsx string of 450 million characters": (
        lambda folder: shared_strings(folder, "long.xlsx", one_long_string),
        "bad.yaml:5:25: 'long.xlsx' holds a shared string of more than 1,000,000 characters",
    ),
    "xlsx of 25 million shared strings": (
        lambda folder: shared_strings(folder, "many.xlsx", many_tiny_strings),
        "bad.yaml:5:25: 'many.xlsx' holds more than 20,000,000 shared strings",
    ),
    "one CSV, thirty tables": (
        one_file_many_tables,
        "the spec's tables and charts take more than 40,000,000 values from data files",
    ),
    "lone surrogate": (
        spec_with('title: "bad \\ud800 text"\nsections:\n  - heading: H\n'),
        "bad.yaml:1:8: YAML syntax error: '\\ud800' is half of a character pair",
    ),
    "recursive alias": (
        spec_with("title: T\nsections: &s\n  - heading: H\n    sections: *s\n"),
        "bad.yaml:4:15: YAML syntax error: the alias *s stands inside the very value it names",
    ),
}


def build(folder: Path) -> tuple[subprocess.CompletedProcess[str], float, float | None]:
    """The real command on bad.yaml and good.yaml; its result, seconds taken and the child's own peak memory (MB)."""
    args = ["build", "bad.yaml", "good.yaml", "--out", "out"]
    out, err = folder / "stdout", folder / "stderr"
    code, seconds, peak = run_briefing_measured(args, folder, MEMORY_LIMIT, WALL, out, err)
    result = subprocess.CompletedProcess(args, code, out.read_text(), err.read_text())
    return result, seconds, peak


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_hostile_spec_is_refused_cheaply_and_the_batch_goes_on(case, tmp_path):
    make, expected = CASES[case]
    make(tmp_path)
    (tmp_path / "good.yaml").write_text(GOOD)
    result, seconds, peak = build(tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert expected in result.stderr, result.stderr
    assert len(lines) == 1 and POSITIONED.match(lines[0]), lines
    assert "Traceback" not in result.stderr and "unexpected error" not in result.stderr
    assert seconds < SECONDS, f"{seconds:.1f} s"
    assert peak is not None and peak < PEAK_MB, peak
    built = sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith("."))  # not .packs/
    assert built == ["good.docx", "good.html", "good.manifest.json", "good.pdf", "good.xlsx"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.recursive(
        st.one_of(
            st.sampled_from(["n", "s", "xs", "9", "99999", "'ab'", "(n * 7)", "range(n)", "range(99999)"]),
        ),
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["*", "**", "+", "~", "%", "//"]), inner).map(" ".join),
            st.tuples(inner, st.sampled_from(["|join", "|list", "|center(99999)", "|length", "|string"])).map("".join),
            st.tuples(
                inner,
                st.sampled_from(
                    [
                        ".replace('x', s)",
                        ".join(xs|map('string'))",
                        ".expandtabs(99999)",
                        "|sum(start=[])",
                        "|indent(s)",
                        "|wordwrap(1, wrapstring=s)",
                        "|join(s)",
                        "|replace('', s)",
                    ]
                ),
            ).map("".join),
            inner.map(lambda e: f"({e})"),
        ),
        max_leaves=6,
    )
)
def test_random_expressions_stay_within_the_budget(expression):
    env = BoundedEnvironment()
    values = {"n": 9, "s": "x" * 100, "xs": list(range(50))}
    loops = "{% for a in range(99) %}{% for b in [EXPR] %}.{% endfor %}{% endfor %}"
    template = "{{ EXPR }}" + loops
    template = template.replace("EXPR", expression)
    started = time.process_time()
    with spending(Budget()) as spent:
        try:
            text = env.render(template, values)
        except (JinjaError, TypeError, ValueError, ZeroDivisionError, OverflowError):
            text = ""
    assert time.process_time() - started < 5, expression  # a runaway takes minutes; a bounded one milliseconds
    limits = Limits()
    assert len(text) <= limits.template_output and spent.output <= limits.template_output
    assert spent.steps <= limits.template_loop_steps


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ 'a-b'.replace('-', ' to ') }}", "a to b"),
        ("{{ ', '.join(['Gao', 'Mopti']) }}", "Gao, Mopti"),
        ("{{ '{:>5}|{:.2f}|{name}'.format(12, 0.5, name='x') }}", "   12|0.50|x"),
        ("{{ '{a}'.format_map({'a': 1}) }}", "1"),
        ("{{ '%s: %05.1f' % ('t', 2.25) }}", "t: 002.2"),
        ("{{ '%(n)d%%' | format(n=40) }}", "40%"),
        ("{{ [[1], [2, 3]] | sum(start=[]) }}", "[1, 2, 3]"),
        ("{{ [1, 2, 3] | sum }}", "6"),
        ("{{ people | map(attribute='name') | join(', ') }}", "Awa, Ousmane"),
        ("{{ people | join(', ', attribute='name') }}", "Awa, Ousmane"),
        ("{{ 'mali'.title().center(8, '*') }}", "**Mali**"),
        ("{{ 'ab\tc'.expandtabs(4) }}", "ab  c"),
        ("{{ 'one two three' | wordwrap(8) }}", "one two\nthree"),
        ("{{ 'a\nb' | indent(2, first=true) }}", "  a\n  b"),
        ("{{ ('x' * 3)[1:] }}", "xx"),
        ("{{ lipsum(1, html=false, min=5, max=6).split() | length in [5, 6] }}", "True"),
        (
            "{% set n = namespace(total=0) %}{% for p in people %}{% set n.total = n.total + p.age %}{% endfor %}"
            "{{ n.total }}",
            "71",
        ),
        ("{{ day.strftime('%d %B %Y') }}", "05 January 2026"),
        ("{{ {'b': 2, 'a': 1} | dictsort | first | join('=') }}", "a=1"),
    ],
)
def test_everyday_templates_give_what_python_gives(template, expected):
    import datetime as dt

    values = {"people": [{"name": "Awa", "age": 30}, {"name": "Ousmane", "age": 41}], "day": dt.date(2026, 1, 5)}
    with spending(Budget()):
        assert BoundedEnvironment().render(template, values) == expected


def test_limits_can_be_raised_for_a_trusted_spec_and_are_checked(tmp_path, capsys):
    from briefing.cli import main

    spec = tmp_path / "loops.yaml"
    spec.write_text(
        "title: T\nsections:\n  - heading: '{% for a in range(400) %}{% for b in range(400) %}{% endfor %}"
        "{% endfor %}Counted'\n"
    )
    assert main(["validate", str(spec)]) == 2
    assert "more than 100,000 loop steps" in capsys.readouterr().err
    trusted = tmp_path / "trusted.yaml"
    trusted.write_text("template_loop_steps: 1000000\n")
    assert main(["validate", str(spec), "--limits", str(trusted)]) == 0
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("template_loop_step: 1000000\nfiles: -3\n")
    assert main(["validate", str(spec), "--limits", str(wrong)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"{wrong}:1:1: unknown limit 'template_loop_step' (did you mean 'template_loop_steps'?)",
        f"{wrong}:2:8: 'files' takes a whole number above 0",
    ]


def test_security_md_lists_every_limit_with_its_default():
    import dataclasses
    import re

    text = (Path(__file__).resolve().parent.parent / "SECURITY.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| `(\w+)` \| ([\d,]+) \|", text, re.M))
    defaults = {f.name: f"{f.default:,}" for f in dataclasses.fields(Limits)}
    assert table == defaults
