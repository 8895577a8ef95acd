"""Batch builds: many specs and variants in parallel processes or on a Dask cluster, failures listed last."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from briefing.cli import main

from .conftest import SPECS, pdf_text, squash, xlsx_text

GOOD = "title: Brief {n}\nsections:\n  - heading: Part {n}\n    content:\n      - paragraph: Text of brief {n}.\n"


@pytest.fixture
def specs(tmp_path: Path) -> list[Path]:
    paths = []
    for n in range(3):
        path = tmp_path / f"brief{n}.yaml"
        path.write_text(GOOD.format(n=n))
        paths.append(path)
    bad = tmp_path / "broken.yaml"
    bad.write_text("title: Broken\nsections:\n  - heading: H\n    content:\n      - paragraf: x\n")
    paths.insert(1, bad)
    return paths


def test_parallel_processes_build_every_good_spec_and_list_the_bad_one_last(specs, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "broken.pdf").write_bytes(b"an earlier pack")
    assert main(["build", *map(str, specs), "--jobs", "2", "--format", "pdf,xlsx", "--out", str(out)]) == 2
    for n in range(3):
        assert f"Text of brief {n}." in squash(pdf_text(out / f"brief{n}.pdf"))
        assert f"Brief {n}" in xlsx_text(out / f"brief{n}.xlsx")
        assert (out / f"brief{n}.manifest.json").is_file()
    assert (out / "broken.pdf").read_bytes() == b"an earlier pack", "a bad spec touches nothing"
    assert not list(out.glob(".briefing-*"))
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == f"{specs[1]}:5:9: unknown key 'paragraf' in a block (did you mean 'paragraph'?)"


def test_one_process_gives_the_same_packs_and_the_same_failures(specs, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", *map(str, specs), "--format", "pdf", "--out", str(out)]) == 2
    assert sorted(p.name for p in out.glob("*.pdf")) == ["brief0.pdf", "brief1.pdf", "brief2.pdf"]
    assert "unknown key 'paragraf'" in capsys.readouterr().err.strip().splitlines()[-1]


def test_each_builds_one_spec_over_many_values(tmp_path):
    shutil.copy(SPECS / "sahel-weekly.yaml", tmp_path)
    shutil.copy(SPECS / "sahel-weekly-base.yaml", tmp_path)
    shutil.copytree(SPECS / "parts", tmp_path / "parts")
    out = tmp_path / "out"
    spec = str(tmp_path / "sahel-weekly.yaml")
    assert (
        main(["build", spec, "--each", "country=Mali,Niger,Chad", "--jobs", "2", "-f", "pdf", "--out", str(out)]) == 0
    )
    for country in ("Mali", "Niger", "Chad"):
        text = squash(pdf_text(out / f"sahel-weekly-{country}.pdf"))
        assert f"Weekly security briefing: {country}" in text


def test_bad_job_counts_are_refused(specs, capsys):
    assert main(["build", str(specs[0]), "--jobs", "0"]) == 2
    assert "expected a number of processes, 1 or more, not '0'" in capsys.readouterr().err
    assert main(["build", str(specs[0]), "--each", "country"]) == 2


def test_resume_builds_again_a_pack_built_at_another_source_date_epoch(tmp_path, monkeypatch):
    spec = tmp_path / "brief.yaml"
    spec.write_text("title: T\nsections:\n  - heading: H\n    content:\n      - paragraph: Text.\n")
    out = tmp_path / "out"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")
    assert main(["build", str(spec), "-f", "html", "--out", str(out)]) == 0
    built = (out / "brief.html").stat().st_mtime_ns
    assert main(["build", str(spec), "-f", "html", "--resume", "--out", str(out)]) == 0
    assert (out / "brief.html").stat().st_mtime_ns == built, "the same epoch: kept"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert main(["build", str(spec), "-f", "html", "--resume", "--out", str(out)]) == 0
    recorded = json.loads((out / "brief.manifest.json").read_text())
    assert recorded["built"].startswith("2023-11-14"), "another epoch: built again, recording its time"


def test_a_batch_gives_each_worker_a_pack_at_once_then_sends_the_largest_first(tmp_path):
    import concurrent.futures as cf

    from briefing import batch
    from briefing.reading.loader import load

    jobs = []
    for n, rows in enumerate([1, 3, 50, 2, 20]):
        (tmp_path / f"b{n}.csv").write_text("place,people\n" + "".join(f"P{i},{i}\n" for i in range(rows)))
        spec = tmp_path / f"b{n}.yaml"
        spec.write_text(f"title: B{n}\nsections:\n  - heading: H\n    content:\n      - table: {{source: b{n}.csv}}\n")
        jobs.append((batch.Job(str(spec), f"b{n}"), load(spec)))
    sent = []

    class Recording(cf.Executor):
        def submit(self, fn, /, *args, **kwargs):
            sent.append(args[1].stem)
            future: cf.Future = cf.Future()
            future.set_exception(ConnectionError("not built here"))
            return future

    outcome = batch.run(iter(jobs), ["html"], tmp_path / "out", Recording(), workers=2)
    assert sent == ["b0", "b1", "b2", "b4", "b3"]
    assert sorted(outcome.lost) == sorted(str(job.spec) for job, _ in jobs) and not (tmp_path / "out").exists()
