"""Packs built on a Dask cluster: the same bytes as a build here, no shared folder, faults survived.

One cluster of two worker processes serves the module. Its workers start without SOURCE_DATE_EPOCH,
in a working folder of their own, and never learn where the specs are: an audit hook in each
worker records every file it opens under the specs' folder, and none may be.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from briefing import manifest
from briefing.cli import main

from .conftest import SPECS

distributed = pytest.importorskip("distributed")
cloudpickle = pytest.importorskip("cloudpickle")

EPOCH = "1764547200"
GOOD = "title: Brief {n}\nsections:\n  - heading: Part {n}\n    content:\n      - paragraph: Text of brief {n}.\n"


class Audit(distributed.WorkerPlugin):
    """Records, in each worker (restarted ones too), every file opened or folder listed under ``folder``."""

    name = "audit"

    def __init__(self, folder: str) -> None:
        self.folder, self.opened = folder, []

    def setup(self, worker: Any) -> None:
        def hook(event: str, args: tuple[Any, ...]) -> None:
            if event in ("open", "os.listdir", "os.scandir") and args and isinstance(args[0], (str, os.PathLike)):
                if os.fspath(args[0]).startswith(self.folder):
                    self.opened.append(os.fspath(args[0]))

        sys.addaudithook(hook)


class KillOnce(distributed.WorkerPlugin):
    """Kills its worker's process as a task starts there, the first time only: the pack is then in flight
    whatever the machine's speed (a timer could fire after a quick pack had come back)."""

    name = "kill-once"

    def __init__(self, flag: str) -> None:
        self.flag = flag

    def transition(self, key: Any, start: str, finish: str, **kwargs: Any) -> None:
        if finish != "executing":
            return
        try:
            os.close(os.open(self.flag, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return
        os.kill(os.getpid(), signal.SIGKILL)


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the example specs, somewhere the workers are never told about."""
    folder = tmp_path_factory.mktemp("desk") / "specs"
    shutil.copytree(SPECS, folder)
    return folder


@pytest.fixture(scope="module")
def cluster(desk: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Any]]:
    work = tmp_path_factory.mktemp("workers")
    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers need not import the tests
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        patch.chdir(work)  # the workers' working folder: no specs in it
        started = distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=50
        )
        client = distributed.Client(started)
        client.wait_for_workers(2, timeout=60)  # each started here, in this environment
    with started, client:
        client.register_plugin(Audit(str(desk.parent)))
        assert set(client.run(os.getcwd).values()) == {str(work)}
        assert set(client.run(_epoch).values()) == {None}
        yield started, client
    cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


@pytest.fixture(scope="module")
def here(desk: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every example built here, with SOURCE_DATE_EPOCH set: what the cluster must give byte for byte."""
    out = tmp_path_factory.mktemp("built") / "here"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        assert main(["build", *_examples(desk), "--out", str(out)]) == 0
    return out


def _epoch() -> str | None:
    """SOURCE_DATE_EPOCH in a worker's environment (``os.environ.get`` would be sent with the client's)."""
    return os.environ.get("SOURCE_DATE_EPOCH")


def _examples(desk: Path) -> list[str]:
    return [str(p) for p in sorted(desk.glob("*.yaml"))]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _opened(client: Any) -> list[str]:
    return [
        path for paths in client.run(lambda dask_worker: dask_worker.plugins["audit"].opened).values() for path in paths
    ]


def _transitions(client: Any) -> int:
    return int(client.run_on_scheduler(lambda dask_scheduler: dask_scheduler.transition_counter))


def test_every_example_built_on_the_cluster_is_byte_identical_to_a_build_here(
    cluster, desk, here, tmp_path, monkeypatch
):
    local, client = cluster
    out = tmp_path / "cluster"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)  # the client's; the workers never had it
    pids = client.run(os.getpid)
    assert main(["build", *_examples(desk), "--scheduler", local.scheduler_address, "--out", str(out)]) == 0
    built, expected = _files(out), _files(here)
    assert built.keys() == expected.keys()
    assert [name for name in built if built[name] != expected[name]] == []
    assert client.run(os.getpid) == pids
    assert set(client.run(_epoch).values()) == {None}
    assert _opened(client) == [], "a worker read the specs' folder"


def _unregister(client: Any, name: str) -> None:
    """Take a plugin off every worker, once the scheduler no longer counts a killed one among them
    (its removal is told to each worker: one still listed but dead fails the telling)."""
    for _ in range(20):
        try:
            client.unregister_worker_plugin(name)
            return
        except OSError:  # Dask's CommClosedError: the killed worker's old address, not yet dropped
            time.sleep(0.5)
    client.unregister_worker_plugin(name)


def test_a_worker_killed_mid_pack_leaves_the_pack_whole_and_identical(cluster, desk, here, tmp_path, monkeypatch):
    local, client = cluster
    before = set(client.run(os.getpid).values())
    flag = tmp_path / "killed"
    client.register_plugin(KillOnce(str(flag)))
    try:
        out = tmp_path / "cluster"
        monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        specs = [str(desk / "mali-russia.yaml"), str(desk / "sahel-weekly.yaml")]
        assert main(["build", *specs, "--scheduler", local.scheduler_address, "--out", str(out)]) == 0
    finally:
        _unregister(client, "kill-once")
    assert flag.exists(), "no worker was killed"
    client.wait_for_workers(2, timeout=60)
    assert set(client.run(os.getpid).values()) != before, "the killed worker was replaced"
    built, expected = _files(out), _files(here)
    assert built and all(built[name] == expected[name] for name in built)
    assert not list(out.glob(".briefing-*"))


def test_a_hostile_spec_is_refused_here_before_anything_is_sent(cluster, desk, tmp_path, capsys):
    local, client = cluster
    outside = tmp_path / "outside.yaml"
    outside.write_text("- heading: Secret\n  content: [{paragraph: Not the spec's to take.}]\n")
    (desk / "parts" / "link.yaml").symlink_to(outside)
    hostile = {
        "escape.yaml": "title: T\nsections:\n  - include: ../../outside.yaml\n",
        "symlink.yaml": "title: T\nsections:\n  - include: parts/link.yaml\n",
        "picture.yaml": "title: T\nsections:\n  - heading: H\n    content:\n      - image: {path: /etc/hostname}\n",
    }
    for name, text in hostile.items():
        (desk / name).write_text(text)
    try:
        sent = _transitions(client)
        specs = [str(desk / name) for name in hostile]
        assert main(["build", *specs, "--scheduler", local.scheduler_address, "--out", str(tmp_path / "out")]) == 2
        assert _transitions(client) == sent, "a task reached the cluster"
    finally:
        for name in hostile:
            (desk / name).unlink()
        (desk / "parts" / "link.yaml").unlink()
    err = capsys.readouterr().err.splitlines()
    assert sorted(line.split(":")[0].rsplit("/", 1)[-1] for line in err) == sorted(hostile), err
    assert all("leads outside" in line for line in err), err
    assert not (tmp_path / "out").exists()


def test_a_picture_over_the_budget_is_refused_here_before_anything_is_sent(cluster, desk, tmp_path, capsys):
    local, client = cluster
    limits = tmp_path / "limits.yaml"
    limits.write_text("data_bytes: 1000\n")
    spec = desk / "pictured.yaml"
    picture = "      - image: {path: images/mali-timeline.png, caption: C}\n"
    spec.write_text("title: T\nsections:\n  - heading: H\n    content:\n" + picture)
    try:
        sent = _transitions(client)
        status = main(["build", str(spec), "--limits", str(limits), "--scheduler", local.scheduler_address,
                       "--out", str(tmp_path / "out")])  # fmt: skip
        assert _transitions(client) == sent, "a task reached the cluster"
    finally:
        spec.unlink()
    assert status == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(str(desk / "images" / "mali-timeline.png") + ":1:1: larger than the 1,000 bytes"), line
    assert not (tmp_path / "out").exists()


def _pretend(version: str | None) -> None:
    """In a worker: report another reportlab (None: the real one again)."""
    import briefing.cluster
    import briefing.manifest

    real = getattr(briefing.cluster, "real_versions", briefing.manifest.versions)
    briefing.cluster.real_versions = real  # type: ignore[attr-defined]

    def other() -> dict[str, str | None]:
        return {**real(), "reportlab": version}

    briefing.cluster.versions = briefing.manifest.versions = real if version is None else other  # type: ignore[assignment]


def test_a_worker_with_other_library_versions_is_refused_unless_allowed(cluster, desk, tmp_path, capsys):
    local, client = cluster
    spec = tmp_path / "brief.yaml"
    spec.write_text(GOOD.format(n=1))
    client.run(_pretend, "0.0-other")
    try:
        sent = _transitions(client)
        out = tmp_path / "out"
        assert main(["build", str(spec), "-f", "html", "--scheduler", local.scheduler_address, "--out", str(out)]) == 1
        assert _transitions(client) == sent, "a task reached the cluster"
        (line,) = capsys.readouterr().err.splitlines()
        here = manifest.versions()["reportlab"]
        assert line.startswith("briefing: the worker tcp://127.0.0.1:")
        assert f"has other versions (reportlab 0.0-other there, {here} here): its files would differ;" in line
        assert line.endswith("--allow-version-mismatch builds anyway")
        assert not out.exists()
        allowed = ["--allow-version-mismatch", "--scheduler", local.scheduler_address]
        assert main(["build", str(spec), "-f", "html", *allowed, "--out", str(out)]) == 0
    finally:
        client.run(_pretend, None)
    recorded = manifest.json.loads((out / "brief.manifest.json").read_text())
    assert recorded["versions"]["reportlab"] == "0.0-other", "the manifest says what the files were built with"


NO_BRIEFING = """
import sys


class NoBriefing:
    \"\"\"Finds no module of briefing's: a worker where briefing is not installed.\"\"\"

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "briefing":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)


for loaded in [name for name in sys.modules if name.split(".")[0] == "briefing"]:
    del sys.modules[loaded]
sys.meta_path.insert(0, NoBriefing())
"""


def test_a_worker_without_briefing_is_named_before_anything_is_sent(tmp_path, capsys):
    spec, out = tmp_path / "brief.yaml", tmp_path / "out"
    spec.write_text(GOOD.format(n=1))
    alone = {"n_workers": 0, "processes": True, "dashboard_address": ":0", "silence_logs": 50}
    with distributed.LocalCluster(**alone) as local, distributed.Client(local) as client:
        # A worker started on its own, as on another machine, in a Python where briefing cannot be imported.
        start = f"{NO_BRIEFING}\nfrom distributed.cli.dask_worker import main\nmain()\n"
        options = ["--nthreads", "1", "--no-nanny", "--no-dashboard"]
        command = [sys.executable, "-c", start, local.scheduler_address, *options]
        worker = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            client.wait_for_workers(1, timeout=60)
            (address,) = client.scheduler_info()["workers"]
            argv = ["build", str(spec), "-f", "html", "--scheduler", local.scheduler_address, "--out", str(out)]
            assert main(argv) == 1
        finally:
            worker.terminate()
            worker.wait(timeout=60)
    assert capsys.readouterr().err.splitlines() == [
        f"briefing: the worker {address} cannot load briefing (No module named 'briefing'): install it there, as here"
    ]
    assert not out.exists()


def test_a_worker_of_other_versions_joining_mid_batch_takes_no_pack(cluster, desk, here, tmp_path, capsys, monkeypatch):
    local, client = cluster
    good = set(client.scheduler_info()["workers"])
    local.scale(3)
    client.wait_for_workers(3, timeout=60)
    (odd,) = set(client.scheduler_info()["workers"]) - good
    client.run(_pretend, "0.0-other", workers=[odd])
    # It joins after the client has looked at the workers: the client's check at connect does not see it.
    monkeypatch.setattr("briefing.cluster.check_workers", lambda client, settings: None)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    try:
        out = tmp_path / "cluster"
        assert main(["build", *_examples(desk), "--scheduler", local.scheduler_address, "--out", str(out)]) == 0
    finally:
        client.run(_pretend, None, workers=[odd])
        local.scale(2)
        client.wait_for_workers(2, timeout=60)
    built, expected = _files(out), _files(here)
    assert built.keys() == expected.keys()
    assert [name for name in built if built[name] != expected[name]] == []
    here_version = manifest.versions()["reportlab"]
    (line,) = capsys.readouterr().err.splitlines()
    assert line == (
        f"briefing: warning: the worker {odd} has other versions (reportlab 0.0-other there, {here_version} here): "
        "its packs are built by the other workers"
    )


def _short_sheets(rows: int) -> None:
    import briefing.writers.xlsx.tables as sheets

    sheets.SHEET_ROWS = rows


def test_a_writer_refusing_on_a_worker_says_the_same_line_as_a_build_here(cluster, tmp_path, capsys, monkeypatch):
    local, client = cluster
    spec = tmp_path / "long.yaml"
    rows = "".join(f"            - [Row {n}, {n}]\n" for n in range(30))
    spec.write_text(f"title: T\nsections:\n  - heading: H\n    content:\n      - table:\n          columns: [A, B]\n"
                    f"          rows:\n{rows}")  # fmt: skip
    import briefing.writers.xlsx.tables as sheets

    rows_of_a_sheet = sheets.SHEET_ROWS
    monkeypatch.setattr(sheets, "SHEET_ROWS", 20)
    assert main(["build", str(spec), "-f", "xlsx", "--out", str(tmp_path / "here")]) == 2
    said_here = capsys.readouterr().err
    client.run(_short_sheets, 20)
    try:
        argv = ["build", str(spec), "-f", "xlsx", "--scheduler", local.scheduler_address]
        assert main([*argv, "--out", str(tmp_path / "there")]) == 2
    finally:
        client.run(_short_sheets, rows_of_a_sheet)
    said_there = capsys.readouterr().err
    assert said_there == said_here
    assert said_here.startswith(f"{spec}:6:")


class Stopper(distributed.WorkerPlugin):
    """Stops the scheduler at ``address`` (of a cluster in this process) when the third task starts."""

    name = "stopper"

    def __init__(self, address: str) -> None:
        self.address, self.started = address, 0

    def transition(self, key: Any, start: str, finish: str, **kwargs: Any) -> None:
        if finish == "executing":
            self.started += 1
            if self.started == 3:
                from distributed.scheduler import Scheduler

                for scheduler in list(Scheduler._instances):
                    if scheduler.address == self.address:
                        scheduler.loop.add_callback(scheduler.close)


def test_a_stopped_scheduler_names_the_packs_not_built_and_resume_builds_only_those(tmp_path, capsys):
    import dask

    specs = []
    for n in range(4):
        spec = tmp_path / f"brief{n}.yaml"
        spec.write_text(GOOD.format(n=n))
        specs.append(str(spec))
    out = tmp_path / "out"
    with dask.config.set({"distributed.comm.timeouts.connect": "3s"}):
        with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0") as c:
            with distributed.Client(c) as client:
                client.register_plugin(Stopper(c.scheduler_address))
            status = main(["build", *specs, "-f", "html,docx", "--scheduler", c.scheduler_address, "--out", str(out)])
    assert status == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("briefing: not built, their workers lost: "), err
    assert err[0].endswith("; --resume builds only these")
    lost = err[0].removeprefix("briefing: not built, their workers lost: ").split(";")[0].split(", ")
    assert lost and set(lost) <= set(specs)
    kept = {}
    for spec in specs:
        stem = Path(spec).stem
        files = sorted(out.glob(f"{stem}.*")) if out.exists() else []
        if spec in lost:
            assert files == [], "no partial pack"
        else:
            assert [f.name for f in files] == [f"{stem}.docx", f"{stem}.html", f"{stem}.manifest.json"]
            kept.update({f: f.stat().st_mtime_ns for f in files})
    assert not list(out.glob(".briefing-*"))
    assert main(["build", *specs, "-f", "html,docx", "--resume", "--out", str(out)]) == 0
    assert {f: f.stat().st_mtime_ns for f in kept} == kept, "a pack already built was built again"
    for spec in lost:
        assert (out / f"{Path(spec).stem}.html").is_file()
    assert len(capsys.readouterr().out.splitlines()) == 2 * len(specs)
