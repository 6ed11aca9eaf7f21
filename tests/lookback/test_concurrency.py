"""Guidance decisions made at once (issue 12), on both databases: real concurrent requests, each on its own
connection, released together (no sleeps). Of several adoptions or signings made from one view of the
guidance in force exactly one lands, the rest are refused as stale; a finding recorded by several officers at
once is recorded once; the shipped version is recorded once however many ask for it at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from heed.audit.models import AuditEvent
from heed.lookback import services as lb
from heed.lookback.models import Adoption, LookBackItem, LookBackRun, RunStatus
from heed.packstore.models import ForceGuidance, ForceOverlay, InstalledPack
from heed.packstore.selectors import shipped_version
from heed.packstore.services import StaleGuidance, install_pack, overlay_sign, shipped_pack
from tests.concurrency import WORKERS, at_once
from tests.guidance_packs import Keys, add_secrecy_rule, bump, signed

WHY = "SYNTHETIC: the stricter version was shadow-run over our calls and reviewed by the CSE lead."


@pytest.mark.django_db(transaction=True)
def test_of_adoptions_made_from_one_view_exactly_one_lands(
    cast: dict[str, Any], clears_audit: None, tmp_path: Path
) -> None:
    admin = cast["admin"]
    keys = Keys(tmp_path / "owner")
    version = bump(shipped_version())
    install_pack(
        data=signed(tmp_path, keys, version, edit=add_secrecy_rule), trusted=keys.trusted, actor=None
    )
    run = lb.shadow_start(actor=admin, force=admin.force, version=version, days=30, run=False)
    lb.run_to_end("shadow", run.pk)
    seen = ForceGuidance.objects.get_or_create(force=admin.force, defaults={"changed_at": run.started_at})[0]
    results = at_once(
        lambda i: lb.adopt(
            actor=admin,
            force=admin.force,
            version=version,
            rationale=WHY,
            shadow_run_id=run.pk,
            expected_version=seen.version,
            lookback=False,
        )
    )
    landed = [r for r in results if isinstance(r, Adoption)]
    refused = [r for r in results if isinstance(r, lb.LookBackError) and r.status == 409]
    assert len(landed) == 1 and len(refused) == WORKERS - 1, results
    assert Adoption.objects.count() == 1
    assert AuditEvent.objects.filter(event_type="guidance.adopted").count() == 1
    assert ForceGuidance.objects.get(force=admin.force).version == seen.version + 1


@pytest.mark.django_db(transaction=True)
def test_of_local_additions_signed_from_one_view_exactly_one_lands(
    cast: dict[str, Any], clears_audit: None
) -> None:
    admin = cast["admin"]
    shipped_pack()
    seen = ForceGuidance.objects.create(
        force=admin.force, changed_at=InstalledPack.objects.get().installed_at
    )
    results = at_once(
        lambda i: overlay_sign(
            force=admin.force,
            files={
                "agencies.yaml": f"agencies:\n  syn_team_{i}:\n    name: SYNTHETIC team {i}\n"
                "    purpose: SYNTHETIC.\n    contact: {phone: '01632 960001'}\n    audience: [parent]\n"
                "    review_date: '2027-06-30'\n"
            },
            statement=WHY,
            actor=admin,
            expected_version=seen.version,
        )
    )
    landed = [r for r in results if isinstance(r, ForceOverlay)]
    assert len(landed) == 1, results
    assert len([r for r in results if isinstance(r, StaleGuidance)]) == WORKERS - 1, results
    assert list(ForceOverlay.objects.values_list("number", flat=True)) == [1]


@pytest.mark.django_db(transaction=True)
def test_a_finding_recorded_by_several_officers_at_once_is_recorded_once(
    cast: dict[str, Any], clears_audit: None, make_call: Any
) -> None:
    admin = cast["admin"]
    call = make_call()
    look = LookBackRun.objects.create(
        force=admin.force,
        stamp="national@SYN",
        since=call.created_at,
        status=RunStatus.FINISHED,
        started_by_label="SYNTHETIC",
        started_at=call.created_at,
    )
    item = LookBackItem.objects.create(
        run=look,
        force=admin.force,
        call=call,
        stamp=look.stamp,
        old_risk="standard",
        new_risk="high",
        risk_rose=True,
        found_at=call.created_at,
    )
    results = at_once(
        lambda i: lb.lookback_record(
            actor=cast["safeguarding"],
            item_id=item.pk,
            outcome="action_taken",
            note=f"{WHY} ({i})",
            expected_version=item.version,
        )
    )
    assert len([r for r in results if isinstance(r, LookBackItem)]) == 1, results
    assert len([r for r in results if isinstance(r, lb.LookBackError) and r.status == 409]) == WORKERS - 1
    assert AuditEvent.objects.filter(event_type="lookback.recorded").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_shipped_version_is_recorded_once_when_asked_for_at_once(clears_audit: None, cast: Any) -> None:
    results = at_once(lambda i: shipped_pack())
    assert all(isinstance(r, InstalledPack) for r in results), results
    assert InstalledPack.objects.count() == 1
