"""The words a pack's own furniture prints in its files whatever it says: measured, not listed.

The read-back check reads every byte of a variant's files, and those bytes hold more than the pack's
text: Word's and Excel's XML vocabulary and styles, the page's stylesheet and script, a PDF's
dictionaries. A withheld word that is one of them ("border", "center") cannot be told from the
furniture. Which words those are is found by building, in the pack's own style, a reference pack whose
every text is a made-up word, and keeping what its files print that it did not say.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import fields, is_dataclass, replace
from functools import cache
from pathlib import Path
from typing import TypeVar

from PIL import Image

from .. import registry
from ..layout import lay_out
from ..model import Briefing
from ..page_templates import __file__ as _templates_init
from ..reading.loader import loads
from ..style import Style
from .leaks import raw_texts, texts_of, words_in

REFERENCE = """\
title: Zqa Zqb
subtitle: Zqc
author: Zqd
date: 2026-11-24
classification: SECRET
sources:
  - {id: zqe2026, type: report, title: Zqf Zqg, author: Zqh, issued: 2026, URL: "https://example.org/zqi"}
summary:
  - Zqj zqk.^[Zql zqm.]
  - text: Zqn zqo [@zqe2026, p. 4].
    classification: OFFICIAL-SENSITIVE
sections:
  - heading: Zqp
    id: sec-zqq
    content:
      - paragraph: "Zqr **zqs** *zqt* [zqu](https://example.org/zqv) @tbl-zqw @fig-zqx @box-zqy."
        classification: SECRET
        caveats: [UK EYES ONLY]
      - bullets: [Zqz, {lead: Zra, text: Zrb}]
      - numbered: [Zrc, Zrd]
      - table:
          id: tbl-zqw
          title: Zre
          columns: [Zrf, Zrg, Zrh, Zri]
          rows: [[Zrj, 1500, 0.25, 2026-10-01], [Zrk, 2, 0.5, 2026-09-30]]
          totals: {Zrg: sum}
          credit: Zrl [@zqe2026]
        classification: SECRET
      - chart:
          id: fig-zqx
          type: bar
          title: Zrm
          caption: Zrn.
          x: Zro
          y: Zrp
          columns: [Zro, Zrp]
          rows: [[Zrq, 3], [Zrr, 4]]
      - chart: {type: pie, title: Zrs, x: Zrt, y: Zru, columns: [Zrt, Zru], rows: [[Zrv, 1], [Zrw, 2]]}
      - chart: {type: line, title: Zrx, x: Zry, y: Zrz, columns: [Zry, Zrz], rows: [[Zsa, 1], [Zsb, 2]]}
      - image: {path: zsc.png, caption: Zsd, alt: Zse, width_cm: 4}
      - callout:
          id: box-zqy
          kind: key-judgement
          title: Zsf
          content: [{paragraph: Zsg}, {bullets: [Zsh]}]
        classification: OFFICIAL-SENSITIVE
        caveats: [UK EYES ONLY]
      - sources: true
    sections:
      - {heading: Zsi, content: [{paragraph: Zsj}]}
"""
"""Every kind of block, note, citation, cross-reference and mark; every text a made-up word."""


def furniture_words(style: Style) -> frozenset[str]:
    """The words the files of a pack in ``style`` print that are none of its own text, its scheme's words,
    and the words its mail's templates print."""
    return _measured(style) | _scheme_words(style) | _mail_words()


@cache
def _measured(style: Style) -> frozenset[str]:
    with tempfile.TemporaryDirectory(prefix="briefing-furniture.") as folder:
        here = Path(folder)
        Image.new("RGB", (40, 20), "#336699").save(here / "zsc.png")
        doc = _styled(loads(REFERENCE, str(here / "reference.yaml"), here), style)
        laid = lay_out(doc)
        found: set[str] = set()
        for name in registry.names():
            writer = registry.get(name)
            path = here / f"reference.{writer.extension}"
            registry.write(writer, laid, path)
            data = path.read_bytes()
            found |= words_in(raw_texts(path.name, data)) | words_in(texts_of(path.name, data))
    # Its own words are the made-up ones and its link's address; everything else it printed is furniture.
    return frozenset(word for word in found if not _OWN.fullmatch(word))


_OWN = re.compile(r"z[q-s][a-z]\d*|example")


def _styled(doc: Briefing, style: Style) -> Briefing:
    """The reference in ``style``; in a scheme of other words, without its marks (the scheme's words count
    on their own)."""
    if style.scheme != doc.style.scheme:
        doc = _unmarked(doc)
    return replace(doc, style=style)


def _unmarked(doc: Briefing) -> Briefing:
    def clear(node: N) -> N:
        if isinstance(node, tuple):
            return tuple(clear(item) for item in node)  # type: ignore[return-value]
        if is_dataclass(node) and not isinstance(node, type) and hasattr(node, "marking"):
            changes = {f.name: clear(getattr(node, f.name)) for f in fields(node) if f.name in _HOLDING}
            return replace(node, marking=None, **changes)  # type: ignore[type-var]
        return node

    return replace(doc, classification=None, summary=clear(doc.summary), sections=clear(doc.sections))


_HOLDING = {"content", "sections", "items"}
N = TypeVar("N")


@cache
def _scheme_words(style: Style) -> frozenset[str]:
    scheme = style.scheme
    return frozenset(words_in([*scheme.words(), *(w for c in scheme.caveats for w in (c.name, c.portion))]))


@cache
def _mail_words() -> frozenset[str]:
    folder = Path(_templates_init).parent
    return frozenset(words_in(path.read_text(encoding="utf-8") for path in sorted(folder.glob("mail.*.j2"))))
