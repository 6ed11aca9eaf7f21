"""``kill -9`` of the server while notes are being added: every note answered 201 is there after a restart
and every audit chain verifies. Runs benchmarks/audit_kill9.py as it is (a real ``heed serve``, a real SIGKILL
of its process group, a real restart) on SQLite."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "audit_kill9.py"


@pytest.mark.slow
def test_every_acknowledged_note_survives_sigkill_and_the_chains_verify() -> None:
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--threads", "3", "--kill-after", "15"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    killed = re.search(r"SIGKILL after (\d+) note\(s\) answered 201", out.stdout)
    kept = re.search(r"(\d+) of (\d+) acknowledged note", out.stdout)
    assert killed is not None and kept is not None, out.stdout
    assert int(killed.group(1)) >= 15
    assert kept.group(1) == kept.group(2) == killed.group(1)
    assert "force:DEMO: intact" in out.stdout
    assert out.stdout.rstrip().endswith("PASS: every acknowledged note kept, audit trail intact")
