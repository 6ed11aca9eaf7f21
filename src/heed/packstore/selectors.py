"""Which guidance is in force for a force, and any version kept: loaded once per process per version.

``pack_for(force)`` is what every assessment, action and page of a live call reads. A force with no guidance
row of its own follows the national pack shipped with the running software (overlaid by ``HEED_GUIDANCE``,
as before this app existed); once a force has adopted a version or signed local additions, exactly those are
in force, and ``HEED_GUIDANCE`` no longer applies to it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from heed.accounts.models import Force
from heed.guidance import packfile as pf
from heed.packstore.models import ForceGuidance, ForceOverlay, InstalledPack
from heed.risk import GuidancePack, default_pack, load_pack
from heed.risk.errors import PackError
from heed.risk.pack import NATIONAL_DIR, NO_OVERLAY

log = logging.getLogger(__name__)

# The files a force's local additions may hold (pack.yaml is written for it; the floor is national only).
OVERLAY_FILES: tuple[str, ...] = (
    "indicators.yaml",
    "examples.yaml",
    "cues.yaml",
    "questions.yaml",
    "rules.yaml",
    "actions.yaml",
    "agencies.yaml",
    "vulnerability.yaml",
    "lexicon.yaml",
)


class GuidanceUnavailable(LookupError):
    """A version that was never installed here (or whose local additions are not kept here)."""


def overlay_digest(files: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(files, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def overlay_name(force_code: str) -> str:
    return f"force-{force_code.lower()}"


def _cache_root() -> Path:
    return Path(settings.VAR_DIR) / "guidance"


def _materialise(target: Path, write: Any) -> Path:
    """``target`` holding what ``write(dir)`` writes, made aside and moved into place in one step (two
    processes making the same directory at once both end with a whole one)."""
    if (target / "pack.yaml").exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=".making-"))
    try:
        write(tmp)
        try:
            os.replace(tmp, target)
        except OSError:
            if not (target / "pack.yaml").exists():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def plain(exc: Exception) -> str:
    """A pack error as a person reads it: the files named as the force's or the national pack's, not by the
    directory they are unpacked into."""
    root = re.escape(str(_cache_root()))
    text = re.sub(root + r"/overlays/[^/\s]+/", "", str(exc))
    return re.sub(root + r"/packs/[^/\s]+/", "national ", text)


def national_dir(row: InstalledPack) -> Path:
    """The installed version's files, unpacked once (after checking the kept file is the one installed)."""
    data = bytes(row.data)
    if hashlib.sha256(data).hexdigest() != row.digest:
        raise PackError(
            f"installed pack {row.version}: the kept file is not the one installed (digest differs)"
        )

    pack = pf.read(data)
    for path, body in pack.files.items():
        if hashlib.sha256(body).hexdigest() != pack.manifest["files"].get(path):
            raise PackError(f"installed pack {row.version}: {path} is not the file installed")
    target = _materialise(_cache_root() / "packs" / row.digest, lambda tmp: pf.unpack(pack, tmp))
    if target not in _VERIFIED:
        # The unpacked copy is checked against the manifest once per process (it outlives processes).
        for path, digest in pack.manifest["files"].items():
            if hashlib.sha256((target / path).read_bytes()).hexdigest() != digest:
                raise PackError(
                    f"installed pack {row.version}: the unpacked {path} is not the file installed"
                )
        _VERIFIED.add(target)
    return target


_VERIFIED: set[Path] = set()


def overlay_dir(force_code: str, number: int, files: dict[str, str]) -> Path:
    """A force's local additions as a pack directory (with its own pack.yaml naming force and number)."""
    digest = overlay_digest(files)

    def write(tmp: Path) -> None:
        for name, text in files.items():
            (tmp / name).write_text(text, encoding="utf-8")
        meta = {"name": overlay_name(force_code), "version": str(number)}
        (tmp / "pack.yaml").write_text(yaml.safe_dump(meta), encoding="utf-8")

    return _materialise(_cache_root() / "overlays" / f"{force_code.lower()}-{number}-{digest[:16]}", write)


@functools.lru_cache(maxsize=16)
def _load(national: str | None, overlay: str) -> GuidancePack:
    return load_pack(overlay, national_dir=national)


def load_guidance(pack: InstalledPack | None, overlay: ForceOverlay | None, force_code: str) -> GuidancePack:
    """The guidance of a national version (None: the shipped one) with a force's additions (None: none)."""
    national = str(national_dir(pack)) if pack is not None else None
    if overlay is not None and overlay.digest != overlay_digest(overlay.files):
        raise PackError(f"{overlay_name(force_code)}@{overlay.number}: its files are not those signed")
    path = (
        str(overlay_dir(force_code, overlay.number, overlay.files))
        if overlay is not None and overlay.files
        else NO_OVERLAY
    )
    return _load(national, path)


def in_force(force: Force | int | None) -> ForceGuidance | None:
    force_id = force.pk if isinstance(force, Force) else force
    if force_id is None:
        return None
    return ForceGuidance.objects.select_related("pack", "overlay", "force").filter(force_id=force_id).first()


def pack_for(force: Force | int | None) -> GuidancePack:
    """The guidance in force for ``force`` (see the module's note). Never leaves a force without guidance:
    should the kept version fail to load (a damaged cache, an edited row), the error is logged and the shipped
    pack is used, and every assessment's stamp says which pack it was."""
    row = in_force(force)
    if row is None or (row.pack is None and row.overlay is None):
        return default_pack()
    try:
        return load_guidance(row.pack, row.overlay, row.force.code)
    except (PackError, pf.PackFileRefused, OSError) as exc:
        # Never HEED_GUIDANCE here (it no longer applies to this force): the shipped national pack with the
        # force's own additions if they load over it, else the shipped pack alone. The guidance page says so.
        log.error("guidance of force %s cannot be loaded, the shipped pack is used: %s", row.force.code, exc)
        try:
            return load_guidance(None, row.overlay, row.force.code)
        except (PackError, OSError):
            return _load(None, NO_OVERLAY)


def guidance_problem(force: Force) -> str:
    """Why the force's guidance in force cannot be loaded as adopted (empty when it can)."""
    row = in_force(force)
    if row is None or (row.pack is None and row.overlay is None):
        return ""
    try:
        load_guidance(row.pack, row.overlay, row.force.code)
    except (PackError, pf.PackFileRefused, OSError) as exc:
        return plain(exc)
    return ""


def pack_for_call(call: Any) -> GuidancePack:
    """The guidance a call is assessed under: its force's; a training call's, the shipped pack its scenario
    was checked against (so an attempt is scored against the key it was written for)."""
    if getattr(call, "training", False):
        return default_pack()
    # Read once per call as loaded (a page asks several times); a service that locks the call loads it
    # afresh, and so reads what is in force at that moment.
    cached: GuidancePack | None = call.__dict__.get("_guidance_in_force")
    if cached is None:
        cached = call.__dict__["_guidance_in_force"] = pack_for(call.force_id)
    return cached


_STAMP = re.compile(r"(?P<name>[A-Za-z0-9][A-Za-z0-9_.-]*)@(?P<version>[^+@\s]+)")


@dataclass(frozen=True)
class KeptVersion:
    """A version as kept here: the installed national pack (None: the running software's shipped pack) and
    the force's additions, if the stamp names them."""

    stamp: str
    pack: InstalledPack | None
    overlay: ForceOverlay | None
    force_code: str

    def guidance(self) -> GuidancePack:
        return load_guidance(self.pack, self.overlay, self.force_code)


def kept_version(stamp: str) -> KeptVersion:
    """The guidance an assessment stamped ``stamp`` was made under (``national@2026.12.1`` or
    ``national@2026.12.1+force-xx@3``; a bare national version also), or GuidanceUnavailable saying why."""
    stamp = stamp.strip()
    parts = stamp.split("+") if "@" in stamp else [f"national@{stamp}"]
    if not stamp or len(parts) > 2 or not all(_STAMP.fullmatch(p) for p in parts):
        raise GuidanceUnavailable(f"{stamp!r} is not a guidance version (e.g. national@2026.12.1)")
    national = _STAMP.fullmatch(parts[0])
    assert national is not None
    version = national["version"]
    pack = InstalledPack.objects.filter(version=version).first()
    if pack is None and version != shipped_version():
        raise GuidanceUnavailable(f"national {version} was never installed here")
    overlay = None
    force_code = ""
    if len(parts) == 2:
        local = _STAMP.fullmatch(parts[1])
        assert local is not None
        m = re.fullmatch(r"force-([a-z0-9]+)", local["name"])
        number = local["version"]
        if m is None or not number.isdigit():
            raise GuidanceUnavailable(
                f"{parts[1]} is local guidance from HEED_GUIDANCE, not kept here: see that directory's "
                "history"
            )
        force_code = m.group(1).upper()
        overlay = ForceOverlay.objects.filter(force__code=force_code, number=int(number)).first()
        if overlay is None:
            raise GuidanceUnavailable(
                f"{parts[1]}: force {force_code} has no local additions numbered {number}"
            )
    return KeptVersion(stamp=stamp, pack=pack, overlay=overlay, force_code=force_code)


def installed_versions() -> list[InstalledPack]:
    """Every national version kept here, newest first."""
    return sorted(InstalledPack.objects.all(), key=lambda p: pf.version_key(p.version), reverse=True)


def newest_installed_version() -> str:
    """The highest national version known here: installed, or shipped with the running software."""
    versions = [shipped_version(), *InstalledPack.objects.values_list("version", flat=True)]
    return max(versions, key=pf.version_key)


def overlays_of(force: Force) -> list[ForceOverlay]:
    return list(ForceOverlay.objects.filter(force=force).order_by("-number"))


@functools.cache
def shipped_version() -> str:
    """The national version shipped with the running software (its pack.yaml)."""
    meta = yaml.safe_load((NATIONAL_DIR / "pack.yaml").read_text(encoding="utf-8"))
    return str(meta["version"])
