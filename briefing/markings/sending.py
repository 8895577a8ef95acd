"""Sending a marked pack: each list its own variant, and the read-back check before any byte goes out.

A list states the ``clearance:`` (and ``caveats:``) its readers hold and receives the variant for
them. Before anything is sent, every list's files and message are read back (``leaks``) for the words
of the portions its variant withheld that neither the variant's text nor the list's own name, subject
and note use; one found stops the whole send. A list without a ``clearance:`` receives the variant
at the scheme's lowest level with no caveats: nothing above what every reader may read. A pack that
marks no portions is one portion at its classification: it goes whole to every list that may read it;
a list whose clearance is below it, or a list without a clearance when it is above the lowest level,
is refused with a line naming the list.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..distribution import DistributionList, read_lists
from ..errors import Problem, SpecError
from ..mail import Outgoing
from ..model import Briefing
from ..reading.loader import Options
from .furniture import furniture_words
from .leaks import leaks
from .portions import portions_marked
from .variant import Cleared, Withheld, clearance_of, cleared, variant_stem, words_of


@dataclass(frozen=True)
class Plan:
    """What one list receives: the variant's briefing, its files' name, the list as the variant renders it."""

    list: DistributionList
    """The list, its subject rendered with the variant's banner."""
    doc: Briefing
    """The variant's briefing (the whole pack's, for an unmarked pack)."""
    stem: str
    """The variant's file name."""
    withheld: Withheld | None
    """What the variant withheld; None for the whole pack."""


def marked(doc: Briefing, lists: Sequence[DistributionList]) -> bool:
    """Whether lists receive variants: the pack marks portions, a list states a clearance, or the whole
    pack stands above the scheme's lowest level (a list without a clearance may not receive it)."""
    return portions_marked(doc) or any(d.clearance for d in lists) or _above_lowest(doc) is not None


def _above_lowest(doc: Briefing) -> str | None:
    """The level of a pack that marks no portions, when it is a level of its scheme above the lowest."""
    scheme = doc.style.scheme
    whole = None if portions_marked(doc) or not doc.classification else scheme.level(doc.classification.strip())
    return whole.name if whole is not None and scheme.rank(whole.name) > 0 else None


def _unclear(doc: Briefing, lists: Sequence[DistributionList]) -> list[Problem]:
    """Lists without a clearance, for a pack that is above the lowest level throughout: refused, one line each."""
    whole = _above_lowest(doc)
    if whole is None:
        return []
    lowest = doc.style.scheme.levels[0].name
    return [
        Problem(
            dlist.pos,
            f"the list '{dlist.name}' states no clearance, so it may receive only {lowest} text, and the whole "
            f"briefing is {whole}: give the list a 'clearance:', or mark the portions it may read",
        )
        for dlist in lists
        if not dlist.clearance
    ]


def plans(
    spec: str | os.PathLike[str],
    doc: Briefing,
    lists: Sequence[DistributionList],
    options: Options,
    list_file: str | os.PathLike[str] | None,
    stem: str,
) -> list[Plan]:
    """Each list's variant; the lists read again with each variant, whose banner their subjects show."""
    unclear = _unclear(doc, lists)
    if unclear:
        raise SpecError(unclear)
    lowest = doc.style.scheme.levels[0].name
    made: dict[tuple[str, tuple[str, ...]], tuple[Cleared, dict[str, DistributionList]]] = {}
    found = []
    for dlist in lists:
        clearance = clearance_of(doc, dlist.clearance or lowest, dlist.caveats, dlist.pos)
        key = (clearance.clearance, clearance.caveats)
        if key not in made:
            try:
                variant = cleared(doc, clearance)
            except SpecError as refused:  # said of the list, which is what the writer can change
                raise SpecError(
                    [Problem(dlist.pos, f"the list '{dlist.name}': {p.message}") for p in refused.problems]
                ) from None
            try:
                rendered = {d.name: d for d in read_lists(spec, variant.doc, options, list_file)}
            except SpecError as refused:
                raise SpecError([_hidden(p, variant) for p in refused.problems]) from None
            made[key] = (variant, rendered)
        variant, rendered = made[key]
        found.append(Plan(rendered[dlist.name], variant.doc, variant_stem(stem, variant.doc.variant), variant.withheld))
    return found


_UNDEFINED = re.compile(r"undefined variable: '([^']+)' is undefined")


def _hidden(problem: Problem, variant: Cleared) -> Problem:
    """A list's text that uses a variable the variant withholds, told as such (not as an undefined one)."""
    found = _UNDEFINED.match(problem.message)
    if found is None or found.group(1) not in variant.withheld.variables:
        return problem
    return Problem(
        problem.pos,
        f"the variable '{found.group(1)}' holds words of portions withheld from the "
        f"{variant.doc.classification} variant this list receives: its subject and note may not use it",
    )


def check(plan: Plan, outgoing: Outgoing, files: dict[str, Path]) -> list[str]:
    """What the read-back check finds of the withheld portions in a list's files and its message: one line each."""
    if plan.withheld is None or not plan.withheld.words:
        return []
    # The list's own words (its name, subject and note, the files' names) are the list's to use.
    dlist = plan.list
    own = words_of([dlist.name, dlist.subject, plan.stem, *(span.text for span in dlist.note or ())])
    own |= furniture_words(plan.doc.style)  # what every pack in its style prints, whatever it says
    parts = [(path.name, path.read_bytes()) for path in files.values()]
    parts.append((f"{plan.stem}.{dlist.name}.eml", outgoing.message.as_bytes()))
    return [
        f"{dlist.name}: not sent: {name} holds {count} word{'s' if count > 1 else ''} of portions withheld "
        f"from the {plan.doc.classification} variant"
        for name, count in leaks(parts, frozenset(plan.withheld.words - own)).items()
    ]


def report(plan: Plan) -> list[str]:
    """The dry run's lines about a list's variant: clearance, banner, and where the withheld portions were."""
    variant = plan.doc.variant
    if variant is None or plan.withheld is None:
        return []
    cleared_for = " ".join((variant.clearance, *variant.caveats))
    lines = [
        f"variant: {cleared_for} (banner {plan.doc.classification}), {variant.withheld} "
        f"portion{'' if variant.withheld == 1 else 's'} withheld"
    ]
    lines.extend(f"  withheld: {pos}" for pos in plan.withheld.positions)
    return lines
