"""``briefing build``: packs from specs, in this process or on workers, or one file with ``-o FILE.ext``."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

from .. import batch, cluster, registry
from ..build import Pack, check_folder, write_file, write_pack
from ..errors import BuildError, OutputError, Problem, SpecError, in_order
from ..limits import Limits, read_limits
from ..markings.variant import clearance_of, cleared, variant_stem
from ..model import Briefing
from ..reading.loader import load
from ..reading.variables import render_name
from . import EXIT_FAILED, EXIT_OK, Usage
from .specs import load_all, read_options, report


def build_command(args: argparse.Namespace) -> int:
    single = _single_file(args)
    if single is not None:
        return _build_file(args, *single)
    names = [n.strip() for n in args.format.split(",") if n.strip()] if args.format else registry.names()
    if not names:
        raise Usage("--format names no format")
    for name in names:
        if name not in registry.names():
            raise registry.UnknownFormat(
                f"unknown format '{name}' (known formats: {', '.join(registry.names()) or 'none'})"
            )
    out = Path(args.out)
    check_folder(out)  # a folder that cannot take packs stops everything, before any work
    parallel = args.jobs > 1 or args.scheduler is not None
    writers, status = _writers(names)  # imported here once: forked workers start with them
    limits = read_limits(args.limits) if args.limits else Limits()
    settings = cluster.Settings(limits=limits, allow_mismatch=args.allow_version_mismatch)
    kept: list[Pack] = []
    with ExitStack() as stack:
        pool = stack.enter_context(batch.executor(args.jobs, args.scheduler, settings)) if parallel else None
        loaded: Iterable[tuple[batch.Job, Briefing | None, list[Problem]]] = _loaded(args)
        if args.strict or pool is None:
            loaded = list(loaded)  # every spec read (and its name checked) before anything is written
        if args.strict and _slips([doc for _, doc, _ in loaded if doc]):
            print("briefing: not built: the prose check found slips (see 'briefing lint')", file=sys.stderr)
            return EXIT_FAILED
        problems: list[Problem] = []

        def good() -> Iterator[tuple[batch.Job, Briefing]]:
            for job, doc, found in loaded:
                problems.extend(found)
                done = batch.up_to_date(doc, job.stem, out, names) if doc is not None and args.resume else None
                if done is not None:
                    kept.append(done)
                elif doc is not None:
                    yield job, doc

        if pool is not None:
            total = len(args.specs) * len(_variants(args.each)) * len(writers)
            with batch.progress(total) as tick:
                # Specs are read here while the workers already write the first packs.
                width = getattr(pool, "width", args.jobs)  # a cluster's workers, or the processes started
                outcome = batch.run(good(), [w.name for w in writers], out, pool, tick, settings, width)
        else:
            outcome = _build_here(good(), writers, out)
    for pack in [*kept, *outcome.packs]:
        for warning in pack.warnings:
            print(f"{warning.pos}: warning: {warning.message}", file=sys.stderr)
        for path in pack.paths:
            print(path)
    # Failures last, where they are seen: a bad spec never stopped the others.
    outcome.problems.extend(problems)
    for problem in in_order(outcome.problems):
        print(problem, file=sys.stderr)
    for notice in outcome.notices:
        print(f"briefing: warning: {notice}", file=sys.stderr)
    for error in outcome.errors:
        print(f"briefing: {error}", file=sys.stderr)
    if outcome.lost:
        lost = ", ".join(outcome.lost)
        print(f"briefing: not built, their workers lost: {lost}; --resume builds only these", file=sys.stderr)
    return outcome.status or status


def _single_file(args: argparse.Namespace) -> tuple[registry.Writer, Path] | None:
    """The format and file of ``-o FILE.ext``; None for a folder (``-o FOLDER/``, an existing folder, no extension)."""
    out = args.out
    if out.endswith(("/", os.sep)) or Path(out).is_dir():
        return None
    suffix = Path(out).suffix.lower()
    named = next((n for n in registry.names() if f".{n}" == suffix), None)  # a format's extension is its name
    if named is None:
        return None
    folder = Path(out).with_suffix("")
    asked = [n.strip() for n in args.format.split(",") if n.strip()] if args.format else [named]
    if asked != [named]:
        raise Usage(
            f"-o {out} names a {named} file, but --format asks for {', '.join(asked)}:"
            f" drop one of them, or give a folder (-o {folder}/) for a pack"
        )
    if len(args.specs) > 1 or args.each:
        raise Usage(f"-o {out} writes one file: give one spec, or a folder (-o {folder}/) for packs")
    if args.out_name:
        raise Usage(f"-o {out} names the file already: drop --out-name, or give a folder for -o")
    return registry.get(named), Path(out)


def _build_file(args: argparse.Namespace, writer: registry.Writer, path: Path) -> int:
    """``briefing build SPEC -o brief.pdf``: that one file, in the format its extension names."""
    (doc,) = load_all(args)
    if args.clearance:  # the one file is the variant's: never the whole pack under the name asked for
        doc = cleared(doc, clearance_of(doc, args.clearance, args.caveat)).doc
    elif args.caveat:
        raise Usage("--caveat goes with --clearance LEVEL")
    if args.strict and _slips([doc]):
        print("briefing: not built: the prose check found slips (see 'briefing lint')", file=sys.stderr)
        return EXIT_FAILED
    pack = write_file(doc, writer, path)
    for warning in pack.warnings:
        print(f"{warning.pos}: warning: {warning.message}", file=sys.stderr)
    print(path)
    return EXIT_OK


def _writers(names: list[str]) -> tuple[list[registry.Writer], int]:
    """The writers of ``names`` that load; the others are reported and left out."""
    writers, status = [], EXIT_OK
    for name in names:
        try:
            writers.append(registry.get(name))
        except registry.WriterUnavailable as exc:
            print(f"briefing: {exc}", file=sys.stderr)  # the other formats still get built
            status = EXIT_FAILED
    return writers, status


def _build_here(jobs: Iterable[tuple[batch.Job, Briefing]], writers: list[registry.Writer], out: Path) -> batch.Outcome:
    """Build packs one after the other in this process."""
    outcome = batch.Outcome()
    for job, doc in jobs:
        try:
            outcome.packs.append(write_pack(doc, job.stem, writers, out))
        except SpecError as exc:
            outcome.problems.extend(exc.problems)
        except OutputError:
            raise  # no pack can be written there
        except BuildError as exc:
            outcome.errors.append(str(exc))
    return outcome


def _loaded(args: argparse.Namespace) -> Iterator[tuple[batch.Job, Briefing | None, list[Problem]]]:
    """A job per spec and ``--each`` variant, read one after the other: its model (None for a bad spec) and problems."""
    options = read_options(args)
    variants = _variants(args.each)
    template = args.out_name or ("{{ spec }}-" + "-".join(f"{{{{ {n} }}}}" for n in variants[0]) if args.each else None)
    stems: set[str] = set()
    if args.caveat and not args.clearance:
        raise Usage("--caveat goes with --clearance LEVEL")
    for spec in args.specs:
        for values in variants:
            job_options = replace(options, variables={**options.variables, **values})
            try:
                doc = load(spec, job_options)
                doc = cleared(doc, clearance_of(doc, args.clearance, args.caveat)).doc if args.clearance else doc
            except SpecError as exc:
                yield batch.Job(spec, Path(spec).stem), None, list(exc.problems)
                continue
            stem = render_name(template, doc.variables) if template else Path(spec).stem
            stem = variant_stem(stem, doc.variant)
            if stem in stems:
                raise Usage("two specs would be written to the same file names")
            stems.add(stem)
            yield batch.Job(spec, stem), doc, []


def _variants(each: list[str]) -> list[dict[str, str]]:
    """The variable values of ``--each NAME=V1,V2`` options: every combination (one empty one without)."""
    combos: list[dict[str, str]] = [{}]
    for item in each:
        name, sep, values = item.partition("=")
        if not sep or not name.strip().isidentifier() or not values.strip():
            raise Usage(f"--each takes NAME=VALUE,VALUE..., not '{item}'")
        choices = [v.strip() for v in values.split(",") if v.strip()]
        combos = [{**c, name.strip(): v} for c in combos for v in choices]
    return combos


def _slips(docs: list[Briefing]) -> bool:
    """``--strict``: the prose check's findings printed; True if there were any."""
    from ..lint import lint  # only --strict checks the prose

    return report([finding for doc in docs for finding in lint(doc)])
