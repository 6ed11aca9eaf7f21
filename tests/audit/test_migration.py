"""Migration 0006 on a database written before chains were per force: the events already there are not
touched and verify as the ``legacy`` chain; new events go into their force's chain; the first anchor records
the legacy head. Run as a user would (``heed manage migrate`` to the old schema, then the commands), on
SQLite.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from heed.audit.chain import GENESIS, chain_hash, payload_of


def heed(var: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HEED_VAR_DIR": str(var), "HEED_INDEX_DIR": str(var / "index")}
    env.pop("HEED_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "heed", *args], env=env, capture_output=True, text=True, check=False
    )


def _old_chain(db: sqlite3.Connection, n: int) -> str:
    """Write ``n`` events as the single chain did (positions are ``seq``, no chain name in the hash)."""
    prev = GENESIS
    for seq in range(1, n + 1):
        at = datetime(2026, 11, 30, 9, seq, tzinfo=UTC)
        fields = {
            "event_type": "call.viewed", "actor_id": 1, "actor_label": "old.handler", "actor_role": "handler",
            "force_code": "TST", "call_id": 5, "object_type": "calls.call", "object_id": "5",
            "request_id": f"req-{seq:08d}", "before": None, "after": {"via": "page"},
        }  # fmt: skip
        digest = chain_hash(prev, payload_of(chain="legacy", seq=seq, occurred_at=at, **fields))
        values = [json.dumps(v) if k in ("before", "after") else v for k, v in fields.items()]
        db.execute(
            "INSERT INTO audit_event (seq, occurred_at, event_type, actor_id, actor_label, actor_role,"
            " force_code, call_id, object_type, object_id, request_id, before, after, prev_hash, hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (seq, at.isoformat(), *values, prev, digest),
        )
        prev = digest
    db.execute("UPDATE audit_chain_head SET seq = ?, hash = ? WHERE id = 1", (n, prev))
    return prev


def test_events_written_before_the_split_verify_as_the_legacy_chain(tmp_path: Path) -> None:
    old = heed(tmp_path, "manage", "migrate", "audit", "0005_token_revoked_and_locked_out_events")
    assert old.returncode == 0, old.stderr
    with sqlite3.connect(tmp_path / "heed.sqlite3") as db:
        last = _old_chain(db, 5)
    # Every heed command brings the database up to date first: this one applies 0006.
    verify = heed(tmp_path, "audit", "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert f"legacy: intact, 5 event(s), head #5 {last[:16]}…, not yet anchored" in verify.stdout

    # New events (the demo force's): into their force's chain.
    assert heed(tmp_path, "serve", "--demo", "--no-serve").returncode == 0
    anchor = heed(tmp_path, "audit", "anchor")
    assert anchor.returncode == 0 and anchor.stdout.startswith("anchor #1:")
    after = heed(tmp_path, "audit", "verify")
    assert after.returncode == 0, after.stdout
    assert "legacy: intact, 5 event(s)" in after.stdout and "anchored to #5" in after.stdout
    assert "force:DEMO: intact" in after.stdout
    assert heed(tmp_path, "audit", "anchor").stdout.startswith("nothing new to anchor")
    one = heed(tmp_path, "audit", "verify", "--force", "demo")
    assert one.returncode == 0, one.stdout
    lines = one.stdout.splitlines()
    assert [line.strip().split(": ")[0] for line in lines[:-1]] == [
        "force:DEMO",
        "access:force:DEMO",
        "anchor",
    ]
    assert "legacy" not in one.stdout and lines[-1].startswith("audit chain intact: ")
    unknown = heed(tmp_path, "audit", "verify", "--force", "nope")
    assert (unknown.returncode, unknown.stderr) == (
        2,
        "heed: error: --force nope: no force with code 'NOPE'\n",
    )
    with sqlite3.connect(tmp_path / "heed.sqlite3") as db:
        rows = db.execute("SELECT seq, chain, chain_seq FROM audit_event ORDER BY seq").fetchall()
        assert rows[:5] == [(i, "legacy", None) for i in range(1, 6)]
        assert rows[5] == (6, "force:DEMO", 1)  # numbering goes on after the old events
        db.execute("DROP TRIGGER audit_event_no_update")
        db.execute("UPDATE audit_event SET actor_label = 'someone else' WHERE seq = 2")
    broken = heed(tmp_path, "audit", "verify")
    assert broken.returncode == 1
    assert broken.stdout.splitlines()[-1] == (
        "audit chain BROKEN: legacy: BROKEN at #2 (event 2): its content does not match its hash (altered) "
        "(1 event(s) checked before it)"
    )
