"""The one walker: every writer's handlers in reading order; a writer without a handler warns once."""

from __future__ import annotations

from briefing import build
from briefing.cli import main
from briefing.layout import Heading, lay_out
from briefing.model import BLOCK_TYPES, Briefing, Callout, Paragraph, Section, plain
from briefing.reading.inline import parse_inline
from briefing.registry import get
from briefing.walk import NODE_TYPES, handler_name, walk

from .conftest import SPECS
from .plugins import install


def test_every_built_in_writer_handles_every_node_type():
    for name in ("docx", "pdf", "html", "xlsx"):
        writer = type(get(name))
        module = __import__(writer.__module__, fromlist=["_"])
        visitors = [v for v in vars(module).values() if isinstance(v, type) and hasattr(v, "visit_heading")]
        assert visitors, name
        for node_type in NODE_TYPES:
            assert all(hasattr(v, handler_name(node_type)) for v in visitors), (name, node_type)


def test_node_types_cover_the_block_vocabulary():
    names = {handler_name(t) for t in NODE_TYPES}
    # bullets and numbered are both lists; every other block type has its own node.
    spec_words = {"list_block" if b in ("bullets", "numbered") else b for b in BLOCK_TYPES}
    assert names == {f"visit_{w}" for w in spec_words | {"heading"}}


class Recorder:
    name = "recorder"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def visit_heading(self, node: Heading, place) -> None:
        self.seen.append(f"h{node.level} {plain(node.text)}")

    def visit_paragraph(self, node: Paragraph, place) -> None:
        self.seen.append(plain(node.text))


def test_a_visitor_without_a_handler_gets_one_warning_per_type_and_the_rest_is_walked():
    p = parse_inline
    box = Callout("warning", "Warning", (Paragraph(p("Inside.")),))
    doc = Briefing("T", (Section(p("One"), (Paragraph(p("Before.")), box, box, Paragraph(p("After."))), ()),))
    recorder = Recorder()
    warnings = walk(doc, recorder)
    assert recorder.seen == ["h1 One", "Before.", "After."]
    assert [w.message for w in warnings] == ["recorder: this writer cannot show a callout; it is left out"]
    assert walk(lay_out(doc), Recorder(), "txt")[0].message.startswith("txt: ")


def test_a_plug_in_older_than_the_callout_builds_the_pack_and_warns_once(tmp_path, monkeypatch, capsys):
    (tmp_path / "plugins").mkdir()
    install(tmp_path / "plugins", monkeypatch)
    out = tmp_path / "out"
    pack = build(SPECS / "showcase.yaml", formats=["txt", "html"], out=out)
    text = (out / "showcase.txt").read_text(encoding="utf-8")
    assert "Names in other scripts" in text and "This paragraph starts a new page." in text
    assert "Table 1: Selected indicators" in text and "Foreign personnel (est.) | 1,500 | 0.25" in text
    assert "Russia's role" not in text  # inside a callout, which this writer cannot show
    (warning,) = pack.warnings
    assert warning.message == "txt: this writer cannot show a callout; it is left out"
    assert (warning.pos.line, warning.pos.col) == (23, 9)  # the first callout of the showcase
    assert "role in Mali will" in (out / "showcase.html").read_text(encoding="utf-8")
    assert main(["build", str(SPECS / "showcase.yaml"), "--format", "txt", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert err.count("cannot show a callout") == 1
