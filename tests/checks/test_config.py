"""Choosing the backend by configuration, and the stability of blocking-key hashes."""

from __future__ import annotations

from pathlib import Path

import pytest

from heed.checks import EmbeddedIndex, PersonIndex, import_csv, index_location, open_index, search
from heed.checks.blocking import hash_keys, key_hash
from heed.checks.pg import PgIndex, split_location

from .conftest import NOMINALS, ON, PG_DSN


def test_search_uses_heed_index_dir_when_no_index_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_csv(NOMINALS, tmp_path / "idx")
    monkeypatch.setenv("HEED_INDEX_DIR", str(tmp_path / "idx"))
    monkeypatch.delenv("HEED_CHECKS_BACKEND", raising=False)
    result = search({"given_name": "Tel", "family_name": "Walsh"}, reference_date=ON)
    assert result["results"][0]["record_id"] == "SYN-0007"


def test_default_location_is_var_index(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HEED_INDEX_DIR", raising=False)
    monkeypatch.delenv("HEED_VAR_DIR", raising=False)
    monkeypatch.delenv("HEED_CHECKS_BACKEND", raising=False)
    assert index_location() == "./var/index"


def test_default_location_follows_heed_var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The web application keeps its index in $HEED_VAR_DIR/index; the commands find it there too."""
    monkeypatch.delenv("HEED_INDEX_DIR", raising=False)
    monkeypatch.delenv("HEED_CHECKS_BACKEND", raising=False)
    monkeypatch.setenv("HEED_VAR_DIR", str(tmp_path))
    assert index_location() == str(tmp_path / "index")


def test_pg_backend_is_chosen_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEED_CHECKS_BACKEND", "pg")
    monkeypatch.setenv("HEED_CHECKS_DSN", f"{PG_DSN}#schema=heed_checks_cfg_probe")
    index: PersonIndex = open_index()
    try:
        assert isinstance(index, PgIndex)
        assert len(index) == 0
    finally:
        assert isinstance(index, PgIndex)
        index.drop()
        index.close()


def test_pg_backend_without_dsn_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEED_CHECKS_BACKEND", "pg")
    monkeypatch.delenv("HEED_CHECKS_DSN", raising=False)
    with pytest.raises(ValueError, match="HEED_CHECKS_DSN"):
        index_location()


def test_embedded_location_opens_embedded_index(tmp_path: Path) -> None:
    import_csv(NOMINALS, tmp_path / "idx")
    with open_index(tmp_path / "idx") as index:
        assert isinstance(index, EmbeddedIndex)
        assert len(index) == 22


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("postgresql://h/db#schema=Bad-Name", "lower-case"),
        ("postgresql://h/db#table=x", "expected #schema=NAME"),
    ],
)
def test_bad_pg_locations(location: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        split_location(location)


def test_pg_location_default_schema() -> None:
    assert split_location("postgresql://u@h:5432/db") == ("postgresql://u@h:5432/db", "heed_checks")


def test_key_hashes_do_not_depend_on_the_batch() -> None:
    keys = ["n|SM0|KR", "d|1990-05-03", "i|handle:instagram:nighthawk", "gt|K|maidstone", "x" * 200]
    batch = [int(h) for h in hash_keys(keys)]
    assert batch == [key_hash(k) for k in keys]
    assert all(0 <= h < 2**38 for h in batch)
    assert len(set(batch)) == len(batch)
    # Pinned: an index built by one release must still be readable by the next.
    assert key_hash("n|SM0|KR") == 152_465_536_398
