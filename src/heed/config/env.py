"""The one environment reader: every setting Heed takes from the environment is read and checked here.

A bad value stops start-up with a message naming the variable, the value and what was expected (fail fast),
instead of surfacing later as a confusing error in the middle of a call.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

ENVIRONMENTS = ("development", "production", "test")


class EnvError(ValueError):
    """A setting in the environment is missing or malformed; the message names it and says what to do."""


@dataclass(frozen=True)
class Env:
    """Typed access to a mapping of environment variables (``os.environ`` by default)."""

    environ: Mapping[str, str]

    @classmethod
    def from_os(cls) -> Env:
        return cls(dict(os.environ))

    def raw(self, name: str) -> str | None:
        value = self.environ.get(name)
        return value.strip() if value is not None and value.strip() else None

    def text(self, name: str, default: str) -> str:
        return self.raw(name) or default

    def boolean(self, name: str, default: bool) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        if value.lower() in ("1", "true", "yes", "on"):
            return True
        if value.lower() in ("0", "false", "no", "off"):
            return False
        raise EnvError(f"{name}={value!r}: expected true or false (1/0, yes/no, on/off)")

    def integer(self, name: str, default: int, *, minimum: int, maximum: int) -> int:
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise EnvError(f"{name}={value!r}: expected a whole number") from None
        if not minimum <= number <= maximum:
            raise EnvError(f"{name}={number}: expected a whole number from {minimum} to {maximum}")
        return number

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = (self.raw(name) or default).lower()
        if value not in choices:
            raise EnvError(f"{name}={value!r}: expected one of {', '.join(choices)}")
        return value

    def listing(self, name: str, default: list[str]) -> list[str]:
        value = self.raw(name)
        if value is None:
            return list(default)
        return [part.strip() for part in value.split(",") if part.strip()]


def database_from_url(url: str, *, var_dir: Path, name: str = "HEED_DATABASE_URL") -> dict[str, Any]:
    """Django DATABASES entry for ``sqlite:///path`` (relative to the working directory) or
    ``postgresql://user:password@host:port/name``."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path_text = unquote(parts.netloc + parts.path)
        if path_text.startswith("/") and not parts.netloc:
            path_text = path_text[1:] if not path_text.startswith("//") else path_text[1:]
        if not path_text or path_text == ":memory:":
            raise EnvError(f"{name}={url!r}: expected a file path, e.g. sqlite:///var/heed.sqlite3")
        path = Path(path_text)
        if not path.is_absolute():
            path = Path.cwd() / path
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at BEGIN so two
            # writers queue instead of failing with "database is locked" half-way through a transaction.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    if parts.scheme in ("postgres", "postgresql"):
        db_name = unquote(parts.path.lstrip("/"))
        if not db_name:
            raise EnvError(f"{name}={url!r}: expected a database name, e.g. postgresql://host:5432/heed")
        options = dict(parse_qsl(parts.query))
        try:
            port = parts.port
        except ValueError:
            raise EnvError(f"{name}={url!r}: the port is not a number") from None
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": db_name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            "OPTIONS": options,
            # Each server thread keeps its connection between requests (a new PostgreSQL connection costs a
            # few milliseconds of the server's CPU). This is safe only because the threads are a fixed pool
            # sized within HEED_DB_CONNECTIONS (server_size below); Django's development server starts a
            # thread per connection, so `heed serve --dev` turns persistence off. A kept connection is
            # checked before a request reuses it, so a database restart costs one retry, not an error page.
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise EnvError(f"{name}={url!r}: expected a sqlite:///PATH or postgresql://HOST/NAME URL")


@dataclass(frozen=True)
class ServerSize:
    """How many server processes and threads ``heed serve`` runs, within a budget of database connections."""

    workers: int
    threads: int
    connection_budget: int

    @property
    def connections(self) -> int:
        """At most one database connection per server thread, and one for the background task worker."""
        return self.workers * self.threads + 1


def server_size(env: Env, *, cpus: int | None) -> ServerSize:
    """HEED_WORKERS (default: one process per CPU), HEED_THREADS (default 4 per process) and
    HEED_DB_CONNECTIONS, the most connections Heed may hold open (default 20: a PostgreSQL server allows 100
    to everything on the machine together). Refuses a size that could exceed the budget."""
    workers = env.integer("HEED_WORKERS", max(1, cpus or 1), minimum=1, maximum=64)
    threads = env.integer("HEED_THREADS", 4, minimum=1, maximum=64)
    budget = env.integer("HEED_DB_CONNECTIONS", 20, minimum=2, maximum=10_000)
    size = ServerSize(workers=workers, threads=threads, connection_budget=budget)
    if size.connections > budget:
        raise EnvError(
            f"HEED_WORKERS={workers} x HEED_THREADS={threads} needs {size.connections} database connections "
            f"(one per thread and one for the task worker), more than HEED_DB_CONNECTIONS={budget}: "
            "lower the workers or threads, or raise the budget if the database allows it"
        )
    return size


def secret_key(env: Env, *, environment: str, var_dir: Path) -> str:
    """HEED_SECRET_KEY; outside production a key is generated once and kept in ``var/secret_key``."""
    value = env.raw("HEED_SECRET_KEY")
    if value is not None:
        if len(value) < 32:
            raise EnvError("HEED_SECRET_KEY: expected at least 32 characters")
        return value
    if environment == "production":
        raise EnvError("HEED_SECRET_KEY: required in production (a random string of at least 32 characters)")
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key, encoding="utf-8")
    path.chmod(0o600)
    return key


def proxy_ssl_header(env: Env) -> tuple[str, str] | None:
    """HEED_PROXY_SSL_HEADER, e.g. ``X-Forwarded-Proto``: the header a TLS-terminating proxy sets to
    ``https`` (Django's SECURE_PROXY_SSL_HEADER as a META key and value), or None when not behind one."""
    value = env.raw("HEED_PROXY_SSL_HEADER")
    if value is None:
        return None
    name, _, expected = value.partition("=")
    name, expected = name.strip(), (expected.strip() or "https")
    if not name or not all(c.isascii() and (c.isalnum() or c == "-") for c in name):
        raise EnvError(
            f"HEED_PROXY_SSL_HEADER={value!r}: expected a header name such as X-Forwarded-Proto "
            "(optionally =VALUE, default https)"
        )
    return "HTTP_" + name.upper().replace("-", "_"), expected
