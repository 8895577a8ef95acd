"""The one walker over the laid-out document: visit and leave, parent classes, children by default."""

from __future__ import annotations

import shutil
from dataclasses import dataclass

from briefing import build, layout
from briefing.cli import main
from briefing.layout import Heading, Item
from briefing.lint import lint
from briefing.model import (
    BLOCK_TYPES,
    NOWHERE,
    Block,
    Briefing,
    Callout,
    Chart,
    Image,
    ListBlock,
    ListItem,
    PageBreak,
    Paragraph,
    Pos,
    Section,
    Table,
    plain,
)
from briefing.reading.inline import parse_inline as p
from briefing.registry import get
from briefing.walk import NODE_TYPES, handler, handler_name, walk
from briefing.writers.html.writer import mail_body

from .conftest import SPECS
from .plugins import install

SHOWN_BY_EVERY_WRITER = (Heading, Paragraph, Item, Table, Chart, Image, PageBreak)
"""Node types every built-in writer draws itself; containers (sections, callouts, lists) may be walked into."""


def test_every_built_in_writer_shows_every_node_type_and_brackets_what_it_frames():
    for name in ("docx", "pdf", "html", "xlsx"):
        writer = type(get(name))
        module = __import__(writer.__module__, fromlist=["_"])
        visitors = [v for v in vars(module).values() if isinstance(v, type) and hasattr(v, "visit_heading")]
        assert visitors, name
        for visitor in visitors:
            for node_type in SHOWN_BY_EVERY_WRITER:
                assert handler(visitor, node_type) is not None, (name, node_type)
            # A writer that frames a callout or a list must close the frame after the children.
            for frame in (Callout, ListBlock):
                assert (handler(visitor, frame) is None) or (handler(visitor, frame, "leave_") is not None)


def test_node_types_cover_the_block_vocabulary():
    names = {handler_name(t) for t in NODE_TYPES}
    # bullets and numbered are both lists; every other block type has its own node.
    spec_words = {"list_block" if b in ("bullets", "numbered") else b for b in BLOCK_TYPES}
    assert names == {f"visit_{w}" for w in spec_words | {"heading", "summary", "section", "item", "callout_title"}}


class Recorder:
    """A writer that knows headings and paragraphs, and nothing else."""

    name = "recorder"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def visit_heading(self, node: Heading, place) -> None:
        self.seen.append(f"h{node.level} {plain(node.text)}")

    def visit_paragraph(self, node: Paragraph, place) -> None:
        self.seen.append(plain(node.text))


def _doc(*blocks: Block, summary: tuple[Block, ...] = ()) -> Briefing:
    return Briefing("T", (Section(p("One"), blocks, (Section(p("Two"), (Paragraph(p("Deep.")),)),)),), summary=summary)


def test_a_writer_that_knows_only_headings_and_paragraphs_shows_every_word_of_a_callout():
    items = (ListItem(p("first point"), lead=p("Lead")), ListItem(p("second point")))
    box = Callout("warning", "Warning", (Paragraph(p("Inside.")), ListBlock(items, numbered=True)))
    recorder = Recorder()
    warnings = walk(_doc(Paragraph(p("Before.")), box, Paragraph(p("After."))), recorder)
    assert recorder.seen == [
        "h1 One",
        "Before.",
        "Warning",  # the callout's title, a paragraph to a writer that knows no callouts
        "Inside.",
        "Lead: first point",  # a list's items are paragraphs, the lead run in as the layout decided
        "second point",
        "After.",
        "h2 Two",
        "Deep.",
    ]
    assert warnings == []


def test_a_node_with_nothing_inside_and_no_handler_is_left_out_with_one_warning_for_its_type():
    recorder = Recorder()
    warnings = walk(_doc(PageBreak(pos=Pos("s.yaml", 4, 5)), PageBreak(), Paragraph(p("After."))), recorder, "txt")
    assert recorder.seen == ["h1 One", "After.", "h2 Two", "Deep."]
    assert [(str(w.pos), w.message) for w in warnings] == [
        ("s.yaml:4:5", "txt: this writer cannot show a page break; it is left out")
    ]


@dataclass(frozen=True)
class Quote(Paragraph):
    """A paragraph of a kind a plug-in adds."""


@dataclass(frozen=True)
class Sidebar:
    """A block of a kind the built-in writers were never told of, holding paragraphs and a list."""

    content: tuple[Block, ...]
    pos: Pos = NOWHERE


def test_a_paragraph_subclass_reaches_visit_paragraph_unless_the_writer_has_its_own_handler():
    recorder = Recorder()
    walk(_doc(Quote(p("Quoted."))), recorder)
    assert "Quoted." in recorder.seen

    class Quoter(Recorder):
        def visit_quote(self, node, place):
            self.seen.append("> " + plain(node.text))

    quoter = Quoter()
    walk(_doc(Quote(p("Quoted."))), quoter)
    assert "> Quoted." in quoter.seen and "Quoted." not in quoter.seen


def test_visit_and_leave_bracket_the_children_in_order():
    class Tracer:
        def __init__(self) -> None:
            self.trace: list[str] = []

        def visit_section(self, node, place):
            self.trace.append("(" + plain(node.heading))

        def leave_section(self, node, place):
            self.trace.append(")")

        def visit_summary(self, node, place):
            self.trace.append("(summary")

        def leave_summary(self, node, place):
            self.trace.append(")")

        def visit_heading(self, node, place):
            pass

        def visit_paragraph(self, node, place):
            self.trace.append(plain(node.text))

    tracer = Tracer()
    walk(_doc(Paragraph(p("A.")), summary=(Paragraph(p("S.")),)), tracer)
    assert tracer.trace == ["(summary", "S.", ")", "(One", "A.", "(Two", "Deep.", ")", ")"]


def test_the_prose_check_and_the_mail_body_read_inside_a_block_they_do_not_know():
    sidebar = Sidebar((Paragraph(p("the the sidebar opens in lower case.")), ListBlock((ListItem(p("Gao")),))))
    doc = _doc(Paragraph(p("Before.")), sidebar)
    rules = {finding.rule for finding in lint(doc)}
    assert {"lower-case-start", "doubled-word"} <= rules
    html = mail_body(doc, None, [], full=True).html
    assert "the the sidebar opens" in html and "<li>Gao</li>" in html


def test_the_layout_runs_once_per_pack_for_every_format_and_every_lists_mail(tmp_path, monkeypatch):
    calls: list[str] = []
    real = layout._lay_out

    def counted(doc):
        calls.append(doc.title)
        return real(doc)

    monkeypatch.setattr(layout, "_lay_out", counted)
    spec = tmp_path / "brief.yaml"
    spec.write_text(
        (SPECS / "showcase.yaml").read_text(encoding="utf-8") + "distribution:\n"
        "  - {name: desk, to: [desk@example.org], clearance: OFFICIAL-SENSITIVE, formats: [docx, pdf, xlsx, html]}\n"
        "  - {name: office, to: [office@example.org], clearance: OFFICIAL-SENSITIVE, formats: [pdf]}\n",
        encoding="utf-8",
    )
    for folder in ("images", "data"):
        shutil.copytree(SPECS / folder, tmp_path / folder)
    out = tmp_path / "out"
    assert main(["send", str(spec), "--dry-run", "--html", "--out", str(out)]) == 0
    assert sorted(f.name for f in out.iterdir() if not f.name.startswith(".")) == [
        "brief.official-sensitive.desk.eml",
        "brief.official-sensitive.docx",
        "brief.official-sensitive.html",
        "brief.official-sensitive.manifest.json",
        "brief.official-sensitive.office.eml",
        "brief.official-sensitive.pdf",
        "brief.official-sensitive.xlsx",
    ]
    assert len(calls) == 1, "one layout for four files and two lists' mails of the same clearance"
    calls.clear()
    build(spec, out=tmp_path / "again")
    assert len(calls) == 1


def test_a_plug_in_older_than_the_callout_shows_its_text_and_builds_the_pack(tmp_path, monkeypatch, capsys):
    (tmp_path / "plugins").mkdir()
    install(tmp_path / "plugins", monkeypatch)
    out = tmp_path / "out"
    pack = build(SPECS / "showcase.yaml", formats=["txt", "html"], out=out)
    text = (out / "showcase.txt").read_text(encoding="utf-8")
    assert "Names in other scripts" in text and "This paragraph starts a new page." in text
    assert "Table 1: Selected indicators" in text and "Foreign personnel (est.) | 1,500 | 0.25" in text
    # Inside a callout, which this writer was written before: its paragraphs and lists are shown all the same.
    assert "role in Mali will" in text and "Key judgement" in text and "Handling" in text  # titles too
    assert not [w for w in pack.warnings if w.message.startswith("txt:")]
    assert "role in Mali will" in (out / "showcase.html").read_text(encoding="utf-8")
    assert main(["build", str(SPECS / "showcase.yaml"), "--format", "txt", "--out", str(out)]) == 0
    assert "cannot show" not in capsys.readouterr().err


def test_a_batch_lays_each_pack_out_once_on_its_worker(tmp_path, monkeypatch):
    from briefing import batch, load

    calls: list[str] = []
    real = layout._lay_out
    monkeypatch.setattr(layout, "_lay_out", lambda doc: calls.append(doc.title) or real(doc))
    specs = [SPECS / "showcase.yaml", SPECS / "sahel-dashboard.yaml"]
    jobs = [(batch.Job(str(s), s.stem), load(s)) for s in specs]
    outcome = batch.run(jobs, ["docx", "pdf", "xlsx", "html"], tmp_path, batch.InProcess())
    assert len(outcome.packs) == 2 and not outcome.errors
    assert sorted(calls) == sorted(doc.title for _, doc in jobs)


def test_the_prose_check_reads_a_callouts_title_and_paragraphs():
    box = Callout("note", "the title in lower case", (Paragraph(p("Inside the the box.")),))
    found = {(f.rule, f.message.split(":")[0]) for f in lint(_doc(box))}
    assert {rule for rule, _ in found} >= {"lower-case-start", "doubled-word"}
