"""Optional single sign-on through OpenID Connect, switched on only by HEED_OIDC_* variables.

Off unless HEED_OIDC_CLIENT_ID is set; then every required variable must be set too, or start-up stops with a
message naming the missing ones (a half-configured SSO is refused, never guessed). Users are matched to
existing Heed users only (by e-mail or by user name); nobody is ever created, and no role is ever granted,
from the identity provider's word.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from heed.config.env import Env, EnvError

REQUIRED = (
    "HEED_OIDC_CLIENT_ID",
    "HEED_OIDC_CLIENT_SECRET",
    "HEED_OIDC_AUTHORIZATION_ENDPOINT",
    "HEED_OIDC_TOKEN_ENDPOINT",
    "HEED_OIDC_USER_ENDPOINT",
    "HEED_OIDC_JWKS_ENDPOINT",
)
OPTIONAL = ("HEED_OIDC_MATCH", "HEED_OIDC_SIGN_ALGO", "HEED_OIDC_LABEL")
ENDPOINTS = REQUIRED[2:]
MATCHES = ("email", "username")
SIGN_ALGOS = ("rs256", "es256")
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class OidcConfig:
    """What mozilla-django-oidc needs, read from the environment."""

    client_id: str
    client_secret: str
    authorization_endpoint: str
    token_endpoint: str
    user_endpoint: str
    jwks_endpoint: str
    match: str
    sign_algo: str
    label: str

    def django_settings(self) -> dict[str, Any]:
        return {
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": self.authorization_endpoint,
            "OIDC_OP_TOKEN_ENDPOINT": self.token_endpoint,
            "OIDC_OP_USER_ENDPOINT": self.user_endpoint,
            "OIDC_OP_JWKS_ENDPOINT": self.jwks_endpoint,
            "OIDC_RP_SIGN_ALGO": self.sign_algo,
            "OIDC_RP_SCOPES": "openid email profile",
            "OIDC_CREATE_USER": False,
            "OIDC_USE_PKCE": True,
            "OIDC_TIMEOUT": 10,
            "LOGIN_REDIRECT_URL_FAILURE": "/login?sso=failed",
            "HEED_OIDC_MATCH": self.match,
            "HEED_OIDC_LABEL": self.label,
        }


def oidc_from_env(env: Env) -> OidcConfig | None:
    """None when SSO is off (no HEED_OIDC_* variable set); the configuration when all the required ones are
    set; EnvError naming what is missing or malformed otherwise."""
    given = [name for name in (*REQUIRED, *OPTIONAL) if env.raw(name) is not None]
    if not given:
        return None
    missing = [name for name in REQUIRED if env.raw(name) is None]
    if missing:
        raise EnvError(
            f"single sign-on is half configured ({', '.join(given)} set): also set {', '.join(missing)}, "
            "or unset every HEED_OIDC_* variable to turn it off"
        )
    for name in ENDPOINTS:
        url = env.text(name, "")
        parts = urlsplit(url)
        local = parts.scheme == "http" and parts.hostname in LOOPBACK
        if not (parts.scheme == "https" or local) or not parts.hostname:
            raise EnvError(
                f"{name}={url!r}: expected an https:// URL (http:// only for 127.0.0.1 or localhost)"
            )
    return OidcConfig(
        client_id=env.text("HEED_OIDC_CLIENT_ID", ""),
        client_secret=env.text("HEED_OIDC_CLIENT_SECRET", ""),
        authorization_endpoint=env.text("HEED_OIDC_AUTHORIZATION_ENDPOINT", ""),
        token_endpoint=env.text("HEED_OIDC_TOKEN_ENDPOINT", ""),
        user_endpoint=env.text("HEED_OIDC_USER_ENDPOINT", ""),
        jwks_endpoint=env.text("HEED_OIDC_JWKS_ENDPOINT", ""),
        match=env.choice("HEED_OIDC_MATCH", "email", MATCHES),
        sign_algo=env.choice("HEED_OIDC_SIGN_ALGO", "rs256", SIGN_ALGOS).upper(),
        label=env.text("HEED_OIDC_LABEL", "Sign in with your force account"),
    )
