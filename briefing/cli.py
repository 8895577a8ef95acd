"""The ``briefing`` command: build, check, show and send packs."""

from __future__ import annotations

import argparse
import difflib
import getpass
import os
import re
import sys
import textwrap
import traceback
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

import yaml

from . import __version__, accessibility, batch, registry
from .build import check_folder, current_pack, write_file, write_pack
from .distribution import choose, problems_of, read_lists
from .errors import BuildError, OutputError, Problem, SpecError, in_order
from .layout import lay_out
from .limits import Limits, read_limits
from .lint import Finding, fix_file, lint
from .mail import OverBudget, message_for, parse_size
from .markings import sending
from .markings.variant import clearance_of, cleared, variant_stem, variants_of
from .model import Briefing
from .reading import compose
from .reading.loader import Options, load, resolved_tree
from .reading.style_files import bundled_names, read_style_file, template_layer
from .reading.variables import parse_set, read_vars_file, render_name
from .scaffold import new_spec
from .schema import schema_text
from .send import (
    LOG_SUFFIX,
    LogError,
    SendLog,
    SettingsError,
    content_key,
    deliver,
    dry_run_report,
    settings,
    write_eml,
)
from .smtp import DEADLINE
from .verify import ManifestError, verify

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class _Usage(Exception):
    """Bad command-line arguments."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        wrong = re.match(r"argument COMMAND: invalid choice: '([^']*)'", message)
        if wrong:
            close = difflib.get_close_matches(wrong.group(1), list(_COMMANDS), n=1, cutoff=0.5)
            hint = f" (did you mean '{close[0]}'?)" if close else f" (commands: {', '.join(_COMMANDS)})"
            raise _Usage(f"unknown command '{wrong.group(1)}'{hint}; see 'briefing --help'")
        raise _Usage(f"{message} (see '{self.prog} --help')")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="briefing", description="Turn a YAML spec into a briefing pack.")
    parser.add_argument("--version", action="version", version=f"briefing {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of unexpected errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    build = _command(
        commands,
        "build",
        "build packs from specs",
        "Write each spec as Word, PDF, Excel and HTML files (a pack, with its manifest) into a folder,"
        " or as one file with -o FILE.ext.",
        "briefing build specs/mali-russia.yaml",
        "briefing build specs/mali-russia.yaml -o brief.pdf",
        "briefing build specs/sahel-weekly.yaml --set country=Niger --set date=2026-12-08 -t pdf,docx",
        "briefing build specs/sahel-weekly.yaml --clearance OFFICIAL-SENSITIVE",
    )
    build.add_argument("specs", nargs="+", metavar="SPEC", help="spec files (YAML)")
    build.add_argument(
        "--format", "-f", "-t", help="comma-separated formats (default: all registered, or the one -o FILE.ext names)"
    )
    build.add_argument(
        "--out",
        "-o",
        default="output",
        metavar="FOLDER/|FILE.ext",
        help="folder of the packs (default: output), or one file in the format its extension names (brief.pdf)",
    )
    build.add_argument("--out-name", metavar="TEMPLATE", help="output file name, e.g. '{{ country }}-{{ date }}'")
    build.add_argument("--strict", action="store_true", help="refuse to build when the prose check finds something")
    build.add_argument(
        "--each",
        action="append",
        default=[],
        metavar="NAME=V1,V2",
        help="build each spec once per value of a variable (repeatable: every combination)",
    )
    build.add_argument(
        "--jobs",
        "-j",
        type=_count,
        default=1,
        metavar="N",
        help=f"build in N processes at once (this machine has {batch.cpu_count()} cores)",
    )
    build.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="build on a Dask cluster, e.g. tcp://host:8786; the files come back to --out",
    )
    build.add_argument(
        "--clearance",
        metavar="LEVEL",
        help="build the variant for readers of this level: no portion above it (see 'Markings and variants')",
    )
    build.add_argument(
        "--caveat",
        action="append",
        default=[],
        metavar="CAVEAT",
        help="with --clearance: a caveat its readers meet, e.g. 'UK EYES ONLY' (repeatable)",
    )
    _spec_options(build, building=True)

    validate = _command(
        commands,
        "validate",
        "check specs without writing anything",
        "Read each spec with its bases, includes, variables, data files and distribution lists, and report"
        " every problem, one line each (FILE:LINE:COL: message); nothing is written.",
        "briefing validate specs/*.yaml",
        "briefing validate specs/sahel-weekly.yaml --set country=Niger",
    )
    validate.add_argument("specs", nargs="+", metavar="SPEC", help="spec files (YAML)")
    _spec_options(validate)

    _command(
        commands,
        "formats",
        "list the registered output formats",
        "List each output format and the extension of its files, and say which cannot be loaded.",
        "briefing formats",
    )
    _command(
        commands,
        "schema",
        "print the JSON Schema of specs, for editors",
        "Print the JSON Schema (draft 2020-12) of specs, a description for every key, for editors to check"
        " and complete specs with.",
        "briefing schema > briefing.schema.json",
    )

    check = _command(
        commands,
        "verify",
        "check that a pack's files are the ones built",
        "Check that every file of a pack is the one its manifest records, built from inputs as they were then.",
        "briefing verify output/mali-russia.manifest.json",
    )
    check.add_argument("manifest", metavar="MANIFEST", help="the pack's manifest: DIR/NAME.manifest.json")

    lint = _command(
        commands,
        "lint",
        "check the prose of specs: case, spacing, doubled words, spelling",
        "Check the prose of specs: sentences starting in lower case, missing spaces, doubled words, common"
        " misspellings, unbalanced brackets and quotes, tables without a title. One line a finding;"
        " exit status 1 when there are any.",
        "briefing lint specs/mali-russia.yaml",
        "briefing lint specs/mali-russia.yaml --fix",
    )
    lint.add_argument("specs", nargs="+", metavar="SPEC", help="spec files (YAML)")
    lint.add_argument("--fix", action="store_true", help="fix the safe, mechanical slips in the spec files")
    lint.add_argument(
        "--accessibility",
        action="store_true",
        help="also check what screen readers and low vision need: alt text, headings, table headers, "
        "link texts, colour contrast, languages",
    )
    _spec_options(lint)

    show = _command(
        commands,
        "show",
        "print a spec after its bases, includes and variables",
        "Print the spec as it will be built: bases merged, includes inserted, variables filled in.",
        "briefing show specs/sahel-weekly.yaml --set country=Niger",
    )
    show.add_argument("spec", metavar="SPEC", help="spec file (YAML)")
    show.add_argument("--resolved", action="store_true", help="show what will be built (the default)")
    _spec_options(show)

    serve = _command(
        commands,
        "serve",
        "a live preview in the browser, rebuilt when the spec is saved",
        "Serve a live preview of the briefing (HTML, the PDF's pages, the Excel sheets) that follows every"
        " save of the spec, its bases, data files and pictures. Needs the serve extra.",
        "briefing serve specs/mali-russia.yaml",
        "briefing serve specs/sahel-weekly.yaml --set country=Niger --port 8800",
    )
    serve.add_argument("spec", metavar="SPEC", help="spec file (YAML)")
    serve.add_argument("--port", type=int, default=8765, help="port to serve on (default 8765)")
    serve.add_argument(
        "--host",
        default=None,
        help="address to serve on (default 127.0.0.1: this machine only; any other lets others read the briefing)",
    )
    serve.add_argument("--out", "-o", default="output", help="folder the Build pack button writes into")
    _spec_options(serve, building=True)
    send = _command(
        commands,
        "send",
        "build a pack and mail it to its distribution lists",
        "Build the pack (unless it is there already, built from these very inputs) and mail it to each"
        " distribution list; a send log keeps a list from getting the same files twice.",
        "briefing send specs/mali-russia.yaml --dry-run",
        "briefing send specs/mali-russia.yaml --list ministers --smtp-host smtp.example.org",
    )
    send.add_argument("spec", metavar="SPEC", help="spec file (YAML)")
    send.add_argument(
        "--list",
        "-l",
        action="append",
        default=[],
        dest="lists",
        metavar="NAME",
        help="send to this list only (repeatable; default: every list)",
    )
    send.add_argument("--distribution", metavar="FILE", help="read the lists from this YAML file, not the spec")
    send.add_argument("--dry-run", action="store_true", help="write one .eml file per list into --out; send nothing")
    send.add_argument("--out", "-o", default="output", help="folder of the pack, the .eml files and the send log")
    send.add_argument("--resend", action="store_true", help="send even to lists that already had these files")
    send.add_argument(
        "--max-size",
        default="20MB",
        metavar="SIZE",
        help="largest message sent with its files as they are, encoded (default 20MB); larger go as one .zip",
    )
    send.add_argument("--html", action="store_true", help="put the whole briefing in the mail's HTML body")
    send.add_argument("--smtp-host", metavar="HOST", help="SMTP server (or BRIEFING_SMTP_HOST)")
    send.add_argument("--smtp-port", metavar="PORT", help="its port (or BRIEFING_SMTP_PORT; default by security)")
    send.add_argument(
        "--smtp-security",
        metavar="MODE",
        help="starttls (default), tls or none (or BRIEFING_SMTP_SECURITY)",
    )
    send.add_argument(
        "--smtp-user",
        metavar="USER",
        help="log in as USER (or BRIEFING_SMTP_USER); the password comes from BRIEFING_SMTP_PASSWORD or a prompt",
    )
    send.add_argument("--from", dest="sender", metavar="ADDRESS", help="the sender (or BRIEFING_SMTP_FROM)")
    send.add_argument(
        "--smtp-timeout",
        type=float,
        default=DEADLINE,
        metavar="SECONDS",
        help=f"longest time one list's conversation with the server may take (default {DEADLINE})",
    )
    send.add_argument(
        "--allow-plain-auth",
        action="store_true",
        help="let --smtp-security none log in, sending the password unprotected",
    )
    _spec_options(send, building=True)

    new = _command(
        commands,
        "new",
        "write a starting spec that builds as it is",
        "Write NAME.yaml, a starting spec that builds as it is (or a copy of another spec), with the schema"
        " beside it for editors.",
        "briefing new weekly",
        "briefing new niger --from specs/sahel-weekly.yaml",
    )
    new.add_argument("name", metavar="NAME", help="file to write (NAME.yaml)")
    new.add_argument("--from", dest="source", metavar="SPEC", help="start from a copy of this spec")
    return parser


def _count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a number of processes, 1 or more, not '{text}'")
    return int(text)


def _command(
    commands: argparse._SubParsersAction, name: str, summary: str, description: str, *examples: str
) -> _Parser:  # type: ignore[type-arg]
    """A subcommand whose --help has a description and examples."""
    lines = "\n".join(f"  {e}" for e in examples)
    return commands.add_parser(  # type: ignore[no-any-return]
        name,
        help=summary,
        description=textwrap.fill(description, 78),
        epilog=f"example{'s' if len(examples) > 1 else ''}:\n{lines}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def _spec_options(parser: argparse.ArgumentParser, building: bool = False) -> None:
    """Options that change how a spec is read: style, variables; and a Word template for the commands that build."""
    names = ", ".join(bundled_names())
    parser.add_argument(
        "--style", "-s", metavar="NAME|FILE", help=f"house style: a bundled one ({names}) or a YAML file"
    )
    if building:
        parser.add_argument(
            "--docx-template", metavar="FILE", help="Word document to start from (as pandoc's --reference-doc)"
        )
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="set a variable (repeatable)")
    parser.add_argument("--vars", metavar="FILE", help="YAML file of variables")
    parser.add_argument(
        "--allow-path", action="append", default=[], metavar="DIR", help="let the spec name files in DIR too"
    )
    parser.add_argument(
        "--limits", metavar="FILE", help="YAML file raising what reading a trusted spec may cost (see SECURITY.md)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    debug = "--debug" in (sys.argv[1:] if argv is None else argv)
    compose.SHOW_PARSER_TEXT = debug  # a YAML error in the user's words, and with --debug in the parser's too
    try:
        args = _parser().parse_args(argv)
        return _COMMANDS[args.command](args)
    except _Usage as exc:
        return _fail(f"briefing: {exc}", EXIT_BAD_INPUT)
    except SpecError as exc:
        return _fail(str(exc), EXIT_BAD_INPUT)
    except registry.UnknownFormat as exc:
        return _fail(f"briefing: {exc.args[0]}", EXIT_BAD_INPUT)
    except OutputError as exc:
        return _fail(f"briefing: {exc}", EXIT_BAD_INPUT)
    except (BuildError, registry.WriterUnavailable) as exc:
        return _fail(f"briefing: {exc}", EXIT_FAILED)
    except LogError as exc:
        return _fail(f"briefing: {exc}; nothing more is sent", EXIT_FAILED)
    except KeyboardInterrupt:
        return _fail("briefing: interrupted", EXIT_FAILED)
    except Exception as exc:  # last resort: one line, unless asked for more
        if debug:
            traceback.print_exc()
        return _fail(f"briefing: unexpected error: {type(exc).__name__}: {exc} (rerun with --debug)", EXIT_FAILED)


def _fail(message: str, status: int) -> int:
    print(message, file=sys.stderr)
    return status


def _options(args: argparse.Namespace) -> Options:
    """What the command line adds to every spec: style, template, variables."""
    variables = read_vars_file(args.vars) if args.vars else {}
    variables.update(parse_set(args.set))
    return Options(
        base_style=read_style_file(args.style) if args.style else {},
        style_overrides=template_layer(args.docx_template) if getattr(args, "docx_template", None) else {},
        variables=variables,
        allowed_paths=tuple(_allowed(p) for p in args.allow_path),
        limits=read_limits(args.limits) if args.limits else Limits(),
    )


def _allowed(path: str) -> Path:
    """A folder given with --allow-path; an empty one would quietly allow the whole working folder."""
    if not path.strip():
        raise _Usage("--allow-path: give a folder (an empty value would allow the whole working folder)")
    folder = Path(path).resolve()
    if not folder.is_dir():
        raise _Usage(f"--allow-path: '{path}' is not a folder")
    return folder


def _load_all(args: argparse.Namespace) -> list[Briefing]:
    """Every spec loaded; all problems of all specs reported together."""
    options = _options(args)
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


def _build(args: argparse.Namespace) -> int:
    single = _single_file(args)
    if single is not None:
        return _build_file(args, *single)
    names = [n.strip() for n in args.format.split(",") if n.strip()] if args.format else registry.names()
    if not names:
        raise _Usage("--format names no format")
    for name in names:
        if name not in registry.names():
            raise registry.UnknownFormat(
                f"unknown format '{name}' (known formats: {', '.join(registry.names()) or 'none'})"
            )
    out = Path(args.out)
    check_folder(out)  # a folder that cannot take packs stops everything, before any work
    parallel = args.jobs > 1 or args.scheduler is not None
    writers, status = _writers(names)  # imported here once: forked workers start with them
    with ExitStack() as stack:
        pool = stack.enter_context(batch.executor(args.jobs, args.scheduler)) if parallel else None
        loaded: Iterable[tuple[batch.Job, Briefing | None, list[Problem]]] = _loaded(args)
        if args.strict or pool is None:
            loaded = list(loaded)  # every spec read (and its name checked) before anything is written
        if args.strict and _report([f for _, doc, _ in loaded if doc for f in lint(doc)]):
            print("briefing: not built: the prose check found slips (see 'briefing lint')", file=sys.stderr)
            return EXIT_FAILED
        problems: list[Problem] = []

        def good() -> Iterator[tuple[batch.Job, Briefing]]:
            for job, doc, found in loaded:
                problems.extend(found)
                if doc is not None:
                    yield job, doc

        if pool is not None:
            total = len(args.specs) * len(_variants(args.each)) * len(writers)
            with batch.progress(total) as tick:
                # Specs are read here while the workers already write the first packs.
                outcome = batch.run(good(), [w.name for w in writers], out, pool, tick)
        else:
            outcome = _build_here(good(), writers, out)
    for pack in outcome.packs:
        for warning in pack.warnings:
            print(f"{warning.pos}: warning: {warning.message}", file=sys.stderr)
        for path in pack.paths:
            print(path)
    # Failures last, where they are seen: a bad spec never stopped the others.
    outcome.problems.extend(problems)
    for problem in in_order(outcome.problems):
        print(problem, file=sys.stderr)
    for error in outcome.errors:
        print(f"briefing: {error}", file=sys.stderr)
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
        raise _Usage(
            f"-o {out} names a {named} file, but --format asks for {', '.join(asked)}:"
            f" drop one of them, or give a folder (-o {folder}/) for a pack"
        )
    if len(args.specs) > 1 or args.each:
        raise _Usage(f"-o {out} writes one file: give one spec, or a folder (-o {folder}/) for packs")
    if args.out_name:
        raise _Usage(f"-o {out} names the file already: drop --out-name, or give a folder for -o")
    return registry.get(named), Path(out)


def _build_file(args: argparse.Namespace, writer: registry.Writer, path: Path) -> int:
    """``briefing build SPEC -o brief.pdf``: that one file, in the format its extension names."""
    (doc,) = _load_all(args)
    if args.clearance:  # the one file is the variant's: never the whole pack under the name asked for
        doc = cleared(doc, clearance_of(doc, args.clearance, args.caveat)).doc
    elif args.caveat:
        raise _Usage("--caveat goes with --clearance LEVEL")
    if args.strict and _report(lint(doc)):
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
    options = _options(args)
    variants = _variants(args.each)
    template = args.out_name or ("{{ spec }}-" + "-".join(f"{{{{ {n} }}}}" for n in variants[0]) if args.each else None)
    stems: set[str] = set()
    if args.caveat and not args.clearance:
        raise _Usage("--caveat goes with --clearance LEVEL")
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
                raise _Usage("two specs would be written to the same file names")
            stems.add(stem)
            yield batch.Job(spec, stem), doc, []


def _variants(each: list[str]) -> list[dict[str, str]]:
    """The variable values of ``--each NAME=V1,V2`` options: every combination (one empty one without)."""
    combos: list[dict[str, str]] = [{}]
    for item in each:
        name, sep, values = item.partition("=")
        if not sep or not name.strip().isidentifier() or not values.strip():
            raise _Usage(f"--each takes NAME=VALUE,VALUE..., not '{item}'")
        choices = [v.strip() for v in values.split(",") if v.strip()]
        combos = [{**c, name.strip(): v} for c in combos for v in choices]
    return combos


def _validate(args: argparse.Namespace) -> int:
    docs = _load_all(args)
    options = _options(args)
    problems = [p for spec, doc in zip(args.specs, docs, strict=True) for p in problems_of(spec, doc, options)]
    if problems:
        raise SpecError(problems)
    for spec, doc in zip(args.specs, docs, strict=True):
        for pos, message in doc.notices:
            print(f"{pos}: warning: {message}", file=sys.stderr)
        print(f"{spec}: ok ({len(doc.sections)} sections)")
    return EXIT_OK


def _formats(args: argparse.Namespace) -> int:
    status = EXIT_OK
    for name in registry.names():
        try:
            writer = registry.get(name)
            print(f"{name}\t{writer.extension}")
        except registry.WriterUnavailable as exc:
            print(f"{name}\tunavailable: {exc}")
            status = EXIT_FAILED
    return status


def _lint(args: argparse.Namespace) -> int:
    if args.fix:
        for spec in args.specs:
            fixed = fix_file(Path(spec))
            if fixed:
                print(f"{spec}: fixed {fixed} slip{'s' if fixed != 1 else ''}", file=sys.stderr)
    found = []
    for doc in _load_all(args):
        found.extend(lint(doc))
        found.extend(accessibility.check(doc) if args.accessibility else ())
    return EXIT_FAILED if _report(found) else EXIT_OK


def _report(findings: list[Finding]) -> bool:
    """Print findings, one a line; True if there were any."""
    for finding in findings:
        print(finding)
    return bool(findings)


def _verify(args: argparse.Namespace) -> int:
    try:
        problems = verify(Path(args.manifest))
    except ManifestError as exc:
        return _fail(str(exc), EXIT_BAD_INPUT)  # it names the manifest, and where in it
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"{args.manifest}: every file is the one built, from inputs as they were then")
    return EXIT_FAILED if problems else EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    sys.stdout.write(schema_text())
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    root = resolved_tree(args.spec, _options(args))
    sys.stdout.write(yaml.serialize(root, Dumper=yaml.SafeDumper, allow_unicode=True))
    return EXIT_OK


def _send(args: argparse.Namespace) -> int:
    try:
        max_size = parse_size(args.max_size)
    except ValueError as exc:
        raise _Usage(f"--max-size: {exc}") from None
    options = _options(args)
    doc = load(args.spec, options)
    every_list = read_lists(args.spec, doc, options, args.distribution)
    lists = choose(every_list, args.lists)
    smtp = None
    if not args.dry_run:  # settings are checked before anything is built
        smtp_options = {
            "host": args.smtp_host,
            "port": args.smtp_port,
            "security": args.smtp_security,
            "user": args.smtp_user,
            "sender": args.sender,
        }
        try:
            smtp = settings(smtp_options, os.environ, getpass.getpass, args.smtp_timeout, args.allow_plain_auth)
        except SettingsError as exc:
            raise _Usage(str(exc)) from None
    stem, out = Path(args.spec).stem, Path(args.out)
    sender = smtp.sender if smtp else (args.sender or os.environ.get("BRIEFING_SMTP_FROM") or "briefing@localhost")
    if sending.marked(doc, every_list):  # each list its own variant
        plans = sending.plans(args.spec, doc, lists, options, args.distribution, stem)
    else:
        plans = [sending.Plan(d, doc, stem, None) for d in lists]
    # Each pack laid out once: held here, its layout serves its files and its lists' mail bodies.
    laid = {plan.stem: lay_out(plan.doc) for plan in plans}
    contents = {plan.stem: content_key(plan.doc) for plan in plans}
    packs: dict[str, dict[str, Path]] = {}
    outgoing, failed, refused = [], 0, []
    for plan in plans:
        # Every list of a pack counts, so that sending to one list and then the others sends the same files.
        needed = [f for d in (every_list if plan.withheld is None else []) for f in d.formats]
        needed += [f for p in plans if p.stem == plan.stem for f in p.list.formats]
        needed += ["html"] if args.html else []  # the page is the mail's body
        if plan.stem not in packs:
            packs[plan.stem] = current_pack(laid[plan.stem].doc, plan.stem, out, needed)
        built = packs[plan.stem]
        try:
            item = message_for(plan.doc, plan.list, built, plan.stem, sender, max_size, args.html, contents[plan.stem])
        except OverBudget as exc:
            print(f"{plan.list.name}: not sent: {exc}", file=sys.stderr)
            failed += 1
            continue
        refused.extend(sending.check(plan, item, {f: built[f] for f in plan.list.formats}))
        outgoing.append((plan, item))
    if refused:  # read back before any byte goes out: one hit stops the whole send
        for line in refused:
            print(line, file=sys.stderr)
        print("briefing: nothing sent: a variant holds words of portions it withholds", file=sys.stderr)
        return EXIT_FAILED
    if smtp is None:
        placeholder = not (args.sender or os.environ.get("BRIEFING_SMTP_FROM"))
        for plan, item in outgoing:
            path = out / f"{plan.stem}.{item.list.name}.eml"
            write_eml(item, path)
            print(path)
            for line in [*sending.report(plan), *dry_run_report(item, placeholder)]:
                print(f"  {line}")
    else:
        with SendLog(out / f"{stem}{LOG_SUFFIX}") as log:  # locked: a second run waits for none of it
            failed += deliver([item for _, item in outgoing], smtp, log, args.resend, _say)
    return EXIT_FAILED if failed else EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    try:
        from .serve.run import is_loopback, serve
    except ImportError as exc:
        raise _Usage(
            f"the preview needs the serve extra ({exc.name} is missing): pip install 'briefing[serve]'"
        ) from None
    options = _options(args)
    spec = Path(args.spec)
    if not spec.is_file():
        raise _Usage(f"{spec}: no such spec")
    host = args.host or "127.0.0.1"
    if not is_loopback(host):
        print(
            f"briefing: warning: serving on {host}: anyone who can reach this address can read the briefing",
            file=sys.stderr,
        )

    def build(variant: str) -> list[str]:
        """The pack the preview shows: the whole pack, or the variant chosen (named as ``variants_of`` names it)."""
        doc = load(spec, options)
        chosen = variants_of(doc).get(variant) if variant else None
        if variant and chosen is None:
            raise BuildError(f"no variant '{variant}' of {spec}")
        doc = cleared(doc, chosen).doc if chosen is not None else doc
        writers = [registry.get(f) for f in registry.names()]
        pack = write_pack(doc, variant_stem(spec.stem, doc.variant), writers, Path(args.out))
        return [str(p) for p in (*pack.paths, *([pack.manifest] if pack.manifest else []))]

    # The spec's folder holds its bases, includes, data and pictures; a style file or Word template
    # given on the command line may live elsewhere.
    given = [Path(f).resolve().parent for f in (args.style, args.docx_template) if f and Path(f).is_file()]
    folders = list(dict.fromkeys([spec.resolve().parent, *options.allowed_paths, *given]))
    return serve(spec, options, host, args.port, build, folders, Path(args.out))


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _new(args: argparse.Namespace) -> int:
    try:
        spec, *schema = new_spec(args.name, args.source)
        print(spec)
        for path in schema:
            print(f"{path} (the schema the spec's $schema line names, for editors to check it against)")
    except FileExistsError as exc:
        raise _Usage(f"{exc.filename}: already exists; choose another name") from None
    except FileNotFoundError as exc:
        raise _Usage(f"{exc.filename}: no such spec") from None
    return EXIT_OK


_COMMANDS = {
    "build": _build,
    "validate": _validate,
    "formats": _formats,
    "schema": _schema,
    "lint": _lint,
    "verify": _verify,
    "show": _show,
    "new": _new,
    "send": _send,
    "serve": _serve,
}


if __name__ == "__main__":
    sys.exit(main())
