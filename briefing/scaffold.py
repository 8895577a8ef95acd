"""Starting points: ``briefing new`` writes a spec that builds as it is."""

from __future__ import annotations

import datetime as dt
import errno
import os
import tempfile
from pathlib import Path

from .errors import SpecError
from .reading.loader import load
from .schema import schema_text

SCHEMA_COMMENT = "# yaml-language-server: $schema=briefing.schema.json"
"""The comment that makes VS Code's YAML extension check a spec against ``briefing schema``."""

STARTER = """\
{comment}
# A briefing spec: `briefing build {name}.yaml` turns it into Word, PDF and Excel.
title: {title}
subtitle: One line on what this briefing is for
date: {today}
source: Your desk
classification: OFFICIAL
summary:
  - The first key judgement, in one sentence.
  - The second key judgement.
sections:
  - heading: Situation
    content:
      - paragraph: >-
          What has happened, in a few sentences. Text may be **bold**, *italic*
          or a [link](https://example.org).
      - bullets:
          - lead: Security
            text: What it means for security.
          - lead: Politics
            text: What it means for politics.
  - heading: Figures
    content:
      - table:
          title: Key figures
          columns: [Measure, Value, As of]
          rows:
            - [People displaced, 375539, {today}]
  - heading: Outlook
    content:
      - numbered:
          - What to watch next.
          - What to do about it.
"""


def new_spec(name: str, source: str | None = None) -> list[Path]:
    """Write a starting spec, and the schema it names beside it if none is there; returns the files written.

    Raises FileExistsError if the spec exists, SpecError if it would not build.
    """
    path = Path(name if name.endswith((".yaml", ".yml")) else f"{name}.yaml")
    if path.exists():
        raise FileExistsError(errno.EEXIST, "already exists", str(path))
    if source is not None:
        text = Path(source).read_text(encoding="utf-8-sig")
        if not text.startswith(SCHEMA_COMMENT):
            text = f"{SCHEMA_COMMENT}\n{text}"
    else:
        title = path.stem.replace("-", " ").replace("_", " ").strip().capitalize() or "New briefing"
        text = STARTER.format(comment=SCHEMA_COMMENT, name=path.stem, title=title, today=dt.date.today().isoformat())
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    try:
        load(temp)  # a starting point must build as it is
    except SpecError:
        os.unlink(temp)
        raise
    os.replace(temp, path)
    written = [path]
    schema = path.parent / "briefing.schema.json"
    if not schema.exists():  # the $schema line must point at a file editors can read
        handle, temp = tempfile.mkstemp(prefix=f".{schema.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(schema_text())
        os.replace(temp, schema)
        written.append(schema)
    return written
