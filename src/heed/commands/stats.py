"""``heed stats keygen|export|import``: a force's anonymised monthly figures, signed (export), and the
national owner's import of them (verified against HEED_STATS_KEYS). Thin: parse, call one service, print;
each refusal is one line and a non-zero exit."""

from __future__ import annotations

import argparse
import hashlib
import re
from pathlib import Path
from typing import Any

from heed.commands import CommandError, command_actor, database_job, force_by_code, trusted_keys


def register(subparsers: Any) -> None:
    stats = subparsers.add_parser(
        "stats", help="anonymised national statistics: a force's signed monthly figures"
    )
    act = stats.add_subparsers(dest="stats_command", metavar="ACTION")
    act.required = True
    keygen = act.add_parser(
        "keygen", help="a new Ed25519 key pair for signing: DIR/private.pem, DIR/public.pem"
    )
    keygen.add_argument("--out", required=True, type=Path, metavar="DIR")
    keygen.set_defaults(func=_keygen)
    export = act.add_parser("export", help="a force's figures for a month, small numbers suppressed, signed")
    export.add_argument("--period", required=True, type=_period, metavar="YYYY-MM")
    export.add_argument("--force", required=True, metavar="CODE")
    export.add_argument("--key", required=True, type=Path, metavar="PRIVATE.pem")
    export.add_argument("-o", "--out", required=True, type=Path, metavar="FILE")
    export.set_defaults(func=_export)
    imp = act.add_parser("import", help="verify a force's statistics file and keep it (the national owner)")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument(
        "--keys", type=Path, metavar="TRUSTED.pem", help="the forces' public keys (HEED_STATS_KEYS)"
    )
    imp.set_defaults(func=_import)


def _period(text: str) -> str:
    if not re.fullmatch(r"20\d\d-(0[1-9]|1[0-2])", text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a month (YYYY-MM)")
    return text


def _keygen(args: argparse.Namespace) -> int:
    from heed.guidance import packfile as pf

    try:
        kid = pf.keygen(args.out)
    except pf.PackFileRefused as exc:
        raise CommandError(str(exc)) from None
    print(
        f"key {kid}: {args.out / 'private.pem'} (keep it secret), "
        f"{args.out / 'public.pem'} (for the national owner)"
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    from heed.guidance import packfile as pf

    if args.out.exists():
        raise CommandError(f"{args.out} exists already: choose another file")
    try:
        private = pf.load_private_key(args.key)
    except pf.PackFileRefused as exc:
        raise CommandError(str(exc)) from None
    rid = database_job("stats-export")
    from heed.audit.context import request_context
    from heed.stats.services import stats_export

    force = force_by_code(args.force)
    try:
        with request_context(rid):
            data = stats_export(
                force=force, period=args.period, private=private, actor_label=command_actor(), out=args.out
            )
    except FileExistsError:
        raise CommandError(f"{args.out} exists already: choose another file") from None
    except OSError as exc:
        raise CommandError(f"{args.out}: cannot be written ({exc.strerror})") from None
    print(
        f"wrote {args.out.resolve()}: {force.code} {args.period}, signed by key "
        f"{pf.key_id(private.public_key())} (sha256 {hashlib.sha256(data).hexdigest()}; recorded in the "
        "force's audit chain)\nit holds counts only, small numbers suppressed: no personal data"
    )
    return 0


def _import(args: argparse.Namespace) -> int:
    trusted = trusted_keys(args.keys, "HEED_STATS_KEYS", "the forces'")
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise CommandError(f"{exc.filename}: cannot be read ({exc.strerror})") from None
    rid = database_job("stats-import")
    from heed.audit.context import request_context
    from heed.stats.services import StatsRefused, stats_import

    try:
        with request_context(rid):
            row = stats_import(data=data, trusted=trusted, actor=None, actor_label=command_actor())
    except StatsRefused as exc:
        raise CommandError(f"{args.file}: {exc}") from None
    print(f"imported {row.force_code} {row.period} (signed by {', '.join(row.signed_by)})")
    return 0
