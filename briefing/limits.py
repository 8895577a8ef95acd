"""What one spec may cost: every cap on the reading of a spec, in one place, adjustable for trusted use.

A spec from someone else is read within these limits; a real briefing stays far below
each. Reaching one is a positioned error, found within seconds and a few hundred MB.
For specs you trust, ``--limits FILE`` raises them (a YAML mapping of the names below).
"""

from __future__ import annotations

import contextvars
import dataclasses
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Limits:
    """Every cap on reading one spec; the defaults are in force unless ``--limits`` says otherwise."""

    template_output: int = 2_000_000
    """Characters all of a spec's ``{{ }}`` templates may render together."""
    template_loop_steps: int = 100_000
    """Steps of every loop and ``range`` in a spec's templates, together."""
    template_value: int = 200_000
    """Characters (or items) in one value a template makes, whatever makes it: an operator, a method, a filter."""
    template_made: int = 20_000_000
    """Characters (or items) a spec's templates make or go through together, each counted before it is made or read."""
    template_digits: int = 100
    """Digits of a number a template makes with ``*`` or ``**``."""
    template_argument: int = 100_000
    """Largest whole number a template may give a method or filter (a width, a count)."""
    file_chain: int = 16
    """Files deep that bases and includes may go."""
    files: int = 200
    """Different files a spec may bring in with bases and includes."""
    spec_bytes: int = 20_000_000
    """Characters of spec text those files may hold together."""
    included_blocks: int = 100_000
    """Sections and blocks includes may add, a file included twice counting twice."""
    included_bytes: int = 50_000_000
    """Characters of spec text includes may add, counted the same way."""
    data_bytes: int = 500_000_000
    """Bytes of one data file, and what an .xlsx workbook may unpack to."""
    data_rows: int = 5_000_000
    """Rows read from one data file."""
    data_values: int = 20_000_000
    """Values read from one data file (a CSV file's cost some 18 bytes a value, read and typed)."""
    data_values_used: int = 40_000_000
    """Values the tables and charts of a spec take from data files together, a file used by two counting twice."""
    data_columns: int = 1_000
    """Columns a data file's header may name."""
    data_value_length: int = 1_000_000
    """Characters in one value of a data file."""
    data_empty_rows: int = 10_000
    """Empty rows in a row after which an .xlsx sheet's data is taken to have ended."""


_CURRENT: contextvars.ContextVar[Limits] = contextvars.ContextVar("limits", default=Limits())  # noqa: B039 (frozen)


def current() -> Limits:
    """The limits in force for the spec being read."""
    return _CURRENT.get()


@contextmanager
def using(limits: Limits) -> Iterator[Limits]:
    """Read specs within ``limits`` inside the ``with`` block."""
    token = _CURRENT.set(limits)
    try:
        yield limits
    finally:
        _CURRENT.reset(token)


def read_limits(path: str | os.PathLike[str]) -> Limits:
    """Limits from a YAML file naming some of them (``files: 500``); the others keep their defaults."""
    from yaml.nodes import MappingNode, ScalarNode

    from .errors import Problem, SpecError
    from .reading.compose import compose, pos_of, read_spec_text
    from .reading.reader import Reader, did_you_mean

    display = os.fspath(path)
    root = compose(read_spec_text(Path(path), display), display)
    reader = Reader(display, Path(path).resolve().parent)
    names = [f.name for f in dataclasses.fields(Limits)]
    values: dict[str, int] = {}
    if not isinstance(root, MappingNode):
        raise SpecError([Problem(pos_of(root), "expected a mapping of limits, such as 'files: 500'")])
    for key, value in root.value:
        name = key.value if isinstance(key, ScalarNode) else ""
        if name not in names:
            reader.problem(key, f"unknown limit '{name}'{did_you_mean(name, names)}")
            continue
        number = reader.cell(value)
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            reader.problem(value, f"'{name}' takes a whole number above 0")
            continue
        values[name] = number
    if reader.problems:
        raise SpecError(reader.problems)
    return Limits(**values)
