"""``heed serve``, ``heed user add``, ``heed token`` and ``heed manage``: the commands that run or administer
the web application (``heed audit`` is in heed.commands.audit)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from typing import Any

from heed.commands import CommandError
from heed.commands import database_ready as _migrate
from heed.commands import django_setup as _django


def register(subparsers: Any) -> None:
    serve = subparsers.add_parser(
        "serve",
        help="run the web application with gunicorn (migrates the database first; --dev for development)",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument(
        "--demo", action="store_true", help="seed the SYNTHETIC demo force, users and records (idempotent)"
    )
    serve.add_argument(
        "--no-worker", action="store_true", help="do not start the background worker (reminders) alongside"
    )
    serve.add_argument(
        "--dev",
        action="store_true",
        help="Django's development server instead: reloads when the code changes (never for real use)",
    )
    serve.add_argument("--no-serve", action="store_true", help=argparse.SUPPRESS)
    serve.set_defaults(func=_serve)

    worker = subparsers.add_parser("worker", help="run background tasks (reminders for overdue work)")
    worker.add_argument("--batch", action="store_true", help="run what is due now, then exit")
    worker.set_defaults(func=_worker)

    user = subparsers.add_parser("user", help="manage users")
    uact = user.add_subparsers(dest="user_command", metavar="ACTION")
    uact.required = True
    add = uact.add_parser(
        "add", help="add a user to a force with one role (a national administrator: no force)"
    )
    add.add_argument("username")
    add.add_argument("--force", help="force code, e.g. DEMO (every role but national_admin)")
    add.add_argument(
        "--role",
        required=True,
        choices=("handler", "supervisor", "safeguarding_officer", "auditor", "force_admin", "national_admin"),
    )
    add.add_argument(
        "--password-stdin", action="store_true", required=True, help="read the password from stdin"
    )
    add.add_argument("--team", default="", help="one of the force's teams (heed team add), optional")
    add.set_defaults(func=_user_add)
    team = uact.add_parser("team", help="put a user in one of their force's teams, or in none")
    team.add_argument("username")
    which = team.add_mutually_exclusive_group(required=True)
    which.add_argument("--team", help="the team's name (heed team add makes one)")
    which.add_argument("--no-team", action="store_true", help="take the user out of their team")
    team.set_defaults(func=_user_team)

    token = subparsers.add_parser(
        "token",
        help="API bearer tokens: make one (heed token USER), list a user's, revoke one",
        description="heed token USER [--days N]: print a new token for USER (shown once). "
        "heed token list USER: a user's tokens. heed token revoke PREFIX: end one at once.",
    )
    token.add_argument("words", nargs="+", metavar="USER | list USER | revoke PREFIX")
    token.add_argument(
        "--days", type=int, default=None, help="how long a new token works (default HEED_TOKEN_DAYS, 90)"
    )
    token.set_defaults(func=_token)

    manage = subparsers.add_parser("manage", help="run a Django management command (migrate, check, ...)")
    manage.add_argument("args", nargs=argparse.REMAINDER)
    manage.set_defaults(func=_manage)


def _serve(args: argparse.Namespace) -> int:
    if args.demo:
        os.environ["HEED_DEMO"] = "1"
    if not 1 <= args.port <= 65535:
        raise CommandError(f"--port {args.port}: expected 1 to 65535")
    # The development server's autoreloader runs this command again in a child process (RUN_MAIN=true) and
    # again after every code change: the database, the demo data and the worker are the parent's business.
    reloaded = args.dev and os.environ.get("RUN_MAIN") == "true"
    if reloaded:
        _die_with_parent()
    rid = _django("serve")
    from django.conf import settings

    from heed.audit.context import request_context
    from heed.commands import server

    if not reloaded:
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        _migrate()
    if args.demo and not reloaded:
        from heed.demo import seed_demo

        with request_context(rid):
            report = seed_demo()
        print("Heed demo – every person, record and call here is SYNTHETIC.")
        print(f"Person index: {report.index} ({report.records_loaded} SYNTHETIC record(s) loaded this time)")
        print(f"An earlier SYNTHETIC report to link to: {report.earlier_call}")
        print(
            f"Compliance: {report.month} holds SYNTHETIC calls for the dashboard and the dip sample "
            f"({report.month_calls} SYNTHETIC call(s) made this time)"
        )
        print("DEMO users (demo passwords, for this demo only):")
        for username, role, password in report.users:
            print(f"  {username:<20} {role:<22} password: {password}")
        print("Paste the demo narrative from src/heed/demo/narrative.txt into a new call.")
    if args.no_serve:
        return 0
    worker = None
    if not args.no_worker and not reloaded:
        import subprocess

        # The worker handles its own signals, so it runs as a child process, stopped with the server (and, on
        # Linux, told by the kernel to stop if the server dies without cleaning up).
        worker = subprocess.Popen(  # noqa: S603 - our own command
            [sys.executable, "-m", "heed", "worker"], preexec_fn=_die_with_parent
        )
    # SIGTERM (a service manager, a test) ends the development server like Ctrl+C, so the worker is stopped
    # too; gunicorn installs its own handler, which first lets the requests in flight finish.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        if args.dev:
            print(f"Serving Heed (development server) at http://{args.host}:{args.port}/", flush=True)
            server.run_development(host=args.host, port=args.port)
        else:
            size = settings.SERVER_SIZE
            print(
                f"Serving Heed at http://{args.host}:{args.port}/ with {size.workers} process(es) x "
                f"{size.threads} thread(s), at most {size.connections} database connections "
                f"(HEED_WORKERS, HEED_THREADS, HEED_DB_CONNECTIONS)  (Ctrl+C to stop)",
                flush=True,
            )
            server.run_production(host=args.host, port=args.port, workers=size.workers, threads=size.threads)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
    return 0


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux to send SIGTERM when the parent dies (no-op elsewhere)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _worker(args: argparse.Namespace) -> int:
    _django("worker")
    from django.core.management import call_command

    _migrate()
    options = {"batch": True} if args.batch else {}
    call_command("db_worker", "--no-startup-delay", "--queue-name", "*", verbosity=0, **options)
    return 0


def _user_add(args: argparse.Namespace) -> int:
    rid = _django("user-add")
    from heed.accounts.services import AccountError, user_create
    from heed.audit.context import request_context

    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise CommandError("no password on standard input")
    _migrate()
    try:
        with request_context(rid):
            user = user_create(
                username=args.username,
                force_code=args.force,
                role=args.role,
                password=password,
                team=args.team,
            )
    except AccountError as exc:
        raise CommandError(str(exc)) from None
    where = f"to force {user.force.code}" if user.force else "(no force: national)"
    team = f", team {user.team.name}" if user.team else ""
    print(f"added {user.username} ({user.role}) {where}{team}")
    return 0


def _user_team(args: argparse.Namespace) -> int:
    rid = _django("user-team")
    from heed.accounts.services import AccountError, user_team_set_by_name
    from heed.audit.context import request_context

    _migrate()
    try:
        with request_context(rid):
            user = user_team_set_by_name(username=args.username, team=None if args.no_team else args.team)
    except AccountError as exc:
        raise CommandError(str(exc)) from None
    print(f"{user.username} is in team {user.team.name}" if user.team else f"{user.username} is in no team")
    return 0


def _token(args: argparse.Namespace) -> int:
    words: list[str] = args.words
    if words[0] in ("list", "revoke") and len(words) == 2:
        if args.days is not None:
            raise CommandError(f"--days is for making a token, not for heed token {words[0]}")
        return _token_list(words[1]) if words[0] == "list" else _token_revoke(words[1])
    if len(words) != 1:
        raise CommandError(
            "expected heed token USER [--days N], heed token list USER or heed token revoke PREFIX"
        )
    rid = _django("token")
    from heed.accounts.models import User
    from heed.accounts.services import AccountError, token_create
    from heed.audit.context import request_context

    _migrate()
    user = User.objects.filter(username=words[0]).first()
    if user is None:
        raise CommandError(f"no user called {words[0]!r}")
    try:
        with request_context(rid):
            token = token_create(user=user, days=args.days)
    except AccountError as exc:
        raise CommandError(str(exc)) from None
    print(token)
    return 0


def _token_list(username: str) -> int:
    _django("token-list")
    from django.utils import timezone

    from heed.accounts.models import User
    from heed.accounts.services import tokens_of

    _migrate()
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"no user called {username!r}")
    now = timezone.now()
    rows = tokens_of(user)
    if not rows:
        print(f"{username} has no API tokens")
    for t in rows:
        state = (
            f"revoked {t.revoked_at:%Y-%m-%d %H:%M}"
            if t.revoked_at
            else f"expired {t.expires_at:%Y-%m-%d}"
            if t.expires_at <= now
            else f"works until {t.expires_at:%Y-%m-%d}"
        )
        used = f"last used {t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never used"
        print(f"{t.prefix}  made {t.created_at:%Y-%m-%d}  {state}  {used}")
    return 0


def _token_revoke(prefix: str) -> int:
    rid = _django("token-revoke")
    from heed.accounts.services import AccountError, token_revoke
    from heed.audit.context import request_context

    _migrate()
    try:
        with request_context(rid):
            row = token_revoke(prefix=prefix)
    except AccountError as exc:
        raise CommandError(str(exc)) from None
    print(f"revoked {row.prefix} ({row.user.username}): it stops working now")
    return 0


def _manage(args: argparse.Namespace) -> int:
    _django("manage")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["heed manage", *args.args])
    return 0
