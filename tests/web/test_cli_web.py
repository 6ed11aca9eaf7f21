"""The web application's commands, run as a user would run them (a child process, its own var directory)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


def heed(var: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HEED_VAR_DIR": str(var), "HEED_INDEX_DIR": str(var / "index")}
    env.pop("HEED_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "heed", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def var(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("var")
    out = heed(path, "serve", "--demo", "--no-serve")
    assert out.returncode == 0, out.stderr
    return path


def test_demo_seed_prints_demo_users_and_is_idempotent(var: Path) -> None:
    again = heed(var, "serve", "--demo", "--no-serve")
    assert again.returncode == 0
    assert "SYNTHETIC" in again.stdout and "demo.handler" in again.stdout and "password:" in again.stdout
    assert "(0 SYNTHETIC record(s) loaded this time)" in again.stdout
    assert "(0 SYNTHETIC call(s) made this time)" in again.stdout
    with sqlite3.connect(var / "heed.sqlite3") as db:
        assert (
            db.execute("SELECT count(*) FROM accounts_user WHERE username LIKE 'demo.%'").fetchone()[0] == 10
        )
        # the earlier report, and last month's for the compliance dashboard: 8 kinds x 2 handlers, the older
        # version's 2 and a training call (tests/demo/test_demo.py)
        assert db.execute("SELECT count(*) FROM calls_call").fetchone()[0] == 1 + 19
        assert db.execute("SELECT count(*) FROM accounts_team").fetchone()[0] == 2


def test_user_add_token_and_audit_verify(var: Path) -> None:
    added = heed(
        var,
        "user",
        "add",
        "sam.supervisor",
        "--force",
        "demo",
        "--role",
        "supervisor",
        "--password-stdin",
        stdin="A-long-enough-pass-42\n",
    )
    assert added.returncode == 0, added.stderr
    assert "added sam.supervisor (supervisor) to force DEMO" in added.stdout
    token = heed(var, "token", "sam.supervisor")
    assert token.returncode == 0 and token.stdout.strip().startswith("heed_")
    verify = heed(var, "audit", "verify")
    assert verify.returncode == 0 and "audit chain intact" in verify.stdout


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ("user", "add", "x1", "--force", "NOPE", "--role", "handler", "--password-stdin"),
            "A-long-enough-pass-42\n",
            "no force with code",
        ),
        (
            ("user", "add", "x2", "--force", "DEMO", "--role", "handler", "--password-stdin"),
            "short\n",
            "password refused",
        ),
        (
            ("user", "add", "demo.handler", "--force", "DEMO", "--role", "handler", "--password-stdin"),
            "A-long-enough-pass-42\n",
            "already exists",
        ),
        (
            ("user", "add", "x3", "--force", "DEMO", "--role", "handler", "--password-stdin"),
            "",
            "no password",
        ),
        (("token", "nobody"), None, "no user called"),
        (("force", "add", "DEMO", "Again"), None, "a force with code DEMO already exists"),
        (("force", "add", "B@D", "Bad"), None, "expected 2 to 16 letters and digits"),
        (
            ("user", "add", "n2", "--force", "DEMO", "--role", "national_admin", "--password-stdin"),
            "A-long-enough-pass-42\n",
            "a national administrator belongs to no force",
        ),
        (
            ("user", "add", "x4", "--role", "handler", "--password-stdin"),
            "A-long-enough-pass-42\n",
            "no force with code",
        ),
    ],
)
def test_command_errors_are_one_clear_line(
    var: Path, args: tuple[str, ...], stdin: str | None, message: str
) -> None:
    out = heed(var, *args, stdin=stdin)
    assert out.returncode == 2
    assert message in out.stderr and "Traceback" not in out.stderr


def test_force_add_and_a_national_administrator(var: Path) -> None:
    added = heed(var, "force", "add", "wmp", "West Midlands (SYNTHETIC)")
    assert added.returncode == 0, added.stderr
    assert "added force WMP (West Midlands (SYNTHETIC))" in added.stdout
    national = heed(
        var,
        "user",
        "add",
        "n.admin",
        "--role",
        "national_admin",
        "--password-stdin",
        stdin="A-long-enough-pass-42\n",
    )
    assert national.returncode == 0, national.stderr
    assert "added n.admin (national_admin) (no force: national)" in national.stdout
    with sqlite3.connect(var / "heed.sqlite3") as db:
        assert db.execute("SELECT force_id FROM accounts_user WHERE username = 'n.admin'").fetchone() == (
            None,
        )
        kinds = [r[0] for r in db.execute("SELECT event_type FROM audit_event ORDER BY seq DESC LIMIT 2")]
        assert kinds == ["user.created", "force.created"]
    assert heed(var, "audit", "verify").returncode == 0


def test_audit_verify_names_the_first_broken_event(tmp_path: Path) -> None:
    assert heed(tmp_path, "serve", "--demo", "--no-serve").returncode == 0
    with sqlite3.connect(tmp_path / "heed.sqlite3") as db:
        db.execute("DROP TRIGGER audit_event_no_update")
        db.execute("UPDATE audit_event SET actor_label = 'someone else' WHERE seq = 3")
    out = heed(tmp_path, "audit", "verify")
    assert out.returncode == 1
    # The demo's events are in its force's chain; event 3 of the table is #3 of that chain.
    assert "force:DEMO: BROKEN at #3 (event 3): its content does not match its hash (altered)" in out.stdout
    assert out.stdout.splitlines()[-1].startswith("audit chain BROKEN: force:DEMO")
