"""Teams: a force administrator makes the force's teams (a name unique in the force, whatever its case) and
puts users in them, or in none, on the users' pages or with ``heed team add`` / ``heed user team``; every
change is audited; a team of another force is refused however it is asked for."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from tests.conftest import sign_in

from heed.accounts.models import Team, User
from heed.accounts.services import (
    AccountError,
    team_create,
    user_create,
    user_team_set,
    user_team_set_by_name,
)
from heed.audit.events import EventType
from heed.audit.models import AuditEvent
from heed.cli import main

pytestmark = pytest.mark.django_db


def events(kind: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=kind).order_by("seq"))


def test_an_administrator_makes_a_team_and_a_name_is_unique_in_the_force(cast: dict[str, Any]) -> None:
    admin = sign_in(Client(), cast["admin"])
    made = admin.post("/users/teams", {"name": "  Blue   watch "})
    assert made.status_code == 302
    team = Team.objects.get()
    assert (team.name, team.force.code) == ("Blue watch", "TST")
    (event,) = events(EventType.TEAM_CREATED)
    assert (event.actor_id, event.force_code, event.after) == (
        cast["admin"].pk,
        "TST",
        {"name": "Blue watch", "force": "TST"},
    )
    again = admin.post("/users/teams", {"name": "BLUE WATCH"})
    assert again.status_code == 400
    assert "TST already has a team called" in again.content.decode()
    assert Team.objects.count() == 1 and len(events(EventType.TEAM_CREATED)) == 1
    # the same name in another force is another team
    other = sign_in(Client(), cast["other_admin"]).post("/users/teams", {"name": "Blue watch"})
    assert other.status_code == 302
    assert sorted(Team.objects.values_list("force__code", flat=True)) == ["OTH", "TST"]
    # each administrator's list shows their own force's teams only
    listing = admin.get("/users/teams").content.decode()
    assert listing.count("data-team=") == 1


def test_the_database_refuses_a_second_team_of_one_name_in_a_force(cast: dict[str, Any]) -> None:
    from django.db import IntegrityError, transaction

    Team.objects.create(force=cast["admin"].force, name="Red watch")
    with pytest.raises(IntegrityError), transaction.atomic():
        Team.objects.create(force=cast["admin"].force, name="red WATCH")


def test_a_team_name_must_be_given_and_short_enough(cast: dict[str, Any]) -> None:
    for name in ("", "   ", "x" * 101):
        with pytest.raises(AccountError):
            team_create(name=name, actor=cast["admin"])
    # only a force administrator makes teams from a page's service call
    with pytest.raises(AccountError):
        team_create(name="Blue watch", actor=cast["supervisor"])
    assert not Team.objects.exists()


def test_the_administrator_puts_a_user_in_a_team_and_out_again_audited(cast: dict[str, Any]) -> None:
    blue = team_create(name="Blue watch", actor=cast["admin"])
    admin = sign_in(Client(), cast["admin"])
    handler = cast["handler"]
    moved = admin.post(f"/users/{handler.pk}/team", {"team": str(blue.pk)})
    assert moved.status_code == 302
    handler.refresh_from_db()
    assert handler.team_id == blue.pk
    assert "Blue watch" in admin.get(f"/users/{handler.pk}/").content.decode()
    assert "Blue watch" in admin.get("/users/").content.decode()
    # the same again changes nothing and records nothing
    assert admin.post(f"/users/{handler.pk}/team", {"team": str(blue.pk)}).status_code == 302
    out = admin.post(f"/users/{handler.pk}/team", {"team": ""})
    assert out.status_code == 302
    handler.refresh_from_db()
    assert handler.team_id is None
    changes = events(EventType.USER_TEAM_CHANGED)
    assert [(e.before, e.after) for e in changes] == [
        ({"team": None, "team_id": None}, {"team": "Blue watch", "team_id": blue.pk}),
        ({"team": "Blue watch", "team_id": blue.pk}, {"team": None, "team_id": None}),
    ]
    assert {(e.actor_id, e.object_id, e.force_code) for e in changes} == {
        (cast["admin"].pk, str(handler.pk), "TST")
    }


def test_a_team_of_another_force_is_refused(cast: dict[str, Any]) -> None:
    theirs = team_create(name="Blue watch", force_code="OTH")
    admin = sign_in(Client(), cast["admin"])
    # never offered: the user's page lists the administrator's own force's teams only
    detail = admin.get(f"/users/{cast['handler'].pk}/").content.decode()
    assert "Blue watch" not in detail and '<option value="" selected>No team</option>' in detail
    assert "data-team=" not in admin.get("/users/teams").content.decode()
    refused = admin.post(f"/users/{cast['handler'].pk}/team", {"team": str(theirs.pk)})
    assert refused.status_code == 400
    assert "Choose one of your force&#x27;s teams" in refused.content.decode()
    with pytest.raises(AccountError, match="your force's teams"):
        user_team_set(actor=cast["admin"], user_id=cast["handler"].pk, team_id=theirs.pk)
    # the other force's administrator reaches neither the user nor, so, their team
    from heed.accounts.access import UserNotFound

    with pytest.raises(UserNotFound):
        user_team_set(actor=cast["other_admin"], user_id=cast["handler"].pk, team_id=theirs.pk)
    # by name, a team is looked for in the user's own force only
    with pytest.raises(AccountError, match="no team called 'Blue watch' in force TST"):
        user_team_set_by_name(username="t.handler", team="Blue watch")
    with pytest.raises(AccountError, match="no team called"):
        user_create(username="t.new", force_code="TST", role="handler", password=None, team="Blue watch")
    # and the last word: the service that writes the team refuses another force's whoever calls it
    from heed.accounts.services import _team_change

    with pytest.raises(AccountError, match="own force only"):
        _team_change(cast["handler"], theirs, cast["admin"], "")
    assert User.objects.get(pk=cast["handler"].pk).team_id is None
    assert not events(EventType.USER_TEAM_CHANGED)


def test_the_commands_make_teams_and_put_users_in_them(cast: dict[str, Any], capsys: Any) -> None:
    assert main(["team", "add", "Night shift", "--force", "tst"]) == 0
    assert capsys.readouterr().out == "added team Night shift to force TST\n"
    assert main(["team", "add", "night SHIFT", "--force", "TST"]) == 2
    assert "TST already has a team called" in capsys.readouterr().err
    assert main(["user", "team", "t.handler2", "--team", "night shift"]) == 0
    assert capsys.readouterr().out == "t.handler2 is in team Night shift\n"
    assert User.objects.get(username="t.handler2").team.name == "Night shift"  # type: ignore[union-attr]
    assert main(["user", "team", "t.handler2", "--no-team"]) == 0
    assert capsys.readouterr().out == "t.handler2 is in no team\n"
    assert main(["user", "team", "t.other_handler", "--team", "Night shift"]) == 2
    assert "no team called 'Night shift' in force OTH" in capsys.readouterr().err
    made = user_create(
        username="t.joiner", force_code="TST", role="handler", password=None, team="NIGHT shift"
    )
    assert made.team is not None and made.team.name == "Night shift"
    created = AuditEvent.objects.filter(event_type=EventType.USER_CREATED, object_id=str(made.pk)).get()
    assert created.after["team"] == "Night shift"
    kinds = [e.actor_label for e in events(EventType.USER_TEAM_CHANGED)]
    assert kinds == ["cli", "cli"]


@pytest.mark.django_db(transaction=True)
def test_one_name_made_at_once_makes_one_team(cast: dict[str, Any], clears_audit: None) -> None:
    from tests.concurrency import at_once

    names = ["Blue watch", "BLUE WATCH", "blue watch", "Blue  watch"]
    results = at_once(lambda i: team_create(name=names[i], actor=cast["admin"]), 4)
    made = [r for r in results if isinstance(r, Team)]
    refused = [r for r in results if isinstance(r, AccountError)]
    assert (len(made), len(refused)) == (1, 3), results
    assert all("already has a team called" in str(r) for r in refused)
    assert Team.objects.count() == 1 and len(events(EventType.TEAM_CREATED)) == 1
