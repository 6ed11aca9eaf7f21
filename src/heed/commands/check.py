"""``heed check person`` and ``heed check identifier``: run the checks a call requires, JSON out."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

from heed.commands import CommandError, database_ready, django_setup

# Flag name → query field; flags are the same fields as the JSON query.
_FLAGS = {
    "given_name": "--given-name",
    "family_name": "--family-name",
    "alias": "--alias",
    "date_of_birth": "--dob",
    "age": "--age",
    "age_min": "--age-min",
    "age_max": "--age-max",
    "sex": "--sex",
    "town": "--town",
    "postcode": "--postcode",
    "phone": "--phone",
    "email": "--email",
    "handle": "--handle",
    "platform": "--platform",
}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``check`` command group."""
    check = subparsers.add_parser("check", help="check a person or an identifier against records")
    kinds = check.add_subparsers(dest="check_command", metavar="WHAT")
    kinds.required = True

    person = kinds.add_parser(
        "person",
        help="search nominal records for a person",
        description="Search nominal records. The query comes from flags, or as a JSON object on stdin when "
        "no flag is given; --batch reads one JSON query per line (each with an 'id') and writes one result "
        "line per query.",
    )
    person.add_argument("--index", default=None, help="index directory or postgresql:// URL")
    person.add_argument(
        "--batch", metavar="IN.jsonl", help="file of JSON queries, one per line, each with an id"
    )
    person.add_argument("-k", "--limit", type=int, default=10, help="results per query (default 10)")
    person.add_argument("--reference-date", help="date ages are counted on (YYYY-MM-DD; default today)")
    for field, flag in _FLAGS.items():
        person.add_argument(flag, dest=field, type=int if field.startswith("age") else str, default=None)
    person.set_defaults(func=_person)

    ident = kinds.add_parser(
        "identifier",
        help="find earlier reports of a handle, phone number or e-mail and the nominal records holding it "
        "(and optionally record this one)",
        description="Searches the force's register of earlier reports and the nominal index (as the web app "
        "does). Exits 1 when the nominal index could not be searched (the JSON says why), so a missing index "
        "is never read as no record.",
    )
    ident.add_argument("kind", choices=("handle", "phone", "email"))
    ident.add_argument("value")
    ident.add_argument("--platform", default=None, help="platform of a handle (instagram, snapchat, ...)")
    ident.add_argument(
        "--force", default=None, help="force whose register to search (needed when there is more than one)"
    )
    ident.add_argument("--add-report", metavar="REF", help="also record this identifier against report REF")
    ident.set_defaults(func=_identifier)


def _reference_date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--reference-date {text!r} is not YYYY-MM-DD") from None


def _open(location: str | None) -> Any:
    from heed.checks import IndexUnavailable, open_index

    try:
        return open_index(location)
    except (IndexUnavailable, ValueError) as exc:
        raise CommandError(str(exc)) from None


def _person(args: argparse.Namespace) -> int:
    from heed.checks import QueryError

    if args.limit < 1:
        raise CommandError("--limit must be at least 1")
    on = _reference_date(args.reference_date)
    flags = {field: getattr(args, field) for field in _FLAGS if getattr(args, field) is not None}
    if args.batch:
        if flags:
            raise CommandError("--batch takes its queries from the file; give no query flags with it")
        return _batch(args, on)
    if flags:
        query: Any = flags
    else:
        text = sys.stdin.read()
        if not text.strip():
            raise CommandError("no query: give flags such as --given-name, or a JSON object on stdin")
        try:
            query = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"stdin is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
            ) from None
        if not isinstance(query, dict):
            raise CommandError("stdin must hold one JSON object of query fields")
    with _open(args.index) as index:
        try:
            result = index.search(query, args.limit, reference_date=on)
        except QueryError as exc:
            raise CommandError(f"query field {exc.field!r}: {exc}") from None
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def _batch(args: argparse.Namespace, on: date | None) -> int:
    from heed.checks import QueryError

    bad = 0
    try:
        handle = open(args.batch, encoding="utf-8")  # noqa: SIM115 - closed below, after the index
    except OSError as exc:
        raise CommandError(f"{args.batch}: {exc.strerror or exc}") from None
    with handle, _open(args.index) as index:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            query_id: Any = None
            try:
                query = json.loads(line)
                if not isinstance(query, dict):
                    raise QueryError("the line is not a JSON object")
                query_id = query.pop("id", None)
                if query_id is None:
                    raise QueryError("the query has no 'id'", "id")
                result = index.search(query, args.limit, reference_date=on)
                print(json.dumps({"id": query_id, **result}, ensure_ascii=False))
            except (json.JSONDecodeError, QueryError, UnicodeDecodeError) as exc:
                bad += 1
                field = getattr(exc, "field", "line")
                message = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
                print(f"{args.batch}:{number}: {field}: {message}", file=sys.stderr)
                print(
                    json.dumps(
                        {"id": query_id, "line": number, "error": {"field": field, "message": message}}
                    )
                )
    if bad:
        print(f"{bad} line(s) of {args.batch} could not be searched", file=sys.stderr)
    return 1 if bad else 0


def _identifier(args: argparse.Namespace) -> int:
    """Search the force's identifier register in Heed's database: the same register the web app and the API
    write every identifier of every call to."""
    rid = django_setup("check-identifier")
    from heed.audit.context import request_context
    from heed.calls.person_index import records_holding
    from heed.calls.register import RegisterError, register_look_up
    from heed.checks import QueryError

    database_ready()
    try:
        with request_context(rid):
            keys, earlier = register_look_up(
                force_code=args.force,
                kind=args.kind,
                value=args.value,
                platform=args.platform,
                add_report=args.add_report or "",
            )
        records = records_holding(args.kind, args.value, args.platform)
    except RegisterError as exc:
        raise CommandError(str(exc)) from None
    except QueryError as exc:
        raise CommandError(f"{args.kind}: {exc}") from None
    out = {
        "keys": {"strong": keys.strong, "weak": list(keys.weak), "display": keys.display},
        "earlier_reports": [s.to_dict() for s in earlier],
        "records": {
            "searched": records.searched is not None,
            "record_count": records.searched,
            "error": records.error,
            "hits": records.hits,
            "more": records.more,
        },
        "marker_alert": records.marker_alert,
        "sources": records.sources,
    }
    print(json.dumps(out, ensure_ascii=False, indent=2))
    if records.searched is None:
        print(f"nominal records not searched: {records.error}", file=sys.stderr)
        return 1
    return 0
