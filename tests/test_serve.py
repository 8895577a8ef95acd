"""``briefing serve`` in a real browser: headless Chromium from the system, driven by Playwright.

The preview runs as the user runs it, in a process of its own on 127.0.0.1; the test edits
the spec on disk and watches the open page follow, without reloading it.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from .conftest import SPECS, axe_violations, free_port, require_tool

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
"""As this machine's closed network needs: no call home at start."""


@pytest.fixture
def served(tmp_path):
    """A copy of the showcase and its picture, served; yields (spec, base URL, process)."""
    folder = tmp_path / "desk"
    (folder / "images").mkdir(parents=True)
    shutil.copy(SPECS / "images" / "mali-timeline.png", folder / "images")
    spec = folder / "showcase.yaml"
    spec.write_text((SPECS / "showcase.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    with serving(spec, "--out", str(tmp_path / "out")) as (url, process):
        yield spec, url, process


@contextmanager
def serving(spec: Path, *options: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``briefing serve SPEC OPTIONS`` in a process of its own on a free port; yields (base URL, process)
    once it answers, and stops it after."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "briefing.cli", "serve", str(spec), "--port", str(port), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = process.stdout.readline().strip()
        assert url == f"http://127.0.0.1:{port}/", process.stderr.read()
        _wait_for(url)
        yield url, process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def _wait_for(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "state", timeout=2).read()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} never answered")


def _status(url: str) -> int:
    try:
        return urllib.request.urlopen(url, timeout=5).status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_the_preview_follows_the_spec_in_a_real_browser(served, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    chromium = require_tool("chromium")
    spec, url, _ = served
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(url)
        expect(page.locator("#title")).to_have_text("Sahel Security Outlook", timeout=30_000)
        briefing = page.frame_locator("#html-view")
        expect(briefing.locator("td", has_text="375,539")).to_be_visible(timeout=30_000)
        page.screenshot(path=str(tmp_path / "1-first.png"))
        page.evaluate("window.notReloaded = true")

        spec.write_text(spec.read_text(encoding="utf-8").replace("heading: Situation", "heading: Situation now"))
        expect(briefing.locator("h2", has_text="Situation now")).to_be_visible(timeout=30_000)
        assert page.evaluate("window.notReloaded") is True  # updated in place, not reloaded by the test
        page.screenshot(path=str(tmp_path / "2-edited.png"))

        good = spec.read_text(encoding="utf-8")
        spec.write_text(good.replace("  - heading: Figures", "  - heading: Figures\n\tcontent: []"))
        problems = page.locator("#problems")
        expect(problems).to_be_visible(timeout=30_000)
        expect(problems).to_contain_text("showcase.yaml:", timeout=30_000)
        text = problems.inner_text()
        assert re.search(r"^showcase\.yaml:\d+:\d+: a tab is used for indentation; use spaces$", text, re.M), text
        assert str(spec.parent) not in text  # named from the spec's folder, never by its full path
        expect(briefing.locator("h2", has_text="Situation now")).to_be_visible()  # the last good rendering stays
        page.screenshot(path=str(tmp_path / "3-broken.png"))

        spec.write_text(good)
        expect(page.locator("#problems li.problem")).to_have_count(0, timeout=30_000)
        page.get_by_role("button", name="PDF pages").click()
        expect(page.locator("#pdf-view img").first).to_be_visible()
        page.get_by_role("button", name="Excel sheets").click()
        sheet = page.frame_locator("#xlsx-view iframe")
        expect(sheet.locator("td").first).to_be_visible(timeout=30_000)
        page.screenshot(path=str(tmp_path / "4-fixed.png"))
        browser.close()


def test_the_preview_and_the_briefing_in_it_pass_wcag_22_aa_in_a_browser(served):
    from playwright.sync_api import expect, sync_playwright

    chromium = require_tool("chromium")
    _, url, _ = served
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(url)
        expect(page.frame_locator("#html-view").locator("td", has_text="375,539")).to_be_visible(timeout=30_000)
        expect(page.frame_locator("#xlsx-view iframe").locator("td").first).to_be_attached(timeout=30_000)
        assert len(page.frames) == 3  # the preview, the briefing's page and a sheet of the workbook
        for frame in page.frames:
            assert axe_violations(frame) == [], frame.url
        browser.close()


WARNED = """title: Access desk
sections:
  - heading: Links
    content:
      - paragraph: For details, [click here](https://example.org/report).
      - paragraph: A greeting, مرحبا بالعالم, unmarked.
"""
"""A spec that builds with warnings: a link that does not say where it leads, Arabic without its language."""


def test_the_preview_with_warnings_and_its_pdf_pages_pass_wcag_22_aa(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    chromium = require_tool("chromium")
    spec = tmp_path / "warned.yaml"
    spec.write_text(WARNED, encoding="utf-8")
    with serving(spec, "--out", str(tmp_path / "out")) as (url, _), sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(url)
        expect(page.locator("#problems li.warning")).to_have_count(2, timeout=30_000)
        arabic = page.locator("#problems li.warning span[lang=ar]").first  # read in its language, right to left
        expect(arabic).to_have_text("مرحبا بالعالم")
        assert arabic.get_attribute("dir") == "rtl"
        expect(page.frame_locator("#html-view").locator("h2", has_text="Links")).to_be_visible(timeout=30_000)
        assert axe_violations(page.main_frame) == []
        page.get_by_role("button", name="PDF pages").click()
        pages = page.get_by_role("region", name="PDF pages")
        expect(pages.get_by_role("img").first).to_be_visible()
        assert pages.get_by_role("img").first.get_attribute("alt") == "Page 1 of 1 of Access desk"
        assert axe_violations(page.main_frame) == []
        browser.close()


def test_only_the_preview_is_served_and_only_here(served):
    spec, url, _ = served
    assert _status(url + "state") == 200
    for path in ("../showcase.yaml", "showcase.yaml", "images/mali-timeline.png", "etc/passwd", "view/page/99.png"):
        assert _status(url + path) == 404, path
    port = int(url.rsplit(":", 1)[1].strip("/"))
    with socket.create_connection(("127.0.0.1", port)) as raw:
        raw.sendall(f"GET /../specs/x.yaml HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        assert raw.recv(200).startswith(b"HTTP/1.1 404")
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.2", port), timeout=2)  # bound to 127.0.0.1 alone


def test_ctrl_c_stops_the_preview_cleanly(served):
    _, _, process = served
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=15) == 0
    assert "Traceback" not in process.stderr.read()


def test_build_pack_writes_what_build_writes(served, tmp_path):
    _, url, _ = served
    request = urllib.request.Request(url + "build", data=b"{}", headers={"Content-Type": "application/json"})
    answer = json.loads(urllib.request.urlopen(request, timeout=60).read())
    assert sorted(answer["written"]) == [
        "showcase.docx",
        "showcase.html",
        "showcase.manifest.json",
        "showcase.pdf",
        "showcase.xlsx",
    ]  # named in the output folder, never by a full path
    assert sorted(p.name for p in (tmp_path / "out").glob("showcase.*")) == [
        "showcase.docx",
        "showcase.html",
        "showcase.manifest.json",
        "showcase.pdf",
        "showcase.xlsx",
    ]


def test_another_address_is_served_only_when_asked_and_with_a_warning(tmp_path):
    spec = tmp_path / "s.yaml"
    spec.write_text("title: T\nsections:\n  - heading: H\n")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "briefing.cli", "serve", str(spec), "--port", str(port), "--host", "0.0.0.0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout.readline().strip() == f"http://0.0.0.0:{port}/"
        _wait_for(f"http://127.0.0.1:{port}/")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)
    assert "warning: serving on 0.0.0.0: anyone who can reach this address can read the briefing" in (
        process.stderr.read()
    )


def test_without_its_extra_serve_says_how_to_install_it(tmp_path):
    code = (
        "import sys; sys.modules['uvicorn'] = None\n"
        "from briefing.cli import main\n"
        f"sys.exit(main(['serve', {str(SPECS / 'showcase.yaml')!r}]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert (
        result.stderr
        == "briefing: the preview needs the serve extra (uvicorn is missing): pip install 'briefing[serve]'\n"
    )


def test_a_style_file_elsewhere_is_followed_too(tmp_path):
    spec = tmp_path / "desk" / "s.yaml"
    spec.parent.mkdir()
    spec.write_text("title: T\nsections:\n  - heading: H\n")
    style = tmp_path / "house" / "house.yaml"
    style.parent.mkdir()
    style.write_text("accent: '#1F3864'\n")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "briefing.cli", "serve", str(spec), "--port", str(port), "--style", str(style)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = process.stdout.readline().strip()
        _wait_for(url)
        first = json.loads(urllib.request.urlopen(url + "state", timeout=5).read())["version"]
        style.write_text("accent: '#C00000'\n")
        for _ in range(100):
            now = json.loads(urllib.request.urlopen(url + "state", timeout=5).read())
            if now["version"] > first:
                break
            time.sleep(0.1)
        assert now["version"] > first
        assert "c00000" in urllib.request.urlopen(url + "view/html", timeout=5).read().decode().lower()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)
