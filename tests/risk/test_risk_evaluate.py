"""The figures module: every development set is reported, the held-out set separately and never row by row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from heed.risk.evaluate import DATA_DIR, development_sets, holdout_sets, load_cases, main

HOLDOUT_NAME = "holdout.jsonl"

ROW_HIGH = {"text": "SYNTHETIC. He asked her for nudes.", "indicators": ["sexual_content"], "risk": "high"}
ROW_STD = {"text": "SYNTHETIC. Screen time worries only.", "indicators": [], "risk": "standard"}


def write(path: Path, rows: list[dict[str, object]]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_every_set_but_the_holdouts_is_a_development_set(tmp_path: Path) -> None:
    for name in ("devset.jsonl", "devset2.jsonl", HOLDOUT_NAME, "holdout2.jsonl", "zz_more.jsonl"):
        write(tmp_path / name, [ROW_STD])
    assert [p.name for p in development_sets(tmp_path)] == ["devset.jsonl", "devset2.jsonl", "zz_more.jsonl"]
    assert [p.name for p in holdout_sets(tmp_path)] == [HOLDOUT_NAME, "holdout2.jsonl"]


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
    assert [line.split()[0] for line in summary.splitlines()[1:5]] == ["devset", "devset2", "all", "holdout"]


def test_no_holdout_reads_no_held_out_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "devset.jsonl", [{"id": "d-1", **ROW_STD}])
    write(tmp_path / HOLDOUT_NAME, [{"id": "h-1", **ROW_STD, "risk": "high"}])
    assert main(["--data", str(tmp_path), "--no-holdout", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "not read" in out
    assert not any(line.startswith("holdout") for line in out.splitlines())


def test_mapping_shaped_labels_and_emergencies_are_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The newer shape: indicators map to evidence; an immediate-danger narrative must be graded emergency.
    row = {
        "id": "m-1",
        "text": "SYNTHETIC. She is 13. He is 30 and she is with him at his flat right now and not answering.",
        "indicators": {
            "immediate_danger": ["she is with him at his flat right now"],
            "age_gap": ["He is 30"],
        },
        "risk": "high",
    }
    write(tmp_path / "devset.jsonl", [row, {"id": "m-2", **ROW_STD}])
    assert main(["--data", str(tmp_path), "--no-holdout"]) == 0
    out = capsys.readouterr().out
    assert "emergencies graded emergency: 1/1; false emergencies: 0" in out


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
            assert r.get("synthetic") is True or r["text"].startswith("SYNTHETIC"), r["id"]
    assert len(load_cases(DATA_DIR / "devset2.jsonl")) >= 150
    # Issue 8: at least 1,500 labelled development narratives, and a held-out set of at least 200 beside the
    # original one.
    assert sum(len(load_cases(p)) for p in sets) >= 1500
    assert max(len(load_cases(p)) for p in holdout_sets(DATA_DIR)) >= 200
