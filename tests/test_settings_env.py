"""The one environment reader fails fast, naming the variable and what was expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from heed.config.env import Env, EnvError, database_from_url, secret_key, server_size


@pytest.mark.parametrize(
    ("name", "value", "call", "expected"),
    [
        ("HEED_X", "maybe", lambda e: e.boolean("HEED_X", False), "expected true or false"),
        ("HEED_X", "ten", lambda e: e.integer("HEED_X", 1, minimum=1, maximum=5), "expected a whole number"),
        ("HEED_X", "9", lambda e: e.integer("HEED_X", 1, minimum=1, maximum=5), "from 1 to 5"),
        (
            "HEED_ENV",
            "staging",
            lambda e: e.choice("HEED_ENV", "development", ("development", "production")),
            "one of",
        ),
    ],
)
def test_bad_values_name_the_variable(name: str, value: str, call: object, expected: str) -> None:
    with pytest.raises(EnvError) as exc:
        call(Env({name: value}))  # type: ignore[operator]
    assert name in str(exc.value) and expected in str(exc.value)


def test_database_urls(tmp_path: Path) -> None:
    sqlite = database_from_url("sqlite:///var/x.sqlite3", var_dir=tmp_path)
    assert sqlite["ENGINE"].endswith("sqlite3") and sqlite["NAME"].endswith("var/x.sqlite3")
    assert "journal_mode=WAL" in sqlite["OPTIONS"]["init_command"]
    pg = database_from_url("postgresql://postgres:pw@127.0.0.1:5432/heed", var_dir=tmp_path)
    assert (pg["NAME"], pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"]) == (
        "heed",
        "postgres",
        "pw",
        "127.0.0.1",
        "5432",
    )
    for bad in ("mysql://x/y", "postgresql://host/", "sqlite://", "postgresql://h:port/db"):
        with pytest.raises(EnvError, match="HEED_DATABASE_URL"):
            database_from_url(bad, var_dir=tmp_path)


def test_secret_key_is_generated_once_for_development_and_required_in_production(tmp_path: Path) -> None:
    first = secret_key(Env({}), environment="development", var_dir=tmp_path)
    assert len(first) >= 50
    assert secret_key(Env({}), environment="development", var_dir=tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    with pytest.raises(EnvError, match="required in production"):
        secret_key(Env({}), environment="production", var_dir=tmp_path / "p")
    with pytest.raises(EnvError, match="at least 32"):
        secret_key(Env({"HEED_SECRET_KEY": "short"}), environment="production", var_dir=tmp_path)


def test_settings_refuse_to_start_with_a_bad_value(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "HEED_VAR_DIR": str(tmp_path), "HEED_SESSION_IDLE_MINUTES": "lots"}
    out = subprocess.run(
        [sys.executable, "-m", "heed", "audit", "verify"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 2
    assert "HEED_SESSION_IDLE_MINUTES" in out.stderr and "Traceback" not in out.stderr


def test_the_server_is_sized_to_the_machine_within_the_database_connection_budget() -> None:
    default = server_size(Env({}), cpus=2)
    assert (default.workers, default.threads, default.connections) == (2, 4, 9)
    assert server_size(Env({}), cpus=None).workers == 1
    asked = server_size(Env({"HEED_WORKERS": "3", "HEED_THREADS": "6", "HEED_DB_CONNECTIONS": "19"}), cpus=2)
    assert (asked.workers, asked.threads, asked.connections) == (3, 6, 19)
    with pytest.raises(EnvError) as exc:
        server_size(Env({"HEED_WORKERS": "3", "HEED_THREADS": "6", "HEED_DB_CONNECTIONS": "18"}), cpus=2)
    assert "needs 19 database connections" in str(exc.value) and "HEED_DB_CONNECTIONS=18" in str(exc.value)
    with pytest.raises(EnvError, match="HEED_THREADS"):
        server_size(Env({"HEED_THREADS": "0"}), cpus=2)


def test_postgresql_connections_are_kept_and_checked_before_reuse(tmp_path: Path) -> None:
    pg = database_from_url("postgresql://postgres@127.0.0.1:5432/heed", var_dir=tmp_path)
    assert pg["CONN_MAX_AGE"] > 0 and pg["CONN_HEALTH_CHECKS"] is True
