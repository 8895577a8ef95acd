"""``briefing verify``: whether the files beside a manifest are the ones built, and the inputs those it was built from.

A manifest may come from someone else (a pack folder mailed or shared), so it is
read as untrusted: it is refused unless every value has its type, every output it
names is a plain file name of its pack, and each is read only where the manifest
itself lies. Nothing that is not a regular file is opened, so a manifest cannot
make verify read a device or wait on a pipe.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .commit import is_own_link
from .manifest import MANIFEST_SUFFIX

MAX_MANIFEST_BYTES = 64 * 1024 * 1024
"""A manifest larger than this is refused unread; a real one is a few KB (its warnings make it longer)."""
_DIGEST = re.compile(r"[0-9a-f]{64}")


class ManifestError(ValueError):
    """A manifest that cannot be checked; the message is one line, naming the file and where in it."""


@dataclass(frozen=True)
class Output:
    format: str
    file: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Input:
    path: str
    sha256: str


def verify(path: Path, inputs: bool = True) -> list[str]:
    """What differs between a manifest and its pack, one line each; empty when all match.

    ``inputs`` also checks that the spec and every file it used are as they were at the build.
    Raises ``ManifestError`` for a manifest that cannot be checked.
    """
    stem = _stem(path)
    data = _read(path)
    outputs, recorded = _outputs(path, data, stem), _inputs(path, data)
    problems = [f"{path}: the manifest names no file of the pack"] if not outputs else []
    folder = _real_folder(path.parent)
    problems.extend(line for output in outputs for line in _check_output(path.parent / output.file, folder, output))
    problems.extend(_unlisted(path.parent, stem, {o.file for o in outputs} | {path.name}))
    if inputs:
        digests: dict[str, tuple[int, str] | None] = {}  # each file read once, however often a manifest names it
        for item in dict.fromkeys(recorded):
            problems.extend(_check_input(path, item, digests))
    return problems


def _stem(path: Path) -> str:
    if not path.name.endswith(MANIFEST_SUFFIX) or path.name == MANIFEST_SUFFIX:
        raise ManifestError(f"{path}: not a manifest (a manifest's name ends in {MANIFEST_SUFFIX})")
    return path.name[: -len(MANIFEST_SUFFIX)]


def _read(path: Path) -> dict[str, Any]:
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise ManifestError(f"{path}: cannot read the manifest: {exc.strerror}") from None
    with os.fdopen(handle, "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ManifestError(f"{path}: not a file")
        if info.st_size > MAX_MANIFEST_BYTES:
            raise ManifestError(f"{path}: {info.st_size:,} bytes, more than a manifest holds ({MAX_MANIFEST_BYTES:,})")
        raw = stream.read(MAX_MANIFEST_BYTES + 1)
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ManifestError(f"{path}: not UTF-8 text (byte {exc.start + 1})") from None
    except json.JSONDecodeError as exc:
        raise ManifestError(f"{path}:{exc.lineno}:{exc.colno}: not a manifest: {exc.msg}") from None
    except RecursionError:
        raise ManifestError(f"{path}: not a manifest: nested too deeply") from None
    if not isinstance(data, dict):
        raise ManifestError(f"{path}: not a manifest: expected a JSON object")
    return data


def _outputs(path: Path, data: dict[str, Any], stem: str) -> list[Output]:
    found: list[Output] = []
    for i, entry in _entries(path, data, "outputs"):
        where = f"{path}: outputs[{i}]"
        output = Output(
            _field(entry, "format", str, where),
            _field(entry, "file", str, where),
            _field(entry, "size", int, where),
            _field(entry, "sha256", str, where),
        )
        if not _plain_name(output.file) or not output.file.startswith(f"{stem}.") or output.file == path.name:
            raise ManifestError(f"{where}.file: '{output.file}' is not a file of the pack {stem} beside the manifest")
        if output.size < 0 or not _DIGEST.fullmatch(output.sha256):
            raise ManifestError(f"{where}: the size or sha256 is not one a file can have")
        if any(o.file == output.file or o.format == output.format for o in found):
            raise ManifestError(f"{where}: names the format '{output.format}' or the file '{output.file}' twice")
        found.append(output)
    return found


def _inputs(path: Path, data: dict[str, Any]) -> list[Input]:
    found: list[Input] = []
    for i, entry in _entries(path, data, "inputs"):
        where = f"{path}: inputs[{i}]"
        item = Input(_field(entry, "path", str, where), _field(entry, "sha256", str, where))
        if not item.path or "\0" in item.path or not _DIGEST.fullmatch(item.sha256):
            raise ManifestError(f"{where}: the path or sha256 is not one a file can have")
        found.append(item)
    return found


def _entries(path: Path, data: dict[str, Any], key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    entries = data.get(key)
    if not isinstance(entries, list):
        raise ManifestError(f"{path}: '{key}' is missing or not a list")
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise ManifestError(f"{path}: {key}[{i}] is not an object")
        yield i, entry


def _field(entry: dict[str, Any], key: str, kind: type, where: str) -> Any:
    value = entry.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ManifestError(f"{where}.{key}: expected {'a number' if kind is int else 'text'}")
    return value


def _plain_name(name: str) -> bool:
    """A name of a file in the manifest's own folder: no folder, no way up or out."""
    return bool(name) and name not in (".", "..") and not any(c in name for c in "/\\\0")


def _real_folder(folder: Path) -> Path:
    """The pack's folder past any link: every file verify reads must lie in it."""
    try:
        return folder.resolve(strict=True)
    except (OSError, RuntimeError) as exc:  # RuntimeError: a loop of links (Python 3.11)
        raise ManifestError(f"{folder}: cannot read the pack's folder: {exc}") from None


def _check_output(file: Path, folder: Path, output: Output) -> list[str]:
    try:
        real = file.resolve()
    except (OSError, RuntimeError):
        return [f"{file}: a loop of links, not a file of the pack"]
    if not os.path.exists(file):
        return [f"{file}: missing"]
    if not real.is_relative_to(folder):
        return [f"{file}: leads out of the pack's folder (to {real}); not read"]
    digest = _digest(real)  # the file just checked, not whatever the name leads to by now
    if digest is None:
        return [f"{file}: missing" if not os.path.lexists(file) else f"{file}: not a regular file"]
    size, sha256 = digest
    if size != output.size or sha256 != output.sha256:
        return [f"{file}: differs from the file that was built (sha256 {output.sha256[:12]}…)"]
    return []


def _unlisted(folder: Path, stem: str, listed: set[str]) -> Iterator[str]:
    """Files of a format beside the pack that its manifest does not name: left from another build."""
    from . import registry

    names = {f"{stem}.{fmt}" for fmt in registry.names()}
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name in listed or not entry.name.startswith(f"{stem}."):
            continue
        own = is_own_link(Path(entry.path), stem)
        if (own and os.path.exists(entry.path)) or (not own and entry.name in names and os.path.lexists(entry.path)):
            yield f"{entry.path}: beside the pack but not part of it (the manifest does not name it)"


def _check_input(manifest: Path, item: Input, digests: dict[str, tuple[int, str] | None]) -> list[str]:
    where = os.path.normpath(os.path.join(os.path.abspath(manifest.parent), item.path))
    shown = _shown(where)
    if where not in digests:
        digests[where] = _digest(Path(where))
    digest = digests[where]
    if digest is None:
        if os.path.lexists(where):
            return [f"{manifest}: built from {shown}, which is not a regular file (not read)"]
        return [f"{manifest}: built from {shown}, which is no longer there"]
    if digest[1] != item.sha256:
        return [f"{manifest}: built from an older {shown} (it changed after the build)"]
    return []


def _shown(path: str) -> str:
    """A path as the user would type it from here: relative unless that climbs out of the current folder."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def _digest(path: Path) -> tuple[int, str] | None:
    """The size and SHA-256 of a regular file; None for anything else (a device, a pipe, a folder, nothing)."""
    import hashlib

    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(handle, "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode):
            return None
        digest = hashlib.sha256()
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return info.st_size, digest.hexdigest()
