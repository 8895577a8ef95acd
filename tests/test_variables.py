"""Variables: {{ name }} everywhere a string may stand, from vars:, --vars and --set."""

from __future__ import annotations

import datetime as dt
import textwrap

import docx
import pytest

from briefing import Options, SpecError, load, loads
from briefing.cli import main
from briefing.model import Paragraph, Table, plain

SPEC = """\
    title: "Briefing: {{ country }}"
    date: "{{ when }}"
    vars:
      country: Mali
      count: 1500
      when: 2026-11-24
    sections:
      - heading: "{{ country }} outlook"
        content:
          - paragraph: "In **{{ country }}**, {{ count }} personnel; spec {{ spec }}."
          - table:
              title: "{{ country }} figures"
              columns: [Country, Count, Text]
              rows:
                - ["{{ country | upper }}", "{{ count }}", "{{ count }} staff"]
    """


def render(options: Options | None = None, text: str = SPEC):
    return loads(textwrap.dedent(text), "weekly.yaml", None, options)


def test_variables_in_titles_headings_paragraphs_and_cells():
    doc = render()
    assert doc.title == "Briefing: Mali"
    assert doc.date == dt.date(2026, 11, 24)
    section = doc.sections[0]
    assert plain(section.heading) == "Mali outlook"
    paragraph, table = section.content
    assert isinstance(paragraph, Paragraph) and plain(paragraph.text) == "In Mali, 1500 personnel; spec weekly."
    assert paragraph.text[1].bold and paragraph.text[1].text == "Mali"
    assert isinstance(table, Table) and table.title == "Mali figures"
    assert table.rows == (("MALI", 1500, "1500 staff"),)  # a lone variable keeps its type; text stays text


def test_command_line_values_win_over_the_spec():
    doc = render(Options(variables={"country": "Niger", "count": "7"}))
    assert doc.title == "Briefing: Niger"
    assert doc.sections[0].content[1].rows == (("NIGER", 7, "7 staff"),)


def test_builtin_variables():
    doc = loads("title: '{{ spec }} {{ today }}'\nsections: [{heading: '{{ date }}'}]\n", "weekly.yaml")
    today = dt.date.today().isoformat()
    assert doc.title == f"weekly {today}"
    assert plain(doc.sections[0].heading) == today


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "title: '{{ country }}'\nsections: [{heading: H}]\n",
            "spec.yaml:1:8: undefined variable: 'country' is undefined",
        ),
        ("title: T\nsections: [{heading: '{{ oops'}]\n", "spec.yaml:2:22: template error: unexpected end of template"),
        (
            "title: \"{{ ''.__class__.__mro__[1].__subclasses__() }}\"\nsections: [{heading: H}]\n",
            "spec.yaml:1:8: template error: access to attribute '__class__' of 'str' object is unsafe.",
        ),
        (
            "vars: {bad-name: 1}\ntitle: T\nsections: [{heading: H}]\n",
            "spec.yaml:1:8: 'bad-name' is not a name (use letters, digits and _)",
        ),
    ],
)
def test_variable_errors_name_the_line(text, expected):
    with pytest.raises(SpecError) as caught:
        loads(text, "spec.yaml")
    assert [str(p) for p in caught.value.problems][0].startswith(expected)


def test_base_variables_merge_with_the_child(tmp_path):
    (tmp_path / "base.yaml").write_text("vars: {country: Mali, desk: Sahel}\ntitle: '{{ desk }}: {{ country }}'\n")
    (tmp_path / "niger.yaml").write_text("extends: base.yaml\nvars: {country: Niger}\nsections: [{heading: H}]\n")
    assert load(tmp_path / "niger.yaml").title == "Sahel: Niger"


def test_set_vars_file_and_out_name_on_the_command_line(tmp_path, capsys):
    spec = tmp_path / "weekly.yaml"
    spec.write_text(textwrap.dedent(SPEC))
    values = tmp_path / "niger.yaml"
    values.write_text("country: Niger\ncount: 42\n")
    out = tmp_path / "out"
    args = ["build", str(spec), "--vars", str(values), "--set", "when=2026-12-01", "--out", str(out)]
    assert main([*args, "--format", "docx", "--out-name", "{{ country | lower }}-{{ when }}"]) == 0
    path = out / "niger-2026-12-01.docx"
    assert capsys.readouterr().out.strip() == str(path)
    document = docx.Document(str(path))
    assert document.paragraphs[0].text == "Briefing: Niger"
    assert [c.text for c in document.tables[0].rows[1].cells] == ["NIGER", "42", "42 staff"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--set", "novalue"], "--set: expected NAME=VALUE, got 'novalue'\n"),
        (["--out-name", "../escape"], "--out-name: '../escape' is not a file name\n"),
        (["--out-name", "{{ nothing }}"], "--out-name: undefined variable: 'nothing' is undefined\n"),
    ],
)
def test_bad_variable_options(args, message, tmp_path, capsys):
    spec = tmp_path / "weekly.yaml"
    spec.write_text(textwrap.dedent(SPEC))
    assert main(["build", str(spec), "--out", str(tmp_path / "out"), *args]) == 2
    assert capsys.readouterr().err == message
    assert not (tmp_path / "out").exists()


def test_date_is_the_briefings_date_and_today_stays_today():
    doc = loads('title: T\ndate: 2026-02-18\nsections:\n  - heading: "as of {{ date }}; built {{ today }}"\n')
    assert plain(doc.sections[0].heading) == f"as of 2026-02-18; built {dt.date.today().isoformat()}"
    doc = loads('title: T\nvars: {d: 2026-03-01}\ndate: "{{ d }}"\nsections:\n  - heading: "as of {{ date }}"\n')
    assert plain(doc.sections[0].heading) == "as of 2026-03-01"
    undated = loads('title: T\nsections:\n  - heading: "as of {{ date }}"\n')
    assert plain(undated.sections[0].heading) == f"as of {dt.date.today().isoformat()}"


def test_set_date_is_the_briefings_date_with_a_base_that_dates_it_today(tmp_path):
    from briefing.cli import main
    from briefing.reading.loader import Options, load

    from .conftest import SPECS

    weekly = load(SPECS / "sahel-weekly.yaml", Options(variables={"date": "2026-12-08"}))
    assert weekly.date == dt.date(2026, 12, 8)
    assert weekly.variables["date"] == "2026-12-08"
    assert load(SPECS / "sahel-weekly.yaml").date == dt.date.today()
    spec = tmp_path / "s.yaml"
    spec.write_text('title: T\nsections:\n  - heading: "as of {{ date }}"\n')
    undated = load(spec, Options(variables={"date": "2026-12-08"}))
    assert (undated.date, plain(undated.sections[0].heading)) == (dt.date(2026, 12, 8), "as of 2026-12-08")
    assert main(["validate", str(spec), "--set", "date=2026-12-08"]) == 0


def test_a_set_date_that_is_not_a_date_is_one_line(tmp_path, capsys):
    from briefing.cli import main

    spec = tmp_path / "s.yaml"
    spec.write_text("title: T\nsections:\n  - heading: H\n")
    assert main(["validate", str(spec), "--set", "date=next week"]) == 2
    assert capsys.readouterr().err == "--set: date: expected a date as YYYY-MM-DD, got 'next week'\n"
