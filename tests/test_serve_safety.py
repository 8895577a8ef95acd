"""``briefing serve`` is safe to leave open: other sites can neither read nor drive it, many open pages
do not stall it, Ctrl-C stops it at once, and a hostile spec cannot wedge it.

Every server here is real: the preview as a user runs it, in its own process on 127.0.0.1;
another site is a second server on 127.0.0.2, or a name Chromium is told to resolve to
127.0.0.1 (DNS rebinding); the browser is the system's Chromium. Nothing leaves loopback.
"""

from __future__ import annotations

import asyncio
import http.client
import http.server
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from briefing.serve.app import MAX_STREAMS

from .conftest import SPECS, free_port, require_tool
from .test_serve import CHROMIUM_FLAGS

TITLE = "Sahel Security Outlook"
SECRET = "OFFICIAL-SENSITIVE"
"""The showcase's marking: in every view of the briefing, and never in a refusal."""
HOSTILE = 'title: "{{ lipsum(100000, false, 99999, 100000) | length }}"'
"""Hours of work and ever more memory, unless the spec's budget counts what a template makes."""
SLOW = "title: Annex\nsections:\n  - heading: Annex\n    content:\n      - table:\n          source: annex.csv\n"
"""A spec within every limit of the budget whose views take minutes: 100,000 rows, 2,600 pages drawn."""


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


def start(
    folder: Path, env: dict[str, str] | None = None, session: bool = False, files: dict[str, str] | None = None
) -> Preview:
    """Serve a copy of the showcase (and ``files`` beside it) from ``folder``, as a user does, once it answers."""
    desk = folder / "desk"
    (desk / "images").mkdir(parents=True)
    for name, text in (files or {}).items():
        (desk / name).write_text(text, encoding="utf-8")
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


# --- Many open pages ------------------------------------------------------------------------------


class _Stream:
    """One open ``/events`` stream over a raw socket, as a browser's EventSource holds it."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> _Stream:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(f"GET /events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n".encode())
        await writer.drain()
        return cls(reader, writer)

    async def status(self) -> int:
        return int((await self.reader.readline()).split()[1])

    async def update(self) -> int:
        """The version of the next update (past the status line and headers the first time)."""
        while line := await self.reader.readline():
            if line.startswith(b"data: "):
                return int(line[6:])
        raise EOFError("the stream ended")

    def close(self) -> None:
        self.writer.close()


async def _many_pages(preview: Preview, count: int) -> dict[str, float]:
    """Open ``count`` streams, then a new tab, save, build; the seconds each took, as a user sees them."""
    seconds: dict[str, float] = {}
    streams = await asyncio.gather(*(_Stream.open(preview.port) for _ in range(count)))
    try:
        first = await asyncio.wait_for(asyncio.gather(*(s.update() for s in streams)), 30)
        started = time.monotonic()
        tab = await _Stream.open(preview.port)
        streams.append(tab)
        assert await asyncio.wait_for(tab.update(), 10) == first[0]
        seconds["a new tab's first update"] = time.monotonic() - started

        started = time.monotonic()
        edited = preview.spec.read_text(encoding="utf-8").replace("heading: Situation", "heading: Situation now")
        preview.save(edited)
        while b"Situation now" not in preview.ask("GET", "/view/html")[1]:
            await asyncio.wait_for(tab.update(), 10)
        seconds["save to update"] = time.monotonic() - started
        newer = await asyncio.wait_for(asyncio.gather(*(s.update() for s in streams[:count])), 30)
        assert min(newer) > first[0]  # every open page heard of it

        started = time.monotonic()
        headers = {"Content-Type": "application/json"}
        status, _ = await asyncio.to_thread(preview.ask, "POST", "/build", headers, b"{}")
        assert status == 200
        seconds["build"] = time.monotonic() - started

        more = await asyncio.gather(*(_Stream.open(preview.port) for _ in range(MAX_STREAMS - len(streams))))
        streams.extend(more)
        await asyncio.wait_for(asyncio.gather(*(s.update() for s in more)), 30)
        extra = await _Stream.open(preview.port)
        streams.append(extra)
        assert await asyncio.wait_for(extra.status(), 10) == 503  # past the bound, refused at once
        return seconds
    finally:
        for stream in streams:
            stream.close()


def test_two_hundred_open_pages_do_not_stall_the_preview(served):
    seconds = asyncio.run(asyncio.wait_for(_many_pages(served, 200), 90))
    print(" ".join(f"{k}: {v:.2f} s;" for k, v in seconds.items()))
    assert seconds["a new tab's first update"] < 1  # with 200 pages open, a new tab shows at once
    assert seconds["save to update"] < 5  # and every page follows a save within a few seconds
    assert seconds["build"] < 20  # and Build pack does not wait on them
    assert served.built() == sorted(
        ["showcase.docx", "showcase.html", "showcase.manifest.json", "showcase.pdf", "showcase.xlsx"]
    )


# --- Ctrl-C ---------------------------------------------------------------------------------------


def test_ctrl_c_stops_at_once_with_a_browser_and_streams_open(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    chromium = require_tool("chromium")
    preview = start(tmp_path, session=True)  # its own process group, as a terminal's Ctrl-C reaches it
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=chromium, args=["--headless", *CHROMIUM_FLAGS])
            page = browser.new_page()
            page.goto(preview.url)
            expect(page.locator("#title")).to_have_text(TITLE, timeout=20_000)
            streams = [http.client.HTTPConnection("127.0.0.1", preview.port, timeout=10) for _ in range(20)]
            for stream in streams:
                stream.request("GET", "/events")
                assert stream.getresponse().status == 200
            preview.save(preview.spec.read_text(encoding="utf-8").replace(TITLE, "Being rebuilt"))
            time.sleep(0.2)  # a rebuild is under way as well
            started = time.monotonic()
            os.killpg(preview.process.pid, signal.SIGINT)
            code = preview.process.wait(timeout=30)
            took = time.monotonic() - started
            print(f"Ctrl-C to exit: {took:.2f} s")
            browser.close()
        assert code == 0
        assert took < 2  # Ctrl-C stops it within a second or two, whatever is connected
        assert preview.process.stderr.read() == ""  # no traceback, nothing to explain
    finally:
        _end(preview)


# --- A hostile spec -------------------------------------------------------------------------------


def _memory_mb(pid: int) -> float:
    """The resident memory of one process, as /proc reports it."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1)) / 1024


def _tree_cpu_seconds(root: int) -> float:
    """CPU seconds used so far by a process and every process under it."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
            times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return sum(times.get(pid, 0.0) for pid in tree)


def _until(what, seconds: float, every: float = 0.1):
    """``what()`` once it is true, trying for ``seconds``; fails saying how long it waited."""
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        if value := what():
            return value
        time.sleep(every)
    raise AssertionError(f"not within {seconds} s")


def _annex(rows: int) -> str:
    lines = (f"Region {i % 97},{i},{i * 1.5:.1f},2026-01-{i % 28 + 1:02d}" for i in range(rows))
    return "Region,Count,Share,As of\n" + "\n".join(lines) + "\n"


def test_a_hostile_spec_cannot_wedge_the_preview(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    chromium = require_tool("chromium")
    preview = start(tmp_path, env={"BRIEFING_PREVIEW_SECONDS": "6"}, files={"annex.csv": _annex(100_000)})
    good = preview.spec.read_text(encoding="utf-8")
    pid, memory = preview.process.pid, [_memory_mb(preview.process.pid)]
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=chromium, args=["--headless", *CHROMIUM_FLAGS])
            page = browser.new_page()
            page.goto(preview.url)
            expect(page.locator("#title")).to_have_text(TITLE, timeout=20_000)
            problem = page.locator("#problems li.problem")

            # The template: the spec's budget refuses it at its line, within seconds.
            preview.save(re.sub(r"^title: .*$", HOSTILE, good, count=1, flags=re.M))
            expect(problem).to_have_count(1, timeout=10_000)
            assert re.match(r"^showcase\.yaml:3:\d+: ", problem.inner_text())  # one positioned line

            # The next save wins: a slow rebuild is stopped when the good spec is saved again.
            preview.save(SLOW)
            time.sleep(1)
            version = preview.state()["version"]
            started = time.monotonic()
            preview.save(good.replace("heading: Situation", "heading: Restored"))
            _until(lambda: b"Restored" in preview.ask("GET", "/view/html")[1], 10)
            assert time.monotonic() - started < 5  # shown within a few seconds
            # One version more: the slow rebuild was stopped, and never ran out its 6 s to say so.
            assert preview.state()["version"] == version + 1 and preview.state()["problems"] == []

            # Left alone, the slow rebuild runs out of its time and says so in one line.
            preview.save(SLOW)
            started = time.monotonic()

            def refused() -> list[str]:
                answered = time.monotonic()
                problems = preview.state()["problems"]
                assert time.monotonic() - answered < 1  # the preview answers at once all the while
                memory.append(_memory_mb(pid))
                return problems

            problems = _until(refused, 20, every=0.5)
            assert time.monotonic() - started > 5.5  # it had its 6 s
            line = (
                "showcase.yaml: not rebuilt: the rebuild took longer than 6 s, the preview's budget"
                " (BRIEFING_PREVIEW_SECONDS sets another); the last good rendering stays"
            )
            assert problems == [line]
            expect(problem).to_have_text([line], timeout=10_000)
            expect(page.frame_locator("#html-view").locator("h2", has_text="Restored")).to_be_visible()
            status, body = preview.ask("POST", "/build", {"Content-Type": "application/json"}, b"{}")
            assert status == 409 and preview.untouched()  # Build pack would build it with no limit of time
            cpu = _tree_cpu_seconds(pid)
            time.sleep(1)
            assert _tree_cpu_seconds(pid) - cpu < 0.5  # nothing goes on burning the CPU

            started = time.monotonic()
            preview.save(good)
            expect(problem).to_have_count(0, timeout=10_000)
            expect(page.frame_locator("#html-view").locator("h2", has_text="Situation")).to_be_visible()
            restored = time.monotonic() - started
            print(f"restored in {restored:.2f} s; server memory {min(memory):.0f}-{max(memory):.0f} MB")
            browser.close()
        assert max(memory) - memory[0] < 50 and max(memory) < 500  # the server's own memory stays put
    finally:
        _end(preview)


def test_a_rebuild_past_its_memory_is_one_line(tmp_path, capfd):
    from briefing.reading.loader import Options
    from briefing.serve.rebuilds import Budget, Rebuilder

    spec = tmp_path / "s.yaml"
    spec.write_text(f"title: {TITLE}\nsections:\n  - heading: H\n")
    outcomes = []
    Rebuilder(spec, Options(), Budget(memory_mb=100), lambda outcome, _: outcomes.append(outcome)).once()
    line = f"{spec}: not rebuilt: the rebuild needed more than 100 MB of memory, the preview's budget"
    assert len(outcomes) == 1 and outcomes[0].problems == (
        f"{line} (BRIEFING_PREVIEW_MEMORY_MB sets another); the last good rendering stays",
    )
    assert outcomes[0].rendering is None and "Traceback" not in capfd.readouterr().err


def test_a_bad_budget_is_one_line(tmp_path):
    from briefing.serve.rebuilds import Budget

    assert Budget.from_environment({"BRIEFING_PREVIEW_SECONDS": "2.5"}) == Budget(seconds=2.5)
    with pytest.raises(ValueError, match="^BRIEFING_PREVIEW_MEMORY_MB takes a whole number of megabytes above 0"):
        Budget.from_environment({"BRIEFING_PREVIEW_MEMORY_MB": "-5"})
    spec = tmp_path / "s.yaml"
    spec.write_text("title: T\nsections:\n  - heading: H\n")
    result = subprocess.run(
        [sys.executable, "-m", "briefing.cli", "serve", str(spec), "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "BRIEFING_PREVIEW_SECONDS": "soon"},
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == "briefing: BRIEFING_PREVIEW_SECONDS takes a number of seconds above 0, not 'soon'\n"


REBUILD_AT_BUDGETS = """\
import multiprocessing, sys
from pathlib import Path

if __name__ == "__main__":
    # The fork server started bare, as another part of a program may have started it: nothing preloaded.
    bare = multiprocessing.get_context("forkserver").Process(target=print, args=("",))
    bare.start()
    bare.join()
    from briefing.reading.loader import Options
    from briefing.serve.rebuilds import Budget, Rebuilder

    spec = Path(sys.argv[1])
    for mb in map(int, sys.argv[2:]):
        seen = []
        Rebuilder(spec, Options(), Budget(memory_mb=mb), lambda outcome, _: seen.append(outcome)).once()
        print(mb, *(seen[0].problems or ["built"]), sep="\\t")
"""


def test_every_budget_too_small_is_the_budget_line_whatever_the_rebuild_was_loading(tmp_path):
    # Between "too small to start" and "enough", the rebuild runs out while it loads a shared library
    # (PDFium): that too is the budget reached, not a failure of the preview.
    script, spec = tmp_path / "budgets.py", tmp_path / "s.yaml"
    script.write_text(REBUILD_AT_BUDGETS)
    spec.write_text(f"title: {TITLE}\nsections:\n  - heading: H\n")
    budgets = [str(mb) for mb in range(120, 280, 20)]
    result = subprocess.run(
        [sys.executable, str(script), str(spec), *budgets], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    lines = [line.split("\t") for line in result.stdout.splitlines() if "\t" in line]
    assert [mb for mb, _ in lines] == budgets
    for mb, said in lines:
        assert said == "built" or said.startswith(f"{spec}: not rebuilt: the rebuild needed more than {mb} MB"), said
    assert lines[-1][1] == "built"  # the range reaches a budget that is enough
