"""Portion markings and cleared variants: marks in every format, banners, variants' own numbering, and no
withheld word in any byte a lower variant's readers receive (files, mail bodies, headers), sent or not."""

from __future__ import annotations

import dataclasses
import email
import email.message
import hashlib
import io
import json
import textwrap
import zipfile
from email import policy
from pathlib import Path

import pytest
from PIL import Image as PILImage
from pypdf import PdfReader

from briefing import SpecError, loads
from briefing.cli import main
from briefing.layout import lay_out
from briefing.markings.leaks import leaks, texts_of
from briefing.markings.variant import clearance_of, cleared

from .conftest import docx_text, html_text, pdf_text, xlsx_text

MARKERS = {
    "heading": "qxheadingword",
    "paragraph": "qxparagraphword",
    "item": "qxitemword",
    "cell": "qxcellword",
    "column": "qxcolumnword",
    "caption": "qxcaptionword",
    "chart title": "qxcharttitle",
    "chart category": "qxcategoryword",
    "chart series": "qxseriesword",
    "image alt": "qxaltword",
    "image caption": "qximagecaption",
    "link text": "qxlinkword",
    "link target": "qxhrefword",
    "variable": "qxvariableword",
    "callout": "qxcalloutword",
    "note": "qxnoteword",
    "cited source": "qxsourceword",
    "eyes only": "qxeyesonlyword",
}
"""A unique word in every place a SECRET portion's text can be."""

SPEC = """\
title: Sahel Weekly
date: 2026-11-24
classification: SECRET
vars: {operation: Qxvariableword}
sources:
  - id: open2026
    type: report
    title: Open access snapshot
    author: OCHA
    issued: 2026
  - id: agent2026
    type: report
    title: Field report Qxsourceword
    author: Desk
    issued: 2026
summary:
  - Open judgement on the Sahel.
  - text: Secret judgement Qxitemword.
    classification: SECRET
sections:
  - heading: Situation
    content:
      - paragraph: Attacks around Ménaka continue [@open2026].
      - paragraph: "Sourced reporting ([Qxlinkword](https://example.org/qxhrefword)) on {{ operation }}."
        classification: SECRET
      - paragraph: "Sourced detail Qxparagraphword^[Qxnoteword detail.] [@agent2026], unlike @tbl-open."
        classification: S
      - table:
          title: Holdings Qxcaptionword
          columns: [Site, Qxcolumnword]
          rows: [[Qxcellword, 3]]
        classification: SECRET
      - table:
          id: tbl-open
          title: Displacement
          columns: [Region, People]
          rows: [[Gao, 1200]]
      - bullets:
          - Training continues.
          - text: Qxitemword source.
            classification: SECRET
      - paragraph: Eyes only detail Qxeyesonlyword.
        classification: OFFICIAL-SENSITIVE
        caveats: UK EYES ONLY
  - heading: Partners
    classification: OFFICIAL-SENSITIVE
    content:
      - paragraph: Embassy reporting on partners.
  - heading: Operation Qxheadingword
    classification: SECRET
    content:
      - chart:
          type: bar
          title: Flights Qxcharttitle
          x: Route
          y: Qxseriesword
          columns: [Route, Qxseriesword]
          rows: [[Qxcategoryword, 3], [Bamako, 4]]
      - image:
          path: picture.png
          caption: Imagery Qximagecaption
          alt: Airfield Qxaltword
      - callout:
          kind: key-judgement
          content:
            - paragraph: Judgement Qxcalloutword.
"""

LISTS = """\
distribution:
  - name: office
    to: office@example.org
    clearance: SECRET
    caveats: UK EYES ONLY
    formats: [pdf, docx, xlsx, html]
  - name: embassies
    to: embassies@example.org
    clearance: OFFICIAL-SENSITIVE
    formats: [pdf, docx, xlsx, html]
  - name: partners
    to: partners@example.org
    formats: [pdf, html]
"""


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    PILImage.new("RGB", (400, 200), "#336699").save(tmp_path / "picture.png")
    path = tmp_path / "weekly.yaml"
    path.write_text(SPEC + LISTS, encoding="utf-8")
    return path


def _every_byte(path: Path) -> bytes:
    """A file's bytes as a reader's tools reach them: every part of a zip unpacked; a PDF's text, outline,
    metadata and annotations; every part of a mail decoded (and its attachments read the same way)."""
    data = path.read_bytes()
    return _reached(path.name, data)


def _reached(name: str, data: bytes) -> bytes:
    if name.endswith((".docx", ".xlsx")):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return b"\n".join(info.filename.encode() + b"\n" + archive.read(info) for info in archive.infolist())
    if name.endswith(".pdf"):
        reader = PdfReader(io.BytesIO(data))
        found = [page.extract_text() for page in reader.pages]
        found += [str(v) for v in (reader.metadata or {}).values()]
        found += [str(getattr(item, "title", item)) for item in _flat(reader.outline)]
        for page in reader.pages:
            for annotation in page.get("/Annots") or ():
                found.append(repr(annotation.get_object()))
        return "\n".join(found).encode()
    if name.endswith(".eml"):
        message = email.message_from_bytes(data, policy=policy.default)
        found = [data, *(f"{k}: {v}".encode() for k, v in message.items())]
        for part in message.walk():
            if not part.is_multipart():
                payload = part.get_payload(decode=True) or b""
                found.append(_reached(part.get_filename() or "body", payload))
        return b"\n".join(found)
    return data


def _flat(items):
    for item in items:
        if isinstance(item, list):
            yield from _flat(item)
        else:
            yield item


def _hits(blob: bytes, markers) -> list[str]:
    low = blob.lower()
    return [m for m in markers if m.encode() in low]


# Marks and banners


def test_portion_marks_stand_before_paragraphs_headings_items_and_captions_in_every_format(spec, tmp_path):
    out = tmp_path / "out"
    assert main(["build", str(spec), "--out", str(out)]) == 0
    for text in (
        pdf_text(out / "weekly.pdf"),
        docx_text(out / "weekly.docx"),
        html_text(out / "weekly.html"),
        xlsx_text(out / "weekly.xlsx"),
    ):
        flat = " ".join(text.split())
        for shown in (
            "(O) Situation",
            "(O) Attacks around Ménaka continue",
            "(S) Sourced detail Qxparagraphword",
            "(OS UKEO) Eyes only detail",
            "(OS) Partners",
            "(O) Training continues.",
            "(S) Qxitemword source.",
            "(S) Table 1: Holdings Qxcaptionword",
            "(O) Table 2: Displacement",
            "(S) Figure 1: Flights Qxcharttitle",
        ):
            assert shown in flat
    for text in (pdf_text(out / "weekly.pdf"), html_text(out / "weekly.html")):
        flat = " ".join(text.split())
        assert "(S) Qxnoteword detail." in flat  # a note is part of the portion citing it
        assert "(S) Desk. (2026). Field report Qxsourceword" in flat  # a work cited only by SECRET text
        assert "(O) OCHA. (2026). Open access snapshot" in flat


def test_the_banner_is_the_highest_level_and_the_caveats_present_in_each_variant(spec, tmp_path):
    doc = loads(spec.read_text(), str(spec), spec.parent)
    assert doc.classification == "SECRET UK EYES ONLY"
    banners = {}
    for level, caveats in (("SECRET", ["UK EYES ONLY"]), ("SECRET", []), ("OS", ["UKEO"]), ("OS", []), ("O", [])):
        variant = cleared(doc, clearance_of(doc, level, caveats))
        banners[(level, *caveats)] = variant.doc.classification
    assert banners == {
        ("SECRET", "UK EYES ONLY"): "SECRET UK EYES ONLY",
        ("SECRET",): "SECRET",
        ("OS", "UKEO"): "OFFICIAL-SENSITIVE UK EYES ONLY",
        ("OS",): "OFFICIAL-SENSITIVE",
        ("O",): "OFFICIAL",
    }


def test_a_variant_carries_its_banner_on_every_page_sheet_property_and_its_manifest(spec, tmp_path):
    out = tmp_path / "out"
    assert main(["build", str(spec), "--out", str(out), "--clearance", "OFFICIAL-SENSITIVE"]) == 0
    stem = out / "weekly.official-sensitive.pack"  # with_suffix replaces ".pack"
    pdf = PdfReader(str(stem.with_suffix(".pdf")))
    assert all("OFFICIAL-SENSITIVE" in page.extract_text() for page in pdf.pages)
    assert pdf.metadata["/Keywords"] == "OFFICIAL-SENSITIVE"
    with zipfile.ZipFile(stem.with_suffix(".docx")) as docx:
        assert b"<cp:category>OFFICIAL-SENSITIVE</cp:category>" in docx.read("docProps/core.xml")
    with zipfile.ZipFile(stem.with_suffix(".xlsx")) as xlsx:
        sheets = [n for n in xlsx.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and all(b"OFFICIAL-SENSITIVE" in xlsx.read(n) for n in sheets)
    assert "OFFICIAL-SENSITIVE" in html_text(stem.with_suffix(".html"))
    manifest = json.loads(stem.with_suffix(".manifest.json").read_text())
    assert manifest["variant"] == {
        "clearance": "OFFICIAL-SENSITIVE",
        "caveats": [],
        "banner": "OFFICIAL-SENSITIVE",
        "withheld": 7,
    }
    assert not _hits(stem.with_suffix(".manifest.json").read_bytes(), MARKERS.values())


def test_a_variant_numbers_its_own_tables_and_figures(spec):
    doc = loads(spec.read_text(), str(spec), spec.parent)
    laid = lay_out(cleared(doc, clearance_of(doc, "OS")).doc)
    captions = [str(place.caption) for _, place in laid.flow if place.caption]
    assert captions == ["(O) Table 1: Displacement"]
    full = [str(place.caption) for _, place in lay_out(doc).flow if place.caption]
    assert full == [
        "(S) Table 1: Holdings Qxcaptionword",
        "(O) Table 2: Displacement",
        "(S) Figure 1: Flights Qxcharttitle",
        "(S) Figure 2: Imagery Qximagecaption",
    ]


# No trace of what is withheld


def test_no_word_of_a_secret_portion_is_in_any_byte_of_the_sensitive_variant(spec, tmp_path):
    out = tmp_path / "out"
    assert main(["build", str(spec), "--out", str(out), "--clearance", "OS"]) == 0
    files = sorted(out.glob("weekly.official-sensitive.*"))
    assert {f.suffix for f in files} == {".docx", ".pdf", ".xlsx", ".html", ".json"}
    for path in files:
        assert _hits(_every_byte(path), MARKERS.values()) == [], path.name
    # The full pack holds every one of them: the words are where the test looks.
    assert main(["build", str(spec), "--out", str(out)]) == 0
    for suffix in (".docx", ".xlsx", ".html"):
        assert len(_hits(_every_byte(out / f"weekly{suffix}"), MARKERS.values())) >= 10, suffix


def test_each_list_gets_its_variant_in_the_dry_run_with_positions_not_text(spec, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["send", str(spec), "--out", str(out), "--dry-run", "--html"]) == 0
    shown = capsys.readouterr().out
    assert "variant: OFFICIAL-SENSITIVE (banner OFFICIAL-SENSITIVE), 7 portions withheld" in shown
    assert "variant: OFFICIAL (banner OFFICIAL), 8 portions withheld" in shown
    assert f"withheld: {spec}:24:9" in shown
    assert not _hits(shown.encode(), MARKERS.values())
    office = _every_byte(out / "weekly.secret-uk-eyes-only.office.eml")
    assert set(_hits(office, MARKERS.values())) >= set(MARKERS.values()) - {"qxvariableword", "qxhrefword"}
    for name in ("weekly.official-sensitive.embassies.eml", "weekly.official.partners.eml"):
        eml = _every_byte(out / name)
        assert _hits(eml, MARKERS.values()) == [], name
    subjects = {
        name: email.message_from_bytes((out / name).read_bytes(), policy=policy.default)["Subject"]
        for name in ("weekly.official-sensitive.embassies.eml", "weekly.official.partners.eml")
    }
    assert subjects["weekly.official.partners.eml"].startswith("[OFFICIAL] ")
    assert subjects["weekly.official-sensitive.embassies.eml"].startswith("[OFFICIAL-SENSITIVE] ")


# Refused with positions


def _errors(text: str) -> list[str]:
    with pytest.raises(SpecError) as caught:
        loads(textwrap.dedent(text), "spec.yaml")
    return [str(p) for p in caught.value.problems]


def test_a_portion_above_the_ceiling_is_refused_at_its_place():
    assert _errors("""\
        title: T
        classification: OFFICIAL-SENSITIVE
        sections:
          - heading: H
            content:
              - paragraph: Too high.
                classification: SECRET
        """) == [
        "spec.yaml:7:25: this paragraph is marked SECRET, above the briefing's classification "
        "OFFICIAL-SENSITIVE (line 2), its ceiling: raise the classification or mark this paragraph lower"
    ]


def test_a_block_marked_below_what_it_holds_is_refused_and_unknown_words_get_a_hint():
    assert _errors("""\
        title: T
        sections:
          - heading: H
            classification: OS
            content:
              - bullets:
                  - text: Too high.
                    classification: TS
              - paragraph: Typo.
                classification: SECRETT
                caveats: UK EYES ONLYY
        """) == [
        "spec.yaml:8:29: this list item is marked TOP SECRET, above the OFFICIAL-SENSITIVE of the section "
        "(line 4) that holds it: mark the section at least TOP SECRET, or this list item lower",
        "spec.yaml:10:25: 'SECRETT' is not a level of the uk marking scheme (did you mean 'SECRET'?)",
    ]


def test_a_paragraph_that_refers_to_something_above_its_level_is_refused():
    assert _errors("""\
        title: T
        sections:
          - heading: H
            content:
              - paragraph: See @tbl-secret.
              - table: {id: tbl-secret, columns: [a], rows: [[1]]}
                classification: SECRET
        """) == [
        "spec.yaml:5:9: this paragraph, marked OFFICIAL, refers to 'tbl-secret' (line 6), marked SECRET: "
        "its readers may not read what it points at; mark this paragraph at least as high, or refer to something else"
    ]


def test_a_reference_in_a_note_is_judged_like_one_in_the_text_that_holds_the_note():
    eyes_only = "marked SECRET UK EYES ONLY: its readers may not read what it points at; mark this"
    assert _errors("""\
        title: T
        classification: SECRET
        summary:
          - text: Summary item.^[See @tbl-secret.]
        sections:
          - heading: Open^[see @tbl-secret]
            content:
              - paragraph: Open text.^[See @tbl-secret, and @tbl-secret again.]
              - table:
                  columns: ["Col^[see @tbl-secret]", B]
                  rows: [["cell^[see @tbl-secret]", 1]]
                  credit: "Desk.^[see @tbl-secret]"
              - table:
                  id: tbl-secret
                  columns: [A]
                  rows: [[x]]
                classification: SECRET
                caveats: UK EYES ONLY
        """) == [
        f"spec.yaml:4:5: this list item, marked OFFICIAL, refers to 'tbl-secret' (line 14), {eyes_only} list item "
        "at least as high, or refer to something else",
        f"spec.yaml:6:5: this section, marked OFFICIAL, refers to 'tbl-secret' (line 14), {eyes_only} section "
        "at least as high, or refer to something else",
        f"spec.yaml:8:9: this paragraph, marked OFFICIAL, refers to 'tbl-secret' (line 14), {eyes_only} paragraph "
        "at least as high, or refer to something else",
        f"spec.yaml:10:11: this table, marked OFFICIAL, refers to 'tbl-secret' (line 14), {eyes_only} table "
        "at least as high, or refer to something else",
    ]


CALLOUT_EMPTIED = """\
    title: T
    classification: SECRET
    sections:
      - heading: Open heading
        content:
          - paragraph: Open paragraph refers to @box-handling.
            classification: {level}
          - callout:
              id: box-handling
              title: Source handling
              content:
                - paragraph: Qxboxword secret paragraph inside an unmarked box.
                  classification: SECRET
    """


def test_a_reference_to_a_callout_a_variant_empties_is_refused_and_never_printed_raw():
    assert _errors(CALLOUT_EMPTIED.format(level="OFFICIAL")) == [
        "spec.yaml:6:9: this paragraph, marked OFFICIAL, refers to 'box-handling' (line 8), a callout of which "
        "they may read nothing (what it holds is marked higher): its readers may not read what it points at; "
        "mark this paragraph at least as high, or refer to something else"
    ]
    # A briefing made in code, past the reading's checks: the variant refuses rather than print the id.
    doc = loads(textwrap.dedent(CALLOUT_EMPTIED.format(level="SECRET")), "spec.yaml")
    section = doc.sections[0]
    opened = dataclasses.replace(
        section.content[0], marking=dataclasses.replace(section.content[0].marking, level="OFFICIAL")
    )
    doc = dataclasses.replace(doc, sections=(dataclasses.replace(section, content=(opened, *section.content[1:])),))
    with pytest.raises(SpecError) as caught:
        cleared(doc, clearance_of(doc, "OFFICIAL"))
    assert [str(p) for p in caught.value.problems] == [
        "spec.yaml:6:9: this paragraph refers to 'box-handling', which the OFFICIAL variant leaves out"
    ]


def test_a_custom_scheme_is_a_few_lines_of_yaml_and_the_us_scheme_ships():
    doc = loads(
        textwrap.dedent("""\
        title: T
        style:
          marking:
            scheme:
              name: desk
              levels: [{name: PUBLIC, portion: P}, {name: DESK ONLY, portion: D}]
              caveats: [{name: NO PARTNERS, portion: NP}]
              separator: " / "
        sections:
          - heading: H
            content:
              - paragraph: Inside.
                classification: D
                caveats: NP
        """),
        "spec.yaml",
    )
    assert doc.classification == "DESK ONLY / NO PARTNERS"
    laid = lay_out(doc)
    assert [p.node.text[0].text for p in laid.body[0].children[1:]] == ["(D / NP) "]
    us = loads(
        "title: T\nstyle: {marking: {scheme: us}}\nsections:\n  - heading: H\n    classification: S\n    caveats: NF\n",
        "s.yaml",
    )
    assert us.classification == "SECRET//NOFORN"
    assert lay_out(us).body[0].children[0].node.text[0].text == "(S//NF) "
    assert _errors("""\
        title: T
        style: {marking: {scheme: {levels: [{name: A, portion: A}, {name: A, portion: B}]}}}
        sections: [{heading: H, classification: A}]
        """) == ["spec.yaml:2:60: 'A' names two levels of the scheme"]


def test_a_spec_without_portion_marks_keeps_its_classification_and_shows_no_marks():
    doc = loads("title: T\nclassification: SECRET\nsections:\n  - heading: H\n    content: [{paragraph: P}]\n")
    assert doc.classification == "SECRET"
    assert lay_out(doc).body[0].children[0].node.text[0].text == "H"


# Sending: each inbox its variant; a leak stops everything


class Inbox:
    def __init__(self) -> None:
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.received.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted"


def _send(spec: Path, out: Path, port: int) -> int:
    options = [
        "--smtp-host",
        "127.0.0.1",
        "--smtp-port",
        str(port),
        "--smtp-security",
        "none",
        "--from",
        "desk@example.org",
    ]
    return main(["send", str(spec), "--out", str(out), "--html", *options])


def test_send_to_three_lists_each_inbox_holds_only_its_variant(spec, tmp_path, server):
    inbox = Inbox()
    port = server(inbox, auth_require_tls=False)
    assert _send(spec, tmp_path / "out", port) == 0
    by_list = {rcpt[0].split("@")[0]: data for rcpt, data in inbox.received}
    assert set(by_list) == {"office", "embassies", "partners"}
    office = _reached("office.eml", by_list["office"])
    assert "qxparagraphword" in office.decode("utf-8", "replace").lower()
    assert "qxeyesonlyword" in office.decode("utf-8", "replace").lower()
    embassies = _reached("embassies.eml", by_list["embassies"])
    assert _hits(embassies, MARKERS.values()) == []
    assert b"Embassy reporting on partners" in embassies
    partners = _reached("partners.eml", by_list["partners"])
    assert _hits(partners, MARKERS.values()) == []
    assert b"Embassy reporting" not in partners and b"Attacks around" in partners


def test_the_read_back_check_decodes_every_part_of_a_mail():
    message = email.message.EmailMessage()
    message["Subject"] = "Weekly"
    message.set_content("Plain body.")
    message.add_alternative("<p>Quoted =C3=A9 Qxheadingword</p>", subtype="html", cte="quoted-printable")
    message.add_attachment(b"<p>Qxcellword</p>", maintype="text", subtype="html", filename="page.html")
    found = leaks([("mail.eml", message.as_bytes())], frozenset({"qxheadingword", "qxcellword", "weekly"}))
    assert found == {"mail.eml": 3}


def test_a_word_planted_in_a_built_file_stops_the_send(spec, tmp_path, server, monkeypatch, capsys):
    from briefing.commands import sharing

    built = sharing.current_pack

    def planted(doc, stem, out, needed):
        files = built(doc, stem, out, needed)
        if stem.endswith(".official"):
            page = files["html"]
            page.write_text(page.read_text().replace("</body>", "<p>Qxcategoryword</p></body>"))
        return files

    monkeypatch.setattr(sharing, "current_pack", planted)
    inbox = Inbox()
    port = server(inbox, auth_require_tls=False)
    assert _send(spec, tmp_path / "out", port) == 1
    assert inbox.received == []
    assert "partners: not sent: weekly.official.html holds 1 word" in capsys.readouterr().err


def test_the_read_back_check_reads_every_part_of_every_format(spec, tmp_path):
    out = tmp_path / "out"
    assert main(["build", str(spec), "--out", str(out)]) == 0
    words = frozenset(MARKERS.values())
    for suffix in (".pdf", ".docx", ".xlsx", ".html"):
        path = out / f"weekly{suffix}"
        found = leaks([(path.name, path.read_bytes())], words)
        assert found.get(path.name, 0) >= 8, suffix
    assert "qxaltword" in " ".join(texts_of("weekly.docx", (out / "weekly.docx").read_bytes())).lower()


def test_one_file_built_for_a_clearance_is_the_variant(spec, tmp_path):
    path = tmp_path / "brief.html"
    assert main(["build", str(spec), "-o", str(path), "--clearance", "OS"]) == 0
    assert _hits(path.read_bytes(), MARKERS.values()) == []
    assert "OFFICIAL-SENSITIVE" in html_text(path)


def test_the_weekly_example_sends_three_audiences_three_variants(tmp_path, capsys):
    from .conftest import SPECS

    spec = SPECS / "sahel-weekly-marked.yaml"
    assert main(["send", str(spec), "--out", str(tmp_path), "--dry-run"]) == 0
    shown = capsys.readouterr().out
    assert "variant: SECRET (banner SECRET), 0 portions withheld" in shown
    assert "variant: OFFICIAL-SENSITIVE (banner OFFICIAL-SENSITIVE), 1 portion withheld" in shown
    assert "variant: OFFICIAL (banner OFFICIAL), 3 portions withheld" in shown
    partners = pdf_text(tmp_path / "sahel-weekly-marked.official.pdf")
    assert "(O) Handling and contacts" in partners and "Regional response" not in partners and "Sévaré" not in partners
    embassies = pdf_text(tmp_path / "sahel-weekly-marked.official-sensitive.pdf")
    assert "(OS) Regional response" in embassies and "Sévaré" not in embassies


def test_a_variant_names_no_data_file_that_only_withheld_tables_were_read_from(tmp_path):
    (tmp_path / "qxsecretrows.csv").write_text("Site,Count\nA,1\n")
    (tmp_path / "open.csv").write_text("Region,People\nGao,1200\n")
    spec = tmp_path / "data.yaml"
    spec.write_text(
        "title: T\nsections:\n  - heading: H\n    content:\n"
        "      - table: {title: Open, source: open.csv}\n"
        "      - table: {title: Held, source: qxsecretrows.csv}\n        classification: SECRET\n"
    )
    out = tmp_path / "out"
    assert main(["build", str(spec), "--out", str(out), "--clearance", "OFFICIAL", "-f", "pdf"]) == 0
    manifest = (out / "data.official.manifest.json").read_text()
    assert "open.csv" in manifest and "qxsecretrows" not in manifest


def test_a_list_clearance_the_scheme_does_not_know_is_refused_before_anything_is_built(spec, tmp_path, capsys):
    spec.write_text(spec.read_text().replace("clearance: OFFICIAL-SENSITIVE", "clearance: OFFICIAL-SENSITVE"))
    assert main(["validate", str(spec)]) == 2
    assert (
        f"{spec}:73:5: 'OFFICIAL-SENSITVE' is not a level of the uk marking scheme (did you mean 'OFFICIAL-SENSITIVE'?)"
        in capsys.readouterr().err
    )
    assert main(["send", str(spec), "--out", str(tmp_path / "out"), "--dry-run"]) == 2
    assert not (tmp_path / "out").exists()


def test_a_list_without_a_clearance_is_refused_a_pack_that_is_secret_throughout(tmp_path, capsys):
    spec = tmp_path / "whole.yaml"
    spec.write_text(
        textwrap.dedent("""\
            title: T
            classification: SECRET
            sections:
              - heading: Open
                content:
                  - paragraph: Qxwholeword whole pack secret, no portion marked.
            distribution:
              - name: ministers
                to: [private.office@example.org]
                clearance: SECRET
              - name: partners
                to: [partners@example.org]
                formats: [pdf]
            """),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    for chosen in ([], ["--list", "partners"]):
        assert main(["send", str(spec), "--dry-run", "--out", str(out), *chosen]) == 2
        assert capsys.readouterr().err.strip() == (
            f"{spec}:11:5: the list 'partners' states no clearance, so it may receive only OFFICIAL text, and the "
            "whole briefing is SECRET: give the list a 'clearance:', or mark the portions it may read"
        )
        assert not out.exists()
    assert main(["send", str(spec), "--dry-run", "--out", str(out), "--list", "ministers"]) == 0


PLANTED = "qxparagraphword"
"""A word only the withheld SECRET paragraph holds."""


def _plant_html(mode: str, data: bytes) -> bytes:
    zwsp, shy = "qxpara\u200bgraphword", "qxpara\u00adgraphword"
    planted = {
        "comment": f"<!-- {PLANTED} -->",
        "script": f"<script>var z = '{PLANTED}';</script>",
        "style": f"<style>p::after {{content: '{PLANTED}'}}</style>",
        "data attribute": f"<p data-note='{PLANTED}'>x</p>",
        "image source": f"<img src='https://example.org/{PLANTED}' alt='x'>",
        "zero-width space": f"<p>{zwsp}</p>",
        "soft hyphen": f"<p>{shy}</p>",
        "entity": "<p>qxparagraph&#119;ord</p>",
    }[mode]
    return data.replace(b"</body>", planted.encode() + b"</body>", 1)


def _rezipped(data: bytes, member: str, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info)
            target.writestr(info, change(part) if info.filename == member else part)
    return out.getvalue()


def _plant_docx(mode: str, data: bytes) -> bytes:
    if mode == "link target":
        link = (
            f'<Relationship Id="rIdZ9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            f'hyperlink" Target="https://example.org/{PLANTED}" TargetMode="External"/></Relationships>'
        )
        return _rezipped(data, "word/_rels/document.xml.rels", lambda x: x.replace(b"</Relationships>", link.encode()))
    body = {
        "field instruction": f'<w:p><w:fldSimple w:instr="HYPERLINK &quot;https://example.org/{PLANTED}&quot;">'
        "<w:r><w:t>link</w:t></w:r></w:fldSimple></w:p>",
        "two runs": "<w:p><w:r><w:t>Sourced qxpara</w:t></w:r><w:r><w:t>graphword detail</w:t></w:r></w:p>",
    }[mode]
    return _rezipped(data, "word/document.xml", lambda x: x.replace(b"</w:body>", body.encode() + b"</w:body>"))


def _plant_xlsx(mode: str, data: bytes) -> bytes:
    rule = (
        f'<dataValidations count="1"><dataValidation type="list" showInputMessage="1" prompt="{PLANTED}" '
        'sqref="A1"><formula1>"a,b"</formula1></dataValidation></dataValidations></worksheet>'
    )
    return _rezipped(data, "xl/worksheets/sheet1.xml", lambda x: x.replace(b"</worksheet>", rule.encode()))


def _plant_pdf(mode: str, data: bytes) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    if mode == "metadata":
        stream = DecodedStreamObject()
        stream.set_data(f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:title>{PLANTED}</dc:title></x:xmpmeta>'.encode())
        stream[NameObject("/Type")] = NameObject("/Metadata")
        writer.root_object[NameObject("/Metadata")] = writer._add_object(stream.flate_encode())
    else:
        writer.add_named_destination(PLANTED, 0)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("suffix", "mode"),
    [
        *(
            (".html", mode)
            for mode in (
                "comment",
                "script",
                "style",
                "data attribute",
                "image source",
                "zero-width space",
                "soft hyphen",
                "entity",
            )
        ),
        (".docx", "link target"),
        (".docx", "field instruction"),
        (".docx", "two runs"),
        (".xlsx", "data validation prompt"),
        (".pdf", "metadata"),
        (".pdf", "named destination"),
    ],
)
def test_the_read_back_check_finds_a_withheld_word_planted_in_any_byte_of_a_part(spec, tmp_path, suffix, mode):
    from types import SimpleNamespace

    from briefing import load
    from briefing.distribution import DistributionList
    from briefing.markings.sending import Plan, check

    out = tmp_path / "out"
    assert main(["build", str(spec), "--clearance", "OFFICIAL", "--out", str(out)]) == 0
    doc = load(spec)
    variant = cleared(doc, clearance_of(doc, "OFFICIAL"))
    assert PLANTED in variant.withheld.words
    plan = Plan(
        DistributionList("partners", ("partners@example.org",)), variant.doc, "weekly.official", variant.withheld
    )
    path = out / f"weekly.official{suffix}"
    mail = SimpleNamespace(message=email.message.EmailMessage())
    assert check(plan, mail, {suffix[1:]: path}) == []  # as built, the variant holds none of its words
    plant = {".html": _plant_html, ".docx": _plant_docx, ".xlsx": _plant_xlsx, ".pdf": _plant_pdf}[suffix]
    path.write_bytes(plant(mode, path.read_bytes()))
    (refused,) = check(plan, mail, {suffix[1:]: path})
    assert refused.startswith(f"partners: not sent: weekly.official{suffix} holds ")
    assert refused.endswith(" of portions withheld from the OFFICIAL variant")


RELEASES = """\
title: T
classification: SECRET
sections:
  - heading: Shared
    classification: SECRET
    caveats: REL TO GBR, FRA
    content:
      - paragraph: Qxreleasedword releasable to France.
  - heading: National Qxnationalword
    content:
      - paragraph: Qxplainword plain secret, not releasable.
        classification: SECRET
      - paragraph: Qxeyesword eyes only.
        classification: SECRET
        caveats: UK EYES ONLY
distribution:
  - {name: uk, to: [uk@example.org], clearance: SECRET, formats: [pdf]}
  - {name: france, to: [fr@example.org], clearance: SECRET, caveats: ["REL TO GBR, FRA"], formats: [pdf, html]}
"""


def test_release_markings_release_a_portion_to_the_nations_they_name_and_only_to_them(tmp_path):
    spec = tmp_path / "rel.yaml"
    spec.write_text(RELEASES, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["send", str(spec), "--dry-run", "--out", str(out)]) == 0
    # The home nation's SECRET list gets what is released to others, not what is kept to UK eyes.
    uk = _every_byte(out / "rel.secret.uk.eml")
    assert _hits(uk, ["qxreleasedword", "qxplainword", "qxeyesword"]) == ["qxreleasedword", "qxplainword"]
    # The French list gets only what is released to France: never plain SECRET text, never UK eyes only.
    france = _every_byte(out / "rel.secret-rel-to-gbr-fra.france.eml")
    assert _hits(france, ["qxreleasedword", "qxplainword", "qxeyesword", "qxnationalword"]) == ["qxreleasedword"]
    for name in ("rel.secret-rel-to-gbr-fra.pdf", "rel.secret-rel-to-gbr-fra.html"):
        assert _hits(_every_byte(out / name), ["qxplainword", "qxeyesword", "qxnationalword"]) == []
    pdf = pdf_text(out / "rel.secret-rel-to-gbr-fra.pdf")
    assert "SECRET REL TO GBR, FRA" in pdf and "(S REL GBR FRA) Qxreleasedword" in pdf
    # The whole pack holds text released to no one: its banner says no release.
    doc = loads(RELEASES, "rel.yaml")
    assert doc.classification == "SECRET UK EYES ONLY"


def test_a_contradictory_marking_or_list_is_refused():
    assert _errors("""\
        title: T
        sections:
          - heading: H
            caveats: REL TO GBR, FRA
            content:
              - paragraph: Eyes only inside a releasable section.
                caveats: UK EYES ONLY
        """) == [
        "spec.yaml:7:18: this paragraph would be marked OFFICIAL UK EYES ONLY REL TO GBR, FRA: UK EYES ONLY keeps it "
        "from the nations REL TO GBR, FRA releases it to; mark it one or the other"
    ]
    doc = loads("title: T\nsections: [{heading: H, classification: SECRET}]\n")
    with pytest.raises(SpecError) as caught:
        clearance_of(doc, "SECRET", ["UK EYES ONLY", "REL TO GBR, FRA"])
    assert [str(p) for p in caught.value.problems] == [
        "--clearance: readers cannot hold UK EYES ONLY and REL TO GBR, FRA: UK EYES ONLY keeps it from the "
        "nations REL TO GBR, FRA releases it to"
    ]
    with pytest.raises(SpecError) as caught:
        cleared(doc, clearance_of(doc, "SECRET", ["REL TO GBR, FRA"]))
    assert [str(p) for p in caught.value.problems] == [
        "<spec>:1:1: no section of the briefing may be read at SECRET REL TO GBR, FRA"
    ]


def test_a_callout_title_carries_the_callouts_mark_in_every_format(tmp_path):
    spec = tmp_path / "box.yaml"
    spec.write_text(
        "title: T\nsections:\n  - heading: H\n    content:\n      - callout:\n          title: Source handling\n"
        "          content: [{paragraph: Inside.}]\n        classification: SECRET\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert main(["build", str(spec), "--out", str(out)]) == 0
    assert "(S) Source handling" in pdf_text(out / "box.pdf")
    assert "(S) Source handling" in docx_text(out / "box.docx")
    assert "(S) Source handling" in xlsx_text(out / "box.xlsx")
    page = (out / "box.html").read_text(encoding="utf-8")
    assert 'aria-label="(S) Source handling"' in page and "(S) Source handling" in html_text(out / "box.html")


def test_a_section_of_caveats_alone_bounds_nothing_a_base_ceiling_is_named_and_a_withheld_variable_is_told(
    tmp_path, capsys
):
    assert (
        loads(
            textwrap.dedent("""\
            title: T
            classification: SECRET
            sections:
              - heading: Open
                caveats: UK EYES ONLY
                content:
                  - paragraph: Secret in a section of caveats alone.
                    classification: SECRET
            """)
        ).classification
        == "SECRET UK EYES ONLY"
    )
    (tmp_path / "base.yaml").write_text("title: Base\nclassification: OFFICIAL-SENSITIVE\n", encoding="utf-8")
    spec = tmp_path / "weekly.yaml"
    spec.write_text(
        "extends: base.yaml\nsections:\n  - heading: H\n    content:\n      - paragraph: Too high.\n"
        "        classification: SECRET\n",
        encoding="utf-8",
    )
    assert main(["validate", str(spec)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"{spec}:6:25: this paragraph is marked SECRET, above the briefing's classification OFFICIAL-SENSITIVE "
        f"({spec}:1 extends {tmp_path / 'base.yaml'}:2), its ceiling: raise the classification or mark this "
        "paragraph lower"
    )
    spec.write_text(
        textwrap.dedent("""\
        title: T
        classification: SECRET
        vars: {op: Qxoperationword}
        sections:
          - heading: Open
            content:
              - paragraph: Open.
              - paragraph: "Operation {{ op }} is secret."
                classification: SECRET
        distribution:
          - {name: partners, to: [p@example.org], subject: "Weekly {{ op }} update", formats: [pdf]}
        """),
        encoding="utf-8",
    )
    assert main(["send", str(spec), "--dry-run", "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.strip() == (
        f"{spec}:11:52: the variable 'op' holds words of portions withheld from the OFFICIAL variant this list "
        "receives: its subject and note may not use it"
    )


def test_a_variants_manifest_names_no_file_only_withheld_portions_were_written_in_and_digests_no_spec(tmp_path):
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "qxagentfile.yaml").write_text(
        "- heading: Network\n  classification: SECRET\n  content:\n    - paragraph: Qxagentword.\n", encoding="utf-8"
    )
    spec = tmp_path / "inc.yaml"
    spec.write_text(
        "title: T\nclassification: SECRET\nsections:\n  - heading: Open\n    content:\n      - paragraph: Open.\n"
        "  - include: parts/qxagentfile.yaml\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert main(["build", str(spec), "--clearance", "OFFICIAL", "--out", str(out)]) == 0
    text = (out / "inc.official.manifest.json").read_text(encoding="utf-8")
    assert _hits(text.encode(), ["qxagentfile", "qxagentword"]) == []
    found = json.loads(text)
    spec_digest = hashlib.sha256(spec.read_bytes()).hexdigest()
    assert spec_digest not in text
    assert found["spec"] == {"path": "../inc.yaml"} and found["inputs"] == [{"path": "../inc.yaml"}]
    # The whole pack names and digests every file it was made from, as before.
    assert main(["build", str(spec), "--out", str(out)]) == 0
    whole = (out / "inc.manifest.json").read_text(encoding="utf-8")
    assert "qxagentfile" in whole and spec_digest in whole
