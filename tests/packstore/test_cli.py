"""The guidance commands that use a force's database (issue 12): `heed guidance import` refuses in one line
and exits non-zero, leaving the guidance in force; `status` and `show` print what is kept and in force;
`shadow`, `adopt` and `heed rescreen` do from the command line what the pages do, with progress, and a
look-back run again resumes rather than starting over. All data SYNTHETIC."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from heed import cli
from heed.lookback.models import LookBackItem, LookBackRun, ShadowRun
from heed.packstore.selectors import pack_for, shipped_version
from heed.risk import default_pack
from tests.closing import WHY
from tests.guidance_packs import SECRECY_NARRATIVE, Keys, add_secrecy_rule, bump, signed

pytestmark = pytest.mark.django_db


def test_import_refuses_in_one_line_and_leaves_the_guidance_in_force(
    tmp_path: Path, cast: dict[str, Any], capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys, stranger = Keys(tmp_path / "owner"), Keys(tmp_path / "stranger")
    monkeypatch.setenv("HEED_GUIDANCE_KEYS", str(keys.public_file))
    wrong = tmp_path / "wrong.heedpack"
    wrong.write_bytes(signed(tmp_path, stranger, bump(shipped_version())))
    assert cli.main(["guidance", "import", str(wrong)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert (
        "refused: signed by a key that is not trusted here" in err and "guidance in force is unchanged" in err
    )
    assert pack_for(cast["admin"].force).version == default_pack().version
    good = tmp_path / "good.heedpack"
    version = bump(shipped_version())
    good.write_bytes(signed(tmp_path, keys, version, edit=add_secrecy_rule))
    assert cli.main(["guidance", "import", str(good)]) == 0
    assert f"installed national {version}" in capsys.readouterr().out
    assert cli.main(["guidance", "status"]) == 0
    status = capsys.readouterr().out
    assert version in status and f"TST      national {shipped_version()} (shipped)" in status
    assert cli.main(["guidance", "show", f"national@{version}"]) == 0
    shown = capsys.readouterr().out
    assert f"Guidance national@{version}" in shown and "rule RISK-MED-SECRECY-SYN" in shown
    assert cli.main(["guidance", "show", version, "--file", "pack.yaml"]) == 0
    assert f'version: "{version}"' in capsys.readouterr().out
    assert cli.main(["guidance", "show", "national@1999.1.1"]) == 2
    assert "never installed here" in capsys.readouterr().err


def test_shadow_adopt_and_rescreen_from_the_command_line(
    tmp_path: Path, cast: dict[str, Any], capsys: Any, make_call: Any
) -> None:
    from tests.lookback.test_services import closed_standard_call

    keys = Keys(tmp_path / "owner")
    version = bump(shipped_version())
    from heed.packstore.services import install_pack

    install_pack(
        data=signed(tmp_path, keys, version, edit=add_secrecy_rule), trusted=keys.trusted, actor=None
    )
    closed = closed_standard_call(make_call, cast)
    make_call(SECRECY_NARRATIVE, child_age=13)
    assert cli.main(["guidance", "shadow", version, "--force", "TST", "--days", "7"]) == 0
    out, err = capsys.readouterr()
    assert "graded up: 2 {'standard->medium': 2}" in out and "2/2 calls (100%)" in err
    run = ShadowRun.objects.get()
    assert (
        cli.main(
            [
                "guidance",
                "adopt",
                version,
                "--force",
                "TST",
                "--shadow-run",
                str(run.pk),
                "--rationale",
                WHY,
                "--no-lookback",
            ]
        )
        == 0
    )
    assert f"TST: {version} in force" in capsys.readouterr().out
    since = closed.updated_at.date().isoformat()
    assert cli.main(["rescreen", "--since", since, "--force", "TST"]) == 0
    out, err = capsys.readouterr()
    assert "1 closed calls since" in out and "1 new to the look-back queue" in out and "1/1 calls" in err
    assert LookBackItem.objects.get().call_id == closed.pk
    # Run again over the same period and guidance: a finished look-back is not repeated into the queue.
    assert cli.main(["rescreen", "--since", since, "--force", "TST", "--quiet"]) == 0
    assert "0 new to the look-back queue" in capsys.readouterr().out
    assert LookBackRun.objects.count() == 2 and LookBackItem.objects.count() == 1
    assert cli.main(["rescreen", "--since", "2999-01-01", "--force", "TST"]) == 2
    assert "in the future" in capsys.readouterr().err
