"""zipfile's internals: the deflate level of one entry streamed into an archive.

Python 3.11's zipfile takes a level for a whole archive, and for ``writestr``'s bytes held whole,
but an entry written through ``ZipFile.open(info, "w")`` takes its level from the entry itself:
``ZipInfo.compress_level`` from Python 3.13, a private attribute before it. Streaming an entry is
what keeps a long sheet from being held whole, so the level is set here, in one place.
"""

from __future__ import annotations

import zipfile


def set_level(info: zipfile.ZipInfo, level: int | None) -> None:
    """Deflate ``info``'s entry at ``level`` (None: zlib's default) when it is written through ``open``."""
    if hasattr(info, "compress_level"):  # Python 3.13 and later
        info.compress_level = level
    else:
        info._compresslevel = level  # type: ignore[attr-defined]
