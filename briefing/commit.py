"""Putting a pack in place at once: its files in a fresh folder, then one link switched to that folder.

An output folder holding the pack NAME looks like this:

    NAME.pdf            -> .packs/NAME/current/NAME.pdf   one link per file, made once
    NAME.manifest.json  -> .packs/NAME/current/NAME.manifest.json
    .packs/NAME/current -> pack.RANDOM                    the one link a build replaces
    .packs/NAME/pack.RANDOM/                              the pack's files

A build writes every file of the new pack into a temporary folder, moves that
folder into ``.packs/NAME/`` and replaces the link ``current`` by rename(2),
which is atomic: before it every name shows the previous pack, after it every
name shows the new one. A name the new pack adds is linked before the switch
and leads nowhere until then; a name it drops is unlinked after. Whatever
moment a build is killed at, a reader sees all of one pack, never parts of two.

A folder written by an older briefing holds plain files. Before they are
replaced by links, they are linked (hard links, the same bytes) into a pack of
their own that ``current`` shows, so a reader sees them unchanged until the
switch to the new pack, even if the build is killed half-way through.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError

TEMP_PREFIX, TEMP_SUFFIX = ".briefing-", ".tmp"
"""Temporary files and folders are named .briefing-NAME.PID.RANDOM.tmp until they are moved into place."""
PACKS = ".packs"
"""The folder, inside an output folder, that holds every pack's versions."""
CURRENT = "current"
"""The link, in a pack's folder, to the version its names show."""
VERSION_PREFIX = "pack."
"""Versions of a pack are folders named pack.RANDOM."""


def link_target(stem: str, name: str) -> str:
    """Where the name ``name`` of pack ``stem`` leads, relative to the output folder (the folder can be moved)."""
    return f"{PACKS}/{stem}/{CURRENT}/{name}"


def staging_folder(out: Path, stem: str) -> Path:
    """A new empty folder in ``out`` to write a pack's files into; a later build clears it if this one is killed."""
    try:
        # The process id in the name tells a later build whether its writer is still alive.
        folder = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{stem}.{os.getpid()}.", suffix=TEMP_SUFFIX, dir=out))
    except OSError as exc:
        raise OutputError(f"{out}: cannot write in the output folder: {exc.strerror}") from exc
    publishable(folder)
    return folder


def commit(out: Path, stem: str, staged: Path, names: Sequence[str], former: Sequence[str] = ()) -> None:
    """Make the files ``names`` in ``staged`` the pack ``stem`` of ``out``, all at once.

    ``former`` are names an earlier pack may have had (one per format): plain files
    there are taken into the previous pack and go with it. ``staged`` is moved away;
    it is left in place only if this fails before the switch.
    """
    for name in names:
        if (out / name).is_dir() and not (out / name).is_symlink():
            raise OutputError(f"{out / name}: a folder stands where the pack's file goes")
    _sync_files(staged)
    home = out / PACKS / stem
    try:
        home.mkdir(parents=True, exist_ok=True)
        with _locked(home):  # two builds of one pack switch one after the other
            _clear_temporaries(home)
            _adopt_plain_files(out, stem, home, list(dict.fromkeys([*names, *former])))
            version = _move_in(staged, home)
            _link_names(out, stem, names)  # a name new to this pack leads nowhere until the switch
            _switch(home, version)
            _unlink_dropped(out, stem, names)
            _remove_versions(home, keep=version)
        _sync_folder(out)
    except OSError as exc:
        raise OutputError(f"{out}: cannot put the pack in place: {exc.strerror or exc}") from exc


def is_own_link(path: Path, stem: str) -> bool:
    """Whether ``path`` is a link this module made for pack ``stem``."""
    try:
        return os.readlink(path) == link_target(stem, path.name)
    except OSError:  # not a link, or not there
        return False


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released by the kernel if the process is killed
        yield
    finally:
        os.close(handle)


def _adopt_plain_files(out: Path, stem: str, home: Path, names: Sequence[str]) -> None:
    """Give the plain files in the way of the pack's links a version of their own, shown until the switch."""
    plain = [name for name in names if _plain(out / name) and not is_own_link(out / name, stem)]
    if not plain:
        return
    linked = [entry.name for entry in os.scandir(out) if is_own_link(Path(entry.path), stem)]
    adopted = staging_folder(out, stem)
    try:
        for name in plain:
            _same_bytes(out / name, adopted / name)
        for name in linked:
            if os.path.lexists(home / CURRENT / name):
                _same_bytes(home / CURRENT / name, adopted / name)
        version = _move_in(adopted, home)
    finally:
        if adopted.exists():
            shutil.rmtree(adopted, ignore_errors=True)
    _switch(home, version)
    _link_names(out, stem, plain)  # each plain file becomes a link to the very same bytes


def _plain(path: Path) -> bool:
    """A file or a link of someone else's (not a folder): what an older briefing left at a pack's name."""
    return path.is_symlink() or path.is_file()


def _same_bytes(source: Path, target: Path) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:  # a file system without hard links
        shutil.copy2(source, target, follow_symlinks=False)


def _move_in(staged: Path, home: Path) -> str:
    version = f"{VERSION_PREFIX}{secrets.token_hex(8)}"
    os.rename(staged, home / version)
    _sync_folder(home)
    return version


def _link_names(out: Path, stem: str, names: Sequence[str]) -> None:
    for name in names:
        if not is_own_link(out / name, stem):
            _replace_with_link(out / name, link_target(stem, name))


def _switch(home: Path, version: str) -> None:
    """Point ``current`` at ``version`` in one rename: the moment the pack changes."""
    _replace_with_link(home / CURRENT, version)
    _sync_folder(home)


def _replace_with_link(path: Path, target: str) -> None:
    temp = path.with_name(f"{TEMP_PREFIX}{path.name}.{os.getpid()}.{secrets.token_hex(6)}{TEMP_SUFFIX}")
    os.symlink(target, temp)
    os.replace(temp, path)


def _unlink_dropped(out: Path, stem: str, names: Sequence[str]) -> None:
    """Remove the links of files an earlier version had and this one has not: they lead nowhere now."""
    keep = set(names)
    for entry in os.scandir(out):
        if entry.name.startswith(f"{stem}.") and entry.name not in keep and is_own_link(Path(entry.path), stem):
            os.unlink(entry.path)


def _remove_versions(home: Path, keep: str) -> None:
    for entry in os.scandir(home):
        if entry.name.startswith(VERSION_PREFIX) and entry.name != keep:
            shutil.rmtree(entry.path, ignore_errors=True)


def _clear_temporaries(home: Path) -> None:
    # Links in a pack's folder are made only under its lock: any left there now is a killed build's.
    for entry in os.scandir(home):
        if entry.name.startswith(TEMP_PREFIX):
            os.unlink(entry.path)


def remove_stale_temporaries(out: Path) -> None:
    """Delete the temporary files and folders of builds that were killed before they could clean up."""
    for temp in out.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
        parts = temp.name.rsplit(".", 3)
        if len(parts) == 4 and parts[1].isdigit() and not _alive(int(parts[1])):
            if temp.is_dir() and not temp.is_symlink():
                shutil.rmtree(temp, ignore_errors=True)
            else:
                temp.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def publishable(path: Path) -> None:
    # mkstemp and mkdtemp make files and folders for their owner only; a pack is for sharing.
    umask = os.umask(0)
    os.umask(umask)
    path.chmod((0o777 if path.is_dir() else 0o666) & ~umask)


def _sync_files(folder: Path) -> None:
    """Put the pack's bytes on the disk before a link shows them, so a power cut cannot show empty files."""
    for entry in os.scandir(folder):
        if entry.is_file(follow_symlinks=False):
            handle = os.open(entry.path, os.O_RDONLY)
            try:
                os.fsync(handle)
            finally:
                os.close(handle)
    _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
