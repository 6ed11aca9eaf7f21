"""A force's statistics file over SYNTHETIC calls: only allow-listed keys at any depth, no count from 1 to
4 anywhere, and none of the names, user names, references, phone numbers or handles planted in the calls in
its bytes; the figures are the calls' (live calls only); the export is audited."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from heed.audit.models import AuditEvent
from heed.calls import services
from heed.calls.models import Call
from heed.commands import CommandError
from heed.stats import fileformat as ff
from heed.stats.figures import age_band, force_figures
from heed.stats.services import stats_export
from heed.stats.suppress import MARKERS
from tests.closing import WHY, do_everything

pytestmark = pytest.mark.django_db

PLATFORMS = ["Snapchat", "Roblox", "insta", "Discord", "a SYNTHETIC platform nobody knows"]
NARRATIVE = (
    "SYNTHETIC call {i}. The caller says an adult called {groomer} has been messaging {child} on {platform} "
    "as {handle} for weeks, sending gifts and asking for pictures, and wants to meet. "
    "His number is {phone}. {child} is withdrawn and told to keep it secret."
)


def planted(i: int) -> dict[str, str]:
    return {
        "caller": f"Quorra Vantablack{i} SYNTHETIC",
        "child": f"Zebediah{i}",
        "groomer": f"Ozymandias{i}",
        "phone": f"07700 9{i:05d}",
        "handle": f"@nightowl_synth{i}x",
        "platform": PLATFORMS[i % len(PLATFORMS)],
    }


@pytest.fixture
def calls(make_call: Any, cast: dict[str, Any]) -> list[Any]:
    made = []
    ages = [None, 8, 11, 13, 14, 15, 16, 17, 12]
    for i in range(30):
        p = planted(i)
        made.append(
            make_call(
                # The demo narrative's call (Kai, NightHawk, 07700 900123) for the four that are closed.
                NARRATIVE.format(i=i, **p) if i >= 4 else None,
                actor="handler" if i % 3 else "supervisor",
                caller_name=p["caller"],
                caller_contact=p["phone"],
                child_name=p["child"],
                child_age=ages[i % len(ages)],
            )
        )
    # A few closed, with all their actions done (closing.py), through review where the grade needs it.
    for call in made[:4]:
        do_everything(call, cast)
        call = services.closure_request(actor=cast["handler"], call=call, outcome="referred", rationale=WHY)
        if call.status == "awaiting_review":
            services.review_decide(actor=cast["supervisor2"], call=call, decision="approve", rationale=WHY)
    # Handles checked on platforms typed by the handler, one of them no known platform (SYNTHETIC).
    for i, call in enumerate(made[10:16]):
        platform = "Blorptalk SYNTHETIC" if i < 5 else "Snap"
        services.identifier_check_run(
            actor=cast["handler"], call=call, kind="handle", value=f"@zz_synth_{i}", platform=platform
        )
    # A refused close is a compliance figure.
    with pytest.raises(services.ClosureRefused):
        services.closure_request(actor=cast["handler"], call=made[5], outcome="referred", rationale=WHY)
    return made


def _walk(value: Any, path: str = "") -> Any:
    if isinstance(value, dict):
        for k, v in value.items():
            yield path, k, None
            yield from _walk(v, f"{path}.{k}")
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v, f"{path}[]")
    else:
        yield path, None, value


def _allowed_keys(path: str, key: str) -> bool:
    depth = path.count(".")
    if depth == 0:
        return key in ff.TOP_KEYS
    parts = path.split(".")
    if parts[1] in ("tables", "compliance"):
        spec = ff.TABLES if parts[1] == "tables" else ff.COMPLIANCE
        if depth == 1:
            return key in spec
        if depth == 2:
            return key in ff.TABLE_KEYS
        labels = spec[parts[2]]
        return key in labels if isinstance(labels, frozenset) else bool(labels.fullmatch(key))
    return parts[1] == "signatures[]" and key in ff.SIGNATURE_KEYS


def _period() -> str:
    return timezone.now().strftime("%Y-%m")


def test_the_file_holds_only_allow_listed_keys_and_no_small_number(
    calls: list[Any], cast: dict[str, Any]
) -> None:
    key = Ed25519PrivateKey.generate()
    data = stats_export(force=cast["handler"].force, period=_period(), private=key)
    doc = json.loads(data)
    for path, k, value in _walk(doc):
        if k is not None:
            assert _allowed_keys(path, k), (path, k)
        elif isinstance(value, int) and not isinstance(value, bool):
            assert value == 0 or value >= 5, (path, value)
        elif isinstance(value, str) and path.split(".")[-1] not in (
            "format",
            "force",
            "period",
            "generated_at",
        ):
            assert value in MARKERS or path.startswith((".packs[]", ".signatures[]")), (path, value)
    assert doc["force"] == "TST" and doc["period"] == _period()
    assert doc["calls"] == 30
    assert doc["tables"]["grade"]["total"] == 30
    assert doc["tables"]["age_band"]["cells"]["13-15"] == 9
    assert set(doc["tables"]["platform"]["cells"]) <= set(ff.TABLES["platform"])  # type: ignore[arg-type]


def test_no_personal_data_leaves_the_force(calls: list[Any], cast: dict[str, Any]) -> None:
    from heed.accounts.services import team_create, user_team_set

    # The compliance dashboard has teams; the national figures never name one, nor count by one.
    team = team_create(name="Xanthippe watch SYNTHETIC", actor=cast["admin"])
    for who in ("handler", "supervisor"):
        user_team_set(actor=cast["admin"], user_id=cast[who].pk, team_id=team.pk)
    data = stats_export(force=cast["handler"].force, period=_period(), private=Ed25519PrivateKey.generate())
    text = data.decode("utf-8").casefold()
    assert "xanthippe" not in text and '"team' not in text
    secrets = [u.username for u in cast.values()] + [c.reference for c in Call.objects.all()]
    secrets += ["Kai", "NightHawk", "07700 900123", "07700900123", "Maidstone"]  # the demo narrative's
    for i in range(30):
        p = planted(i)
        secrets += [
            p["caller"],
            p["child"],
            p["groomer"],
            p["phone"],
            p["phone"].replace(" ", ""),
            p["handle"],
        ]
        secrets += [
            p["handle"].lstrip("@"),
            p["platform"] if "SYNTHETIC" in p["platform"] else "",
            "synthetic",
        ]
    for s in filter(None, secrets):
        assert s.casefold() not in text, s
    # Nothing typed can become a label: the unknown platform is counted as "other".
    assert json.loads(data)["tables"]["platform"]["cells"].get("other") == 5


def test_figures_count_live_calls_only(calls: list[Any], cast: dict[str, Any]) -> None:
    Call.objects.filter(pk=calls[0].pk).update(training=True)
    f = force_figures(cast["handler"].force, _period())
    assert f.calls == 29
    assert sum(f.tables["grade"].values()) == 29
    assert sum(f.compliance["closure_refusals"].values()) >= 1
    assert f.compliance["closure_refused"]["yes"] >= 1
    assert sum(f.compliance["checks_before_close"].values()) >= 1
    assert force_figures(cast["other_handler"].force, _period()).calls == 0


def test_the_export_is_audited_in_the_forces_chain(calls: list[Any], cast: dict[str, Any]) -> None:
    stats_export(force=cast["handler"].force, period=_period(), private=Ed25519PrivateKey.generate())
    event = AuditEvent.objects.get(event_type="stats.exported")
    assert (
        event.force_code == "TST" and event.after["period"] == _period() and len(event.after["digest"]) == 64
    )


@pytest.mark.parametrize(
    ("age", "band"),
    [(None, "unknown"), (0, "0-9"), (9, "0-9"), (10, "10-12"), (13, "13-15"), (17, "16-17"), (18, "unknown")],
)
def test_age_bands(age: int | None, band: str) -> None:
    assert age_band(age) == band


def test_the_command_writes_a_signed_file(
    calls: list[Any], tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from heed.cli import main
    from heed.guidance import packfile as pf

    kid = pf.keygen(tmp_path / "keys")
    out = tmp_path / "tst.json"
    argv = [
        "stats",
        "export",
        "--period",
        _period(),
        "--force",
        "tst",
        "--key",
        str(tmp_path / "keys/private.pem"),
    ]
    assert main([*argv, "-o", str(out)]) == 0
    doc, signers = ff.verify(out.read_bytes(), pf.load_trusted_keys(tmp_path / "keys/public.pem"))
    assert signers == [kid] and doc["force"] == "TST"
    said = capsys.readouterr().out
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    assert f"wrote {out.resolve()}: TST" in said and digest in said and "no personal data" in said
    event = AuditEvent.objects.get(event_type="stats.exported")
    assert event.after["digest"] == digest and event.after["file"] == str(out.resolve())
    assert event.actor_label.startswith("command line")
    assert main([*argv, "-o", str(out)]) == 2  # never overwrites
    with pytest.raises(SystemExit):
        main([*argv[:3], "2026-13", *argv[4:], "-o", str(tmp_path / "x.json")])
    assert CommandError


def test_a_file_that_cannot_be_written_leaves_no_record(cast: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        stats_export(
            force=cast["handler"].force,
            period=_period(),
            private=Ed25519PrivateKey.generate(),
            out=tmp_path / "no such folder" / "tst.json",
        )
    assert not AuditEvent.objects.filter(event_type="stats.exported").exists()


def test_a_record_that_cannot_be_committed_leaves_no_file(
    cast: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from contextlib import contextmanager
    from types import SimpleNamespace

    from django.db import transaction

    from heed.stats import services

    @contextmanager
    def failing_commit() -> Any:
        with transaction.atomic():
            yield
            raise RuntimeError("the commit failed (SYNTHETIC)")  # after the body: the file is written

    monkeypatch.setattr(services, "transaction", SimpleNamespace(atomic=failing_commit))
    out = tmp_path / "tst.json"
    with pytest.raises(RuntimeError, match="commit failed"):
        stats_export(
            force=cast["handler"].force, period=_period(), private=Ed25519PrivateKey.generate(), out=out
        )
    assert not out.exists()
    assert not AuditEvent.objects.filter(event_type="stats.exported").exists()


def test_a_write_that_fails_midway_leaves_no_partial_file(
    cast: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = Path.open

    class DiskFull:
        """The file as opened, taking the first bytes of a write and then failing (a full disk)."""

        def __init__(self, f: Any) -> None:
            self.f = f

        def __enter__(self) -> DiskFull:
            return self

        def __exit__(self, *exc: object) -> None:
            self.f.close()

        def write(self, data: bytes) -> int:
            self.f.write(data[:10])
            self.f.flush()
            raise OSError(28, "No space left on device (SYNTHETIC)")

    def open_full(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        f = real_open(self, mode, *args, **kwargs)
        return DiskFull(f) if mode == "xb" else f

    out = tmp_path / "tst.json"
    with monkeypatch.context() as m:
        m.setattr(Path, "open", open_full)
        with pytest.raises(OSError, match="No space left"):
            stats_export(
                force=cast["handler"].force, period=_period(), private=Ed25519PrivateKey.generate(), out=out
            )
    assert not out.exists()
    assert not AuditEvent.objects.filter(event_type="stats.exported").exists()
    # The next export is not blocked by what the failed one began.
    stats_export(force=cast["handler"].force, period=_period(), private=Ed25519PrivateKey.generate(), out=out)
    assert out.exists()
