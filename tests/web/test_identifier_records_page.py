"""The call page, the API and the CLI show what an identifier check found in the nominal records and what it
searched; a phone on a record with a warning marker raises the same alert as a person match."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from tests.calls.services.test_identifier_records import DEMO_RECORDS, FREE_PHONE, MARKED_PHONE, PHONE_ONLY
from tests.conftest import sign_in

from heed.accounts.services import token_create
from heed.cli import main

pytestmark = pytest.mark.django_db


@pytest.fixture
def handler_client(cast: dict[str, Any]) -> Client:
    client = Client()
    sign_in(client, cast["handler"])
    return client


def test_a_phone_on_a_marked_record_raises_the_marker_alert_on_the_call_page(
    handler_client: Client, make_call: Any
) -> None:
    call = make_call(PHONE_ONLY)
    before = handler_client.get(f"/calls/{call.pk}/").content.decode()
    assert 'id="marker-alert"' not in before
    response = handler_client.post(f"/calls/{call.pk}/identifier-check", {"all": "1"})
    assert response.status_code == 302 and response["Location"].endswith("#marker-alert")
    page = handler_client.get(f"/calls/{call.pk}/").content.decode()
    alert = page[page.index('id="marker-alert"') : page.index('<div class="heed-call-head">')]
    assert "Warning marker on a matching record" in alert
    assert "PHONE NUMBER ON A RECORD" in alert and "+447700900048 is held by Zoe Yarsing" in alert
    assert "SYN000000118" in alert and "SX01 – SYNTHETIC alleged sexual offence against a child" in alert
    result = page[page.index('id="identifier-check-') :]
    assert "Nominal records holding +447700900048" in result
    assert f"Searched earlier reports in this force and nominal records ({DEMO_RECORDS} records)." in result
    assert "heed-row-alert" in result


def test_a_clean_number_says_both_sources_were_searched_and_raises_no_alert(
    handler_client: Client, make_call: Any
) -> None:
    call = make_call(PHONE_ONLY)
    response = handler_client.post(
        f"/calls/{call.pk}/identifier-check", {"kind": "phone", "value": FREE_PHONE, "platform": ""}
    )
    assert response["Location"].endswith("#identifiers")
    page = handler_client.get(f"/calls/{call.pk}/").content.decode()
    assert 'id="marker-alert"' not in page
    assert "no earlier report in this force." in page and "No nominal record holds it." in page


def test_an_index_that_cannot_be_searched_is_said_on_the_page_never_clean(
    handler_client: Client, make_call: Any, settings: Any, tmp_path: Any
) -> None:
    call = make_call(PHONE_ONLY)
    settings.HEED_INDEX_DIR = str(tmp_path / "nothing-here")
    handler_client.post(f"/calls/{call.pk}/identifier-check", {"all": "1"})
    page = handler_client.get(f"/calls/{call.pk}/").content.decode()
    assert "Nominal records were not searched: no person index" in page
    assert "This is not a clean result" in page
    assert "No nominal record holds it." not in page
    assert "Searched earlier reports in this force; nominal records not searched." in page
    listed = page[page.index('<ul class="govuk-list heed-identifiers">') :]
    listed = listed[: listed.index("</ul>")]
    assert "+447700900048" in listed and "Not yet checked" in listed and "Checked</strong>" not in listed


def test_the_api_returns_the_records_found_and_the_sources(cast: dict[str, Any], make_call: Any) -> None:
    call = make_call(PHONE_ONLY)
    response = Client().post(
        f"/api/v1/calls/{call.pk}/identifier-checks",
        json.dumps({"all": True}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_create(user=cast['handler'])}",
    )
    assert response.status_code == 201
    [check] = response.json()["checks"]
    assert check["marker_alert"] is True
    assert check["records"]["searched"] is True and check["records"]["record_count"] == DEMO_RECORDS
    assert [(h["record_id"], h["strength"]) for h in check["records"]["hits"]] == [("SYN000000118", "strong")]
    assert check["records"]["hits"][0]["markers"][0]["code"] == "SX01"
    assert check["sources"].startswith("Searched earlier reports in this force and nominal records")


def test_the_cli_searches_the_nominal_records_too(
    cast: dict[str, Any], capsys: pytest.CaptureFixture[str], settings: Any, tmp_path: Any
) -> None:
    assert main(["check", "identifier", "phone", MARKED_PHONE, "--force", "TST"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["earlier_reports"] == [] and out["marker_alert"] is True
    assert [h["record_id"] for h in out["records"]["hits"]] == ["SYN000000118"]
    assert out["records"]["record_count"] == DEMO_RECORDS
    assert (
        out["sources"]
        == f"Searched earlier reports in this force and nominal records ({DEMO_RECORDS} records)"
    )
    # No index: the JSON says so and the exit code is 1, so a script cannot read it as "no record".
    settings.HEED_INDEX_DIR = str(tmp_path / "nothing-here")
    assert main(["check", "identifier", "phone", MARKED_PHONE, "--force", "TST"]) == 1
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["records"]["searched"] is False and out["records"]["hits"] == []
    assert "nominal records not searched: no person index" in captured.err
