"""Login, logout and failed logins are audit events (the only signal handlers: change logging)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from heed.audit.events import EventType
from heed.audit.services import audit_record_now


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record_now(event_type=EventType.LOGIN, actor=user, obj=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record_now(event_type=EventType.LOGOUT, actor=user, obj=user)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    audit_record_now(
        event_type=EventType.LOGIN_FAILED, actor=None, actor_label="anonymous", after={"username": username}
    )
