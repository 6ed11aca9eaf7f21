"""Installing national versions and a force's local additions (issue 12): a refused import changes nothing
and the guidance in force stays in force; every installed version is kept and any stamp can be loaded again;
local additions are signed, audited, and clearing one restores the national value. All data SYNTHETIC."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from heed.audit.models import AuditEvent
from heed.guidance import packfile as pf
from heed.packstore.models import ForceGuidance, InstalledPack
from heed.packstore.selectors import GuidanceUnavailable, kept_version, pack_for, shipped_version
from heed.packstore.services import (
    GuidanceRefused,
    StaleGuidance,
    install_pack,
    overlay_clear,
    overlay_sign,
    overrides,
    shipped_pack,
)
from heed.risk import default_pack
from tests.guidance_packs import Keys, add_secrecy_rule, bump, pack_dir, signed, today_utc

pytestmark = pytest.mark.django_db

LOCAL_AGENCY = """\
agencies:
  syn_cse_team:
    name: SYNTHETIC force CSE team
    purpose: The force's own child sexual exploitation team, for professionals who need to talk to it.
    contact:
      phone: "01632 960000"
    audience: [professional]
    review_date: "2027-06-30"
"""


@pytest.fixture
def keys(tmp_path: Path) -> Keys:
    return Keys(tmp_path / "owner")


def _tamper(data: bytes) -> bytes:
    """The signed file with one byte of rules.yaml changed and its member rewritten (the ZIP stays valid)."""
    import io
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "pack/rules.yaml":
                body = body.replace(b"RISK-HIGH-COERCION", b"RISK-HIGH-COERCIOX", 1)
            z.writestr(info, body)
    return out.getvalue()


REFUSALS = {
    "tampered": (lambda tmp, k, v: _tamper(signed(tmp, k, v)), "tampered: rules.yaml"),
    "unsigned": (
        lambda tmp, k, v: pf.build(
            pack_dir(tmp, v),
            today=today_utc(),
        ),
        "unsigned",
    ),
    "expired": (
        lambda tmp, k, v: signed(
            tmp, k, v, not_before=today_utc() - timedelta(days=400), expires=today_utc() - timedelta(days=1)
        ),
        "expired on",
    ),
    "wrongly keyed": (lambda tmp, k, v: signed(tmp, Keys(tmp / "stranger"), v), "not trusted here"),
    "rollback": (lambda tmp, k, v: signed(tmp, k, shipped_version()), "rollback"),
}


@pytest.mark.parametrize("kind", sorted(REFUSALS))
def test_a_refused_pack_changes_nothing_and_the_guidance_in_force_stays(
    kind: str, keys: Keys, tmp_path: Path, cast: dict[str, Any]
) -> None:
    make, reason = REFUSALS[kind]
    force = cast["admin"].force
    before = pack_for(force).version
    with pytest.raises(GuidanceRefused) as err:
        install_pack(
            data=make(tmp_path, keys, bump(shipped_version())), trusted=keys.trusted, actor=cast["admin"]
        )
    assert reason in str(err.value)
    assert list(InstalledPack.objects.values_list("source", flat=True)) == ["shipped"]
    assert pack_for(force).version == before == default_pack().version
    refused = AuditEvent.objects.filter(event_type="guidance.refused").get()
    assert reason in refused.after["reason"] and refused.force_code == "TST"


def test_a_trusted_newer_pack_is_kept_but_in_force_nowhere_until_adopted(
    keys: Keys, tmp_path: Path, cast: dict[str, Any]
) -> None:
    version = bump(shipped_version())
    data = signed(tmp_path, keys, version, edit=add_secrecy_rule)
    row = install_pack(data=data, trusted=keys.trusted, actor=None, actor_label="command line (SYNTHETIC)")
    assert (row.version, row.source, row.signed_by) == (version, "imported", [keys.kid])
    assert bytes(row.data) == data and row.digest == hashlib.sha256(data).hexdigest()
    assert pack_for(cast["admin"].force).version == default_pack().version  # installing adopts nothing
    kept = kept_version(f"national@{version}").guidance()
    assert "RISK-MED-SECRECY-SYN" in [r.id for r in kept.risk_rules["medium"]]
    # The same version again, or an older one, is a rollback now.
    with pytest.raises(GuidanceRefused, match="rollback"):
        install_pack(data=data, trusted=keys.trusted, actor=None)
    event = AuditEvent.objects.filter(event_type="guidance.installed").get()
    assert event.after["version"] == version and event.force_code == ""


def test_every_version_is_kept_and_the_shipped_one_is_recorded_once(keys: Keys, tmp_path: Path) -> None:
    shipped_pack()
    shipped_pack()
    first, second = bump(shipped_version()), bump(shipped_version(), 2)
    install_pack(data=signed(tmp_path, keys, first), trusted=keys.trusted, actor=None)
    install_pack(data=signed(tmp_path, keys, second), trusted=keys.trusted, actor=None)
    assert sorted(InstalledPack.objects.values_list("version", flat=True), key=pf.version_key) == [
        shipped_version(),
        first,
        second,
    ]
    with pytest.raises(GuidanceUnavailable, match="never installed"):
        kept_version("national@1999.1.1")


def test_local_additions_are_signed_in_force_and_clearing_one_restores_the_national_value(
    cast: dict[str, Any],
) -> None:
    admin = cast["admin"]
    force = admin.force
    national_ceop = default_pack().agencies["ceop"].purpose
    ceop_local = "agencies:\n  ceop:\n    purpose: SYNTHETIC local wording of the CEOP entry.\n"
    first = overlay_sign(
        force=force,
        files={"agencies.yaml": LOCAL_AGENCY + ceop_local.split("\n", 1)[1]},
        statement="SYNTHETIC: our CSE team added; CEOP reworded for our handlers.",
        actor=admin,
    )
    pack = pack_for(force)
    assert pack.version == f"{default_pack().version}+force-tst@1"
    assert pack.agencies["syn_cse_team"].contact["phone"] == "01632 960000"
    assert pack.agencies["ceop"].purpose == "SYNTHETIC local wording of the CEOP entry."
    assert pack_for(cast["other_admin"].force).version == default_pack().version  # another force: untouched
    assert ("agencies.yaml", "agencies", "ceop") in overrides(force)
    signed_event = AuditEvent.objects.filter(event_type="guidance.overlay_signed").get()
    assert signed_event.after["digest"] == first.digest and signed_event.actor_label == admin.username

    overlay_clear(force=force, file="agencies.yaml", section="agencies", code="ceop", actor=admin)
    pack = pack_for(force)
    assert pack.version.endswith("+force-tst@2")
    assert pack.agencies["ceop"].purpose == national_ceop  # the national value again
    assert "syn_cse_team" in pack.agencies  # the other addition stays
    # The version of the day is still there to explain an assessment made under it.
    assert kept_version(f"{default_pack().version}+force-tst@1").guidance().agencies["ceop"].purpose == (
        "SYNTHETIC local wording of the CEOP entry."
    )


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"pack.yaml": "name: x\n"}, "pack.yaml: a force may add only"),
        ({"agencies.yaml": "agencies: [unclosed\n"}, "agencies.yaml: not YAML at line"),
        ({"agencies.yaml": "- a list\n"}, "expected sections"),
        ({"agencies.yaml": "agencies:\n  ceop:\n    review_date: 12\n"}, "review_date"),
    ],
)
def test_local_additions_that_do_not_load_are_refused_and_nothing_changes(
    files: dict[str, str], message: str, cast: dict[str, Any]
) -> None:
    with pytest.raises(GuidanceRefused, match=message):
        overlay_sign(force=cast["admin"].force, files=files, statement="SYNTHETIC", actor=cast["admin"])
    assert pack_for(cast["admin"].force).version == default_pack().version
    assert not AuditEvent.objects.filter(event_type="guidance.overlay_signed").exists()


def test_a_change_made_on_an_older_view_is_refused(cast: dict[str, Any]) -> None:
    force = cast["admin"].force
    overlay_sign(
        force=force, files={"agencies.yaml": LOCAL_AGENCY}, statement="SYNTHETIC one", actor=cast["admin"]
    )
    seen = ForceGuidance.objects.get(force=force).version
    overlay_clear(
        force=force,
        file="agencies.yaml",
        section="agencies",
        code="syn_cse_team",
        actor=cast["admin"],
        expected_version=seen,
    )
    with pytest.raises(StaleGuidance):
        overlay_sign(
            force=force,
            files={"agencies.yaml": LOCAL_AGENCY},
            statement="SYNTHETIC again",
            actor=cast["admin"],
            expected_version=seen,
        )
    assert (
        yaml.safe_load(
            ForceGuidance.objects.get(force=force).overlay.files.get("agencies.yaml", "{}") or "{}"
        )
        == {}
    )


def test_local_additions_that_lower_a_national_floor_rule_are_refused_naming_it(cast: dict[str, Any]) -> None:
    admin = cast["admin"]
    lowered = "risk_rules:\n  high:\n    - id: RISK-HIGH-COERCION\n      when: {has: meeting}\n"
    with pytest.raises(
        GuidanceRefused, match="^refused: rules.yaml: .*RISK-HIGH-COERCION is a national floor rule"
    ):
        overlay_sign(force=admin.force, files={"rules.yaml": lowered}, statement="SYNTHETIC", actor=admin)
    assert pack_for(admin.force).version == default_pack().version
    assert not AuditEvent.objects.filter(event_type="guidance.overlay_signed").exists()
