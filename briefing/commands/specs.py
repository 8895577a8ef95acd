"""Reading the specs a command names, with the options that change how they are read; and the
commands that only read: validate, formats, lint, verify, schema, show and new."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from .. import registry
from ..errors import Problem, SpecError
from ..limits import Limits, read_limits
from ..model import Briefing
from ..reading.loader import Options, load, resolved_tree
from ..reading.style_files import read_style_file, template_layer
from ..reading.variables import parse_set, read_vars_file
from . import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, Usage

if TYPE_CHECKING:
    from ..lint import Finding

# What only one command needs is imported in it: `build` reads its specs through this module,
# and needs neither the distribution lists (and their address checks) nor the prose checks.


def fail(message: str, status: int) -> int:
    """Print ``message`` where errors go; return ``status``."""
    print(message, file=sys.stderr)
    return status


def read_options(args: argparse.Namespace) -> Options:
    """What the command line adds to every spec: style, template, variables."""
    variables = read_vars_file(args.vars) if args.vars else {}
    variables.update(parse_set(args.set))
    return Options(
        base_style=read_style_file(args.style) if args.style else {},
        style_overrides=template_layer(args.docx_template) if getattr(args, "docx_template", None) else {},
        variables=variables,
        allowed_paths=tuple(allowed(p) for p in args.allow_path),
        limits=read_limits(args.limits) if args.limits else Limits(),
    )


def allowed(path: str) -> Path:
    """A folder given with --allow-path; an empty one would quietly allow the whole working folder."""
    if not path.strip():
        raise Usage("--allow-path: give a folder (an empty value would allow the whole working folder)")
    folder = Path(path).resolve()
    if not folder.is_dir():
        raise Usage(f"--allow-path: '{path}' is not a folder")
    return folder


def load_all(args: argparse.Namespace) -> list[Briefing]:
    """Every spec loaded; all problems of all specs reported together."""
    options = read_options(args)
    docs: list[Briefing] = []
    problems: list[Problem] = []
    for spec in args.specs:
        try:
            docs.append(load(spec, options))
        except SpecError as exc:
            problems.extend(exc.problems)
    if problems:
        raise SpecError(problems)
    return docs


def validate_command(args: argparse.Namespace) -> int:
    from ..distribution import problems_of

    docs = load_all(args)
    options = read_options(args)
    problems = [p for spec, doc in zip(args.specs, docs, strict=True) for p in problems_of(spec, doc, options)]
    if problems:
        raise SpecError(problems)
    for spec, doc in zip(args.specs, docs, strict=True):
        for pos, message in doc.notices:
            print(f"{pos}: warning: {message}", file=sys.stderr)
        print(f"{spec}: ok ({len(doc.sections)} sections)")
    return EXIT_OK


def formats_command(args: argparse.Namespace) -> int:
    status = EXIT_OK
    for name in registry.names():
        try:
            writer = registry.get(name)
            print(f"{name}\t{writer.extension}")
        except registry.WriterUnavailable as exc:
            print(f"{name}\tunavailable: {exc}")
            status = EXIT_FAILED
    return status


def lint_command(args: argparse.Namespace) -> int:
    from .. import accessibility
    from ..lint import fix_file, lint

    if args.fix:
        for spec in args.specs:
            fixed = fix_file(Path(spec))
            if fixed:
                print(f"{spec}: fixed {fixed} slip{'s' if fixed != 1 else ''}", file=sys.stderr)
    found = []
    for doc in load_all(args):
        found.extend(lint(doc))
        found.extend(accessibility.check(doc) if args.accessibility else ())
    return EXIT_FAILED if report(found) else EXIT_OK


def report(findings: list[Finding]) -> bool:
    """Print findings, one a line; True if there were any."""
    for finding in findings:
        print(finding)
    return bool(findings)


def verify_command(args: argparse.Namespace) -> int:
    from ..verify import ManifestError, verify

    try:
        problems = verify(Path(args.manifest))
    except ManifestError as exc:
        return fail(str(exc), EXIT_BAD_INPUT)  # it names the manifest, and where in it
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"{args.manifest}: every file is the one built, from inputs as they were then")
    return EXIT_FAILED if problems else EXIT_OK


def schema_command(args: argparse.Namespace) -> int:
    from ..schema import schema_text

    sys.stdout.write(schema_text())
    return EXIT_OK


def show_command(args: argparse.Namespace) -> int:
    root = resolved_tree(args.spec, read_options(args))
    sys.stdout.write(yaml.serialize(root, Dumper=yaml.SafeDumper, allow_unicode=True))
    return EXIT_OK


def new_command(args: argparse.Namespace) -> int:
    from ..scaffold import new_spec

    try:
        spec, *schema = new_spec(args.name, args.source)
        print(spec)
        for path in schema:
            print(f"{path} (the schema the spec's $schema line names, for editors to check it against)")
    except FileExistsError as exc:
        raise Usage(f"{exc.filename}: already exists; choose another name") from None
    except FileNotFoundError as exc:
        raise Usage(f"{exc.filename}: no such spec") from None
    return EXIT_OK
