"""Search behaviour on a small SYNTHETIC nominal file, against every backend."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from heed.checks import PersonIndex, QueryError

from .conftest import ON


def top(index: PersonIndex, **query: Any) -> dict[str, Any]:
    result = index.search(query, k=5, reference_date=ON)
    assert result["results"], f"nothing found for {query}"
    first: dict[str, Any] = result["results"][0]
    return first


def ids(index: PersonIndex, k: int = 10, **query: Any) -> list[str]:
    return [r["record_id"] for r in index.search(query, k=k, reference_date=ON)["results"]]


def test_exact_name_and_dob_is_a_strong_match_with_markers(index: PersonIndex) -> None:
    first = top(index, given_name="Gary", family_name="Smith", date_of_birth="1990-05-03")
    assert first["record_id"] == "SYN-0001"
    assert first["band"] == "strong"
    assert first["score"] > 0.9
    assert first["markers"] == [
        {"code": "SX01", "description": "SYNTHETIC alleged sexual offence against a child", "year": 2019}
    ]
    assert first["explanation"]["family_name"]["level"] == "exact"
    assert first["explanation"]["date_of_birth"]["level"] == "exact"
    assert first["record"]["phones"] == ["+447700900123"]


@pytest.mark.parametrize(
    ("given", "formal_id"),
    [
        ("Gaz", "SYN-0001"),
        ("Tel", "SYN-0007"),
        ("Ste", "SYN-0008"),
        ("Mo", "SYN-0009"),
        ("Bex", "SYN-0010"),
        ("Liv", "SYN-0011"),
        ("Isabel", "SYN-0012"),
        ("Alfie", "SYN-0013"),
        ("Del", "SYN-0014"),
        ("Baz", "SYN-0015"),
        ("Kaz", "SYN-0016"),
        ("Jonno", "SYN-0017"),
        ("Robbo", "SYN-0018"),
    ],
)
def test_british_nicknames_find_the_formal_name(index: PersonIndex, given: str, formal_id: str) -> None:
    family = {
        "SYN-0001": "Smith",
        "SYN-0007": "Walsh",
        "SYN-0008": "Hughes",
        "SYN-0009": "Khan",
        "SYN-0010": "Lloyd",
        "SYN-0011": "Nwosu",
        "SYN-0012": "Carter",
        "SYN-0013": "Dunn",
        "SYN-0014": "Price",
        "SYN-0015": "Cole",
        "SYN-0016": "Doyle",
        "SYN-0017": "Reid",
        "SYN-0018": "Marsh",
    }[formal_id]
    first = top(index, given_name=given, family_name=family)
    assert first["record_id"] == formal_id
    assert first["explanation"]["given_name"]["level"] == "nickname"


def test_typo_and_phonetic_family_name(index: PersonIndex) -> None:
    first = top(index, given_name="Gary", family_name="Smtih", date_of_birth="1990-05-03")
    assert first["record_id"] == "SYN-0001"
    assert first["explanation"]["family_name"]["level"] in {"typo", "phonetic"}
    first = top(index, given_name="Gary", family_name="Smyth", date_of_birth="1990-05-03")
    assert first["record_id"] == "SYN-0001"
    assert first["explanation"]["family_name"]["level"] == "phonetic"


def test_swapped_given_and_family_names(index: PersonIndex) -> None:
    first = top(index, given_name="Hughes", family_name="Stephen", date_of_birth="1995-12-01")
    assert first["record_id"] == "SYN-0008"
    assert first["explanation"]["family_name"]["via"] == "swapped"


def test_alias_on_the_record_is_searched(index: PersonIndex) -> None:
    first = top(index, given_name="Kai", family_name="Bryant", age=19)
    assert first["record_id"] == "SYN-0003"
    assert first["explanation"]["family_name"]["via"] == "record_alias"


def test_mac_and_o_apostrophe_and_accents(index: PersonIndex) -> None:
    assert top(index, given_name="Sharon", family_name="McDonald-Jones")["record_id"] == "SYN-0006"
    assert top(index, given_name="Kai", family_name="OBrien")["record_id"] == "SYN-0003"
    assert top(index, given_name="Zoe", family_name="Ferreira")["record_id"] == "SYN-0019"
    assert top(index, given_name="Liam", family_name="MacAllister")["record_id"] == "SYN-0020"


@pytest.mark.parametrize(
    ("dob", "level"),
    [
        ("1990-03-05", "day_month_swap"),
        ("1991-05-03", "year_off"),
        ("03/05/1990", "exact"),
        ("1990-05", "partial"),
    ],
)
def test_date_of_birth_variations(index: PersonIndex, dob: str, level: str) -> None:
    first = top(index, given_name="Gary", family_name="Smith", date_of_birth=dob)
    assert first["record_id"] == "SYN-0001"
    assert first["explanation"]["date_of_birth"]["level"] == level


def test_age_instead_of_a_date_and_a_town(index: PersonIndex) -> None:
    result = index.search({"given_name": "Kai", "age": 19, "town": "Maidstone"}, reference_date=ON)
    first = result["results"][0]
    assert first["record_id"] == "SYN-0003"
    assert first["explanation"]["date_of_birth"]["level"] == "age_exact"
    assert first["band"] != "strong"
    assert "add a family name, or any part of it the caller remembers" in result["advice"]


def test_first_name_alone_is_never_strong_and_advice_says_what_to_add(index: PersonIndex) -> None:
    result = index.search({"given_name": "Kai"}, reference_date=ON)
    found = {r["record_id"] for r in result["results"]}
    assert {"SYN-0003", "SYN-0004", "SYN-0005", "SYN-0021"} <= found
    assert all(r["band"] == "weak" for r in result["results"])
    assert "add a date of birth or approximate age" in result["advice"]
    assert "add a town or postcode district" in result["advice"]


def test_age_range_counts_from_the_reference_date(index: PersonIndex) -> None:
    found = ids(index, given_name="Kai", age_min=18, age_max=20)
    assert found[:3] and set(found[:3]) >= {"SYN-0003", "SYN-0021"}
    assert found.index("SYN-0004") > found.index("SYN-0003")


@pytest.mark.parametrize(
    "phone",
    [
        "07700 900456",
        "+447700900456",
        "0044 7700 900456",
        "(07700) 900-456",
        "+44 (0)7700 900456",
        "447700900456",
        "07700.900.456",
    ],
)
def test_phone_in_any_uk_format(index: PersonIndex, phone: str) -> None:
    first = top(index, phone=phone)
    assert first["record_id"] == "SYN-0003"
    assert first["explanation"]["phone"]["level"] == "exact"


def test_phone_and_name_is_strong(index: PersonIndex) -> None:
    first = top(index, given_name="Kai", family_name="O'Brien", phone="07700900456")
    assert first["band"] == "strong"


def test_email_gmail_dots_are_weak_evidence(index: PersonIndex) -> None:
    first = top(index, email="stevehughes@gmail.com")
    assert first["record_id"] == "SYN-0008"
    assert first["explanation"]["email"]["level"] == "weak"
    assert top(index, email="Steve.Hughes@GoogleMail.com")["explanation"]["email"]["level"] == "exact"


@pytest.mark.parametrize(
    ("handle", "platform", "level"),
    [
        ("NightHawk", "instagram", "exact"),
        ("xXnighthawkXx", "insta", "exact"),
        ("ｎｉｇｈｔｈａｗｋ", "instagram", "exact"),
        ("night.hawk", None, "exact"),
        ("N1GHTHAWK", "instagram", "weak"),
        ("nighthawk77", "instagram", "weak"),
        ("NightHawk", "tiktok", "other_platform"),
        ("nіghthаwk", "instagram", "exact"),  # Cyrillic і and а: look-alike letters
        ("Night_Hawk", "IG", "exact"),
        ("NightHawk#1234", "instagram", "exact"),
        ("@NIGHTHAWK", None, "exact"),
        ("n1ghth4wk", None, "weak"),
    ],
)
def test_handle_written_differently(
    index: PersonIndex, handle: str, platform: str | None, level: str
) -> None:
    query = {"handle": handle} | ({"platform": platform} if platform else {})
    first = top(index, **query)
    assert first["record_id"] == "SYN-0001"
    assert first["explanation"]["handle"]["level"] == level


def test_discord_tag_and_wrapper(index: PersonIndex) -> None:
    first = top(index, handle="Shadow", platform="discord")
    assert first["record_id"] == "SYN-0020"
    assert first["explanation"]["handle"]["level"] == "exact"


@pytest.mark.parametrize("handle", ["Shadow#4821", "xX_Shadow_Xx#0001", "SHADOW", "ｓｈａｄｏｗ"])
def test_discord_handle_however_the_caller_writes_it(index: PersonIndex, handle: str) -> None:
    first = top(index, handle=handle, platform="Discord")
    assert first["record_id"] == "SYN-0020"
    assert first["explanation"]["handle"]["level"] == "exact"


def test_leetspeak_handle_is_found_but_only_as_weak_evidence(index: PersonIndex) -> None:
    first = top(index, handle="Sh4d0w", platform="discord")
    assert first["record_id"] == "SYN-0020"
    assert first["explanation"]["handle"]["level"] == "weak"
    assert "weak evidence" in first["explanation"]["handle"]["note"]
    assert first["band"] == "weak"


def test_alias_in_the_query_is_searched(index: PersonIndex) -> None:
    first = top(index, given_name="Kevin", family_name="Jones", alias="Kai Bryant")
    assert first["record_id"] == "SYN-0003"
    assert first["explanation"]["family_name"]["level"] == "exact"


def test_swapped_names_with_an_age_instead_of_a_date(index: PersonIndex) -> None:
    first = top(index, given_name="Walsh", family_name="Tel", age=54)
    assert first["record_id"] == "SYN-0007"
    assert first["explanation"]["given_name"] == {
        "level": "nickname",
        "via": "swapped",
        "query_form": "tel",
        "record_form": "terence",
        "weight": first["explanation"]["given_name"]["weight"],
    }
    assert first["explanation"]["date_of_birth"]["level"] == "age_exact"


def test_results_are_ranked_and_k_limits_them(index: PersonIndex) -> None:
    result = index.search({"given_name": "Gary", "family_name": "Smith"}, k=2, reference_date=ON)
    assert len(result["results"]) == 2
    scores = [r["score"] for r in result["results"]]
    assert scores == sorted(scores, reverse=True)
    assert {r["record_id"] for r in result["results"]} == {"SYN-0001", "SYN-0022"}


def test_contradicting_dob_lowers_the_score(index: PersonIndex) -> None:
    same = top(index, given_name="Gary", family_name="Smith", date_of_birth="1990-05-03")
    other = index.search(
        {"given_name": "Gary", "family_name": "Smith", "date_of_birth": "1964-08-08"}, reference_date=ON
    )["results"]
    assert other[0]["record_id"] == "SYN-0022"
    wrong = next(r for r in other if r["record_id"] == "SYN-0001")
    assert wrong["score"] < same["score"]
    assert wrong["explanation"]["date_of_birth"]["level"] == "disagree"
    assert wrong["band"] != "strong"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({}, "query"),
        ({"given_name": "   "}, "query"),
        ({"town": "Maidstone"}, "query"),
        ({"given_name": "Kai", "age_min": 30, "age_max": 20}, "age_min"),
        ({"given_name": "Kai", "age": 19, "date_of_birth": "1960-01-01"}, "age"),
        ({"given_name": "Kai", "nickname": "K"}, "nickname"),
        ({"given_name": "Kai", "date_of_birth": "31/02/2000"}, "date_of_birth"),
        ({"given_name": "Kai", "date_of_birth": "2090-01-01"}, "date_of_birth"),
        ({"given_name": "Kai", "age": "nineteen"}, "age"),
        ({"given_name": 7}, "given_name"),
        ({"phone": "12"}, "phone"),
        ({"email": "nobody"}, "email"),
        ({"given_name": "Kai", "platform": "instagram"}, "platform"),
        ({"given_name": "Kai", "postcode": "not a postcode"}, "postcode"),
        ({"given_name": "Kai", "age": 19, "age_max": 17}, "age"),
        ({"phone": "077OO 900456"}, "phone"),  # letter O for zero
        ({"given_name": "Kai", "sex": "boy"}, "sex"),
        ({"given_name": "Kai", "age": True}, "age"),
        ({"given_name": "Kai", "age": "\u00b2"}, "age"),  # a superscript two: isdigit, but not a number
    ],
)
def test_empty_or_contradictory_queries_name_the_field(
    index: PersonIndex, query: dict[str, Any], field: str
) -> None:
    with pytest.raises(QueryError) as caught:
        index.search(query, reference_date=ON)
    assert caught.value.field == field
    assert str(caught.value)


def test_no_match_gives_advice_not_an_error(index: PersonIndex) -> None:
    result = index.search({"given_name": "Xanthippe", "family_name": "Quorlby"}, reference_date=ON)
    assert result["results"] == []
    assert result["advice"][0].startswith("no record matched")


def test_wide_keys_only_rank_candidates_found_by_narrower_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from heed.checks import embedded, import_csv, open_index

    from .conftest import NOMINALS

    import_csv(NOMINALS, tmp_path / "idx")
    # Make every key held by more than two records "wide", as "James in London" is at 13 million.
    monkeypatch.setattr(embedded, "WIDE_POSTING", 2)
    with open_index(tmp_path / "idx") as index:
        result = index.search({"given_name": "Kai", "age": 19, "town": "Maidstone"}, reference_date=ON)
        assert result["results"][0]["record_id"] == "SYN-0003"
        # Nothing narrower than "Kai": the wide key is used, capped at WIDE_POSTING records.
        only_first = index.search({"given_name": "Kai"}, reference_date=ON)["results"]
        assert len(only_first) == 2
        assert {r["record_id"] for r in only_first} < {"SYN-0003", "SYN-0004", "SYN-0005", "SYN-0021"}
