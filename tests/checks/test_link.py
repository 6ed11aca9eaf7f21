"""heed.checks.register.link: marking earlier sightings strong or weak, once per report, in reading order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from heed.checks import Sighting, identifier_keys, link

T0 = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)


def seen(ref: str, at: datetime) -> Sighting:
    return Sighting(report_ref=ref, seen_at=at, kind="handle", display=ref, strength="")


def test_strong_links_first_then_weak_newest_first_within_each() -> None:
    keys = identifier_keys("handle", "NightHawk", "instagram")
    weak = identifier_keys("handle", "NightHawk", "snapchat").strong
    rows = [
        (weak, seen("W-OLD", T0)),
        (keys.strong, seen("S-OLD", T0)),
        (weak, seen("W-NEW", T0 + timedelta(days=3))),
        (keys.strong, seen("S-NEW", T0 + timedelta(days=1))),
    ]
    assert [(s.report_ref, s.strength) for s in link(keys, rows)] == [
        ("S-NEW", "strong"),
        ("S-OLD", "strong"),
        ("W-NEW", "weak"),
        ("W-OLD", "weak"),
    ]


def test_a_sighting_matched_by_several_keys_is_listed_once() -> None:
    keys = identifier_keys("handle", "NightHawk", "instagram")
    row = (keys.strong, seen("CALL-1", T0))
    assert [s.report_ref for s in link(keys, [row, row, row])] == ["CALL-1"]
