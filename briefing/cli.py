"""The ``briefing`` command: build, check, show and send packs.

This module holds the arguments and runs the command asked for; each command's code lives in
``briefing.commands`` and is imported only when that command runs, so that ``briefing --help``
starts at once and ``briefing build`` reads no mail or preview code.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
import textwrap
import traceback
from collections.abc import Callable, Sequence
from importlib import import_module
from typing import NoReturn

from . import __version__
from .commands import EXIT_BAD_INPUT, EXIT_FAILED, Usage
from .house_styles import bundled_names


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        wrong = re.match(r"argument COMMAND: invalid choice: '([^']*)'", message)
        if wrong:
            close = difflib.get_close_matches(wrong.group(1), list(_COMMANDS), n=1, cutoff=0.5)
            hint = f" (did you mean '{close[0]}'?)" if close else f" (commands: {', '.join(_COMMANDS)})"
            raise Usage(f"unknown command '{wrong.group(1)}'{hint}; see 'briefing --help'")
        raise Usage(f"{message} (see '{self.prog} --help')")


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
        help=f"build in N processes at once (this machine has {_cores()} cores)",
    )
    build.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="build on a Dask cluster, e.g. tcp://host:8786; the files come back to --out",
    )
    build.add_argument(
        "--allow-version-mismatch",
        action="store_true",
        help="with --scheduler: build on workers whose libraries differ from this machine's (their files may differ)",
    )
    build.add_argument(
        "--resume", action="store_true", help="build only the packs not already built from the same content"
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
        metavar="SECONDS",
        # The default is briefing.smtp.DEADLINE, given here in words: the mail code is not loaded for --help.
        help=f"longest time one list's conversation with the server may take (default {_DEADLINE_WORDS})",
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
    try:
        args = _parser().parse_args(argv)
        command = _command_function(args.command)
        from .reading import compose  # loaded by every command that reads a spec

        compose.SHOW_PARSER_TEXT = debug  # a YAML error in the user's words, and with --debug in the parser's too
        return command(args)
    except KeyboardInterrupt:
        return _fail("briefing: interrupted", EXIT_FAILED)
    except Exception as exc:
        return _failed(exc, debug)


def _failed(exc: Exception, debug: bool) -> int:
    """The exit status of a command that raised ``exc``, its one line printed."""
    from . import registry
    from .errors import BuildError, LogError, OutputError, SpecError  # loaded already by whatever raised them

    if isinstance(exc, Usage):
        return _fail(f"briefing: {exc}", EXIT_BAD_INPUT)
    if isinstance(exc, SpecError):
        return _fail(str(exc), EXIT_BAD_INPUT)
    if isinstance(exc, registry.UnknownFormat):
        return _fail(f"briefing: {exc.args[0]}", EXIT_BAD_INPUT)
    if isinstance(exc, OutputError):
        return _fail(f"briefing: {exc}", EXIT_BAD_INPUT)
    if isinstance(exc, (BuildError, registry.WriterUnavailable)):
        return _fail(f"briefing: {exc}", EXIT_FAILED)
    if isinstance(exc, LogError):
        return _fail(f"briefing: {exc}; nothing more is sent", EXIT_FAILED)
    if debug:  # last resort: one line, unless asked for more
        traceback.print_exc()
    return _fail(f"briefing: unexpected error: {type(exc).__name__}: {exc} (rerun with --debug)", EXIT_FAILED)


def _fail(message: str, status: int) -> int:
    print(message, file=sys.stderr)
    return status


_DEADLINE_WORDS = "180"
"""briefing.smtp.DEADLINE as ``send --help`` shows it (a test holds them equal)."""


def _cores() -> int:
    """Cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


_COMMANDS = {
    "build": "build:build_command",
    "validate": "specs:validate_command",
    "formats": "specs:formats_command",
    "schema": "specs:schema_command",
    "lint": "specs:lint_command",
    "verify": "specs:verify_command",
    "show": "specs:show_command",
    "new": "specs:new_command",
    "send": "sharing:send_command",
    "serve": "sharing:serve_command",
}
"""Each command's function, as MODULE:NAME in briefing.commands, imported when the command runs."""


def _command_function(name: str) -> Callable[[argparse.Namespace], int]:
    module, _, function = _COMMANDS[name].partition(":")
    return getattr(import_module(f"{__package__}.commands.{module}"), function)  # type: ignore[no-any-return]


if __name__ == "__main__":
    sys.exit(main())
