"""Guidance pack loading: the national pack, validation errors that name file and key, force overlays."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from heed.risk import AFTER_CLOSE_REQUEST, AFTER_REQUIRED, Due, PackError, assess, load_pack
from heed.risk.pack import NATIONAL_CODES, NATIONAL_DIR


def test_national_pack_loads_with_everything_the_interface_promises() -> None:
    pack = load_pack()
    assert pack.version.startswith("national@")
    assert set(NATIONAL_CODES) == set(pack.indicators)
    for code in ("ceop", "nspcc", "childline", "report_remove", "iwf", "internet_matters", "act_early"):
        assert code in pack.agencies
        assert pack.agencies[code].contact
    assert pack.agencies["nspcc"].contact["phone"] == "0808 800 5000"
    assert pack.agencies["childline"].contact["phone"] == "0800 1111"
    assert pack.agencies["act_early"].contact["phone"] == "0800 011 3764"
    assert set(pack.referral_targets) >= {"child_protection_team", "mash"}
    high = pack.due_times["high"]
    assert high["safeguarding_referral"] == Due(AFTER_REQUIRED, 24 * 60)
    assert high["person_check"] == Due(AFTER_REQUIRED, 15)
    assert high["emergency_deployment"] == Due(AFTER_REQUIRED, 0)
    assert high["supervisor_review"] == Due(AFTER_CLOSE_REQUEST, 120)
    # Advice is due by the end of the call, at every level: never a clock from the opening.
    assert {pack.due_times[level]["specialist_advice"] for level in ("high", "medium", "standard")} == {
        Due(AFTER_CLOSE_REQUEST, None)
    }
    assert pack.actions["person_check"].may_be_not_applicable is True
    assert pack.actions["safeguarding_referral"].may_be_not_applicable is False
    assert pack.evidence_advice
    assert "act_early" in pack.suggest_agencies(["extremism"], "medium")
    assert "emergency_999" in pack.suggest_agencies(["immediate_danger"], "high")


def copy_national(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(NATIONAL_DIR, target)
    return target


def write_overlay(tmp_path: Path, files: dict[str, str]) -> Path:
    overlay = tmp_path / "force"
    overlay.mkdir()
    files = {"pack.yaml": "name: force-XYZ\nversion: '3'\n", **files}
    for name, body in files.items():
        (overlay / name).write_text(body, encoding="utf-8")
    return overlay


@pytest.mark.parametrize(
    ("file", "body", "expected"),
    [
        ("rules.yaml", "risk_rules: [oops\n", r"rules\.yaml.*expected valid YAML"),
        (
            "cues.yaml",
            "cues:\n  secrecy: ['(unclosed']\n",
            r"cues\.yaml: cues\.secrecy\[\d+\] '\(unclosed': expected a valid regular expression",
        ),
        (
            "cues.yaml",
            "cues:\n  secrecy: ['<<NOPE>>']\n",
            r"cues\.yaml: cues\.secrecy\[\d+\].*expected <<NOPE>> to be defined in lexicon\.yaml",
        ),
        (
            "cues.yaml",
            "cues:\n  secrecy: [{phrase: 'keep it SECRETS'}]\n",
            r"cues\.yaml: cues\.secrecy\[\d+\] 'phrase: keep it SECRETS': expected 'SECRETS' .*lexicon\.yaml",
        ),
        (
            "cues.yaml",
            "cues:\n  secrecy: [{phrase: 'keep [it secret'}]\n",
            r"cues\.yaml: cues\.secrecy\[\d+\] 'phrase: keep \[it secret': "
            r"expected every \( or \[ to be closed",
        ),
        (
            "cues.yaml",
            "cues:\n  secrecy: [{phrases: 'keep it secret'}]\n",
            r"cues\.yaml: cues\.secrecy\.\[0\]: expected a regular expression \(text\) or \{phrase: words",
        ),
        (
            "indicators.yaml",
            "indicators:\n  meeting:\n    recall_weight: 9\n",
            r"indicators\.yaml: indicators\.meeting\.recall_weight: expected a number from 0\.5 to 3",
        ),
        (
            "scope.yaml",
            "scope:\n  asked_no: 'asked (him|her) if'\n",
            r"scope\.yaml: scope\.asked_no: expected a pattern with a named group \(\?P<q>\.\.\.\)",
        ),
        (
            "scope.yaml",
            "scope:\n  past_before: {indicators: [not_a_code], pattern: 'weeks ago'}\n",
            r"scope\.yaml: scope\.past_before\.indicators.*expected",
        ),
        (
            "scope.yaml",
            "scope:\n  turn_label: '(q|a:'\n",
            r"scope\.yaml: scope\.turn_label: expected a valid regular expression \(missing \)",
        ),
        (
            "people.yaml",
            "people:\n  older_by_years: {always: 3, with_concern: 4}\n",
            r"people\.yaml: people\.older_by_years\.with_concern: expected no more than 'always'",
        ),
        (
            "agencies.yaml",
            "agencies:\n  nspcc:\n    review_date: 'next year'\n",
            r"agencies\.yaml: agencies\.nspcc\.review_date: expected a date",
        ),
        (
            "rules.yaml",
            "risk_rules:\n  high:\n    - id: RISK-HIGH-X\n      when: {has: not_a_code}\n      text: x\n",
            r"rules\.yaml: risk_rules\.high\.RISK-HIGH-X\.when\.has: expected a known indicator",
        ),
        (
            "actions.yaml",
            "actions:\n  person_check:\n    may_be_not_applicable: sometimes\n",
            r"actions\.yaml: actions\.person_check\.may_be_not_applicable: expected true or false",
        ),
        (
            "actions.yaml",
            "due_times:\n  high:\n    person_check: soon\n",
            r"actions\.yaml: due_times\.high\.person_check: expected a whole number of minutes >= 0",
        ),
        (
            "actions.yaml",
            "due_times:\n  high:\n    supervisor_review: {after: opening, minutes: 5}\n",
            r"actions\.yaml: due_times\.high\.supervisor_review: expected .*close_request",
        ),
        (
            "actions.yaml",
            "due_times:\n  medium:\n    person_check: -5\n",
            r"actions\.yaml: due_times\.medium\.person_check: expected a whole number of minutes",
        ),
        (
            "questions.yaml",
            "questions:\n  secrecy:\n    answers:\n      'yes': {adds: [nonsense]}\n",
            r"questions\.yaml: questions\.secrecy\.answers\.yes\.adds: expected items among",
        ),
    ],
)
def test_bad_overlay_file_names_file_and_key(tmp_path: Path, file: str, body: str, expected: str) -> None:
    overlay = write_overlay(tmp_path, {file: body})
    with pytest.raises(PackError, match=expected):
        load_pack(overlay)


def test_a_force_cue_written_as_a_phrase_finds_what_it_says(tmp_path: Path) -> None:
    overlay = write_overlay(
        tmp_path, {"cues.yaml": "cues:\n  secrecy:\n    - phrase: hush|shush ...2 (our thing)\n"}
    )
    pack = load_pack(overlay)
    added = pack.cues["secrecy"][-1]
    assert added.search("He said hush now, it's our thing.")
    assert not added.search("He said hush. It is our thing.")  # a phrase never crosses a sentence
    assert pack.cue_sources["secrecy"][-1] == "phrase: hush|shush ...2 (our thing)"


def test_bad_national_file_names_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = copy_national(tmp_path)
    (broken / "indicators.yaml").write_text("indicators:\n  age_gap:\n    label: Adult\n", encoding="utf-8")
    monkeypatch.setattr("heed.risk.pack.NATIONAL_DIR", broken)
    with pytest.raises(PackError, match=r"indicators\.yaml.*expected all 15 national codes"):
        load_pack()


def test_unknown_file_in_pack_is_refused(tmp_path: Path) -> None:
    overlay = write_overlay(tmp_path, {"extra.yaml": "x: 1\n"})
    with pytest.raises(PackError, match=r"extra\.yaml: expected one of the pack files"):
        load_pack(overlay)


def test_overlay_needs_a_name_and_version(tmp_path: Path) -> None:
    overlay = tmp_path / "force"
    overlay.mkdir()
    (overlay / "pack.yaml").write_text("name: force-XYZ\n", encoding="utf-8")
    with pytest.raises(PackError, match=r"pack\.yaml: version: expected a version"):
        load_pack(overlay)


def test_overlay_overrides_by_code_extends_cues_and_stamps_version(tmp_path: Path) -> None:
    overlay = write_overlay(
        tmp_path,
        {
            "agencies.yaml": "agencies:\n  local_hub:\n    name: Local hub\n    purpose: Local advice\n"
            "    contact: {phone: '01632 960000'}\n    audience: [parent]\n    review_date: '2027-01-31'\n"
            "  nspcc:\n    review_date: '2027-02-28'\n",
            "cues.yaml": "cues:\n  gifts: ['\\bzorblax tokens\\b']\n",
        },
    )
    pack = load_pack(overlay)
    assert pack.version == "national@2026.12.7+force-XYZ@3"
    assert pack.agencies["local_hub"].contact["phone"] == "01632 960000"
    assert str(pack.agencies["nspcc"].review_date) == "2027-02-28"
    assert pack.agencies["nspcc"].contact["phone"] == "0808 800 5000"
    d = assess("He keeps sending her zorblax tokens.", pack=pack).to_dict()
    assert "gifts" in {i["code"] for i in d["indicators"]}
    assert d["pack_version"] == "national@2026.12.7+force-XYZ@3"
    # The national cues are still there: the overlay extended them.
    assert "gifts" in {i["code"] for i in assess("He bought her robux.", pack=pack).to_dict()["indicators"]}


def test_heed_guidance_environment_variable_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    overlay = write_overlay(tmp_path, {})
    monkeypatch.setenv("HEED_GUIDANCE", str(overlay))
    assert load_pack().version == "national@2026.12.7+force-XYZ@3"
