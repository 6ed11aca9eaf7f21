"""Caller support (heed.support.services): advice chosen by the pack for who is calling, the advice sheet,
referrals and the actions they complete."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from tests.closing import WHY, status

from heed.calls import services
from heed.support import services as support
from heed.support.sheets import SMS_LIMIT, advice_sheet_pdf, sms_text

pytestmark = pytest.mark.django_db


def test_advice_is_chosen_by_the_pack_for_who_is_calling(make_call: Any) -> None:
    parent = make_call()
    assert parent.assessment["required_agencies"] == ["ceop", "nspcc"]
    assert "internet_matters" in parent.assessment["suggested_agencies"]
    child = make_call(caller_relation="child")
    assert child.assessment["required_agencies"] == ["ceop", "childline"]
    images = make_call("SYNTHETIC. A man of 40 asked my daughter for nude pics and she sent one.")
    assert {"ceop", "report_remove", "iwf"} <= set(images.assessment["required_agencies"])
    extremism = make_call("SYNTHETIC. A man online keeps sending my son extremist propaganda videos.")
    assert "act_early" in extremism.assessment["required_agencies"]


def test_specialist_advice_is_done_only_when_every_required_agency_is_given(
    make_call: Any, cast: dict[str, Any]
) -> None:
    call = make_call()
    support.advice_record(actor=cast["handler"], call=call, agencies=["nspcc"], method="sms")
    assert status(call)["specialist_advice"] == "outstanding"
    assert support.advice_missing(call) == ["ceop"]
    support.advice_record(actor=cast["handler"], call=call, agencies=["ceop"], method="read_out")
    assert status(call)["specialist_advice"] == "done"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"agencies": []}, "agencies"), ({"agencies": ["mi6"]}, "agencies"), ({"method": "pigeon"}, "method")],
)
def test_bad_advice_names_the_field(
    make_call: Any, cast: dict[str, Any], kwargs: dict[str, Any], field: str
) -> None:
    call = make_call()
    args = {"agencies": ["ceop"], "method": "sms", **kwargs}
    with pytest.raises(services.CallError) as exc:
        support.advice_record(actor=cast["handler"], call=call, **args)
    assert exc.value.field == field


def test_the_advice_sheet_pdf_and_text(make_call: Any) -> None:
    call = make_call()
    pdf = advice_sheet_pdf(call)
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000
    text = sms_text(call)
    assert len(text) <= SMS_LIMIT and call.reference in text and "0808 800 5000" in text and "999" in text
    assert text.index("CEOP") < text.index("NSPCC")  # required agencies first


def test_a_referral_completes_the_action_and_a_return_reopens_it(
    make_call: Any, cast: dict[str, Any]
) -> None:
    call = make_call()
    referral = support.referral_make(actor=cast["handler"], call=call, to="mash", reason=WHY)
    assert referral.due_at is not None and referral.due_at - referral.made_at == timedelta(hours=24)
    assert status(call)["safeguarding_referral"] == "done"
    with pytest.raises(services.CallError) as exc:
        support.referral_update(actor=cast["safeguarding"], referral=referral, status="returned", note="no")
    assert exc.value.field == "note"
    support.referral_update(actor=cast["safeguarding"], referral=referral, status="returned", note=WHY)
    assert status(call)["safeguarding_referral"] == "outstanding"
    with pytest.raises(services.CallError, match="already returned"):
        support.referral_update(actor=cast["safeguarding"], referral=referral, status="accepted")


def test_contacts_past_their_review_date_are_shown_with_a_warning(
    make_call: Any, cast: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import date

    from django.test import Client

    from heed.support import sheets

    call = make_call()
    client = Client()
    client.force_login(cast["handler"])
    assert "data-review-overdue" not in client.get(f"/calls/{call.pk}/").content.decode()
    monkeypatch.setattr(sheets.timezone, "localdate", lambda: date(2030, 1, 1))
    page = client.get(f"/calls/{call.pk}/").content.decode()
    assert 'data-review-overdue="ceop"' in page and "due for review on 31 May 2027" in page
