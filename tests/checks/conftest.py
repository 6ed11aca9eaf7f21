"""Fixtures for the checks tests: the same tests run against every PersonIndex backend."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from heed.checks import IndexUnavailable, PersonIndex, import_csv, open_index

DATA = Path(__file__).parent / "data"
NOMINALS = DATA / "nominals.csv"
# Ages in the tests are counted on this day, so they do not drift as the calendar moves.
ON = date(2026, 11, 24)

BACKENDS = ["embedded", "pg"]
# CI runs PostgreSQL here; a missing server is a failure, never a skip, so the pg backend cannot rot unseen.
PG_DSN = os.environ.get("HEED_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(params=BACKENDS)
def location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty index location for each backend (a fresh, uniquely named schema for PostgreSQL)."""
    if request.param == "embedded":
        yield str(tmp_path / "index")
        return
    from heed.checks.pg import PgIndex

    schema = f"heed_checks_test_{uuid.uuid4().hex[:12]}"
    location = f"{PG_DSN}#schema={schema}"
    try:
        index = PgIndex(location)
    except IndexUnavailable as exc:
        pytest.fail(f"PostgreSQL backend tests need the server at {PG_DSN} (set HEED_TEST_PG_DSN): {exc}")
    try:
        yield location
    finally:
        index.drop()
        index.close()


@pytest.fixture
def index(location: str) -> Iterator[PersonIndex]:
    """The synthetic nominal records, imported and opened."""
    report = import_csv(NOMINALS, location)
    assert report.refused == 0, report.errors
    with open_index(location) as opened:
        yield opened
