"""``heed force add CODE NAME``: create a force (a national administrator's job, also on the Forces page)."""

from __future__ import annotations

import argparse
from typing import Any

from heed.commands import CommandError, database_ready, django_setup


def register(subparsers: Any) -> None:
    force = subparsers.add_parser("force", help="manage forces")
    fact = force.add_subparsers(dest="force_command", metavar="ACTION")
    fact.required = True
    add = fact.add_parser("add", help="create a force (then add its administrator with heed user add)")
    add.add_argument("code", help="2 to 16 letters and digits, e.g. WMP")
    add.add_argument("name", help='the force\'s name, e.g. "West Midlands Police"')
    add.set_defaults(func=_force_add)


def _force_add(args: argparse.Namespace) -> int:
    rid = django_setup("force-add")
    from heed.accounts.services import AccountError, force_create
    from heed.audit.context import request_context

    database_ready()
    try:
        with request_context(rid):
            force = force_create(code=args.code, name=args.name)
    except AccountError as exc:
        raise CommandError(str(exc)) from None
    print(f"added force {force.code} ({force.name})")
    return 0
