"""The library a force trains from: the national scenarios shipped with Heed and the force's own published
scenarios (the latest version of each), and the curricula. Reading only; changes go through services."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from heed.accounts.models import Force
from heed.risk import GuidancePack, default_pack
from heed.training.models import AuthoredScenario
from heed.training.scenario import Scenario, ScenarioError, load_library, scenario_from_text

CURRICULA_FILE = Path(__file__).parent / "curricula.yaml"


class TrainingError(ValueError):
    """A training request that cannot be done as asked; ``field`` names the input at fault (or None);
    ``problems``: a scenario refused, every mistake as ``place: what is wrong`` (the message joins them)."""

    def __init__(
        self, message: str, field: str | None = None, code: str = "invalid", problems: Sequence[str] = ()
    ) -> None:
        super().__init__(message)
        self.field = field
        self.code = code
        self.problems = tuple(problems) or (message,)


class AttemptNotFound(Exception):
    """No attempt with that id that this user may see (the same for every reason)."""


def pack() -> GuidancePack:
    return default_pack()


@functools.lru_cache(maxsize=1)
def national_library() -> dict[str, Scenario]:
    """The national scenarios, read and checked once per process."""
    return load_library(pack())


def read_scenario(text: str, *, where: str = "scenario", strict: bool = True) -> Scenario:
    """A scenario's text read against the pack in force, once per process per text (an attempt's copy is read
    on every page of its call and every question; a force's published scenarios on every library page)."""
    return _read_cached(text, where, strict, pack().version)


@functools.lru_cache(maxsize=256)
def _read_cached(text: str, where: str, strict: bool, pack_version: str) -> Scenario:
    return scenario_from_text(text, pack(), where=where, strict=strict)


def force_library(force: Force | None) -> dict[str, Scenario]:
    """Every scenario the force trains from, by id: national ones, then the force's own published ones (the
    latest version of each; a force scenario never shadows a national id: publishing one is refused)."""
    out = dict(national_library())
    if force is None:
        return out
    latest: dict[str, AuthoredScenario] = {}
    for row in AuthoredScenario.objects.filter(force=force, status=AuthoredScenario.Status.PUBLISHED):
        if row.scenario_id not in latest or row.version > latest[row.scenario_id].version:
            latest[row.scenario_id] = row
    for sid, row in latest.items():
        if sid in out:
            continue
        try:
            out[sid] = read_scenario(row.text, where=f"{sid} v{row.version}")
        except ScenarioError:
            # Checked when published; a pack changed since may break it, and it then leaves the library.
            continue
    return out


def scenario_for(force: Force | None, scenario_id: object) -> Scenario:
    library = force_library(force)
    sid = str(scenario_id or "").strip()
    if sid not in library:
        raise TrainingError(f"no scenario {sid!r} in the library", "scenario", "not_found")
    return library[sid]


@dataclass(frozen=True)
class Curriculum:
    id: str
    title: str
    roles: tuple[str, ...]
    scenarios: tuple[str, ...]


@functools.lru_cache(maxsize=1)
def curricula() -> tuple[Curriculum, ...]:
    data: dict[str, Any] = yaml.safe_load(CURRICULA_FILE.read_text(encoding="utf-8"))
    return tuple(
        Curriculum(
            id=str(c["id"]),
            title=str(c["title"]),
            roles=tuple(c.get("roles", ())),
            scenarios=tuple(c["scenarios"]),
        )
        for c in data["curricula"]
    )
