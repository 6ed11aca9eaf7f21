"""The identifier register: every handle, phone and e-mail named on a call of a force (and any report added
from the command line), keyed for linking. One register, in Heed's database, for the web app, the API and the
CLI: an identifier checked anywhere finds the calls taken everywhere in the force."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from heed.accounts.models import Force
from heed.audit.events import EventType
from heed.audit.services import audit_record
from heed.calls.models import Call, IdentifierKey, IdentifierSighting
from heed.checks import IdentifierKeys, Sighting, identifier_keys, link
from heed.checks.identifiers import normalise_platform
from heed.checks.register import lookup_keys


def register_add(
    *,
    force: Force,
    keys: IdentifierKeys,
    kind: str,
    value: str,
    platform: str | None,
    seen_at: datetime,
    call: Call | None = None,
    report_ref: str = "",
) -> IdentifierSighting:
    """Record that a call (or, from the CLI, the report ``report_ref``) named this identifier, once per
    report. The caller holds the transaction."""
    if seen_at.tzinfo is None:
        raise ValueError("seen_at must be timezone-aware")
    ref = call.reference if call is not None else report_ref.strip()
    if not ref:
        raise ValueError("report_ref is empty")
    sighting, created = IdentifierSighting.objects.get_or_create(
        force=force,
        report_ref=ref,
        kind=kind,
        strong_key=keys.strong,
        defaults={
            "call": call,
            "value": value[:320],
            "platform": (normalise_platform(platform) or "")[:40] if kind == "handle" and platform else "",
            "display": keys.display[:320],
            "seen_at": seen_at,
        },
    )
    if created:
        IdentifierKey.objects.bulk_create(
            [IdentifierKey(sighting=sighting, key=k[:400]) for k in lookup_keys(keys)]
        )
    return sighting


def register_find(*, force: Force, keys: IdentifierKeys, exclude_report: str = "") -> list[Sighting]:
    """Earlier reports in ``force`` naming an identifier with these keys, strong links first, newest first."""
    rows = (
        IdentifierKey.objects.filter(key__in=lookup_keys(keys), sighting__force=force)
        .exclude(sighting__report_ref=exclude_report)
        .select_related("sighting")
    )
    return link(
        keys,
        (
            (
                r.sighting.strong_key,
                Sighting(
                    report_ref=r.sighting.report_ref,
                    seen_at=r.sighting.seen_at,
                    kind=r.sighting.kind,
                    display=r.sighting.display,
                    strength="",
                    call_id=r.sighting.call_id,
                ),
            )
            for r in rows
        ),
    )


def training_sightings(rows: list[dict[str, Any]], keys: IdentifierKeys) -> list[Sighting]:
    """A training call's earlier reports: its scenario's SYNTHETIC sightings (the force's register is never
    searched from, nor added to by, a training call), linked by the same keys as live ones."""
    pairs = []
    for row in rows:
        try:
            theirs = identifier_keys(row["kind"], row["value"], row.get("platform") or None)
        except (KeyError, ValueError):
            continue
        if not set(lookup_keys(theirs)) & set(lookup_keys(keys)):
            continue
        seen = datetime.fromisoformat(str(row["seen"])).replace(tzinfo=UTC)
        pairs.append(
            (
                theirs.strong,
                Sighting(
                    report_ref=str(row["reference"]),
                    seen_at=seen,
                    kind=str(row["kind"]),
                    display=theirs.display,
                    strength="",
                    call_id=None,
                ),
            )
        )
    return link(keys, pairs)


class RegisterError(ValueError):
    """A look-up that cannot be made as asked (an unknown force, an identifier that cannot be read)."""


def register_look_up(
    *, force_code: str | None, kind: str, value: str, platform: str | None, add_report: str = ""
) -> tuple[IdentifierKeys, list[Sighting]]:
    """The CLI's look-up: earlier reports of an identifier in a force (the only force when there is one), and,
    with ``add_report``, the identifier recorded against that report (audited) in the same transaction."""
    forces = Force.objects.all()
    if force_code:
        force = forces.filter(code=force_code.upper()).first()
        if force is None:
            raise RegisterError(f"no force {force_code!r}")
    else:
        only = list(forces[:2])
        if len(only) != 1:
            raise RegisterError("give the force with --force CODE" if only else "no force has been set up")
        force = only[0]
    try:
        keys = identifier_keys(kind, value, platform)
    except ValueError as exc:
        raise RegisterError(f"{kind}: {exc}") from None
    with transaction.atomic():
        earlier = register_find(force=force, keys=keys, exclude_report=add_report.strip())
        if add_report.strip():
            sighting = register_add(
                force=force,
                keys=keys,
                kind=kind,
                value=value,
                platform=platform,
                seen_at=timezone.now(),
                report_ref=add_report,
            )
            audit_record(
                event_type=EventType.REGISTER_SIGHTING_ADDED,
                actor=None,
                actor_label="cli",
                force_code=force.code,
                obj=sighting,
                after={"report_ref": sighting.report_ref, "kind": kind, "display": keys.display},
            )
    return keys, earlier
