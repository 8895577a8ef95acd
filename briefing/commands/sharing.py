"""The commands that hand a briefing to its readers: ``send`` (mail to its lists) and ``serve`` (a live preview)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from .. import registry
from ..build import current_pack, write_pack
from ..distribution import choose, read_lists
from ..errors import BuildError
from ..layout import lay_out
from ..mail import OverBudget, message_for, parse_size
from ..markings import sending
from ..markings.variant import cleared, variant_stem, variants_of
from ..reading.loader import load
from ..send import (
    LOG_SUFFIX,
    SendLog,
    SettingsError,
    content_key,
    deliver,
    dry_run_report,
    settings,
    write_eml,
)
from ..smtp import DEADLINE
from . import EXIT_FAILED, EXIT_OK, Usage
from .specs import read_options


def send_command(args: argparse.Namespace) -> int:
    try:
        max_size = parse_size(args.max_size)
    except ValueError as exc:
        raise Usage(f"--max-size: {exc}") from None
    options = read_options(args)
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
            deadline = DEADLINE if args.smtp_timeout is None else args.smtp_timeout
            smtp = settings(smtp_options, os.environ, getpass.getpass, deadline, args.allow_plain_auth)
        except SettingsError as exc:
            raise Usage(str(exc)) from None
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
            failed += deliver([item for _, item in outgoing], smtp, log, args.resend, say)
    return EXIT_FAILED if failed else EXIT_OK


def serve_command(args: argparse.Namespace) -> int:
    try:
        from ..serve.run import is_loopback, serve
    except ImportError as exc:
        raise Usage(
            f"the preview needs the serve extra ({exc.name} is missing): pip install 'briefing[serve]'"
        ) from None
    options = read_options(args)
    spec = Path(args.spec)
    if not spec.is_file():
        raise Usage(f"{spec}: no such spec")
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


def say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
