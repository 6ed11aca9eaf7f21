"""The trainer's cohort CSV names staff beside their results, so every download is recorded in the force's
access chain with who, the period, how many people and the digest of what was sent
(heed.training.exports)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.test import Client

from heed.audit.chain import chain_for_force
from heed.audit.models import AuditEvent
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_a_cohort_download_is_audited_with_its_digest(cast: dict[str, Any]) -> None:
    got = sign_in(Client(), cast["trainer"]).get("/training/cohort.csv")
    assert got.status_code == 200 and got["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(event_type="training.cohort_exported")
    assert event.actor_label == cast["trainer"].username
    assert event.chain == chain_for_force(cast["trainer"].force.code, access=True)
    assert event.after["digest"] == hashlib.sha256(got.content).hexdigest()
    assert event.after["rows"] == got.content.decode().count("\n") - 1
