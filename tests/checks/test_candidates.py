"""Which candidates the embedded index scores when a common name ties many records (SYNTHETIC data)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from heed.checks import IndexUnavailable, import_csv, index, open_index
from heed.checks.blocking import name_signature

from .conftest import ON

# Invented family names that share no phonetic code and few letter pairs with "Thompson".
OTHERS = [
    f"{a}{b}"
    for a in ("Bal", "Cor", "Dun", "Fel", "Gar", "Hal", "Ker", "Lum", "Mar", "Nor")
    for b in ("ridge", "wick", "field", "ley", "croft")
]


def test_a_typo_keeps_most_letter_pairs() -> None:
    def shared(a: str, b: str) -> float:
        x, y = name_signature("", a)[1], name_signature("", b)[1]
        return (x & y).bit_count() / (x | y).bit_count()

    assert shared("thopson", "thompson") > 0.5
    assert shared("thopson", "balridge") < 0.2
    assert name_signature("karen", "") == (name_signature("karen", "x")[0], 0)


def test_a_family_name_typo_outranks_the_ties_of_a_common_first_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "karens.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["record_id", "given_name", "family_name", "date_of_birth", "town"])
        for number, family in enumerate(OTHERS):
            writer.writerow([f"K{number:03d}", "Karen", family, "1984-06-01", "London"])
        writer.writerow(["K999", "Karen", "Thompson", "1984-08-28", "London"])
    import_csv(path, tmp_path / "idx")
    # "Thopson" (0PSN) and "Thompson" (0MPSN) share no phonetic key: only the first name, year and town
    # find her, as they find all 51 Karens. Score only five candidates, as if 13 M records tied them.
    monkeypatch.setattr(index, "MIN_SCORED", 5)
    with open_index(tmp_path / "idx") as opened:
        query = {"given_name": "Karen", "family_name": "Thopson", "age": 42, "town": "London"}
        first = opened.search(query, k=1, reference_date=ON)["results"][0]
    assert first["record_id"] == "K999"
    assert first["explanation"]["family_name"]["level"] == "typo"


def test_an_index_of_an_older_format_asks_to_be_rebuilt(tmp_path: Path) -> None:
    from .conftest import NOMINALS

    import_csv(NOMINALS, tmp_path / "idx")
    manifest = tmp_path / "idx" / "manifest.json"
    manifest.write_text(json.dumps(json.loads(manifest.read_text()) | {"version": 1}), encoding="utf-8")
    with pytest.raises(IndexUnavailable, match="re-import"):
        open_index(tmp_path / "idx")
