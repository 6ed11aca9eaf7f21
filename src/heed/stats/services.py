"""Writing a force's statistics file and importing one at the national owner's: each one transaction with
its audit event; a refused import is audited and changes nothing else."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.db import transaction
from django.utils import timezone

from heed.accounts.models import Force, User
from heed.audit.events import EventType
from heed.audit.services import audit_record
from heed.guidance import packfile as pf
from heed.stats import fileformat as ff
from heed.stats.figures import document
from heed.stats.models import ForceStats


class StatsRefused(ValueError):
    """An import refused; the message is one line saying why."""


def _label(actor: User | None, actor_label: str) -> str:
    return actor.username if actor is not None else actor_label


def stats_export(
    *,
    force: Force,
    period: str,
    private: Ed25519PrivateKey,
    actor: User | None = None,
    actor_label: str = "command line",
    now: datetime | None = None,
    out: Path | None = None,
) -> bytes:
    """The signed statistics file of ``force`` for ``period``; the export is recorded in the force's chain
    with the file's digest, where it went and its figures' shape (never the figures' sources). With
    ``out`` the file is written there (never over another) in the same transaction as its record: a file
    that cannot be written leaves no record, and a record that cannot be committed leaves no file."""
    written = False
    try:
        with transaction.atomic():
            doc = document(force, period, now=now or timezone.now())
            data = ff.sign(doc, private)
            audit_record(
                event_type=EventType.STATS_EXPORTED,
                actor=actor,
                actor_label=_label(actor, actor_label),
                force_code=force.code,
                object_type="stats.file",
                object_id=period,
                after={
                    "period": period,
                    "digest": hashlib.sha256(data).hexdigest(),
                    "key_id": pf.key_id(private.public_key()),
                    "calls": doc["calls"],
                    "file": str(out.resolve()) if out is not None else None,
                    "personal_data": False,
                },
            )
            if out is not None:
                with out.open("xb") as f:
                    # Ours from here: a write that fails midway must not leave a partial file behind (it
                    # would block the next export as "exists already").
                    written = True
                    f.write(data)
    except BaseException:
        if written and out is not None:
            out.unlink(missing_ok=True)
        raise
    return data


def stats_import(
    *,
    data: bytes,
    trusted: Mapping[str, Ed25519PublicKey],
    actor: User | None,
    actor_label: str = "command line",
) -> ForceStats:
    """Verify a force's statistics file and keep it. Refused (StatsRefused, one line) when it holds anything
    outside the allow-list or a small number, is unsigned, tampered with or signed by no trusted key, was
    imported already, or is not newer (``generated_at``) than the file kept for that force and month: a
    newer file is kept beside the older one and read instead of it; nothing is ever overwritten."""
    digest = hashlib.sha256(data).hexdigest()
    try:
        with transaction.atomic():
            try:
                doc, signers = ff.verify(data, trusted)
            except ff.StatsFileRefused as exc:
                raise StatsRefused(f"refused: {exc}") from None
            generated_at = datetime.fromisoformat(doc["generated_at"])
            # One import for a force's month at a time (the newest-wins check below must see the last one).
            kept = list(
                ForceStats.objects.select_for_update()
                .filter(force_code=doc["force"], period=doc["period"])
                .order_by("-generated_at")
            )
            if ForceStats.objects.filter(digest=digest).exists():
                raise StatsRefused(f"refused: {doc['force']} {doc['period']}: this file was imported already")
            if kept and generated_at <= kept[0].generated_at:
                raise StatsRefused(
                    f"refused: {doc['force']} {doc['period']}: a file generated at "
                    f"{kept[0].generated_at.isoformat()} is kept, and this one is not newer"
                )
            row = ForceStats.objects.create(
                force_code=doc["force"],
                period=doc["period"],
                generated_at=generated_at,
                digest=digest,
                data=doc,
                signed_by=signers,
                imported_at=timezone.now(),
                imported_by=actor,
                imported_by_label=_label(actor, actor_label),
            )
            audit_record(
                event_type=EventType.STATS_IMPORTED,
                actor=actor,
                actor_label=_label(actor, actor_label),
                force_code="",
                obj=row,
                after={
                    "force": row.force_code,
                    "period": row.period,
                    "digest": digest,
                    "signed_by": signers,
                    "replaces": kept[0].digest if kept else None,
                },
            )
            return row
    except StatsRefused as exc:
        with transaction.atomic():
            audit_record(
                event_type=EventType.STATS_REFUSED,
                actor=actor,
                actor_label=_label(actor, actor_label),
                force_code="",
                object_type="stats.forcestats",
                after={"reason": str(exc), "digest": digest},
            )
        raise
