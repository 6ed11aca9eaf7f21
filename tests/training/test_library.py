"""The national library: at least 30 scenarios, every one valid against the guidance pack, each supervisor
scenario's planted call really reaching review through Heed's own guard, and the seed case as the issue
describes it."""

from __future__ import annotations

from typing import Any

import pytest

from heed.risk import default_pack
from heed.training import services
from heed.training.library import curricula
from heed.training.scenario import library_files, load_library

LIBRARY = load_library(default_pack())


def test_the_library_holds_at_least_thirty_scenarios_of_both_roles() -> None:
    assert len(library_files()) == len(LIBRARY) >= 30
    roles = [s.role for s in LIBRARY.values()]
    assert roles.count("supervisor") >= 5 and roles.count("handler") >= 25


def test_the_library_covers_what_the_issue_names() -> None:
    keys = [s.key for s in LIBRARY.values() if s.role == "handler"]
    assert any(k.emergency for k in keys)
    assert sum(1 for k in keys if "extremism" in k.indicators) >= 3  # far-right, Islamist, incel
    assert sum(1 for k in keys if "coercion_threats" in k.indicators) >= 2  # sextortion
    negatives = [k for k in keys if k.risk == "standard" and not k.referral]
    assert len(negatives) >= 3 and all("advice_given" in k.outcomes for k in negatives)
    assert any(s.caller["relation"] == "child" for s in LIBRARY.values())


def test_the_seed_case_is_the_watchdogs_case_fictionalised() -> None:
    seed = LIBRARY["seed-case"]
    assert seed.caller["relation"] == "parent" and seed.child["age"] == 14
    assert {"gifts", "isolation", "age_gap"} <= set(seed.key.indicators)
    (person,) = seed.key.persons
    record = next(r for r in seed.records if r["record_id"] == person.record)
    assert person.marker and "against a child" in record["markers"]
    assert seed.opening.count("groom") + sum(f.says.count("groom") for f in seed.facts) >= 2


def test_every_record_and_person_is_labelled_synthetic() -> None:
    for s in LIBRARY.values():
        assert "SYNTHETIC" in s.caller["name"], s.id
        assert all(r["synthetic"] == "SYNTHETIC" for r in s.records), s.id


def test_every_curriculum_names_scenarios_in_the_library() -> None:
    for c in curricula():
        assert c.scenarios and set(c.scenarios) <= set(LIBRARY), c.id


@pytest.mark.django_db
@pytest.mark.parametrize("scenario_id", sorted(i for i, s in LIBRARY.items() if s.role == "supervisor"))
def test_every_supervisor_scenarios_call_reaches_review(scenario_id: str, cast: dict[str, Any]) -> None:
    attempt = services.attempt_start(actor=cast["supervisor"], scenario=scenario_id, mode="assisted")
    assert attempt.call.status == "awaiting_review"
    assert attempt.call.risk in ("medium", "high")
    assert attempt.call.created_by.username.startswith("synthetic.training-handler.")
