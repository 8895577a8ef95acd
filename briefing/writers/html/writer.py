"""HTML writer: one self-contained page, and the same markup as the body of a mail that carries the pack."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from ... import files
from ...errors import Problem
from ...layout import Box, CalloutTitle, Heading, Item, Laid, LaidDocument, Place, Summary, TextLook, colours, laid_out
from ...layout.charts import ChartScale
from ...layout.geometry import PADDING, TABLE_TEXT, Align
from ...layout.tree import SourceEntry, SourceList
from ...model import (
    CALLOUT_KINDS,
    Briefing,
    Callout,
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
from ...style import Style, scripts_in
from ...walk import walk
from .. import markup
from . import fonts
from .spans import Spans, plain_text, text_endnotes


def _safe(value: object) -> object:
    """What a template prints, with characters XML and HTML cannot carry (a NUL in a title) made visible."""
    if isinstance(value, Markup):
        return Markup(markup.xml_safe(str(value)))
    return markup.xml_safe(value) if isinstance(value, str) else value


_ENV = Environment(
    loader=PackageLoader("briefing", "page_templates"),
    # HTML templates escape what they insert; the plain-text mail body must not.
    autoescape=select_autoescape(enabled_extensions=("html.j2", "css.j2"), default_for_string=True, default=False),
    trim_blocks=True,
    lstrip_blocks=True,
    finalize=_safe,
)
_ENV.filters["lighter"] = colours.lighter
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
    takes_layout = True

    def write(self, laid: LaidDocument | Briefing, path: Path) -> list[Problem]:
        html = _Html(laid_out(laid), pictures=True)
        warnings = walk(html.laid, html, self.name)
        path.write_text(_page(html), encoding="utf-8")
        return warnings


def page(doc: LaidDocument | Briefing) -> str:
    """The whole briefing as a standalone HTML page."""
    html = _Html(laid_out(doc), pictures=True)
    walk(html.laid, html, "html")
    return _page(html)


def _page(html: _Html) -> str:
    laid = html.laid
    doc = laid.doc
    body, meta = html.body(), laid.front.meta
    notes = html.spans.endnotes(laid.notes_heading)
    return _ENV.get_template("briefing.html.j2").render(
        doc=doc,
        meta=meta,
        logo=_logo(laid),
        summary=html.summary,
        body=body,
        notes=notes,
        **_look(laid, _words(doc, meta, html.summary, body, notes), True),
    )


def _logo(laid: LaidDocument) -> Markup:
    """The house logo in the layout's box, at the start or the end of the title block's first line."""
    box, path = laid.front.logo, laid.doc.style.logo
    if box is None or path is None:
        return Markup("")
    data = base64.b64encode(files.read(path)).decode("ascii")
    kind = _IMAGE_TYPES.get(path.suffix.lower(), "image/png")
    side = "inline-start" if box.align == "start" else "inline-end"
    return Markup(
        f'<img class="logo" src="data:{kind};base64,{data}" alt="" '
        f'style="width:{box.width_cm:.2f}cm;height:{box.height_cm:.2f}cm;float:{side}">'
    )


def _words(doc: Briefing, *parts: str | None) -> str:
    """The text a page shows beyond its body and summary: title, marking, labels."""
    shown = (doc.title, doc.subtitle, doc.classification, *dataclasses.astuple(doc.labels), *parts)
    return "\n".join(part for part in shown if part)


@dataclass(frozen=True)
class Related:
    """A picture a mail's HTML body shows by reference (``cid:``), carried in the message beside it."""

    cid: str
    """Its Content-ID, without the angle brackets."""
    data: bytes
    """The picture's bytes."""
    subtype: str
    """"png" or "jpeg"."""


@dataclass(frozen=True)
class MailBody:
    """The bodies of a mail: HTML, plain text, and the pictures the HTML shows."""

    html: str
    """The HTML body."""
    text: str
    """The plain-text body."""
    pictures: tuple[Related, ...] = ()
    """The charts (as PNG, which mail readers show where they show no SVG) and pictures of the whole text."""


def mail_body(
    doc: LaidDocument | Briefing, note: Inline | None, attachments: Sequence[Attachment], full: bool = False
) -> MailBody:
    """HTML and plain-text bodies of a mail: title, marking, note, summary, the files, and the whole text if ``full``.

    In the whole text, charts and pictures are shown inline, as pictures carried beside the HTML.
    """
    laid = laid_out(doc)
    doc = laid.doc
    html = _Html(laid, pictures=False, related=[])
    walk(laid, html, "html")
    # The notes cited in what the mail shows, at its end: the summary's, and the whole text's if it is shown.
    cited = html.spans.cited if full else html.summary_notes
    values = {
        "doc": doc,
        "meta": laid.front.meta,
        "note": _inline(note) if note else None,
        "summary": html.summary,
        "body": html.body() if full else Markup(""),
        "notes": html.spans.endnotes(laid.notes_heading, cited),
        "attachments": [(a.name, human_size(a.size)) for a in attachments],
    }
    # A mail names the script fonts but does not carry them: its readers' own are used.
    shown = (str(values[key] or "") for key in ("meta", "note", "summary", "body", "notes"))
    values |= _look(laid, _words(doc, *shown), False)
    text_values = {
        **values,
        "summary": _text_summary(laid),
        "note": plain_text(note) if note else None,
        "notes": text_endnotes(laid.notes, laid.notes_heading, html.summary_notes),
    }
    text = _ENV.get_template("mail.txt.j2").render(text_values)
    pictures = tuple(html.related or ()) if full else ()
    return MailBody(_ENV.get_template("mail.html.j2").render(values), text, pictures)


def _look(laid: LaidDocument, words: str, embed: bool) -> dict[str, object]:
    """What the style sheet takes from the layout and the style: how each kind of text looks, the colours
    of tables and callouts, table text size, cell padding, and the fonts for ``words``, the page's text
    (their faces carried in the page when ``embed``)."""
    style = laid.doc.style
    callouts = {kind: colours.callout_colour(style, kind) for kind in CALLOUT_KINDS}
    faces = fonts.look(style, words, embed)
    return {
        "looks": laid.looks,
        "text": _css,
        "table_text": TABLE_TEXT,
        "padding": PADDING,
        "callouts": callouts,
        **faces,
    }


def _css(look: TextLook) -> Markup:
    """A kind of text's look as CSS declarations: size in points, weight, slope, colour."""
    weight = "bold" if look.bold else "normal"
    slope = "italic" if look.italic else "normal"
    return Markup(f"font-size: {look.size:g}pt; font-weight: {weight}; font-style: {slope}; color: #{look.colour};")


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
    """The walker's handlers: each node as HTML, the summary apart from the body, sections nested as written."""

    def __init__(self, laid: LaidDocument, pictures: bool, related: list[Related] | None = None) -> None:
        self.laid = laid
        self.style = laid.doc.style
        self.pictures = pictures
        self.related = related
        """Where a mail's pictures go, shown by reference; None on a page, which carries them in itself."""
        self.summary = Markup("")
        self.parts: list[Markup] = []
        self.in_summary = False
        self.spans = Spans(laid.notes, page=pictures)
        """Formatted text as this page or mail shows it; it counts the notes cited."""
        self.summary_notes: list[int] = []
        """The notes cited in the summary."""

    def add(self, markup: Markup) -> None:
        if self.in_summary:
            self.summary += markup
        else:
            self.parts.append(markup)

    def body(self) -> Markup:
        return Markup("").join(self.parts)

    def visit_summary(self, node: Summary, place: Place) -> None:
        self.in_summary = True  # the page's template heads the summary and frames it

    def leave_summary(self, node: Summary, place: Place) -> None:
        self.in_summary = False
        self.summary_notes = list(self.spans.cited)

    def visit_section(self, node: Section, place: Place) -> None:
        self.add(Markup("<section>\n"))

    def leave_section(self, node: Section, place: Place) -> None:
        self.add(Markup("</section>\n"))

    def visit_heading(self, node: Heading, place: Place) -> None:
        if node.summary:
            return  # headed by the page's template
        tag = f"h{min(node.level + 1, 6)}"
        self.add(Markup(f"<{tag}{_id(place)}>{self.spans(node.text)}</{tag}>\n"))

    def visit_paragraph(self, node: Paragraph, place: Place) -> None:
        self.add(Markup(f"<p{_id(place)}>{self.spans(node.text)}</p>\n"))

    def visit_source_list(self, node: SourceList, place: Place) -> None:
        self.add(Markup(f'<section class="sources" role="doc-bibliography"{_id(place)}>\n'))

    def leave_source_list(self, node: SourceList, place: Place) -> None:
        self.add(Markup("</section>\n"))

    def visit_source_entry(self, node: SourceEntry, place: Place) -> None:
        self.add(Markup(f'<p class="source"{_id(place)}>{self.spans(node.text)}</p>\n'))

    def visit_list_block(self, node: ListBlock, place: Place) -> None:
        self.add(Markup("<ol>\n" if node.numbered else "<ul>\n"))

    def visit_item(self, node: Item, place: Place) -> None:
        self.add(Markup(f"<li{_id(place)}>{self.spans(node.text)}</li>\n"))

    def leave_list_block(self, node: ListBlock, place: Place) -> None:
        self.add(Markup("</ol>\n" if node.numbered else "</ul>\n"))

    def visit_table(self, node: Table, place: Place) -> None:
        assert place.table is not None and place.caption is not None
        self.add(_table(place, self.spans))

    def visit_chart(self, node: Chart, place: Place) -> None:
        assert place.caption is not None
        if self.pictures:
            shown = Markup(_svg(node, self.style, place.chart, place.alt or node.title))
        elif self.related is not None:
            from .. import chart_drawing

            width = self.style.text_width_cm
            png = chart_drawing.png(node, self.style, width, place.chart)
            shown = self._by_reference(png, "png", place.alt or node.title, width)
        else:
            shown = Markup("")
        self.add(_figure(shown, place, place.alt or node.title, self.spans))

    def visit_image(self, node: Image, place: Place) -> None:
        assert place.caption is not None and place.box is not None
        if self.pictures:
            shown = self._img(node, place.box, place.alt or "")
        elif self.related is not None:
            kind = _IMAGE_TYPES.get(node.path.suffix.lower(), "image/png").split("/")[1]
            shown = self._by_reference(files.read(node.path), kind, place.alt or "", place.box.width_cm)
        else:
            shown = Markup("")
        self.add(_figure(shown, place, place.alt or "", self.spans))

    def visit_callout(self, node: Callout, place: Place) -> None:
        title = escape(node.title)
        self.add(Markup(f'<aside class="callout callout-{node.kind}"{_id(place)} role="note" aria-label="{title}">\n'))

    def visit_callout_title(self, node: CalloutTitle, place: Place) -> None:
        self.add(Markup(f'<p class="callout-title">{escape(plain(node.text))}</p>\n'))

    def leave_callout(self, node: Callout, place: Place) -> None:
        self.add(Markup("</aside>\n"))

    def visit_page_break(self, node: PageBreak, place: Place) -> None:
        self.add(Markup('<hr class="page-break">\n'))

    def _by_reference(self, data: bytes, subtype: str, alt: str, width_cm: float) -> Markup:
        """A picture the mail carries beside its HTML, named by the digest of its bytes."""
        assert self.related is not None
        cid = f"figure{len(self.related) + 1}.{hashlib.sha256(data).hexdigest()[:16]}@briefing"
        self.related.append(Related(cid, data, subtype))
        return Markup(f'<img src="cid:{cid}" alt="{escape(alt)}" style="width:{width_cm:.1f}cm;max-width:100%">')

    def _img(self, block: Image, box: Box, alt: str) -> Markup:
        data = base64.b64encode(files.read(block.path)).decode("ascii")
        kind = _IMAGE_TYPES.get(block.path.suffix.lower(), "image/png")
        return Markup(f'<img src="data:{kind};base64,{data}" alt="{escape(alt)}" style="width:{box.width_cm:.1f}cm">')


def _id(place: Place) -> Markup:
    """The ``id`` attribute where internal links land on a node, when they do."""
    return Markup(f' id="{escape(place.anchor)}"') if place.anchor else Markup("")


def _figure(shown: Markup, place: Place, alt: str, spans: Spans) -> Markup:
    caption = place.caption
    assert caption is not None
    label = spans(caption.spans)
    if not shown and alt and not caption.text and alt != caption.label:  # not "Figure 3 (Figure 3)"
        label += Markup(f" ({escape(alt)})")
    if place.credit:
        label += Markup(f'<span class="credit">{spans(place.credit)}</span>')
    return Markup(f"<figure{_id(place)}>\n{shown}<figcaption>{label}</figcaption>\n</figure>\n")


def _inline(text: Inline) -> Markup:
    """Formatted text outside the briefing's own (a mail's covering note): emphasis and links."""
    return Spans(page=False)(text)


_HYPHENATED = re.compile(r"\S*-\S*")


def _cell(text: str) -> Markup:
    """A cell's text, with tokens that hold a hyphen (dates, ranges) kept whole: browsers break after one."""
    return Markup(_HYPHENATED.sub(lambda m: f'<span class="nb">{m.group()}</span>', str(escape(markup.xml_safe(text)))))


_ALIGN_CLASS: dict[Align, str] = {"start": "", "end": ' class="num"', "right": ' class="rtl"'}
"""A cell's class for where the layout aligns it: the start (the page's own), the end, as numbers are
(and kept whole), or the right, as right-to-left text is in a table of either direction."""


def _table(place: Place, spans: Spans) -> Markup:
    """A table in the layout's geometry: its column widths, in points, and its texts; the cells the layout
    words itself (those holding notes, citations or cross-references) as it words them; its credit under it."""
    laid, caption = place.table, place.caption
    assert laid is not None and caption is not None
    worded = {(row, col): spans(text) for row, col, text in place.cells}
    rows_worded = {row for row, _ in worded}
    cols = "".join(f'<col style="width:{c.width:.1f}pt">' for c in laid.columns)
    aligned = laid.align

    def cell(tag: str, row: int, i: int, text: str) -> str:
        shown = worded.get((row, i)) if row in rows_worded else None
        return f"<{tag}{_ALIGN_CLASS[aligned(i, text)]}>{shown if shown is not None else _cell(text)}</{tag}>"

    head = "".join(cell("th", -1, i, name) for i, name in enumerate(laid.header))
    rows = [
        "<tr>" + "".join(cell("td", r, i, t) for i, t in enumerate(row)) + "</tr>" for r, row in enumerate(laid.rows())
    ]
    foot = ""
    if laid.totals:
        cells = "".join(f"<td{_ALIGN_CLASS[aligned(i, t)]}>{_cell(t)}</td>" for i, t in enumerate(laid.totals))
        foot = f"<tfoot><tr>{cells}</tr></tfoot>"
    body = "\n".join(rows)
    credit = f'<p class="credit">{spans(place.credit)}</p>\n' if place.credit else ""
    # A table too wide even for a turned page breaks its words, as the PDF and Word do, rather than overflow.
    wide = (" wide" if laid.turned else "") + (" broken" if laid.broken else "")
    return Markup(
        f'<div class="table{wide}" style="--table-width:{laid.width:.1f}pt">\n'
        f'<table{_id(place)} style="width:{laid.width:.1f}pt;font-size:{laid.size:.2f}pt">\n'
        f"<caption>{spans(caption.spans)}</caption>\n"
        f"<colgroup>{cols}</colgroup>\n<thead><tr>{head}</tr></thead>\n"
        f"<tbody>\n{body}\n</tbody>{foot}\n</table>\n{credit}</div>\n"
    )


def _svg(chart: Chart, style: Style, scale: ChartScale | None = None, alt: str | None = None) -> str:
    """The chart's drawing as inline SVG, its registered font names swapped for the family browsers know: an
    image to screen readers, named by its title and described by its alternative text (``alt``)."""
    from reportlab.graphics import renderSVG  # only pages with charts need reportlab

    from .. import chart_drawing as drawn

    svg = renderSVG.drawToString(
        drawn.drawing(chart, style, style.text_width_cm / 2.54 * 72, shaped=False, scale=scale)
    )
    svg = svg[svg.index("<svg") :]
    # Labels are left as written: the page's fonts set them, each script in its own, as in the page's text.
    families = fonts.families(style.body_font, scripts_in(svg)).replace('"', "'")
    svg = _REGISTERED_FONT.sub(lambda m: _font_css(families, bool(m.group(2)), m.group(1) == "="), svg)
    # The drawing places its labels from the left, whatever the page's direction; a long slanted
    # label may reach past its edge, as it does in the PDF.
    svg = svg.replace("<svg ", '<svg role="img" direction="ltr" overflow="visible" ', 1)
    # A label in a right-to-left script reads in its own direction, where the drawing's anchors leave it.
    svg = _LABEL.sub(_isolated, svg)
    # The title goes in through a function: as a replacement string, a \\d or \\1 in it would be read as a pattern.
    title = f"<title>{escape(chart.title)}</title><desc>{escape(alt or chart.title)}</desc>"
    svg = re.sub(r"\s*<desc>.*?</desc>", "", svg, count=1, flags=re.S)  # reportlab's own, "..."
    return re.sub(r"<title>.*?</title>", lambda _: title, svg, count=1, flags=re.S)


_LABEL = re.compile(r"(<text\b[^>]*>)([^<]*)(</text>)")


def _isolated(label: re.Match[str]) -> str:
    """A label holding right-to-left text between a right-to-left isolate and its end (U+2067, U+2069), so
    that "6 أكتوبر 2026" reads as the PDF draws it; another label as it is."""
    start, text, end = label.groups()
    return f"{start}\u2067{text}\u2069{end}" if markup.has_rtl(text) else label.group()


# reportlab writes the font as an attribute (font-family="F…") or in a style (font-family: F…).
_REGISTERED_FONT = re.compile(r'font-family(="|: ?)F[0-9a-f]{10}(-Bold)?(?:-\w+)?"?')


def _font_css(families: str, bold: bool, attribute: bool) -> str:
    if attribute:
        return f'font-family="{families}"' + (' font-weight="bold"' if bold else "")
    return f"font-family: {families}" + ("; font-weight: bold" if bold else "")


def _text_summary(laid: LaidDocument) -> str:
    """The summary as plain text, for a mail's text part: its paragraphs, and its lists' items with their markers."""
    lines: list[str] = []
    for part in laid.body:
        if isinstance(part.node, Summary):
            lines.extend(_text_lines(part))
    return "\n".join(lines)


def _text_lines(laid: Laid) -> list[str]:
    node = laid.node
    if isinstance(node, Item):
        return [f"{node.marker} {plain_text(node.text, addresses=False)}"]
    if isinstance(node, Paragraph):
        return [plain_text(node.text, addresses=False)]
    return [line for child in laid.children for line in _text_lines(child)]
