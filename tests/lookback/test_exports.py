"""The look-back's export of closed calls (heed.lookback.exports, and ``heed guidance export``): it holds
narrative text, so every export is recorded in the force's chain with who, the force, the period, the
number of calls, where it went and its digest; a file whose record fails is removed, and a failed write
leaves neither file nor record. The command says where the file went and that it is personal data."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from heed.audit.chain import chain_for_force
from heed.audit.models import AuditEvent
from heed.guidance.lookback import CallRecord
from heed.lookback import exports
from heed.lookback.exports import lookback_export
from tests.lookback.test_services import closed_standard_call

pytestmark = pytest.mark.django_db

SINCE = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def json_lines(records: Iterable[CallRecord], path: Path) -> int:
    """A stand-in for the Parquet writer: one JSON line per call."""
    rows = [r.to_row() for r in records]
    with path.open("x", encoding="utf-8") as f:
        f.writelines(json.dumps(row, default=str) + "\n" for row in rows)
    return len(rows)


def test_an_export_is_recorded_with_its_digest(make_call: Any, cast: dict[str, Any], tmp_path: Path) -> None:
    call = closed_standard_call(make_call, cast)
    out = tmp_path / "calls.jsonl"
    done = lookback_export(force=cast["handler"].force, since=SINCE, path=out, write=json_lines)
    assert done.calls == 1 and call.reference in out.read_text(encoding="utf-8")
    event = AuditEvent.objects.get(event_type="lookback.exported")
    assert event.chain == chain_for_force("TST")
    assert event.after["digest"] == done.digest == hashlib.sha256(out.read_bytes()).hexdigest()
    assert event.after["calls"] == 1 and event.after["since"] == SINCE.isoformat()
    assert event.after["file"] == str(out.resolve()) and event.after["personal_data"] is True
    assert event.actor_label == "command line"


def test_a_file_whose_export_cannot_be_recorded_is_removed(
    make_call: Any, cast: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed_standard_call(make_call, cast)

    def refuse(**kwargs: Any) -> None:
        raise RuntimeError("the audit chain could not be written (SYNTHETIC)")

    monkeypatch.setattr(exports, "audit_record", refuse)
    out = tmp_path / "calls.jsonl"
    with pytest.raises(RuntimeError, match="audit chain"):
        lookback_export(force=cast["handler"].force, since=SINCE, path=out, write=json_lines)
    assert not out.exists()


def test_a_failed_write_leaves_no_record(cast: dict[str, Any], tmp_path: Path) -> None:
    def broken(records: Iterable[CallRecord], path: Path) -> int:
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        lookback_export(force=cast["handler"].force, since=SINCE, path=tmp_path / "x", write=broken)
    assert not AuditEvent.objects.filter(event_type="lookback.exported").exists()


def test_the_command_says_where_the_file_went_and_that_it_is_personal_data(
    make_call: Any, cast: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from heed.cli import main

    closed_standard_call(make_call, cast)
    out = tmp_path / "calls.parquet"
    assert main(["guidance", "export", "--force", "tst", "--since", "2020-01-01", "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert f"to {out.resolve()}" in said and "PERSONAL DATA" in said
    assert hashlib.sha256(out.read_bytes()).hexdigest() in said
    assert pq.read_table(out).num_rows == 1
    assert out.stat().st_mode & 0o077 == 0  # readable by its owner only
    assert not list(tmp_path.glob("*.part"))  # nothing part-written left beside it
    event = AuditEvent.objects.get(event_type="lookback.exported")
    assert event.actor_label.startswith("command line (") and event.after["calls"] == 1
