"""Lockout by user name and source address together, with a cool-off that doubles with each lockout: five
wrong passwords from one address cannot lock a user out from another, and a second lockout lasts longer."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.test import Client, RequestFactory
from tests.conftest import PASSWORD

from heed.audit.models import AuditEvent
from heed.security.lockout import client_ip, cool_off, cool_off_for

pytestmark = pytest.mark.django_db

ATTACKER = "192.0.2.66"  # documentation range (RFC 5737): SYNTHETIC addresses
CENTRE = "198.51.100.10"


def login(address: str, password: str, username: str = "t.supervisor") -> int:
    response = Client(REMOTE_ADDR=address).post("/login", {"username": username, "password": password})
    return int(response.status_code)


def fail_until_locked(address: str) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(address, "wrong")
    assert login(address, PASSWORD) == 429


def age(minutes: float) -> None:
    """Move every recorded failure back in time, as if ``minutes`` had passed."""
    delta = timedelta(minutes=minutes)
    for model in (AccessAttempt, AccessFailureLog):
        for row in model.objects.all():
            model.objects.filter(pk=row.pk).update(attempt_time=row.attempt_time - delta)


def test_failures_from_one_address_do_not_lock_the_user_out_from_another(cast: dict[str, Any]) -> None:
    fail_until_locked(ATTACKER)
    assert login(CENTRE, PASSWORD) == 302  # the supervisor, at the contact centre, signs in
    assert login(ATTACKER, PASSWORD) == 429  # the attacker's address stays locked for that name


def test_the_cool_off_doubles_with_each_lockout(cast: dict[str, Any]) -> None:
    base = settings.LOCKOUT_MINUTES
    request = RequestFactory().post("/login", {"username": "t.supervisor"}, REMOTE_ADDR=ATTACKER)
    fail_until_locked(ATTACKER)
    assert cool_off(request) == timedelta(minutes=base)
    age(base + 1)
    assert login(ATTACKER, "wrong") == 200  # the first lockout is over: a wrong password is just wrong
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(ATTACKER, "wrong")
    assert login(ATTACKER, PASSWORD) == 429
    assert cool_off(request) == timedelta(minutes=2 * base)
    audited = AuditEvent.objects.filter(event_type="auth.locked_out").order_by("seq")
    assert [(e.after["username"], e.after["ip_address"], e.after["cool_off_minutes"]) for e in audited] == [
        ("t.supervisor", ATTACKER, base),
        ("t.supervisor", ATTACKER, 2 * base),
    ]
    age(base + 1)
    assert login(ATTACKER, PASSWORD) == 429  # past the first cool-off, still locked
    age(base)
    assert login(ATTACKER, PASSWORD) == 302  # past twice the first: open again


def test_another_pairs_shorter_cool_off_does_not_end_a_longer_lockout(cast: dict[str, Any]) -> None:
    fail_until_locked(ATTACKER)
    age(settings.LOCKOUT_MINUTES + 1)
    fail_until_locked(ATTACKER)  # second lockout of this pair: twice as long
    age(settings.LOCKOUT_MINUTES + 1)
    login(CENTRE, "wrong", username="t.handler")  # someone else's failure cleans up expired records
    assert login(ATTACKER, PASSWORD) == 429


def test_the_cool_off_is_capped() -> None:
    assert cool_off_for(0) == timedelta(minutes=settings.LOCKOUT_MINUTES)
    assert cool_off_for(40) == timedelta(hours=settings.LOCKOUT_MAX_HOURS)


def test_behind_a_proxy_the_client_is_read_from_the_right_of_x_forwarded_for(settings: Any) -> None:
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9, 192.0.2.7")
    settings.PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.PROXY_COUNT = 1
    assert client_ip(request) == "192.0.2.7"  # what a client wrote further left is not believed
    settings.PROXY_COUNT = 3
    assert client_ip(request) == "10.0.0.2"  # fewer hops than proxies: fall back to the peer
