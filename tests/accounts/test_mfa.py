"""The second factor: every role that requires it is held at the MFA pages until verified; first sign-in
enrols an authenticator app (secret, otpauth URI, QR code) and gives ten single-use recovery codes; a
recovery code works once; every step is audited; the API (tokens) is unaffected."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.conftest import PASSWORD, sign_in, verified_device

from heed.accounts.mfa import MfaError, mfa_enrolment_start, mfa_verify
from heed.accounts.roles import MFA_REQUIRED_ROLES
from heed.accounts.services import token_create
from heed.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PROTECTED = ("supervisor", "safeguarding", "auditor", "admin", "national")


def code_for(device: TOTPDevice) -> str:
    """The app's code for the earliest time step the device still accepts (a code is never taken twice)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    step = max(totp.t(), device.last_t + 1)
    totp.time = device.t0 + step * device.step + 1
    return f"{totp.token():0{device.digits}d}"


def password_sign_in(username: str) -> tuple[Client, Any]:
    client = Client()
    response = client.post("/login", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client, client.get(response["Location"])


def events(user: Any, kind: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=kind, object_id=str(user.pk)).order_by("seq"))


@pytest.mark.parametrize("persona", PROTECTED)
def test_first_sign_in_enrols_then_every_sign_in_verifies(persona: str, cast: dict[str, Any]) -> None:
    user = cast[persona]
    assert user.role in MFA_REQUIRED_ROLES
    client, landing = password_sign_in(user.username)
    # The password alone leads to the MFA page, which sends someone without an app to enrolment.
    assert landing.status_code == 302 and landing["Location"].startswith("/mfa/verify")
    enrol = client.get("/mfa/verify", follow=True)
    assert enrol.redirect_chain[-1][0].startswith("/mfa/enrol")
    page = enrol.content.decode()
    secret = re.search(r'data-secret="([A-Z2-7]+)"', page)
    assert secret is not None
    assert f"otpauth://totp/Heed%3A{user.username}?secret={secret.group(1)}" in page
    assert "<svg" in page and "<script" not in page.split("<main", 1)[1].split("</main>", 1)[0]
    device = TOTPDevice.objects.get(user=user, confirmed=False)

    # Still nothing else: the home page sends the user back.
    assert client.get("/").status_code == 302

    wrong = client.post("/mfa/enrol", {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    assert 'class="govuk-error-summary"' in wrong.content.decode()
    assert [e.after for e in events(user, "auth.mfa_failed")] == [{"step": "enrol"}]
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )

    done = client.post("/mfa/enrol", {"code": code_for(device)})
    assert done.status_code == 200 and "no-store" in done["Cache-Control"]
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == 10 == len(set(codes))
    assert not client.get("/").get("Location", "").startswith("/mfa")
    [enrolled] = events(user, "auth.mfa_enrolled")
    assert enrolled.after["recovery_codes"] == 10

    # Signing in again asks for a code from the app, and takes it.
    again, landing = password_sign_in(user.username)
    assert landing["Location"].startswith("/mfa/verify")
    assert again.get("/mfa/verify").status_code == 200
    ok = again.post("/mfa/verify", {"code": code_for(device), "next": "/"})
    assert ok.status_code == 302 and ok["Location"] == "/"
    assert not again.get("/").get("Location", "").startswith("/mfa")
    assert len(events(user, "auth.mfa_verified")) == 1


def test_a_recovery_code_works_once_and_each_use_is_audited(cast: dict[str, Any]) -> None:
    user = cast["supervisor"]
    client, _ = password_sign_in(user.username)
    client.get("/mfa/enrol")
    device = TOTPDevice.objects.get(user=user)
    codes = re.findall(
        r"<code>([a-z2-7]{8})</code>", client.post("/mfa/enrol", {"code": code_for(device)}).content.decode()
    )
    first = codes[0]

    used, _ = password_sign_in(user.username)
    ok = used.post("/mfa/verify", {"code": first.upper(), "next": "/queue"})
    assert ok.status_code == 302 and ok["Location"] == "/queue"
    assert used.get("/queue").status_code == 200
    [event] = events(user, "auth.mfa_recovery_used")
    assert event.after == {"remaining": 9}
    assert not StaticToken.objects.filter(token=first).exists()

    again, _ = password_sign_in(user.username)
    refused = again.post("/mfa/verify", {"code": first, "next": "/queue"})
    assert refused.status_code == 200
    assert "That code is not right" in refused.content.decode()
    assert again.get("/queue")["Location"].startswith("/mfa/verify")
    assert events(user, "auth.mfa_failed")[-1].after == {"step": "verify"}


def test_a_wrong_code_makes_the_next_try_wait(cast: dict[str, Any]) -> None:
    user = cast["auditor"]
    device = verified_device(user)
    with pytest.raises(MfaError, match="not right"):
        mfa_verify(user=user, code="000000" if code_for(device) != "000000" else "111111")
    # The right code straight after a wrong one is refused too: the wait doubles with each wrong code.
    with pytest.raises(MfaError, match="wait"):
        mfa_verify(user=user, code=code_for(device))


def test_enrolment_cannot_replace_an_app_the_user_has_not_proved(cast: dict[str, Any]) -> None:
    user = cast["supervisor"]
    device = verified_device(user)
    client = sign_in(Client(), user, verified=False)
    response = client.post("/mfa/enrol", {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"].startswith("/mfa/verify")
    assert TOTPDevice.objects.filter(user=user).count() == 1
    with pytest.raises(MfaError, match="already set up"):
        mfa_enrolment_start(user=user)


def test_handlers_may_enrol_and_are_then_asked_at_every_sign_in(cast: dict[str, Any]) -> None:
    user = cast["handler"]
    client, landing = password_sign_in(user.username)
    assert landing["Location"] == "/calls/"  # a handler without an app is not held
    assert "Set up two-step sign-in" in client.get("/calls/").content.decode()
    client.get("/mfa/enrol")
    device = TOTPDevice.objects.get(user=user)
    page = client.get("/mfa/enrol").content.decode()
    assert "You can add an authenticator app" in page
    assert client.post("/mfa/enrol", {"code": code_for(device)}).status_code == 200

    again, landing = password_sign_in(user.username)
    assert landing.status_code == 302 and landing["Location"].startswith("/mfa/verify")
    assert again.get("/calls/new")["Location"].startswith("/mfa/verify")


def test_a_reset_by_the_administrator_sends_the_user_back_to_enrolment(cast: dict[str, Any]) -> None:
    user = cast["safeguarding"]
    client = sign_in(Client(), user)
    assert client.get("/referrals/").status_code == 200
    admin = sign_in(Client(), cast["admin"])
    assert admin.post(f"/users/{user.pk}/mfa-reset").status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    held = client.get("/referrals/")
    assert held.status_code == 302 and held["Location"].startswith("/mfa/verify")
    assert client.get(held["Location"])["Location"].startswith("/mfa/enrol")


def test_new_recovery_codes_replace_the_old_ones(cast: dict[str, Any]) -> None:
    user = cast["auditor"]
    client, _ = password_sign_in(user.username)
    client.get("/mfa/enrol")
    device = TOTPDevice.objects.get(user=user)
    old = re.findall(
        r"<code>([a-z2-7]{8})</code>", client.post("/mfa/enrol", {"code": code_for(device)}).content.decode()
    )
    assert "You have 10 unused recovery codes" in client.get("/mfa/recovery-codes").content.decode()
    new = re.findall(r"<code>([a-z2-7]{8})</code>", client.post("/mfa/recovery-codes").content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == set(new)
    assert len(events(user, "auth.mfa_recovery_issued")) == 1


def test_recovery_codes_cannot_be_made_before_verifying(cast: dict[str, Any]) -> None:
    user = cast["auditor"]
    verified_device(user)
    client = sign_in(Client(), user, verified=False)
    response = client.post("/mfa/recovery-codes")
    assert response.status_code == 302 and response["Location"].startswith("/mfa/verify")
    assert not StaticToken.objects.filter(device__user=user).exists()


def test_the_api_takes_tokens_and_ignores_a_half_signed_in_session(
    cast: dict[str, Any], make_call: Any
) -> None:
    call = make_call()
    user = cast["supervisor"]
    verified_device(user)
    client = sign_in(Client(), user, verified=False)
    assert client.get(f"/api/v1/calls/{call.pk}").status_code == 401
    token = token_create(user=user)
    response = client.get(f"/api/v1/calls/{call.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert json.loads(response.content)["reference"] == call.reference


def test_next_never_leaves_the_site(cast: dict[str, Any]) -> None:
    user = cast["supervisor"]
    device = verified_device(user)
    client = sign_in(Client(), user, verified=False)
    response = client.post("/mfa/verify", {"code": code_for(device), "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"
