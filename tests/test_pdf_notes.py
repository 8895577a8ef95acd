"""PDF notes, citations and cross-references, from laid-out documents: read back with pdfplumber and pypdf.

Each note stands at the foot of the page its mark is on, under a short rule, within the text column;
a long note goes on at the foot of the next page; every internal link lands on the page of its target.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image as PILImage
from pypdf import PdfReader
from reportlab.lib.units import cm

from briefing.cli import main
from briefing.layout import Place, lay_out
from briefing.layout.tree import (
    Heading,
    InternalLink,
    Laid,
    LaidDocument,
    Note,
    NoteMark,
    SourceEntry,
    SourceList,
)
from briefing.model import Briefing, Callout, Image, Paragraph, Pos, Section, Table, plain
from briefing.reading.inline import parse_inline
from briefing.style import Style
from briefing.writers.pdf.writer import PdfWriter

from .conftest import squash
from .test_notes_layout import REFS

_TOKEN = re.compile(r"\{n(\d+)\}|\{>([\w-]+):([^}]*)\}")
_HERE = Pos("<test>", 1, 1)
_MARGIN = Style().margin_cm * cm
_BODY_SIZE = Style().font_size


def spans(text: str) -> tuple:
    """Inline text in which ``{n3}`` is note 3's mark and ``{>tbl-x:Table 1}`` a link to ``tbl-x``."""
    out = []
    for span in parse_inline(text):
        at = 0
        for found in _TOKEN.finditer(span.text):
            if found.start() > at:
                out.append(dataclasses.replace(span, text=span.text[at : found.start()]))
            if found.group(1):
                out.append(NoteMark(found.group(1), number=int(found.group(1))))
            else:
                out.append(InternalLink(found.group(3), target=found.group(2)))
            at = found.end()
        if at < len(span.text):
            out.append(dataclasses.replace(span, text=span.text[at:]))
    return tuple(out)


def noted(doc: Briefing, notes=None, anchors=None, credits=None, cells=None, sources=(), at_end=False) -> LaidDocument:
    """``doc`` laid out, then given what the layout gives for notes, citations and references: notes
    ({number: text}), anchors and credits (by heading text or table/figure/callout title), table cells
    (by title: [(row, column, text)]) and a sources list ([(key, text)]) ending the last section.
    Paragraphs' and headings' tokens become marks and links."""
    laid = lay_out(doc)
    anchors, credits, cells = anchors or {}, credits or {}, cells or {}

    def name(node: object) -> str | None:
        if isinstance(node, Heading):
            return plain(node.text)
        if isinstance(node, Image):
            return plain(node.caption)
        return getattr(node, "title", None)

    def fix(item: Laid) -> Laid:
        node, place, key = item.node, item.place, name(item.node)
        if key in anchors:
            place = dataclasses.replace(place, anchor=anchors[key])
        if key in credits:
            place = dataclasses.replace(place, credit=spans(credits[key]))
        if key in cells:
            place = dataclasses.replace(place, cells=tuple((r, c, spans(t)) for r, c, t in cells[key]))
        if isinstance(node, (Paragraph, Heading)) and "{" in plain(node.text):
            node = dataclasses.replace(node, text=spans(plain(node.text)))
        return Laid(node, place, tuple(fix(child) for child in item.children))

    body = [fix(item) for item in laid.body]
    if sources:
        entries = tuple(Laid(SourceEntry(spans(t), key=k), Place(anchor=f"ref-{k}")) for k, t in sources)
        last = body[-1]
        body[-1] = Laid(last.node, last.place, (*last.children, Laid(SourceList(_HERE), Place(), entries)))
    made = tuple(Note(n, spans(t), f"note-{n}", f"note-{n}-ref", _HERE) for n, t in sorted((notes or {}).items()))
    return dataclasses.replace(laid, body=tuple(body), notes=made, notes_at_end=at_end)


_FILL = "Access to the north stays constrained by insecurity and by the rains, which cut the supply roads for weeks. "


def _niger(picture: Path | None = None, **style: object) -> Briefing:
    """A briefing of a few pages: a mark every third paragraph, a table, a picture, a callout."""
    p = parse_inline
    paragraphs = []
    for n in range(1, 25):
        text = _FILL * 2
        if n % 3 == 0:
            text += f"Monitors reported{{n{n // 3}}} convoys held; see {{>tbl-funding:Table 1}}"
            text += " and {>sec-outlook:Outlook}."
        paragraphs.append(Paragraph(p(text)))
    table = Table(("Donor", "Amount"), (("ECHO", 12), ("USAID", 30)), title="Funding received")
    figure = (Image(picture, (400, 200), caption=p("Crossing points"), alt="Map", width_cm=6),) if picture else ()
    callout = Callout("judgement", "Key judgement", (Paragraph(p("Access will narrow (OCHA 2026).")),))
    return Briefing(
        "Humanitarian access in Niger",
        (
            Section(p("Situation"), tuple(paragraphs[:12])),
            Section(p("Funding"), (table, *figure, callout, *paragraphs[12:])),
            Section(p("Outlook"), (Paragraph(p("The outlook is grim{n9}; see {>ref-ocha2026:(OCHA 2026)}.")),)),
        ),
        classification="OFFICIAL-SENSITIVE",
        style=dataclasses.replace(Style(), **style),
    )


_NOTES = {n: f"Note {n}: OCHA situation report, p. {n}." + " More on the matter." * (n % 3) for n in range(1, 10)}
_NOTES[5] = "Note 5 begins here. " + "This note is long. " * 120 + "Note 5 ends here."
_ANCHORS = {
    "Outlook": "sec-outlook",
    "Funding received": "tbl-funding",
    "Crossing points": "fig-crossings",
    "Key judgement": "cal-judgement",
}
_SOURCES = [("ocha2026", "OCHA (2026) Niger: humanitarian access snapshot."), ("msf2025", "MSF (2025) Access report.")]


def _write(laid: LaidDocument, path: Path) -> Path:
    assert PdfWriter().write(laid, path) == []
    return path


@pytest.fixture(scope="module")
def drawing(tmp_path_factory) -> Path:
    """A 400 x 200 picture."""
    path = tmp_path_factory.mktemp("picture") / "picture.png"
    PILImage.new("RGB", (400, 200), "#336699").save(path)
    return path


@pytest.fixture(scope="module")
def footnoted(tmp_path_factory, drawing):
    """The footnoted briefing as a PDF, written once for the tests that read it."""
    laid = noted(
        _niger(drawing),
        notes={**_NOTES, 10: "Bilateral funding only."},
        anchors=_ANCHORS,
        credits={"Funding received": "Source: OCHA (2026)", "Crossing points": "Source: MSF field teams"},
        cells={"Funding received": [(0, 0, "ECHO{n10}")]},
        sources=_SOURCES,
    )
    return _write(laid, tmp_path_factory.mktemp("notes") / "notes.pdf")


def _feet(path: Path) -> list[dict]:
    """Each page's notes as a reader sees them: the marks in its text (digits linking to a note), the
    short rule, and the notes under it (their numbers, in the column before their text, and each line's text)."""
    pages = []
    links = _links(path)
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages):
            # The rule over the notes: short, flat, and under all of the page's text.
            length = min((page.width - 2 * _MARGIN) / 3, 5 * cm)  # a third of the column, 5 cm at most
            rules = [line for line in page.lines if abs(line["x1"] - line["x0"] - length) < 1 and line["height"] < 1]
            rule = max(line["top"] for line in rules) if rules else page.height
            marks = [(int(text), top) for on, text, _, top in links if on == number and text.isdigit() and top < rule]
            column = page.height - _MARGIN + 0.5  # the foot of the text column
            below = [c for c in page.chars if c["top"] > rule and c["bottom"] <= column and c["size"] < _BODY_SIZE]
            lines: dict[float, list[dict]] = {}
            for char in below:
                lines.setdefault(round(char["top"]), []).append(char)
            notes, texts = [], []
            for top in sorted(lines):
                chars = sorted(lines[top], key=lambda c: c["x0"])
                label = "".join(c["text"] for c in chars if c["x0"] < _MARGIN + 10).strip()
                text = "".join(c["text"] for c in chars if c["x0"] >= _MARGIN + 10)
                if label.isdigit():
                    notes.append(int(label))
                texts.append((label, text))
            pages.append(
                {
                    "marks": [mark for mark, _ in marks],
                    "mark_bottom": max((top for _, top in marks), default=0),
                    "rule": rule if rules else None,
                    "notes": notes,
                    "lines": texts,
                    "foot_chars": below,
                    "height": page.height,
                }
            )
    return pages


def test_each_note_stands_at_the_foot_of_its_marks_page_under_a_rule(footnoted):
    feet = _feet(footnoted)
    seen = []
    for page in feet:
        assert sorted(page["notes"]) == sorted(page["marks"]), page["lines"]
        if page["notes"]:
            assert page["rule"] is not None and page["mark_bottom"] < page["rule"]
        seen.extend(page["notes"])
    assert sorted(seen) == list(range(1, 11))  # every note once, the table cell's too
    text = {n: "" for n in seen}
    for page in feet:
        for label, line in page["lines"]:
            if label.isdigit():
                current = int(label)
            text[current] += line
    for number, wording in _NOTES.items():
        if number != 5:
            assert squash(text[number]) == squash(wording)
    assert squash(text[10]) == "Bilateral funding only."


def test_notes_are_set_smaller_within_the_text_column_and_none_in_the_furniture(footnoted):
    feet = _feet(footnoted)
    assert all(char["size"] < 9 for foot in feet for char in foot["foot_chars"])
    with pdfplumber.open(footnoted) as pdf:
        for page in pdf.pages:
            # Above and below the text column stand the marking and the page number, and nothing else.
            outside = [c for c in page.chars if c["top"] < _MARGIN - 0.5 or c["bottom"] > page.height - _MARGIN + 0.5]
            lines: dict[int, str] = {}
            for char in sorted(outside, key=lambda c: (round(c["top"]), c["x0"])):
                lines[round(char["top"])] = lines.get(round(char["top"]), "") + char["text"]
            for line in lines.values():
                assert line == "OFFICIAL-SENSITIVE" or re.fullmatch(r"Page \d+ of \d+", line), line


def test_a_long_note_starts_at_its_marks_page_and_goes_on_at_the_foot_of_the_next(footnoted):
    feet = _feet(footnoted)
    page = next(n for n, foot in enumerate(feet) if 5 in foot["notes"])
    here = squash(" ".join(line for _, line in feet[page]["lines"]))
    after = feet[page + 1]
    assert "Note 5 begins here." in here and "Note 5 ends here." not in here
    # On the next page the note's rest opens the notes, without a number, before that page's own.
    label, first = after["lines"][0]
    assert label == "" and "long." in first
    rest = squash(" ".join(line for _, line in after["lines"]))
    assert "Note 5 ends here." in rest
    assert rest.index("Note 5 ends here.") < rest.index("Note 6:")
    whole = (here[here.index("Note 5 begins") :] + " " + rest[: rest.index("Note 5 ends here.") + 17]).split()
    assert " ".join(whole).count("This note is long.") == 120


def _links(path: Path) -> list[tuple[int, str, int, float]]:
    """Every internal link: the page it is on, its text, the page it lands on, and its top (from the page's top)."""
    reader = PdfReader(str(path))
    found = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(reader.pages):
            height = float(page.mediabox.height)
            for annotation in page.get("/Annots", []):
                link = annotation.get_object()
                if "/Dest" not in link:
                    continue
                x0, y0, x1, y1 = (float(v) for v in link["/Rect"])
                box = (x0 - 0.5, height - y1 - 3, x1 + 0.5, height - y0 + 3)
                text = pdf.pages[number].within_bbox(box).extract_text().strip()
                lands = reader.get_page_number(link["/Dest"][0].get_object())
                found.append((number, text, lands, box[1]))
    return found


def test_every_internal_link_lands_on_the_page_of_its_target(footnoted):
    pages = [squash(page.extract_text()) for page in PdfReader(str(footnoted)).pages]
    links = _links(footnoted)
    targets = {
        "Table 1": "Table 1: Funding received",
        "Outlook": "Outlook The outlook is grim",
        "(OCHA 2026)": "OCHA (2026) Niger: humanitarian access snapshot.",
    }
    kinds = set()
    for page, text, lands, _ in links:
        if text.isdigit():  # a note's mark, or a note's number linking back to its mark
            number = int(text)
            wording = "Note 5 begins here." if number == 5 else squash(_NOTES.get(number, "Bilateral funding only."))
            back = wording in pages[page]
            assert (wording in pages[lands]) or back, (page, text, lands)
            kinds.add("note")
        else:
            assert targets[text] in pages[lands], (text, lands)
            kinds.add(text)
    assert kinds == {"note", *targets}
    # Each link of a mark lands on its own page; each note's number links back to the mark.
    marks = [(page, lands) for page, text, lands, _ in links if text.isdigit()]
    assert all(page == lands for page, lands in marks)


def test_links_land_on_a_figure_and_a_callout(tmp_path, drawing):
    laid = noted(
        _niger(drawing),
        notes=_NOTES,
        anchors=_ANCHORS,
        sources=_SOURCES,
    )
    laid = _with_paragraph(laid, "See {>fig-crossings:Figure 1} and {>cal-judgement:the key judgement}.")
    path = _write(laid, tmp_path / "figure.pdf")
    pages = [squash(page.extract_text()) for page in PdfReader(str(path)).pages]
    links = {text: lands for _, text, lands, _ in _links(path)}
    assert "Figure 1: Crossing points" in pages[links["Figure 1"]]
    assert "Access will narrow" in pages[links["the key judgement"]]


def _with_paragraph(laid: LaidDocument, text: str) -> LaidDocument:
    """``laid`` with a paragraph of ``text`` (its tokens made marks and links) opening the first section."""
    first = laid.body[0]
    paragraph = Laid(Paragraph(spans(text)), Place())
    heading, *rest = first.children
    return dataclasses.replace(laid, body=(Laid(first.node, first.place, (heading, paragraph, *rest)), *laid.body[1:]))


def test_credits_stand_under_their_table_and_picture_and_sources_in_order(footnoted):
    text = squash(" ".join(page.extract_text() for page in PdfReader(str(footnoted)).pages))
    assert text.index("Table 1: Funding received") < text.index("USAID 30") < text.index("Source: OCHA (2026)")
    assert text.index("Figure 1: Crossing points") < text.index("Source: MSF field teams")
    first, second = (squash(entry) for _, entry in _SOURCES)
    assert text.index("The outlook is grim") < text.index(first) < text.index(second)


def test_notes_at_the_end_stand_together_under_their_heading(tmp_path):
    laid = dataclasses.replace(noted(_niger(), notes=_NOTES, anchors=_ANCHORS, sources=_SOURCES, at_end=True))
    laid = dataclasses.replace(laid, notes_heading="Notes")
    path = _write(laid, tmp_path / "end.pdf")
    assert all(foot["rule"] is None for foot in _feet(path))
    reader = PdfReader(str(path))
    last = squash(" ".join(page.extract_text() for page in reader.pages))
    notes = last[last.rindex("Notes") :]
    positions = [notes.index(f"{n} Note {n}") for n in range(1, 10)]
    assert positions == sorted(positions)
    assert "Note 5 ends here." in notes
    assert reader.outline[-1].title == "Notes"
    # A mark lands on its note, at the end.
    for page, text, lands, _ in _links(path):
        if text.isdigit() and page < len(reader.pages) - 2:
            assert f"Note {text}:" in squash(reader.pages[lands].extract_text()) or text == "5"


def test_a_header_cell_note_and_a_document_with_contents(tmp_path):
    doc = _niger(toc=True)
    laid = noted(doc, notes={**_NOTES, 10: "Pledged, not paid."}, cells={"Funding received": [(-1, 1, "Amount{n10}")]})
    path = _write(laid, tmp_path / "toc.pdf")
    feet = _feet(path)
    on = [n for n, foot in enumerate(feet) if 10 in foot["notes"]]
    assert len(on) == 1 and 10 in feet[on[0]]["marks"]
    assert sum(len(foot["notes"]) for foot in feet) == 10  # built twice for the contents, each note set once
    contents = squash(PdfReader(str(path)).pages[0].extract_text())
    assert "Situation" in contents and "Situation1" not in contents


def test_without_notes_nothing_is_added(tmp_path):
    plain_pdf = _write(lay_out(_niger()), tmp_path / "plain.pdf")
    assert _links(plain_pdf) == []
    assert all(foot["rule"] is None for foot in _feet(plain_pdf))


def test_a_long_tables_noted_cell_far_down_has_its_note_on_its_page(tmp_path):
    rows = tuple((f"region {n}", n) for n in range(400))
    doc = Briefing("Annex", (Section(parse_inline("Annex"), (Table(("Region", "Incidents"), rows, title="All"),)),))
    laid = noted(doc, notes={1: "Estimated from partial returns."}, cells={"All": [(350, 1, "350{n1}")]})
    path = _write(laid, tmp_path / "long.pdf")
    feet = _feet(path)
    on = [n for n, foot in enumerate(feet) if foot["notes"]]
    assert len(on) == 1 and feet[on[0]]["marks"] == [1] == feet[on[0]]["notes"]
    assert "region 350 3501" in squash(PdfReader(str(path)).pages[on[0]].extract_text())


_SPEC = """\
title: Access
classification: OFFICIAL
sources: refs.json
{extra}
sections:
  - heading: Situation
    content:
{filler}
  - heading: Outlook
    id: sec-outlook
    content:
      - paragraph: >-
          Incidents rose [@ocha2026, p. 4]; see @tbl-incidents and @sec-outlook.^[See also @tbl-incidents.]
      - table:
          title: Incidents by region
          id: tbl-incidents
          credit: "[@ocha2026]"
          columns: [Region, "Incidents^[Reported to OCHA.]"]
          rows:
            - [Tillabéri, 41]
            - [Diffa, 12]
      - paragraph: "{long}"
"""


def _build(tmp_path: Path, extra: str = "") -> Path:
    filler = "".join(f'      - paragraph: "{_FILL * 3}^[Note on paragraph {n}.]"\n' for n in range(8))
    long = _FILL * 2 + "^[A long note begins. " + "It runs on. " * 900 + "The long note ends.]"
    # The layout's tests' sources, as Zotero writes them.
    (tmp_path / "refs.json").write_text(json.dumps(REFS), encoding="utf-8")
    (tmp_path / "spec.yaml").write_text(_SPEC.format(extra=extra, filler=filler, long=long), encoding="utf-8")
    assert main(["build", str(tmp_path / "spec.yaml"), "--format", "pdf", "--out", str(tmp_path / "out")]) == 0
    return tmp_path / "out" / "spec.pdf"


def test_a_built_briefing_sets_its_notes_at_the_foot_and_its_links_land(tmp_path):
    path = _build(tmp_path)
    feet = _feet(path)
    for foot in feet:
        assert sorted(foot["notes"]) == sorted(foot["marks"])
    assert sorted(n for foot in feet for n in foot["notes"]) == list(range(1, 12))
    pages = [squash(page.extract_text()) for page in PdfReader(str(path)).pages]
    text = " ".join(pages)
    assert "Source: OCHA (2026)" in text and text.index("Diffa 12") < text.index("Source: OCHA (2026)")
    landed = {words: lands for _, words, lands, _ in _links(path) if not words.isdigit()}
    assert "Table 1: Incidents by region" in pages[landed["Table 1"]]
    assert "Outlook Incidents rose" in pages[landed["Outlook"]]
    assert "OCHA. (2026). Niger: humanitarian access snapshot" in pages[landed["(OCHA, 2026, p. 4)"]]
    # The long note, longer than a page, starts under its mark and goes on at the foot of the pages after.
    lines = [" ".join(line for _, line in foot["lines"]) for foot in feet]
    starts = next(n for n, foot in enumerate(lines) if "A long note begins." in foot)
    ends = next(n for n, foot in enumerate(lines) if "The long note ends." in foot)
    assert 11 in feet[starts]["marks"] and ends > starts
    assert squash(" ".join(lines[starts : ends + 1])).count("It runs on.") == 900


def test_a_built_briefing_with_endnotes_lists_them_at_the_end(tmp_path):
    path = _build(tmp_path, "note_style: endnotes")
    assert all(foot["rule"] is None for foot in _feet(path))
    text = squash(" ".join(page.extract_text() for page in PdfReader(str(path)).pages))
    notes = text[text.rindex("Notes 1 ") :]
    assert (
        notes.index("1 Note on paragraph 0.") < notes.index("9 See also Table 1.") < notes.index("The long note ends.")
    )


def test_a_note_cited_twice_is_one_note_at_the_foot_of_its_first_marks_page(tmp_path):
    p = parse_inline
    paragraphs = [Paragraph(p(_FILL * 4)) for _ in range(14)]
    paragraphs[0] = Paragraph(p("Convoys were held{n1}."))
    paragraphs[-1] = Paragraph(p("As before, convoys were held{n1}."))
    laid = noted(Briefing("Access", (Section(p("Situation"), tuple(paragraphs)),)), notes={1: "Per OCHA."})
    path = _write(laid, tmp_path / "twice.pdf")
    feet = _feet(path)
    assert len(feet) > 1 and [foot["notes"] for foot in feet] == [[1]] + [[]] * (len(feet) - 1)
    marks = [(page, lands) for page, text, lands, _ in _links(path) if text == "1"]
    assert sorted(page for page, _ in marks) == [0, 0, len(feet) - 1]  # the two marks and the note's own number
    assert all(lands == 0 for _, lands in marks)


_LISTED = """\
title: Access
summary:
  - lead: Access is narrowing
    text: "{fill}^[Note in the summary's first item.]"
sections:
  - heading: Situation
    content:
{filler}
      - bullets:
          - "{fill}^[Note in a bullet.]"
          - lead: Roads
            text: "{fill}^[Note in a bullet with a lead.]"
{filler}
      - numbered:
          - "{fill}^[Note in a numbered item.]"
      - callout:
          kind: key-judgement
          content:
            - bullets:
                - "{fill}^[Note in a callout's list.]"
{filler}
"""


def test_notes_in_list_items_stand_at_the_foot_of_their_marks_page(tmp_path):
    filler = "".join(f'      - paragraph: "{_FILL * 3}"\n' for _ in range(5))
    (tmp_path / "spec.yaml").write_text(_LISTED.format(fill=_FILL, filler=filler), encoding="utf-8")
    assert main(["build", str(tmp_path / "spec.yaml"), "--format", "pdf", "--out", str(tmp_path / "out")]) == 0
    feet = _feet(tmp_path / "out" / "spec.pdf")
    assert len(feet) >= 2  # the lists stand on different pages
    for foot in feet:
        assert sorted(foot["notes"]) == sorted(foot["marks"]), foot["lines"]
    assert sorted(n for foot in feet for n in foot["notes"]) == [1, 2, 3, 4, 5]


def test_right_to_left_marks_link_to_their_notes_at_the_foot_of_their_page(tmp_path):
    p = parse_inline
    filler = "الوصول إلى الشمال مقيد بسبب انعدام الأمن والأمطار. " * 12
    paragraphs = [Paragraph(p(filler + (f"تأخرت القوافل{{n{n // 4 + 1}}}." if n % 4 == 3 else ""))) for n in range(16)]
    doc = Briefing("تقرير", (Section(p("الوضع"), tuple(paragraphs)),), direction="rtl", language="ar")
    laid = noted(doc, notes={n: f"OCHA report {n}." for n in range(1, 5)})  # read back whole by any text tool
    path = _write(laid, tmp_path / "rtl.pdf")
    pages = [page.extract_text() for page in PdfReader(str(path)).pages]
    marks = [(page, int(text), lands) for page, text, lands, _ in _links(path) if text.isdigit()]
    assert sorted(number for _, number, _ in marks) == [1, 2, 3, 4] and len(pages) > 1
    for page, number, lands in marks:
        assert lands == page and f"OCHA report {number}." in pages[page]


def test_a_figures_credit_is_centred_as_its_caption_and_a_tables_starts_at_the_margin(tmp_path):
    spec = Path(__file__).resolve().parent.parent / "specs" / "niger-access.yaml"
    assert main(["build", str(spec), "--format", "pdf", "--out", str(tmp_path)]) == 0
    with pdfplumber.open(tmp_path / "niger-access.pdf") as pdf:
        lines = [line for page in pdf.pages for line in page.extract_text_lines() if line["text"].startswith("Source:")]
        middle = pdf.pages[0].width / 2
    by_text = {squash(line["text"]): line for line in lines}
    figure = by_text["Source: ACLED (2026)"]
    table = by_text["Source: OCHA (2026, p. 5)"]
    assert abs((figure["x0"] + figure["x1"]) / 2 - middle) < 3  # centred under the chart, as Word and HTML set it
    assert abs(table["x0"] - _MARGIN) < 3  # under a table, at the start of the line
