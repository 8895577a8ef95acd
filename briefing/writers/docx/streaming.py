"""Long Word tables streamed into the file: their rows written to ``word/document.xml`` as they are made.

python-docx keeps the whole document as lxml elements; a table of 100,000 rows is millions
of them, gigabytes held until the file is saved. Here such a table holds a marker instead.
The document, without those rows, is saved by python-docx (styles, numbering, headers,
relationships and properties as ever), then copied into the final package with each marker
replaced by its rows, made and written one at a time.
"""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from docx.document import Document

from ...build import TEMP_PREFIX, TEMP_SUFFIX

_DOCUMENT = "word/document.xml"
_MARKER = re.compile(rb"<!--briefing-rows-(\d+)-->")


def marker(number: int) -> str:
    """The text of the comment that stands for the rows of long table ``number``."""
    return f"briefing-rows-{number}"


def save(document: Document, path: Path, streams: Sequence[Callable[[], Iterator[bytes]]]) -> None:
    """Save ``document`` to ``path`` with each marker replaced by the rows its stream makes."""
    # Named as the build names its temporary files, so that one a killed build leaves is cleared later.
    prefix = f"{TEMP_PREFIX}skeleton-{path.stem.lstrip('.')}.{os.getpid()}."
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=prefix, suffix=TEMP_SUFFIX) as skeleton:
        document.save(skeleton.name)
        with zipfile.ZipFile(skeleton.name) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for entry in source.infolist():
                if entry.filename != _DOCUMENT:
                    target.writestr(entry, source.read(entry), compress_type=zipfile.ZIP_DEFLATED)
                    continue
                pieces = _MARKER.split(source.read(entry))
                info = zipfile.ZipInfo(_DOCUMENT, date_time=entry.date_time)
                info.compress_type = zipfile.ZIP_DEFLATED
                with target.open(info, "w", force_zip64=True) as out:
                    for i, piece in enumerate(pieces):
                        if i % 2 == 0:
                            out.write(piece)
                        else:
                            for row in streams[int(piece)]():
                                out.write(row)
