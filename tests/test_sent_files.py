"""What a worker reads when a pack's files are sent with its task: those bytes, its own package, nothing else."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from briefing import cluster, files
from briefing.batch import Job, Rendered


def test_a_sent_file_is_read_from_the_bytes_sent_not_from_the_disk(tmp_path):
    gone = tmp_path / "client" / "images" / "map.png"
    with files.sent(files.Sent({str(gone): b"the client's bytes"}, "/client/site-packages/briefing")):
        assert files.read(gone) == b"the client's bytes"
        copy = files.local(gone)
        assert copy.name == "map.png" and copy.read_bytes() == b"the client's bytes"


def test_a_file_on_the_workers_disk_that_was_not_sent_is_refused(tmp_path):
    here = tmp_path / "secret.txt"
    here.write_text("a worker's own file")
    with files.sent(files.Sent({}, "/client/site-packages/briefing")):
        with pytest.raises(files.NotSent, match="secret.txt: not sent with the task"):
            files.read(here)
        with pytest.raises(files.NotSent):
            files.local("/client/site-packages/briefing/../../etc/passwd")
    assert files.read(here) == b"a worker's own file", "built here, the disk is read"


def test_the_clients_package_files_are_the_workers_own():
    font = next((files.PACKAGE / "fonts").glob("*.ttf"))
    client_path = Path("/client/site-packages/briefing") / font.relative_to(files.PACKAGE)
    with files.sent(files.Sent({}, "/client/site-packages/briefing")):
        assert files.read(client_path) == font.read_bytes()


def _render(job: Job, formats: list[str], doc: object) -> list[Rendered]:
    stamp = os.environ.get("SOURCE_DATE_EPOCH")
    return [Rendered(job, fmt, data=f"{stamp}:{files.read('/client/p.png').decode()}".encode()) for fmt in formats]


def test_a_task_builds_with_the_clients_epoch_and_files_and_leaves_the_environment_as_it_was(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    data = b"picture"
    sent = files.Sent({"/client/p.png": data}, "/client", {"/client/p.png": hashlib.sha256(data).hexdigest()})
    (result,) = cluster.task(_render, Job("a.yaml", "a"), ["html"], None, sent, cluster.Settings(epoch=1764547200))  # type: ignore[arg-type]
    assert result.data == b"1764547200:picture"
    assert "SOURCE_DATE_EPOCH" not in os.environ


def test_bytes_that_arrive_other_than_they_were_read_are_not_built():
    sent = files.Sent({"/client/p.png": b"picture, changed on the way"}, "/client", {"/client/p.png": "0" * 64})
    (result,) = cluster.task(_render, Job("a.yaml", "a"), ["html"], None, sent, cluster.Settings())  # type: ignore[arg-type]
    assert result.data is None
    assert result.error == "/client/p.png arrived other than it was read (its SHA-256 differs)"


def test_copies_left_by_a_killed_process_are_removed_and_a_running_ones_kept(tmp_path):
    import subprocess
    import sys

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = tmp_path / f"briefing-sent-{int(gone.stdout)}-abc"
    alive = tmp_path / f"briefing-sent-{os.getppid()}-def"
    own = tmp_path / f"briefing-sent-{os.getpid()}-ghi"
    for folder in (dead, alive, own):
        folder.mkdir()
        (folder / "picture.png").write_bytes(b"x")
    files._remove_stale(tmp_path)
    assert not dead.exists()
    assert alive.exists() and own.exists()


def test_a_task_in_a_local_worker_leaves_dask_unimported():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from briefing import cluster\n"
        "from briefing.batch import Job, Rendered\n"
        "def render(job, formats, doc):\n"
        "    return [Rendered(job, fmt, data=b'x') for fmt in formats]\n"
        "cluster.task(render, Job('a.yaml', 'a'), ['html'], None, None, cluster.Settings())\n"
        "print('distributed' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False", "a third of a second of every local worker's start"


def test_a_worker_of_other_versions_returns_its_refusal_so_that_dask_does_not_try_it_again_unheard():
    from briefing.manifest import versions

    client = {**versions(), "reportlab": "0.0-other"}
    refused = cluster.task(_render, Job("a.yaml", "a"), ["html"], None, None, cluster.Settings(versions=client))  # type: ignore[arg-type]
    assert isinstance(refused, cluster.Refused)
    assert refused.line.startswith(f"the worker process {os.getpid()} has other versions (reportlab ")
