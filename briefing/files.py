"""The one place where building a pack opens the files it names: pictures, the logo, fonts, a Word template.

Built here, a file is read from disk. Built on a cluster's worker, the pack's files come with its
task, as the bytes the client read (``sent``): the worker reads nothing from its own disk but the
installed package, and a path that was not sent is refused rather than looked for.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
"""The installed package: its fonts, styles and templates are the same wherever its version is."""


@dataclass(frozen=True)
class Sent:
    """The files of one pack as the client read them, by the path its model names them with."""

    files: Mapping[str, bytes]
    """Each file's bytes, by its absolute path on the client."""
    package: str
    """Where the package is installed on the client: paths under it are the worker's own package's files."""
    digests: Mapping[str, str] = field(default_factory=dict)
    """Each file's SHA-256 as the client read it, checked where the bytes arrive."""

    def damaged(self) -> str | None:
        """The first file whose bytes are not those the client read; None when all arrived whole."""
        whole = {path: hashlib.sha256(data).hexdigest() == self.digests.get(path) for path, data in self.files.items()}
        return next((path for path, ok in whole.items() if not ok), None)


_SENT: ContextVar[Sent | None] = ContextVar("briefing_sent_files", default=None)


class NotSent(FileNotFoundError):
    """A worker was asked for a file the client did not send."""


@contextmanager
def sent(files: Sent) -> Iterator[None]:
    """Within this block, files are the ones sent, never the disk's."""
    token = _SENT.set(files)
    try:
        yield
    finally:
        _SENT.reset(token)


def read(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a file the pack names."""
    given = _SENT.get()
    if given is None:
        return Path(path).read_bytes()
    key = str(path)
    if key in given.files:
        return given.files[key]
    return _packaged(key, given).read_bytes()


def local(path: str | os.PathLike[str]) -> Path:
    """A path a library can open for the file the pack names, with the same file name.

    Here, the file itself. On a worker, a copy of the sent bytes in a folder of the worker's own,
    kept while the worker runs (libraries such as reportlab keep fonts they have read).
    """
    given = _SENT.get()
    if given is None:
        return Path(path)
    key = str(path)
    if key not in given.files:
        return _packaged(key, given)
    data = given.files[key]
    copy = _copies() / hashlib.sha256(data).hexdigest()[:32] / Path(key).name
    if not copy.is_file():
        copy.parent.mkdir(parents=True, exist_ok=True)
        partial = copy.with_name(copy.name + ".part")
        partial.write_bytes(data)
        os.replace(partial, copy)
    return copy


def _packaged(key: str, given: Sent) -> Path:
    """A file of the client's installed package, as this machine's package holds it; any other is refused."""
    for root in (given.package, str(PACKAGE)):  # the client's install, or this worker's own
        try:
            inside = Path(key).relative_to(root)
        except ValueError:
            continue
        if ".." not in inside.parts:
            return PACKAGE / inside
    raise NotSent(f"{key}: not sent with the task (a worker reads only what the client sends)")


_folder: list[Path] = []


_COPIES = "briefing-sent-"
"""Start of the name of a process's folder of copies; the process id follows, so others can tell when it is stale."""


def _copies() -> Path:
    if not _folder:
        _remove_stale(Path(tempfile.gettempdir()))
        _folder.append(Path(tempfile.mkdtemp(prefix=f"{_COPIES}{os.getpid()}-")))
        atexit.register(shutil.rmtree, _folder[0], True)  # a process killed outright leaves it: see _remove_stale
    return _folder[0]


def _remove_stale(where: Path) -> None:
    """Remove the folders of copies that processes no longer running (killed before they could) left behind."""
    for folder in where.glob(f"{_COPIES}*-*"):
        pid = folder.name.removeprefix(_COPIES).split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: running
        return True
    return True
