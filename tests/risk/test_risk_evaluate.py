"""The figures module: every development set is reported, the held-out set separately and never row by row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from heed.risk.evaluate import DATA_DIR, HOLDOUT_NAME, development_sets, load_cases, main

ROW_HIGH = {"text": "SYNTHETIC. He asked her for nudes.", "indicators": ["sexual_content"], "risk": "high"}
ROW_STD = {"text": "SYNTHETIC. Screen time worries only.", "indicators": [], "risk": "standard"}


def write(path: Path, rows: list[dict[str, object]]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_every_set_but_the_holdout_is_a_development_set(tmp_path: Path) -> None:
    for name in ("devset.jsonl", "devset2.jsonl", HOLDOUT_NAME, "zz_more.jsonl"):
        write(tmp_path / name, [ROW_STD])
    assert [p.name for p in development_sets(tmp_path)] == ["devset.jsonl", "devset2.jsonl", "zz_more.jsonl"]


def test_report_lists_dev_errors_but_only_holdout_aggregates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "devset.jsonl", [{"id": "d-1", **ROW_HIGH}, {"id": "d-2", **ROW_STD, "risk": "high"}])
    write(tmp_path / "devset2.jsonl", [{"id": "e-1", **ROW_STD}])
    write(tmp_path / HOLDOUT_NAME, [{"id": "h-1", **ROW_STD, "risk": "high"}])
    assert main(["--data", str(tmp_path), "--errors"]) == 0
    out = capsys.readouterr().out
    assert "devset.jsonl" in out and "devset2.jsonl" in out
    assert out.index("devset2.jsonl") < out.index(HOLDOUT_NAME)
    assert "d-2: risk high->standard" in out
    assert "h-1" not in out
    summary = out[out.index("set  ") :]
    assert [line.split()[0] for line in summary.splitlines()[1:4]] == ["devset", "devset2", "holdout"]


def test_no_development_set_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / HOLDOUT_NAME, [ROW_STD])
    assert main(["--data", str(tmp_path)]) == 2
    assert "no development set" in capsys.readouterr().err


def test_shipped_development_sets_are_synthetic_and_well_formed() -> None:
    sets = development_sets(DATA_DIR)
    assert {p.name for p in sets} >= {"devset.jsonl", "devset2.jsonl"}
    for path in sets:
        rows = load_cases(path)
        ids = [r["id"] for r in rows]
        assert len(ids) == len(set(ids)), path
        for r in rows:
            assert r["text"].startswith("SYNTHETIC"), r["id"]
    assert len(load_cases(DATA_DIR / "devset2.jsonl")) >= 150
