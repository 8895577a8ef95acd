"""The preview and the pack it builds: its own files set off no rebuild, so "built: ..." stays."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request

from briefing.serve.run import own_output

from .conftest import free_port
from .test_serve import _wait_for


def _version(url: str) -> int:
    return json.loads(urllib.request.urlopen(url + "state", timeout=10).read())["version"]


def test_the_packs_own_files_are_not_followed(tmp_path):
    out = tmp_path / "output"
    is_output = own_output(out, "weekly")
    assert is_output(str(out / "weekly.pdf")) and is_output(str(out / "weekly.manifest.json"))
    assert is_output(str(out / ".packs" / "weekly.3" / "weekly.xlsx"))
    assert not is_output(str(tmp_path / "weekly.yaml")) and not is_output(str(out / "data.csv"))


def test_build_pack_sets_off_no_rebuild_and_a_save_does(tmp_path):
    spec = tmp_path / "weekly.yaml"
    spec.write_text("title: T\nsections:\n  - heading: H\n    content:\n      - paragraph: One.\n")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "briefing.cli", "serve", spec.name, "--port", str(port)],
        cwd=tmp_path,  # the pack goes to output/, inside the folder the preview follows
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = process.stdout.readline().strip()
        _wait_for(url)
        before = _version(url)
        request = urllib.request.Request(url + "build", data=b"{}", headers={"Content-Type": "application/json"})
        answer = json.loads(urllib.request.urlopen(request, timeout=120).read())
        assert "weekly.pdf" in answer["written"] and (tmp_path / "output" / "weekly.xlsx").is_file()
        time.sleep(2.5)  # well past the watcher's debounce
        assert _version(url) == before
        spec.write_text(spec.read_text().replace("One.", "Two."))
        for _ in range(100):
            if _version(url) > before:
                break
            time.sleep(0.1)
        assert _version(url) == before + 1
    finally:
        process.kill()
        process.wait(timeout=10)
