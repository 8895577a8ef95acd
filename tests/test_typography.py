"""Quotes, apostrophes, dashes and ellipses typed straight in a spec, set as the briefing's language prints
them (``typography: smart``, the default) or kept as typed (``straight``): from YAML to the model, the
exact message for a wrong value, and the same characters read back from every format."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from briefing import SpecError, loads
from briefing.build import build
from briefing.lint import lint
from briefing.model import Briefing, Callout, Chart, Citation, CrossRef, ListBlock, Note, Paragraph, Table, plain

from .conftest import docx_text, html_text, require_tool, xlsx_text

NBSP = "\u00a0"
"""The no-break space French sets inside its guillemets."""

TEXT = """The junta's "new partners" -- in 2021--2024 --- stayed..."""


def spec(text: str = TEXT, head: str = "") -> str:
    return f'{head}title: T\nsections:\n  - heading: H\n    content:\n      - paragraph: "{_yaml(text)}"\n'


def _yaml(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def paragraph(doc: Briefing) -> str:
    block = doc.sections[0].content[0]
    assert isinstance(block, Paragraph)
    return plain(block.text)


# -- reading ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "The junta’s “new partners” – in 2021–2024 — stayed…"),
        ("en-GB", "The junta’s “new partners” – in 2021–2024 — stayed…"),
        ("fr-ML", f"The junta’s «{NBSP}new partners{NBSP}» – in 2021–2024 — stayed…"),
        ("fr-CH", "The junta’s «new partners» – in 2021–2024 — stayed…"),
        ("de", "The junta’s „new partners“ – in 2021–2024 — stayed…"),
        ("ar", "The junta’s ”new partners“ – in 2021–2024 — stayed…"),
        ("he", "The junta’s ”new partners” – in 2021–2024 — stayed…"),
    ],
)
def test_quotes_and_dashes_are_set_as_the_briefings_language_prints_them(language, expected):
    """The quotation marks are CLDR's for the language (Arabic's and Hebrew's too); French sets its
    guillemets apart with a narrow no-break space, except in Switzerland."""
    assert paragraph(loads(spec(head=f"language: {language}\n"))) == expected


def test_inner_quotes_and_apostrophes_follow_the_language():
    text = """Le ministre a dit : "l'État tient 'ses' engagements"."""
    assert paragraph(loads(spec(text, "language: fr\n"))) == (
        f"Le ministre a dit : «{NBSP}l’État tient «{NBSP}ses{NBSP}» engagements{NBSP}»."
    )
    assert paragraph(loads(spec(text, "language: de\n"))) == "Le ministre a dit : „l’État tient ‚ses‘ engagements“."


def test_typography_straight_keeps_every_character_as_typed():
    doc = loads(spec(head="language: fr\ntypography: straight\n"))
    assert paragraph(doc) == TEXT
    assert doc.typography == "straight"
    assert loads(spec()).typography == "smart"


def test_code_spans_web_addresses_and_variables_are_left_as_typed():
    text = "Run `briefing build --set x='a'` (see https://example.org/a--b...) for {{ '\"' }}'s sake."
    doc = loads(spec(text.replace("{{ '\"' }}", "{{ q }}"), 'vars: {q: "O\'Brien"}\n'))
    assert paragraph(doc) == "Run `briefing build --set x='a'` (see https://example.org/a--b…) for O’Brien’s sake."


def test_citation_keys_and_cross_reference_ids_are_untouched_and_their_words_set():
    text = "As @ocha-2026's report says [see @un-2025, pp. 3--4] and @tbl-funding's rows show."
    head = (
        "sources:\n  - {id: ocha-2026, type: report, title: R, publisher: OCHA, issued: 2026}\n"
        "  - {id: un-2025, type: report, title: U, publisher: UN, issued: 2025}\n"
    )
    body = spec(text, head) + "      - table: {id: tbl-funding, title: F, columns: [a], rows: [[1]]}\n"
    spans = loads(body).sections[0].content[0].text
    citations = [s for s in spans if isinstance(s, Citation)]
    assert [c.key for s in citations for c in s.cites] == ["ocha-2026", "un-2025"]
    assert citations[1].cites[0].locator == "pp. 3–4"
    assert citations[1].cites[0].prefix == "see"
    (crossref,) = (s for s in spans if isinstance(s, CrossRef))
    assert crossref.target == "tbl-funding"
    words = [s.text for s in spans if type(s) not in (Citation, CrossRef)]
    assert words == ["As ", "’s report says ", " and ", "’s rows show."]


def test_every_text_of_the_spec_follows_but_values_read_from_data_files_stay_as_they_are(tmp_path):
    (tmp_path / "d.csv").write_text("place,note\nCôte d'Ivoire,\"the 'north'\"\n", encoding="utf-8")
    text = """
title: The junta's "year"
subtitle: 2021--2024
language: en
summary: [The desk's view...]
sections:
  - heading: Mali's "shift"
    content:
      - bullets: ["Russia's role", {lead: "Wagner's", text: "men -- more"}]
      - table:
          title: Bamako's "partners"
          columns: [{from: name, as: "Partner's name"}, n]
          rows: [["Africa Corps' men", 1]]
      - table: {title: "From the file's rows", source: d.csv}
      - callout: {title: "The desk's view", content: [paragraph: "A 'note'^[A \\"note\\" -- here.]"]}
      - chart: {type: bar, title: "Mali's chart", x_title: "Month's end", x: m, y: n, columns: [m, n],
                rows: [[Jan, 1]], caption: "The month's \\"total\\""}
"""
    spec_file = tmp_path / "s.yaml"
    spec_file.write_text(text, encoding="utf-8")
    doc = loads(text, str(spec_file), tmp_path)
    assert (doc.title, doc.subtitle) == ("The junta’s “year”", "2021–2024")
    assert plain(doc.summary[0].items[0].text) == "The desk’s view…"
    section = doc.sections[0]
    assert plain(section.heading) == "Mali’s “shift”"
    bullets, written, read, callout, chart = section.content
    assert isinstance(bullets, ListBlock) and isinstance(written, Table) and isinstance(read, Table)
    assert [plain(i.text) for i in bullets.items] == ["Russia’s role", "men – more"]
    assert plain(bullets.items[1].lead or ()) == "Wagner’s"
    assert (written.title, written.columns, list(written.rows)) == (
        "Bamako’s “partners”",
        ("Partner’s name", "n"),
        [("Africa Corps’ men", 1)],
    )
    assert read.title == "From the file’s rows"
    assert (read.columns, list(read.rows)) == (("place", "note"), [("Côte d'Ivoire", "the 'north'")])
    assert isinstance(callout, Callout) and callout.title == "The desk’s view"
    note = callout.content[0].text[-1]
    assert isinstance(note, Note) and plain(note.content) == "A “note” – here."
    assert plain(callout.content[0].text[:-1]) == "A ‘note’"
    assert (chart.title, chart.x_title, plain(chart.caption)) == ("Mali’s chart", "Month’s end", "The month’s “total”")


def test_a_wrong_typography_is_told_with_its_position_and_the_word_meant(tmp_path):
    spec_file = tmp_path / "s.yaml"
    spec_file.write_text(spec(head="typography: smrat\n"), encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        loads(spec_file.read_text(), str(spec_file), tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        f"{spec_file}:1:13: expected one of smart, straight, got 'smrat' (did you mean 'smart'?)"
    ]


# -- the prose check ---------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "fr", "de", "he"])
def test_the_prose_check_finds_no_unbalanced_quotes_in_the_marks_it_set(language):
    doc = loads(spec('He said "yes" -- twice.', f"language: {language}\n"), "s.yaml")
    assert [f.rule for f in lint(doc)] == []


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_prose_check_points_at_a_word_the_typographer_changed_as_it_was_typed(tmp_path, language):
    """The finding points at the word in the spec, where it stands with its straight quotes and hyphens
    (misspellings are English words, looked for in English briefings)."""
    spec_file = tmp_path / "s.yaml"
    spec_file.write_text(
        spec('Aid -- "the junta\'s,now" -- was recieved.', f"language: {language}\n"), encoding="utf-8"
    )
    doc = loads(spec_file.read_text(encoding="utf-8"), str(spec_file))
    found = [(f.rule, str(f.pos).removeprefix(f"{spec_file}:")) for f in lint(doc)]
    line = spec_file.read_text(encoding="utf-8").splitlines()[5]
    misspelt = [("misspelling", f"6:{line.index('rec') + 1}")] if language == "en" else []
    assert found == [("missing-space", f"6:{line.index('junta') + 1}"), *misspelt]


# -- every format ----------------------------------------------------------------

SENTENCE = f"The junta’s «{NBSP}new partners{NBSP}» – in 2021–2024 — stayed…"


@pytest.fixture(scope="module")
def pack(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("typography")
    spec_file = folder / "typo.yaml"
    body = spec(head="language: fr\n") + f'      - table: {{columns: [a], rows: [["{_yaml(TEXT)}"]]}}\n'
    spec_file.write_text(body, encoding="utf-8")
    built = build(spec_file, out=folder / "out")
    return {path.suffix[1:]: path for path in built.paths}


def test_every_format_shows_the_same_typographic_characters(pack):
    """Word, the PDF (as pdftotext reads it), the HTML page and the workbook all hold the French marks,
    the apostrophe, the dashes and the ellipsis, in the paragraph and in the table's cell, and no straight
    quote or double hyphen is left. The PDF's font draws the no-break space with its space's glyph, which
    its text layer reads back as a space; the line does not break there."""
    require_tool("pdftotext")
    pdf = subprocess.run(["pdftotext", str(pack["pdf"]), "-"], capture_output=True, text=True, check=True).stdout
    texts = {"docx": docx_text(pack["docx"]), "html": html_text(pack["html"]), "xlsx": xlsx_text(pack["xlsx"])}
    for name, text in {**texts, "pdf": pdf}.items():
        sentence = SENTENCE.replace(NBSP, " ") if name == "pdf" else SENTENCE
        assert [line.strip() for line in text.splitlines()].count(sentence) == 2, name
        assert [mark for mark in ("'", '"', "--", "...") if mark in text] == [], name


# -- apostrophes at the start of a word ---------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Depuis les années ’90, l’“opération” continue."),
        ("fr", f"Depuis les années ’90, l’«{NBSP}opération{NBSP}» continue."),
        ("de", "Depuis les années ’90, l’„opération“ continue."),
    ],
)
def test_an_apostrophe_before_digits_never_opens_a_quote(language, expected):
    """``'90`` is an elided year, as pandoc reads it: it opens no quote, so the apostrophe of ``l'`` later
    in the sentence closes none, and the guillemets go around the quoted word only."""
    text = """Depuis les années '90, l'"opération" continue."""
    assert paragraph(loads(spec(text, f"language: {language}\n"))) == expected


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "'Tis the season, 'twas said in the '20s.", "’Tis the season, ’twas said in the ’20s."),
        ("fr", "'Tis the 'bon' season.", f"’Tis the «{NBSP}bon{NBSP}» season."),
        ("de", "'Tis the 'gute' Zeit, 'twas.", "’Tis the ‚gute‘ Zeit, ’twas."),
        ("en", "rock 'n' roll", "rock ‘n’ roll"),
        ("en", "He said 'yes' in '98 and 'no' later.", "He said ‘yes’ in ’98 and ‘no’ later."),
        ("de", "Er sagte 'ja' und 'nein'.", "Er sagte ‚ja‘ und ‚nein‘."),
        ("en", "The code '42' was read.", "The code ‘42’ was read."),
    ],
)
def test_elisions_are_apostrophes_and_ordinary_single_quotes_still_pair(language, text, expected):
    """``'Tis``, ``'twas`` and ``'20s`` are apostrophes (pandoc's reading); ``rock 'n' roll`` is a quoted
    letter, as pandoc gives it; a number quoted whole (``'42'``) is a quotation."""
    assert paragraph(loads(spec(text, f"language: {language}\n"))) == expected


def test_an_apostrophe_before_digits_in_a_note_and_after_emphasis():
    text = """*Dans* '90, ^[Note: '90, l'"État".] l'"armée"."""
    doc = loads(spec(text, "language: fr\n"))
    block = doc.sections[0].content[0]
    assert isinstance(block, Paragraph)
    words = "".join(span.text for span in block.text if not isinstance(span, Note))
    assert words == f"Dans ’90,  l’«{NBSP}armée{NBSP}»."
    (note,) = [span for span in block.text if isinstance(span, Note)]
    assert plain(note.content) == f"Note: ’90, l’«{NBSP}État{NBSP}»."


def test_a_charts_rows_and_the_labels_written_in_the_spec_are_set_like_a_tables(tmp_path):
    """Category texts and series names written in ``rows:``/``columns:`` are set as a table's written values
    are; ``labels:`` are words the reader sees, set too; a chart's rows read from a data file stay as they are."""
    (tmp_path / "d.csv").write_text("Pays,n\nCôte d'Ivoire,3\n", encoding="utf-8")
    text = (
        'title: T\nlanguage: fr\nlabels: {notes: "Notes de l\'éditeur"}\nsections:\n  - heading: H\n    content:\n'
        '      - chart: {type: pie, title: P, x: k, y: "l\'n", columns: [k, "l\'n"],'
        ' rows: [["l\'\\"armée\\"", 3], ["C\'est \'ça\'", 5]]}\n'
        "      - chart: {type: bar, title: Q, x: Pays, y: n, source: d.csv}\n"
    )
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    doc = loads(text, str(tmp_path / "s.yaml"), tmp_path)
    written, read = doc.sections[0].content
    assert isinstance(written, Chart) and isinstance(read, Chart)
    assert written.categories == (f"l’«{NBSP}armée{NBSP}»", f"C’est «{NBSP}ça{NBSP}»")
    assert [s.name for s in written.series] == ["l’n"]
    assert read.categories == ("Côte d'Ivoire",)
    assert doc.labels.notes == "Notes de l’éditeur"


# -- the colon after a label the pack adds --------------------------------------------


@pytest.mark.parametrize(
    ("language", "table", "credit"),
    [
        ("fr", f"Tableau 1{NBSP}: Aides", f"Sources{NBSP}: OCHA"),
        ("fr-CH", f"Tableau 1{NBSP}: Aides", f"Sources{NBSP}: OCHA"),
        ("en", "Tableau 1: Aides", "Sources: OCHA"),
        ("de", "Tableau 1: Aides", "Sources: OCHA"),
    ],
)
def test_french_sets_a_no_break_space_before_the_colon_of_captions_and_credits(language, table, credit, tmp_path):
    """``Tableau 1 : …`` and ``Source : …`` in French, decided once in the layout, so Word, the PDF and the
    HTML page read the same; other languages keep ``Table 1: …``."""
    require_tool("pdftotext")
    spec_file = tmp_path / "c.yaml"
    spec_file.write_text(
        f"title: T\nlanguage: {language}\nlabels: {{table: Tableau, source: Sources}}\nsections:\n"
        "  - heading: H\n    content:\n"
        "      - table: {title: Aides, credit: OCHA, columns: [a], rows: [[x]]}\n",
        encoding="utf-8",
    )
    built = {path.suffix[1:]: path for path in build(spec_file, out=tmp_path / "out").paths}
    pdf = subprocess.run(["pdftotext", str(built["pdf"]), "-"], capture_output=True, text=True, check=True).stdout
    texts = {"docx": docx_text(built["docx"]), "html": html_text(built["html"])}
    for name, text in {**texts, "pdf": pdf}.items():
        lines = [line.strip() for line in text.splitlines()]
        seen = [line.replace(NBSP, " ") for line in lines] if name == "pdf" else lines
        for expected in (table, credit):
            assert (expected.replace(NBSP, " ") if name == "pdf" else expected) in seen, (name, expected)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", f"Il a dit «{NBSP}déjà{NBSP}» et «{NBSP}*non*{NBSP}»."),
        ("fr-CH", "Il a dit « déjà » et « *non* »."),
        ("en", "Il a dit « déjà » et « *non* »."),
    ],
)
def test_guillemets_typed_with_spaces_get_no_break_spaces_in_french(language, expected):
    """``« déjà »`` typed with ordinary spaces: French holds the guillemets to their words as the
    typographer's own are held, so no line starts with ``»``; Swiss French and other languages keep them."""
    text = "Il a dit « déjà » et « *non* »."
    spans = loads(spec(text, f"language: {language}\n")).sections[0].content[0].text
    shown = "".join(f"*{s.text}*" if s.italic else s.text for s in spans)
    assert shown == expected
    title = loads(spec(head=f"language: {language}\n").replace("title: T", "title: « T »")).title
    assert title == ("«\u00a0T\u00a0»" if language == "fr" else "« T »")


@pytest.mark.parametrize(("language", "lead"), [("fr", f"Sécurité{NBSP}: "), ("en", "Sécurité: ")])
def test_a_list_items_lead_takes_the_languages_colon(language, lead, tmp_path):
    spec_file = tmp_path / "l.yaml"
    spec_file.write_text(
        f"title: T\nlanguage: {language}\nsections:\n  - heading: H\n    content:\n"
        "      - bullets: [{lead: Sécurité, text: tendue.}]\n",
        encoding="utf-8",
    )
    (html,) = build(spec_file, ["html"], out=tmp_path / "out").paths
    assert f"{lead}tendue." in html_text(html)
