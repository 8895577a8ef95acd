"""openpyxl loaded as it loads where numpy is not installed, when nothing of the build needs numpy.

openpyxl looks for numpy when it is first imported (``openpyxl.compat.numbers``), only so that a
cell may take numpy's number types, and loading numpy costs more than the rest of a short Excel
build. briefing never gives a cell a numpy value: the data files' columns come out of Arrow as
Python values (``reading/arrow_store.pick``). So, in a process that has not loaded numpy yet, numpy
is not offered to openpyxl while it is first imported: openpyxl takes its own path for an
installation without numpy, and nothing of openpyxl is changed. numpy stays importable for the
data readers afterwards.

Another thread importing numpy meanwhile would be refused it, so with other threads running
(a worker's pool, a cluster's worker) openpyxl is imported as it is.

Imported for this alone, before any other module imports openpyxl (``writers/xlsx/__init__``).
"""

from __future__ import annotations

import sys
import threading


def load_openpyxl() -> None:
    """Import openpyxl, without numpy where numpy is not loaded and no other thread runs."""
    if "openpyxl" in sys.modules or "numpy" in sys.modules or threading.active_count() > 1:
        import openpyxl  # noqa: F401 (loaded as it is)

        return
    sys.modules["numpy"] = None  # type: ignore[assignment]  # the import system's "not installed"
    try:
        import openpyxl  # noqa: F401
    finally:
        if "numpy" in sys.modules and sys.modules["numpy"] is None:
            del sys.modules["numpy"]


load_openpyxl()
