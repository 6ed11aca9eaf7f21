"""``heed guidance import|status|show|shadow|adopt|local`` and ``heed rescreen``: a force's guidance in its
database (see heed.packstore and heed.lookback). Thin: parse, call one service, print; each refusal is
one line and a non-zero exit."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from heed.commands import CommandError, command_actor, database_job, force_by_code, trusted_keys


def register(act: Any) -> None:
    imp = act.add_parser("import", help="verify a signed pack file and keep it as a national version here")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--keys", type=Path, metavar="FILE", help="trusted public keys (HEED_GUIDANCE_KEYS)")
    imp.set_defaults(func=_import)
    status = act.add_parser(
        "status", help="the national versions kept here and each force's guidance in force"
    )
    status.set_defaults(func=_status)
    show = act.add_parser(
        "show", help="a version kept here (national@V or national@V+force-xx@N), as it stood"
    )
    show.add_argument("version", metavar="VERSION")
    show.add_argument("--file", metavar="NAME", help="print one of its files as written (e.g. rules.yaml)")
    show.set_defaults(func=_show)
    shadow = act.add_parser("shadow", help="a shadow run of an installed version beside the one in force")
    shadow.add_argument("version", metavar="VERSION")
    shadow.add_argument("--force", required=True, metavar="CODE")
    shadow.add_argument("--days", type=int, default=90, help="calls of the last N days (90)")
    shadow.set_defaults(func=_shadow)
    adopt = act.add_parser("adopt", help="put an installed version in force for a force (after a shadow run)")
    adopt.add_argument("version", metavar="VERSION")
    adopt.add_argument("--force", required=True, metavar="CODE")
    adopt.add_argument("--shadow-run", required=True, metavar="ID", help="the finished shadow run decided on")
    adopt.add_argument("--rationale", required=True, help="why it is adopted (kept with the decision)")
    adopt.add_argument("--no-lookback", action="store_true", help="do not start the look-back now")
    adopt.set_defaults(func=_adopt)
    local = act.add_parser("local", help="a force's local additions: sign a directory of them, or clear one")
    lact = local.add_subparsers(dest="local_command", metavar="ACTION")
    lact.required = True
    sign = lact.add_parser("sign", help="sign DIR's YAML files as the force's local additions")
    sign.add_argument("directory", type=Path, metavar="DIR")
    sign.add_argument("--force", required=True, metavar="CODE")
    sign.add_argument("--statement", required=True, help="what changed and why")
    sign.set_defaults(func=_local_sign)
    clear = lact.add_parser("clear", help="clear one local entry: the national value applies again")
    clear.add_argument("file", metavar="FILE", help="e.g. agencies.yaml")
    clear.add_argument("section", metavar="SECTION", help="e.g. agencies")
    clear.add_argument("code", metavar="CODE", help="the entry's code or id")
    clear.add_argument("--force", required=True, metavar="CODE")
    clear.set_defaults(func=_local_clear)


def register_rescreen(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "rescreen", help="the look-back: closed calls read again under the guidance in force (resumable)"
    )
    p.add_argument("--since", required=True, type=_date, metavar="YYYY-MM-DD")
    p.add_argument("--force", required=True, metavar="CODE")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_rescreen)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _import(args: argparse.Namespace) -> int:
    rid = database_job("guidance-import")
    from heed.audit.context import request_context
    from heed.packstore.services import GuidanceRefused, install_pack

    trusted = trusted_keys(args.keys, "HEED_GUIDANCE_KEYS", "trusted")
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise CommandError(f"{exc.filename}: cannot be read ({exc.strerror})") from None
    try:
        with request_context(rid):
            row = install_pack(data=data, trusted=trusted, actor=None, actor_label=command_actor())
    except GuidanceRefused as exc:
        raise CommandError(f"{args.file}: {exc}; the guidance in force is unchanged") from None
    print(
        f"installed {row.name} {row.version} (signed by {', '.join(row.signed_by)}); in force for no force "
        "until one adopts it after a shadow run"
    )
    return 0


def _status(args: argparse.Namespace) -> int:
    database_job("guidance-status")
    from heed.accounts.models import Force
    from heed.packstore.selectors import in_force, installed_versions, shipped_version
    from heed.packstore.services import shipped_pack

    shipped_pack()
    print(f"National versions kept here (shipped with this Heed: {shipped_version()}):")
    for p in installed_versions():
        how = "shipped" if p.source == "shipped" else f"signed by {', '.join(p.signed_by) or '-'}"
        m = p.manifest
        print(
            f"  {p.version:<14} {how}; valid {m.get('not_before')} to {m.get('expires')}; "
            f"installed {p.installed_at:%Y-%m-%d %H:%M} by {p.installed_by_label or p.installed_by}"
        )
    print("In force:")
    for force in Force.objects.order_by("code"):
        row = in_force(force)
        national = (
            row.pack.version if row is not None and row.pack is not None else f"{shipped_version()} (shipped)"
        )
        local = (
            f"local additions {row.overlay.number} signed by {row.overlay.signed_by_label} on "
            f"{row.overlay.signed_at:%Y-%m-%d}"
            if row is not None and row.overlay is not None
            else "no local additions"
        )
        print(f"  {force.code:<8} national {national}; {local}")
    return 0


def _show(args: argparse.Namespace) -> int:
    database_job("guidance-show")
    from heed.guidance import packfile as pf
    from heed.packstore.selectors import GuidanceUnavailable, kept_version, national_dir, shipped_version
    from heed.packstore.services import shipped_pack
    from heed.risk.errors import PackError

    shipped_pack()
    try:
        kept = kept_version(args.version)
        pack = kept.guidance()
    except (GuidanceUnavailable, PackError) as exc:
        raise CommandError(str(exc)) from None
    if args.file:
        directory = national_dir(kept.pack) if kept.pack is not None else None
        local = kept.overlay.files if kept.overlay is not None else {}
        if args.file in local:
            print(local[args.file], end="")
            return 0
        if directory is None or not (directory / args.file).is_file():
            raise CommandError(f"{args.file}: not a file of {kept.stamp}")
        print((directory / args.file).read_text(encoding="utf-8"), end="")
        return 0
    print(f"Guidance {pack.version}")
    if kept.pack is not None:
        m = kept.pack.manifest
        print(
            f"  national {kept.pack.version}: {kept.pack.get_source_display()}, "
            f"valid {m.get('not_before')} to "
            f"{m.get('expires')}, digest {kept.pack.digest[:16]}"
        )
        for name, digest in sorted(m.get("files", {}).items()):
            print(f"    {name}  sha256 {digest[:16]}")
    else:
        print(f"  national {shipped_version()}: shipped with this Heed")
    if kept.overlay is not None:
        o = kept.overlay
        print(
            f"  local additions {o.number} of {kept.force_code}: signed by {o.signed_by_label} on "
            f"{o.signed_at:%Y-%m-%d %H:%M}, digest {o.digest[:16]}: {o.statement}"
        )
    print(
        f"  {len(pack.indicators)} indicators, {len(pack.questions)} questions, "
        f"{len(pack.agencies)} agencies, "
        f"{len(pack.actions)} actions"
    )
    for line in pf.describe(pack):
        print(f"  {line}")
    return 0


def _progress(quiet: bool) -> Any:
    def show(done: int, total: int) -> None:
        if quiet:
            return
        total = max(total, done, 1)
        width = 30
        filled = round(width * done / total)
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} calls ({done / total:.0%})"
        )
        sys.stderr.flush()

    return show


def _shadow(args: argparse.Namespace) -> int:
    rid = database_job("guidance-shadow")
    from heed.audit.context import request_context
    from heed.lookback.services import LookBackError, run_to_end, shadow_start

    force = force_by_code(args.force)
    try:
        with request_context(rid):
            run = shadow_start(
                actor=None,
                force=force,
                version=args.version,
                days=args.days,
                actor_label=command_actor(),
                run=False,
            )
            run_to_end("shadow", run.pk, _progress(False))
    except LookBackError as exc:
        raise CommandError(str(exc)) from None
    sys.stderr.write("\n")
    run.refresh_from_db()
    s = run.summary
    print(
        f"shadow run {run.pk}: {run.candidate_stamp} beside {run.baseline} "
        f"over {run.done:,} calls of {force.code}"
    )
    print(f"  graded up: {sum(s.get('up', {}).values())} {s.get('up', {})}")
    print(f"  graded down: {sum(s.get('down', {}).values())} {s.get('down', {})}")
    print(
        f"  new required actions: {s.get('new_actions', {})}; "
        f"no longer required: {s.get('dropped_actions', {})}"
    )
    print(f"  new agencies suggested: {s.get('new_agencies', {})}")
    for kind, rows in s.get("examples", {}).items():
        for e in rows:
            print(
                f"  e.g. ({kind}) {e['reference']}: {e['before']} -> {e['after']}"
                f"{'; +' + ', '.join(e['new_actions']) if e['new_actions'] else ''}"
                f"{'; agencies +' + ', '.join(e['new_agencies']) if e['new_agencies'] else ''}"
            )
    return 0


def _adopt(args: argparse.Namespace) -> int:
    rid = database_job("guidance-adopt")
    from heed.audit.context import request_context
    from heed.lookback.services import LookBackError, adopt, run_to_end

    force = force_by_code(args.force)
    try:
        with request_context(rid):
            adoption = adopt(
                actor=None,
                force=force,
                version=args.version,
                rationale=args.rationale,
                shadow_run_id=args.shadow_run,
                actor_label=command_actor(),
                lookback=False,
            )
    except LookBackError as exc:
        raise CommandError(str(exc)) from None
    print(f"{force.code}: {adoption.pack.version} in force for new assessments (was {adoption.previous})")
    if not args.no_lookback:
        from heed.lookback.services import lookback_since, lookback_start

        with request_context(rid):
            run = lookback_start(
                actor=None,
                force=force,
                since=lookback_since(),
                adoption=adoption,
                actor_label=command_actor(),
                run=False,
            )
            run_to_end("lookback", run.pk, _progress(False))
        sys.stderr.write("\n")
        run.refresh_from_db()
        print(f"look-back {run.pk}: {run.done:,} closed calls read, {run.found:,} to the look-back queue")
    return 0


def _local_sign(args: argparse.Namespace) -> int:
    rid = database_job("guidance-local")
    from heed.audit.context import request_context
    from heed.packstore.selectors import OVERLAY_FILES
    from heed.packstore.services import GuidanceRefused, overlay_sign

    force = force_by_code(args.force)
    if not args.directory.is_dir():
        raise CommandError(f"{args.directory}: not a directory")
    files = {}
    for path in sorted(args.directory.glob("*.y*ml")):
        if path.name == "pack.yaml":
            continue
        if path.name not in OVERLAY_FILES:
            raise CommandError(f"{path}: a force may add only {', '.join(OVERLAY_FILES)}")
        files[path.name] = path.read_text(encoding="utf-8")
    try:
        with request_context(rid):
            o = overlay_sign(
                force=force, files=files, statement=args.statement, actor=None, actor_label=command_actor()
            )
    except GuidanceRefused as exc:
        raise CommandError(f"refused: {exc}; the guidance in force is unchanged") from None
    print(f"{force.code}: local additions {o.number} signed ({o.digest[:16]}), in force for new assessments")
    return 0


def _local_clear(args: argparse.Namespace) -> int:
    rid = database_job("guidance-local")
    from heed.audit.context import request_context
    from heed.packstore.services import GuidanceRefused, overlay_clear

    force = force_by_code(args.force)
    try:
        with request_context(rid):
            o = overlay_clear(
                force=force,
                file=args.file,
                section=args.section,
                code=args.code,
                actor=None,
                actor_label=command_actor(),
            )
    except GuidanceRefused as exc:
        raise CommandError(f"refused: {exc}") from None
    print(
        f"{force.code}: local {args.section} entry {args.code} cleared (local additions {o.number}); "
        "the national value applies"
    )
    return 0


def _rescreen(args: argparse.Namespace) -> int:
    rid = database_job("rescreen")
    from django.utils import timezone

    from heed.audit.context import request_context
    from heed.lookback.services import lookback_start, run_to_end

    force = force_by_code(args.force)
    since = dt.datetime.combine(args.since, dt.time.min, tzinfo=dt.UTC)
    if since > timezone.now():
        raise CommandError(f"--since {args.since} is in the future")
    with request_context(rid):
        run = lookback_start(actor=None, force=force, since=since, actor_label=command_actor(), run=False)
        resumed = run.done > 0
        if resumed:
            print(f"resuming look-back {run.pk} after {run.done:,} calls", file=sys.stderr)
        try:
            run_to_end("lookback", run.pk, _progress(args.quiet))
        except KeyboardInterrupt:
            sys.stderr.write("\n")
            raise CommandError(
                f"stopped; run the same command again to resume look-back {run.pk}", 130
            ) from None
    if not args.quiet:
        sys.stderr.write("\n")
    run.refresh_from_db()
    print(
        f"look-back {run.pk} under {run.stamp}: {run.done:,} closed calls since {args.since} read, "
        f"{run.found:,} new to the look-back queue"
    )
    return 0
