"""The preview of a marked pack: its portion marks, and a switch between the variants for each level."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from .conftest import SPECS, free_port, require_tool


@pytest.fixture
def served(tmp_path):
    """The marked weekly example and its base, served; yields the base URL."""
    folder = tmp_path / "desk"
    (folder / "parts").mkdir(parents=True)
    for name in ("sahel-weekly-marked.yaml", "sahel-weekly-base.yaml", "parts/handling.yaml"):
        shutil.copy(SPECS / name, folder / name)
    port = free_port()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "briefing.cli", "serve", str(folder / "sahel-weekly-marked.yaml")),
            *("--port", str(port), "--out", str(tmp_path / "out")),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = process.stdout.readline().strip()
    assert url == f"http://127.0.0.1:{port}/", process.stderr.read()
    for _ in range(100):
        try:
            _get(url + "state")
            break
        except OSError:
            time.sleep(0.1)
    yield url
    process.kill()
    process.wait(timeout=10)


def _get(url: str) -> bytes:
    return urllib.request.urlopen(url, timeout=10).read()


def _state(url: str) -> dict:
    return json.loads(_get(url + "state"))


def _choose(url: str, clearance: str) -> dict:
    body = json.dumps({"clearance": clearance}).encode()
    request = urllib.request.Request(url + "variant", data=body, headers={"Content-Type": "application/json"})
    try:
        return json.loads(urllib.request.urlopen(request, timeout=10).read())
    except urllib.error.HTTPError as exc:
        return {"status": exc.code, **json.loads(exc.read())}


def _until(url: str, variant: str) -> dict:
    for _ in range(300):
        state = _state(url)
        if state["variant"] == variant:
            return state
        time.sleep(0.1)
    raise AssertionError(f"the preview never showed the {variant or 'whole'} variant")


def test_the_preview_shows_portion_marks_and_switches_between_variants(served):
    url = served
    state = _until(url, "")
    assert state["levels"][:3] == ["OFFICIAL", "OFFICIAL UK EYES ONLY", "OFFICIAL REL TO GBR, FRA"]
    assert {"OFFICIAL-SENSITIVE", "SECRET", "SECRET UK EYES ONLY", "TOP SECRET"} <= set(state["levels"])
    page = _get(url + "view/html").decode()
    assert "(S) A sensitive source" in page and "(OS) Regional response" in page and ">SECRET<" in page
    assert _choose(url, "OFFICIAL") == {"variant": "OFFICIAL"}
    _until(url, "OFFICIAL")
    page = _get(url + "view/html").decode()
    assert "Sévaré" not in page and "Regional response" not in page
    assert "(O) Situation" in page and ">OFFICIAL<" in page
    assert _choose(url, "SECRETT")["status"] == 400
    assert _choose(url, "") == {"variant": ""}
    assert "Sévaré" in (_until(url, "") and _get(url + "view/html").decode())


def test_the_writer_switches_variants_in_the_page_itself(served, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    from .test_serve import CHROMIUM_FLAGS

    chromium = require_tool("chromium")
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(served)
        briefing = page.frame_locator("#html-view")
        expect(briefing.locator("p", has_text="(S) A sensitive source")).to_be_visible(timeout=30_000)
        choice = page.locator("#variant")
        expect(choice).to_be_visible()
        choice.select_option("OFFICIAL-SENSITIVE")
        expect(briefing.locator("h2", has_text="(OS) Regional response")).to_be_visible(timeout=30_000)
        expect(briefing.locator("p", has_text="Sévaré")).to_have_count(0)
        expect(choice).to_have_value("OFFICIAL-SENSITIVE")
        page.screenshot(path=str(tmp_path / "variant.png"))
        browser.close()


def test_build_pack_writes_the_variant_the_preview_shows(served, tmp_path):
    from pypdf import PdfReader

    url = served
    _until(url, "")
    assert _choose(url, "OFFICIAL-SENSITIVE") == {"variant": "OFFICIAL-SENSITIVE"}
    _until(url, "OFFICIAL-SENSITIVE")
    request = urllib.request.Request(url + "build", data=b"{}", headers={"Content-Type": "application/json"})
    written = json.loads(urllib.request.urlopen(request, timeout=120).read())["written"]
    assert "sahel-weekly-marked.official-sensitive.pdf" in written
    assert not any(name.startswith("sahel-weekly-marked.pdf") for name in written)
    pdf = "".join(
        page.extract_text() for page in PdfReader(tmp_path / "out" / "sahel-weekly-marked.official-sensitive.pdf").pages
    )
    assert "Regional response" in pdf and "Sévaré" not in pdf
