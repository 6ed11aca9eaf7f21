"""The identifier register in Heed's database: cross-report linking for the web app, the API and the CLI alike
(one register: the CLI finds the calls taken on the web)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from heed.accounts.models import Force
from heed.audit.models import AuditEvent
from heed.calls.register import register_add, register_find
from heed.checks import Sighting, identifier_keys
from heed.cli import main

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def force(cast: dict[str, Any]) -> Force:
    return cast["handler"].force  # type: ignore[no-any-return]


def add(force: Force, kind: str, value: str, platform: str | None, ref: str, at: datetime = T0) -> None:
    keys = identifier_keys(kind, value, platform)
    register_add(
        force=force, keys=keys, kind=kind, value=value, platform=platform, seen_at=at, report_ref=ref
    )


def find(
    force: Force, kind: str, value: str, platform: str | None = None, exclude: str = ""
) -> list[Sighting]:
    return register_find(force=force, keys=identifier_keys(kind, value, platform), exclude_report=exclude)


def test_three_spellings_on_one_platform_link(force: Force) -> None:
    add(force, "handle", "NightHawk", "instagram", "CALL-1")
    add(force, "handle", "xXnighthawkXx", "Insta", "CALL-2", T0 + timedelta(days=2))
    found = find(force, "handle", "N1GHTHAWK", "instagram", exclude="CALL-3")
    assert {s.report_ref for s in found} == {"CALL-1", "CALL-2"}
    assert all(s.strength == "weak" for s in found)  # leetspeak is weak evidence
    strong = find(force, "handle", "xXnighthawkXx", "instagram")
    assert [(s.report_ref, s.strength) for s in strong] == [("CALL-2", "strong"), ("CALL-1", "strong")]
    assert strong[0].seen_at == T0 + timedelta(days=2)


def test_different_platforms_do_not_strongly_link(force: Force) -> None:
    add(force, "handle", "NightHawk", "instagram", "CALL-1")
    assert [(s.report_ref, s.strength) for s in find(force, "handle", "NightHawk", "snapchat")] == [
        ("CALL-1", "weak")
    ]


def test_unrelated_handles_do_not_link_and_other_forces_are_not_searched(
    force: Force, cast: dict[str, Any]
) -> None:
    add(force, "handle", "NightHawk", "instagram", "CALL-1")
    assert find(force, "handle", "DayHawk", "instagram") == []
    other = cast["other_handler"].force
    assert other != force
    assert find(other, "handle", "NightHawk", "instagram") == []


def test_phones_and_emails_link_across_formats(force: Force) -> None:
    add(force, "phone", "07700 900123", None, "CALL-1")
    add(force, "email", "kai.x+game@gmail.com", None, "CALL-2")
    assert [s.strength for s in find(force, "phone", "+44 7700 900 123")] == ["strong"]
    assert [s.strength for s in find(force, "email", "KAI.X+game@gmail.com")] == ["strong"]
    assert [s.strength for s in find(force, "email", "kaix@googlemail.com")] == ["weak"]


def test_a_report_is_recorded_once_and_read_back_whole(force: Force) -> None:
    add(force, "handle", "NightHawk", "instagram", "CALL-1")
    add(force, "handle", "nighthawk", "instagram", "CALL-1", T0 + timedelta(hours=1))
    assert [s.to_dict() for s in find(force, "handle", "nighthawk", "instagram")] == [
        {
            "report_ref": "CALL-1",
            "call_id": None,
            "seen_at": "2026-11-01T09:30:00+00:00",
            "kind": "handle",
            "display": "NightHawk (instagram)",
            "strength": "strong",
        }
    ]


def test_naive_time_is_refused(force: Force) -> None:
    with pytest.raises(ValueError, match="timezone"):
        add(force, "handle", "NightHawk", None, "CALL-1", datetime(2026, 1, 1))  # noqa: DTZ001


def test_the_cli_finds_the_calls_taken_on_the_web_and_adds_reports(
    make_call: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    call = make_call("SYNTHETIC. A man messages her on Snapchat as @nighthawk_77 and asked for photos.")
    assert (
        main(["check", "identifier", "handle", "NightHawk_77", "--platform", "snapchat", "--force", "TST"])
        == 0
    )
    earlier = json.loads(capsys.readouterr().out)["earlier_reports"]
    assert [(e["report_ref"], e["call_id"], e["strength"]) for e in earlier] == [
        (call.reference, call.pk, "strong")
    ]
    argv = ["check", "identifier", "handle", "nighthawk77", "--platform", "snapchat", "--add-report", "EXT-9"]
    assert main([*argv, "--force", "tst"]) == 0
    assert json.loads(capsys.readouterr().out)["earlier_reports"][0]["report_ref"] == call.reference
    assert AuditEvent.objects.filter(event_type="register.sighting_added", force_code="TST").count() == 1
    # The report added from the CLI is found by the next look-up (and by the web app's checks).
    assert (
        main(["check", "identifier", "handle", "nighthawk77", "--platform", "snapchat", "--force", "TST"])
        == 0
    )
    refs = [e["report_ref"] for e in json.loads(capsys.readouterr().out)["earlier_reports"]]
    assert set(refs) == {call.reference, "EXT-9"}


def test_the_cli_says_which_force_and_refuses_bad_identifiers(
    cast: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "identifier", "handle", "NightHawk"]) == 2
    assert "--force" in capsys.readouterr().err  # the cast has two forces
    assert main(["check", "identifier", "phone", "12", "--force", "TST"]) == 2
    assert "phone:" in capsys.readouterr().err
    assert main(["check", "identifier", "phone", "07700 900123", "--force", "NOPE"]) == 2
    assert "no force 'NOPE'" in capsys.readouterr().err
