"""HTML writer: one self-contained page, and the same markup as the body of a mail that carries the pack."""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import assert_never

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from ..errors import Problem
from ..model import (
    Block,
    Briefing,
    Chart,
    Image,
    Inline,
    ListBlock,
    PageBreak,
    Paragraph,
    Section,
    Table,
    plain,
)
from ..style import Style
from . import common

_ENV = Environment(
    loader=PackageLoader("briefing", "templates"),
    # HTML templates escape what they insert; the plain-text mail body must not.
    autoescape=select_autoescape(enabled_extensions=("html.j2", "css.j2"), default_for_string=True, default=False),
    trim_blocks=True,
    lstrip_blocks=True,
)
_IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


@dataclass(frozen=True)
class Attachment:
    """A file that goes with a mail, as its body lists it."""

    name: str
    """File name."""
    size: int
    """Size in bytes."""


class HtmlWriter:
    """Writes a briefing as one HTML page, pictures and charts included in it."""

    name = "html"
    extension = ".html"

    def write(self, doc: Briefing, path: Path) -> list[Problem]:
        path.write_text(page(doc), encoding="utf-8")
        return []


def page(doc: Briefing) -> str:
    """The whole briefing as a standalone HTML page."""
    html = _Html(doc, pictures=True)
    return _ENV.get_template("briefing.html.j2").render(
        doc=doc, meta=common.meta_line(doc), summary=html.blocks(doc.summary), body=html.sections(doc.sections, 1)
    )


def mail_body(
    doc: Briefing, note: str | None, attachments: Sequence[Attachment], full: bool = False
) -> tuple[str, str]:
    """HTML and plain-text bodies of a mail: title, marking, note, summary, the files, and the whole text if ``full``.

    Pictures and charts are named rather than shown: they travel in the attached files.
    """
    html = _Html(doc, pictures=False)
    summary = html.blocks(doc.summary)
    values = {
        "doc": doc,
        "meta": common.meta_line(doc),
        "note": note,
        "summary": summary,
        "body": html.sections(doc.sections, 1) if full else Markup(""),
        "attachments": [(a.name, human_size(a.size)) for a in attachments],
    }
    text = _ENV.get_template("mail.txt.j2").render({**values, "summary": _text_blocks(doc.summary)})
    return _ENV.get_template("mail.html.j2").render(values), text


def human_size(size: int) -> str:
    """A file size as people read it: 840 bytes, 12.3 KB, 4.1 MB (powers of 1,000)."""
    if size < 1000:
        return f"{size} bytes"
    value = float(size)
    for unit in ("KB", "MB", "GB"):
        value /= 1000
        if value < 1000 or unit == "GB":
            return f"{value:.1f} {unit}"
    raise AssertionError("unreachable")


class _Html:
    """Walks the model into HTML; numbers tables and figures as the other writers do."""

    def __init__(self, doc: Briefing, pictures: bool) -> None:
        self.style = doc.style
        self.pictures = pictures
        self.tables = self.figures = 0

    def sections(self, sections: tuple[Section, ...], level: int) -> Markup:
        parts = []
        for section in sections:
            tag = f"h{min(level + 1, 6)}"
            parts.append(Markup(f"<section>\n<{tag}>{_inline(section.heading)}</{tag}>\n"))
            parts.append(self.blocks(section.content))
            parts.append(self.sections(section.sections, level + 1))
            parts.append(Markup("</section>\n"))
        return Markup("").join(parts)

    def blocks(self, blocks: tuple[Block, ...]) -> Markup:
        return Markup("").join(self.block(b) for b in blocks)

    def block(self, block: Block) -> Markup:
        match block:
            case Paragraph():
                return Markup(f"<p>{_inline(block.text)}</p>\n")
            case ListBlock():
                tag = "ol" if block.numbered else "ul"
                items = "".join(f"<li>{_item(i.lead, i.text)}</li>\n" for i in block.items)
                return Markup(f"<{tag}>\n{items}</{tag}>\n")
            case Table():
                self.tables += 1
                return _table(block, common.caption("Table", self.tables, block.title))
            case Chart():
                self.figures += 1
                label = common.caption("Figure", self.figures, block.title)
                shown = Markup(_svg(block, self.style)) if self.pictures else Markup("")
                return _figure(shown, label, block.caption, block.title)
            case Image():
                self.figures += 1
                label = common.caption("Figure", self.figures, None)
                return _figure(self._img(block) if self.pictures else Markup(""), label, block.caption, block.alt)
            case PageBreak():
                return Markup('<hr class="page-break">\n')
            case _:
                assert_never(block)

    def _img(self, block: Image) -> Markup:
        data = base64.b64encode(block.path.read_bytes()).decode("ascii")
        kind = _IMAGE_TYPES.get(block.path.suffix.lower(), "image/png")
        width, _ = common.image_size_cm(block, self.style.text_width_cm)
        return Markup(f'<img src="data:{kind};base64,{data}" alt="{escape(block.alt)}" style="width:{width:.1f}cm">')


def _figure(shown: Markup, label: str, caption: Inline | None, alt: str) -> Markup:
    text = escape(label) + (Markup(": ") + _inline(caption) if caption else Markup(""))
    if not shown and alt and not caption:
        text += Markup(f" ({escape(alt)})")
    return Markup(f"<figure>\n{shown}<figcaption>{text}</figcaption>\n</figure>\n")


def _item(lead: Inline | None, text: Inline) -> Markup:
    return (Markup(f"<strong>{_inline(lead)}:</strong> ") if lead else Markup("")) + _inline(text)


def _inline(text: Inline) -> Markup:
    out = []
    for span in text:
        piece = escape(common.xml_safe(span.text))
        if span.bold:
            piece = Markup(f"<strong>{piece}</strong>")
        if span.italic:
            piece = Markup(f"<em>{piece}</em>")
        if span.href:
            piece = Markup(f'<a href="{escape(span.href)}">{piece}</a>')
        out.append(piece)
    return Markup("").join(out)


def _table(table: Table, label: str) -> Markup:
    cols = common.columns(table)
    align = [' class="num"' if c.numeric else "" for c in cols]
    head = "".join(f"<th{a}>{escape(c.name)}</th>" for c, a in zip(cols, align, strict=True))
    rows = [
        "<tr>" + "".join(f"<td{a}>{escape(c.text(v))}</td>" for v, c, a in zip(row, cols, align, strict=True)) + "</tr>"
        for row in table.rows
    ]
    foot = ""
    if table.totals:
        cells = common.totals_texts(table, cols)
        foot = "<tfoot><tr>" + "".join(f"<td{a}>{escape(t)}</td>" for t, a in zip(cells, align, strict=True))
        foot += "</tr></tfoot>"
    body = "\n".join(rows)
    return Markup(
        f"<table>\n<caption>{escape(label)}</caption>\n<thead><tr>{head}</tr></thead>\n"
        f"<tbody>\n{body}\n</tbody>{foot}\n</table>\n"
    )


def _svg(chart: Chart, style: Style) -> str:
    """The chart's drawing as inline SVG, its registered font names swapped for ones browsers know."""
    from reportlab.graphics import renderSVG  # only pages with charts need reportlab

    from . import chart as drawn

    svg = renderSVG.drawToString(drawn.drawing(chart, style, style.text_width_cm / 2.54 * 72))
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r'font-family="F[0-9a-f]{10}(-Bold)?"', lambda m: _font_family(bool(m.group(1))), svg)
    return re.sub(r"<title>.*?</title>", f"<title>{escape(chart.title)}</title>", svg, count=1, flags=re.S)


def _font_family(bold: bool) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return f'font-family="DejaVu Sans, Verdana, sans-serif"{weight}'


def _text_blocks(blocks: tuple[Block, ...]) -> str:
    """Blocks as plain text, for the text part of a mail."""
    lines: list[str] = []
    for block in blocks:
        match block:
            case Paragraph():
                lines.append(plain(block.text))
            case ListBlock():
                for i, item in enumerate(block.items, 1):
                    marker = f"{i}." if block.numbered else "-"
                    lead = f"{plain(item.lead)}: " if item.lead else ""
                    lines.append(f"{marker} {lead}{plain(item.text)}")
            case Table() | Chart() | Image() | PageBreak():
                pass  # a summary holds text; these never reach it
            case _:
                assert_never(block)
    return "\n".join(lines)
