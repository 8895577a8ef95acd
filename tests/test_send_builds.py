"""A dry run into an empty folder builds what it sends: the lists' files, and the HTML page that --html sends."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

from briefing.cli import main

SPEC = """\
title: Sahel Outlook
date: 2026-11-24
sections:
  - heading: Situation
    content:
      - paragraph: Attacks around Ménaka continue.
distribution:
  - name: ministers
    to: ["Private Office <private.office@example.org>"]
    formats: [pdf]
"""


def test_a_dry_run_with_html_builds_the_page_it_sends(tmp_path):
    spec = tmp_path / "brief.yaml"
    spec.write_text(SPEC)
    out = tmp_path / "out"
    assert main(["send", str(spec), "--dry-run", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.glob("brief.*")) == ["brief.manifest.json", "brief.ministers.eml", "brief.pdf"]
    empty = tmp_path / "empty"
    assert main(["send", str(spec), "--dry-run", "--html", "--out", str(empty)]) == 0
    names = sorted(p.name for p in empty.glob("brief.*"))
    assert names == ["brief.html", "brief.manifest.json", "brief.ministers.eml", "brief.pdf"]
    assert "Attacks around Ménaka continue." in (empty / "brief.html").read_text(encoding="utf-8")
    message = email.message_from_bytes((empty / "brief.ministers.eml").read_bytes(), policy=email.policy.default)
    assert "Attacks around Ménaka continue." in message.get_body(("html",)).get_content()
    assert [part.get_filename() for part in message.iter_attachments()] == ["brief.pdf"]


def test_a_second_dry_run_with_html_uses_the_pack_there(tmp_path):
    spec = tmp_path / "brief.yaml"
    spec.write_text(SPEC)
    out = tmp_path / "out"
    assert main(["send", str(spec), "--dry-run", "--html", "--out", str(out)]) == 0
    before = {p: p.stat().st_mtime_ns for p in (out / "brief.html", out / "brief.pdf")}
    assert main(["send", str(spec), "--dry-run", "--html", "--out", str(out)]) == 0
    assert {p: p.stat().st_mtime_ns for p in before} == before
    assert Path(out / "brief.html").is_file()
