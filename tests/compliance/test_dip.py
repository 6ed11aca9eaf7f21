"""The dip sample: N closed calls per handler a month (all of them when a handler closed fewer), drawn once
per force and month (drawing again adds nothing, two draws at once make one set), reviews refused when stale.
(That the reviews feed the dashboard is in test_figures.py, over the shared SYNTHETIC month: this module
counts rows of its own and never asks for that month.)"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from heed.audit.events import EventType
from heed.audit.models import AuditEvent
from heed.compliance import figures as cf
from heed.compliance.models import DipDraw, DipSample
from heed.compliance.services import DipError, dip_draw, dip_review
from heed.compliance.synthetic import _older_closed
from tests.compliance.conftest import test_month
from tests.concurrency import at_once

YES = dict.fromkeys(
    ("signs_recognised", "checks_done", "advice_recorded", "grade_right", "rationale_adequate"), "yes"
)


def _closed(handler: Any, n: int) -> list[int]:
    """``n`` calls of ``handler``'s closed in the test month (written directly, as an older version did)."""
    at = cf.month_period(test_month()).since + timedelta(days=2)
    return [
        _older_closed(
            handler, at + timedelta(hours=i), outcome="advice_given", risk="standard", approvals=[]
        ).pk
        for i in range(n)
    ]


@pytest.mark.django_db
def test_draws_n_per_handler_and_fewer_when_fewer_were_closed(cast: dict[str, Any]) -> None:
    five, two = _closed(cast["handler"], 5), _closed(cast["handler2"], 2)
    drawn = dip_draw(actor=cast["supervisor"], month=test_month(), per_handler=3)
    by_handler = {
        h: [s.call_id for s in drawn if s.handler_id == h.pk] for h in (cast["handler"], cast["handler2"])
    }
    assert len(by_handler[cast["handler"]]) == 3 and set(by_handler[cast["handler"]]) <= set(five)
    assert sorted(by_handler[cast["handler2"]]) == sorted(two)
    assert AuditEvent.objects.filter(event_type=EventType.DIP_DRAWN).count() == 1
    # drawing again (even asking for more) adds nothing
    again = dip_draw(actor=cast["supervisor2"], month=test_month(), per_handler=5)
    assert [s.pk for s in again] == [s.pk for s in drawn]
    assert DipSample.objects.count() == 5
    assert AuditEvent.objects.filter(event_type=EventType.DIP_DRAWN).count() == 1


@pytest.mark.django_db
def test_the_draw_is_reproducible_for_the_force_and_month(cast: dict[str, Any]) -> None:
    from heed.compliance.services import _choose

    _closed(cast["handler"], 8)
    force = cast["handler"].force
    assert _choose(force, test_month(), 3) == _choose(force, test_month(), 3)


@pytest.mark.django_db
def test_the_configured_default_is_three(cast: dict[str, Any], settings: Any) -> None:
    _closed(cast["handler"], 6)
    assert len(dip_draw(actor=cast["supervisor"], month=test_month())) == 3


@pytest.mark.django_db
def test_only_a_supervisor_draws(cast: dict[str, Any]) -> None:
    for who in ("handler", "auditor", "admin", "other_handler"):
        with pytest.raises(DipError):
            dip_draw(actor=cast[who], month=test_month())
    assert not DipDraw.objects.exists()


@pytest.mark.django_db
def test_a_stale_review_is_refused_and_a_reviewer_never_reviews_their_own_call(cast: dict[str, Any]) -> None:
    _closed(cast["handler"], 1)
    (sample,) = dip_draw(actor=cast["supervisor"], month=test_month())
    first = dip_review(
        actor=cast["supervisor"], sample=sample, answers=YES, note="SYNTHETIC", expected_version=0
    )
    assert first.version == 1
    with pytest.raises(DipError) as stale:
        dip_review(actor=cast["supervisor2"], sample=sample, answers=YES, expected_version=0)
    assert stale.value.code == "stale"
    second = dip_review(
        actor=cast["supervisor2"], sample=sample, answers={**YES, "checks_done": "no"}, expected_version=1
    )
    assert second.version == 2 and second.checks_done == "no"
    with pytest.raises(DipError):
        dip_review(
            actor=cast["supervisor"],
            sample=sample,
            answers={**YES, "grade_right": "maybe"},
            expected_version=2,
        )
    assert AuditEvent.objects.filter(event_type=EventType.DIP_REVIEWED).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_draws_at_once_make_one_sample_set(cast: dict[str, Any], clears_audit: None) -> None:
    _closed(cast["handler"], 4)
    _closed(cast["handler2"], 4)
    results = at_once(
        lambda i: dip_draw(actor=cast["supervisor" if i % 2 else "supervisor2"], month=test_month()), 4
    )
    assert all(not isinstance(r, Exception) for r in results), results
    assert len({tuple(s.pk for s in r) for r in results}) == 1
    assert DipDraw.objects.count() == 1
    assert DipSample.objects.count() == 6
    assert AuditEvent.objects.filter(event_type=EventType.DIP_DRAWN).count() == 1
