"""Shadow runs, adoption and the look-back (issue 12). A stricter SYNTHETIC version (one more medium rule) is
installed; the shadow run reports the planted change; adopting it is a recorded decision that puts it in force
for new assessments only; the look-back then queues the closed call it now grades higher, never changing it,
and a safeguarding officer records what they did. Runs resume after their last chunk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from heed.audit.models import AuditEvent
from heed.calls import services
from heed.calls.models import Call
from heed.lookback import services as lb
from heed.lookback.models import Adoption, LookBackItem, LookBackRun, RunStatus
from heed.lookback.selectors import access_item, queue
from heed.packstore.selectors import pack_for, shipped_version
from heed.packstore.services import install_pack
from heed.risk import default_pack
from heed.support import services as support
from tests.closing import WHY
from tests.guidance_packs import SECRECY_NARRATIVE, Keys, add_secrecy_rule, bump, signed

pytestmark = pytest.mark.django_db

BENIGN = "SYNTHETIC. My son lost his bike at the park on Saturday and we want to report it stolen."


@pytest.fixture
def stricter(tmp_path: Path) -> str:
    keys = Keys(tmp_path / "owner")
    version = bump(shipped_version())
    install_pack(
        data=signed(tmp_path, keys, version, edit=add_secrecy_rule), trusted=keys.trusted, actor=None
    )
    return version


def closed_standard_call(make_call: Any, cast: dict[str, Any]) -> Call:
    """A secrecy-only call graded standard under the shipped pack, closed with everything it required done."""
    h = cast["handler"]
    call = make_call(SECRECY_NARRATIVE, child_age=13)
    assert call.risk == "standard"
    answers = {
        "whereabouts_now": "safe",
        "contact_age": "same_age",
        "asked_for_images": "no",
        "threats": "no",
        "asked_to_meet": "no",
    }
    call = services.answers_record(actor=h, call=call, answers=answers, expected_version=call.version)
    support.advice_record(
        actor=h, call=call, agencies=call.assessment["suggested_agencies"], method="read_out"
    )
    call.refresh_from_db()
    call = services.closure_request(actor=h, call=call, outcome="advice_given", rationale=WHY)
    call.refresh_from_db()
    assert call.status == "closed" and call.risk == "standard"
    return call


def finished_shadow(cast: dict[str, Any], version: str, days: int = 30) -> Any:
    run = lb.shadow_start(
        actor=cast["admin"], force=cast["admin"].force, version=version, days=days, run=False
    )
    lb.run_to_end("shadow", run.pk)
    run.refresh_from_db()
    return run


def test_a_shadow_run_reports_the_planted_change_with_the_call_as_example(
    stricter: str, make_call: Any, cast: dict[str, Any]
) -> None:
    secret = make_call(SECRECY_NARRATIVE, child_age=13)
    make_call(BENIGN)
    run = finished_shadow(cast, stricter)
    assert run.status == RunStatus.FINISHED and run.done == 2
    assert run.baseline == default_pack().version and run.candidate_stamp == f"national@{stricter}"
    assert run.summary["up"] == {"standard->medium": 1} and run.summary["down"] == {}
    assert run.summary["same"] == 1
    assert [e["reference"] for e in run.summary["examples"]["up"]] == [secret.reference]
    # Nothing changed on the call and nothing is in force yet.
    secret.refresh_from_db()
    assert secret.risk == "standard" and pack_for(secret.force).version == default_pack().version
    assert AuditEvent.objects.filter(event_type="guidance.shadow_run").get().after["candidate"] == stricter


def test_adopting_needs_a_finished_shadow_run_against_the_guidance_in_force(
    stricter: str, cast: dict[str, Any]
) -> None:
    force = cast["admin"].force
    with pytest.raises(lb.LookBackError, match="finished shadow run"):
        lb.adopt(actor=cast["admin"], force=force, version=stricter, rationale=WHY, shadow_run_id="0")
    other = lb.shadow_start(actor=cast["admin"], force=force, version=stricter, days=30, run=False)
    with pytest.raises(lb.LookBackError, match="finished shadow run"):  # started, not finished
        lb.adopt(actor=cast["admin"], force=force, version=stricter, rationale=WHY, shadow_run_id=other.pk)
    run = finished_shadow(cast, stricter)
    with pytest.raises(lb.LookBackError, match="rationale"):
        lb.adopt(actor=cast["admin"], force=force, version=stricter, rationale="  ", shadow_run_id=run.pk)
    assert pack_for(force).version == default_pack().version
    assert not Adoption.objects.exists()


def test_after_adopting_a_stricter_version_a_closed_standard_call_is_in_the_look_back_queue(
    stricter: str, make_call: Any, cast: dict[str, Any]
) -> None:
    closed = closed_standard_call(make_call, cast)
    open_call = make_call(SECRECY_NARRATIVE, child_age=13)  # not closed: not the look-back's
    assessed_before = (closed.assessment, closed.risk, closed.pack_version, closed.version)
    run = finished_shadow(cast, stricter)
    adoption = lb.adopt(
        actor=cast["admin"], force=cast["admin"].force, version=stricter, rationale=WHY, shadow_run_id=run.pk
    )
    assert pack_for(cast["admin"].force).version == f"national@{stricter}"
    assert adoption.previous == default_pack().version
    look = LookBackRun.objects.get(adoption=adoption)
    lb.run_to_end("lookback", look.pk)
    look.refresh_from_db()
    assert (look.status, look.done, look.found) == (RunStatus.FINISHED, 1, 1)
    item = queue(cast["safeguarding"]).get()
    assert item.call_id == closed.pk and item.call_id != open_call.pk
    assert (item.old_risk, item.new_risk, item.risk_rose) == ("standard", "medium", True)
    assert "RISK-MED-SECRECY-SYN" in item.reasons
    closed.refresh_from_db()
    assert (closed.assessment, closed.risk, closed.pack_version, closed.version) == assessed_before
    # New assessments use the version adopted.
    fresh = make_call(SECRECY_NARRATIVE, child_age=13)
    assert fresh.risk == "medium" and fresh.pack_version == f"national@{stricter}"
    assert (
        AuditEvent.objects.filter(event_type="guidance.adopted").get().after["in_force"]
        == f"national@{stricter}"
    )


def test_a_look_back_stopped_part_way_resumes_after_its_last_chunk_and_queues_no_call_twice(
    stricter: str, make_call: Any, cast: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = [closed_standard_call(make_call, cast) for _ in range(3)]
    run = finished_shadow(cast, stricter)
    lb.adopt(
        actor=cast["admin"],
        force=cast["admin"].force,
        version=stricter,
        rationale=WHY,
        shadow_run_id=run.pk,
        lookback=False,
    )
    monkeypatch.setattr(lb, "CHUNK", 2)
    since = calls[0].updated_at.replace(microsecond=0)
    look = lb.lookback_start(actor=cast["admin"], force=cast["admin"].force, since=since, run=False)
    assert lb.lookback_step(look.pk) is True  # the first chunk of two calls, then it stops
    look.refresh_from_db()
    assert (look.done, look.found, look.status, look.cursor) == (2, 2, RunStatus.RUNNING, calls[1].pk)
    again = lb.lookback_start(actor=cast["admin"], force=cast["admin"].force, since=since, run=False)
    assert again.pk == look.pk  # the same run, resumed
    lb.run_to_end("lookback", look.pk)
    look.refresh_from_db()
    assert (look.done, look.found, look.status) == (3, 3, RunStatus.FINISHED)
    assert sorted(LookBackItem.objects.values_list("call_id", flat=True)) == sorted(c.pk for c in calls)
    # A later look-back under the same guidance queues nothing again.
    later = lb.lookback_start(actor=cast["admin"], force=cast["admin"].force, since=since, run=False)
    assert later.pk != look.pk
    lb.run_to_end("lookback", later.pk)
    later.refresh_from_db()
    assert (later.done, later.found) == (3, 0)


def test_a_safeguarding_officer_records_what_was_done_once_audited_on_the_call(
    stricter: str, make_call: Any, cast: dict[str, Any]
) -> None:
    closed = closed_standard_call(make_call, cast)
    run = finished_shadow(cast, stricter)
    lb.adopt(
        actor=cast["admin"], force=cast["admin"].force, version=stricter, rationale=WHY, shadow_run_id=run.pk
    )
    lb.run_to_end("lookback", LookBackRun.objects.get().pk)
    item = queue(cast["safeguarding"]).get()
    with pytest.raises(lb.LookBackError, match="note"):
        lb.lookback_record(actor=cast["safeguarding"], item_id=item.pk, outcome="action_taken", note=" ")
    done = lb.lookback_record(
        actor=cast["safeguarding"],
        item_id=item.pk,
        outcome="action_taken",
        note="SYNTHETIC: rang the mother back, checks run on the contact, nothing further known.",
        expected_version=item.version,
    )
    assert done.status == "done" and done.recorded_by == cast["safeguarding"]
    assert not queue(cast["safeguarding"]).exists()
    with pytest.raises(lb.LookBackError, match="already recorded") as err:
        lb.lookback_record(actor=cast["safeguarding"], item_id=item.pk, outcome="referred", note=WHY)
    assert err.value.status == 409
    event = AuditEvent.objects.filter(event_type="lookback.recorded").get()
    assert event.call_id == closed.pk and event.after["outcome"] == "action_taken"
    # Another force's officer, and a handler, cannot reach it at all.
    from heed.accounts.access import CallNotFound

    for persona in ("handler", "other_admin", "admin"):
        with pytest.raises(CallNotFound):
            access_item(cast[persona], item.pk)


def test_a_refused_import_after_an_adoption_leaves_the_adopted_version_in_force(
    stricter: str, cast: dict[str, Any], tmp_path: Path
) -> None:
    from heed.packstore.services import GuidanceRefused

    run = finished_shadow(cast, stricter)
    lb.adopt(
        actor=cast["admin"],
        force=cast["admin"].force,
        version=stricter,
        rationale=WHY,
        shadow_run_id=run.pk,
        lookback=False,
    )
    stranger = Keys(tmp_path / "stranger")
    with pytest.raises(GuidanceRefused, match="not trusted"):
        install_pack(
            data=signed(tmp_path, stranger, bump(stricter)),
            trusted=Keys(tmp_path / "k").trusted,
            actor=cast["admin"],
        )
    assert pack_for(cast["admin"].force).version == f"national@{stricter}"


def test_a_question_cleared_from_local_guidance_leaves_open_calls_working(
    make_call: Any, cast: dict[str, Any]
) -> None:
    from heed.packstore.services import overlay_clear, overlay_sign

    admin, h = cast["admin"], cast["handler"]
    question = (
        "questions:\n  syn_local_q:\n    text: SYNTHETIC local question - did the school see the messages?\n"
        '    informs: secrecy\n    ask_when: [any_grooming]\n    answers: {"yes": {}, "no": {}}\n'
    )
    overlay_sign(force=admin.force, files={"questions.yaml": question}, statement=WHY, actor=admin)
    call = make_call(SECRECY_NARRATIVE, child_age=13)
    call = services.answers_record(
        actor=h, call=call, answers={"syn_local_q": "yes"}, expected_version=call.version
    )
    overlay_clear(
        force=admin.force, file="questions.yaml", section="questions", code="syn_local_q", actor=admin
    )
    call.refresh_from_db()
    services.note_add(actor=h, call=call, text="SYNTHETIC: mum adds he sent a gift card.")
    call.refresh_from_db()
    assert call.answers["syn_local_q"] == "yes"  # kept as given
    assert "gifts" in [i["code"] for i in call.assessment["indicators"]]


def test_with_heed_guidance_set_a_force_of_no_guidance_of_its_own_still_looks_back(
    make_call: Any, cast: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = tmp_path / "local"
    local.mkdir()
    (local / "pack.yaml").write_text('name: syn-local\nversion: "1"\n', encoding="utf-8")
    monkeypatch.setenv("HEED_GUIDANCE", str(local))
    closed = closed_standard_call(make_call, cast)
    look = lb.lookback_start(
        actor=cast["admin"], force=cast["admin"].force, since=closed.created_at, run=False
    )
    assert look.stamp.endswith("+syn-local@1")
    lb.run_to_end("lookback", look.pk)
    look.refresh_from_db()
    assert (look.status, look.done) == (RunStatus.FINISHED, 1)


def test_signing_other_local_additions_does_not_queue_a_dealt_with_call_again(
    stricter: str, make_call: Any, cast: dict[str, Any]
) -> None:
    from heed.packstore.services import overlay_sign
    from tests.packstore.test_services import LOCAL_AGENCY

    closed = closed_standard_call(make_call, cast)
    run = finished_shadow(cast, stricter)
    lb.adopt(
        actor=cast["admin"], force=cast["admin"].force, version=stricter, rationale=WHY, shadow_run_id=run.pk
    )
    lb.run_to_end("lookback", LookBackRun.objects.get().pk)
    assert LookBackItem.objects.get().call_id == closed.pk
    overlay_sign(
        force=cast["admin"].force, files={"agencies.yaml": LOCAL_AGENCY}, statement=WHY, actor=cast["admin"]
    )
    again = lb.lookback_start(
        actor=cast["admin"], force=cast["admin"].force, since=closed.created_at, run=False
    )
    assert again.stamp.endswith("+force-tst@1")
    lb.run_to_end("lookback", again.pk)
    again.refresh_from_db()
    assert (again.done, again.found) == (1, 0) and LookBackItem.objects.count() == 1


def test_a_call_whose_log_grew_past_the_engine_s_limit_is_still_read_not_refused(
    make_call: Any, cast: dict[str, Any]
) -> None:
    """SYNTHETIC: a long call typed word for word, entry after entry (each under the entry limit)."""
    from heed.calls.models import NoteEntry

    call = make_call(SECRECY_NARRATIVE, child_age=13)
    long_entry = "SYNTHETIC. Mum went through the messages one by one and read them out. " * 650  # ~47k chars
    rows = [
        NoteEntry(call=call, entry_no=n, text=long_entry, author=cast["handler"], created_at=call.created_at)
        for n in range(2, 25)
    ]
    NoteEntry.objects.bulk_create(rows)  # past 1 MB in all, without reading it 23 times on the way
    call.refresh_from_db()
    services.note_add(
        actor=cast["handler"], call=call, text="SYNTHETIC: he has asked her to meet him tonight."
    )
    call.refresh_from_db()
    assert "secrecy" in [i["code"] for i in call.assessment["indicators"]]  # the start is still read
