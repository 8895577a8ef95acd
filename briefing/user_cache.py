"""The user's cache of what briefing found once and need not find again at each start: fonts' metrics,
what reportlab reads of each font for the PDF, the digest of the package's own files. Beside other
programs' caches (``$XDG_CACHE_HOME``, or ``~/.cache``), under ``briefing/``. An entry is only ever a
time saver: one that is missing, unreadable or not what its reader checks for is worked out again, and
a cache that cannot be written is left alone.

Entries are read and written only in folders that are the user's alone. Each folder is opened once
(not through a link) and checked on what was opened, not on its name, and entries are opened relative
to it, so another user who can write in a folder above the cache cannot swap in a folder or an entry
of theirs between the check and the read. A folder or entry that fails a check is not used: what it
would have held is worked out again.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_ENTRY = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


def folder(kind: str) -> Path:
    """Where entries of one kind are kept (``font-metrics``, ``pdf-faces``, ``package-digest``)."""
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(home) / "briefing" / kind


def _mine(found: os.stat_result) -> bool:
    """Whether what was opened is the user's and no one else may write in it."""
    return found.st_uid == os.getuid() and not found.st_mode & 0o022


def _open_folder(name: str, dir_fd: int | None, create: bool) -> int | None:
    """A descriptor of the folder ``name`` (relative to ``dir_fd``), made if missing and ``create``;
    None where it is not there, is a link, or is not the user's alone. The caller closes it."""
    if create:
        try:
            os.mkdir(name, 0o700, dir_fd=dir_fd)
        except FileExistsError:
            pass
    fd = os.open(name, _FOLDER, dir_fd=dir_fd)
    try:
        found = os.fstat(fd)
    except OSError:
        os.close(fd)
        raise
    if stat.S_ISDIR(found.st_mode) and _mine(found):
        return fd
    os.close(fd)
    return None


def _open_kind(entry: Path, create: bool) -> int | None:
    """A descriptor of the folder ``entry`` is kept in, checked from the cache's own folder down
    (``briefing/``, then the kind's); None where either fails a check. The caller closes it."""
    kind = entry.parent
    if create:  # as other programs' caches are made where there is none yet
        os.makedirs(kind.parent.parent, mode=0o700, exist_ok=True)
    home = os.open(kind.parent.parent, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    try:
        top = _open_folder(kind.parent.name, home, create)
    finally:
        os.close(home)
    if top is None:
        return None
    try:
        return _open_folder(kind.name, top, create)
    finally:
        os.close(top)


def read(entry: Path) -> bytes | None:
    """The bytes of an entry (from ``folder``): a file of the user's in folders that are the user's
    alone; None where there is none, or it fails a check."""
    try:
        kind = _open_kind(entry, create=False)
    except OSError:
        return None
    if kind is None:
        return None
    try:
        fd = os.open(entry.name, _ENTRY, dir_fd=kind)
    except OSError:
        return None
    finally:
        os.close(kind)
    try:
        found = os.fstat(fd)
        if not (stat.S_ISREG(found.st_mode) and found.st_uid == os.getuid()):
            return None
        with os.fdopen(fd, "rb") as opened:
            fd = -1
            return opened.read()
    except OSError:
        return None
    finally:
        if fd >= 0:
            os.close(fd)


def keep(entry: Path, text: str | bytes) -> None:
    """Write ``text`` as the entry ``entry``, whole or not at all, in folders that are the user's alone
    (made, for the user only, where missing); a cache that cannot be written is left alone.

    The entry is written to a new file beside it and renamed over it, so a build reading at the
    same time finds the old entry or the new one, and a link standing at the entry's name is replaced,
    never written through.
    """
    try:
        kind = _open_kind(entry, create=True)
    except OSError:
        return
    if kind is None:
        return
    temporary = f".{entry.name}.{secrets.token_hex(8)}.tmp"
    written = False
    try:
        data = text.encode() if isinstance(text, str) else text
        fd = os.open(temporary, _NEW, 0o600, dir_fd=kind)
        written = True
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        # whole or not at all, whatever other builds do at once
        os.replace(temporary, entry.name, src_dir_fd=kind, dst_dir_fd=kind)
        written = False
    except OSError:
        pass
    finally:
        if written:  # written in part, or not renamed: not left behind
            try:
                os.unlink(temporary, dir_fd=kind)
            except OSError:
                pass
        os.close(kind)
