"""Shared fixtures for the web application's tests: a fixed cast of users per role, and a person index.

The cast (after healthchecks' personas): a handler, a second handler, a supervisor, a second supervisor, a
safeguarding officer, an auditor, a force administrator and a trainer of force TST, a handler and a force
administrator of another force (OTH), a national administrator and a national guidance owner (no force), and
anonymous. Every permission
test is written against this cast. ``sign_in`` signs a persona in as they really are signed in: with a
verified second factor where their role requires one (MFA is never switched off for tests).
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import factory
import pytest
from django.db import connection

NOMINALS = Path(__file__).resolve().parents[1] / "src" / "heed" / "demo" / "nominals.csv"
DEMO_NARRATIVE = Path(__file__).resolve().parents[1] / "src" / "heed" / "demo" / "narrative.txt"
PASSWORD = "Correct-Horse-Battery-9"  # test-only


class ForceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.Force"
        django_get_or_create = ("code",)

    code = "TST"
    name = factory.LazyAttribute(lambda o: f"Test force {o.code} (SYNTHETIC)")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.User"
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    force = factory.SubFactory(ForceFactory)
    role = "handler"
    # One Argon2 hash for the whole session: hashing is slow by design, and every persona shares it.
    password = factory.LazyFunction(lambda: _password_hash())


_HASH: list[str] = []


def _password_hash() -> str:
    if not _HASH:
        from django.contrib.auth.hashers import make_password

        _HASH.append(make_password(PASSWORD))
    return _HASH[0]


CAST = {
    "handler": ("TST", "handler"),
    "handler2": ("TST", "handler"),
    "supervisor": ("TST", "supervisor"),
    "supervisor2": ("TST", "supervisor"),
    "safeguarding": ("TST", "safeguarding_officer"),
    "auditor": ("TST", "auditor"),
    "admin": ("TST", "force_admin"),
    "trainer": ("TST", "trainer"),
    "other_handler": ("OTH", "handler"),
    "other_admin": ("OTH", "force_admin"),
    "national": ("", "national_admin"),
    "owner": ("", "national_owner"),
}


@pytest.fixture
def cast(db: Any) -> dict[str, Any]:
    """The fixed cast of users, by persona name."""
    return {
        name: UserFactory(username=f"t.{name}", force=ForceFactory(code=code) if code else None, role=role)
        for name, (code, role) in CAST.items()
    }


def verified_device(user: Any) -> Any:
    """The user's confirmed authenticator app (made once, as enrolment would)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "test app"})
    return device


def sign_in(client: Any, user: Any, *, verified: bool = True) -> Any:
    """Sign ``user`` in on ``client``; a user whose role requires a second factor is signed in with a verified
    authenticator app (``verified=False`` leaves it pending, as after the password alone)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from heed.accounts.roles import MFA_REQUIRED_ROLES

    client.force_login(user)
    if verified and user.role in MFA_REQUIRED_ROLES:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = verified_device(user).persistent_id
        session.save()
    return client


@pytest.fixture
def handler_client(cast: dict[str, Any]) -> Any:
    """A test client signed in as the cast's call handler."""
    from django.test import Client

    return sign_in(Client(), cast["handler"])


@pytest.fixture(scope="session")
def person_index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The SYNTHETIC demo nominal records, indexed once for the session."""
    from heed.checks import import_csv

    location = tmp_path_factory.mktemp("person-index") / "index"
    report = import_csv(NOMINALS, location)
    assert report.refused == 0, report.errors
    return location


@pytest.fixture(autouse=True)
def _person_index(request: pytest.FixtureRequest, person_index_dir: Path) -> Iterator[None]:
    """Point the app at the session's person index (only for tests that use Django settings)."""
    if "settings" not in request.fixturenames and "db" not in request.fixturenames:
        yield
        return
    settings = request.getfixturevalue("settings")
    settings.HEED_INDEX_DIR = str(person_index_dir)
    yield
    from heed.calls.person_index import reset

    reset()


@pytest.fixture
def demo_narrative() -> str:
    return DEMO_NARRATIVE.read_text(encoding="utf-8")


@pytest.fixture
def make_call(cast: dict[str, Any], demo_narrative: str) -> Any:
    """Open a call through the service, as the handler by default."""
    from heed.calls.services import call_create

    def make(narrative: str | None = None, actor: str = "handler", **kwargs: Any) -> Any:
        return call_create(
            actor=cast[actor],
            narrative=demo_narrative if narrative is None else narrative,
            caller_name=kwargs.pop("caller_name", "SYNTHETIC caller"),
            caller_relation=kwargs.pop("caller_relation", "parent"),
            child_name=kwargs.pop("child_name", "SAM"),
            child_age=kwargs.pop("child_age", 14),
            **kwargs,
        )

    return make


@pytest.fixture
def clears_audit(cast: dict[str, Any]) -> Iterator[None]:
    """These tests commit for real, so the database is emptied after them; the audit table refuses DELETE by
    design, so its append-only triggers are lifted just to empty it, then put back as the migration made them.
    """
    yield
    migration = importlib.import_module("heed.audit.migrations.0002_append_only")
    pg = connection.vendor == "postgresql"
    with connection.cursor() as cur:
        for sql in migration.POSTGRES_REVERSE if pg else migration.SQLITE_REVERSE:
            cur.execute(sql)
        cur.execute("DELETE FROM audit_event")
        for sql in migration.POSTGRES if pg else migration.SQLITE:
            cur.execute(sql)


class Records(dict[str, Any]):
    """The records a path names, each made the first time a path asks for it: most permission tests name
    one record or none, and making all of them (a shadow run, a dip draw, a notice...) for each of ~1,400
    tests was most of the suite's time. Paths are filled with
    ``path.format_map(ids.with_(id=..., rid=...))``, which asks only for the names the path holds."""

    def __init__(self, makers: dict[str, Any], **known: Any) -> None:
        super().__init__(known)
        self._makers = makers

    def __missing__(self, key: str) -> Any:
        if key not in self._makers:
            raise KeyError(key)
        value = self._makers[key]()
        self[key] = value
        return value

    def with_(self, **known: Any) -> Records:
        """The same records (made once, shared) with these names added for one path."""
        return Records({k: (lambda k=k: self[k]) for k in self._makers}, **self, **known)


@pytest.fixture
def ids(cast: dict[str, Any], make_call: Any) -> Records:
    """The records the permission matrix's paths name: {aid} the TST handler's unassisted attempt at the seed
    case, {cid} a certificate of theirs, {sid} a draft scenario of the TST trainer's; {ver} the national
    version shipped, {shid} a finished shadow run of TST's, {lrid} a look-back of TST's and {lid} a finding
    of it (on a TST call, SYNTHETIC); {nid} a national lessons notice; {dsid} a dip-sampled call of TST's
    handler (last month, closed); {tid} a team of TST's with its handler in it. Each is made only when a
    path names it."""
    from django.utils import timezone

    from heed.packstore.selectors import shipped_version
    from heed.packstore.services import shipped_pack

    admin = cast["admin"]

    def shadow() -> int:
        from heed.lookback import services as lb

        run = lb.shadow_start(actor=admin, force=admin.force, version=shipped_version(), days=30, run=False)
        lb.run_to_end("shadow", run.pk)
        return int(run.pk)

    def look() -> int:
        from heed.lookback.models import LookBackRun, RunStatus

        now = timezone.now()
        return int(
            LookBackRun.objects.create(
                force=admin.force,
                stamp=f"national@{shipped_version()}",
                since=now,
                status=RunStatus.FINISHED,
                total=1,
                done=1,
                found=1,
                started_by=admin,
                started_by_label=admin.username,
                started_at=now,
            ).pk
        )

    def finding() -> int:
        from heed.lookback.models import LookBackItem, LookBackRun

        run = LookBackRun.objects.get(pk=records["lrid"])
        return int(
            LookBackItem.objects.create(
                run=run,
                force=admin.force,
                call=make_call(),
                stamp=run.stamp,
                old_risk="standard",
                new_risk="high",
                risk_rose=True,
                missing=["safeguarding_referral"],
                reasons=["RISK-HIGH-SEXUAL-NONPEER"],
                found_at=run.started_at,
            ).pk
        )

    def dip() -> int:
        from heed.compliance.figures import add_months, month_start
        from heed.compliance.services import dip_draw
        from heed.compliance.synthetic import _older_closed

        last_month = add_months(month_start(timezone.localdate()), -1)
        _older_closed(
            cast["handler"],
            timezone.make_aware(dt.datetime.combine(last_month, dt.time(12))),
            outcome="advice_given",
            risk="standard",
            approvals=[],
        )
        (sample,) = dip_draw(actor=cast["supervisor"], month=last_month)
        return int(sample.pk)

    def team() -> int:
        from heed.accounts.services import team_create, user_team_set

        made = team_create(name="SYNTHETIC Blue watch", actor=admin)
        user_team_set(actor=admin, user_id=cast["handler"].pk, team_id=made.pk)
        return int(made.pk)

    def notice() -> int:
        from heed.notices.services import notice_publish

        return int(
            notice_publish(
                actor=cast["owner"],
                title="SYNTHETIC lesson",
                what_happened="SYNTHETIC.",
                what_must_change="SYNTHETIC.",
                forces_must="SYNTHETIC.",
                due=timezone.localdate(),
            ).pk
        )

    def attempt() -> int:
        from heed.training.services import attempt_start

        return int(attempt_start(actor=cast["handler"], scenario="seed-case", mode="unassisted").pk)

    def certificate() -> int:
        from heed.training.models import Certificate

        return int(
            Certificate.objects.create(
                user=cast["handler"],
                curriculum="seed-foundation",
                title="SYNTHETIC certificate",
                issued_at=timezone.now(),
                attempts=[],
            ).pk
        )

    def scenario() -> int:
        from heed.training.scenario import LIBRARY_DIR
        from heed.training.services import scenario_save

        seed = (LIBRARY_DIR / "seed-case.yaml").read_text(encoding="utf-8")
        return int(scenario_save(actor=cast["trainer"], text=seed.replace("id: seed-case", "id: tst-own")).pk)

    records = Records(
        {
            "nid": notice,
            "tid": team,
            "dsid": dip,
            "ver": lambda: shipped_pack().version,  # kept as an installed version, as a shadow run keeps it
            "shid": shadow,
            "lrid": look,
            "lid": finding,
            "aid": attempt,
            "cid": certificate,
            "sid": scenario,
        }
    )
    return records
