"""Problems found in a spec, as values with positions, and the error that carries them."""

from __future__ import annotations

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
        self.problems = tuple(sorted(problems, key=_order))
        super().__init__("\n".join(str(p) for p in self.problems))


class BuildError(Exception):
    """A valid spec could not be written; the message is one line for the user."""


class OutputError(BuildError):
    """The output folder cannot take the pack (it is a file, or not writable)."""


def _order(problem: Problem) -> tuple[str, int, int]:
    return (problem.pos.file, problem.pos.line, problem.pos.col)
