"""Reproducible builds: with SOURCE_DATE_EPOCH set, the same spec gives the same bytes."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import zipfile
from pathlib import Path

from .adapters.stdlib_zipfile import set_level

_BLOCK = 1 << 20
"""Bytes of an entry copied at a time."""


def source_date_epoch() -> int | None:
    """The fixed build time asked for through SOURCE_DATE_EPOCH, if any."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    try:
        return int(value) if value else None
    except ValueError:
        return None


def build_time() -> dt.datetime:
    """The time to record as a file's creation: SOURCE_DATE_EPOCH, or now (UTC, whole seconds)."""
    epoch = source_date_epoch()
    if epoch is None:
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    return dt.datetime.fromtimestamp(epoch, dt.UTC)


def fix_zip_times(path: Path, level: int | None = None) -> None:
    """Give every entry of a zip package (.docx, .xlsx) the build time, in its written order.

    Zip entries carry the time they were written, which would make two builds
    differ; with SOURCE_DATE_EPOCH unset, the package is left as it is. Each entry
    is copied a block at a time, so that a long sheet is never held whole, and
    deflated at ``level``: the writer's own, or zlib's default when None.
    """
    if source_date_epoch() is None:
        return
    # Zip times start in 1980 and have no time zone.
    stamp = max(build_time().replace(tzinfo=None), dt.datetime(1980, 1, 1)).timetuple()[:6]
    temp = path.with_name(path.name + ".zip.tmp")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            fixed.create_system = 3  # the same on every machine
            fixed.file_size = entry.file_size  # known before the copy: Zip64 is chosen by it, as for bytes held whole
            set_level(fixed, level)
            with source.open(entry) as reading, target.open(fixed, "w") as writing:
                shutil.copyfileobj(reading, writing, _BLOCK)
    os.replace(temp, path)
