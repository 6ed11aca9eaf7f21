"""User administration by a force administrator (their own force only, never themselves) and force creation
by a national administrator: every change audited, another force's users a 404, refused input kept."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.conftest import sign_in, verified_device

from heed.accounts.models import Force, User
from heed.accounts.services import AccountError, token_create, user_create
from heed.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Fresh-SYNTHETIC-pass-77"


def last_event(kind: str) -> AuditEvent:
    event = AuditEvent.objects.filter(event_type=kind).order_by("-seq").first()
    assert event is not None, kind
    return event


def test_the_list_shows_the_own_forces_users_only(cast: dict[str, Any]) -> None:
    page = sign_in(Client(), cast["admin"]).get("/users/").content.decode()
    assert "t.handler" in page and "t.supervisor2" in page
    assert "t.other_handler" not in page and "t.national" not in page


def test_a_new_user_gets_a_set_password_link_that_works_once(cast: dict[str, Any]) -> None:
    admin = sign_in(Client(), cast["admin"])
    made = admin.post("/users/new", {"username": "j.new", "email": "j.new@tst.example", "role": "supervisor"})
    assert made.status_code == 200
    link = re.search(r'id="password-link">http://testserver(/set-password/[^<]+)<', made.content.decode())
    assert link is not None
    user = User.objects.get(username="j.new")
    assert (user.force, user.role, user.has_usable_password()) == (cast["admin"].force, "supervisor", False)
    created = last_event("user.created")
    assert (created.actor_label, created.after["role"], created.force_code) == (
        "t.admin",
        "supervisor",
        "TST",
    )
    assert last_event("user.password_link").object_id == str(user.pk)

    visitor = Client()
    form = visitor.get(link.group(1), follow=True)
    assert "Set your password" in form.content.decode()
    set_url = form.redirect_chain[-1][0]
    short = visitor.post(set_url, {"new_password1": "short", "new_password2": "short"})
    assert short.status_code == 200 and "govuk-error-summary" in short.content.decode()
    assert "too short" in short.content.decode()
    done = visitor.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/login"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert last_event("user.password_set").actor_label == "j.new"
    # Used once: the same link no longer works.
    assert "This link does not work" in Client().get(link.group(1), follow=True).content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"username": "", "role": "handler"}, "id_username", "Enter a user name"),
        ({"username": "has space", "role": "handler"}, "id_username", "may hold only letters"),
        ({"username": "t.handler", "role": "handler"}, "id_username", "already exists"),
        ({"username": "j.ok", "role": ""}, "id_role", "Choose a role"),
        ({"username": "j.ok", "role": "national_admin"}, "id_role", "Choose a role from the list"),
        (
            {"username": "j.ok", "role": "handler", "email": "not-an-email"},
            "id_email",
            "Enter an e-mail address",
        ),
    ],
)
def test_refused_new_users_say_why_at_the_field_and_keep_what_was_typed(
    cast: dict[str, Any], data: dict[str, str], field: str, message: str
) -> None:
    response = sign_in(Client(), cast["admin"]).post("/users/new", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert f'<a href="#{field}">' in page and message in page
    assert f'id="{field}-error"' in page
    if data["username"]:
        assert f'value="{data["username"]}"' in page
    assert not User.objects.filter(username="j.ok").exists()


def test_disable_enable_role_and_mfa_reset_are_audited(cast: dict[str, Any]) -> None:
    target = cast["supervisor2"]
    verified_device(target)
    token = token_create(user=target)
    target_client = sign_in(Client(), target)
    admin = sign_in(Client(), cast["admin"])

    assert admin.post(f"/users/{target.pk}/role", {"role": "auditor"}).status_code == 302
    event = last_event("user.role_changed")
    assert (event.before, event.after, event.actor_label) == (
        {"role": "supervisor"},
        {"role": "auditor"},
        "t.admin",
    )

    assert admin.post(f"/users/{target.pk}/active", {"active": "0"}).status_code == 302
    assert last_event("user.disabled").after == {"active": False}
    # A disabled user's session and API token stop working at once.
    assert target_client.get("/calls/")["Location"].startswith("/login")
    assert Client().get("/api/v1/queue", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401

    assert admin.post(f"/users/{target.pk}/active", {"active": "1"}).status_code == 302
    assert last_event("user.enabled").after == {"active": True}

    assert admin.post(f"/users/{target.pk}/mfa-reset").status_code == 302
    assert last_event("user.mfa_reset").after == {"devices_removed": 1}
    assert not TOTPDevice.objects.filter(user=target).exists()
    target.refresh_from_db()
    assert (target.role, target.is_active) == ("auditor", True)


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/users/{uid}/", None),
        ("/users/{uid}/role", {"role": "handler"}),
        ("/users/{uid}/active", {"active": "0"}),
        ("/users/{uid}/mfa-reset", {}),
        ("/users/{uid}/password-link", {}),
    ],
)
def test_another_forces_administrator_gets_404_and_changes_nothing(
    cast: dict[str, Any], path: str, data: dict[str, str] | None
) -> None:
    target = cast["supervisor2"]
    verified_device(target)
    client = sign_in(Client(), cast["other_admin"])
    before = AuditEvent.objects.count()
    url = path.format(uid=target.pk)
    response = client.get(url) if data is None else client.post(url, data)
    assert response.status_code == 404
    assert "t.supervisor2" not in response.content.decode()
    target.refresh_from_db()
    assert (target.role, target.is_active, TOTPDevice.objects.filter(user=target).count()) == (
        "supervisor",
        True,
        1,
    )
    assert AuditEvent.objects.filter(event_type__startswith="user.").count() == 0
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("path", "data", "message"),
    [
        ("/users/{uid}/role", {"role": "handler"}, "You cannot change the role of your own account"),
        ("/users/{uid}/active", {"active": "0"}, "You cannot disable or enable your own account"),
        ("/users/{uid}/mfa-reset", {}, "You cannot reset the second factor of your own account"),
    ],
)
def test_an_administrator_never_acts_on_themselves(
    cast: dict[str, Any], path: str, data: dict[str, str], message: str
) -> None:
    admin = cast["admin"]
    client = sign_in(Client(), admin)
    response = client.post(path.format(uid=admin.pk), data, follow=True)
    assert message in response.content.decode()
    admin.refresh_from_db()
    assert (admin.role, admin.is_active, TOTPDevice.objects.filter(user=admin).count()) == (
        "force_admin",
        True,
        1,
    )
    assert AuditEvent.objects.filter(event_type__startswith="user.").count() == 0


def test_a_service_refuses_users_of_another_force_even_without_the_page(cast: dict[str, Any]) -> None:
    with pytest.raises(AccountError, match="your own force"):
        user_create(
            username="x.y", force_code="TST", role="handler", password=None, actor=cast["other_admin"]
        )


def test_the_national_administrator_creates_forces(cast: dict[str, Any]) -> None:
    client = sign_in(Client(), cast["national"])
    made = client.post("/forces/", {"code": "wmp", "name": "  West Midlands  (SYNTHETIC) "})
    assert made.status_code == 302
    force = Force.objects.get(code="WMP")
    assert force.name == "West Midlands (SYNTHETIC)"
    event = last_event("force.created")
    assert (event.actor_label, event.actor_role, event.after) == (
        "t.national",
        "national_admin",
        {"code": "WMP", "name": "West Midlands (SYNTHETIC)"},
    )
    listing = client.get("/forces/").content.decode()
    assert "WMP" in listing and "heed user add NAME --force WMP --role force_admin" in listing

    again = client.post("/forces/", {"code": "WMP", "name": "Another"})
    assert again.status_code == 400 and "A force with code WMP already exists" in again.content.decode()
    assert 'value="Another"' in again.content.decode()
    bad = client.post("/forces/", {"code": "W M", "name": "Spaced"})
    assert (
        bad.status_code == 400
        and "Force code &#x27;W M&#x27;: expected 2 to 16 letters and digits" in bad.content.decode()
    )
    assert Force.objects.filter(name__in=["Another", "Spaced"]).count() == 0


def test_a_national_administrator_belongs_to_no_force(cast: dict[str, Any]) -> None:
    national = cast["national"]
    assert national.force_id is None
    with pytest.raises(AccountError, match="belongs to no force"):
        user_create(username="n.two", force_code="TST", role="national_admin", password=None)
    with pytest.raises(AccountError, match="no force with code"):
        user_create(username="n.three", force_code=None, role="handler", password=None)


def test_another_forces_user_and_a_missing_user_look_the_same(cast: dict[str, Any]) -> None:
    client = sign_in(Client(), cast["other_admin"])
    forbidden = client.get(f"/users/{cast['supervisor2'].pk}/")
    missing = client.get("/users/999999/")
    assert forbidden.status_code == missing.status_code == 404

    def scrub(body: bytes) -> str:
        text = re.sub(r'"X-CSRFToken": "[^"]+"', "", body.decode())
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
        return re.sub(r"Request [0-9a-f]{12}\.", "", text)

    assert scrub(forbidden.content) == scrub(missing.content)
