"""The API at /api/v1/ (OpenAPI schema at /api/v1/openapi.json). Every error is JSON that says what was
wrong and where; "not found" and "not allowed" are the same 404."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from heed.accounts.access import CallNotFound
from heed.api.auth import TokenAuth, TokenRefused
from heed.api.calls import router as calls_router
from heed.api.decisions import other_router
from heed.api.decisions import router as decisions_router
from heed.api.schemas import TEXT_ERROR, text_reason
from heed.api.training import router as training_router
from heed.calls.services import CallError, ClosureRefused
from heed.training.library import AttemptNotFound, TrainingError

log = logging.getLogger("heed.api")

api = NinjaAPI(
    title="Heed API",
    version="1",
    description="Calls about the online grooming of children: assessment, checks and the audit trail. "
    "Authenticate with `Authorization: Bearer <token>` (tokens from `heed token USERNAME`; they expire, and "
    "`heed token revoke PREFIX` ends one at once). Every POST takes an optional `Idempotency-Key` header (up "
    "to 100 printable ASCII characters, e.g. a UUID): a retry with the same key is answered with the first "
    "answer (marked `Idempotent-Replayed: true`) instead of being done twice; the same key with a different "
    "request is refused with 422.",
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url=None,
)
api.add_router("/calls", calls_router)
api.add_router("/calls", decisions_router)
api.add_router("/", other_router)
api.add_router("/training", training_router)


def _loc(loc: Any) -> str:
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path")]
    return ".".join(parts) or "body"


def _field(error: dict[str, Any]) -> str:
    prefix = (error.get("ctx") or {}).get("prefix", "") if error.get("type") == TEXT_ERROR else ""
    return f"{prefix}.{_loc(error.get('loc', ()))}" if prefix else _loc(error.get("loc", ()))


def _reason(error: dict[str, Any]) -> str:
    if error.get("type") == TEXT_ERROR:  # the text rule's sentence, naming the field by its whole path
        return text_reason(_field(error), error.get("ctx") or {})
    return str(error.get("msg", "invalid"))


@api.exception_handler(ValidationError)
def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [{"field": _field(e), "reason": _reason(e)} for e in exc.errors]
    return api.create_response(request, {"detail": "The request is not valid.", "errors": errors}, status=422)


@api.exception_handler(ClosureRefused)
def _closure_refused(request: HttpRequest, exc: ClosureRefused) -> HttpResponse:
    return api.create_response(
        request, {"detail": str(exc), "outstanding": list(exc.outstanding), "errors": []}, status=409
    )


@api.exception_handler(CallError)
def _call_error(request: HttpRequest, exc: CallError) -> HttpResponse:
    status = 409 if exc.code in ("closed", "awaiting_review", "stale", "refused", "finished") else 422
    if exc.code == "index_unavailable":
        status = 503
    errors = [{"field": exc.field, "reason": str(exc)}] if exc.field else []
    return api.create_response(request, {"detail": str(exc), "errors": errors}, status=status)


@api.exception_handler(TrainingError)
def _training_error(request: HttpRequest, exc: TrainingError) -> HttpResponse:
    status = 409 if exc.code in ("finished", "stale", "refused") else 422
    errors = [{"field": exc.field, "reason": str(exc)}] if exc.field else []
    return api.create_response(request, {"detail": str(exc), "errors": errors}, status=status)


@api.exception_handler(AttemptNotFound)
@api.exception_handler(CallNotFound)
def _not_found(request: HttpRequest, exc: CallNotFound) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found.", "errors": []}, status=404)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    # A known token that no longer works says why (expired, revoked, user disabled); anything else says what
    # is needed.
    detail = exc.reason if isinstance(exc, TokenRefused) else "A valid bearer token is required."
    response = api.create_response(request, {"detail": detail, "errors": []}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return api.create_response(
        request, {"detail": "The request body is too large (the limit is 2.5 MB).", "errors": []}, status=413
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc), "errors": []}, status=exc.status_code)


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Logged with the request id; the client gets the id to quote, never a traceback.
    log.exception("unexpected API error (request %s)", getattr(request, "request_id", ""))
    return api.create_response(
        request,
        {
            "detail": f"Something went wrong; quote request {getattr(request, 'request_id', '')}.",
            "errors": [],
        },
        status=500,
    )
