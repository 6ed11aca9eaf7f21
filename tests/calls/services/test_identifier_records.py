"""Identifier checks search the nominal records as well as earlier reports: what was found and what was
searched are recorded as shown; a record with a warning marker holding the identifier raises the alert."""

from __future__ import annotations

import csv
import os
import uuid
from typing import Any

import pytest
from tests.closing import status
from tests.conftest import NOMINALS

from heed.audit.models import AuditEvent
from heed.calls import services

pytestmark = pytest.mark.django_db

with NOMINALS.open(encoding="utf-8") as _f:
    DEMO_RECORDS = sum(1 for _ in csv.DictReader(_f))
# SYNTHETIC demo record SYN000000118 (Zoe Yarsing) holds 07700 900048 and carries marker SX01; no demo record
# holds 07700 900605.
MARKED_PHONE = "07700 900048"
FREE_PHONE = "07700 900605"
PHONE_ONLY = (
    f"SYNTHETIC. A man of about 30 keeps texting SAM from {MARKED_PHONE}, tells him to keep it secret from "
    "his mum and has asked to meet him alone at the park tonight."
)


def test_a_phone_on_a_marked_record_raises_the_marker_alert_and_is_audited(
    make_call: Any, cast: dict[str, Any]
) -> None:
    call = make_call(PHONE_ONLY)
    [check] = services.identifier_checks_run_all(actor=cast["handler"], call=call)
    assert (check.kind, check.display) == ("phone", "+447700900048")
    assert check.earlier == []
    assert [(h["record_id"], h["strength"]) for h in check.record_hits] == [("SYN000000118", "strong")]
    assert check.record_hits[0]["markers"][0]["code"] == "SX01"
    assert check.record_hits[0]["record"]["family_name"] == "Yarsing"
    assert check.marker_alert is True
    assert check.records_searched == DEMO_RECORDS and check.records_error == ""
    assert check.sources == (
        f"Searched earlier reports in this force and nominal records ({DEMO_RECORDS} records)"
    )
    event = AuditEvent.objects.get(call_id=call.pk, event_type="check.identifier")
    assert event.after["marker_alert"] is True
    assert event.after["records"] == [{"record_id": "SYN000000118", "strength": "strong", "markers": 1}]
    assert event.after["records_searched"] == DEMO_RECORDS
    assert status(call)["identifier_check"] == "done"


def test_a_number_no_record_holds_is_clean_only_after_both_were_searched(
    make_call: Any, cast: dict[str, Any]
) -> None:
    call = make_call(PHONE_ONLY)
    check = services.identifier_check_run(actor=cast["handler"], call=call, kind="phone", value=FREE_PHONE)
    assert check.record_hits == [] and check.marker_alert is False
    assert check.records_searched == DEMO_RECORDS


def test_a_look_alike_on_a_marked_record_is_shown_without_the_alert(
    make_call: Any, cast: dict[str, Any]
) -> None:
    # SYN-DEMO-0001 (CSX marker) holds NightHawk on xbox: the same name on snapchat is a lead, not a finding.
    call = make_call(PHONE_ONLY)
    check = services.identifier_check_run(
        actor=cast["handler"], call=call, kind="handle", value="NightHawk", platform="snapchat"
    )
    assert [(h["record_id"], h["strength"]) for h in check.record_hits] == [("SYN-DEMO-0001", "weak")]
    assert check.marker_alert is False
    without_platform = services.identifier_check_run(
        actor=cast["handler"], call=call, kind="handle", value="nighthawk"
    )
    assert [(h["record_id"], h["strength"]) for h in without_platform.record_hits] == [
        ("SYN-DEMO-0001", "strong")
    ]
    assert without_platform.marker_alert is True


def test_an_index_that_cannot_be_searched_is_recorded_as_not_searched_never_clean(
    make_call: Any, cast: dict[str, Any], settings: Any, tmp_path: Any
) -> None:
    call = make_call(PHONE_ONLY)
    settings.HEED_INDEX_DIR = str(tmp_path / "nothing-here")
    [check] = services.identifier_checks_run_all(actor=cast["handler"], call=call)
    assert check.records_searched is None and check.record_hits == []
    assert "no person index" in check.records_error and "heed records import" in check.records_error
    assert check.marker_alert is False
    assert check.sources == "Searched earlier reports in this force; nominal records not searched"
    event = AuditEvent.objects.get(call_id=call.pk, event_type="check.identifier")
    assert event.after["records_searched"] is None and "no person index" in event.after["records_error"]
    # Earlier reports alone do not complete the check the call requires.
    assert status(call)["identifier_check"] == "outstanding"


def test_identifier_checks_also_search_the_postgresql_index(
    make_call: Any, cast: dict[str, Any], settings: Any
) -> None:
    from heed.checks import import_csv
    from heed.checks.pg import PgIndex

    dsn = os.environ.get("HEED_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")
    location = f"{dsn}#schema=heed_web_test_{uuid.uuid4().hex[:10]}"
    assert import_csv(NOMINALS, location).refused == 0
    settings.HEED_INDEX_DIR = location
    try:
        call = make_call(PHONE_ONLY)
        [check] = services.identifier_checks_run_all(actor=cast["handler"], call=call)
        assert [(h["record_id"], h["strength"]) for h in check.record_hits] == [("SYN000000118", "strong")]
        assert check.marker_alert is True and check.records_searched == DEMO_RECORDS
    finally:
        with PgIndex(location) as index:
            index.drop()


def test_an_unreachable_postgresql_index_is_recorded_without_its_credentials(
    make_call: Any, cast: dict[str, Any], settings: Any
) -> None:
    call = make_call(PHONE_ONLY)
    settings.HEED_INDEX_DIR = "postgresql://heed:s3cret-SYNTHETIC@127.0.0.1:1/nowhere"
    [check] = services.identifier_checks_run_all(actor=cast["handler"], call=call)
    assert check.records_searched is None
    assert "PostgreSQL person index unreachable at postgresql://127.0.0.1:1/nowhere" in check.records_error
    event = AuditEvent.objects.get(call_id=call.pk, event_type="check.identifier")
    assert "s3cret" not in check.records_error and "s3cret" not in str(event.after)
