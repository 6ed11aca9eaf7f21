"""Training, one audited transaction per step: start an attempt (its training call set up through the calls
services, so the trainee works Heed's real workflow), ask the simulated caller, name the danger signs, finish
and be scored (the person's competency records, refreshers and certificates updated with it), and a trainer's
scenario authoring. Every attempt step locks the attempt's row for its whole transaction; finishing also locks
the training call, so nothing changes it while it is scored."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from heed import textclean as tc
from heed.accounts.models import Force, User
from heed.accounts.roles import Role
from heed.audit.events import EventType
from heed.audit.services import audit_record
from heed.calls import services as calls
from heed.calls.locks import lock_call
from heed.calls.models import Call, TrainingSetting
from heed.support.services import advice_record, referral_make
from heed.training.caller import Answer, Caller
from heed.training.library import TrainingError, curricula, force_library, pack, read_scenario, scenario_for
from heed.training.meaning import embed
from heed.training.models import (
    Attempt,
    AuthoredScenario,
    Certificate,
    CompetencyRecord,
    Question,
    ScenarioStanding,
)
from heed.training.scenario import Scenario, ScenarioError, scenario_from_text
from heed.training.scoring import Result, score, scoring_rules
from heed.training.selectors import worked_on

MODES = tuple(Attempt.Mode.values)


# ------------------------------------------------------------------------------------------------- attempts


def attempt_start(*, actor: User, scenario: object, mode: object) -> Attempt:
    """Begin an attempt: a training call for the trainee (a supervisor scenario's call already worked by a
    SYNTHETIC handler and waiting for review), and the attempt with the scenario as it is now."""
    if actor.force is None:
        raise TrainingError("only staff of a force train", None, "refused")
    if mode not in MODES:
        raise TrainingError(f"mode must be one of {', '.join(MODES)}", "mode")
    chosen = scenario_for(actor.force, scenario)
    setting = {
        "trainee": actor,
        "role": chosen.role,
        "records": [dict(r) for r in chosen.records],
        "sightings": [dict(s) for s in chosen.sightings],
    }
    with transaction.atomic():
        if chosen.role == "supervisor":
            call = _planted_call(actor.force, chosen, setting)
        else:
            call = calls.call_create(
                actor=actor,
                caller_name=chosen.caller["name"],
                caller_relation=chosen.caller["relation"],
                caller_contact=chosen.caller.get("contact", ""),
                training=setting,
            )
        attempt = Attempt.objects.create(
            force=actor.force,
            trainee=actor,
            call=call,
            scenario_id=chosen.id,
            scenario_version=chosen.version,
            scenario_title=chosen.title[:300],
            scenario_digest=chosen.digest,
            scenario_text=chosen.source,
            role=chosen.role,
            mode=str(mode),
            started_at=timezone.now(),
        )
        audit_record(
            event_type=EventType.TRAINING_STARTED,
            actor=actor,
            call=call,
            obj=attempt,
            after={
                "scenario": chosen.id,
                "version": chosen.version,
                "digest": chosen.digest,
                "mode": attempt.mode,
                "role": chosen.role,
                "call": call.reference,
            },
        )
    return attempt


def planted_handler(force: Force) -> User:
    """The force's SYNTHETIC handler who works the calls supervisor scenarios send for review: a disabled
    account that cannot sign in, named so nobody mistakes it for a person."""
    username = f"synthetic.training-handler.{force.code.lower()}"[:150]
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    user = User(
        username=username,
        first_name="SYNTHETIC",
        last_name="training handler (works supervisor scenarios' calls)",
        role=Role.HANDLER,
        force=force,
        is_active=False,
    )
    user.set_unusable_password()
    try:
        with transaction.atomic():  # two first supervisor attempts at once: one creates it, both use it
            user.save()
    except IntegrityError:
        return User.objects.get(username=username)
    return user


def _planted_call(force: Force, s: Scenario, setting: dict[str, Any]) -> Call:
    """The call a supervisor scenario sends for review, worked through the calls services as the scenario's
    SYNTHETIC handler worked it. A scenario whose call Heed's own guard refuses is refused whole."""
    plan = s.supervisor
    assert plan is not None
    handler = planted_handler(force)
    try:
        call = calls.call_create(
            actor=handler,
            narrative=plan.notes[0],
            caller_name=s.caller["name"],
            caller_relation=s.caller["relation"],
            caller_contact=s.caller.get("contact", ""),
            child_name=s.child.get("name") or "",
            child_age=s.child.get("age"),
            answers=dict(plan.answers),
            training=setting,
        )
        for note in plan.notes[1:]:
            calls.note_add(actor=handler, call=call, text=note)
        for check in plan.persons_checked:
            calls.person_check_run(actor=handler, call=call, query=check["query"], subject=check["subject"])
        for ident in plan.identifiers_checked:
            calls.identifier_check_run(
                actor=handler, call=call, kind=ident.kind, value=ident.value, platform=ident.platform
            )
        for na in plan.not_applicable:
            call.refresh_from_db()
            calls.action_not_applicable(
                actor=handler,
                call=call,
                code=na["action"],
                reason=na["reason"],
                expected_version=call.version,
            )
        for advice in plan.advice:
            advice_record(actor=handler, call=call, agencies=advice["agencies"], method=advice["how"])
        if plan.referral:
            target = next(iter(pack().referral_targets))
            referral_make(actor=handler, call=call, to=target, reason="Referred by the handler on the call.")
        call.refresh_from_db()
        calls.closure_request(
            actor=handler,
            call=call,
            outcome=plan.close_outcome,
            rationale=plan.close_rationale,
            expected_version=call.version,
        )
    except calls.ClosureRefused as exc:
        raise TrainingError(
            f"scenario {s.id!r}: its planted call cannot be sent for review ({exc}; outstanding: "
            f"{', '.join(exc.outstanding)})",
            "scenario",
            "refused",
        ) from None
    except calls.CallError as exc:
        raise TrainingError(
            f"scenario {s.id!r}: its planted call cannot be set up ({exc})", "scenario"
        ) from None
    call.refresh_from_db()
    if call.status != "awaiting_review":
        raise TrainingError(
            f"scenario {s.id!r}: its planted call did not reach review (it is {call.status}; a call graded "
            "standard closes without review)",
            "scenario",
            "refused",
        )
    return call


def _locked_attempt(attempt: Attempt) -> Attempt:
    # The attempt row alone (of=self): its call is locked next, by lock_call, in the order every change takes.
    row = Attempt.objects.select_for_update(of=("self",)).select_related("call", "trainee").get(pk=attempt.pk)
    if row.finished_at is not None:
        raise TrainingError("this attempt is finished: start a new one to try again", None, "finished")
    return row


def caller_for(scenario: Scenario) -> Caller:
    return Caller(scenario, pack(), embed, scoring_rules()["matching"])


def attempt_scenario(attempt: Attempt) -> Scenario:
    """The scenario exactly as it was when the attempt began."""
    return read_scenario(attempt.scenario_text, where=attempt.scenario_id, strict=False)


def attempt_ask(*, actor: User, attempt: Attempt, question: object) -> Answer:
    """Put a question (a guided question's id, or the trainee's own words) to the simulated caller; what was
    asked, when, and what the caller said is kept with the attempt."""
    if not isinstance(question, str):
        raise TrainingError("question must be text: a guided question's id or your own words", "question")
    try:
        text = tc.clean_text(question, tc.TextRule(tc.RATIONALE, single_line=True))
    except tc.TextRefused as exc:
        raise TrainingError(exc.describe("The question"), "question") from None
    if not text:
        raise TrainingError("The question is empty.", "question")
    with transaction.atomic():
        row = _locked_attempt(attempt)
        answer = caller_for(attempt_scenario(row)).ask(text)
        q = Question.objects.create(
            attempt=row,
            asked_at=timezone.now(),
            text=text,
            guided=answer.guided or "",
            fact=answer.fact or "",
            how=answer.how,
            answer=answer.says,
        )
        audit_record(
            event_type=EventType.TRAINING_ASKED,
            actor=actor,
            call=row.call,
            obj=q,
            after={"question": text, "guided": q.guided, "fact": q.fact, "how": q.how},
        )
    return answer


def attempt_signs(*, actor: User, attempt: Attempt, indicators: object) -> Attempt:
    """Unassisted mode: the danger signs the trainee heard, named before the end (replacing those named
    before)."""
    if not isinstance(indicators, Sequence) or isinstance(indicators, str):
        raise TrainingError("indicators must be a list of indicator codes", "indicators")
    known = pack().indicators
    codes = []
    for i, code in enumerate(indicators):
        if not isinstance(code, str) or code not in known:
            raise TrainingError(
                f"indicators[{i}]: {code!r} is not a danger sign of the guidance ({', '.join(known)})",
                "indicators",
            )
        if code not in codes:
            codes.append(code)
    with transaction.atomic():
        row = _locked_attempt(attempt)
        if row.mode != Attempt.Mode.UNASSISTED:
            raise TrainingError(
                "signs are named only in unassisted mode (assisted: the panel shows them)", "mode", "refused"
            )
        before = row.signs
        row.signs = codes
        row.signs_at = timezone.now()
        row.save(update_fields=["signs", "signs_at"])
        audit_record(
            event_type=EventType.TRAINING_SIGNS,
            actor=actor,
            call=row.call,
            obj=row,
            before={"signs": before},
            after={"signs": codes},
        )
    return row


def attempt_finish(*, actor: User, attempt: Attempt) -> Result:
    """Score the attempt against the key and keep the result; update the trainee's records."""
    with transaction.atomic():
        row = _locked_attempt(attempt)
        call = lock_call(row.call)
        now = timezone.now()
        scenario = attempt_scenario(row)
        result = score(scenario, worked_on(row, call, now))
        row.finished_at = now
        row.passed = result.passed
        row.score = result.score
        row.fatal = list(result.fatal)
        row.items = [i.as_dict() for i in result.items]
        row.timings = dict(result.timings)
        row.found = list(result_found(call))
        row.save(update_fields=["finished_at", "passed", "score", "fatal", "items", "timings", "found"])
        TrainingSetting.objects.filter(call_id=call.pk).update(finished_at=now)
        audit_record(
            event_type=EventType.TRAINING_FINISHED,
            actor=actor,
            call=call,
            obj=row,
            after={
                "scenario": row.scenario_id,
                "passed": result.passed,
                "score": result.score,
                "fatal": list(result.fatal),
                "competencies": result.competencies(),
            },
        )
        _records_update(row, result, call)
    return result


def result_found(call: Call) -> tuple[str, ...]:
    """The danger signs the call's assessment showed when the attempt was scored."""
    return tuple(str(i["code"]) for i in (call.assessment or {}).get("indicators", []))


def _records_update(attempt: Attempt, result: Result, call: Call) -> None:
    user, now = attempt.trainee, attempt.finished_at
    assert now is not None
    # One person's records change one attempt at a time (two attempts finished at once would otherwise both
    # create the same competency row): their user row is the lock.
    User.objects.select_for_update().filter(pk=user.pk).first()
    for competency, met in result.competencies().items():
        rec = CompetencyRecord.objects.select_for_update().filter(user=user, competency=competency).first()
        if rec is None:
            rec = CompetencyRecord(user=user, competency=competency, latest_met=met, latest_at=now)
        rec.latest_met, rec.latest_at, rec.latest_attempt = met, now, attempt
        rec.attempts += 1
        if met:
            rec.met_count += 1
            rec.last_met_at = now
        rec.save()
    standing, _ = ScenarioStanding.objects.select_for_update().get_or_create(
        user=user, scenario_id=attempt.scenario_id
    )
    standing.attempts += 1
    if standing.first_score is None:
        standing.first_score = result.score
    standing.latest_score = result.score
    if result.passed:
        standing.passes += 1
        standing.last_passed_at = now
        days = list(scoring_rules()["refresher_days"])
        standing.refresher_due = now + timedelta(days=int(days[min(standing.passes, len(days)) - 1]))
    standing.save()
    if result.passed:
        _certificates(user, call)


def _certificates(user: User, call: Call) -> None:
    """Issue a certificate for every curriculum whose scenarios the user has now each passed (the latest
    attempt at each)."""
    held = set(Certificate.objects.filter(user=user).values_list("curriculum", flat=True))
    for cur in curricula():
        if cur.id in held:
            continue
        passing = []
        for sid in cur.scenarios:
            latest = (
                Attempt.objects.filter(trainee=user, scenario_id=sid, finished_at__isnull=False)
                .order_by("-finished_at", "-id")
                .first()
            )
            if latest is None or not latest.passed:
                break
            passing.append(latest.pk)
        else:
            cert = Certificate.objects.create(
                user=user, curriculum=cur.id, title=cur.title, issued_at=timezone.now(), attempts=passing
            )
            audit_record(
                event_type=EventType.TRAINING_CERTIFICATE,
                actor=user,
                call=call,
                obj=cert,
                after={"curriculum": cur.id, "attempts": passing},
            )


# ------------------------------------------------------------------------------------------------ authoring


def scenario_save(*, actor: User, text: object) -> AuthoredScenario:
    """Save a trainer's scenario as a draft (a new version of its id, or the same draft again). Refused with
    every problem named when it does not read as a scenario, so nothing typed is lost: the page keeps it."""
    if actor.force is None:
        raise TrainingError("only a force's trainer writes scenarios", None, "refused")
    if not isinstance(text, str) or not text.strip():
        raise TrainingError("The scenario is empty.", "text")
    try:
        s = scenario_from_text(text, pack())
    except ScenarioError as exc:
        raise TrainingError("; ".join(exc.problems), "text", problems=exc.problems) from None
    if s.id in force_library(None):
        raise TrainingError(
            f"id {s.id!r} is a national scenario's: give yours an id of its own", "text", "refused"
        )
    with transaction.atomic():
        rows = AuthoredScenario.objects.select_for_update().filter(force=actor.force, scenario_id=s.id)
        latest = rows.order_by("-version").first()
        if (
            latest is not None
            and latest.status == AuthoredScenario.Status.DRAFT
            and latest.version == s.version
        ):
            latest.text, latest.title, latest.saved_at, latest.author = (
                text,
                s.title[:300],
                timezone.now(),
                actor,
            )
            latest.save(update_fields=["text", "title", "saved_at", "author"])
            row = latest
        else:
            if latest is not None and s.version <= latest.version:
                raise TrainingError(
                    f"version {s.version} of {s.id!r} exists already: make it version {latest.version + 1}",
                    "text",
                    "refused",
                )
            try:
                with transaction.atomic():
                    row = AuthoredScenario.objects.create(
                        force=actor.force,
                        scenario_id=s.id,
                        version=s.version,
                        title=s.title[:300],
                        text=text,
                        author=actor,
                        saved_at=timezone.now(),
                    )
            except IntegrityError:
                raise TrainingError(
                    f"version {s.version} of {s.id!r} was saved by someone else just now", "text", "stale"
                ) from None
        audit_record(
            event_type=EventType.SCENARIO_SAVED,
            actor=actor,
            obj=row,
            after={"scenario": s.id, "version": s.version, "digest": s.digest},
        )
    return row


def scenario_publish(*, actor: User, authored: AuthoredScenario) -> AuthoredScenario:
    """Publish a draft into the force's library (read again and checked against the pack in force)."""
    with transaction.atomic():
        # Every version of the scenario is locked: two versions published at once leave one published.
        versions = {
            v.pk: v
            for v in AuthoredScenario.objects.select_for_update().filter(
                force_id=authored.force_id, scenario_id=authored.scenario_id
            )
        }
        row = versions[authored.pk]
        if row.status != AuthoredScenario.Status.DRAFT:
            raise TrainingError(f"this version is {row.status}, not a draft", None, "refused")
        try:
            s = scenario_from_text(row.text, pack())
        except ScenarioError as exc:
            raise TrainingError("; ".join(exc.problems), "text", problems=exc.problems) from None
        if s.role == "supervisor":
            _rehearse(actor, s)
        row.status = AuthoredScenario.Status.PUBLISHED
        row.published_by, row.published_at = actor, timezone.now()
        row.save(update_fields=["status", "published_by", "published_at"])
        AuthoredScenario.objects.filter(
            force=row.force, scenario_id=row.scenario_id, status=AuthoredScenario.Status.PUBLISHED
        ).exclude(pk=row.pk).update(status=AuthoredScenario.Status.WITHDRAWN)
        audit_record(
            event_type=EventType.SCENARIO_PUBLISHED,
            actor=actor,
            obj=row,
            after={"scenario": s.id, "version": s.version, "digest": s.digest},
        )
    return row


class _Rehearsed(Exception):
    """Raised to roll back a rehearsal of a supervisor scenario's planted call."""


def _rehearse(actor: User, s: Scenario) -> None:
    """Set up a supervisor scenario's planted call, as an attempt would, and undo it: a scenario whose call
    Heed's guard would refuse, or that would not need review, is refused before anyone trains on it."""
    assert actor.force is not None
    setting = {"trainee": actor, "role": s.role, "records": list(s.records), "sightings": list(s.sightings)}
    try:
        with transaction.atomic():
            _planted_call(actor.force, s, setting)
            raise _Rehearsed
    except _Rehearsed:
        return
    except TrainingError as exc:
        raise TrainingError(f"Not published: {exc}", "text", "refused") from None


def scenario_withdraw(*, actor: User, authored: AuthoredScenario) -> AuthoredScenario:
    """Take a published scenario out of the force's library (past attempts keep their copy)."""
    with transaction.atomic():
        row = AuthoredScenario.objects.select_for_update().get(pk=authored.pk)
        if row.status != AuthoredScenario.Status.PUBLISHED:
            raise TrainingError(f"this version is {row.status}, not published", None, "refused")
        row.status = AuthoredScenario.Status.WITHDRAWN
        row.save(update_fields=["status"])
        audit_record(
            event_type=EventType.SCENARIO_WITHDRAWN,
            actor=actor,
            obj=row,
            after={"scenario": row.scenario_id, "version": row.version},
        )
    return row
