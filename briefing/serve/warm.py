"""Imported once by the fork server of the preview's rebuilds: everything a rebuild needs, made ready.

Importing this module imports the writers and builds a small briefing in every view, so
that each child forked for a rebuild starts with its modules loaded and its fonts read
(a cold rebuild of the showcase takes 0.4 s, a warm one 0.15 s). It is imported for that
alone, by ``multiprocessing``'s fork server (``rebuilds``), never by the server itself.
"""

from __future__ import annotations

import gc
import tempfile
from pathlib import Path

SAMPLE = """\
title: Warm-up
summary: [A line with **bold** and *italic* text.]
sections:
  - heading: Figures
    content:
      - paragraph: Nothing here is shown to anyone.
      - table:
          columns: [Name, Value, As of]
          rows:
            - [One, 1234.5, 2026-01-02]
"""


def _warm() -> None:
    from ..reading.loader import Options
    from .preview import rebuild

    with tempfile.TemporaryDirectory(prefix="briefing-warm-") as folder:
        spec = Path(folder) / "warm.yaml"
        spec.write_text(SAMPLE, encoding="utf-8")
        rebuild(spec, Options())
    gc.freeze()  # what is loaded now stays shared with every child, not copied into each


try:
    _warm()
except Exception:  # a failed warm-up costs speed only; the rebuild will say what is wrong
    pass
