"""Installing a national version, signing a force's local additions and clearing one of them. Each is one
transaction with its audit event; a change to what is in force for a force locks that force's guidance row
and checks the version the person saw. A refused import changes nothing: what was in force stays in force."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from django.db import IntegrityError, transaction
from django.utils import timezone

from heed import textclean as tc
from heed.accounts.models import Force, User
from heed.audit.events import EventType
from heed.audit.services import audit_record
from heed.guidance import packfile as pf
from heed.packstore.models import ForceGuidance, ForceOverlay, InstalledPack
from heed.packstore.selectors import (
    OVERLAY_FILES,
    in_force,
    load_guidance,
    newest_installed_version,
    overlay_digest,
    plain,
    shipped_version,
)
from heed.risk import GuidancePack, load_pack
from heed.risk.errors import PackError
from heed.risk.pack import NATIONAL_DIR


class GuidanceRefused(ValueError):
    """A guidance change refused; the message says why in one line (and names the field, when a form's)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class StaleGuidance(GuidanceRefused):
    """What is in force changed since the person looked: nothing was changed."""


def _label(actor: User | None, actor_label: str) -> str:
    return actor.username if actor is not None else actor_label


def _check_loads(pack: pf.PackFile) -> GuidancePack:
    with tempfile.TemporaryDirectory() as tmp:
        try:
            return load_pack(national_dir=pf.unpack(pack, Path(tmp)))
        except PackError as exc:
            raise GuidanceRefused(f"the guidance in it does not load: {exc}") from None


def shipped_pack() -> InstalledPack:
    """The national version shipped with the running software, kept like an installed one (built from its
    directory, unsigned: it came with the software, not as a file)."""
    version = shipped_version()
    row = InstalledPack.objects.filter(version=version).first()
    if row is not None:
        return row
    published = yaml.safe_load((NATIONAL_DIR / "pack.yaml").read_text(encoding="utf-8")).get("published")
    start = date.fromisoformat(str(published)) if published else date(2026, 1, 1)
    data = pf.build(NATIONAL_DIR, not_before=start, expires=date(start.year + 5, start.month, 1), today=start)
    pack = pf.read(data)
    try:
        with transaction.atomic():
            return InstalledPack.objects.create(
                name=pack.name,
                version=pack.version,
                digest=hashlib.sha256(data).hexdigest(),
                data=data,
                manifest=dict(pack.manifest),
                source=InstalledPack.Source.SHIPPED,
                installed_at=timezone.now(),
                installed_by_label="shipped with Heed",
            )
    except IntegrityError:  # another process recorded it first
        return InstalledPack.objects.get(version=version)


def install_pack(
    *,
    data: bytes,
    trusted: Mapping[str, Any],
    actor: User | None,
    actor_label: str = "command line",
    today: date | None = None,
) -> InstalledPack:
    """Verify a pack file against the trusted keys and keep it as a new national version (in force for no
    force until one adopts it). Refused, with GuidanceRefused saying why in one line, when unsigned, tampered,
    signed by no trusted key, out of its dates, not newer than every version known here, or not loadable; the
    refusal is audited and nothing else changes."""
    shipped_pack()
    try:
        with transaction.atomic():
            # One import at a time, so two uploads of one version cannot both pass the rollback check.
            list(InstalledPack.objects.select_for_update().order_by("id")[:1])
            try:
                pack = pf.verify(data, trusted, today=today, installed_version=newest_installed_version())
            except pf.PackFileRefused as exc:
                raise GuidanceRefused(f"refused: {exc}") from None
            loaded = _check_loads(pack)
            if loaded.version != f"{pack.name}@{pack.version}":
                raise GuidanceRefused(
                    f"refused: its manifest says {pack.name} {pack.version} but its pack.yaml says "
                    f"{loaded.version}"
                )
            digest = hashlib.sha256(data).hexdigest()
            if InstalledPack.objects.filter(digest=digest).exists():
                raise GuidanceRefused(f"refused: {pack.name} {pack.version} is installed already")
            valid_by = [str(s["key_id"]) for s in pack.manifest["signatures"] if str(s["key_id"]) in trusted]
            row = InstalledPack.objects.create(
                name=pack.name,
                version=pack.version,
                digest=digest,
                data=data,
                manifest=dict(pack.manifest),
                source=InstalledPack.Source.IMPORTED,
                signed_by=valid_by,
                installed_at=timezone.now(),
                installed_by=actor,
                installed_by_label=_label(actor, actor_label),
            )
            audit_record(
                event_type=EventType.GUIDANCE_INSTALLED,
                actor=actor,
                actor_label=_label(actor, actor_label),
                obj=row,
                after={"version": row.version, "digest": digest, "signed_by": valid_by},
            )
            return row
    except GuidanceRefused as exc:
        with transaction.atomic():
            audit_record(
                event_type=EventType.GUIDANCE_REFUSED,
                actor=actor,
                actor_label=_label(actor, actor_label),
                object_type="packstore.installedpack",
                after={"reason": str(exc), "digest": hashlib.sha256(data).hexdigest()},
            )
        raise


# ------------------------------------------------------------------------------------------- in force


def guidance_row_locked(force: Force, expected_version: object) -> ForceGuidance:
    """The force's guidance row, made if missing and locked; StaleGuidance when ``expected_version`` (what the
    person saw; None from the command line) is not its version now."""
    # A force with no row yet is at version 0 (as the pages show it); its first change makes it 1.
    ForceGuidance.objects.get_or_create(force=force, defaults={"changed_at": timezone.now(), "version": 0})
    row = (
        ForceGuidance.objects.select_for_update(of=("self",))
        .select_related("pack", "overlay", "force")
        .get(force=force)
    )
    if expected_version is not None and str(expected_version) != str(row.version):
        raise StaleGuidance(
            "the guidance in force changed since you opened this page: nothing was changed; "
            "read it again and decide again"
        )
    return row


def guidance_version(force: Force) -> int:
    row = in_force(force)
    return row.version if row is not None else 0


def set_in_force(row: ForceGuidance, *, pack: InstalledPack | None = None, overlay: Any = "keep") -> None:
    """Point a locked guidance row at a national version and/or local additions (checked to load together)."""
    if pack is not None:
        row.pack = pack
    if overlay != "keep":
        row.overlay = overlay
    try:
        load_guidance(row.pack, row.overlay, row.force.code)
    except PackError as exc:
        raise GuidanceRefused(f"refused: {plain(exc)}") from None
    row.version += 1
    row.changed_at = timezone.now()
    row.save(update_fields=["pack", "overlay", "version", "changed_at"])


# -------------------------------------------------------------------------------------- local additions


def _clean_files(files: Mapping[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, text in files.items():
        if name not in OVERLAY_FILES:
            raise GuidanceRefused(
                f"{name}: a force may add only {', '.join(OVERLAY_FILES)} (the national pack's own "
                "pack.yaml and floor are not a force's to change)",
                name,
            )
        try:
            kept = tc.clean_text(text, tc.TextRule(tc.GUIDANCE_FILE, strip=False))
        except tc.TextRefused as exc:
            raise GuidanceRefused(exc.describe(name), name) from None
        if kept.strip():
            try:
                data = yaml.safe_load(kept)
            except yaml.YAMLError as exc:
                where = getattr(exc, "problem_mark", None)
                at = f" at line {where.line + 1}, column {where.column + 1}" if where is not None else ""
                raise GuidanceRefused(f"{name}: not YAML{at}", name) from None
            if not isinstance(data, dict):
                raise GuidanceRefused(
                    f"{name}: expected sections (a YAML mapping), got {type(data).__name__}", name
                )
            out[name] = kept
    return out


def overlay_sign(
    *,
    force: Force,
    files: Mapping[str, str] | None = None,
    statement: str,
    actor: User | None,
    actor_label: str = "command line",
    expected_version: object = None,
    change: Callable[[dict[str, str]], dict[str, str]] | None = None,
) -> ForceOverlay:
    """Sign the force's local additions as its next version: the files (those left out: none), or ``change``
    applied to the files in force under the lock, checked to load over the national version in force and
    against its floor, with the signer's statement of what changed. In force at once, for new assessments;
    audited with the files' digest."""
    clean = _clean_files(files) if files is not None else None
    try:
        said = tc.clean_text(statement, tc.TextRule(tc.RATIONALE))
    except tc.TextRefused as exc:
        raise GuidanceRefused(exc.describe("statement"), "statement") from None
    if not said:
        raise GuidanceRefused(
            "statement: say what changed and why (it is signed with the files)", "statement"
        )
    with transaction.atomic():
        row = guidance_row_locked(force, expected_version)
        last = ForceOverlay.objects.filter(force=force).order_by("-number").first()
        current = dict(row.overlay.files) if row.overlay is not None else {}
        if clean is None:
            assert change is not None
            clean = _clean_files(change(current))
        if current == clean:
            raise GuidanceRefused("nothing changed: these are the local additions in force", "files")
        overlay = ForceOverlay.objects.create(
            force=force,
            number=(last.number if last is not None else 0) + 1,
            files=clean,
            digest=overlay_digest(clean),
            statement=said,
            signed_by=actor,
            signed_by_label=_label(actor, actor_label),
            signed_at=timezone.now(),
        )
        before = _in_force_summary(row)
        set_in_force(row, overlay=overlay)
        audit_record(
            event_type=EventType.GUIDANCE_OVERLAY_SIGNED,
            actor=actor,
            actor_label=_label(actor, actor_label),
            force_code=force.code,
            obj=overlay,
            before=before,
            after=_in_force_summary(row) | {"digest": overlay.digest, "statement": said},
        )
        return overlay


def overrides(force: Force) -> list[tuple[str, str, str]]:
    """The force's local entries in force: (file, section, code), each a clearable override or addition."""
    row = in_force(force)
    if row is None or row.overlay is None:
        return []
    out: list[tuple[str, str, str]] = []
    for name, text in sorted(row.overlay.files.items()):
        data = yaml.safe_load(text) or {}
        for section, value in data.items():
            if isinstance(value, dict):
                out.extend((name, str(section), str(code)) for code in value)
            elif isinstance(value, list):
                for item in value:
                    code = item.get("id") if isinstance(item, dict) else None
                    out.append((name, str(section), str(code) if code else "(all)"))
            else:
                out.append((name, str(section), "(all)"))
    return out


def overlay_clear(
    *,
    force: Force,
    file: str,
    section: str,
    code: str,
    actor: User | None,
    actor_label: str = "command line",
    expected_version: object = None,
) -> ForceOverlay:
    """Clear one local entry (the national value applies again): signed as the next version of the force's
    local additions, with a statement saying what was cleared. The entry is taken out of the additions in
    force under the lock, so two clears at once each clear their own entry."""

    def without(files: dict[str, str]) -> dict[str, str]:
        data = yaml.safe_load(files.get(file, "")) or {}
        value = data.get(section) if isinstance(data, dict) else None
        if isinstance(value, dict) and code in {str(k) for k in value}:
            value.pop(next(k for k in value if str(k) == code))
            if not value:
                data.pop(section)
        elif isinstance(value, list) and code != "(all)":
            kept = [x for x in value if not (isinstance(x, dict) and str(x.get("id")) == code)]
            if len(kept) == len(value):
                raise GuidanceRefused(f"{file}: {section}: no local entry {code}")
            data[section] = kept
            if not kept:
                data.pop(section)
        elif value is not None and code == "(all)":
            data.pop(section)
        else:
            raise GuidanceRefused(f"{file}: {section}: no local entry {code}")
        out = dict(files)
        if data:
            out[file] = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        else:
            out.pop(file, None)
        return out

    return overlay_sign(
        force=force,
        statement=f"Cleared the local {section} entry {code} in {file}: the national value applies again.",
        actor=actor,
        actor_label=actor_label,
        expected_version=expected_version,
        change=without,
    )


def _in_force_summary(row: ForceGuidance) -> dict[str, Any]:
    return {
        "national": row.pack.version if row.pack is not None else f"{shipped_version()} (shipped)",
        "local": row.overlay.number if row.overlay is not None else None,
    }
