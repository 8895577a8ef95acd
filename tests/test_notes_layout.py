"""The layout of notes, citations and cross-references: numbered and worded once, for every format."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from briefing import loads
from briefing.layout import Heading, InternalLink, Laid, LaidDocument, NoteMark, SourceEntry, SourceList, lay_out
from briefing.model import Paragraph, Section, Span, Table, plain

REFS = [
    {
        "id": "ocha2026",
        "type": "report",
        "title": "Niger: humanitarian access snapshot",
        "publisher": "OCHA",
        "author": [{"literal": "OCHA"}],
        "issued": {"date-parts": [["2026", "3", "1"]]},
        "accessed": {"date-parts": [[2026, 11, 20]]},
        "URL": "https://example.org/ocha-niger",
    },
    {
        "id": "smith2025",
        "type": "article-journal",
        "title": "Access negotiations in the central Sahel",
        "container-title": "Journal of Humanitarian Affairs",
        "volume": "7",
        "issue": "2",
        "page": "45-60",
        "author": [{"family": "Smith", "given": "Jane"}, {"family": "Diallo", "given": "Amadou"}],
        "issued": {"date-parts": [[2025]]},
    },
    {
        "id": "acled2026",
        "type": "dataset",
        "title": "Conflict events in Niger",
        "author": [{"literal": "ACLED"}],
        "issued": {"date-parts": [[2026, 10]]},
    },
]

BODY = """\
title: Access
summary: "Access fell in 2026.^[All regions counted.]"
sources: refs.json
{extra}
sections:
  - heading: Outlook
    id: sec-outlook
    content:
      - paragraph: >-
          Incidents rose [@ocha2026, p. 4], as @smith2025 foresaw;
          see @tbl-incidents and @sec-outlook.^[See also @fig-trend.]
      - chart:
          {{type: bar, title: Trend, x: m, y: n, columns: [m, n], rows: [[Jan, 1]],
           id: fig-trend, credit: "[@acled2026]"}}
      - table:
          title: Incidents by region
          id: tbl-incidents
          credit: "OCHA field offices"
          columns: [Region, "Incidents^[Reported to OCHA.]"]
          rows:
            - [Tillabéri, "41^[Estimate [@acled2026; @ocha2026].]"]
            - [Diffa, 12]
      - callout:
          content:
            - paragraph: "Convoys wait.^[Per @ocha2026.]"
"""


def laid(tmp_path: Path, extra: str = "", refs: list[dict[str, object]] | None = None) -> LaidDocument:
    (tmp_path / "refs.json").write_text(json.dumps(refs or REFS, indent="\t"), encoding="utf-8")
    return lay_out(loads(BODY.format(extra=extra), "spec.yaml", tmp_path))


def rose(doc: LaidDocument) -> Paragraph:
    """The paragraph that cites and cross-refers."""
    return next(n.node for n in walk(doc.body) if isinstance(n.node, Paragraph) and "rose" in plain(n.node.text))


def walk(nodes: tuple[Laid, ...]):
    for node in nodes:
        yield node
        yield from walk(node.children)


def words(text) -> list[tuple[str, str]]:
    return [(type(s).__name__, s.text) for s in text]


def test_notes_are_numbered_through_the_document_in_reading_order(tmp_path):
    doc = laid(tmp_path)
    assert [(n.number, plain(n.text)) for n in doc.notes] == [
        (1, "All regions counted."),
        (2, "See also Figure 1."),
        (3, "Reported to OCHA."),
        (4, "Estimate (ACLED, 2026; OCHA, 2026)."),
        (5, "Per OCHA (2026)."),
    ]
    assert [(n.anchor, n.back) for n in doc.notes][:2] == [("note-1", "note-1-ref"), ("note-2", "note-2-ref")]
    marks = [s for node in walk(doc.body) for s in getattr(node.node, "text", ()) if isinstance(s, NoteMark)]
    table = next(node for node in walk(doc.body) if isinstance(node.node, Table))
    in_cells = [s for _, _, text in table.place.cells for s in text if isinstance(s, NoteMark)]
    assert [m.number for m in marks] == [1, 2, 5] and [m.number for m in in_cells] == [3, 4]
    assert all(m.text == str(m.number) for m in marks + in_cells)
    assert not doc.notes_at_end and doc.notes_heading == "Notes"


def test_cross_references_are_worded_and_link_to_their_targets(tmp_path):
    doc = laid(tmp_path)
    para = rose(doc)
    links = [(s.text, s.target) for s in para.text if isinstance(s, InternalLink)]
    assert links == [
        ("(OCHA, 2026, p. 4)", "ref-ocha2026"),
        ("Smith and Diallo (2025)", "ref-smith2025"),
        ("Table 1", "tbl-incidents"),
        ("Outlook", "sec-outlook"),
    ]
    anchors = {node.place.anchor: node.node for node in walk(doc.body) if node.place.anchor}
    assert isinstance(anchors["sec-outlook"], Heading) and isinstance(anchors["tbl-incidents"], Table)
    assert {"fig-trend", "ref-ocha2026", "ref-smith2025", "ref-acled2026"} <= anchors.keys()


def test_credit_lines_and_table_cells(tmp_path):
    doc = laid(tmp_path)
    places = {type(node.node).__name__: node.place for node in walk(doc.body) if node.place.credit}
    assert plain(places["Chart"].credit) == "Source: ACLED (2026)"
    assert plain(places["Table"].credit) == "Source: OCHA field offices"
    cells = places["Table"].cells
    assert [(row, col, plain(text)) for row, col, text in cells] == [(-1, 1, "Incidents3"), (0, 1, "414")]


def test_the_sources_list_ends_the_briefing_in_the_styles_order(tmp_path):
    doc = laid(tmp_path)
    last = doc.body[-1]
    assert isinstance(last.node, Section)
    heading, sources = last.children
    assert heading.node.text == (Span("Sources"),) and isinstance(sources.node, SourceList)
    entries = [child.node for child in sources.children]
    assert all(isinstance(e, SourceEntry) for e in entries)
    assert [e.key for e in entries] == ["acled2026", "ocha2026", "smith2025"]  # APA: by author
    assert [child.place.anchor for child in sources.children] == ["ref-acled2026", "ref-ocha2026", "ref-smith2025"]
    assert plain(entries[2].text) == (
        "Smith, J., & Diallo, A. (2025). Access negotiations in the central Sahel. "
        "Journal of Humanitarian Affairs, 7(2), 45–60."
    )
    assert [s.text for s in entries[2].text if s.italic] == ["Journal of Humanitarian Affairs", "7"]
    url = [s for s in entries[1].text if s.href]
    assert [(s.text, s.href) for s in url] == [("https://example.org/ocha-niger",) * 2]


def test_a_sources_block_places_the_list_and_no_section_is_added(tmp_path):
    extra = ""
    (tmp_path / "refs.json").write_text(json.dumps(REFS), encoding="utf-8")
    spec = BODY.format(extra=extra) + "  - heading: References\n    content:\n      - sources: true\n"
    doc = lay_out(loads(spec, "spec.yaml", tmp_path))
    last = doc.body[-1]
    assert plain(last.children[0].node.text) == "References"
    assert isinstance(last.children[1].node, SourceList) and len(last.children[1].children) == 3
    assert sum(isinstance(n.node, SourceList) for n in walk(doc.body)) == 1


def test_endnotes_and_the_words_of_the_labels(tmp_path):
    extra = "note_style: endnotes\nlabels: {table: Tableau, sources: Sources citées, notes: Notes, source: Source}"
    doc = laid(tmp_path, extra)
    assert doc.notes_at_end
    assert plain(doc.body[-1].children[0].node.text) == "Sources citées"
    assert plain(doc.notes[1].text) == "See also Figure 1."
    para = rose(doc)
    assert "Tableau 1" in [s.text for s in para.text]


def test_two_citation_styles_give_the_texts_each_prescribes(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "c").mkdir()
    apa = laid(tmp_path / "a")
    chicago = laid(tmp_path / "c", "citation_style: chicago-author-date")

    def cited(doc):
        para = rose(doc)
        return [s.text for s in para.text if isinstance(s, InternalLink) and s.target.startswith("ref-")]

    assert cited(apa) == ["(OCHA, 2026, p. 4)", "Smith and Diallo (2025)"]
    assert cited(chicago) == ["(OCHA 2026, 4)", "Smith and Diallo (2025)"]
    entry = {e.node.key: plain(e.node.text) for e in walk(chicago.body) if isinstance(e.node, SourceEntry)}
    assert entry["ocha2026"] == (
        "OCHA. 2026. Niger: Humanitarian Access Snapshot. OCHA. https://example.org/ocha-niger."
    )
    apa_entry = {e.node.key: plain(e.node.text) for e in walk(apa.body) if isinstance(e.node, SourceEntry)}
    assert (
        apa_entry["ocha2026"]
        == "OCHA. (2026). Niger: humanitarian access snapshot. OCHA. https://example.org/ocha-niger"
    )


def test_a_numeric_style_numbers_works_in_the_order_first_cited(tmp_path):
    doc = laid(tmp_path, "citation_style: ieee")
    para = rose(doc)
    assert [s.text for s in para.text if isinstance(s, InternalLink)][:2] == ["[1, p. 4]", "Smith and Diallo [2]"]
    keys = [e.node.key for e in walk(doc.body) if isinstance(e.node, SourceEntry)]
    assert keys == ["ocha2026", "smith2025", "acled2026"]


def test_a_briefing_without_apparatus_is_laid_out_as_before():
    doc = lay_out(loads(textwrap.dedent("title: T\nsections:\n  - heading: H\n    content: [paragraph: Text @name]\n")))
    assert doc.notes == () and not any(isinstance(n.node, SourceList) for n in walk(doc.body))
    para = doc.body[0].children[1].node
    assert plain(para.text) == "Text @name"


def test_works_of_the_same_authors_and_year_are_told_apart_by_a_letter(tmp_path):
    refs = [
        {
            "id": "snap",
            "type": "report",
            "title": "Snapshot",
            "author": [{"literal": "OCHA"}],
            "issued": {"date-parts": [[2026]]},
        },
        {
            "id": "plan",
            "type": "report",
            "title": "Response plan",
            "author": [{"literal": "OCHA"}],
            "issued": {"date-parts": [[2026]]},
        },
    ]
    (tmp_path / "refs.json").write_text(json.dumps(refs), encoding="utf-8")
    body = '[paragraph: "[@snap, p. 2] and @plan."]'
    spec = f"title: T\nsources: refs.json\nsections:\n  - heading: H\n    content: {body}\n"
    doc = lay_out(loads(spec, "spec.yaml", tmp_path))
    para = doc.body[0].children[1].node
    assert [(s.text, s.target) for s in para.text if isinstance(s, InternalLink)] == [
        ("(OCHA, 2026b, p. 2)", "ref-snap"),
        ("OCHA (2026a)", "ref-plan"),
    ]
    entries = [plain(n.node.text) for n in walk(doc.body) if isinstance(n.node, SourceEntry)]
    assert entries == ["OCHA. (2026a). Response plan.", "OCHA. (2026b). Snapshot."]


def test_a_citation_in_a_note_is_worded_in_the_note_when_the_style_cites_in_notes(tmp_path):
    doc = laid(tmp_path, "citation_style: chicago-notes-bibliography")
    assert not [n.number for n in doc.notes if any(isinstance(s, NoteMark) for s in n.text)]  # no note in a note
    assert [plain(n.text) for n in doc.notes if plain(n.text).startswith(("Estimate", "Per"))] == [
        "Estimate ACLED, “Conflict Events in Niger”; OCHA, Niger: Humanitarian Access Snapshot.",
        "Per OCHA, Niger: Humanitarian Access Snapshot.",
    ]
    assert [n.number for n in doc.notes] == list(range(1, len(doc.notes) + 1))
    per = next(n for n in doc.notes if plain(n.text).startswith("Per"))
    assert [s.target for s in per.text if isinstance(s, InternalLink)] == ["ref-ocha2026"]


def test_a_note_in_a_table_or_chart_title_is_a_note_of_its_caption_before_those_of_its_cells(tmp_path):
    (tmp_path / "refs.json").write_text(json.dumps(REFS), encoding="utf-8")
    body = """\
      - table: {title: "By region^[As drawn in 2011.]", columns: ["n^[Reported.]"], rows: [[1]]}
      - chart: {type: bar, title: "Monthly^[ACLED data.]", caption: Events., x: m, y: n,
          columns: [m, n], rows: [[Jan, 1]]}
      - chart: {type: bar, title: "Weekly [@acled2026]", x: m, y: n, columns: [m, n], rows: [[Jan, 1]]}
"""
    spec = f"title: T\nsources: refs.json\nsections:\n  - heading: H\n    content:\n{body}"
    doc = lay_out(loads(spec, "spec.yaml", tmp_path))
    captions = [n.place.caption for n in walk(doc.body) if n.place.caption]
    assert [str(c) for c in captions] == [
        "Table 1: By region1",
        "Figure 1: Monthly.3 Events.",
        "Figure 2: Weekly (ACLED, 2026)",
    ]
    assert [plain(n.text) for n in doc.notes] == ["As drawn in 2011.", "Reported.", "ACLED data."]
    assert [s.number for s in captions[1].text if isinstance(s, NoteMark)] == [3]
    assert [(s.text, s.target) for s in captions[2].text if isinstance(s, InternalLink)] == [
        ("(ACLED, 2026)", "ref-acled2026")
    ]


def test_a_citations_prefix_locator_and_suffix_are_worded_as_pandoc_words_them(tmp_path):
    (tmp_path / "refs.json").write_text(json.dumps(REFS), encoding="utf-8")
    texts = ["[see @smith2025; @ocha2026]", "[@ocha2026, pp. 33, 35-37, and elsewhere]", "[@ocha2026, for the data]"]
    body = "".join(f"      - paragraph: {json.dumps(text)}\n" for text in texts)
    doc = lay_out(
        loads(f"title: T\nsources: refs.json\nsections:\n  - heading: H\n    content:\n{body}", "s.yaml", tmp_path)
    )
    assert [plain(n.node.text) for n in walk(doc.body) if type(n.node) is Paragraph] == [
        "(OCHA, 2026; see Smith & Diallo, 2025)",
        "(OCHA, 2026, pp. 33, 35–37, and elsewhere)",
        "(OCHA, 2026, for the data)",
    ]


def test_a_citation_in_a_credits_words_stays_in_brackets_and_one_alone_reads_in_a_sentence(tmp_path):
    (tmp_path / "refs.json").write_text(json.dumps(REFS), encoding="utf-8")
    chart = "{type: bar, title: T, x: m, y: n, columns: [m, n], rows: [[Jan, 1]], credit: %s}"
    credits = ['"OCHA monitoring, with ACLED [@acled2026]"', '"[@acled2026; @ocha2026, p. 2]"']
    body = "".join(f"      - chart: {chart % credit}\n" for credit in credits)
    doc = lay_out(
        loads(f"title: T\nsources: refs.json\nsections:\n  - heading: H\n    content:\n{body}", "s.yaml", tmp_path)
    )
    assert [plain(n.place.credit) for n in walk(doc.body) if n.place.credit] == [
        "Source: OCHA monitoring, with ACLED (ACLED, 2026)",
        "Source: ACLED (2026); OCHA (2026, p. 2)",
    ]


def test_chicago_notes_marks_follow_the_punctuation_short_notes_and_credits_name_the_authors_once(tmp_path):
    (tmp_path / "refs.json").write_text(json.dumps(REFS), encoding="utf-8")
    body = (
        '      - paragraph: "Rose [@ocha2026, p. 4]. Foreseen [@smith2025], and again [@smith2025, p. 46]."\n'
        "      - chart: {type: bar, title: T, x: m, y: n, columns: [m, n], rows: [[Jan, 1]], credit: '[@acled2026]'}\n"
    )
    head = "title: T\nsources: refs.json\ncitation_style: chicago-notes-bibliography\n"
    spec = f"{head}sections:\n  - heading: H\n    content:\n{body}"
    doc = lay_out(loads(spec, "s.yaml", tmp_path))
    para = next(n.node for n in walk(doc.body) if type(n.node) is Paragraph)
    assert plain(para.text) == "Rose.1 Foreseen,2 and again.3"
    assert [plain(n.text) for n in doc.notes][2] == "Smith and Diallo, “Access Negotiations in the Central Sahel”, 46."
    (credit,) = [plain(n.place.credit) for n in walk(doc.body) if n.place.credit]
    assert credit == "Source: ACLED, “Conflict Events in Niger”, October 2026."
