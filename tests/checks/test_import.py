"""Importing nominal-record CSVs: bad rows refused with line and reason, updates replace by record_id."""

from __future__ import annotations

from pathlib import Path

import pytest

from heed.checks import CsvLayoutError, import_csv, open_index

from .conftest import DATA, NOMINALS, ON


def test_bad_rows_are_refused_with_line_and_reason_and_the_rest_load(location: str) -> None:
    report = import_csv(DATA / "bad_rows.csv", location)
    assert report.loaded == 2
    assert report.refused == 9
    reasons = dict(report.errors)
    assert reasons[2] == "given_name and family_name are both empty"
    assert "no month 13" in reasons[3]
    assert reasons[4].startswith("sex:")
    assert reasons[5].startswith("phones:")
    assert reasons[6].startswith("emails:")
    assert reasons[7].startswith("online_ids:")
    assert reasons[8].startswith("markers:")
    assert reasons[9] == "record_id is empty"
    assert reasons[11] == "record_id 'GOOD-01' already on line 10"
    with open_index(location) as index:
        assert len(index) == 2
        found = index.search({"given_name": "Ann", "family_name": "Lee"}, reference_date=ON)["results"]
        assert found[0]["record"]["postcode"] == "YO1 7HH"


def test_reimport_replaces_records_with_the_same_id_and_keeps_the_others(
    location: str, tmp_path: Path
) -> None:
    import_csv(NOMINALS, location)
    update = tmp_path / "update.csv"
    update.write_text(
        "record_id,given_name,family_name,date_of_birth,town,markers\n"
        "SYN-0004,Kai,Turner,1979-06-01,Margate,WM09|SYNTHETIC new warning|2026\n"
        "SYN-9000,Nat,Okafor,2004-04-04,Luton,\n",
        encoding="utf-8",
    )
    report = import_csv(update, location)
    assert (report.loaded, report.refused) == (2, 0)
    with open_index(location) as index:
        assert len(index) == 23
        turner = index.search({"given_name": "Kai", "family_name": "Turner"}, reference_date=ON)["results"]
        assert [r["record_id"] for r in turner].count("SYN-0004") == 1
        assert turner[0]["record"]["town"] == "Margate"
        assert turner[0]["markers"][0]["code"] == "WM09"
        assert index.search({"given_name": "Nathan", "family_name": "Okafor"}, reference_date=ON)["results"]
        assert index.search({"given_name": "Gary", "family_name": "Smith"}, reference_date=ON)["results"]


def test_a_file_without_the_required_columns_is_refused_whole(location: str, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("id,name\n1,Kai\n", encoding="utf-8")
    with pytest.raises(CsvLayoutError, match="record_id"):
        import_csv(wrong, location)


def test_a_file_that_is_not_utf8_is_refused_whole(location: str, tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("record_id,given_name,family_name\nR1,Zo\xeb,Lee\n".encode("latin-1"))
    with pytest.raises(CsvLayoutError, match="not UTF-8"):
        import_csv(latin, location)
