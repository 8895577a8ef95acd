"""Building a pack: every requested writer into a fresh folder, then put in place at once (see commit.py)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from . import accessibility, registry
from .commit import TEMP_PREFIX, TEMP_SUFFIX, commit, publishable, remove_stale_temporaries, staging_folder
from .errors import BuildError, OutputError, Problem, SpecError
from .layout import LaidDocument, lay_out
from .manifest import MANIFEST_SUFFIX, current_outputs, manifest, manifest_formats, write_manifest
from .model import Briefing
from .reading.loader import Options, load
from .reading.style_files import read_style_file

__all__ = [
    "TEMP_PREFIX",
    "TEMP_SUFFIX",
    "Pack",
    "build",
    "current_pack",
    "publish",
    "write_file",
    "write_pack",
    "writers_for",
]


@dataclass(frozen=True)
class Pack:
    """What a build produced."""

    paths: tuple[Path, ...]
    """The files written, one per format."""
    warnings: tuple[Problem, ...]
    """Content some format could not show, with its spec position."""
    manifest: Path | None = None
    """The manifest written beside the files."""


def writers_for(formats: Sequence[str] | None) -> list[registry.Writer]:
    """The writers for ``formats`` (all registered ones when None)."""
    return [registry.get(name) for name in (formats or registry.names())]


def build(
    spec: str | os.PathLike[str],
    formats: Sequence[str] | None = None,
    out: str | os.PathLike[str] = "output",
    style: str | os.PathLike[str] | None = None,
) -> Pack:
    """Load ``spec`` and write it in each format into ``out``, named after the spec.

    ``style`` is a bundled style's name or a style file; the spec's own
    ``style:`` wins over it.
    """
    doc = load(spec, Options(base_style=read_style_file(style) if style else {}))
    return write_pack(doc, Path(spec).stem, writers_for(formats), Path(out))


def write_pack(doc: Briefing, stem: str, writers: Sequence[registry.Writer], out: Path) -> Pack:
    """Write ``doc`` with every writer, replacing the outputs only if all succeed.

    The files are written into a fresh folder and put in place together when
    all are written (see commit.py), so a failure leaves the previous pack as
    it was, and a reader sees all of the previous pack or all of this one.
    """
    laid = lay_out(doc)  # once for every format of the pack
    told: dict[str, dict[str, Any]] = {}  # filled as the files are written, read when the manifest is
    fills = [(w.name, w.extension, partial(_write_telling, w, laid, told)) for w in writers]
    return _commit(doc, stem, fills, out, told, found=accessibility.warnings(laid))


def _write_telling(
    writer: registry.Writer, laid: LaidDocument, told: dict[str, dict[str, Any]], path: Path
) -> list[Problem]:
    """Write one file of a pack, keeping what its writer tells of it (a PDF's pages) for the manifest."""
    warnings = registry.write(writer, laid, path)
    facts = registry.facts(writer, path)
    if facts is not None:
        told[writer.name] = facts
    return warnings


def write_file(doc: Briefing, writer: registry.Writer, path: Path) -> Pack:
    """Write ``doc`` as the one file ``path`` in ``writer``'s format (``-o brief.pdf``), without a manifest.

    The file is written beside its place and moved there when complete, so a failure
    leaves the previous file as it was.
    """
    ensure_folder(path.parent)
    folder = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{path.stem}.", suffix=TEMP_SUFFIX, dir=path.parent))
    staged = folder / path.name  # a writer may read the format from the name
    warnings: list[Problem] = [Problem(pos, message) for pos, message in doc.notices]
    try:
        try:
            warnings.extend(registry.write(writer, lay_out(doc), staged))
            registry.facts(writer, staged)  # no manifest for a file alone: what the writer keeps of it is let go
        except SpecError:
            raise
        except Exception as exc:
            raise BuildError(f"{path}: the {writer.name} writer failed: {_reason(exc)}") from exc
        publishable(staged)
        os.replace(staged, path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return Pack((path,), tuple(dict.fromkeys(warnings)))


def publish(
    doc: Briefing,
    stem: str,
    files: Sequence[tuple[registry.Writer, bytes]],
    out: Path,
    warnings: Sequence[Problem],
    facts: Mapping[str, dict[str, Any]] | None = None,
    **recorded: Any,
) -> Pack:
    """Write files rendered elsewhere (by worker processes) as a pack, as ``write_pack`` would.

    ``recorded`` goes to the manifest: the inputs' digests as sent (``sent``), a worker's versions (``built_with``).
    """
    fills = [
        (writer.name, writer.extension, partial(_write_bytes, data, list(warnings) if i == 0 else []))
        for i, (writer, data) in enumerate(files)
    ]
    return _commit(doc, stem, fills, out, facts, recorded=recorded)


def _write_bytes(data: bytes, warnings: list[Problem], path: Path) -> list[Problem]:
    path.write_bytes(data)
    return warnings  # the pack's warnings, reported once


Fill = Callable[[Path], list[Problem]]
"""Writes one file of a pack at the path given; returns warnings."""


def _commit(
    doc: Briefing,
    stem: str,
    files: Sequence[tuple[str, str, Fill]],
    out: Path,
    facts: Mapping[str, dict[str, Any]] | None = None,
    found: Sequence[Problem] = (),
    recorded: Mapping[str, Any] | None = None,
) -> Pack:
    ensure_folder(out)
    remove_stale_temporaries(out)
    staged = staging_folder(out, stem)
    # What reading noticed, then what the accessibility check found (``found``), then each writer's.
    warnings: list[Problem] = [*(Problem(pos, message) for pos, message in doc.notices), *found]
    outputs: list[tuple[str, Path, Path]] = []
    try:
        for name, extension, fill in files:
            final = out / f"{stem}{extension}"
            written = staged / final.name
            try:
                warnings.extend(fill(written))
            except SpecError:
                raise  # content this format cannot hold, reported at its place in the spec
            except Exception as exc:
                raise BuildError(f"{final}: the {name} writer failed: {_reason(exc)}") from exc
            publishable(written)
            outputs.append((name, written, final))
        # The layout's warnings come from every writer that follows it: each is reported once.
        warnings = list(dict.fromkeys(warnings))
        final = out / f"{stem}{MANIFEST_SUFFIX}"
        write_manifest(manifest(doc, outputs, warnings, out, facts, **(recorded or {})), staged / final.name)
        publishable(staged / final.name)
        former = [f"{stem}.{name}" for name in registry.names()]  # a format's extension is its name, as a rule
        commit(out, stem, staged, [*(f.name for _, _, f in outputs), final.name], former)
    finally:
        shutil.rmtree(staged, ignore_errors=True)  # gone already once committed
    return Pack(tuple(f for _, _, f in outputs), tuple(warnings), final)


def check_folder(out: Path) -> None:
    """Refuse an output folder that cannot take a pack, before any work; it is made when the first pack is written."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: the output folder is a file")
    if out.is_dir() and not os.access(out, os.W_OK | os.X_OK):
        raise OutputError(f"{out}: the output folder is not writable")


def ensure_folder(out: Path) -> None:
    check_folder(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out}: cannot create the output folder: {exc.strerror}") from exc
    if not os.access(out, os.W_OK | os.X_OK):
        raise OutputError(f"{out}: the output folder is not writable")


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def current_pack(doc: Briefing, stem: str, out: Path, needed: Sequence[str]) -> dict[str, Path]:
    """The pack's files by format, built now unless a pack of this very content is there.

    Every list's formats count, so that sending to one list and then the others sends the
    same files, which the send log knows by their digests. When anything must be built,
    every format the pack had is built again with it: the manifest then describes every
    file beside it, and none is left stale.
    """
    manifest = out / f"{stem}{MANIFEST_SUFFIX}"
    formats = list(dict.fromkeys(needed))
    paths = current_outputs(doc, manifest, formats)
    if paths is not None:
        return dict(zip(formats, paths, strict=True))
    known = registry.names()  # a manifest may name a format whose writer is no longer installed
    every = list(dict.fromkeys([*formats, *(f for f in manifest_formats(manifest) if f in known)]))
    written = write_pack(doc, stem, [registry.get(f) for f in every], out).paths
    return dict(zip(every, written, strict=True))
