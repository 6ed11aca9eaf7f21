"""The guidance pages as a force administrator uses them (issue 12): the values each page renders are the ones
posted back, so a force with no guidance of its own yet can sign local additions and adopt a version; a
refused upload changes nothing; the look-back finding is recorded from its page. All data SYNTHETIC."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings
from tests.closing import WHY
from tests.conftest import sign_in
from tests.guidance_packs import SECRECY_NARRATIVE, Keys, add_secrecy_rule, bump, signed

from heed.lookback import services as lb
from heed.lookback.models import Adoption, LookBackItem, LookBackRun, ShadowRun
from heed.packstore.models import InstalledPack
from heed.packstore.selectors import pack_for, shipped_version
from heed.risk import default_pack

pytestmark = pytest.mark.django_db

LOCAL = """\
agencies:
  syn_cse_team:
    name: SYNTHETIC force CSE team
    purpose: The force's own child sexual exploitation team.
    contact: {phone: "01632 960000"}
    audience: [professional]
    review_date: "2027-06-30"
"""


def rendered(page: str, name: str) -> dict[str, str]:
    """The hidden values the forms on ``page`` post, by name (one that has ``name``)."""
    found = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    assert name in found, page[:300]
    return found


def test_a_force_with_no_guidance_of_its_own_signs_local_additions_from_the_page(
    cast: dict[str, Any],
) -> None:
    client = sign_in(Client(), cast["admin"])
    page = client.get("/guidance/local").content.decode()
    hidden = rendered(page, "expected_version")
    assert hidden["expected_version"] == "0"
    response = client.post(
        "/guidance/local",
        {"expected_version": hidden["expected_version"], "file-agencies.yaml": LOCAL, "statement": WHY},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert "syn_cse_team" in pack_for(cast["admin"].force).agencies
    # A refusal keeps everything typed and says what was wrong, naming the file.
    bad = client.post(
        "/guidance/local",
        {"expected_version": "1", "file-agencies.yaml": "agencies: [oops", "statement": "SYNTHETIC typed"},
    )
    body = bad.content.decode()
    assert bad.status_code == 400 and "agencies.yaml: not YAML at line" in body
    assert "agencies: [oops" in body and "SYNTHETIC typed" in body


@override_settings(HEED_GUIDANCE_KEYS="")
def test_an_upload_with_no_trusted_keys_or_a_bad_file_installs_nothing(cast: dict[str, Any]) -> None:
    client = sign_in(Client(), cast["admin"])
    response = client.post("/guidance/install", {}, follow=True)
    assert "Nothing was installed: Choose the signed pack file" in response.content.decode()
    assert "No trusted keys are configured" in client.get("/guidance/").content.decode()
    assert not InstalledPack.objects.exclude(source="shipped").exists()


def test_shadow_run_and_adoption_from_the_pages_then_the_finding_recorded(
    cast: dict[str, Any], tmp_path: Path, make_call: Any
) -> None:
    from tests.lookback.test_services import closed_standard_call

    keys = Keys(tmp_path / "owner")
    version = bump(shipped_version())
    upload = tmp_path / "next.heedpack"
    upload.write_bytes(signed(tmp_path, keys, version, edit=add_secrecy_rule))
    closed = closed_standard_call(make_call, cast)
    make_call(SECRECY_NARRATIVE, child_age=13)
    admin = sign_in(Client(), cast["admin"])
    with override_settings(HEED_GUIDANCE_KEYS=str(keys.public_file)), upload.open("rb") as f:
        installed = admin.post("/guidance/install", {"file": f}, follow=True)
    assert f"Installed national {version}" in installed.content.decode()
    diff = admin.get(f"/guidance/versions/{version}/diff").content.decode()
    assert "RISK-MED-SECRECY-SYN: added" in diff
    started = admin.post("/guidance/shadow", {"version": version, "days": "7"})
    run = ShadowRun.objects.get()
    assert started["Location"] == f"/guidance/shadow/{run.pk}"
    assert 'hx-trigger="every 2s"' in admin.get(started["Location"]).content.decode()  # running: it polls
    lb.run_to_end("shadow", run.pk)  # the task worker's part
    page = admin.get(f"/guidance/shadow/{run.pk}").content.decode()
    assert 'data-up="2"' in page and closed.reference in page and "every 2s" not in page
    hidden = rendered(page, "expected_version")
    assert hidden["expected_version"] == "0"
    adopted = admin.post(
        f"/guidance/shadow/{run.pk}/adopt", {"expected_version": hidden["expected_version"], "rationale": WHY}
    )
    assert adopted.status_code == 302 and Adoption.objects.get().pack.version == version
    assert pack_for(cast["admin"].force).version == f"national@{version}" != default_pack().version
    lb.run_to_end("lookback", LookBackRun.objects.get().pk)
    officer = sign_in(Client(), cast["safeguarding"])
    queue = officer.get("/lookback/").content.decode()
    item = LookBackItem.objects.get()
    assert closed.reference in queue and f"/lookback/{item.pk}" in queue
    page = officer.get(f"/lookback/{item.pk}").content.decode()
    assert "RISK-MED-SECRECY-SYN" in page
    refused = officer.post(f"/lookback/{item.pk}", {"expected_version": "1", "outcome": "action_taken"})
    assert refused.status_code == 400 and "note: say what you did" in refused.content.decode()
    done = officer.post(
        f"/lookback/{item.pk}",
        {
            "expected_version": rendered(page, "expected_version")["expected_version"],
            "outcome": "action_taken",
            "note": "SYNTHETIC: rang the mother back; checks run; referral made.",
        },
    )
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.status == "done" and item.recorded_by == cast["safeguarding"]
