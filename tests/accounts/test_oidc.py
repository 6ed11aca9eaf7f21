"""Single sign-on (OpenID Connect) is off unless HEED_OIDC_* are set, refuses a half configuration with a
clear message, and only maps a person onto an existing active Heed user (creates none, grants no role)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from heed.config.env import Env, EnvError
from heed.config.oidc import REQUIRED, oidc_from_env

IDP = "https://idp.example.test/realms/tst/protocol/openid-connect"
FULL = {
    "HEED_OIDC_CLIENT_ID": "heed",
    "HEED_OIDC_CLIENT_SECRET": "SYNTHETIC-secret",
    "HEED_OIDC_AUTHORIZATION_ENDPOINT": f"{IDP}/auth",
    "HEED_OIDC_TOKEN_ENDPOINT": f"{IDP}/token",
    "HEED_OIDC_USER_ENDPOINT": f"{IDP}/userinfo",
    "HEED_OIDC_JWKS_ENDPOINT": f"{IDP}/certs",
}


def test_off_by_default() -> None:
    assert oidc_from_env(Env({})) is None


def test_on_when_every_required_variable_is_set() -> None:
    config = oidc_from_env(Env(FULL))
    assert config is not None
    settings = config.django_settings()
    assert settings["OIDC_RP_CLIENT_ID"] == "heed" and settings["OIDC_OP_TOKEN_ENDPOINT"] == f"{IDP}/token"
    assert settings["OIDC_CREATE_USER"] is False and settings["OIDC_RP_SIGN_ALGO"] == "RS256"
    assert (config.match, config.label) == ("email", "Sign in with your force account")


@pytest.mark.parametrize("missing", REQUIRED)
def test_a_half_configuration_names_what_is_missing(missing: str) -> None:
    env = {k: v for k, v in FULL.items() if k != missing}
    with pytest.raises(EnvError, match=f"half configured.*also set {missing}"):
        oidc_from_env(Env(env))


def test_endpoints_must_be_https_and_choices_checked() -> None:
    with pytest.raises(
        EnvError, match="HEED_OIDC_TOKEN_ENDPOINT='http://idp.example.test/token': expected an https"
    ):
        oidc_from_env(Env({**FULL, "HEED_OIDC_TOKEN_ENDPOINT": "http://idp.example.test/token"}))
    with pytest.raises(EnvError, match="HEED_OIDC_MATCH"):
        oidc_from_env(Env({**FULL, "HEED_OIDC_MATCH": "phone"}))
    local = oidc_from_env(Env({**FULL, "HEED_OIDC_TOKEN_ENDPOINT": "http://127.0.0.1:8080/token"}))
    assert local is not None and local.token_endpoint == "http://127.0.0.1:8080/token"


def _heed(tmp_path: Path, extra: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEED_OIDC_")}
    env.update({"HEED_VAR_DIR": str(tmp_path), **extra})
    env.pop("HEED_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "heed", *args], env=env, capture_output=True, text=True, check=False
    )


def test_the_switch_as_the_server_sees_it(tmp_path: Path) -> None:
    probe = (
        "from django.conf import settings; from django.urls import reverse; "
        "print(settings.HEED_OIDC is not None, 'heed.accounts.oidc.HeedOidcBackend' in "
        "settings.AUTHENTICATION_BACKENDS, reverse('oidc_authentication_init'))"
    )
    on = _heed(tmp_path, FULL, "manage", "shell", "-c", probe)
    assert on.returncode == 0, on.stderr
    assert on.stdout.strip().splitlines()[-1] == "True True /oidc/authenticate/"
    half = _heed(tmp_path, {"HEED_OIDC_CLIENT_ID": "heed"}, "audit", "verify")
    assert half.returncode == 2
    assert "single sign-on is half configured" in half.stderr and "HEED_OIDC_TOKEN_ENDPOINT" in half.stderr
    assert "Traceback" not in half.stderr


@pytest.mark.django_db
def test_the_app_here_has_no_sso_pages(cast: dict[str, Any]) -> None:
    from django.conf import settings

    assert settings.HEED_OIDC is None
    assert Client().get("/oidc/authenticate/").status_code == 404
    assert "Sign in with your force account" not in Client().get("/login").content.decode()


@pytest.fixture
def backend(settings: Any) -> Any:
    config = oidc_from_env(Env(FULL))
    assert config is not None
    for key, value in config.django_settings().items():
        setattr(settings, key, value)
    from heed.accounts.oidc import HeedOidcBackend

    return HeedOidcBackend()


@pytest.mark.django_db
def test_sso_maps_onto_existing_active_users_only(
    cast: dict[str, Any], backend: Any, monkeypatch: Any
) -> None:
    from heed.accounts.models import User

    supervisor = cast["supervisor"]
    supervisor.email = "Sam.Supervisor@tst.example"
    supervisor.save()
    claims: dict[str, Any] = {}
    monkeypatch.setattr(backend, "get_userinfo", lambda *a: claims)

    claims.update(email="sam.supervisor@TST.example", email_verified=True)
    assert backend.get_or_create_user("at", "it", {}) == supervisor
    count = User.objects.count()
    claims.update(email="stranger@idp.example.test")
    assert backend.get_or_create_user("at", "it", {}) is None
    assert User.objects.count() == count
    claims.update(email="sam.supervisor@tst.example", email_verified=False)
    assert backend.get_or_create_user("at", "it", {}) is None
    supervisor.is_active = False
    supervisor.save()
    claims.update(email_verified=True)
    assert backend.get_or_create_user("at", "it", {}) is None


@pytest.mark.django_db
def test_sso_by_user_name(cast: dict[str, Any], backend: Any, settings: Any, monkeypatch: Any) -> None:
    settings.HEED_OIDC_MATCH = "username"
    monkeypatch.setattr(backend, "get_userinfo", lambda *a: {"preferred_username": "t.auditor"})
    assert backend.get_or_create_user("at", "it", {}) == cast["auditor"]
    monkeypatch.setattr(backend, "get_userinfo", lambda *a: {"preferred_username": "t.nobody"})
    assert backend.get_or_create_user("at", "it", {}) is None


@pytest.mark.django_db
def test_a_password_sign_in_never_reaches_the_identity_provider(backend: Any, rf: Any) -> None:
    request = rf.post("/login?code=x&state=y")
    assert backend.authenticate(request, username="t.handler", password="x") is None


@pytest.fixture
def sso(settings: Any, backend: Any) -> Any:
    """The app as it runs with HEED_OIDC_* set: the SSO backend after the password ones, /oidc/ mounted, and
    an identity provider that answers the code with fixed tokens and the claims the test sets."""
    from heed.accounts.oidc import HeedOidcBackend

    settings.HEED_OIDC = oidc_from_env(Env(FULL))
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "heed.accounts.oidc.HeedOidcBackend",
    ]
    settings.ROOT_URLCONF = "tests.accounts.oidc_urls"
    claims: dict[str, Any] = {}
    patch = pytest.MonkeyPatch()
    patch.setattr(
        HeedOidcBackend, "get_token", lambda self, payload: {"id_token": "it", "access_token": "at"}
    )
    patch.setattr(HeedOidcBackend, "verify_token", lambda self, token, **kwargs: {"sub": "SYNTHETIC-1"})
    patch.setattr(HeedOidcBackend, "get_userinfo", lambda self, *args: dict(claims))
    yield claims
    patch.undo()


def _through_the_provider(client: Client) -> Any:
    from urllib.parse import parse_qs, urlsplit

    start = client.get("/oidc/authenticate/")
    assert start.status_code == 302 and start["Location"].startswith(f"{IDP}/auth?")
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    return client.get("/oidc/callback/", {"code": "SYNTHETIC-code", "state": state})


@pytest.mark.django_db
def test_sso_signs_an_existing_supervisor_in_who_then_gives_their_second_factor(
    cast: dict[str, Any], sso: dict[str, Any]
) -> None:
    from heed.audit.models import AuditEvent

    supervisor = cast["supervisor"]
    supervisor.email = "sam.supervisor@tst.example"
    supervisor.save()
    client = Client()
    assert "Sign in with your force account" in client.get("/login").content.decode()
    sso.update(email="Sam.Supervisor@tst.example", email_verified=True)
    back = _through_the_provider(client)
    assert back.status_code == 302
    held = client.get(back["Location"])
    assert held.status_code == 302 and held["Location"].startswith("/mfa/verify")
    assert AuditEvent.objects.filter(event_type="auth.login", actor_label="t.supervisor").count() == 1


@pytest.mark.django_db
def test_sso_for_a_stranger_signs_nobody_in_and_creates_nobody(
    cast: dict[str, Any], sso: dict[str, Any]
) -> None:
    from heed.accounts.models import User

    count = User.objects.count()
    sso.update(email="stranger@idp.example.test", email_verified=True)
    client = Client()
    back = _through_the_provider(client)
    assert back.status_code == 302 and back["Location"] == "/login?sso=failed"
    assert "did not find an active Heed account" in client.get(back["Location"]).content.decode()
    assert client.get("/calls/")["Location"].startswith("/login")
    assert User.objects.count() == count
