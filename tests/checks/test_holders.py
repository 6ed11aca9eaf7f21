"""Which nominal records hold a phone, e-mail or handle (PersonIndex.holders), against every backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from heed.checks import PersonIndex, QueryError, identifier_keys, import_csv, open_index
from heed.checks.embedded import EmbeddedIndex
from heed.checks.holders import holding

SX01 = {"code": "SX01", "description": "SYNTHETIC alleged sexual offence against a child", "year": 2019}


def found(index: PersonIndex, kind: str, value: str, platform: str | None = None) -> list[tuple[str, str]]:
    return [(h["record_id"], h["strength"]) for h in index.holders(kind, value, platform)["hits"]]


@pytest.mark.parametrize(
    "written", ["07700 900123", "+44 7700 900123", "0044 (0)7700-900-123", "07700900123"]
)
def test_a_phone_on_a_marked_record_is_found_with_its_markers(index: PersonIndex, written: str) -> None:
    result = index.holders("phone", written)
    assert result["more"] is False
    [hit] = result["hits"]
    assert (hit["record_id"], hit["strength"], hit["matched"]) == ("SYN-0001", "strong", "+447700900123")
    assert hit["markers"] == [SX01]
    assert (hit["record"]["given_name"], hit["record"]["family_name"]) == ("Gary", "Smith")


def test_a_number_no_record_holds_finds_nothing(index: PersonIndex) -> None:
    assert index.holders("phone", "07700 900124") == {"hits": [], "more": False}


def test_an_email_is_found_strongly_and_a_gmail_look_alike_weakly(index: PersonIndex) -> None:
    assert found(index, "email", "Gary.Smith@Example.com") == [("SYN-0001", "strong")]
    # SYN-0008 holds steve.hughes@googlemail.com: dots and googlemail differ, so it is a lead, not a finding.
    assert found(index, "email", "stevehughes+games@gmail.com") == [("SYN-0008", "weak")]
    assert found(index, "email", "steve.hughes@googlemail.com") == [("SYN-0008", "strong")]


def test_a_handle_on_its_platform_is_strong_on_another_platform_weak(index: PersonIndex) -> None:
    # SYN-0001 holds instagram:NightHawk.
    assert found(index, "handle", "xX_nighthawk_Xx", "Insta") == [("SYN-0001", "strong")]
    assert found(index, "handle", "NightHawk", "snapchat") == [("SYN-0001", "weak")]
    assert found(index, "handle", "N1GHTHAWK", "instagram") == [("SYN-0001", "weak")]


def test_a_handle_without_a_platform_matches_it_on_any_platform(index: PersonIndex) -> None:
    assert found(index, "handle", "@NightHawk") == [("SYN-0001", "strong")]
    [hit] = index.holders("handle", "shadow")["hits"]
    assert (hit["record_id"], hit["matched"]) == ("SYN-0020", "xX_Shadow_Xx#4821 (discord)")


def test_a_value_that_is_not_the_identifier_is_refused_naming_the_kind(index: PersonIndex) -> None:
    with pytest.raises(QueryError) as exc:
        index.holders("phone", "077OO 900123")
    assert exc.value.field == "phone"
    with pytest.raises(QueryError) as exc:
        index.holders("fax", "01234 567890")
    assert exc.value.field == "kind"


SHARED = """record_id,given_name,family_name,phones,online_ids,markers
SYN-S1,Amy,Shared,07700 900555,,
SYN-S2,Ben,Shared,07700 900555,snapchat:ghost_9,WM02|SYNTHETIC violence warning|2015
SYN-S3,Cal,Shared,07700 900555,,
SYN-S4,Dee,Shared,07700 900556,snapchat:ghost,
"""


def test_a_shared_number_lists_marked_records_first_and_says_when_there_are_more(
    location: str, tmp_path: Path
) -> None:
    csv = tmp_path / "shared.csv"
    csv.write_text(SHARED, encoding="utf-8")
    assert import_csv(csv, location).refused == 0
    with open_index(location) as index:
        assert found(index, "phone", "07700900555") == [
            ("SYN-S2", "strong"),
            ("SYN-S1", "strong"),
            ("SYN-S3", "strong"),
        ]
        two = index.holders("phone", "07700900555", limit=2)
        assert [h["record_id"] for h in two["hits"]] == ["SYN-S2", "SYN-S1"] and two["more"] is True
        # ghost_9 on snapchat: the same handle is strong, ghost (trailing digits gone) a weak lead.
        assert found(index, "handle", "ghost_9", "snapchat") == [("SYN-S2", "strong"), ("SYN-S4", "weak")]


def test_the_embedded_look_up_reads_only_the_records_its_keys_point_at(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index look-up, not a scan: 3,000 records, and only the one holding the number is decoded."""
    rows = ["record_id,given_name,family_name,phones"]
    rows += [f"SYN-B{n:05d},Name{n},Family{n},07700 9{n:05d}" for n in range(3000)]
    csv = tmp_path / "many.csv"
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    location = tmp_path / "index"
    assert import_csv(csv, location).loaded == 3000
    decoded: list[int] = []
    with EmbeddedIndex(location) as index:
        monkeypatch.setattr(index, "records", lambda: pytest.fail("holders read every record"))
        real_loads = __import__("json").loads

        def counting(blob: bytes | str) -> object:
            decoded.append(1)
            return real_loads(blob)

        monkeypatch.setattr("heed.checks.embedded.json.loads", counting)
        assert found(index, "phone", "07700 901234") == [("SYN-B01234", "strong")]
    assert len(decoded) == 1


def test_a_record_that_does_not_hold_the_identifier_is_not_a_hit() -> None:
    """Key hashes can collide: each candidate is checked against the identifier itself."""
    record = {
        "phones": ["+447700900123"],
        "emails": ["k.marsh@gmail.com"],
        "online_ids": [{"platform": "xbox", "handle": "NightHawk"}],
    }
    assert holding("phone", identifier_keys("phone", "07700 900124"), record) is None
    assert holding("phone", identifier_keys("phone", "07700 900123"), record) == ("strong", "+447700900123")
    assert holding("email", identifier_keys("email", "kmarsh@gmail.com"), record) == (
        "weak",
        "k.marsh@gmail.com",
    )
    assert holding("email", identifier_keys("email", "k.marsh@yahoo.com"), record) is None
    assert holding("handle", identifier_keys("handle", "NightHawk", "discord"), record) == (
        "weak",
        "NightHawk (xbox)",
    )
    assert holding("handle", identifier_keys("handle", "DayHawk", None), record) is None


def test_a_postgresql_index_lost_mid_call_is_unavailable_not_empty() -> None:
    """A server gone after opening is an index that could not be searched, never "no record holds it"."""
    import uuid

    from heed.checks import IndexUnavailable
    from heed.checks.pg import PgIndex

    from .conftest import PG_DSN

    location = f"{PG_DSN}#schema=heed_checks_test_{uuid.uuid4().hex[:12]}"
    index = PgIndex(location)
    try:
        index._db.close()
        with pytest.raises(IndexUnavailable, match="could not be searched"):
            index.holders("phone", "07700 900123")
    finally:
        with PgIndex(location) as cleanup:
            cleanup.drop()
