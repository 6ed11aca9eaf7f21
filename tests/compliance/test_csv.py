"""The compliance CSV (heed.compliance.services.compliance_csv, through /compliance.csv): it names handlers,
so every download is recorded in the force's access chain with who, the period, how many handlers and the
digest of exactly what was sent; nothing of it is kept on the server or on the way."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.test import Client

from heed.audit.chain import chain_for_force
from heed.audit.models import AuditEvent
from heed.compliance import figures as cf
from heed.compliance.synthetic import Generated
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_a_download_is_audited_with_its_digest(cast: dict[str, Any], month: Generated) -> None:
    period = cf.month_period(month.month)
    query = f"from={period.start.isoformat()}&to={period.end.isoformat()}"
    got = sign_in(Client(), cast["auditor"]).get(f"/compliance.csv?{query}")
    assert got.status_code == 200
    assert got["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(event_type="compliance.exported")
    assert event.actor_label == cast["auditor"].username and event.force_code == "TST"
    assert event.chain == chain_for_force("TST", access=True)  # a read: the access chain
    assert event.after["digest"] == hashlib.sha256(got.content).hexdigest()
    assert event.after["period_start"] == period.start.isoformat()
    assert event.after["period_end"] == period.end.isoformat()
    assert event.after["handlers"] == 3  # handler, handler2 and handler3 took the month's calls
    assert event.after["rows"] == got.content.decode().count("\n") - 1  # every row but the header


def test_each_download_is_a_record_of_its_own(cast: dict[str, Any]) -> None:
    client = sign_in(Client(), cast["supervisor"])
    client.get("/compliance.csv")
    client.get("/compliance.csv")
    assert AuditEvent.objects.filter(event_type="compliance.exported").count() == 2


def test_the_page_says_the_csv_is_personal_data(cast: dict[str, Any]) -> None:
    page = sign_in(Client(), cast["supervisor"]).get("/compliance/").content.decode()
    assert "it names each handler, so it is personal data, and the download is recorded" in page
