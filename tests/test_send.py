"""Sending packs: .eml files read by Python and by munpack, and delivery to a real SMTP server on loopback."""

from __future__ import annotations

import datetime as dt
import email
import io
import json
import ssl
import subprocess
import textwrap
import zipfile
from email import policy
from pathlib import Path

import pytest
import trustme
from aiosmtpd.smtp import AuthResult, LoginPassword

from briefing import SpecError, load
from briefing.cli import main
from briefing.distribution import read_lists
from briefing.reading.loader import Options

from .conftest import SPECS, require_tool

LISTS = """\
distribution:
  - name: ministers
    to: ["Private Office <private.office@example.org>"]
    formats: [pdf]
    note: For decision by Friday.
  - name: analysts
    to: [sahel.team@example.org]
    cc: [africa.desk@example.org]
    bcc: [records@example.org]
    formats: [docx, pdf, xlsx]
"""


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "brief.yaml"
    path.write_text(
        textwrap.dedent("""\
        title: Sahel Outlook
        date: 2026-11-24
        classification: OFFICIAL
        summary: [Mali's junta now relies on **Russian** support.]
        sections:
          - heading: Situation
            content:
              - paragraph: Attacks around Ménaka continue.
        """)
        + LISTS
    )
    return path


class Inbox:
    """An SMTP handler that keeps what it receives and refuses the addresses it is told to."""

    def __init__(self, refuse: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        self.refuse = refuse
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's name)
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted"


def send(spec: Path, out: Path, port: int, *extra: str) -> int:
    options = ["--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--from", "Desk <desk@example.org>"]
    return main(["send", str(spec), "--out", str(out), *options, *extra])


def attachments(raw: bytes) -> dict[str, tuple[str, bytes]]:
    message = email.message_from_bytes(raw, policy=policy.default)
    return {part.get_filename(): (part.get_content_type(), part.get_content()) for part in message.iter_attachments()}


def test_delivery_reaches_to_cc_and_bcc_with_the_built_files_and_never_twice(spec, tmp_path, server, capsys):
    inbox = Inbox()
    port = server(inbox, auth_require_tls=False)
    out = tmp_path / "out"
    assert send(spec, out, port, "--smtp-security", "none") == 0
    by_list = {json.loads(line)["list"]: json.loads(line) for line in (out / "brief.sendlog.jsonl").open()}
    assert set(by_list) == {"ministers", "analysts"}
    (m_from, m_to, m_raw), (a_from, a_to, a_raw) = inbox.received
    assert m_from == a_from == "desk@example.org"
    assert m_to == ["private.office@example.org"]
    assert a_to == ["sahel.team@example.org", "africa.desk@example.org", "records@example.org"]
    analysts = email.message_from_bytes(a_raw, policy=policy.default)
    assert analysts["To"] == "sahel.team@example.org" and analysts["Cc"] == "africa.desk@example.org"
    assert analysts["Bcc"] is None and b"records@example.org" not in a_raw
    assert analysts["Subject"] == "[OFFICIAL] Briefing: Sahel Outlook (2026-11-24)"  # the marking first
    files = attachments(a_raw)
    assert files == {
        "brief.docx": (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (out / "brief.docx").read_bytes(),
        ),
        "brief.pdf": ("application/pdf", (out / "brief.pdf").read_bytes()),
        "brief.xlsx": (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            (out / "brief.xlsx").read_bytes(),
        ),
    }
    assert by_list["analysts"]["message_id"] == analysts["Message-ID"]
    ministers = email.message_from_bytes(m_raw, policy=policy.default)
    body = ministers.get_body(("plain",)).get_content()
    assert "For decision by Friday." in body and "Mali’s junta now relies on Russian support." in body
    html = ministers.get_body(("html",)).get_content()
    assert "<strong>Russian</strong>" in html and "OFFICIAL" in html and "brief.pdf (" in html
    capsys.readouterr()

    assert send(spec, out, port, "--smtp-security", "none") == 0
    assert len(inbox.received) == 2, "a second run sends nothing"
    assert capsys.readouterr().err.count("already sent with these files; skipped") == 2
    assert send(spec, out, port, "--smtp-security", "none", "--resend", "--list", "ministers") == 0
    assert len(inbox.received) == 3


def test_a_refused_list_is_reported_the_others_go_and_a_rerun_sends_only_what_did_not(spec, tmp_path, server, capsys):
    inbox = Inbox(refuse={"sahel.team@example.org", "africa.desk@example.org", "records@example.org"})
    port = server(inbox)
    out = tmp_path / "out"
    assert send(spec, out, port, "--smtp-security", "none") == 1
    err = capsys.readouterr().err
    assert "ministers: sent to 1" in err
    assert "analysts: not sent: " in err and "550" in err
    assert [to for _, to, _ in inbox.received] == [["private.office@example.org"]]
    inbox.refuse = set()
    assert send(spec, out, port, "--smtp-security", "none") == 0
    assert [to for _, to, _ in inbox.received][1:] == [
        ["sahel.team@example.org", "africa.desk@example.org", "records@example.org"]
    ]


def test_starttls_with_a_private_certificate_and_a_login(spec, tmp_path, server, monkeypatch, capsys):
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    logins: list[tuple[bytes, bytes]] = []

    def authenticate(server, session, envelope, mechanism, data):
        assert isinstance(data, LoginPassword)
        logins.append((data.login, data.password))
        return AuthResult(success=data.password == b"s3cret pass")

    inbox = Inbox()
    port = server(inbox, tls_context=context, require_starttls=True, authenticator=authenticate)
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))  # trust the private CA, as a user would
    monkeypatch.setenv("BRIEFING_SMTP_PASSWORD", "s3cret pass")
    out = tmp_path / "out"
    assert send(spec, out, port, "--smtp-user", "desk", "--list", "ministers") == 0
    assert logins == [(b"desk", b"s3cret pass")]
    assert len(inbox.received) == 1
    logged = capsys.readouterr()
    assert "s3cret" not in logged.out + logged.err + (out / "brief.sendlog.jsonl").read_text()

    monkeypatch.delenv("SSL_CERT_FILE")  # an untrusted certificate is refused, and said so
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "none.pem"))
    assert send(spec, tmp_path / "out2", port, "--smtp-user", "desk", "--list", "ministers") == 1
    assert "CERTIFICATE_VERIFY_FAILED" in capsys.readouterr().err


def test_implicit_tls(spec, tmp_path, server, monkeypatch):
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    inbox = Inbox()
    port = server(inbox, ssl_context=context)
    assert send(spec, tmp_path / "out", port, "--smtp-security", "tls", "--list", "ministers") == 0
    assert [to for _, to, _ in inbox.received] == [["private.office@example.org"]]


def test_validate_checks_the_lists_too(tmp_path, capsys):
    spec = tmp_path / "s.yaml"
    spec.write_text("title: T\nsections:\n  - heading: H\ndistribution:\n  - {name: x, to: [nobody]}\n")
    assert main(["validate", str(spec)]) == 2
    assert capsys.readouterr().err.startswith(f"{spec}:5:20: 'nobody' is not a valid email address")


def test_dry_run_writes_eml_files_that_munpack_unpacks_to_the_built_bytes(spec, tmp_path):
    munpack = require_tool("munpack")
    out = tmp_path / "out"
    assert main(["send", str(spec), "--dry-run", "--out", str(out)]) == 0
    eml = out / "brief.analysts.eml"
    message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["From"] == "briefing@localhost" and message["Message-ID"]
    assert message["Date"] and message["Bcc"] is None
    unpacked = tmp_path / "unpacked"
    unpacked.mkdir()
    subprocess.run([munpack, "-f", "-q", "-C", str(unpacked), str(eml)], check=True, capture_output=True)
    for name in ("brief.docx", "brief.pdf", "brief.xlsx"):
        assert (unpacked / name).read_bytes() == (out / name).read_bytes(), name
    assert not (out / "brief.sendlog.jsonl").exists(), "a dry run sends nothing and logs nothing"


def test_non_ascii_file_names_are_encoded_and_decoded(tmp_path):
    spec = tmp_path / "note-région.yaml"
    spec.write_text("title: T\nsections:\n  - heading: H\ndistribution:\n  - {name: all, to: [a@example.org]}\n")
    assert main(["send", str(spec), "--dry-run", "--out", str(tmp_path / "out")]) == 0
    raw = (tmp_path / "out" / "note-région.all.eml").read_bytes()
    assert raw.isascii(), "headers are encoded (RFC 2231), not sent as raw UTF-8"
    assert list(attachments(raw)) == ["note-région.pdf"]


def test_size_budget_zips_or_refuses(spec, tmp_path, capsys):
    out = tmp_path / "out"
    run = ["send", str(spec), "--dry-run", "--out", str(out), "--list", "analysts"]
    assert main(run) == 0
    whole = (out / "brief.analysts.eml").stat().st_size  # the budget counts the message as encoded
    assert main([*run, "--max-size", f"{whole + 100}B"]) == 0
    assert list(attachments((out / "brief.analysts.eml").read_bytes())) == ["brief.docx", "brief.pdf", "brief.xlsx"]
    assert main([*run, "--max-size", f"{whole - 100}B"]) == 0  # Message-IDs vary by a few bytes
    assert (out / "brief.analysts.eml").stat().st_size <= whole - 100
    files = attachments((out / "brief.analysts.eml").read_bytes())
    assert list(files) == ["brief.zip"] and files["brief.zip"][0] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(files["brief.zip"][1])) as archive:
        assert {n: archive.read(n) for n in archive.namelist()} == {
            f"brief.{ext}": (out / f"brief.{ext}").read_bytes() for ext in ("docx", "pdf", "xlsx")
        }
    assert main([*run, "--max-size", "5KB"]) == 1
    assert "analysts: not sent: the message is" in capsys.readouterr().err
    assert main([*run, "--max-size", "lots"]) == 2


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "{name: x, to: [not-an-address]}",
            "5:20: 'not-an-address' is not a valid email address: An email address must have an @-sign.",
        ),
        (
            "{name: x, to: [a@example..org]}",
            "5:20: 'a@example..org' is not a valid email address: An email address cannot have two periods in a row.",
        ),
        (
            "{name: x, to: [a@example.org], formats: [pfd]}",
            "5:46: unknown format 'pfd' (known formats: docx, html, pdf, xlsx)",
        ),
        (
            '{name: x, to: [a@example.org], subject: "a\\nBcc: evil@example.org"}',
            "5:45: a line break in a mail header value (it could add headers of its own)",
        ),
        ("{name: x}", "5:5: list 'x' has no recipients (give to, cc or bcc)"),
        (
            '{name: x, to: "a@example.org, b@example.org"}',
            "5:19: 'a@example.org, b@example.org' holds 2 addresses (a@example.org, b@example.org);"
            " give each one its own entry in the list",
        ),
        (
            '{name: x, cc: ["x@y.org <e@example.org>"]}',
            "5:20: 'x@y.org <e@example.org>' is not one email address: write 'address' or 'Name <address>',"
            " quoting a name that holds a comma or an @",
        ),
        (
            "{name: x, bcc: ['\"x@y.org\" <e@example.org>']}",
            "5:21: the name 'x@y.org' looks like an address other than the one the mail goes to (e@example.org)",
        ),
        (
            '{name: x, to: ["Private\u202eOffice <po@example.org>"]}',
            "5:20: a control character (U+202E) in 'Private<U+202E>Office <po@example.org>':"
            " it can hide who the mail goes to",
        ),
        (
            '{name: x, to: ["Desk\tTeam <d@example.org>"]}',
            "5:20: a control character (U+0009) in 'Desk<U+0009>Team <d@example.org>':"
            " it can hide who the mail goes to",
        ),
        ("{name: x, to: [a@example.org], subject: '{{ nope }}'}", "5:45: undefined variable: 'nope' is undefined"),
    ],
)
def test_bad_lists_get_a_positioned_line_and_nothing_is_built(tmp_path, entry, message, capsys):
    spec = tmp_path / "s.yaml"
    spec.write_text(f"title: T\nsections:\n  - heading: H\ndistribution:\n  - {entry}\n")
    out = tmp_path / "out"
    assert main(["send", str(spec), "--dry-run", "--out", str(out)]) == 2
    assert capsys.readouterr().err.strip() == f"{spec}:{message}"
    assert not out.exists()


def test_a_list_file_serves_many_specs_and_lists_are_chosen_by_name(tmp_path, capsys):
    lists = SPECS / "lists" / "africa-desk.yaml"
    for name in ("mali-russia", "showcase"):
        doc = load(SPECS / f"{name}.yaml")
        found = read_lists(SPECS / f"{name}.yaml", doc, Options(), lists)
        assert [d.name for d in found] == ["ministers", "analysts"]
        date = (doc.date or dt.date.today()).isoformat()
        assert found[1].subject == " ".join(f"{doc.classification or ''} {doc.title}: working files ({date})".split())
    out = tmp_path / "out"
    assert (
        main(
            [
                "send",
                str(SPECS / "showcase.yaml"),
                "--distribution",
                str(lists),
                "--list",
                "minister",
                "--dry-run",
                "--out",
                str(out),
            ]
        )
        == 2
    )
    assert capsys.readouterr().err.strip() == "--list: no distribution list 'minister' (did you mean 'ministers'?)"


def test_sending_needs_a_server_and_a_sender(spec, tmp_path, monkeypatch, capsys):
    for name in ("BRIEFING_SMTP_HOST", "BRIEFING_SMTP_FROM"):
        monkeypatch.delenv(name, raising=False)
    assert main(["send", str(spec), "--out", str(tmp_path / "out")]) == 2
    assert "no SMTP host: give --smtp-host or set BRIEFING_SMTP_HOST" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    with pytest.raises(SpecError):
        read_lists(SPECS / "mali-russia.yaml", load(SPECS / "mali-russia.yaml"), Options())


def test_good_addresses_with_names_go_as_written(tmp_path):
    spec = tmp_path / "s.yaml"
    spec.write_text(
        "title: T\nsections:\n  - heading: H\ndistribution:\n"
        '  - {name: x, to: ["\\"Doe, Jane\\" <jane@example.org>", "Björn Ö <bjorn@example.org>", desk@example.org]}\n'
    )
    (found,) = read_lists(spec, load(spec), Options())
    assert found.recipients == ("jane@example.org", "bjorn@example.org", "desk@example.org")
    assert main(["send", str(spec), "--dry-run", "--out", str(tmp_path / "out")]) == 0
    message = email.message_from_bytes((tmp_path / "out" / "s.x.eml").read_bytes(), policy=policy.default)
    assert [(a.display_name, a.addr_spec) for a in message["To"].addresses] == [
        ("Doe, Jane", "jane@example.org"),
        ("Björn Ö", "bjorn@example.org"),
        ("", "desk@example.org"),
    ]


def test_the_size_budget_counts_an_html_body_too(spec, tmp_path, capsys):
    out = tmp_path / "out"
    run = ["send", str(spec), "--dry-run", "--out", str(out), "--list", "ministers", "--html"]
    assert main(run) == 0
    whole = (out / "brief.ministers.eml").stat().st_size
    pdf = (out / "brief.pdf").stat().st_size
    assert main([*run, "--max-size", f"{pdf + 100}B"]) == 1  # the file fits; the message with its body does not
    assert "ministers: not sent: the message is" in capsys.readouterr().err
    assert main([*run, "--max-size", f"{whole + 100}B"]) == 0
    assert (out / "brief.ministers.eml").stat().st_size <= whole + 100


def test_a_send_after_an_edit_rebuilds_every_format_of_the_pack(spec, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", str(spec), "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.glob("brief.*")}
    spec.write_text(spec.read_text().replace("Attacks around Ménaka continue.", "Talks resumed in Niamey."))
    assert main(["send", str(spec), "--dry-run", "--out", str(out), "--list", "ministers"]) == 0
    for ext in ("docx", "html", "pdf", "xlsx"):
        assert (out / f"brief.{ext}").read_bytes() != before[f"brief.{ext}"], ext
    assert "Niamey" in (out / "brief.html").read_text(encoding="utf-8")
    assert main(["verify", str(out / "brief.manifest.json")]) == 0
    manifest = json.loads((out / "brief.manifest.json").read_text())
    assert sorted(o["format"] for o in manifest["outputs"]) == ["docx", "html", "pdf", "xlsx"]


def test_a_message_file_that_cannot_be_written_is_one_clear_line(spec, tmp_path, capsys):
    out = tmp_path / "out"
    (out / "brief.ministers.eml").mkdir(parents=True)  # in the way of the file
    assert main(["send", str(spec), "--dry-run", "--out", str(out), "--list", "ministers"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"briefing: {out / 'brief.ministers.eml'}: cannot write: Is a directory"]


def test_a_dry_run_says_who_would_get_what(spec, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("BRIEFING_SMTP_FROM", raising=False)
    out = tmp_path / "out"
    assert main(["send", str(spec), "--dry-run", "--out", str(out), "--list", "analysts"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == str(out / "brief.analysts.eml")
    assert lines[1] == "  from: briefing@localhost (a placeholder: give --from or set BRIEFING_SMTP_FROM)"
    assert lines[2] == "  to: sahel.team@example.org, africa.desk@example.org, records@example.org (bcc)"
    files = {p.name: p.stat().st_size for p in out.iterdir() if p.suffix in (".docx", ".pdf", ".xlsx")}
    assert lines[3].startswith("  files: brief.docx (") and set(files) <= set(lines[3].replace(",", " ").split())
    assert (
        main(["send", str(spec), "--dry-run", "--out", str(out), "--list", "analysts", "--from", "d@example.org"]) == 0
    )
    assert capsys.readouterr().out.splitlines()[1] == "  from: d@example.org"


# -- addresses as servers and readers take them ---------------------------------------------


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "{name: x, to: ['\"boss\uff20example.org\" <attacker@example.net>']}",
            "5:20: the name 'boss\uff20example.org' (read as 'boss@example.org') looks like an address other than"
            " the one the mail goes to (attacker@example.net)",
        ),
        (
            "{name: x, bcc: ['\"Boss boss\ufe6bexample\uff0eorg\" <attacker@example.net>']}",
            "5:21: the name 'Boss boss\ufe6bexample\uff0eorg' (read as 'Boss boss@example.org') looks like an address"
            " other than the one the mail goes to (attacker@example.net)",
        ),
        (
            '{name: x, to: [a@example.org], subject: "Briefing\\0 today\\a"}',
            "5:45: a control character (U+0000) in the subject 'Briefing<U+0000> today<U+0007>':"
            " take it out of the text it comes from",
        ),
    ],
    ids=["fullwidth-at", "small-at-and-fullwidth-stop", "nul-in-subject"],
)
def test_look_alike_names_and_control_characters_are_refused_at_their_line(tmp_path, entry, message, capsys):
    spec = tmp_path / "s.yaml"
    spec.write_text(f"title: T\nsections:\n  - heading: H\ndistribution:\n  - {entry}\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["send", str(spec), "--dry-run", "--out", str(out)]) == 2
    assert capsys.readouterr().err.strip() == f"{spec}:{message}"
    assert main(["validate", str(spec)]) == 2
    assert not out.exists()


def test_a_nul_in_the_title_reaches_neither_the_subject_nor_the_bodies(tmp_path, capsys):
    spec = tmp_path / "s.yaml"
    body = (
        'title: "Sahel\\0Outlook\\x07"\nsections:\n  - heading: H\n    content: [{paragraph: "Attacks\\0 around."}]\n'
    )
    spec.write_text(body + "distribution:\n  - {name: x, to: [a@example.org]}\n")
    out = tmp_path / "out"
    assert main(["send", str(spec), "--dry-run", "--out", str(out)]) == 2
    assert capsys.readouterr().err.strip().startswith(f"{spec}:6:5: a control character (U+0000) in the subject")
    spec.write_text(body + "distribution:\n  - {name: x, to: [a@example.org], subject: Sahel, formats: [html]}\n")
    assert main(["send", str(spec), "--dry-run", "--out", str(out), "--html"]) == 0
    raw = (out / "s.x.eml").read_bytes()
    message = email.message_from_bytes(raw, policy=policy.default)
    html, text = message.get_body(("html",)).get_content(), message.get_body(("plain",)).get_content()
    for shown in (html, text, str(message["Subject"])):
        assert not any(ord(c) < 32 and c not in "\t\r\n" for c in shown), repr(shown)
    assert "Sahel\ufffdOutlook\ufffd" in html and "Sahel\ufffdOutlook\ufffd" in text
    assert "Attacks\ufffd around." in html
    # Nothing encodes the control characters either (quoted-printable "=00", a Q-encoded subject); the
    # boundaries, whose random digits may read "=00", are no text and are not looked at.
    sent = email.message_from_bytes(raw, policy=policy.compat32)
    encoded = [str(sent["Subject"])] + [part.get_payload() for part in sent.walk() if not part.is_multipart()]
    assert not [text for text in encoded if "=00" in text or "=07" in text]
    assert b"\0" not in raw


def test_international_domains_go_as_idna_and_every_server_takes_them(tmp_path, server):
    spec = tmp_path / "s.yaml"
    spec.write_text(
        "title: T\nsections:\n  - heading: H\ndistribution:\n"
        '  - {name: x, to: ["Name <user@b\u00fccher.de>"], cc: [desk@b\u00fccher.de]}\n',
        encoding="utf-8",
    )
    assert main(["validate", str(spec)]) == 0
    inbox = Inbox()
    port = server(inbox)
    assert send(spec, tmp_path / "out", port, "--smtp-security", "none") == 0
    ((sender, recipients, raw),) = inbox.received
    assert recipients == ["user@xn--bcher-kva.de", "desk@xn--bcher-kva.de"]
    assert raw.isascii()  # no server needs SMTPUTF8 for it
    message = email.message_from_bytes(raw, policy=policy.default)
    assert [(a.display_name, a.addr_spec) for a in message["To"].addresses] == [("Name", "user@xn--bcher-kva.de")]
    assert message["Cc"] == "desk@xn--bcher-kva.de" and not message.defects


def test_a_local_part_beyond_ascii_goes_only_to_a_server_that_offers_smtputf8(tmp_path, server, capsys):
    spec = tmp_path / "s.yaml"
    spec.write_text(
        "title: T\nsections:\n  - heading: H\ndistribution:\n"
        '  - {name: x, to: ["J\u00e9r\u00f4me <j\u00e9r\u00f4me@example.org>"]}\n',
        encoding="utf-8",
    )
    plain, utf8 = Inbox(), Inbox()
    out = tmp_path / "out"
    assert send(spec, out, server(plain, enable_SMTPUTF8=False), "--smtp-security", "none") == 1
    err = capsys.readouterr().err
    assert "x: not sent: the server does not offer SMTPUTF8, which j\u00e9r\u00f4me@example.org needs" in err
    assert plain.received == []
    assert send(spec, out, server(utf8, enable_SMTPUTF8=True), "--smtp-security", "none") == 0  # nothing held back
    ((_, recipients, raw),) = utf8.received
    assert recipients == ["j\u00e9r\u00f4me@example.org"]
    message = email.message_from_string(raw.decode("utf-8"), policy=policy.default)  # its headers in UTF-8
    assert [(a.display_name, a.addr_spec) for a in message["To"].addresses] == [
        ("J\u00e9r\u00f4me", "j\u00e9r\u00f4me@example.org")
    ]


def test_one_mailbox_named_in_several_cases_gets_one_copy_and_a_warning(tmp_path, server, capsys):
    spec = tmp_path / "s.yaml"
    spec.write_text(
        "title: T\nsections:\n  - heading: H\ndistribution:\n"
        "  - name: x\n    to: [Boss@example.org, boss@example.org]\n    bcc: [BOSS@EXAMPLE.ORG]\n"
    )
    out = tmp_path / "out"
    assert main(["send", str(spec), "--dry-run", "--out", str(out)]) == 0
    shown = capsys.readouterr().out
    warnings = [
        f"{spec}:6:28: warning: 'boss@example.org' is the mailbox 'Boss@example.org' already named on line 6;"
        " it gets one copy",
        f"{spec}:7:11: warning: 'BOSS@example.org' is the mailbox 'Boss@example.org' already named on line 6;"
        " it gets one copy",
    ]
    assert all(w in shown for w in warnings), shown
    inbox = Inbox()
    assert send(spec, out, server(inbox), "--smtp-security", "none") == 0
    err = capsys.readouterr().err
    assert all(w in err for w in warnings), err
    ((_, recipients, raw),) = inbox.received
    assert recipients == ["Boss@example.org"]
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["To"] == "Boss@example.org" and message["Cc"] is None


def test_the_sender_is_checked_like_the_recipients_and_its_domain_goes_as_idna(spec, tmp_path, server, capsys):
    out = tmp_path / "out"
    run = ["send", str(spec), "--out", str(out), "--smtp-host", "127.0.0.1", "--smtp-security", "none"]
    assert main([*run, "--from", '"boss@example.org" <desk@example.net>']) == 2
    assert capsys.readouterr().err.strip() == (
        "briefing: --from: the name 'boss@example.org' looks like an address other than the one the mail goes to"
        " (desk@example.net)"
    )
    assert not out.exists()  # checked before anything is built
    inbox = Inbox()
    port = server(inbox)
    assert (
        main([*run, "--smtp-port", str(port), "--from", "Desk <desk@b\u00fccher.intranet>", "--list", "ministers"]) == 0
    )
    ((sender, _, raw),) = inbox.received
    assert sender == "desk@xn--bcher-kva.intranet" and raw.isascii()
    message = email.message_from_bytes(raw, policy=policy.default)
    assert [(a.display_name, a.addr_spec) for a in message["From"].addresses] == [
        ("Desk", "desk@xn--bcher-kva.intranet")
    ]


def test_writing_an_address_in_another_case_sends_nothing_again(tmp_path, server):
    """Boss@example.org and boss@example.org are one mailbox: changing the case in the list is no new recipient."""
    spec = tmp_path / "s.yaml"
    listed = "title: T\nsections:\n  - heading: H\ndistribution:\n  - name: x\n    to: [{}]\n"
    spec.write_text(listed.format("Boss@Example.org"))
    out = tmp_path / "out"
    inbox = Inbox()
    assert send(spec, out, server(inbox), "--smtp-security", "none") == 0
    spec.write_text(listed.format("boss@example.org"))
    assert send(spec, out, server(inbox), "--smtp-security", "none") == 0
    assert len(inbox.received) == 1
