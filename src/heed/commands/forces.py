"""``heed force add CODE NAME``: create a force (a national administrator's job, also on the Forces page).
``heed team add NAME --force CODE``: make a team in a force (a force administrator's, on the Teams page)."""

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

    team = subparsers.add_parser("team", help="manage a force's teams")
    tact = team.add_subparsers(dest="team_command", metavar="ACTION")
    tact.required = True
    tadd = tact.add_parser("add", help="make a team in a force (then: heed user team NAME --team TEAM)")
    tadd.add_argument("name", help='the team\'s name, unique in the force, e.g. "Blue watch"')
    tadd.add_argument("--force", required=True, help="force code, e.g. DEMO")
    tadd.set_defaults(func=_team_add)


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


def _team_add(args: argparse.Namespace) -> int:
    rid = django_setup("team-add")
    from heed.accounts.services import AccountError, team_create
    from heed.audit.context import request_context

    database_ready()
    try:
        with request_context(rid):
            team = team_create(name=args.name, force_code=args.force)
    except AccountError as exc:
        raise CommandError(str(exc)) from None
    print(f"added team {team.name} to force {team.force.code}")
    return 0
