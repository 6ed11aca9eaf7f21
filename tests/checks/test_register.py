"""Cross-report identifier linking through the on-disk identifier register."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from heed.checks import IdentifierRegister

T0 = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)


def test_three_spellings_on_one_platform_link(tmp_path: Path) -> None:
    with IdentifierRegister(tmp_path / "reg.sqlite3") as reg:
        reg.add("handle", "NightHawk", "instagram", report_ref="CALL-1", seen_at=T0)
        reg.add("handle", "xXnighthawkXx", "Insta", report_ref="CALL-2", seen_at=T0 + timedelta(days=2))
        found = reg.find("handle", "N1GHTHAWK", "instagram", exclude_report="CALL-3")
        assert {s.report_ref for s in found} == {"CALL-1", "CALL-2"}
        assert all(s.strength == "weak" for s in found)  # leetspeak is weak evidence
        strong = reg.find("handle", "xXnighthawkXx", "instagram")
        assert [(s.report_ref, s.strength) for s in strong] == [("CALL-2", "strong"), ("CALL-1", "strong")]
        assert strong[0].seen_at == T0 + timedelta(days=2)


def test_different_platforms_do_not_strongly_link(tmp_path: Path) -> None:
    with IdentifierRegister(tmp_path / "reg.sqlite3") as reg:
        reg.add("handle", "NightHawk", "instagram", report_ref="CALL-1", seen_at=T0)
        found = reg.find("handle", "NightHawk", "snapchat")
        assert [(s.report_ref, s.strength) for s in found] == [("CALL-1", "weak")]


def test_unrelated_handles_do_not_link(tmp_path: Path) -> None:
    with IdentifierRegister(tmp_path / "reg.sqlite3") as reg:
        reg.add("handle", "NightHawk", "instagram", report_ref="CALL-1", seen_at=T0)
        assert reg.find("handle", "DayHawk", "instagram") == []


def test_phones_and_emails_link_across_formats(tmp_path: Path) -> None:
    with IdentifierRegister(tmp_path / "reg.sqlite3") as reg:
        reg.add("phone", "07700 900123", None, report_ref="CALL-1", seen_at=T0)
        reg.add("email", "kai.x+game@gmail.com", None, report_ref="CALL-2", seen_at=T0)
        assert [s.strength for s in reg.find("phone", "+44 7700 900 123")] == ["strong"]
        assert [s.strength for s in reg.find("email", "KAI.X+game@gmail.com")] == ["strong"]
        assert [s.strength for s in reg.find("email", "kaix@googlemail.com")] == ["weak"]


def test_register_persists_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "reg.sqlite3"
    with IdentifierRegister(path) as reg:
        reg.add("handle", "NightHawk", "instagram", report_ref="CALL-1", seen_at=T0)
    with IdentifierRegister(path) as reg:
        assert reg.find("handle", "nighthawk", "instagram")[0].to_dict() == {
            "report_ref": "CALL-1",
            "seen_at": "2026-11-01T09:30:00+00:00",
            "kind": "handle",
            "display": "NightHawk (instagram)",
            "strength": "strong",
        }


def test_naive_time_is_refused(tmp_path: Path) -> None:
    with IdentifierRegister(tmp_path / "reg.sqlite3") as reg, pytest.raises(ValueError, match="timezone"):
        reg.add("handle", "NightHawk", None, report_ref="CALL-1", seen_at=datetime(2026, 1, 1))  # noqa: DTZ001
