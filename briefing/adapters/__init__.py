"""The one place each library's internals are reached into: one module per library.

python-docx, reportlab, openpyxl, python-bidi and smtplib each lack a public way to do a few
things briefing needs (an element python-docx has no API for, a PDF page compressed as soon as
it is done, a sheet that takes ready cells). Every use of a private member of theirs is here,
behind a function or class named for what it does, and nowhere else in the package. Each
module's canary test in ``tests/test_adapters.py`` fails, naming the library's version and what
changed, when a new release moves what a module relies on.

Each module is imported on its own, under a name that says so (``from ...adapters import openpyxl
as openpyxl_adapter``), so that a part of briefing that needs one library does not load the others.
"""
