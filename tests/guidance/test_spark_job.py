"""The look-back on Spark (issue 12): a force's closed calls exported to Parquet (`heed guidance export`) and
judged by the PySpark job on ``local[2]`` give the same findings, row for row, as the single-process look-back
(``call_records`` from the database and ``judge`` in one process, as `heed rescreen` does); under the shipped
pack and under a signed pack file that travels with the job. Calls and narratives are SYNTHETIC. The tests
that read the database run again on PostgreSQL (django_db); the refusals need none."""

from __future__ import annotations

import io
import os
import shutil
import sys
import zipfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from django.utils import timezone

from heed.cli import main
from heed.guidance import packfile as pf
from heed.guidance.lookback import EXPORT_COLUMNS, FINDING_COLUMNS, judge
from heed.guidance.spark_job import JobRefused, PackSource, run
from heed.risk import GuidancePack, default_pack, load_pack
from heed.risk.pack import NATIONAL_DIR
from tests.conftest import ForceFactory, UserFactory

HIGH = "He is 34 and asked her for pictures of herself in her school uniform. She is 12. SYNTHETIC."
PLAIN = "My son lost his bike at the park and wants to report it stolen. SYNTHETIC."
EVERYTHING = ("person_check", "identifier_check", "specialist_advice", "safeguarding_referral")
SINCE = "2026-01-01"


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    # The executors' Python is this one (heed installed in it), as heed is installed on a cluster's nodes.
    python = os.environ.get("PYSPARK_PYTHON")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("heed-test-lookback")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    yield session
    session.stop()
    if python is None:
        os.environ.pop("PYSPARK_PYTHON")
    else:
        os.environ["PYSPARK_PYTHON"] = python


def closed_call(
    n: int,
    notes: list[tuple[int, int, str]],
    *,
    risk: str,
    done: tuple[str, ...] = (),
    outstanding: tuple[str, ...] = (),
    force: str = "TST",
    status: str = "closed",
    training: bool = False,
    closed: Any = None,
) -> Any:
    """A call as it was closed: notes as (entry, version, text), the grade, the actions done and not."""
    from heed.calls.models import Call, NoteEntry, RequiredAction

    user = UserFactory(username=f"syn.handler.{force}", force=ForceFactory(code=force))
    at = closed or timezone.now()
    call = Call.objects.create(
        force=user.force,
        reference=f"SYN-{force}-{n}",
        status=status,
        created_by=user,
        created_at=at - timedelta(hours=1),
        updated_at=at,
        caller_relation="parent",
        child_age=12,
        risk=risk,
        pack_version="national@2025.1.0",
        training=training,
    )
    for entry, version, text in notes:
        NoteEntry.objects.create(
            call=call, entry_no=entry, version=version, text=text, author=user, created_at=at
        )
    for code in done:
        RequiredAction.objects.create(call=call, code=code, status="done", created_at=at)
    if "specialist_advice" in done:
        from heed.risk import default_pack
        from heed.support.models import AdviceRecord

        # Advice done means the caller was told of the agencies: every national one, here.
        AdviceRecord.objects.create(
            call=call,
            agencies=sorted(default_pack().agencies),
            method="read_out",
            pack_version="national@2025.1.0",
            given_by=user,
            given_at=at,
        )
    for code in outstanding:
        RequiredAction.objects.create(call=call, code=code, created_at=at)
    return call


@pytest.fixture
def planted() -> dict[str, set[int]]:
    """SYNTHETIC closed calls of TST that the look-back must find, must not find, and must not export."""
    found = {
        closed_call(1, [(1, 1, HIGH)], risk="standard").pk,
        # The handler's own correction made it concerning: the latest version of an entry is what is read.
        closed_call(2, [(1, 1, PLAIN), (1, 2, HIGH)], risk="standard").pk,
        # Graded right, but the referral was left outstanding.
        closed_call(3, [(1, 1, HIGH)], risk="high", done=EVERYTHING[:3], outstanding=EVERYTHING[3:]).pk,
    }
    not_found = {
        closed_call(4, [(1, 1, HIGH)], risk="high", done=EVERYTHING).pk,
        closed_call(5, [(1, 1, PLAIN)], risk="standard").pk,
        closed_call(6, [(1, 1, HIGH), (1, 2, PLAIN)], risk="standard").pk,
        closed_call(7, [(1, 1, PLAIN), (2, 1, "Caller thanked the handler. SYNTHETIC.")], risk="standard").pk,
    }
    not_exported = {
        closed_call(8, [(1, 1, HIGH)], risk="standard", force="OTH").pk,
        closed_call(9, [(1, 1, HIGH)], risk="standard", status="open").pk,
        closed_call(10, [(1, 1, HIGH)], risk="standard", training=True).pk,
        closed_call(11, [(1, 1, HIGH)], risk="standard", closed=timezone.now().replace(year=2025)).pk,
    }
    return {"found": found, "not_found": not_found, "not_exported": not_exported}


def exported(tmp_path: Path) -> Path:
    out = tmp_path / "export.parquet"
    assert main(["guidance", "export", "--force", "TST", "--since", SINCE, "-o", str(out)]) == 0
    return out


def single_process(pack: GuidancePack) -> list[dict[str, Any]]:
    """The look-back as `heed rescreen` runs it: the database's records judged one by one in this process."""
    from heed.accounts.models import Force
    from heed.commands.guidance import since_midnight
    from heed.lookback.records import call_records, closed_calls

    calls = closed_calls(Force.objects.get(code="TST"), since_midnight(date.fromisoformat(SINCE)))
    return [f.to_row() for r in call_records(calls) if (f := judge(r, pack)) is not None]


def spark_findings(spark: Any, export: Path, out: Path, source: PackSource) -> list[dict[str, Any]]:
    summary = run(spark, str(export), str(out), source)
    rows = [r.asDict() for r in spark.read.parquet(str(out)).collect()]
    assert summary.findings == len(rows)
    return sorted(rows, key=lambda r: r["call_id"])


@pytest.mark.slow
@pytest.mark.django_db
def test_the_spark_job_and_the_single_process_look_back_agree_row_for_row(
    spark: Any, planted: dict[str, set[int]], tmp_path: Path
) -> None:
    export = exported(tmp_path)
    on_spark = spark_findings(spark, export, tmp_path / "findings", PackSource())
    alone = single_process(default_pack())
    assert on_spark == alone
    assert {r["call_id"] for r in on_spark} == planted["found"]
    assert spark.read.parquet(str(tmp_path / "findings")).columns == [n for n, _ in FINDING_COLUMNS]
    referral = next(r for r in on_spark if r["reference"] == "SYN-TST-3")
    assert (referral["risk_rose"], referral["missing"]) == (False, "safeguarding_referral")


@pytest.mark.slow
@pytest.mark.django_db
def test_a_signed_pack_file_travels_with_the_job_and_is_verified_on_the_executors(
    spark: Any, planted: dict[str, set[int]], tmp_path: Path
) -> None:
    # The national pack as a newer version, built, signed and given to the job as a file: its version is in
    # every finding, so the executors judged by the file, not by the pack shipped in heed.
    copy = tmp_path / "pack"
    shutil.copytree(NATIONAL_DIR, copy)
    current = default_pack().version.split("@")[1]
    meta = copy / "pack.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace(current, "2999.1.0"), encoding="utf-8")
    pf.keygen(tmp_path / "keys")
    signed = pf.sign(pf.build(copy), pf.load_private_key(tmp_path / "keys" / "private.pem"))
    (tmp_path / "next.heedpack").write_bytes(signed)
    source = PackSource.from_paths(tmp_path / "next.heedpack", tmp_path / "keys" / "public.pem")

    on_spark = spark_findings(spark, exported(tmp_path), tmp_path / "findings", source)
    assert on_spark == single_process(load_pack(national_dir=copy))
    assert {r["new_pack_version"] for r in on_spark} == {"national@2999.1.0"}
    assert {r["call_id"] for r in on_spark} == planted["found"]


def test_a_tampered_pack_file_stops_the_job_before_any_call_is_read(tmp_path: Path) -> None:
    pf.keygen(tmp_path / "keys")
    signed = pf.sign(pf.build(NATIONAL_DIR), pf.load_private_key(tmp_path / "keys" / "private.pem"))
    src, out = zipfile.ZipFile(io.BytesIO(signed)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:  # one rule file edited after signing
        for info in src.infolist():
            data = src.read(info)
            z.writestr(info, data + b"\n# edited\n" if info.filename == "pack/rules.yaml" else data)
    (tmp_path / "bad.heedpack").write_bytes(out.getvalue())
    source = PackSource.from_paths(tmp_path / "bad.heedpack", tmp_path / "keys" / "public.pem")
    with pytest.raises(JobRefused, match="^the pack file is refused: tampered: rules.yaml"):
        source.load()


@pytest.mark.django_db
def test_the_export_holds_the_export_columns_and_only_the_forces_closed_live_calls(
    planted: dict[str, set[int]], tmp_path: Path
) -> None:
    export = exported(tmp_path)
    assert [(f.name, str(f.type)) for f in pq.read_schema(export)] == [
        (name, {"long": "int64", "int": "int32", "string": "string"}[kind]) for name, kind in EXPORT_COLUMNS
    ]
    ids = set(pq.read_table(export, columns=["call_id"]).column("call_id").to_pylist())
    assert ids == planted["found"] | planted["not_found"]
    assert export.stat().st_mode & 0o077 == 0  # narrative text: readable by its owner only


@pytest.mark.django_db
def test_an_export_is_never_written_over(
    planted: dict[str, set[int]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = exported(tmp_path)
    before = export.read_bytes()
    assert main(["guidance", "export", "--force", "TST", "--since", SINCE, "-o", str(export)]) == 2
    assert export.read_bytes() == before
    err = capsys.readouterr().err
    assert err == f"heed: error: {export} exists already: an export is never written over\n"


@pytest.mark.django_db
def test_without_the_spark_extra_the_export_says_so_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "heed.guidance.export", None)  # as if pyarrow were not installed
    out = tmp_path / "export.parquet"
    assert main(["guidance", "export", "--force", "TST", "--since", SINCE, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == "heed: error: the export needs the spark extra: pip install 'heed[spark]'\n"
    assert not out.exists()


@pytest.mark.slow
def test_the_job_refuses_in_one_line_what_is_no_export_and_findings_it_would_write_over(
    spark: Any, tmp_path: Path
) -> None:
    import pyarrow as pa

    other = tmp_path / "other.parquet"
    pq.write_table(pa.table({"call_id": [1], "text": ["SYNTHETIC"]}), other)
    (tmp_path / "findings").mkdir()
    cases = [
        (str(tmp_path / "missing.parquet"), str(tmp_path / "out1"), r"missing\.parquet: cannot be read \("),
        (str(other), str(tmp_path / "out2"), r"not a look-back export \(no reference, force, closed_at, "),
        (str(other), str(tmp_path / "findings"), r"findings exists already: findings are never written over"),
    ]
    for source, out, message in cases:
        with pytest.raises(JobRefused, match=message):
            run(spark, source, out, PackSource())
