"""Importing forces' statistics files at the national owner's (command line and page): a tampered, unsigned
or untrusted file, or one with a key outside the allow-list or a small number, is refused in one line and
audited; a duplicate or an older file is refused; the page shows national and per-force figures and trends."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client

from heed.audit.models import AuditEvent
from heed.guidance import packfile as pf
from heed.stats import fileformat as ff
from heed.stats.models import ForceStats
from heed.stats.services import StatsRefused, stats_import
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

KEY = Ed25519PrivateKey.generate()
TRUSTED = {pf.key_id(KEY.public_key()): KEY.public_key()}


def doc(force: str = "TST", period: str = "2026-11", *, hour: int = 2, **counts: int) -> dict[str, Any]:
    """A statistics document from made-up counts (SYNTHETIC)."""
    platforms = {"snapchat": counts.get("snapchat", 12), "roblox": counts.get("roblox", 3), "discord": 0}
    return ff.build(
        force=force,
        period=period,
        generated_at=datetime(2026, 12, 1, hour, tzinfo=UTC),
        packs=["national@2026.12.1"],
        calls=20,
        tables={
            "grade": {"high": 6, "medium": 10, "standard": 4, "not_graded": 0},
            "platform": platforms,
            "indicator": {"gifts": 9, "secrecy": 11},
        },
        compliance={"checks_before_close": {"yes": 9, "no": 1}},
    )


def signed(d: dict[str, Any], key: Ed25519PrivateKey = KEY) -> bytes:
    return ff.sign(d, key)


def test_a_signed_file_is_imported_and_audited(cast: dict[str, Any]) -> None:
    row = stats_import(data=signed(doc()), trusted=TRUSTED, actor=cast["owner"])
    assert (row.force_code, row.period, row.signed_by) == ("TST", "2026-11", list(TRUSTED))
    assert row.data["tables"]["platform"]["cells"] == {"snapchat": 12, "roblox": "<5", "discord": "*"}
    event = AuditEvent.objects.get(event_type="stats.imported")
    assert event.force_code == "" and event.after["force"] == "TST" and event.actor_label == "t.owner"


def _tampered() -> bytes:
    d = json.loads(signed(doc()))
    d["tables"]["grade"]["cells"]["high"] = 60
    return json.dumps(d).encode()


def _unsigned() -> bytes:
    return json.dumps(doc()).encode()


def _small_number() -> bytes:
    d = doc()
    d["tables"]["grade"]["cells"]["high"] = 3
    return json.dumps(pf.sign_document(d, KEY)).encode()


def _extra_key() -> bytes:
    d = doc()
    d["names"] = ["SYNTHETIC Quorra Vantablack"]
    return json.dumps(pf.sign_document(d, KEY)).encode()


def _free_text_label() -> bytes:
    d = doc()
    d["tables"]["indicator"]["cells"]["Quorra Vantablack SYNTHETIC"] = 7
    return json.dumps(pf.sign_document(d, KEY)).encode()


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (_tampered, "tampered: the signature by key"),
        (_unsigned, "unsigned: no signature on it"),
        (lambda: signed(doc(), Ed25519PrivateKey.generate()), "signed by a key that is not trusted here"),
        (_small_number, "an unsuppressed small number (3)"),
        (_extra_key, "keys outside the allow-list: 'names'"),
        (_free_text_label, "a label outside its vocabulary"),
        (lambda: b"\x00not json", "not a statistics file"),
    ],
)
def test_a_file_that_cannot_be_trusted_is_refused_in_one_line(
    cast: dict[str, Any], make: Any, says: str
) -> None:
    with pytest.raises(StatsRefused) as exc:
        stats_import(data=make(), trusted=TRUSTED, actor=cast["owner"])
    assert says in str(exc.value) and "\n" not in str(exc.value)
    assert not ForceStats.objects.exists()
    assert AuditEvent.objects.get(event_type="stats.refused").after["reason"] == str(exc.value)


def test_a_duplicate_or_an_older_file_is_refused_and_a_newer_one_is_read(cast: dict[str, Any]) -> None:
    stats_import(data=signed(doc(hour=2)), trusted=TRUSTED, actor=None)
    with pytest.raises(StatsRefused, match="imported already"):
        stats_import(data=signed(doc(hour=2)), trusted=TRUSTED, actor=None)
    with pytest.raises(StatsRefused, match="not newer"):
        stats_import(data=signed(doc(hour=1, snapchat=40)), trusted=TRUSTED, actor=None)
    stats_import(data=signed(doc(hour=3, snapchat=40)), trusted=TRUSTED, actor=None)
    assert ForceStats.objects.count() == 2  # the older kept, never overwritten
    from heed.stats.selectors import newest

    assert newest()[("TST", "2026-11")].data["tables"]["platform"]["cells"]["snapchat"] == 40


def test_the_command_imports_and_refuses(tmp_path: Path, cast: dict[str, Any], capsys: Any) -> None:
    from heed.cli import main

    pf.keygen(tmp_path / "k")
    key = pf.load_private_key(tmp_path / "k/private.pem")
    (tmp_path / "tst.json").write_bytes(signed(doc(), key))
    keys = ["--keys", str(tmp_path / "k/public.pem")]
    assert main(["stats", "import", str(tmp_path / "tst.json"), *keys]) == 0
    assert "imported TST 2026-11" in capsys.readouterr().out
    (tmp_path / "bad.json").write_bytes(signed(doc(hour=5)))  # signed by a key not in the file of keys
    assert main(["stats", "import", str(tmp_path / "bad.json"), *keys]) == 2
    err = capsys.readouterr().err
    assert "not trusted here" in err and err.count("\n") == 1


@pytest.fixture
def owner(cast: dict[str, Any], tmp_path: Path, settings: Any) -> Client:
    keys = tmp_path / "stats-keys.pem"
    keys.write_bytes(
        KEY.public_key().public_bytes(
            pf.serialization.Encoding.PEM, pf.serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    settings.HEED_STATS_KEYS = str(keys)
    return sign_in(Client(), cast["owner"])


def test_the_page_shows_national_and_per_force_figures_and_trends(owner: Client) -> None:
    for d in (
        doc("TST", "2026-10", snapchat=6),
        doc("TST", "2026-11", snapchat=12),
        doc("OTH", "2026-11", snapchat=30, roblox=9),
    ):
        stats_import(data=signed(d), trusted=TRUSTED, actor=None)
    page = owner.get("/stats/").content.decode()
    assert 'data-table="tables-platform"' in page
    # Snapchat: 12 + 30 nationally; Roblox: 9 published and one force's "<5", never summed as zero.
    assert '<td class="govuk-table__cell" data-national>42</td>' in page
    assert "at least 10 (9 published + 1 × &lt;5)" in page
    assert '<td class="govuk-table__cell" data-force="TST">&lt;5</td>' in page
    assert 'data-chart="trend"' in page and "(was 6 in 2026-10)" in page
    assert owner.get("/stats/?period=2026-10").status_code == 200


def test_the_page_imports_an_uploaded_file(owner: Client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    ok = owner.post("/stats/import", {"file": SimpleUploadedFile("tst.json", signed(doc()))}, follow=True)
    assert "Imported TST 2026-11." in ok.content.decode()
    bad = owner.post("/stats/import", {"file": SimpleUploadedFile("t.json", _tampered())}, follow=True)
    assert "refused: tampered" in bad.content.decode()
    assert ForceStats.objects.count() == 1


def test_the_page_says_when_no_keys_are_configured(cast: dict[str, Any], settings: Any) -> None:
    settings.HEED_STATS_KEYS = ""
    page = sign_in(Client(), cast["owner"]).get("/stats/").content.decode()
    assert "data-no-keys" in page and "data-no-stats" in page
