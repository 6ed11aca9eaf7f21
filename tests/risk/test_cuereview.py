"""The cue review counts what each cue finds, with the engine's scope test, against people's labels."""

from __future__ import annotations

from pathlib import Path

from heed.risk.cuereview import cue_matches, main, render, review
from heed.risk.pack import default_pack

SECRET = "SYNTHETIC. He told her to keep it our little secret."
DENIED = "SYNTHETIC. He never asked her to keep it secret."


def _secrecy_cues(text: str) -> set[int]:
    return {i for code, i in cue_matches(text, default_pack()) if code == "secrecy"}


def test_a_reported_sign_is_found_and_a_denied_one_is_not() -> None:
    assert _secrecy_cues(SECRET)
    assert not _secrecy_cues(DENIED)


def test_figures_count_right_wrong_and_alone() -> None:
    pack = default_pack()
    cues = _secrecy_cues(SECRET)
    cases = [
        {"id": "r1", "text": SECRET, "indicators": {"secrecy": ["keep it our little secret"]}},
        {"id": "w1", "text": SECRET, "indicators": {}},
        {"id": "n1", "text": DENIED, "indicators": {}},
    ]
    figures = {(f.code, f.index): f for f in review(cases, pack)}
    for i in cues:
        f = figures[("secrecy", i)]
        assert (f.found, f.right) == (2, 1)
        assert f.precision == 0.5
        assert f.right_examples[0].startswith("r1: ") and f.wrong_examples[0].startswith("w1: ")
        # alone only when no other secrecy cue finds it
        assert (f.alone, f.alone_wrong) == ((1, 1) if len(cues) == 1 else (0, 0))
    untouched = [f for (code, i), f in figures.items() if code == "gifts"]
    assert untouched and all(f.found == 0 for f in untouched)


def test_markdown_report_has_a_table_per_indicator(tmp_path: Path) -> None:
    pack = default_pack()
    text = render(review([{"id": "r1", "text": SECRET, "indicators": {}}], pack), 1, markdown=True)
    assert text.count("| cue | as written | found |") == len(pack.cues)
    # each cue as written in cues.yaml, a phrase as a phrase, its | escaped for the table
    first_phrase = next(s for s in pack.cue_sources["secrecy"] if s.startswith("phrase: "))
    assert "`" + first_phrase.replace("|", "\\|") + "`" in text
    assert "Over 1 labelled development narratives" in text


def test_unknown_indicator_is_refused() -> None:
    assert main(["--indicator", "no_such_code"]) == 2
