"""The lockout's two inputs that axes asks Heed for: the client's address (behind a proxy too) and a cool-off
that doubles with each lockout of the same user name from the same address within a day."""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

# Lockouts are remembered this long for the doubling.
MEMORY = timedelta(hours=24)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind HEED_PROXY_COUNT trusted proxies the address the outermost
    of them saw (that many places from the right of X-Forwarded-For; what a client wrote further left is not
    trusted)."""
    remote = request.META.get("REMOTE_ADDR")
    count = int(getattr(settings, "PROXY_COUNT", 0))
    if count == 0:
        return remote
    forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
    if len(forwarded) < count:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote


def lockouts(username: str | None, ip_address: str | None, *, now: Any = None) -> int:
    """How many times this user name was locked out from this address within MEMORY."""
    since = (now or timezone.now()) - MEMORY
    count: int = AccessFailureLog.objects.filter(
        username=username, ip_address=ip_address, locked_out=True, attempt_time__gte=since
    ).count()
    return count


def cool_off_for(previous: int) -> timedelta:
    """The base cool-off, doubled for each lockout before this one, up to LOCKOUT_MAX_HOURS."""
    base = timedelta(minutes=settings.LOCKOUT_MINUTES)
    cap = timedelta(hours=settings.LOCKOUT_MAX_HOURS)
    result: timedelta = min(base * 2 ** min(previous, 16), cap)
    return result


def cool_off(request: HttpRequest | None = None) -> timedelta:
    """AXES_COOLOFF_TIME: how long the failures of this request's user name and address count. While a
    lockout is on, the lockout itself is counted (it is logged when it starts), so the n-th lockout within a
    day lasts the base time doubled n - 1 times."""
    if request is None:
        return cool_off_for(0)
    ip = getattr(request, "axes_ip_address", None) or client_ip(request)
    username = get_client_username(request, getattr(request, "axes_credentials", None))
    return cool_off_for(max(lockouts(username, ip) - 1, 0))


class LockoutHandler(AxesDatabaseHandler):  # type: ignore[misc]
    """axes' database handler, with the clean-up of expired failures made per user name and address: axes
    deletes every record older than the cool-off of the request at hand, which with a cool-off that differs
    between pairs would end another pair's longer lockout early."""

    def clean_expired_user_attempts(
        self, request: HttpRequest | None = None, credentials: dict[str, Any] | None = None
    ) -> int:
        cap = timedelta(hours=settings.LOCKOUT_MAX_HOURS)
        count: int = AccessAttempt.objects.filter(attempt_time__lte=timezone.now() - cap).delete()[0]
        if request is not None:
            username = get_client_username(request, credentials)
            count += AccessAttempt.objects.filter(
                username=username,
                ip_address=getattr(request, "axes_ip_address", None),
                attempt_time__lte=get_cool_off_threshold(request),
            ).delete()[0]
        return count
