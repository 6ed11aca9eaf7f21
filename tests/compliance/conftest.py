"""A SYNTHETIC month of calls for the compliance tests, taken two months before this one (so every referral
left unanswered in it is past its due time now).

The month takes seconds to work through the services, so a test module that asks for ``month`` builds it
once (``shared``, module-scoped) inside a transaction of its own that is rolled back when the module ends;
each test then runs in a savepoint inside it (pytest-django's ``db``), so whatever a test adds is gone before
the next. Only tests that ask for ``month`` (or ``staff``) see it: keep tests that count rows of their own
in modules that never ask for it (test_dip.py).

The month's people: the cast of tests/conftest.py, a third handler (t.handler3) and a disabled handler
(t.gone). Teams: "SYNTHETIC Blue watch" (t.handler, t.handler3, t.supervisor, t.gone), "SYNTHETIC Red
watch" (t.handler2, t.supervisor2, t.auditor) and "SYNTHETIC Green watch" (nobody). The handlers take the
month in the order t.handler, t.handler3, t.handler2, so the older version's call left with a check
outstanding is t.handler's (Blue) and its 'no further action' on one approval is t.handler2's (Red).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from heed.compliance.figures import add_months, month_start
from heed.compliance.synthetic import Generated, generate_month
from tests.conftest import CAST, ForceFactory, UserFactory

BLUE, RED, GREEN = "SYNTHETIC Blue watch", "SYNTHETIC Red watch", "SYNTHETIC Green watch"


def test_month() -> date:
    return add_months(month_start(timezone.localdate()), -2)


test_month.__test__ = False  # type: ignore[attr-defined]


@dataclass
class Shared:
    staff: dict[str, Any]
    month: Generated


def _staff() -> dict[str, Any]:
    people = {
        name: UserFactory(username=f"t.{name}", force=ForceFactory(code=code) if code else None, role=role)
        for name, (code, role) in CAST.items()
    }
    people["handler3"] = UserFactory(username="t.handler3", force=ForceFactory(code="TST"), role="handler")
    people["gone"] = UserFactory(
        username="t.gone", force=ForceFactory(code="TST"), role="handler", is_active=False
    )
    return people


@pytest.fixture(scope="module")
def shared(django_db_setup: Any, django_db_blocker: Any, person_index_dir: Path) -> Iterator[Shared]:
    from heed.accounts.services import team_create
    from heed.calls.person_index import reset

    with (
        django_db_blocker.unblock(),
        override_settings(HEED_INDEX_DIR=str(person_index_dir)),
        transaction.atomic(),
    ):
        staff = _staff()
        generated = generate_month(
            force=staff["handler"].force,
            month=test_month(),
            seed=7,
            handlers=[staff["handler"], staff["handler3"], staff["handler2"]],
            supervisors=[staff["supervisor"], staff["supervisor2"]],
            teams={
                BLUE: [staff["handler"], staff["handler3"], staff["supervisor"], staff["gone"]],
                RED: [staff["handler2"], staff["supervisor2"], staff["auditor"]],
            },
        )
        generated.teams[GREEN] = team_create(name=GREEN, force_code="TST", actor_label="test").pk
        reset()
        yield Shared(staff, generated)
        transaction.set_rollback(True)
    reset()


@pytest.fixture
def month(shared: Shared, db: Any) -> Generated:
    return shared.month


@pytest.fixture
def staff(shared: Shared, db: Any) -> dict[str, Any]:
    """The month's people by persona name: the cast, ``handler3`` and ``gone`` (disabled)."""
    for user in shared.staff.values():
        user.refresh_from_db()
    return shared.staff
