"""Give every request an id that its audit events carry and its response returns (X-Request-ID)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from heed.audit.context import new_request_id, request_context


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = new_request_id(request.headers.get("X-Request-ID"))
        request.request_id = rid  # type: ignore[attr-defined]
        with request_context(rid):
            response = self.get_response(request)
        response["X-Request-ID"] = rid
        return response
