"""Person checks against nominal records, identifier checks against the register; each recorded as shown."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from heed import textclean as tc
from heed.accounts.models import User
from heed.audit.events import EventType
from heed.calls.actions import actions_refresh
from heed.calls.locks import lock_call
from heed.calls.models import (
    Call,
    IdentifierCheck,
    PersonCheck,
    TrainingSetting,
)
from heed.calls.person_index import get_person_index, records_holding, training_index
from heed.calls.register import register_find, training_sightings
from heed.calls.selectors import identifiers_to_check
from heed.calls.services.base import (
    CallError,
    clean_text,
    ensure_editable,
    record_on_call,
)
from heed.checks import IndexUnavailable, QueryError, identifier_keys
from heed.checks.identifiers import normalise_platform
from heed.checks.scoring import marker_alert, strongest_band

# ---------------------------------------------------------------------------------------------------- checks


def training_of(call: Call) -> TrainingSetting:
    """A training call's setting: its checks search the scenario's records, never the force's."""
    return TrainingSetting.objects.get(call_id=call.pk)


def person_check_run(
    *, actor: User, call: Call, query: Mapping[str, Any], subject: str = "", k: int = 10
) -> PersonCheck:
    """Search nominal records, keep the query and results as shown, and update the person_check action."""
    ensure_editable(call)
    if not isinstance(query, Mapping):
        raise CallError("the query must be an object of search fields", "query")
    clean = {
        key: clean_text(v, f"query.{key}", max_len=tc.IDENTIFIER) if isinstance(v, str) else v
        for key, v in query.items()
        if v not in (None, "")
    }
    subject = clean_text(subject, "subject")
    try:
        location, index = training_index(training_of(call).records) if call.training else get_person_index()
        found = index.search(clean, k)
    except QueryError as exc:
        raise CallError(str(exc), f"query.{exc.field}" if exc.field != "query" else "query") from None
    except IndexUnavailable as exc:
        raise CallError(str(exc), None, "index_unavailable") from None
    results = found["results"]
    top = strongest_band(results)
    alert = marker_alert(results)
    with transaction.atomic():
        lock_call(call)
        check = record_on_call(
            PersonCheck,
            event_type=EventType.CHECK_PERSON,
            actor=actor,
            call=call,
            after={
                "subject": subject,
                "query": clean,
                "results": [
                    {
                        "record_id": r["record_id"],
                        "band": r["band"],
                        "score": r["score"],
                        "markers": len(r["markers"]),
                    }
                    for r in results
                ],
                "marker_alert": alert,
            },
            subject=subject,
            query=clean,
            results=results,
            advice=found.get("advice", []),
            top_band=top,
            marker_alert=alert,
            index_location=location if not location.startswith("postgres") else location.split("@")[-1],
            run_by=actor,
            run_at=timezone.now(),
        )
        actions_refresh(call, actor)
    return check


def identifier_check_run(
    *, actor: User, call: Call, kind: object, value: object, platform: object = None
) -> IdentifierCheck:
    """Look an identifier up in the force's register of earlier reports and in the nominal records, and
    record what each source gave as shown. A record holding it with a warning marker raises the marker alert;
    a nominal index that could not be searched is recorded as such, never as "no record"."""
    ensure_editable(call)
    kind_s = clean_text(kind, "kind")
    value_s = clean_text(value, "value", max_len=320)
    platform_s = clean_text(platform, "platform", max_len=40) or None
    if kind_s not in ("handle", "phone", "email"):
        raise CallError("kind must be handle, phone or email", "kind")
    try:
        keys = identifier_keys(kind_s, value_s, platform_s)
    except ValueError as exc:
        raise CallError(str(exc), "value") from None
    try:
        # Read outside the call's lock: an index look-up can take a moment and changes nothing.
        records = records_holding(
            kind_s, value_s, platform_s, training_of(call).records if call.training else None
        )
    except QueryError as exc:
        raise CallError(str(exc), "kind" if exc.field == "kind" else "value") from None
    with transaction.atomic():
        lock_call(call)
        # Earlier reports in the force, this call's own sighting left out (it is not an earlier report).
        earlier = (
            training_sightings(training_of(call).sightings, keys)
            if call.training
            else register_find(force=call.force, keys=keys, exclude_report=call.reference)
        )
        found = [
            {
                "call_id": e.call_id,
                "reference": e.report_ref,
                "seen_at": e.seen_at.isoformat(),
                "display": e.display,
                "kind": e.kind,
                "strength": e.strength,
            }
            for e in earlier
        ]
        check = record_on_call(
            IdentifierCheck,
            event_type=EventType.CHECK_IDENTIFIER,
            actor=actor,
            call=call,
            after={
                "kind": kind_s,
                "value": value_s,
                "display": keys.display,
                "earlier": [e["reference"] for e in found],
                "records_searched": records.searched,
                "records_error": records.error,
                "records": [
                    {"record_id": h["record_id"], "strength": h["strength"], "markers": len(h["markers"])}
                    for h in records.hits
                ],
                "marker_alert": records.marker_alert,
            },
            kind=kind_s,
            value=value_s,
            platform=(normalise_platform(platform_s) or "") if kind_s == "handle" else "",
            display=keys.display,
            strong_key=keys.strong,
            earlier=found,
            record_hits=records.hits,
            records_more=records.more,
            records_searched=records.searched,
            records_error=records.error,
            marker_alert=records.marker_alert,
            run_by=actor,
            run_at=timezone.now(),
        )
        actions_refresh(call, actor)
    return check


def identifier_checks_run_all(*, actor: User, call: Call) -> list[IdentifierCheck]:
    """Check every identifier named on the call (one recorded check each)."""
    out = []
    for s in identifiers_to_check(call):
        value = s.get("e164") or s["value"]
        try:
            out.append(
                identifier_check_run(
                    actor=actor, call=call, kind=s["kind"], value=value, platform=s.get("platform")
                )
            )
        except CallError:
            continue
    return out
