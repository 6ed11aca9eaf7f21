"""Person and identifier checks (services.checks): what was shown is recorded, actions complete and reopen."""

from __future__ import annotations

from typing import Any

import pytest
from tests.closing import status

from heed.audit.models import AuditEvent
from heed.calls import services
from heed.calls.models import PersonCheck, RequiredAction
from heed.calls.selectors import persons_to_check

pytestmark = pytest.mark.django_db


def test_person_check_records_the_results_and_completes_the_action(
    make_call: Any, cast: dict[str, Any]
) -> None:
    call = make_call()
    assert [p["value"] for p in persons_to_check(call)] == ["Kai"]
    check = services.person_check_run(
        actor=cast["handler"],
        call=call,
        query={
            "given_name": "Kai",
            "age": 19,
            "town": "Maidstone",
            "phone": "07700 900123",
            "handle": "NightHawk",
        },
        subject="Kai",
    )
    assert check.results[0]["record_id"] == "SYN-DEMO-0001"
    assert check.results[0]["band"] == "strong" and check.marker_alert
    action = RequiredAction.objects.get(call=call, code="person_check")
    assert action.status == "done" and action.done_by == cast["handler"]
    assert (action.record_type, action.record_id) == ("personcheck", str(check.pk))
    event = AuditEvent.objects.get(call_id=call.pk, event_type="check.person")
    assert event.after["results"][0]["record_id"] == "SYN-DEMO-0001" and event.after["marker_alert"]


def test_a_first_name_alone_is_never_a_strong_match(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call()
    check = services.person_check_run(
        actor=cast["handler"], call=call, query={"given_name": "Kai"}, subject="Kai"
    )
    assert check.top_band != "strong" and not check.marker_alert
    assert check.advice


def test_a_newly_named_person_reopens_the_person_check(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call()
    services.person_check_run(
        actor=cast["handler"], call=call, query={"given_name": "Kai", "age": 19}, subject="Kai"
    )
    assert status(call)["person_check"] == "done"
    services.note_add(
        actor=cast["handler"], call=call, text="CLR adds a man called Dale Price also messages SAM."
    )
    assert status(call)["person_check"] == "outstanding"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({}, "query"),
        ({"given_name": "Kai", "date_of_birth": "2099-01-01"}, "query.date_of_birth"),
        ({"shoe": "9"}, "query.shoe"),
    ],
)
def test_bad_person_queries_name_the_field_and_record_nothing(
    make_call: Any, cast: dict[str, Any], query: dict[str, Any], field: str
) -> None:
    call = make_call()
    with pytest.raises(services.CallError) as exc:
        services.person_check_run(actor=cast["handler"], call=call, query=query)
    assert exc.value.field == field
    assert not PersonCheck.objects.filter(call=call).exists()


def test_a_missing_person_index_is_a_clear_error(
    make_call: Any, cast: dict[str, Any], settings: Any, tmp_path: Any
) -> None:
    call = make_call()
    settings.HEED_INDEX_DIR = str(tmp_path / "nothing-here")
    with pytest.raises(services.CallError, match="heed records import") as exc:
        services.person_check_run(actor=cast["handler"], call=call, query={"given_name": "Kai"})
    assert exc.value.code == "index_unavailable"


def test_identifiers_link_across_reports_in_the_force_only(make_call: Any, cast: dict[str, Any]) -> None:
    earlier = make_call(
        "SYNTHETIC. An older lad who plays as xX_N1GHTHAWK_Xx on Xbox sent her V-Bucks.", actor="handler2"
    )
    other_force = make_call(
        "SYNTHETIC. A man who plays as NightHawk on Xbox asked for pics.", actor="other_handler"
    )
    call = make_call()
    checks = services.identifier_checks_run_all(actor=cast["handler"], call=call)
    by_kind = {c.kind: c for c in checks}
    assert set(by_kind) == {"handle", "phone"}
    refs = [e["reference"] for e in by_kind["handle"].earlier]
    assert refs == [earlier.reference]
    assert other_force.reference not in refs
    assert status(call)["identifier_check"] == "done"


def test_identifier_check_refuses_nonsense(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call()
    with pytest.raises(services.CallError) as exc:
        services.identifier_check_run(actor=cast["handler"], call=call, kind="phone", value="not a number")
    assert exc.value.field == "value"
    with pytest.raises(services.CallError) as exc:
        services.identifier_check_run(actor=cast["handler"], call=call, kind="fax", value="1")
    assert exc.value.field == "kind"


def test_person_checks_also_run_on_the_postgresql_index(
    make_call: Any, cast: dict[str, Any], settings: Any
) -> None:
    """Production keeps the person index in PostgreSQL (HEED_CHECKS_BACKEND=pg): same check, same answer."""
    import os
    import uuid

    from tests.conftest import NOMINALS

    from heed.checks import import_csv
    from heed.checks.pg import PgIndex

    dsn = os.environ.get("HEED_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")
    location = f"{dsn}#schema=heed_web_test_{uuid.uuid4().hex[:10]}"
    assert import_csv(NOMINALS, location).refused == 0
    settings.HEED_INDEX_DIR = location
    try:
        call = make_call()
        check = services.person_check_run(
            actor=cast["handler"],
            call=call,
            query={"given_name": "Kai", "age": 19, "phone": "07700 900123", "handle": "NightHawk"},
            subject="Kai",
        )
        assert check.results[0]["record_id"] == "SYN-DEMO-0001" and check.marker_alert
        assert "@" not in check.index_location  # no credentials kept with the check
    finally:
        with PgIndex(location) as index:
            index.drop()
