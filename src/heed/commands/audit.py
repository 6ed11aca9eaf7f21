"""``heed audit verify [--force CODE]`` and ``heed audit anchor [--every SECONDS]``: check the audit chains,
and record every chain's head in the anchor chain (docs/adr/0010-audit-chain-per-force.md)."""

from __future__ import annotations

import argparse
import time
from typing import Any

from heed.commands import CommandError, database_ready, django_setup


def register(subparsers: Any) -> None:
    audit = subparsers.add_parser("audit", help="the audit trail")
    actions = audit.add_subparsers(dest="audit_command", metavar="ACTION")
    actions.required = True
    verify = actions.add_parser(
        "verify",
        help="check every hash chain and the anchors over them; name the first broken event",
        description="Check every chain (one per force, the national chain, the anchor chain, the legacy "
        "chain) event by event, each head, and every anchor. Prints a line per chain; exit status 1 when any "
        "is broken.",
    )
    verify.add_argument(
        "--force", metavar="CODE", help="check only this force's chain (and the anchor chain)"
    )
    verify.set_defaults(func=_verify)
    anchor = actions.add_parser(
        "anchor",
        help="record every chain's head in the anchor chain (run it periodically)",
        description="Record every chain's head in the anchor chain, so a chain rewritten or cut short "
        "afterwards no longer verifies. Prints the anchor chain's head: keep it outside the database.",
    )
    anchor.add_argument(
        "--every", type=float, metavar="SECONDS", help="keep anchoring at this interval until interrupted"
    )
    anchor.set_defaults(func=_anchor)


def _setup(job: str) -> str:
    rid = django_setup(job)
    database_ready()
    return rid


def _verify(args: argparse.Namespace) -> int:
    _setup("audit-verify")
    from heed.accounts.models import Force
    from heed.audit.services import audit_verify

    code = None
    if args.force is not None:
        code = args.force.strip().upper()
        if not Force.objects.filter(code=code).exists():
            raise CommandError(f"--force {args.force}: no force with code {code!r}")
    result = audit_verify(force_code=code)
    for line in result.lines():
        print(f"  {line}")
    print(result.summary())
    return 0 if result.ok else 1


def _anchor(args: argparse.Namespace) -> int:
    if args.every is not None and args.every < 1:
        raise CommandError(f"--every {args.every:g}: expected at least 1 second")
    rid = _setup("audit-anchor")
    from heed.audit.context import request_context
    from heed.audit.services import audit_anchor

    while True:
        with request_context(rid):
            event = audit_anchor(actor_label="cli:audit-anchor")
        if event is None:
            print("nothing new to anchor: every chain's head is as the last anchor recorded", flush=True)
        else:
            heads = event.after["heads"] if isinstance(event.after, dict) else {}
            print(
                f"anchor #{event.chain_seq}: {len(heads)} chain head(s) recorded; "
                f"anchor chain head {event.hash} (keep it outside the database)",
                flush=True,
            )
        if args.every is None:
            return 0
        time.sleep(args.every)
