"""``heed serve`` as a service manager runs it: gunicorn by default, Django's development server with --dev,
the background worker alongside, and a clean stop on SIGTERM (a child process, its own var directory)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

STATIC = Path(__file__).resolve().parents[2] / "src" / "heed" / "web" / "static" / "heed" / "heed.js"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except FileNotFoundError:  # a thread of the server ended while we looked
            continue
    return out


def _cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def _gone(pid: int) -> bool:
    """Ended: no such process, or a zombie waiting to be reaped by init."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def _get(url: str) -> Any:
    return urllib.request.urlopen(url, timeout=10)  # noqa: S310 - the local server under test


def _start(tmp_path: Path, *args: str, **env: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    environ = {**os.environ, "HEED_VAR_DIR": str(tmp_path), "HEED_INDEX_DIR": str(tmp_path / "index"), **env}
    environ.pop("HEED_DATABASE_URL", None)
    environ.pop("RUN_MAIN", None)
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "heed", "serve", "--port", str(port), *args],
        env=environ,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        assert proc.poll() is None, (tmp_path / "server.log").read_text()
        try:
            with _get(base + "/healthz") as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            assert time.monotonic() < deadline, (tmp_path / "server.log").read_text()
            time.sleep(0.2)


@pytest.fixture
def stop_after() -> Iterator[list[subprocess.Popen[bytes]]]:
    procs: list[subprocess.Popen[bytes]] = []
    yield procs
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_serve_runs_gunicorn_with_the_worker_and_stops_cleanly_on_sigterm(
    tmp_path: Path, stop_after: list[subprocess.Popen[bytes]]
) -> None:
    proc, base = _start(tmp_path, HEED_WORKERS="1", HEED_THREADS="2")
    stop_after.append(proc)
    with _get(base + "/login") as page:
        assert page.status == 200 and page.headers["Server"] == "gunicorn"
        assert b"Sign in to Heed" in page.read()
    with _get(base + "/static/heed/heed.js") as static:
        assert static.status == 200 and static.read() == STATIC.read_bytes()
    children = {pid: _cmdline(pid) for pid in _children(proc.pid)}
    task_workers = [pid for pid, cmd in children.items() if "heed worker" in cmd]
    assert len(task_workers) == 1
    assert len(children) == 2, children  # HEED_WORKERS=1: one gunicorn worker beside the task worker
    assert (
        "with 1 process(es) x 2 thread(s), at most 3 database connections"
        in (tmp_path / "server.log").read_text()
    )

    # A gunicorn worker that ends (here stopped on its own, as after a crash) is replaced; the task worker
    # carries on (the worker leaves through heed serve's code too, which must not stop it).
    (server_worker,) = set(children) - set(task_workers)
    os.kill(server_worker, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while set(_children(proc.pid)) - {*children} == set() and time.monotonic() < deadline:
        time.sleep(0.1)
    replaced = set(_children(proc.pid)) - {*children}
    assert len(replaced) == 1 and "heed worker" not in _cmdline(next(iter(replaced)))
    assert not _gone(task_workers[0])
    with _get(base + "/healthz") as health:
        assert health.status == 200
    children.update({pid: "" for pid in replaced})

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=45) == 0
    deadline = time.monotonic() + 10
    while not all(_gone(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert all(_gone(pid) for pid in children)


def test_serve_dev_runs_the_development_server(
    tmp_path: Path, stop_after: list[subprocess.Popen[bytes]]
) -> None:
    proc, base = _start(tmp_path, "--dev", "--no-worker")
    stop_after.append(proc)
    with _get(base + "/login") as page:
        assert page.status == 200 and page.headers["Server"].startswith("WSGIServer/")
    reloaded = _children(proc.pid)
    assert len(reloaded) == 1 and "--dev" in _cmdline(reloaded[0])  # the autoreloader's child serves

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    deadline = time.monotonic() + 10
    while not _gone(reloaded[0]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _gone(reloaded[0])


def test_the_development_server_keeps_no_connection_open_between_requests(monkeypatch: Any) -> None:
    """Django's development server starts a thread per connection: a connection kept by each would exceed
    the database's limit under load (as the old ``heed serve`` did with PostgreSQL)."""
    from django.conf import settings
    from django.core import management

    from heed.commands import server

    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    monkeypatch.setattr(management, "call_command", lambda *a, **k: calls.append((a, k)))
    monkeypatch.setitem(settings.DATABASES["default"], "CONN_MAX_AGE", 60)
    server.run_development(host="127.0.0.1", port=8123)
    assert calls == [(("runserver", "127.0.0.1:8123"), {"use_reloader": True, "use_threading": True})]
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] == 0
