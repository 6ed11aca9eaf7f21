"""Answers and reassessment (services.assessment): answers combine with the log; the risk never falls
silently."""

from __future__ import annotations

from typing import Any

import pytest

from heed.calls import services

pytestmark = pytest.mark.django_db


def test_answers_combine_with_the_narrative(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call("SYNTHETIC. Dad says someone on Roblox keeps messaging his daughter Mia (12).")
    services.answers_record(
        actor=cast["handler"], call=call, answers={"contact_age": "adult", "asked_to_meet": "yes"}
    )
    call.refresh_from_db()
    assert call.risk == "high"
    codes = {i["code"] for i in call.assessment["indicators"]}
    assert {"age_gap", "meeting"} <= codes


def test_the_risk_is_never_lowered_silently(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call("SYNTHETIC. An adult man asked her to meet him at the station.")
    assert call.risk == "high"
    services.note_edit(
        actor=cast["handler"], call=call, entry_no=1, text="SYNTHETIC. A boy from her class, same age."
    )
    call.refresh_from_db()
    assert call.engine_risk == "standard"
    assert call.risk == "high"


def test_answers_from_an_older_page_do_not_overwrite_newer_ones(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call("SYNTHETIC. Someone on Roblox keeps messaging her.")
    seen = call.version
    services.answers_record(
        actor=cast["handler"], call=call, answers={"asked_to_meet": "yes"}, expected_version=seen
    )
    with pytest.raises(services.CallError) as exc:
        services.answers_record(
            actor=cast["handler2"], call=call, answers={"asked_to_meet": "no"}, expected_version=seen
        )
    assert exc.value.code == "stale"
    call.refresh_from_db()
    assert call.answers["asked_to_meet"] == "yes"
