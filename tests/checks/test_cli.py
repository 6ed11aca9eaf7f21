"""`heed records import`, `heed check person` (flags, stdin, batch) and `heed check identifier`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from heed import cli

from .conftest import DATA, NOMINALS

ON = ["--reference-date", "2026-11-24"]


def run(argv: list[str], capsys: pytest.CaptureFixture[str], stdin: str = "") -> tuple[int, str, str]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO(stdin))
        code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def built(location: str, capsys: pytest.CaptureFixture[str]) -> str:
    code, out, _ = run(["records", "import", str(NOMINALS), "--index", location], capsys)
    assert code == 0
    assert out.strip().endswith(f"loaded 22 record(s), refused 0 row(s) into {location}")
    return location


def test_import_reports_refused_rows_by_line(location: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["records", "import", str(DATA / "bad_rows.csv"), "--index", location], capsys)
    assert code == 1
    assert f"{DATA / 'bad_rows.csv'}:3: refused: date_of_birth: '1990-13-01' has no month 13" in out
    assert "loaded 2 record(s), refused 9 row(s)" in out


def test_import_uses_heed_index_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HEED_INDEX_DIR", str(tmp_path / "from-env"))
    code, out, _ = run(["records", "import", str(NOMINALS)], capsys)
    assert code == 0
    assert str(tmp_path / "from-env") in out
    assert (tmp_path / "from-env" / "manifest.json").exists()


def test_import_missing_file_is_one_clear_line(location: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["records", "import", "/nonexistent/x.csv", "--index", location], capsys)
    assert code == 2
    assert err.strip() == "heed: error: /nonexistent/x.csv: no such file"


def test_check_person_with_flags(built: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "check",
        "person",
        "--index",
        built,
        "--given-name",
        "Gaz",
        "--family-name",
        "Smith",
        "--age",
        "36",
    ]
    code, out, _ = run([*argv, *ON], capsys)
    assert code == 0
    result = json.loads(out)
    assert result["results"][0]["record_id"] == "SYN-0001"
    assert result["results"][0]["explanation"]["given_name"]["level"] == "nickname"


def test_check_person_with_json_on_stdin(built: str, capsys: pytest.CaptureFixture[str]) -> None:
    query = {"handle": "xXnighthawkXx", "platform": "instagram"}
    code, out, _ = run(["check", "person", "--index", built, *ON], capsys, stdin=json.dumps(query))
    assert code == 0
    assert json.loads(out)["results"][0]["markers"][0]["code"] == "SX01"


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("", "no query"),
        ("{not json", "stdin is not JSON"),
        ('{"given_name": "Kai", "age_min": 9, "age_max": 3}', "query field 'age_min': age_min 9 is greater"),
        ('{"shoe_size": 9}', "query field 'shoe_size': unknown query field"),
    ],
)
def test_check_person_bad_queries_are_one_clear_line(
    built: str, capsys: pytest.CaptureFixture[str], stdin: str, message: str
) -> None:
    code, out, err = run(["check", "person", "--index", built], capsys, stdin=stdin)
    assert code == 2
    assert out == ""
    assert err.startswith(f"heed: error: {message}")
    assert "Traceback" not in err


def test_check_person_batch_goes_on_after_a_bad_line(
    built: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = tmp_path / "in.jsonl"
    batch.write_text(
        '{"id": "q1", "given_name": "Tel", "family_name": "Walsh"}\n'
        "not json\n"
        "\n"
        '{"id": "q3", "given_name": "Kai", "age": 19, "town": "Maidstone"}\n'
        '{"id": "q4", "age_min": 30, "age_max": 20, "given_name": "Kai"}\n'
        '{"given_name": "Kai"}\n',
        encoding="utf-8",
    )
    code, out, err = run(["check", "person", "--index", built, "--batch", str(batch), *ON], capsys)
    assert code == 1
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["id"] for line in lines] == ["q1", None, "q3", "q4", None]
    assert lines[0]["results"][0]["record_id"] == "SYN-0007"
    assert lines[1]["error"]["field"] == "line"
    assert lines[2]["results"][0]["record_id"] == "SYN-0003"
    assert lines[3]["error"]["field"] == "age_min"
    assert lines[4]["error"]["field"] == "id"
    assert f"{batch}:2: line:" in err
    assert "3 line(s)" in err


def test_check_person_on_a_missing_index_is_a_clear_error(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(["check", "person", "--index", str(tmp_path / "none"), "--given-name", "Kai"], capsys)
    assert code == 2
    assert "no person index here" in err
