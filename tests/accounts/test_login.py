"""Signing in: Argon2 passwords, lockout after repeated failures, idle timeout, every attempt audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from tests.conftest import PASSWORD

from heed.accounts.roles import PERMISSIONS, Action, Role
from heed.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_passwords_are_argon2(cast: dict[str, Any]) -> None:
    assert cast["handler"].password.startswith("argon2")


def test_sign_in_and_out_are_audited(cast: dict[str, Any]) -> None:
    client = Client()
    response = client.post("/login", {"username": "t.handler", "password": PASSWORD})
    assert response.status_code == 302
    client.post("/logout")
    kinds = list(AuditEvent.objects.filter(actor_label="t.handler").values_list("event_type", flat=True))
    assert kinds[-2:] == ["auth.login", "auth.logout"]


def test_repeated_failures_lock_the_account(cast: dict[str, Any]) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login", {"username": "t.handler", "password": "wrong"})
    locked = client.post("/login", {"username": "t.handler", "password": PASSWORD})
    assert locked.status_code == 429
    assert "locked" in locked.content.decode()
    failures = AuditEvent.objects.filter(event_type="auth.login_failed", after__username="t.handler")
    assert failures.count() >= settings.AXES_FAILURE_LIMIT
    # Another user is not affected.
    assert Client().post("/login", {"username": "t.supervisor", "password": PASSWORD}).status_code == 302


def test_sessions_expire_when_idle(cast: dict[str, Any]) -> None:
    from django.contrib.sessions.models import Session
    from django.test import Client
    from django.utils import timezone

    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60
    client = Client()
    client.force_login(cast["handler"])
    assert client.get("/calls/").status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    left = session.expire_date - timezone.now()
    assert settings.SESSION_COOKIE_AGE - 120 < left.total_seconds() <= settings.SESSION_COOKIE_AGE
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    assert client.get("/calls/").status_code == 302  # idle past its age: signed out


def test_auditors_read_and_never_write() -> None:
    assert Role.AUDITOR in PERMISSIONS[Action.VIEW] and Role.AUDITOR in PERMISSIONS[Action.TIMELINE]
    for action in (Action.CREATE, Action.EDIT, Action.REVIEW):
        assert Role.AUDITOR not in PERMISSIONS[action]


def test_an_inactive_user_reaches_nothing(cast: dict[str, Any], make_call: Any) -> None:
    make_call()
    handler = cast["handler"]
    from heed.calls.models import Call

    assert Call.objects.restrict(handler).count() == 1
    handler.is_active = False
    assert Call.objects.restrict(handler).count() == 0
