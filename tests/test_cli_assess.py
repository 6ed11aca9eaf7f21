"""`heed assess` end to end through ``heed.cli.main``: JSON shape, text summary, batch, bad input."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from heed.cli import main

DEMO = Path(__file__).parents[1] / "examples" / "demo_narrative.txt"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["assess", str(DEMO)], capsys)
    assert code == 0, err
    d = json.loads(out)
    assert d["risk"] == "high"
    assert d["pack_version"].startswith("national@")
    assert all({"code", "label", "evidence"} == set(i) for i in d["indicators"])


def test_text_output_is_for_a_person(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["assess", "--format", "text", str(DEMO)], capsys)
    assert code == 0
    assert "RISK: HIGH" in out
    assert '"keep it secret"' in out
    assert "NSPCC Helpline: 0808 800 5000" in out
    assert "Guidance pack: national@" in out


def test_text_output_shows_vulnerability_decisive_questions_and_possible_signs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    narrative = tmp_path / "n.txt"
    narrative.write_text(
        "SYNTHETIC. My son is 11 and in foster care. He talks about giraffes.", encoding="utf-8"
    )
    from heed.risk.learned.heads import Reader
    from heed.risk.learned.static import default_encoder
    from tests.risk.learned.test_heads import hand_heads

    reader = Reader(hand_heads("giraffes", accept=1.01, ask=0.2), default_encoder())
    monkeypatch.setattr("heed.risk.engine.default_reader", lambda: reader)
    code, out, _ = run(
        ["assess", "--format", "text", str(narrative), "--answers", '{"threats": "no"}'], capsys
    )
    assert code == 0
    assert "Child under 13 [under_13]: 11" in out
    assert "Looked after or in care [in_care]: in foster care" in out
    assert "[threats] - answered: no" in out and "[whereabouts_now]\n" in out
    assert (
        'Possible signs (not graded) - ask about them:\n  - Sexual talk or images: "He talks about giraffes."'
        in out
    )
    assert "ask: Has the person talked about sex" in out


def test_answers_inline_and_from_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    narrative = tmp_path / "n.txt"
    narrative.write_text("Mum is worried about a man her daughter talks to online.", encoding="utf-8")
    code, out, _ = run(["assess", str(narrative), "--answers", '{"asked_to_meet": "yes"}'], capsys)
    assert code == 0
    assert json.loads(out)["risk"] == "high"
    answers = tmp_path / "a.json"
    answers.write_text('{"secrecy": "yes"}', encoding="utf-8")
    code, out, _ = run(["assess", str(narrative), "--answers", str(answers)], capsys)
    assert "secrecy" in {i["code"] for i in json.loads(out)["indicators"]}


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    fake = io.TextIOWrapper(io.BytesIO(b"He asked her for nudes."), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", fake)
    code, out, _ = run(["assess", "-"], capsys)
    assert code == 0
    assert "sexual_content" in {i["code"] for i in json.loads(out)["indicators"]}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"  \n\n ", "empty"),
        (b"text\x00with a nul", "NUL bytes"),
        (b"caf\xe9 au lait", "not valid UTF-8"),
        (b"x" * 1_000_001, "larger than the limit"),
    ],
)
def test_bad_input_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    f = tmp_path / "bad.txt"
    f.write_bytes(content)
    code, out, err = run(["assess", str(f)], capsys)
    assert code == 2
    assert out == ""
    assert message in err
    assert str(f) in err
    assert "Traceback" not in err


def test_missing_file_and_bad_answers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["assess", str(tmp_path / "nope.txt")], capsys)
    assert code == 2
    assert "no such file" in err
    code, _, err = run(["assess", str(DEMO), "--answers", '{"secrecy": "maybe"}'], capsys)
    assert code == 2
    assert "is not one of" in err
    code, _, err = run(["assess", str(DEMO), "--answers", "{not json"], capsys)
    assert code == 2
    assert "not valid JSON" in err


def test_batch_with_a_bad_line_goes_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    batch = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"id": "a", "text": "He asked her for pics and told her to keep it secret."}),
        "{this is not json",
        json.dumps({"id": "c", "text": ""}),
        json.dumps({"id": 4, "text": "Screen time worries only.", "answers": {"secrecy": "no"}}),
    ]
    batch.write_bytes(("\n".join(lines) + "\n").encode() + b'{"id": "e", "text": "\xff"}\n')
    code, out, err = run(["assess", "--batch", str(batch)], capsys)
    assert code == 1
    rows = [json.loads(x) for x in out.splitlines()]
    assert [r.get("id") for r in rows] == ["a", None, "c", 4, None]
    assert rows[0]["risk"] == "high"
    assert rows[1]["line"] == 2 and "not valid JSON" in rows[1]["error"]
    assert rows[2]["line"] == 3 and "empty" in rows[2]["error"]
    assert rows[3]["risk"] == "standard"
    assert rows[4]["line"] == 5 and "UTF-8" in rows[4]["error"]
    assert "line 2:" in err and "line 3:" in err and "line 5:" in err


def test_batch_uses_the_pool_for_long_inputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    batch = tmp_path / "in.jsonl"
    texts = ["He asked her for pics.", "Her brother plays Fortnite too much."]
    batch.write_text(
        "".join(json.dumps({"id": i, "text": texts[i % 2]}) + "\n" for i in range(300)), encoding="utf-8"
    )
    code, out, _ = run(["assess", "--batch", str(batch), "--workers", "2"], capsys)
    assert code == 0
    rows = [json.loads(x) for x in out.splitlines()]
    assert [r["id"] for r in rows] == list(range(300))
    assert {r["risk"] for r in rows[0::2]} == {"high"}
    assert {r["risk"] for r in rows[1::2]} == {"standard"}


def test_batch_refuses_text_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["assess", "--batch", str(tmp_path / "x.jsonl"), "--format", "text"], capsys)
    assert code == 2
    assert "JSON lines" in err


def test_force_overlay_is_stamped_and_a_bad_one_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    overlay = tmp_path / "force"
    overlay.mkdir()
    (overlay / "pack.yaml").write_text('name: kent\nversion: "2026.12.1"\n', encoding="utf-8")
    monkeypatch.setenv("HEED_GUIDANCE", str(overlay))
    code, out, err = run(["assess", str(DEMO)], capsys)
    assert code == 0, err
    assert (
        json.loads(out)["pack_version"] == f"{json.loads(out)['pack_version'].split('+')[0]}+kent@2026.12.1"
    )
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "pack.yaml").write_text("name: kent\n", encoding="utf-8")
    monkeypatch.setenv("HEED_GUIDANCE", str(bad))
    code, out, err = run(["assess", str(DEMO)], capsys)
    assert code == 2
    assert out == ""
    assert "guidance pack is invalid" in err and "pack.yaml" in err and "version" in err
    assert "Traceback" not in err


def test_batch_reports_progress_on_stderr_and_refuses_an_oversized_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from heed.commands import assess as assess_command

    monkeypatch.setattr(assess_command, "PROGRESS_EVERY_LINES", 10)
    batch = tmp_path / "in.jsonl"
    rows = [json.dumps({"id": i, "text": "SYNTHETIC. He asked her for pics."}) for i in range(25)]
    rows.append(json.dumps({"id": "big", "text": "x" * 1_000_001}))
    batch.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, out, err = run(["assess", "--batch", str(batch), "--workers", "1"], capsys)
    assert code == 1
    assert len(out.splitlines()) == 26
    assert "progress: 10 lines" in err and "progress: 20 lines" in err
    assert "line 26:" in err and "limit" in err
    assert "done: 26 lines, 1 failed" in err


def test_text_output_says_when_no_child_is_involved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "adult.txt"
    f.write_text("SYNTHETIC. Man, 45, says a woman wants £500 or she'll share a video. No children involved.")
    code, out, _ = run(["assess", "--format", "text", str(f)], capsys)
    assert code == 0
    assert "RISK: STANDARD" in out
    assert "SCOPE-NO-CHILD" in out
