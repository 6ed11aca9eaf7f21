"""The records this app keeps that prove a call's required actions and raise its reminders (registered with
``heed.calls`` when Django starts, so ``heed.calls`` never imports this app)."""

from __future__ import annotations

from datetime import datetime

from heed.calls.actions import Proof
from heed.calls.models import Call
from heed.support.models import AdviceRecord, Referral, ReferralStatus


def specialist_advice(call: Call) -> Proof:
    """Done when advice has been recorded covering every agency the assessment requires."""
    records = list(AdviceRecord.objects.filter(call=call).select_related("given_by"))
    given = {code for r in records for code in r.agencies}
    required = set(call.assessment.get("required_agencies", []))
    last = records[-1] if records else None
    return bool(records) and required <= given, last, last.given_by if last else None


def safeguarding_referral(call: Call) -> Proof:
    """Done while a referral is sent or accepted (a returned one makes it outstanding again)."""
    live = list(
        Referral.objects.filter(call=call, status__in=[ReferralStatus.SENT, ReferralStatus.ACCEPTED])
        .select_related("made_by")
        .order_by("made_at", "id")
    )
    last = live[-1] if live else None
    return bool(live), last, last.made_by if last else None


def referral_due(object_id: int) -> tuple[Call, str, datetime | None] | str:
    """What a referral reminder is about (its call, subject and due time), or why there is none to raise."""
    referral = Referral.objects.select_related("call", "call__force").filter(pk=object_id).first()
    if referral is None or referral.status != ReferralStatus.SENT:
        return "nothing to remind: the referral has been answered"
    return referral.call, str(referral.pk), referral.due_at
