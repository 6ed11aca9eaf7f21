"""API tokens: stored hashed, expire (90 days unless asked), revocable at once, refused with a 401 that says
why, last use kept; issuing and revoking audited; ``heed token`` makes, lists and revokes them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from heed import cli
from heed.accounts.models import ApiToken, hash_token
from heed.accounts.services import AccountError, token_create, token_revoke
from heed.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def get_queue(token: str) -> Any:
    return Client().get("/api/v1/queue", HTTP_AUTHORIZATION=f"Bearer {token}")


def row_of(token: str) -> ApiToken:
    return ApiToken.objects.get(token_hash=hash_token(token))


def test_a_token_lasts_ninety_days_unless_asked(cast: dict[str, Any]) -> None:
    now = timezone.now()
    default = row_of(token_create(user=cast["supervisor"]))
    assert timedelta(days=89, hours=23) < default.expires_at - now <= timedelta(days=90, minutes=1)
    short = row_of(token_create(user=cast["supervisor"], days=7))
    assert timedelta(days=6, hours=23) < short.expires_at - now <= timedelta(days=7, minutes=1)
    with pytest.raises(AccountError, match="1 to 366 days"):
        token_create(user=cast["supervisor"], days=0)


def test_a_working_token_keeps_its_last_use(cast: dict[str, Any]) -> None:
    token = token_create(user=cast["supervisor"])
    assert row_of(token).last_used_at is None
    assert get_queue(token).status_code == 200
    assert row_of(token).last_used_at is not None


@pytest.mark.parametrize(
    ("spoil", "says"),
    [
        (lambda row: ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now()), "expired on"),
        (lambda row: token_revoke(prefix=row.prefix), "was revoked on"),
        (lambda row: type(row.user).objects.filter(pk=row.user_id).update(is_active=False), "disabled"),
    ],
    ids=["expired", "revoked", "user disabled"],
)
def test_a_refused_token_gets_401_saying_why(cast: dict[str, Any], spoil: Any, says: str) -> None:
    token = token_create(user=cast["supervisor"])
    assert get_queue(token).status_code == 200
    spoil(row_of(token))
    refused = get_queue(token)
    assert refused.status_code == 401 and refused["WWW-Authenticate"] == "Bearer"
    assert says in refused.json()["detail"]


def test_an_unknown_token_gets_the_plain_401(cast: dict[str, Any]) -> None:
    refused = get_queue("heed_not-a-real-token")
    assert refused.status_code == 401
    assert refused.json() == {"detail": "A valid bearer token is required.", "errors": []}


def test_issuing_and_revoking_are_audited(cast: dict[str, Any]) -> None:
    token = token_create(user=cast["handler"], days=30)
    row = row_of(token)
    made = AuditEvent.objects.get(event_type="token.created", object_id=str(row.pk))
    assert made.after["prefix"] == row.prefix and made.after["user"] == "t.handler"
    assert made.after["expires_at"].startswith(row.expires_at.date().isoformat())
    token_revoke(prefix=row.prefix)
    revoked = AuditEvent.objects.get(event_type="token.revoked", object_id=str(row.pk))
    assert revoked.after["prefix"] == row.prefix and revoked.before == {"revoked_at": None}
    with pytest.raises(AccountError, match="already revoked"):
        token_revoke(prefix=row.prefix)
    with pytest.raises(AccountError, match="no token starts with"):
        token_revoke(prefix="heed_nothing")


def test_the_token_command_makes_lists_and_revokes(cast: dict[str, Any], capsys: Any) -> None:
    assert cli.main(["token", "t.auditor", "--days", "14"]) == 0
    token = capsys.readouterr().out.strip()
    assert get_queue(token).status_code == 200
    prefix = row_of(token).prefix
    assert cli.main(["token", "list", "t.auditor"]) == 0
    listed = capsys.readouterr().out
    assert prefix in listed and "works until" in listed and "last used" in listed
    assert cli.main(["token", "revoke", prefix]) == 0
    assert "stops working now" in capsys.readouterr().out
    assert get_queue(token).status_code == 401
    assert cli.main(["token", "list", "t.auditor"]) == 0
    assert "revoked" in capsys.readouterr().out
    assert cli.main(["token", "revoke", prefix]) == 2
    assert "already revoked" in capsys.readouterr().err
    assert cli.main(["token", "nobody-here"]) == 2
    assert "no user called" in capsys.readouterr().err
