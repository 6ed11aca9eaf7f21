"""Reading a scenario: every mistake named by its place, text held to the one text rule, and nothing a trainer
can upload (deep nesting, NUL, reordering characters) gets past the reader or raises anything else."""

from __future__ import annotations

import pytest

from heed.risk import default_pack
from heed.training.scenario import LIBRARY_DIR, ScenarioError, scenario_from_text

SEED = (LIBRARY_DIR / "seed-case.yaml").read_text(encoding="utf-8")


def problems(text: str) -> tuple[str, ...]:
    with pytest.raises(ScenarioError) as refused:
        scenario_from_text(text, default_pack())
    return refused.value.problems


def test_the_seed_case_reads() -> None:
    s = scenario_from_text(SEED, default_pack())
    assert s.id == "seed-case" and s.role == "handler" and len(s.digest) == 64


@pytest.mark.parametrize(
    ("change", "place"),
    [
        (("  risk: high\n", "  risk: severe\n"), "key.risk: 'severe' is not one of high, medium, standard"),
        (
            ("question: gifts\n", "question: presents\n"),
            "facts[3].question: 'presents' is not a guided question",
        ),
        (("    answer: adult\n", "    answer: grown-up\n"), "facts[0].answer: 'grown-up' is not one of"),
        (
            ("  agencies: [ceop]\n", "  agencies: [ceop, helpline]\n"),
            "key.agencies: 'helpline' is not an agency",
        ),
        (
            ("      rule: ACT-PERSON-CHECK\n", "      rule: ACT-CHECK\n"),
            "key.teaching[1].rule: 'ACT-CHECK' is not a rule",
        ),
        (
            ("name: SYNTHETIC Ruth Marlow", "name: Ruth Marlow"),
            "caller.name: a training caller's name must contain",
        ),
        (
            ("    given_name: Darren\n", "    given_name: SYNTHETIC Darren\n"),
            "records[0].given_name: keep SYNTHETIC",
        ),
        (("id: seed-case\n", "id: Seed_Case\n"), "id: 'Seed_Case' must be lowercase"),
    ],
)
def test_each_mistake_is_named_by_its_place(change: tuple[str, str], place: str) -> None:
    old, new = change
    assert old in SEED
    assert any(p.startswith(place) for p in problems(SEED.replace(old, new, 1))), problems(
        SEED.replace(old, new, 1)
    )


def test_a_decisive_question_with_no_fact_is_refused() -> None:
    start = SEED.index("  - id: threats")
    end = SEED.index("  - id: meeting")
    assert "no fact answers the decisive question 'threats'" in " ".join(problems(SEED[:start] + SEED[end:]))


def test_deep_nesting_and_broken_yaml_are_problems_not_crashes() -> None:
    assert problems("id: x\ncaller: " + "[" * 5000 + "]" * 5000) == (
        "scenario: nested too deeply to be a scenario",
    )
    assert problems("id: [unclosed\n")[0].startswith("scenario: not valid YAML at line 2")
    assert problems("- just\n- a list\n") == (
        "scenario: must be a mapping of fields (id, title, caller, ...)",
    )


def test_text_is_held_to_the_text_rule() -> None:
    # A NUL written with YAML's escape cannot be stored: a problem at the field, not a database error later.
    nul = SEED.replace("title: A mother rings", 'title: "A mother\\0 rings', 1).replace(
        "online gaming friend\n", 'online gaming friend"\n', 1
    )
    assert any(p.startswith("title: contains a character that cannot be stored") for p in problems(nul))
    # Reordering and invisible characters are taken out of one-line text, as the pages take them out.
    bidi = SEED.replace("unknown_reply: I'm sorry", 'unknown_reply: "I\\u202e\\u200bm sorry', 1).replace(
        "much any more.\n", 'much any more."\n', 1
    )
    assert scenario_from_text(bidi, default_pack()).unknown_reply.startswith("Im sorry")


def test_an_attempts_own_copy_reads_even_when_a_later_pack_no_longer_knows_a_code() -> None:
    old = SEED.replace("  agencies: [ceop]\n", "  agencies: [ceop, retired_agency]\n", 1)
    assert problems(old)
    kept = scenario_from_text(old, default_pack(), strict=False)
    assert kept.key.agencies == ("ceop", "retired_agency")
