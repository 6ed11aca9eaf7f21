"""Every British short form the issue names finds its formal name (and back), against every backend."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from heed.checks import PersonIndex, import_csv, open_index

from .conftest import DATA, ON

SHORT_FORMS = DATA / "short_forms.csv"


@pytest.fixture
def people(location: str) -> Iterator[PersonIndex]:
    """One SYNTHETIC record per formal name, each with a family name no other record shares."""
    report = import_csv(SHORT_FORMS, location)
    assert report.refused == 0, report.errors
    with open_index(location) as opened:
        yield opened


@pytest.mark.parametrize(
    ("short", "family", "record_id"),
    [
        ("Gaz", "Pryce", "SF-GARETH"),
        ("Gaz", "Ashworth", "SF-GARY"),
        ("Baz", "Kendrick", "SF-BARRY"),
        ("Del", "Holloway", "SF-DEREK"),
        ("Tel", "Mulligan", "SF-TERENCE"),
        ("Shaz", "Whitlock", "SF-SHARON"),
        ("Ste", "Cartwright", "SF-STEPHEN"),
        ("Mo", "Rahman", "SF-MOHAMMED"),
        ("Kaz", "Fairbrother", "SF-KAREN"),
        ("Olly", "Penhaligon", "SF-OLIVER"),
        ("Izzy", "Quarrie", "SF-ISABEL"),
        ("Alfie", "Tebbutt", "SF-ALFRED"),
        ("Oliver", "Brackenbury", "SF-OLLY"),
    ],
)
def test_short_form_finds_the_formal_name(
    people: PersonIndex, short: str, family: str, record_id: str
) -> None:
    results = people.search({"given_name": short, "family_name": family}, k=3, reference_date=ON)["results"]
    assert results[0]["record_id"] == record_id
    assert results[0]["explanation"]["given_name"]["level"] == "nickname"
    assert results[0]["explanation"]["family_name"]["level"] == "exact"


def test_a_short_form_with_an_age_and_town_ranks_its_formal_name_first(people: PersonIndex) -> None:
    result = people.search({"given_name": "Shaz", "age": 55, "town": "Dartford"}, reference_date=ON)
    first = result["results"][0]
    assert first["record_id"] == "SF-SHARON"
    assert first["band"] != "strong"  # a first name, however it matches, is never enough on its own
    assert "add a family name, or any part of it the caller remembers" in result["advice"]
