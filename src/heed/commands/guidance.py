"""``heed guidance keygen|build|sign|verify|diff``: national guidance pack files, signed and checked (no
database needed); ``heed guidance export``: a force's closed calls as Parquet for the look-back on Spark (the
database; the ``spark`` extra); ``import|status|show|shadow|adopt|local`` and ``heed rescreen`` are in
guidance_db. Each exits non-zero with a one-line reason on refusal."""

from __future__ import annotations

import argparse
import tempfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from heed.commands import (
    CommandError,
    command_actor,
    database_job,
    force_by_code,
    guidance_db,
    trusted_keys,
)
from heed.guidance import packfile as pf
from heed.risk import load_pack
from heed.risk.errors import PackError


def register(subparsers: Any) -> None:
    guidance = subparsers.add_parser(
        "guidance",
        help="national guidance: pack files (keys, build, sign, verify, diff) and a force's guidance",
    )
    act = guidance.add_subparsers(dest="guidance_command", metavar="ACTION")
    act.required = True
    keygen = act.add_parser("keygen", help="a new Ed25519 key pair: DIR/private.pem and DIR/public.pem")
    keygen.add_argument("--out", required=True, type=Path, metavar="DIR")
    keygen.set_defaults(func=_keygen)
    build = act.add_parser("build", help="build a pack file from a pack directory (version from pack.yaml)")
    build.add_argument("directory", type=Path, metavar="DIR")
    build.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    build.add_argument("--previous", type=Path, metavar="FILE", help="the pack file this version follows")
    build.add_argument("--not-before", type=_date, metavar="YYYY-MM-DD", help="first day of use (today)")
    build.add_argument("--expires", type=_date, metavar="YYYY-MM-DD", help="day it stops (a year on)")
    build.set_defaults(func=_build)
    sign = act.add_parser("sign", help="sign a pack file with a private key")
    sign.add_argument("file", type=Path, metavar="FILE")
    sign.add_argument("--key", required=True, type=Path, metavar="KEY")
    sign.set_defaults(func=_sign)
    verify = act.add_parser("verify", help="check a pack file against the trusted keys (HEED_GUIDANCE_KEYS)")
    verify.add_argument("file", type=Path, metavar="FILE")
    verify.add_argument("--keys", type=Path, metavar="FILE", help="trusted public keys (HEED_GUIDANCE_KEYS)")
    verify.add_argument("--installed", metavar="VERSION", help="refuse a version not newer than this one")
    verify.set_defaults(func=_verify)
    diff = act.add_parser("diff", help="what changes from one pack file to another, in readable lines")
    diff.add_argument("old", type=Path, metavar="OLD")
    diff.add_argument("new", type=Path, metavar="NEW")
    diff.set_defaults(func=_diff)
    export = act.add_parser(
        "export", help="a force's closed calls as Parquet for the look-back on Spark (holds narrative text)"
    )
    export.add_argument("--force", required=True, metavar="CODE", help="the force whose calls to export")
    export.add_argument("--since", required=True, type=_date, metavar="YYYY-MM-DD", help="closed on or after")
    export.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.parquet")
    export.set_defaults(func=_export)
    # What a force does with them, in its database: import, status, show, shadow, adopt, local additions.
    guidance_db.register(act)
    guidance_db.register_rescreen(subparsers)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(f"{path}: cannot be read ({exc.strerror})") from None


def _keygen(args: argparse.Namespace) -> int:
    try:
        kid = pf.keygen(args.out)
    except pf.PackFileRefused as exc:
        raise CommandError(str(exc)) from None
    print(
        f"key {kid}: {args.out / 'private.pem'} (keep it secret) and {args.out / 'public.pem'} (give it out)"
    )
    return 0


def _build(args: argparse.Namespace) -> int:
    try:
        previous = pf.read(_read(args.previous)) if args.previous else None
        data = pf.build(args.directory, previous=previous, not_before=args.not_before, expires=args.expires)
        _check_loads(pf.read(data))
    except pf.PackFileRefused as exc:
        raise CommandError(str(exc)) from None
    args.output.write_bytes(data)
    pack = pf.read(data)
    print(
        f"built {args.output}: {pack.name} {pack.version}, {len(pack.files)} files, unsigned "
        f"({pack.digest[:16]})"
    )
    return 0


def _check_loads(pack: pf.PackFile) -> Any:
    """The pack's guidance, loaded as Heed would load it: a pack that does not load is never built or used."""
    with tempfile.TemporaryDirectory() as tmp:
        try:
            return load_pack(national_dir=pf.unpack(pack, Path(tmp)))
        except PackError as exc:
            raise pf.PackFileRefused(f"the guidance does not load: {exc}") from None


def _sign(args: argparse.Namespace) -> int:
    try:
        data = pf.sign(_read(args.file), pf.load_private_key(args.key))
    except pf.PackFileRefused as exc:
        raise CommandError(str(exc)) from None
    args.file.write_bytes(data)
    pack = pf.read(data)
    print(f"signed {args.file}: {pack.name} {pack.version}, {len(pack.manifest['signatures'])} signature(s)")
    return 0


def _verify(args: argparse.Namespace) -> int:
    trusted = trusted_keys(args.keys, "HEED_GUIDANCE_KEYS", "trusted")
    try:
        pack = pf.verify(_read(args.file), trusted, installed_version=args.installed)
        _check_loads(pack)
    except pf.PackFileRefused as exc:
        raise CommandError(f"{args.file}: refused: {exc}") from None
    m = pack.manifest
    print(f"{args.file}: trusted: {pack.name} {pack.version}, valid {m['not_before']} to {m['expires']}")
    return 0


def _diff(args: argparse.Namespace) -> int:
    try:
        old, new = pf.read(_read(args.old)), pf.read(_read(args.new))
        lines = pf.diff(_check_loads(old), _check_loads(new))
    except pf.PackFileRefused as exc:
        raise CommandError(str(exc)) from None
    print(f"{old.name} {old.version} -> {new.name} {new.version}: {len(lines)} change(s)")
    for line in lines:
        print(f"  {line}")
    return 0


def _export(args: argparse.Namespace) -> int:
    try:
        from heed.guidance.export import write_export
    except ImportError:
        raise CommandError("the export needs the spark extra: pip install 'heed[spark]'") from None
    rid = database_job("guidance-export")
    from heed.audit.context import request_context
    from heed.lookback.exports import lookback_export

    force = force_by_code(args.force)
    try:
        with request_context(rid):
            done = lookback_export(
                force=force,
                since=since_midnight(args.since),
                path=args.output,
                write=write_export,
                actor_label=command_actor(),
            )
    except FileExistsError:
        raise CommandError(f"{args.output} exists already: an export is never written over") from None
    except OSError as exc:
        raise CommandError(f"{args.output}: cannot be written ({exc.strerror})") from None
    print(
        f"exported {done.calls} closed calls of {force.code} since {args.since} to {done.path.resolve()} "
        f"(sha256 {done.digest}; recorded in the force's audit chain)\n"
        "it holds PERSONAL DATA (the calls' narrative text): readable by its owner only; delete it once the "
        "look-back has read it"
    )
    return 0


def since_midnight(day: date) -> datetime:
    """The start of ``day`` where the forces are (the project's time zone), as an aware datetime."""
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())
