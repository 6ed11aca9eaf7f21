"""The demo seed (heed.demo.seed_demo, what ``heed serve --demo`` and ``make run`` run): a fresh machine gets
last month's SYNTHETIC calls for the demo force, so the compliance dashboard, its teams and the dip sample
show something; seeding again adds nothing. (The command itself, in a child process:
tests/web/test_cli_web.py.)
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from heed.accounts.models import Force, Team, User
from heed.audit.models import AuditEvent
from heed.calls.models import Call
from heed.compliance import figures as cf
from heed.compliance.services import dip_draw
from heed.demo import DEMO_MIX, DEMO_TEAMS, seed_demo
from heed.support.models import Referral, ReferralStatus

pytestmark = pytest.mark.django_db


def test_the_demo_force_gets_last_months_synthetic_calls_once(settings: Any) -> None:
    first = seed_demo()
    last_month = cf.add_months(cf.month_start(timezone.localdate()), -1)
    assert first.month == f"{last_month:%Y-%m}"
    # one of each of the 8 kinds per demo handler (2), the older version's 2 and a training call
    assert len(DEMO_MIX) == 8 and first.month_calls == 8 * 2 + 2 + 1
    force = Force.objects.get(code="DEMO")
    period = cf.month_period(last_month)
    calls = Call.objects.filter(force=force, created_at__gte=period.since, created_at__lt=period.until)
    assert calls.filter(training=False).count() == 18 and calls.filter(training=True).count() == 1
    assert all("SYNTHETIC" in c.caller_name for c in calls.filter(training=False))
    events, rows = AuditEvent.objects.count(), Call.objects.count()

    again = seed_demo()
    assert (again.month, again.month_calls) == (first.month, 0)
    assert (AuditEvent.objects.count(), Call.objects.count()) == (events, rows)

    # the dashboard shows the month, per team too; the dip sample draws three closed calls per handler
    d = cf.dashboard(force, cf.month_period(last_month))
    assert d.force_figures.figures["calls"].count == 18
    # the 14 referrals (7 grooming kinds x 2 handlers) answered in turns: 8 on time, 3 late, 3 never; of the
    # three never answered, those past their due time now are overdue (a medium one has three days)
    sent = Referral.objects.filter(call__in=calls, status=ReferralStatus.SENT)
    assert (sent.count(), Referral.objects.filter(call__in=calls).count()) == (3, 14)
    overdue = sent.filter(due_at__lt=timezone.now()).count()
    assert d.force_figures.figures["referrals_overdue"].count == overdue
    assert {t.team.name: t.figures.figures["calls"].count for t in d.teams} == {
        "SYNTHETIC Blue watch": 9,
        "SYNTHETIC Red watch": 9,
    }
    assert all("SYNTHETIC" in name for name in DEMO_TEAMS)
    assert {u.username: u.team.name for u in User.objects.filter(team__isnull=False)} == {
        user: team for team, members in DEMO_TEAMS.items() for user in members
    }
    assert Team.objects.count() == 2
    drawn = dip_draw(actor=User.objects.get(username="demo.supervisor"), month=last_month)
    assert len(drawn) == 6
