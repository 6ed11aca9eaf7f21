"""The two web servers ``heed serve`` can run: gunicorn (the default, for production and for ``make run``) and
Django's autoreloading development server (``heed serve --dev``). Why gunicorn, and how it is sized:
docs/adr/0011-production-server.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]  # gunicorn has no type hints

# Long enough for the slowest page (an advice sheet PDF) many times over; a worker stuck past it is replaced.
REQUEST_TIMEOUT_S = 60
# On SIGTERM the server stops accepting, finishes the requests in flight for up to this long, then exits.
GRACEFUL_TIMEOUT_S = 30
SHM = Path("/dev/shm")  # noqa: S108 - a directory gunicorn creates its own private files in


class _Gunicorn(BaseApplication):  # type: ignore[misc]  # subclassing an untyped class
    """gunicorn run inside the ``heed`` process (no second command line to keep in step with this one)."""

    def __init__(self, options: dict[str, Any]) -> None:
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from heed.config.wsgi import application

        return application


def production_options(*, host: str, port: int, workers: int, threads: int) -> dict[str, Any]:
    """gunicorn's settings for Heed: threaded workers, the app loaded once before the workers fork."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        # Threads, not more processes: a request spends part of its time waiting on the database (and, on
        # SQLite, on its write lock), and each thread's connection is counted in the connection budget.
        "worker_class": "gthread",
        "threads": threads,
        "preload_app": True,
        "timeout": REQUEST_TIMEOUT_S,
        "graceful_timeout": GRACEFUL_TIMEOUT_S,
        "keepalive": 5,
        # Several servers may run on one machine (tests, a trial beside a demo): none shares a control socket.
        "control_socket_disable": True,
        "proc_name": "heed",
        "loglevel": "warning",
        "errorlog": "-",
        # Heartbeat files in memory, not on a disk that a busy database may be writing to
        # (gunicorn touches a file per worker every second; a blocked disk must not look like a hung worker).
        "worker_tmp_dir": str(SHM) if SHM.is_dir() else None,
    }


def run_production(*, host: str, port: int, workers: int, threads: int) -> None:
    """Serve until SIGTERM or SIGINT; gunicorn's own signal handling stops the workers gracefully, then this
    returns by raising SystemExit(0)."""
    from django.db import connections

    from heed.risk import assess

    # Loaded once here, shared by every worker after the fork: the first request in each worker would
    # otherwise pay for reading the pack and the learned layer.
    assess("SYNTHETIC warm-up text, not a call.")
    # A connection opened before the fork must not be shared by the workers.
    connections.close_all()
    _Gunicorn(production_options(host=host, port=port, workers=workers, threads=threads)).run()


def run_development(*, host: str, port: int) -> None:
    """Django's development server: reloads on a code change, one thread per connection (so no persistent
    database connections: an unbounded number of threads must not each keep one open)."""
    from django.conf import settings
    from django.core.management import call_command

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    call_command("runserver", f"{host}:{port}", use_reloader=True, use_threading=True)
