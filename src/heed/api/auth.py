"""Bearer-token authentication (tokens from ``heed token USERNAME``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from heed.accounts.services import token_check


class TokenRefused(AuthenticationError):
    """A known bearer token that no longer works: the 401 says why (expired, revoked, user disabled)."""

    def __init__(self, reason: str) -> None:
        super().__init__(401, reason)
        self.reason = reason


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        check = token_check(token)
        if check.user is None:
            raise TokenRefused(check.refusal)
        request.user = check.user
        return check.user
