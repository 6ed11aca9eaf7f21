"""A SYNTHETIC month of calls for the compliance tests, taken two months before this one (so every referral
made in it is past its due time now)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from heed.compliance.figures import add_months, month_start
from heed.compliance.synthetic import Generated, generate_month


def test_month() -> date:
    return add_months(month_start(timezone.localdate()), -2)


test_month.__test__ = False  # type: ignore[attr-defined]


@pytest.fixture
def month(cast: dict[str, Any]) -> Generated:
    return generate_month(
        force=cast["handler"].force,
        month=test_month(),
        seed=7,
        handlers=[cast["handler"], cast["handler2"]],
        supervisors=[cast["supervisor"], cast["supervisor2"]],
    )
