"""The spec's vocabulary: every mapping's keys, what they mean and what they hold: the spec, its
sections, blocks, list items, table columns, filters, labels, sources and distribution lists; with
the house style's (``style_shapes``), every shape in ``SHAPES``.

The loader checks mappings against these shapes, and ``briefing schema``
prints them as a JSON Schema, so the two cannot drift apart. How a shape is
described (``Shape``, ``Key``, the values keys share) is in ``shape_types``.
"""

from __future__ import annotations

from ..model import (
    AGGREGATES,
    BLOCK_TYPES,
    CALLOUT_KINDS,
    CHART_KINDS,
    COLUMN_TYPES,
    CSL_TYPES,
    DIRECTIONS,
    FORMAT_KINDS,
    LABEL_KEYS,
    NOTE_STYLES,
    TYPOGRAPHIES,
)
from .shape_types import (
    BOOLEAN,
    CELL,
    CREDIT_KEY_DOC,
    DATE,
    FILE,
    MARKED,
    MARKING_KEYS,
    NUMBER,
    TEXT,
    Key,
    Schema,
    Shape,
    id_key,
    list_of,
    one_of,
    ref,
)
from .style_shapes import FONT, FONTS, MARKING, PAGE, SCHEME, STYLE, TABLE_LOOK

OPERATORS = ("==", "!=", "<", "<=", ">", ">=", "in", "not in", "contains")
"""How a filter compares a column's values."""


ITEM = Shape(
    "item",
    "a list item",
    {"lead": Key("Run-in heading, shown bold before a colon."), "text": Key("The item's text."), **MARKED},
    ("text",),
)
LIST: Schema = list_of({"anyOf": [TEXT, ref("item")]}, at_least=1)
INCLUDE: Schema = {
    "type": "object",
    "properties": {"include": {**FILE, "description": "A YAML file holding a list of sections or blocks."}},
    "required": ["include"],
    "additionalProperties": False,
}

COLUMN = Shape(
    "column",
    "a column",
    {
        "from": Key("The column's name in the data (or in the rows below)."),
        "change": Key("Computed: the difference of two columns, the newer first ('This week - Last week')."),
        "pct_change": Key("Computed: the change as a share of the older column ('This week - Last week'), in %."),
        "share": Key("Computed: each row's share of a column's total, in %."),
        "as": Key("The name shown in the header row."),
        "type": Key(
            "Read every value as this type; a value that is not one is an error.",
            one_of(*COLUMN_TYPES),
        ),
        "format": Key(
            "How values are shown, in documents and as Excel's number format.",
            one_of(*FORMAT_KINDS),
        ),
        "decimals": Key("Digits after the decimal point, for decimal, percent and currency.", {"type": "integer"}),
        "currency": Key("ISO 4217 code of the currency, e.g. EUR (USD when not given).", TEXT),
        "locale": Key(
            "The language its numbers and dates are written in, e.g. en-GB (the briefing's when not given).",
            TEXT,
        ),
    },
)
WHERE = Shape(
    "where",
    "a filter",
    {
        "column": Key("The column whose values are tested."),
        "op": Key("How values are compared (== when not given).", one_of(*OPERATORS)),
        "value": Key("What they are compared with; a list for in and not in.", {"anyOf": [CELL, list_of(CELL)]}),
    },
    ("column", "value"),
)
DATA_KEYS: dict[str, Key] = {
    "columns": Key(
        "The columns, in order: names, or mappings that pick, rename and format a column of the data.",
        list_of({"anyOf": [TEXT, ref("column")]}, at_least=1),
    ),
    "rows": Key("Rows of values, each as long as columns.", list_of(list_of(CELL))),
    "source": Key("A CSV, JSON, JSON-lines (.jsonl) or .xlsx file the rows come from, relative to the spec.", FILE),
    "delimiter": Key("The character between values in a CSV file (, when not given).", TEXT),
    "encoding": Key("The text encoding of a CSV, JSON or JSON-lines file (utf-8 when not given).", TEXT),
    "sheet": Key("The sheet of an .xlsx file (the first when not given).", TEXT),
    "range": Key("The cells of the sheet holding the header and rows, e.g. B3:F40.", TEXT),
    "missing": Key(
        'Texts that mean "no value", read as empty cells (not a reason to read a column as text), e.g. ["n/a", "-"].',
        list_of(TEXT),
    ),
    "where": Key("Keep only the rows that pass every filter.", {"anyOf": [ref("where"), list_of(ref("where"))]}),
    "sort": Key(
        "Columns to sort the rows by; a leading - sorts a column in descending order.",
        {"anyOf": [TEXT, list_of(TEXT, at_least=1)]},
    ),
    "limit": Key("Keep at most this many rows (after filtering and sorting).", {"type": "integer", "minimum": 1}),
}
"""Keys that say where a table's or a chart's rows come from."""

TABLE = Shape(
    "table",
    "a table",
    {
        "title": Key("Table title, shown in its caption and naming its sheet."),
        "id": id_key("tbl", "tbl-funding"),
        "credit": Key(CREDIT_KEY_DOC),
        **DATA_KEYS,
        "totals": Key(
            "A totals row: what each named column shows.",
            {"type": "object", "additionalProperties": one_of(*AGGREGATES)},
        ),
        "split_sheets": Key("In Excel, spread rows beyond a sheet's limit over further sheets.", BOOLEAN),
    },
)
CHART = Shape(
    "chart",
    "a chart",
    {
        "type": Key("The kind of chart.", one_of(*CHART_KINDS)),
        "title": Key("Shown in the chart's caption, and read out at the start of its alternative text."),
        "x": Key("The column of categories (slices of a pie)."),
        "y": Key("The column of values, or a list of columns, one series each.", {"anyOf": [TEXT, list_of(TEXT, 1)]}),
        "x_title": Key("Title of the category axis."),
        "y_title": Key("Title of the value axis."),
        "caption": Key("Caption under the chart."),
        "id": id_key("fig", "fig-incidents"),
        "credit": Key(CREDIT_KEY_DOC),
        "alt": Key("Alternative text for screen readers (made from the title and the numbers when not given)."),
        **DATA_KEYS,
    },
    ("type", "title", "x", "y"),
)
IMAGE = Shape(
    "image",
    "an image",
    {
        "path": Key("PNG or JPEG file, relative to the spec.", FILE),
        "caption": Key("Caption under the picture."),
        "alt": Key("Alternative text for screen readers (defaults to the caption)."),
        "width_cm": Key("Width on the page, in centimetres.", NUMBER),
        "id": id_key("fig", "fig-map"),
        "credit": Key(CREDIT_KEY_DOC),
    },
    ("path",),
)
_TEXT_BLOCKS: dict[str, Key] = {
    "paragraph": Key("A paragraph of text."),
    "bullets": Key("A bulleted list.", LIST),
    "numbered": Key("A numbered list.", LIST),
}
TEXT_BLOCK = Shape("text_block", "a block of a callout", {**_TEXT_BLOCKS, **MARKED}, one_key=True, beside=MARKING_KEYS)
CALLOUT = Shape(
    "callout",
    "a callout",
    {
        "kind": Key(
            "What the box holds; decides its colour and default title (note when not given).", one_of(*CALLOUT_KINDS)
        ),
        "title": Key("Shown at the top of the box (Key judgement, Comment, Note or Warning when not given)."),
        "content": Key("Paragraphs and lists inside the box.", list_of({"anyOf": [ref("text_block"), INCLUDE]}, 1)),
        "id": id_key("box", "box-outlook"),
    },
    ("content",),
)
_BLOCKS: dict[str, Key] = {
    **_TEXT_BLOCKS,
    "table": Key("A table with a header row, its rows written here or read from a data file.", ref("table")),
    "chart": Key("A bar, line or pie chart of columns of data.", ref("chart")),
    "image": Key("A PNG or JPEG picture.", ref("image")),
    "callout": Key("A box that sets text apart: a key judgement, a comment, a note or a warning.", ref("callout")),
    "page_break": Key("Start a new page (true).", {"const": True}),
    "sources": Key(
        "The list of the sources cited stands here (true); without one, it ends the briefing.", {"const": True}
    ),
}
assert tuple(_BLOCKS) == BLOCK_TYPES, "every block type of the model has its key here, in the same order"
BLOCK = Shape("block", "a block", {**_BLOCKS, **MARKED}, one_key=True, beside=MARKING_KEYS)
SECTION = Shape(
    "section",
    "a section",
    {
        "heading": Key("Section heading."),
        "id": id_key("sec", "sec-outlook"),
        "content": Key("Blocks under the heading.", list_of({"anyOf": [ref("block"), INCLUDE]})),
        "sections": Key("Sub-sections, one heading level deeper.", list_of({"anyOf": [ref("section"), INCLUDE]})),
        "place": Key(
            "end keeps this section last, after the sections a spec extending its base adds (in a base or a child).",
            one_of("end"),
        ),
        "after": Key("In a spec that extends a base: put this section after the section of this heading."),
        "before": Key("In a spec that extends a base: put this section before the section of this heading."),
        **MARKED,
    },
    ("heading",),
)

LABELS = Shape(
    "labels",
    "the labels",
    {
        "table": Key('Before a table\'s number in its caption ("Table" when not given).'),
        "figure": Key("Before a chart's or picture's number (\"Figure\")."),
        "page": Key('The footer\'s "Page" of "Page 3 of 12".'),
        "of": Key('The footer\'s "of" of "Page 3 of 12".'),
        "contents": Key('The heading of the table of contents ("Contents").'),
        "summary": Key('The heading of the executive summary ("Summary").'),
        "by": Key('Before the author\'s name under the title ("By").'),
        "total": Key('The label of a table\'s totals row ("Total").'),
        "sources": Key('The heading of the list of sources cited ("Sources").'),
        "notes": Key('The heading of the notes where they are listed together ("Notes").'),
        "source": Key('Before a table\'s, chart\'s or picture\'s credit: "Source: …" ("Source").'),
    },
)
assert tuple(LABELS.keys) == LABEL_KEYS, "the labels' shape names every label, in the model's order"

ADDRESSES: Schema = {"anyOf": [TEXT, list_of(TEXT)], "description": "an address or a list of addresses"}
DISTRIBUTION = Shape(
    "distribution",
    "a distribution list",
    {
        "name": Key("The list's name, as given to briefing send --list."),
        "to": Key("Addresses the mail is sent to ('Name <address>' or address).", ADDRESSES),
        "cc": Key("Addresses copied in.", ADDRESSES),
        "bcc": Key("Addresses that receive the mail without being named in it.", ADDRESSES),
        "formats": Key("Which files of the pack to attach (pdf when not given).", list_of(TEXT, at_least=1)),
        "subject": Key("The subject; may use {{ title }}, {{ date }}, {{ classification }} and {{ list }}."),
        "note": Key("A line above the summary in the mail."),
        "clearance": Key(
            "The level its readers hold: they receive the pack's variant for it (see Markings and variants)."
        ),
        "caveats": MARKED["caveats"],
    },
    ("name",),
)

SPEC = Shape(
    "spec",
    "the spec",
    {
        "title": Key("Document title."),
        "subtitle": Key("Subtitle under the title."),
        "source": Key('Originating outlet or desk, e.g. "Focus on Africa".'),
        "date": Key("Date of the briefing, YYYY-MM-DD.", DATE),
        "author": Key("Author or desk."),
        "classification": Key("Marking printed on every page and sheet."),
        "summary": Key("Executive summary: a paragraph, or a list of key judgements.", {"anyOf": [TEXT, LIST]}),
        "language": Key('The briefing\'s language, a BCP 47 tag such as "en", "fr-ML" or "ar" (en when not given).'),
        "direction": Key(
            "ltr or rtl: which way the whole briefing runs (rtl for Arabic, Hebrew or N'Ko languages when not given).",
            one_of(*DIRECTIONS),
        ),
        "labels": Key(
            "The words the pack adds (Table, Figure, Page, of, Contents, Summary): French, Spanish, Portuguese, "
            "Italian, German and Arabic have their own by default; give any here to print other words.",
            ref("labels"),
        ),
        "sections": Key("The body: a list of sections.", list_of({"anyOf": [ref("section"), INCLUDE]}, at_least=1)),
        "style": Key("House style: fonts, colours, page set-up, cover, contents, tables, marking.", ref("style")),
        "extends": Key("A base spec this one builds on, relative to this file.", FILE),
        "sections_mode": Key(
            "How sections combine with a base's: by heading, or replacing them.", one_of("merge", "replace")
        ),
        "distribution": Key(
            "Who receives the pack by email, list by list (see briefing send).", list_of(ref("distribution"))
        ),
        "sources": Key(
            "The works the text cites: a CSL-JSON file (as Zotero, Mendeley or pandoc export it), "
            "or a list of entries with id, type, title, author or publisher, issued, URL, accessed.",
            {"anyOf": [FILE, list_of(ref("source"))]},
        ),
        "citation_style": Key(
            "The CSL style citations and the sources list are written in, e.g. apa, chicago-author-date, "
            "harvard-cite-them-right (apa when not given).",
        ),
        "note_style": Key(
            "footnotes (at the foot of the page each is cited on) or endnotes (together at the end).",
            one_of(*NOTE_STYLES),
        ),
        "typography": Key(
            "smart (quotes, apostrophes, dashes and ellipses set as the briefing's language prints them) "
            "or straight (kept exactly as typed); smart when not given.",
            one_of(*TYPOGRAPHIES),
        ),
        "vars": Key(
            "Variables for {{ name }} in any string of the spec.",
            {"type": "object", "propertyNames": {"pattern": "^[A-Za-z_][A-Za-z0-9_]*$"}, "additionalProperties": CELL},
        ),
    },
    ("title", "sections"),
)

NAME: Schema = {
    "type": "object",
    "properties": {"family": TEXT, "given": TEXT, "literal": TEXT},
    "description": "a person (family, given) or an organisation (literal)",
}
CSL_DATE: Schema = {
    "anyOf": [
        DATE,
        {"type": "integer"},
        {
            "type": "object",
            "properties": {"date-parts": list_of(list_of({"type": ["integer", "string"]})), "literal": TEXT},
        },
    ]
}
SOURCE = Shape(
    "source",
    "a source",
    {
        "id": Key("The key text cites it by: [@id]."),
        "type": Key(
            "The CSL type: report, article-journal, webpage, dataset, book, article-newspaper…", one_of(*CSL_TYPES)
        ),
        "title": Key("The work's title."),
        "author": Key("Who wrote it: people or an organisation.", list_of(NAME)),
        "publisher": Key("Who published it."),
        "container-title": Key("The journal, newspaper or site it appeared in."),
        "issued": Key("When it was published: YYYY-MM-DD, a year, or CSL-JSON date-parts.", CSL_DATE),
        "accessed": Key("When it was read online: YYYY-MM-DD or CSL-JSON date-parts.", CSL_DATE),
        "URL": Key("Where it is online."),
    },
    ("id", "type", "title"),
)

SHAPES = (
    SPEC,
    SOURCE,
    DISTRIBUTION,
    SECTION,
    BLOCK,
    TEXT_BLOCK,
    CALLOUT,
    ITEM,
    TABLE,
    COLUMN,
    WHERE,
    CHART,
    IMAGE,
    STYLE,
    FONTS,
    FONT,
    PAGE,
    TABLE_LOOK,
    MARKING,
    SCHEME,
    LABELS,
)
"""Every shape, the spec's first."""
