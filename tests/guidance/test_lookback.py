"""The look-back's judgement of one closed call (pure: the same function runs in `heed rescreen` and Spark).
Narratives are SYNTHETIC."""

from __future__ import annotations

from dataclasses import replace

from heed.guidance.lookback import CallRecord, judge
from heed.risk import default_pack

HIGH_TEXT = "He is 34 and asked her for pictures of herself in her school uniform. She is 12."
PLAIN_TEXT = "My son lost his bike at the park and wants to report it stolen."


def record(**kw: object) -> CallRecord:
    base = CallRecord(
        call_id=7,
        reference="SYN-1",
        force="XX",
        closed_at="2026-11-01T10:00:00+00:00",
        text=HIGH_TEXT,
        answers={},
        child_age=None,
        caller_relation="parent",
        risk="standard",
        pack_version="national@2026.1.0",
        done=frozenset(),
        advised=frozenset(default_pack().agencies),  # told of every agency, unless a test says otherwise
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def test_a_call_closed_standard_that_now_grades_high_is_found_with_what_is_missing() -> None:
    found = judge(record(), default_pack())
    assert found is not None
    assert (found.old_risk, found.new_risk, found.risk_rose) == ("standard", "high", True)
    assert "safeguarding_referral" in found.missing and "specialist_advice" in found.missing
    assert "RISK-HIGH-SEXUAL-NONPEER" in found.reasons
    assert found.new_pack_version == default_pack().version


def test_a_call_closed_at_its_grade_with_everything_done_is_not_found() -> None:
    done = frozenset({"person_check", "identifier_check", "specialist_advice", "safeguarding_referral"})
    assert judge(record(risk="high", done=done), default_pack()) is None


def test_work_not_done_is_found_even_when_the_grade_did_not_rise() -> None:
    found = judge(record(risk="high", done=frozenset({"specialist_advice"})), default_pack())
    assert found is not None
    assert found.risk_rose is False
    assert found.missing == ("safeguarding_referral",)


def test_a_call_with_nothing_of_concern_is_not_found() -> None:
    assert judge(record(text=PLAIN_TEXT), default_pack()) is None


def test_a_call_with_no_text_and_no_answers_is_not_found() -> None:
    assert judge(record(text="  "), default_pack()) is None


def test_an_answer_the_pack_no_longer_knows_is_left_out_not_fatal() -> None:
    found = judge(record(answers={"retired_question": "yes"}), default_pack())
    assert found is not None and found.new_risk == "high"


def test_a_record_survives_its_export_row() -> None:
    r = record(
        answers={"contact_age": "adult"}, child_age=12, done=frozenset({"person_check", "specialist_advice"})
    )
    assert CallRecord.from_row(r.to_row()) == r


def test_advice_is_missing_when_an_agency_now_required_was_never_named_to_the_caller() -> None:
    pack = default_pack()
    everything = frozenset({"person_check", "identifier_check", "specialist_advice", "safeguarding_referral"})
    from heed.guidance.lookback import read_call

    reading = read_call(record(risk="high"), pack)
    assert reading is not None and reading.required_agencies  # the pack requires some for a parent
    told_all = judge(record(risk="high", done=everything, advised=frozenset(reading.required_agencies)), pack)
    assert told_all is None
    told_none = judge(record(risk="high", done=everything, advised=frozenset()), pack)
    assert told_none is not None and told_none.missing == ("specialist_advice",)


def test_an_answer_value_the_pack_does_not_offer_is_left_out_and_the_rest_still_counts() -> None:
    found = judge(
        record(text=PLAIN_TEXT, answers={"whereabouts_now": "on_way_to_meet", "threats": "maybe"}),
        default_pack(),
    )
    assert found is not None and found.new_risk == "high"  # the known answer (immediate danger) still counts


def test_a_log_longer_than_the_engine_reads_is_read_up_to_its_limit_not_dropped() -> None:
    from heed.risk.engine import MAX_TEXT_BYTES

    filler = "\n\n".join(["SYNTHETIC. Mum talked about the weather and the school run. " * 700] * 30)
    assert len(filler.encode()) > MAX_TEXT_BYTES
    found = judge(record(text=HIGH_TEXT + "\n\n" + filler), default_pack())
    assert found is not None and found.new_risk == "high"
