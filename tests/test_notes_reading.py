"""Reading notes, citations and cross-references: YAML snippets to models, and mistakes to exact lines."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from briefing import SpecError, loads
from briefing.model import Citation, Cite, CrossRef, Note, Paragraph, Span, Table
from briefing.reading.inline import parse_inline

SOURCES = """\
sources:
  - id: ocha2026
    type: report
    title: Niger access snapshot
    author: OCHA
    issued: 2026-03-01
  - id: acled2026
    type: dataset
    title: Conflict events, Niger
    author: [ACLED]
    issued: 2026
"""


def spec(body: str, head: str = SOURCES) -> str:
    return "title: T\n" + head + "sections:\n  - heading: H\n    content:\n" + textwrap.indent(body, "      ")


def load(body: str, head: str = SOURCES, base_dir: Path | None = None):
    return loads(spec(textwrap.dedent(body), head), "spec.yaml", base_dir)


def errors(body: str, head: str = SOURCES, base_dir: Path | None = None) -> list[str]:
    with pytest.raises(SpecError) as caught:
        load(body, head, base_dir)
    return [str(p) for p in caught.value.problems]


def first(doc):
    return doc.sections[0].content[0]


def test_an_inline_note_keeps_its_markup_links_and_what_the_author_wrote():
    (before, note, after) = parse_inline("Fell^[Counting **all** [reports](https://x.org).] sharply.")
    assert (before, after) == (Span("Fell"), Span(" sharply."))
    assert note == Note(
        "^[Counting **all** [reports](https://x.org).]",
        content=(
            Span("Counting "),
            Span("all", bold=True),
            Span(" "),
            Span("reports", href="https://x.org"),
            Span("."),
        ),
    )


@pytest.mark.parametrize(
    ("text", "cites", "narrative"),
    [
        ("[@ocha2026]", (Cite("ocha2026"),), False),
        ("[@ocha2026, p. 4]", (Cite("ocha2026", "p. 4"),), False),
        ("[@ocha2026; see @acled2026, pp. 3-5]", (Cite("ocha2026"), Cite("acled2026", "pp. 3-5", "see")), False),
        ("@ocha2026", (Cite("ocha2026"),), True),
        ("[see @ocha2026; @acled2026]", (Cite("ocha2026", "", "see"), Cite("acled2026")), False),
        ("[e.g. @ocha2026, p. 4, for the data]", (Cite("ocha2026", "p. 4, for the data", "e.g."),), False),
    ],
)
def test_citations_as_pandoc_writes_them(text, cites, narrative):
    (span,) = parse_inline(text)
    assert span == Citation(text, cites=cites, narrative=narrative)


def test_a_narrative_citation_stops_before_a_full_stop_and_an_email_address_is_text():
    spans = parse_inline("As @ocha2026. Write to desk@ocha.org.")
    assert [type(s).__name__ for s in spans] == ["Span", "Citation", "Span"]
    assert spans[1].cites == (Cite("ocha2026"),)
    assert spans[2] == Span(". Write to desk@ocha.org.")


def test_an_at_sign_inside_a_word_in_brackets_is_no_citation():
    assert parse_inline("[me@home]") == (Span("[me@home]"),)


def test_cross_references_as_quarto_writes_them():
    spans = parse_inline("See @tbl-funding, [@fig-map] and @sec-outlook.")
    refs = [s for s in spans if isinstance(s, CrossRef)]
    assert [(r.text, r.target) for r in refs] == [
        ("@tbl-funding", "tbl-funding"),
        ("[@fig-map]", "fig-map"),
        ("@sec-outlook", "sec-outlook"),
    ]


def test_notes_citations_and_references_read_from_a_spec():
    doc = load("""\
        - paragraph: "Access fell [@ocha2026, p. 4]^[See @tbl-f.] as @acled2026 shows."
        - table:
            id: tbl-f
            credit: "[@acled2026]"
            columns: [Region, "Incidents^[Reported to OCHA.]"]
            rows:
              - [Tillabéri, "41^[Estimate, [@ocha2026].]"]
              - [Diffa, 12]
        """)
    para, table = doc.sections[0].content
    assert isinstance(para, Paragraph)
    assert [type(s).__name__ for s in para.text] == ["Span", "Citation", "Note", "Span", "Citation", "Span"]
    assert isinstance(table, Table) and table.id == "tbl-f"
    assert table.credit == (Citation("[@acled2026]", cites=(Cite("acled2026"),)),)
    assert [(row, col) for row, col, _ in table.marked] == [(-1, 1), (0, 1)]
    assert table.rows[0] == ("Tillabéri", "41^[Estimate, [@ocha2026].]")  # the value reads as written
    assert [ref.key for ref in doc.references] == ["ocha2026", "acled2026"]
    assert doc.references[0].csl["issued"] == {"date-parts": [[2026, 3, 1]]}
    assert doc.references[1].csl["author"] == [{"literal": "ACLED"}]


def test_ids_on_sections_charts_pictures_and_callouts(tmp_path):
    from PIL import Image as PILImage

    PILImage.new("RGB", (4, 4)).save(tmp_path / "m.png")
    doc = loads(
        textwrap.dedent("""\
        title: T
        sections:
          - heading: H
            id: sec-h
            content:
              - chart: {type: bar, title: C, x: a, y: b, columns: [a, b], rows: [[x, 1]], id: fig-c, credit: ACLED}
              - image: {path: m.png, id: fig-m}
              - callout: {id: box-k, content: [paragraph: "See @fig-c and @box-k."]}
        """),
        "spec.yaml",
        tmp_path,
    )
    section = doc.sections[0]
    chart, image, callout = section.content
    assert (section.id, chart.id, image.id, callout.id) == ("sec-h", "fig-c", "fig-m", "box-k")
    assert chart.credit == (Span("ACLED"),)


def test_a_spec_without_sources_reads_a_name_after_an_at_sign_as_text():
    doc = load('- paragraph: "Follow @ocha_niger for updates."\n', head="")
    assert first(doc).text[1].text == "@ocha_niger"  # a citation span; the layout shows it as written


def test_note_style_and_citation_style():
    doc = load("- paragraph: x\n", head=SOURCES + "citation_style: chicago-author-date\nnote_style: endnotes\n")
    assert (doc.citation_style, doc.note_style) == ("chicago-author-date", "endnotes")
    assert load("- paragraph: x\n").citation_style == "apa"


def test_a_csl_json_file_as_zotero_exports_it(tmp_path):
    (tmp_path / "refs.json").write_text(
        json.dumps(
            [
                {
                    "id": "ocha2026",
                    "type": "report",
                    "title": "Niger: access snapshot",
                    "publisher": "OCHA",
                    "publisher-place": "Niamey",
                    "language": "en",
                    "note": "Exported from Zotero",
                    "URL": "https://example.org/ocha",
                    "author": [{"literal": "OCHA"}],
                    "accessed": {"date-parts": [["2026", 11, 20]]},
                    "issued": {"date-parts": [["2026", "3", "1"]]},
                },
                {
                    "id": "smith2025",
                    "type": "article-journal",
                    "title": "Access in the Sahel",
                    "container-title": "Journal",
                    "author": [{"family": "Smith", "given": "Jane"}, {"family": "Diallo", "given": "Amadou"}],
                    "issued": {"date-parts": [[2025]]},
                },
            ],
            indent="\t",
        )
    )
    doc = load('- paragraph: "[@ocha2026; @smith2025]"\n', head="sources: refs.json\n", base_dir=tmp_path)
    assert [ref.key for ref in doc.references] == ["ocha2026", "smith2025"]
    assert tmp_path / "refs.json" in doc.sources  # a file the pack was read from


# -- mistakes: one line each, with its position ---------------------------------------------


def test_an_unknown_citation_key_with_a_did_you_mean():
    assert errors('- paragraph: "Fell [@ocha2025, p. 4]."\n') == [
        "spec.yaml:16:26: no source 'ocha2025' among the sources (did you mean 'ocha2026'?); "
        "for '@ocha2025' as written, not a citation, write '\\@ocha2025'"
    ]


def test_a_bracketed_citation_in_a_spec_without_sources():
    assert errors('- paragraph: "Fell [@ocha2026]."\n', head="") == [
        "spec.yaml:5:26: '@ocha2026' cites a source, but the spec has no sources: list"
    ]


def test_an_unknown_cross_reference_with_a_did_you_mean():
    assert errors("- paragraph: See @tbl-fundng.\n- table: {id: tbl-funding, columns: [a], rows: [[1]]}\n") == [
        "spec.yaml:16:24: '@tbl-fundng' points at a table with the id 'tbl-fundng', but none has it "
        "(did you mean 'tbl-funding'?)"
    ]


def test_an_id_given_twice():
    table = "- table: {id: tbl-a, columns: [a], rows: [[1]]}\n"
    assert errors(table + table) == [
        "spec.yaml:17:21: the id 'tbl-a' is already given on line 16; an id names one thing"
    ]


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (
            "- table: {id: funding, columns: [a], rows: [[1]]}",
            "the id of a table starts with 'tbl-' ('funding' lacks it): write 'tbl-funding'",
        ),
        (
            "- table: {id: fig-funding, columns: [a], rows: [[1]]}",
            "the id of a table starts with 'tbl-' ('fig-funding' names a figure (a chart or a picture)): "
            "write 'tbl-funding'",
        ),
        (
            "- callout: {id: sec-k, content: [paragraph: x]}",
            "the id of a callout starts with 'box-' ('sec-k' names a section): write 'box-k'",
        ),
    ],
)
def test_an_id_without_its_kinds_prefix(block, message):
    (line,) = errors(block + "\n")
    assert line.split(": ", 1)[1] == message


def test_a_note_inside_a_note():
    assert errors('- paragraph: "Fell^[outer ^[inner]]."\n') == [
        "spec.yaml:16:33: a note inside a note; write it in the same note"
    ]


def test_an_unknown_citation_style():
    assert errors("- paragraph: x\n", head=SOURCES + "citation_style: chicago-authordate\n") == [
        "spec.yaml:13:17: no citation style 'chicago-authordate' (did you mean 'chicago-author-date'?)"
    ]


def test_an_unknown_note_style():
    assert errors("- paragraph: x\n", head="note_style: endnote\n") == [
        "spec.yaml:2:13: expected one of footnotes, endnotes, got 'endnote' (did you mean 'endnotes'?)"
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"references": []}, "'refs.json' is not CSL-JSON: it holds an object, not a list of entries"),
        ([{"id": "a", "title": "T"}], "'refs.json' is not CSL-JSON: entry 1 ('a'): no 'type' field"),
        (
            [{"id": "a", "type": "report"}, {"id": "b", "type": "report", "issued": "2026"}],
            "'refs.json' is not CSL-JSON: entry 2 ('b'): 'issued' must be a date as "
            '{"date-parts": [[2026, 3, 1]]} or {"literal": …}, not "2026"',
        ),
        (
            [{"id": "a", "type": "report", "author": ["OCHA"]}],
            "'refs.json' is not CSL-JSON: entry 1 ('a'): 'author' must be a list of names "
            '({"family": …, "given": …} or {"literal": …})',
        ),
    ],
)
def test_a_file_that_is_not_csl_json_names_the_entry_and_the_field(tmp_path, data, message):
    (tmp_path / "refs.json").write_text(json.dumps(data))
    assert errors("- paragraph: x\n", head="sources: refs.json\n", base_dir=tmp_path) == [f"spec.yaml:2:10: {message}"]


def test_a_source_the_style_cannot_word_is_named(tmp_path):
    # citeproc-py fails on a date range in IEEE's style; the source is named rather than the build failing.
    entry = {"id": "a", "type": "report", "title": "T", "issued": {"date-parts": [[2026, 3, 1], [2026, 4, 2]]}}
    (tmp_path / "refs.json").write_text(json.dumps([entry]))
    (line,) = errors("- paragraph: x\n", head="sources: refs.json\ncitation_style: ieee\n", base_dir=tmp_path)
    assert line.startswith("spec.yaml:2:10: citeproc-py cannot word the source 'a' in ieee: ")


def test_a_sources_file_nested_too_deep_is_refused_in_one_line(tmp_path):
    (tmp_path / "refs.json").write_text("[" * 100_000 + "]" * 100_000)
    assert errors("- paragraph: x\n", head="sources: refs.json\n", base_dir=tmp_path) == [
        "spec.yaml:2:10: 'refs.json' is not CSL-JSON: it nests lists or objects too deep"
    ]


@pytest.mark.parametrize(
    ("head", "message"),
    [
        (
            "sources:\n  - {id: a, type: report, title: T, issued: March 2026}\n",
            "spec.yaml:3:45: expected a date as YYYY-MM-DD, YYYY-MM or YYYY, got 'March 2026'",
        ),
        (
            "sources:\n  - {id: a, type: report, title: T, author: [{given: Jane}]}\n",
            "spec.yaml:3:46: a name needs 'family' (a person) or 'literal' (an organisation)",
        ),
        (
            "sources:\n  - {id: a, type: report, title: T, auther: OCHA}\n",
            "spec.yaml:3:37: unknown key 'auther' in a source (did you mean 'author'?)",
        ),
        (
            "sources:\n  - {id: a, type: report, title: T}\n  - {id: A, type: report, title: U}\n",
            "spec.yaml:4:5: the source id 'A' is given twice (also as 'a' on line 3)",
        ),
    ],
)
def test_mistakes_in_sources_written_in_the_spec(head, message):
    assert errors("- paragraph: x\n", head=head) == [message]


def test_a_sources_block_takes_true():
    assert errors("- sources: yes please\n") == [
        "spec.yaml:16:18: sources takes the value true: the list of sources stands here"
    ]


def test_a_note_or_citation_in_a_table_or_chart_title_is_read_as_such_and_kept_out_of_its_words():
    doc = load(
        """\
        - table: {title: "Incidents by region^[As drawn in 2011.]", columns: [a], rows: [[1]]}
        - chart: {type: bar, title: "Monthly [@acled2026]", x: m, y: n, columns: [m, n], rows: [[Jan, 1]]}
        """
    )
    table, chart = doc.sections[0].content
    assert table.title == "Incidents by region" and chart.title == "Monthly"
    assert table.title_text == (
        Span("Incidents by region"),
        Note("^[As drawn in 2011.]", content=(Span("As drawn in 2011."),)),
    )
    assert [type(s).__name__ for s in chart.title_text] == ["Span", "Citation"]
    plain_title = load("- table: {title: Incidents, columns: [a], rows: [[1]]}\n")
    assert first(plain_title).title == "Incidents" and first(plain_title).title_text == ()


@pytest.mark.parametrize(
    ("paragraph", "message"),
    [
        ("Rose.^[unclosed note", "spec.yaml:16:25: the note '^[unclosed note' is not closed: end it with ']'"),
        ("Rose [@ocha2026.", "spec.yaml:16:25: the citation '[@ocha2026' is not closed: end it with ']'"),
        (
            "Rose [@ocha2026, @acled2026].",
            "spec.yaml:16:25: '@acled2026' after a comma reads as words about '@ocha2026': "
            "separate citations with ';' ([@ocha2026; @acled2026])",
        ),
        (
            "Rose [@ocha2026; ].",
            "spec.yaml:16:25: an empty citation in '[@ocha2026; ]': write a key after each ';', or leave the ';' out",
        ),
        (
            "Rose.^[Per [@ocha2026, @acled2026].]",
            "spec.yaml:16:31: '@acled2026' after a comma reads as words about '@ocha2026': "
            "separate citations with ';' ([@ocha2026; @acled2026])",
        ),
    ],
)
def test_a_note_or_citation_written_wrongly_is_an_error_at_its_place(paragraph, message):
    assert errors(f"- paragraph: {paragraph}\n") == [message]


def test_the_list_of_sources_is_placed_once():
    assert errors("- sources: true\n- paragraph: x [@ocha2026]\n- sources: true\n") == [
        "spec.yaml:18:18: the list of sources already stands on line 16; place it once"
    ]


def test_a_source_of_no_csl_type_with_a_did_you_mean(tmp_path):
    head = "sources:\n  - {id: a, type: reprot, title: T}\n"
    assert errors("- paragraph: x\n", head=head) == [
        "spec.yaml:3:19: 'reprot' is not a CSL type (did you mean 'report'?)"
    ]
    (tmp_path / "refs.json").write_text(json.dumps([{"id": "a", "type": "webpgae"}]))
    assert errors("- paragraph: x\n", head="sources: refs.json\n", base_dir=tmp_path) == [
        "spec.yaml:2:10: 'refs.json' is not CSL-JSON: entry 1 ('a'): "
        "'webpgae' is not a CSL type (did you mean 'webpage'?)"
    ]


def test_a_backslash_keeps_an_at_sign_a_bracket_or_a_caret_as_written():
    doc = load("- paragraph: Follow \\@OCHA_Niger; type [\\@ocha2026] to cite; x\\^[y] stays.\n")
    assert first(doc).text == (Span("Follow @OCHA_Niger; type [@ocha2026] to cite; x^[y] stays."),)
    assert parse_inline("C:\\data\\x") == (Span("C:\\data\\x"),)  # before other characters it stays


def test_a_handle_taken_for_a_citation_names_the_escape():
    assert errors("- paragraph: Follow @OCHA_Niger.\n") == [
        "spec.yaml:16:27: no source 'OCHA_Niger' among the sources; "
        "for '@OCHA_Niger' as written, not a citation, write '\\@OCHA_Niger'"
    ]


def test_a_value_starting_with_an_at_sign_must_be_quoted():
    assert errors("- paragraph: @OCHA_Niger tweets daily.\n") == [
        "spec.yaml:16:20: a value starting with '@' must be quoted: \"@OCHA_Niger tweets daily.\" "
        "(YAML keeps '@' for itself)"
    ]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("refs.json", '[\n  {"id": "a", "type": "report"},\n]\n', "refs.json:3:1: not JSON: Expecting value"),
        (
            "refs.bib",
            "@report{a, title = {T}}\n",
            "spec.yaml:2:10: 'refs.bib' is BibTeX, not CSL-JSON: export the sources as CSL JSON "
            "(Zotero: Export… › CSL JSON; BibTeX: pandoc refs.bib -t csljson -o refs.json)",
        ),
        (
            "refs.yaml",
            "- id: a\n  type: report\n",
            "spec.yaml:2:10: 'refs.yaml' is YAML, not CSL-JSON: export the sources as CSL JSON "
            "(Zotero: Export… › CSL JSON; BibTeX: pandoc refs.bib -t csljson -o refs.json)",
        ),
        (
            "refs.json",
            json.dumps([{"id": "a", "type": "report"}, {"id": "b", "type": "book"}, {"id": "a", "type": "book"}]),
            "spec.yaml:2:10: 'refs.json' gives the source id 'a' twice: entries 1 and 3",
        ),
        (
            "refs.json",
            json.dumps([{"id": "a", "type": "report", "issued": {"date-parts": [["2026", "Oct"]]}}]),
            "spec.yaml:2:10: 'refs.json' is not CSL-JSON: entry 1 ('a'): 'issued' must be a date as "
            '{"date-parts": [[2026, 3, 1]]} or {"literal": …}, not {"date-parts": [["2026", "Oct"]]}',
        ),
    ],
)
def test_a_sources_file_is_told_apart_where_it_goes_wrong(tmp_path, name, text, message):
    (tmp_path / name).write_text(text, encoding="utf-8")
    assert errors("- paragraph: x\n", head=f"sources: {name}\n", base_dir=tmp_path) == [message]


@pytest.mark.parametrize(
    ("head", "body", "message"),
    [
        (
            "sources:\n  - {id: a, type: report, title: T, url: 'https://x.org'}\n",
            "- paragraph: x\n",
            "spec.yaml:3:37: unknown key 'url' in a source (did you mean 'URL'?)",
        ),
        (
            SOURCES + "citation_style: APA\n",
            "- paragraph: x\n",
            "spec.yaml:13:17: no citation style 'APA' (did you mean 'apa'?)",
        ),
        (
            SOURCES,
            "- paragraph: x\n  id: sec-x\n",
            "spec.yaml:17:9: unknown key 'id' in a block: an id is given to a section, a table, a chart, a picture "
            "or a callout, for cross-references to it",
        ),
        (
            "sources:\n  - {id: a, type: report, titel: T}\n",
            "- paragraph: x\n",
            "spec.yaml:3:27: unknown key 'titel' in a source (did you mean 'title'?)",
        ),
    ],
)
def test_a_mistaken_key_or_style_name_is_told_once_with_what_was_meant(head, body, message):
    assert errors(body, head=head) == [message]
