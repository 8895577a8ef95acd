"""Problems found in a spec, as values with positions, and the error that carries them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .model import Pos


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) at one place in a spec."""

    pos: Pos
    """Where the problem is."""
    message: str
    """What is wrong, in words a spec author understands."""

    def __str__(self) -> str:
        return f"{self.pos}: {self.message}"


class SpecError(Exception):
    """A spec could not be loaded; ``problems`` lists every reason found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = in_order(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class BuildError(Exception):
    """A valid spec could not be written; the message is one line for the user."""


class OutputError(BuildError):
    """The output folder cannot take the pack (it is a file, or not writable)."""


class LogError(Exception):
    """The send log cannot be read, locked or written; nothing more may be sent."""


def in_order(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    """Problems by file, then line, then column (line 11 after line 7)."""
    return tuple(sorted(problems, key=lambda p: (p.pos.file, p.pos.line, p.pos.col)))
