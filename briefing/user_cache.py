"""The user's cache of what briefing found once and need not find again at each start: fonts' metrics,
the digest of the package's own files. Beside other programs' caches (``$XDG_CACHE_HOME``, or
``~/.cache``), under ``briefing/``. An entry is only ever a time saver: one that is missing,
unreadable or not what its reader checks for is worked out again, and a cache that cannot be
written is left alone.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def folder(kind: str) -> Path:
    """Where entries of one kind are kept (``font-metrics``, ``package-digest``)."""
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(home) / "briefing" / kind


def private(kept: Path) -> bool:
    """Whether a folder of entries is the user's and no one else may write in it: entries read by a
    loader that must trust them (the PDF's fonts' faces) are read only from such a folder."""
    try:
        found = os.lstat(kept)
    except OSError:
        return False
    return stat.S_ISDIR(found.st_mode) and found.st_uid == os.getuid() and not found.st_mode & 0o022


def read(entry: Path) -> bytes | None:
    """The bytes of an entry whose folder is the user's alone (``private``); None where there is none."""
    try:
        return entry.read_bytes() if private(entry.parent) else None
    except OSError:
        return None


def keep(entry: Path, text: str | bytes) -> None:
    """Write ``text`` as the entry ``entry``, whole or not at all; a cache that cannot be written is left alone.

    The entry is written to a new file beside it and renamed over it, so a build reading at the
    same time finds the old entry or the new one, and a link standing at the entry's name is replaced,
    never written through.
    """
    temporary: str | None = None
    try:
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        data = text.encode() if isinstance(text, str) else text
        with tempfile.NamedTemporaryFile("wb", dir=entry.parent, suffix=".tmp", delete=False) as out:
            temporary = out.name
            out.write(data)
        os.replace(temporary, entry)  # whole or not at all, whatever other builds do at once
        temporary = None
    except OSError:
        pass
    finally:
        if temporary is not None:  # written in part, or not renamed: not left behind
            try:
                os.unlink(temporary)
            except OSError:
                pass
