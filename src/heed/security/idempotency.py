"""Idempotency keys on the POSTs that change a call (notes and decisions): a request retried with the same key
by the same user is answered with the first answer, not done twice.

The API takes the key in an ``Idempotency-Key`` header; the pages put a fresh key in a hidden field of each
form when it is rendered (``{% idempotency_field %}``), so a form sent twice (a double click, a browser
resending after a lost answer) is acted on once.

How it holds under concurrency: ``IdempotencyMiddleware`` runs a keyed POST in one transaction; the view's
``@idempotent`` decorator first inserts the key's row (unique per user and key), then the view runs, then the
middleware stores the answer in that row before the transaction commits. So the key and the change commit
together or not at all, and a second identical request sent at the same moment waits on the first one's row
(PostgreSQL's unique index; SQLite's write lock taken at BEGIN), then finds it and replays its answer. An
answer of 500 or more rolls everything back (the key too), so a retry after a failure is tried again.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import Any, Literal
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from heed.security.models import IdempotencyKey

HEADER = "Idempotency-Key"
FIELD = "idempotency_key"
MAX_LENGTH = 100
# How long a key is remembered: long enough for any retry, short enough that the table stays small.
KEEP = timedelta(hours=24)
REPLAYED = "Idempotent-Replayed"

Source = Literal["header", "form"]
View = Callable[..., Any]


@dataclass
class Pending:
    """Set on a request by the middleware (whose transaction is open); holds the row the view claimed."""

    row: IdempotencyKey | None = None


STATE = "_heed_idempotency"


def new_key() -> str:
    """A fresh key for a form being rendered."""
    return uuid.uuid4().hex


def key_in(request: HttpRequest, source: Source | None = None) -> str | None:
    """The key a POST carries (None when it carries none): from the header for the API, from the form field
    for a page, from either when the caller does not know which (the middleware)."""
    if request.method != "POST":
        return None
    header = request.headers.get(HEADER)
    if header is not None and source != "form":
        return header
    if source != "header" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        value = request.POST.get(FIELD)
        return value if value else None
    return None


def key_problem(key: str) -> str | None:
    """Why a key cannot be used, or None."""
    if not 1 <= len(key) <= MAX_LENGTH or not all("!" <= c <= "~" for c in key):
        return f"expected 1 to {MAX_LENGTH} printable ASCII characters without spaces (a UUID will do)"
    return None


def fingerprint(request: HttpRequest, source: Source) -> str:
    """SHA-256 of the method, the path and the body (JSON compared by value; form fields by name and value,
    leaving out the CSRF token and the key, which a browser's resend may renew)."""
    digest = hashlib.sha256(f"{request.method}\n{request.path}\n".encode())
    if source == "form":
        fields = sorted(
            (name, value)
            for name, values in request.POST.lists()
            if name not in ("csrfmiddlewaretoken", FIELD)
            for value in values
        )
        digest.update(json.dumps(fields, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    else:
        body = request.body
        try:
            digest.update(json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode())
        except ValueError:
            digest.update(body)
    return digest.hexdigest()


def idempotent(source: Source) -> Callable[[View], View]:
    """Honour an idempotency key on this POST: ``"header"`` for API endpoints, ``"form"`` for pages. A
    request without a key is handled as before. Put it innermost (next to the function), after access checks,
    so the key is claimed for the signed-in user; IdempotencyMiddleware must be installed."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            key = key_in(request, source)
            if key is None:
                return view(request, *args, **kwargs)
            answer = claim(request, key, source)
            if answer is not None:
                return answer
            return view(request, *args, **kwargs)

        if source == "header":
            # django-ninja reads the parameters' types from the signature, resolving names in the function's
            # module: give it the view's own, already resolved.
            wrapper.__signature__ = inspect.signature(view, eval_str=True)  # type: ignore[attr-defined]
        return wrapper

    return decorate


def claim(request: HttpRequest, key: str, source: Source) -> HttpResponse | None:
    """Claim ``key`` for this request (None: go on and act), or the answer to give instead: the first answer
    to a retry, or a refusal when the key is malformed or was used for a different request."""
    pending = getattr(request, STATE, None)
    if pending is None:
        raise ImproperlyConfigured("idempotency keys need heed.security.middleware.IdempotencyMiddleware")
    problem = key_problem(key)
    if problem is not None:
        return _refuse(request, source, f"The {_name(source)} is not valid: {problem}.")
    user_id = request.user.pk
    if user_id is None:
        raise ImproperlyConfigured("an idempotent view must be reached only by a signed-in user")
    fp = fingerprint(request, source)
    # Forget this user's keys past their time, so the table stays small without a separate job.
    IdempotencyKey.objects.filter(user_id=user_id, created_at__lt=timezone.now() - KEEP).delete()
    try:
        with transaction.atomic():
            row = IdempotencyKey.objects.create(user_id=user_id, key=key, fingerprint=fp)
    except IntegrityError:
        # The same key was used before (or by a request that has just committed while this one waited).
        first = IdempotencyKey.objects.filter(user_id=user_id, key=key).first()
        if first is None or first.status is None:
            return _refuse(
                request,
                source,
                f"A request with this {_name(source)} is still being handled; try again.",
                409,
            )
        if first.fingerprint != fp:
            return _refuse(
                request,
                source,
                f"This {_name(source)} was already used for a different request (another address or "
                "different content), so nothing was done. Send a new request with a new key.",
            )
        return replay(request, first, source)
    pending.row = row
    return None


def store(request: HttpRequest, response: HttpResponse) -> None:
    """Called by the middleware inside its transaction: keep the answer with the claimed key, or, for an
    answer of 500 or more, roll the whole request back (the key with it) so a retry is tried again."""
    pending: Pending | None = getattr(request, STATE, None)
    if pending is None or pending.row is None:
        return
    if response.status_code >= 500 or response.streaming:
        transaction.set_rollback(True)
        return
    row = pending.row
    row.status = response.status_code
    row.content_type = response.get("Content-Type", "")[:100]
    row.location = response.get("Location", "")[:2000]
    row.body = response.content.decode(response.charset or "utf-8", "replace")
    row.save(update_fields=["status", "content_type", "location", "body"])


def replay(request: HttpRequest, row: IdempotencyKey, source: Source) -> HttpResponse:
    response = HttpResponse(row.body, status=row.status, content_type=row.content_type or None)
    if row.location:
        response["Location"] = row.location
    response[REPLAYED] = "true"
    if source == "form":
        messages.info(
            request,
            "That form had already been sent, so it was not acted on a second time. "
            "The page shows what happened to it.",
        )
    return response


def _name(source: Source) -> str:
    return "Idempotency-Key header" if source == "header" else "form's key"


def _refuse(request: HttpRequest, source: Source, message: str, status: int = 422) -> HttpResponse:
    if source == "header":
        return JsonResponse(
            {"detail": message, "errors": [{"field": HEADER, "reason": message}]}, status=status
        )
    # A page: say what happened and show what was typed, so nothing is lost.
    return render(
        request,
        "web/not_sent.html",
        {
            "title": "This form was not sent",
            "message": message,
            "typed": typed_fields(request),
            "back": _back(request),
        },
        status=status,
    )


def typed_fields(request: HttpRequest) -> list[tuple[str, str]]:
    """What a refused form carried that a person typed (shown back so nothing is lost)."""
    return [
        (name, str(value))
        for name, value in request.POST.items()
        if name not in ("csrfmiddlewaretoken", FIELD, "version") and str(value).strip()
    ]


def _back(request: HttpRequest) -> str:
    """Where to go back to: the page the form was on, when it is one of ours."""
    referer = urlsplit(request.headers.get("Referer", ""))
    if referer.netloc == request.get_host() and referer.path.startswith("/"):
        return referer.path
    return "/"
