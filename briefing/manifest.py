"""The manifest beside each pack: what went in, what came out, and a check before sending."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import platform
import zipfile
from collections.abc import Mapping, Sequence
from functools import cache
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import Any

from . import user_cache
from .errors import Problem
from .model import Briefing, Image, Rows, walk_sections
from .reproducible import build_time, source_date_epoch

MANIFEST_SUFFIX = ".manifest.json"
_LIBRARIES = (
    "briefing", "python-docx", "reportlab", "openpyxl", "PyYAML", "Jinja2", "markdown-it-py", "mdit-py-plugins",
    "Pillow", "fontTools", "python-bidi", "uharfbuzz", "lxml", "pyarrow", "python-calamine", "Babel", "citeproc-py",
)  # fmt: skip
"""The libraries whose versions decide a pack's bytes (fonts cut, text shaped, XML written, data typed, words)."""
_PACKAGE_FILES = (".py", ".ttf", ".otf", ".yaml", ".j2", ".txt")
"""The package's own files that decide a pack's bytes: its code, fonts, vocabularies and templates."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def inputs(doc: Briefing) -> list[Path]:
    """Every file a briefing was made from: spec, bases, includes, images, fonts, logo, template."""
    found = list(doc.sources)
    for _, section in walk_sections(doc.sections):
        found.extend(block.path for block in section.content if isinstance(block, Image))
    style = doc.style
    for font in (style.body_font, style.heading_font):
        if font:
            found.extend(p for p in (font.regular, font.bold, font.italic, font.bold_italic) if p)
    found.extend(p for p in (style.logo, style.docx_template) if p)
    return list(dict.fromkeys(found))


def manifest(
    doc: Briefing,
    outputs: Sequence[tuple[str, Path, Path]],
    warnings: Sequence[Problem],
    folder: Path,
    facts: Mapping[str, dict[str, Any]] | None = None,
    sent: Mapping[Path, str] | None = None,
    built_with: Mapping[str, str | None] | None = None,
) -> dict[str, Any]:
    """The manifest of a pack; ``outputs`` are (format, file as written, final name).

    ``facts`` holds what ``file_facts`` found for each format where a worker already looked;
    ``sent``, the inputs' digests as a client sent them to a cluster; ``built_with``, the versions
    of a worker allowed to differ from this machine's.
    """
    known, given = facts or {}, sent or {}
    digests = {path: given.get(path) or sha256(path) for path in inputs(doc)}  # each input read once
    sealed = set(doc.variant.sealed) if doc.variant else set()
    return {
        "built": build_time().isoformat(),
        "content": content_key(doc, digests),
        "spec": _file(doc.sources[0], folder, digests, sealed) if doc.sources else None,
        "inputs": [_file(path, folder, digests, sealed) for path in digests],
        "versions": dict(built_with or versions()),
        "outputs": [_output(fmt, written, final, known.get(fmt)) for fmt, written, final in outputs],
        "warnings": [{"position": str(w.pos), "message": w.message} for w in warnings],
        **({"variant": _variant(doc)} if doc.variant else {}),
    }


def versions() -> dict[str, str | None]:
    """Python's version and each library's that decides a pack's bytes, as the manifest records them."""
    return {"python": platform.python_version(), **_libraries()}


def _libraries() -> dict[str, str | None]:
    """Each library's version, and a digest of this package's own files: the same version number may hold other code."""
    return {**{name: _version(name) for name in _LIBRARIES}, "briefing files": package_digest()}


@cache  # once per process
def package_digest() -> str:
    """SHA-256 of the installed package's files that decide bytes, by their paths inside it.

    Reading them (about 9 MB, mostly fonts) takes longer than a short build's other work, so the
    digest is kept in the user's cache under what the file system says of each file (size,
    modification and change times, inode): a file written again, or replaced, gives another entry.
    """
    root = Path(__file__).parent
    files = sorted(p for p in root.rglob("*") if p.suffix in _PACKAGE_FILES and "__pycache__" not in p.parts)
    stamp = hashlib.sha256(str(root).encode())
    for path in files:
        stat = path.stat()
        stamp.update(f"\0{path.relative_to(root).as_posix()}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
        stamp.update(f"\0{stat.st_ctime_ns}\0{stat.st_ino}".encode())
    entry = user_cache.folder("package-digest") / f"{stamp.hexdigest()[:32]}.txt"
    # None where not kept yet, unreadable or not the user's own: the files are read
    kept = (user_cache.read(entry) or b"").decode("ascii", errors="replace")
    if len(kept) == 64 and all(c in "0123456789abcdef" for c in kept):
        return kept
    digest = hashlib.sha256()
    for path in files:
        digest.update(f"{path.relative_to(root).as_posix()}\0{path.stat().st_size}\0".encode())
        digest.update(path.read_bytes())
    user_cache.keep(entry, digest.hexdigest())
    return digest.hexdigest()


def _variant(doc: Briefing) -> dict[str, Any]:
    """Which variant the files are: its clearance, caveats, banner and how many portions it withheld (never what)."""
    assert doc.variant is not None
    variant = doc.variant
    return {
        "clearance": variant.clearance,
        "caveats": list(variant.caveats),
        "banner": doc.classification,
        "withheld": variant.withheld,
    }


def write_manifest(data: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def content_key(doc: Briefing, digests: Mapping[Path, str] | None = None) -> str:
    """A digest of everything a pack is made from: the model, the input files' bytes and the library versions.

    Two builds with the same key hold the same content; a pack already built
    with it can be sent again as it is, byte for byte. ``digests`` holds the
    inputs' digests where the caller has just taken them.
    """
    digest = hashlib.sha256(json.dumps(_canonical(doc), sort_keys=True, ensure_ascii=False).encode())
    sealed = set(doc.variant.sealed) if doc.variant else set()
    for path in inputs(doc):  # a variant's own model stands for the files that hold what it withholds
        if path in sealed:
            continue
        digest.update(f"\n{path}:{digests[path] if digests and path in digests else sha256(path)}".encode())
    digest.update(json.dumps(_libraries(), sort_keys=True).encode())
    return digest.hexdigest()


def current_outputs(doc: Briefing, manifest_path: Path, formats: Sequence[str]) -> list[Path] | None:
    """The files of a pack built earlier from this very content, in ``formats`` order; None if any is stale."""
    from .verify import verify  # verify reads manifests as this module writes them

    try:
        data = json.loads(manifest_path.read_text(encoding="utf-8"))
        if data.get("content") != content_key(doc) or verify(manifest_path, inputs=False):
            return None  # the content key holds the inputs' digests: they were just compared
        if source_date_epoch() is not None and data.get("built") != build_time().isoformat():
            return None  # built at another SOURCE_DATE_EPOCH: every file records another time
    except (OSError, ValueError):  # no manifest, or one that cannot be checked
        return None
    by_format = {o["format"]: manifest_path.parent / o["file"] for o in data["outputs"]}
    return [by_format[f] for f in formats] if all(f in by_format for f in formats) else None


def manifest_formats(manifest_path: Path) -> list[str]:
    """The formats a manifest lists, in its order; none when there is no readable manifest."""
    try:
        data = json.loads(manifest_path.read_text(encoding="utf-8"))
        return [str(o["format"]) for o in data["outputs"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []


_PLAIN = frozenset({str, int, float, bool, type(None)})
"""Types that are their own JSON."""
_ROWS_AT_ONCE = 4096
"""Values of a column put into the digest at a time."""


def _rows_digest(rows: Rows) -> str:
    """A table body's digest, made a slice of a column at a time: a million-row table's JSON is never held."""
    digest = hashlib.sha256(str(len(rows)).encode())
    for column in rows.columns:
        for start in range(0, len(column), _ROWS_AT_ONCE):
            part = [v if type(v) in _PLAIN else repr(v) for v in column[start : start + _ROWS_AT_ONCE]]
            digest.update(json.dumps(part, ensure_ascii=False).encode())
        digest.update(b"|")
    return digest.hexdigest()


def _canonical(value: Any) -> Any:
    """A value as JSON that is the same in every process (sets sorted, dataclass fields by name)."""
    if isinstance(value, Rows):
        return {"rows": _rows_digest(value)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value) if f.compare}
    if isinstance(value, (list, tuple)):
        return [v if type(v) in _PLAIN else _canonical(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(repr(v) for v in value)
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)  # dates, paths


def _file(path: Path, folder: Path, digests: Mapping[Path, str], sealed: set[Path]) -> dict[str, Any]:
    if path in sealed:  # a file holding withheld portions: its digest would fingerprint them
        return {"path": os.path.relpath(path, folder)}
    return {"path": os.path.relpath(path, folder), "sha256": digests.get(path) or sha256(path)}


def _output(fmt: str, written: Path, final: Path, facts: dict[str, Any] | None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "format": fmt,
        "file": final.name,
        "size": written.stat().st_size,
        "sha256": sha256(written),
    }
    return {**entry, **(facts if facts is not None else file_facts(fmt, written))}


def file_facts(fmt: str, path: Path) -> dict[str, Any]:
    """What a reader of a file would count: a PDF's pages, a workbook's sheets."""
    if fmt == "pdf":
        # PDFium (a reader's own engine) counts them in a few milliseconds; pypdf would take ten times
        # as long to load as the count takes.
        import pypdfium2

        pdf = pypdfium2.PdfDocument(str(path))
        try:
            return {"pages": len(pdf)}
        finally:
            pdf.close()
    if fmt == "xlsx":
        return {"sheets": _sheet_names(path)}
    return {}


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _sheet_names(path: Path) -> list[str]:
    """The names of a workbook's sheets, in order, from its workbook part alone.

    openpyxl, even read-only, reads every sheet through to learn its size (a sheet
    written as a stream does not declare one): a minute for a million rows.
    """
    from defusedxml.ElementTree import fromstring

    with zipfile.ZipFile(path) as package:
        workbook = fromstring(package.read("xl/workbook.xml"))
    return [sheet.get("name", "") for sheet in workbook.iter(f"{_MAIN}sheet")]


@cache  # looking a version up scans every installed distribution
def _version(name: str) -> str | None:
    """The installed version of a distribution, from the head of its metadata file, where ``version()``
    would read the whole file as a mail message (a long description too) to find it."""
    try:
        found = distribution(name)
    except PackageNotFoundError:
        return None
    for line in (found.read_text("METADATA") or found.read_text("PKG-INFO") or "").splitlines():
        if not line:
            break  # the end of the head: the description follows
        if line.startswith("Version:"):
            return line.removeprefix("Version:").strip()
    return found.version
