"""The identifier register: every handle, phone and e-mail a call recorded, with the report it came from.

Answers "has this identity been reported before, where and when?". Stored in one SQLite file (standard
library, no server), keyed by the same normalisation as the person index: a sighting sharing the strong key is
a strong link; one sharing only a weak key (leetspeak, trailing digits, gmail dots, another platform) is
returned flagged ``weak`` for a person to judge.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from heed.checks.identifiers import IdentifierKeys, identifier_keys

SightingT = TypeVar("SightingT")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sighting (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    display TEXT NOT NULL,
    strong_key TEXT NOT NULL,
    report_ref TEXT NOT NULL,
    seen_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sighting_key (
    sighting_id INTEGER NOT NULL REFERENCES sighting(id),
    key TEXT NOT NULL,
    PRIMARY KEY (key, sighting_id)
) WITHOUT ROWID;
"""


@dataclass(frozen=True)
class Sighting:
    """An earlier report of a matching identifier: which report, when, how it was written, and how strong."""

    report_ref: str
    seen_at: datetime
    kind: str
    display: str
    strength: str  # "strong" or "weak"

    def to_dict(self) -> dict[str, str]:
        return {
            "report_ref": self.report_ref,
            "seen_at": self.seen_at.isoformat(),
            "kind": self.kind,
            "display": self.display,
            "strength": self.strength,
        }


def rank_sightings(
    found: list[SightingT], *, strength: Callable[[SightingT], str], seen_at: Callable[[SightingT], datetime]
) -> list[SightingT]:
    """Earlier sightings in the order a handler reads them: strong links first, then weak; the most recent
    report first within each (the one ranking for the CLI's register and the web app's)."""
    return sorted(found, key=lambda s: (strength(s) != "strong", -seen_at(s).timestamp()))


class IdentifierRegister:
    """A register file of identifier sightings (created on first use)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path)
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> IdentifierRegister:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add(
        self, kind: str, value: str, platform: str | None, *, report_ref: str, seen_at: datetime
    ) -> IdentifierKeys:
        """Record that ``report_ref`` mentioned this identifier at ``seen_at`` (timezone-aware)."""
        if seen_at.tzinfo is None:
            raise ValueError("seen_at must be timezone-aware")
        if not report_ref.strip():
            raise ValueError("report_ref is empty")
        keys = identifier_keys(kind, value, platform)
        with self._db:
            cursor = self._db.execute(
                "INSERT INTO sighting (kind, display, strong_key, report_ref, seen_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (kind, keys.display, keys.strong, report_ref, seen_at.isoformat()),
            )
            sighting_id = cursor.lastrowid
            self._db.executemany(
                "INSERT OR IGNORE INTO sighting_key (sighting_id, key) VALUES (?, ?)",
                [(sighting_id, key) for key in (keys.strong, *keys.weak)],
            )
        return keys

    def find(
        self, kind: str, value: str, platform: str | None = None, *, exclude_report: str | None = None
    ) -> list[Sighting]:
        """Earlier sightings of this identifier: strong links first, then weak; newest first within each."""
        keys = identifier_keys(kind, value, platform)
        wanted = (keys.strong, *keys.weak)
        marks = ",".join("?" for _ in wanted)
        rows = self._db.execute(
            f"SELECT DISTINCT s.id, s.kind, s.display, s.strong_key, s.report_ref, s.seen_at "  # noqa: S608
            f"FROM sighting s JOIN sighting_key k ON k.sighting_id = s.id WHERE k.key IN ({marks})",
            wanted,
        ).fetchall()
        found = [
            Sighting(
                report_ref=row[4],
                seen_at=datetime.fromisoformat(row[5]),
                kind=row[1],
                display=row[2],
                strength="strong" if row[3] == keys.strong else "weak",
            )
            for row in rows
            if row[4] != exclude_report
        ]
        return rank_sightings(found, strength=lambda s: s.strength, seen_at=lambda s: s.seen_at)
