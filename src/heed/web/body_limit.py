"""A form body the server will not read answers with a page (or, in the live panel, a line) saying so, not a
traceback.

Django refuses a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (and a form of more than
``DATA_UPLOAD_MAX_NUMBER_FIELDS`` fields) by raising from the first ``request.POST`` read: a 400 with the
exception's traceback in the server log, and every later read of ``request.POST`` in the same request finds
an empty form. A 2 MB paste into the log box once went that way: the draft's autosave failed without a sign,
and "Add to log" then found no text and said "Type something in the log box".

This middleware reads the form first, before any other part of Heed does. When Django will not read it, the
answer is a 413 (too large) or a 400 (too many fields) that names the limit and the size sent and says that
nothing was recorded; for the live panel's autosave (an htmx request) a short fragment that ``heed.js`` shows
in the panel. What was typed stays in the browser: the call page's script refuses an over-long text before it
is sent (``heed.js``), so this is the answer for what gets past it (no script, another client). Under
``/api/`` the answer is the API's JSON error (``{"detail": ..., "errors": []}``, as ``heed.api.api`` answers a
JSON body too large).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from heed import textclean as tc

logger = logging.getLogger("heed.web")

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _size(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _megabytes(size: int) -> str:
    # In binary megabytes, as the API's own message gives the limit (2,621,440 bytes: "2.5 MB").
    return f"{size / 1_048_576:,.1f} MB"


class BodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.content_type in FORM_TYPES:
            try:
                request.POST  # noqa: B018 - read here, where a refusal can be answered in words
            except RequestDataTooBig:
                return self._refuse(request, 413, self._too_large(request))
            except TooManyFieldsSent:
                limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
                return self._refuse(
                    request, 400, f"The form sent more than {limit:,} fields, more than any page of Heed has."
                )
        return self.get_response(request)

    @staticmethod
    def _too_large(request: HttpRequest) -> str:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        return (
            f"What was sent is {_megabytes(_size(request))}; the server takes at most {_megabytes(limit)} at "
            f"once. A log entry or a narrative is at most {tc.NARRATIVE:,} characters, far less than that: "
            "the text is too long to keep as one entry."
        )

    @staticmethod
    def _refuse(request: HttpRequest, status: int, message: str) -> HttpResponse:
        # One line, no traceback: a person pasted too much, nothing is wrong with the server.
        logger.warning("form refused unread (%s): %s %s bytes", status, request.path, _size(request))
        if request.path.startswith("/api/"):
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
            detail = (
                f"The request body is too large (the limit is {_megabytes(limit)})."
                if status == 413
                else message
            )
            return JsonResponse({"detail": detail, "errors": []}, status=status)
        if request.headers.get("HX-Request"):
            return render(request, "web/_not_read.html", {"message": message}, status=status)
        back = request.headers.get("Referer", "")
        return render(
            request,
            "web/not_sent.html",
            {
                "title": "Too much to send" if status == 413 else "The form could not be read",
                "message": f"{message} Nothing was recorded. Go back: if the box is empty, paste the text "
                "again in shorter parts.",
                "typed": [],
                "back": back if back.startswith(f"{request.scheme}://{request.get_host()}/") else "/",
            },
            status=status,
        )
