"""``briefing serve`` is safe to leave open: other sites can neither read nor drive it.

Every server here is real: the preview as a user runs it, in its own process on 127.0.0.1;
another site is a second server on 127.0.0.2, or a name Chromium is told to resolve to
127.0.0.1 (DNS rebinding); the browser is the system's Chromium. Nothing leaves loopback.
"""

from __future__ import annotations

import http.client
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import SPECS, free_port, require_tool
from .test_serve import CHROMIUM_FLAGS

TITLE = "Sahel Security Outlook"
SECRET = "OFFICIAL-SENSITIVE"
"""The showcase's marking: in every view of the briefing, and never in a refusal."""


@dataclass
class Preview:
    """A ``briefing serve`` process on a copy of the showcase."""

    process: subprocess.Popen[str]
    port: int
    spec: Path
    out: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def ask(self, method: str, path: str, headers: dict[str, str] | None = None, body: bytes | None = None):
        """(status, body) of one request, with a Host of the test's choice (127.0.0.1:PORT unless given)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers={"Host": f"127.0.0.1:{self.port}", **(headers or {})})
            answer = connection.getresponse()
            return answer.status, answer.read()
        finally:
            connection.close()

    def state(self) -> dict:
        status, body = self.ask("GET", "/state")
        assert status == 200, body
        return json.loads(body)

    def save(self, text: str) -> None:
        self.spec.write_text(text, encoding="utf-8")

    def built(self) -> list[str]:
        """The pack's files as a reader of the output folder sees them."""
        return sorted(p.name for p in self.out.glob("showcase.*"))

    def untouched(self) -> bool:
        """Nothing at all was written: the output folder was not even made."""
        return not self.out.exists()


def start(folder: Path, env: dict[str, str] | None = None, session: bool = False) -> Preview:
    """Serve a copy of the showcase from ``folder``, as a user does; returns once it answers."""
    desk = folder / "desk"
    (desk / "images").mkdir(parents=True)
    shutil.copy(SPECS / "images" / "mali-timeline.png", desk / "images")
    spec = desk / "showcase.yaml"
    spec.write_text((SPECS / "showcase.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    port, out = free_port(), folder / "out"
    command = [sys.executable, "-m", "briefing.cli", "serve", str(spec), "--port", str(port), "--out", str(out)]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
        start_new_session=session,
    )
    assert process.stdout.readline().strip() == f"http://127.0.0.1:{port}/", process.stderr.read()
    preview = Preview(process, port, spec, out)
    for _ in range(100):
        try:
            if preview.ask("GET", "/state")[0] == 200:
                return preview
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the preview never answered")


@pytest.fixture
def served(tmp_path) -> Iterator[Preview]:
    preview = start(tmp_path)
    yield preview
    _end(preview)


def _end(preview: Preview) -> None:
    if preview.process.poll() is None:
        preview.process.kill()
        preview.process.wait(timeout=10)


# --- Host and Origin, over plain HTTP ------------------------------------------------------------


def test_a_request_naming_another_host_gets_nothing_of_the_briefing(served):
    port = served.port
    assert SECRET.encode() in served.ask("GET", "/view/html")[1]  # the view holds the marking
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1:{port + 1}", "127.0.0.1", f"127.0.0.2:{port}"):
        for path in ("/", "/state", "/view/html", "/view/page/1.png", "/view/sheet/1", "/events", "/nothing"):
            status, body = served.ask("GET", path, {"Host": host})
            assert status == 421, (host, path, status)
            assert SECRET.encode() not in body and TITLE.encode() not in body and b"showcase" not in body
        status, _ = served.ask("POST", "/build", {"Host": host, "Content-Type": "application/json"}, b"{}")
        assert status == 421
    assert served.untouched()
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", f"LOCALHOST:{port}"):
        status, body = served.ask("GET", "/state", {"Host": host})
        assert status == 200 and json.loads(body)["title"] == TITLE, host


def test_a_change_asked_for_by_another_origin_is_refused_and_writes_nothing(served):
    own = f"http://127.0.0.1:{served.port}"
    refused = [
        ({"Origin": "http://evil.example", "Content-Type": "text/plain"}, 403),
        ({"Origin": "http://evil.example", "Content-Type": "application/json"}, 403),
        ({"Origin": f"http://127.0.0.2:{served.port}", "Content-Type": "application/json"}, 403),
        ({"Origin": "null", "Content-Type": "application/json"}, 403),
        ({"Sec-Fetch-Site": "cross-site", "Content-Type": "application/json"}, 403),
        ({"Sec-Fetch-Site": "same-site", "Content-Type": "application/json"}, 403),
        ({"Origin": own, "Content-Type": "text/plain"}, 415),  # what a form or a simple fetch can send
        ({"Origin": own, "Content-Type": "application/x-www-form-urlencoded"}, 415),
        ({"Origin": own, "Content-Type": "multipart/form-data; boundary=x"}, 415),
        ({"Origin": own}, 415),
    ]
    for headers, expected in refused:
        status, body = served.ask("POST", "/build", headers, b"{}")
        assert (status, "error" in json.loads(body)) == (expected, True), headers
    assert served.untouched()

    status, body = served.ask("POST", "/build", {"Origin": own, "Content-Type": "application/json"}, b"{}")
    assert status == 200
    written = json.loads(body)["written"]
    assert (
        sorted(written)
        == served.built()
        == [
            "showcase.docx",
            "showcase.html",
            "showcase.manifest.json",
            "showcase.pdf",
            "showcase.xlsx",
        ]
    )
    assert str(served.out) not in body.decode() and "/" not in "".join(written)  # named in the output folder


def test_no_answer_names_a_full_path(served):
    good = served.spec.read_text(encoding="utf-8")
    served.save(good.replace("  - heading: Situation", "  - heading: Situation\n\tcontent: []"))
    for _ in range(100):
        if served.state()["problems"]:
            break
        time.sleep(0.1)
    problems = served.state()["problems"]
    assert len(problems) == 1 and re.match(r"^showcase\.yaml:\d+:\d+: a tab is used for indentation", problems[0])
    status, body = served.ask("POST", "/build", {"Content-Type": "application/json"}, b"{}")
    assert status == 400 and re.match(r"^showcase\.yaml:\d+:\d+: a tab", json.loads(body)["error"])
    for path in ("/", "/state"):
        assert str(served.spec.parent) not in served.ask("GET", path)[1].decode()


# --- Another site, in a real browser --------------------------------------------------------------

ATTACK = """<!DOCTYPE html><title>another site</title>
<iframe name="sink"></iframe>
<form method="post" enctype="text/plain" target="sink"><input name='{"a":"' value='"}'></form>
<script>
const target = new URLSearchParams(location.search).get("target");
const results = {};
async function attempt(name, how) {
  try { results[name] = await how(); } catch (error) { results[name] = "failed: " + error.name; }
}
(async () => {
  await attempt("html", async () => (await fetch(target + "/view/html")).text());
  await attempt("state", async () => (await fetch(target + "/state")).text());
  await attempt("json post", async () => (await fetch(target + "/build",
    { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" })).text());
  await attempt("simple post", async () => (await fetch(target + "/build",
    { method: "POST", mode: "no-cors", headers: { "Content-Type": "text/plain" }, body: "{}" })).type);
  await attempt("picture", () => new Promise(done => {
    const picture = new Image();
    picture.onload = () => done("loaded " + picture.naturalWidth);
    picture.onerror = () => done("failed");
    picture.src = target + "/view/page/1.png";
  }));
  await attempt("form", () => new Promise(done => {
    const form = document.forms[0];
    form.action = target + "/build";
    document.querySelector("iframe").onload = () => done("sent");
    setTimeout(() => done("sent, no load event"), 3000);  // a refused frame may never load
    form.submit();
  }));
  window.results = results;
})();
</script>"""
"""A page on another site that tries to read the preview and to make it build."""

REBOUND = """async () => {
  const results = {};
  for (const [path, options] of [["/view/html", {}], ["/state", {}], ["/view/page/1.png", {}],
      ["/build", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" }]]) {
    const answer = await fetch(path, options);
    results[path] = [answer.status, await answer.text()];
  }
  return results;
}"""
"""What a site's script does once its name points at 127.0.0.1: the preview is now its own origin."""


class _Site(http.server.BaseHTTPRequestHandler):
    """Serves ATTACK on any GET; records what comes to it (as the control that the browser sends it)."""

    seen: list[tuple[str, str, str]] = []

    def do_GET(self) -> None:
        self._record()
        body = ATTACK.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        self._record()
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_OPTIONS = do_POST

    def _record(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        self.seen.append((self.command, self.path, body))

    def log_message(self, format: str, *args: object) -> None:
        pass


def _site(address: str) -> tuple[http.server.ThreadingHTTPServer, type[_Site]]:
    handler = type("Site", (_Site,), {"seen": []})
    site = http.server.ThreadingHTTPServer((address, 0), handler)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    return site, handler


def test_another_site_in_chromium_can_neither_read_nor_drive_the_preview(served, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    chromium = require_tool("chromium")
    attacker, _ = _site("127.0.0.2")
    recorder, recorded = _site("127.0.0.1")  # the control: what the browser sends to a server that lets it
    attack = f"http://127.0.0.2:{attacker.server_address[1]}/"
    flags = ["--headless", *CHROMIUM_FLAGS, "--host-resolver-rules=MAP evil.test 127.0.0.1"]
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=chromium, args=flags)
            page = browser.new_page()

            page.goto(f"{attack}?target=http://127.0.0.1:{recorder.server_address[1]}")
            page.wait_for_function("window.results !== undefined", timeout=20_000)
            sent = {(method, path) for method, path, _ in recorded.seen}
            assert {("GET", "/view/html"), ("POST", "/build"), ("GET", "/view/page/1.png")} <= sent, sent
            assert any(body.startswith('{"a":"') for method, _, body in recorded.seen if method == "POST"), (
                recorded.seen
            )

            page.goto(f"{attack}?target={served.url.rstrip('/')}")
            page.wait_for_function("window.results !== undefined", timeout=20_000)
            results = page.evaluate("window.results")
            assert results["html"].startswith("failed") and results["state"].startswith("failed"), results
            assert results["json post"].startswith("failed") and results["picture"] == "failed", results
            assert all(SECRET not in str(v) and TITLE not in str(v) for v in results.values()), results
            assert served.untouched()  # neither the simple post nor the form built anything

            # DNS rebinding: evil.test now resolves to 127.0.0.1, so its page and the preview share an origin.
            # (Chromium would stop a public page's script from reaching loopback; a site on the local network,
            # or another browser, would not: it is the preview that must refuse.)
            assert page.goto(f"http://evil.test:{served.port}/").status == 421
            assert SECRET not in page.content() and TITLE not in page.content()
            results = page.evaluate(REBOUND)
            assert {path: status for path, (status, _) in results.items()} == dict.fromkeys(results, 421), results
            assert all(SECRET not in text and TITLE not in text for _, text in results.values()), results
            assert served.untouched()

            for own in (served.url, f"http://localhost:{served.port}/"):  # the preview's own page still works
                page.goto(own)
                expect(page.locator("#title")).to_have_text(TITLE, timeout=20_000)
                expect(page.frame_locator("#html-view").locator("body")).to_contain_text(SECRET, timeout=20_000)
            page.get_by_role("button", name="Build pack").click()
            expect(page.locator("#status")).to_have_text(re.compile(r"^built: .*showcase\.pdf"), timeout=30_000)
            assert len(served.built()) == 5
            browser.close()
    finally:
        attacker.shutdown()
        recorder.shutdown()
