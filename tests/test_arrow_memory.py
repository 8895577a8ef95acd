"""A CSV read by Arrow under a limit on address space (``ulimit -v``, the preview): refused only when it needs more."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import run_briefing_measured

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="address-space limits as Linux has them")

SPEC = (
    "title: T\nsections:\n  - heading: H\n    content:\n      - table:\n          title: Tab\n          source: d.csv\n"
)


def _write(folder: Path, rows: int) -> None:
    with (folder / "d.csv").open("w", encoding="utf-8", newline="") as out:
        out.write("id,when,name,amount,flag\n")
        for i in range(1, rows + 1):
            out.write(f"{i},2026-01-{i % 28 + 1:02d},name{i % 97},{i * 3},{'yes' if i % 2 else 'no'}\n")
    (folder / "spec.yaml").write_text(SPEC, encoding="utf-8")


def _validate(folder: Path, limit: int) -> tuple[int, str, str]:
    out, err = folder / "out.txt", folder / "err.txt"
    code, _, _ = run_briefing_measured(["validate", "spec.yaml"], folder, limit, 300, out, err)
    return code, out.read_text(), err.read_text()


def test_a_clean_200000_row_csv_is_read_under_the_limit_the_line_by_line_reader_needed(tmp_path):
    # 7 MB of CSV: Arrow's default pool alone reserved more than 1.5 GB of address space for it.
    _write(tmp_path, 200_000)
    code, out, err = _validate(tmp_path, 1_500_000_000)
    assert (code, err) == (0, "")
    assert out.startswith("spec.yaml: ok")


def test_a_clean_200000_row_json_lines_file_is_read_under_the_same_limit(tmp_path):
    # Every Arrow call of the JSON-lines reader in its pool: whole numbers among floats, texts, times as text.
    with (tmp_path / "d.jsonl").open("w", encoding="utf-8") as out:
        for i in range(1, 200_001):
            score = i / 2 if i % 3 else i // 2
            when = f"2026-01-{i % 28 + 1:02d}"
            out.write(f'{{"id":{i},"when":"{when}","name":"name{i % 97}","score":{score},"ok":true}}\n')
    (tmp_path / "spec.yaml").write_text(SPEC.replace("d.csv", "d.jsonl"), encoding="utf-8")
    code, out, err = _validate(tmp_path, 1_500_000_000)
    assert (code, err) == (0, "")
    assert out.startswith("spec.yaml: ok")


def test_arrow_truth_values_with_gaps_become_numpys_with_the_gaps_false():
    import pyarrow as pa

    from briefing.reading.arrow_types import POOL, np_bools

    made = np_bools(pa.array([True, None, False, True], memory_pool=POOL))
    assert made.tolist() == [True, False, False, True] and made.dtype == bool
