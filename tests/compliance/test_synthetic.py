"""The SYNTHETIC month's parameters (heed.compliance.synthetic): the per-handler mix and the referral mix
decide what is made (a small month here, of this module's own; the full month's figures are in
test_figures.py)."""

from __future__ import annotations

from typing import Any

import pytest

from heed.compliance import figures as cf
from heed.compliance.synthetic import generate_month
from heed.support.models import Referral, ReferralStatus
from tests.compliance.conftest import test_month

pytestmark = pytest.mark.django_db


def _month(cast: dict[str, Any], **kwargs: Any) -> Any:
    return generate_month(
        force=cast["handler"].force,
        month=test_month(),
        seed=3,
        handlers=[cast["handler"]],
        supervisors=[cast["supervisor"], cast["supervisor2"]],
        **kwargs,
    )


def test_the_mixes_are_parameters(cast: dict[str, Any]) -> None:
    made = _month(
        cast, mix=(("open_referral", 3), ("standard", 1)), referral_mix=(("late", 1), ("on_time", 2))
    )
    assert sorted(k for k in made.kinds.values() if not k.startswith("older") and k != "training") == [
        "open_referral",
        "open_referral",
        "open_referral",
        "standard",
    ]
    # in the order made: late, on time, on time
    referrals = list(Referral.objects.filter(pk__in=made.referrals).order_by("made_at", "id"))
    assert [made.referrals[r.pk] for r in referrals] == ["late", "on_time", "on_time"]
    assert all(r.status == ReferralStatus.ACCEPTED for r in referrals)
    d = cf.dashboard(cast["handler"].force, cf.month_period(made.month))
    assert d.force_figures.figures["referrals_overdue"].count == 0
    assert d.force_figures.figures["calls"].count == 4 + 2  # and the older version's two


def test_teams_are_made_once_and_users_put_in_them(cast: dict[str, Any]) -> None:
    made = _month(cast, mix=(("standard", 1),), teams={"SYNTHETIC Blue watch": [cast["handler"]]})
    again = _month(cast, mix=(("standard", 1),), teams={"synthetic BLUE watch": [cast["handler2"]]})
    assert list(again.teams.values()) == list(made.teams.values())  # the same team, whatever the case
    cast["handler2"].refresh_from_db()
    assert cast["handler2"].team_id == made.teams["SYNTHETIC Blue watch"] == cast["handler"].team_id


def test_an_unknown_kind_is_refused(cast: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="unknown kinds in the mix: nonsense"):
        _month(cast, mix=(("nonsense", 1),))
    with pytest.raises(ValueError, match="unknown kinds in the mix: sometimes"):
        _month(cast, referral_mix=(("sometimes", 1),))
    with pytest.raises(ValueError, match="two supervisors"):
        generate_month(
            force=cast["handler"].force,
            month=test_month(),
            seed=1,
            handlers=[cast["handler"]],
            supervisors=[cast["supervisor"]],
        )
