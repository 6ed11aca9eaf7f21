"""The simulated caller answers from the script: a guided question draws out its fact, the trainee's own words
reach the fact they mean, and anything else gets the caller's "I don't know"."""

from __future__ import annotations

import pytest

from heed.risk import default_pack
from heed.training.caller import Caller
from heed.training.meaning import embed
from heed.training.scenario import load_library
from heed.training.scoring import scoring_rules

LIBRARY = load_library(default_pack())


def caller(scenario_id: str = "seed-case") -> Caller:
    return Caller(LIBRARY[scenario_id], default_pack(), embed, scoring_rules()["matching"])


@pytest.mark.parametrize("scenario_id", sorted(LIBRARY))
def test_every_example_question_of_every_fact_reaches_that_fact(scenario_id: str) -> None:
    """The scenario writers' own phrasings: each must come back to the fact it was written for (a failure
    names a phrasing that another fact's words or meaning capture first)."""
    c = caller(scenario_id)
    wrong = [
        (f.id, example, c.ask(example).fact)
        for f in LIBRARY[scenario_id].facts
        for example in f.examples
        if c.ask(example).fact != f.id
    ]
    assert wrong == []


def test_a_guided_question_draws_out_its_fact_word_for_word() -> None:
    answer = caller().ask("contact_age")
    assert answer.how == "guided" and answer.fact == "contact_age"
    assert answer.says == LIBRARY["seed-case"].fact("contact_age").says  # type: ignore[union-attr]


def test_a_guided_question_the_script_has_no_fact_for_gets_the_unknown_reply() -> None:
    seed = LIBRARY["seed-case"]
    unanswered = next(q for q in default_pack().questions if seed.fact_for_question(q) is None)
    answer = caller().ask(unanswered)
    assert (answer.fact, answer.how, answer.says) == (None, "unknown", seed.unknown_reply)


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("has he bought him stuff", "gifts"),  # no word in common with the fact's own list but "bought"
        ("did anyone tell him to keep quiet", "secrecy"),
        ("has he asked toby to come over", "meeting"),
        ("does the man seem grown up", "contact_age"),  # by meaning alone
        ("where's toby right now", "whereabouts"),
        ("what is his gamertag on the xbox", "handle"),
    ],
)
def test_paraphrases_reach_the_fact_they_mean(question: str, fact: str) -> None:
    assert caller().ask(question).fact == fact


@pytest.mark.parametrize(
    "question",
    [
        "what colour is his car",
        "what's the weather like",
        "is your husband at home",
        "how long has this been going on",
        "?",
    ],
)
def test_questions_the_script_cannot_answer_get_i_dont_know(question: str) -> None:
    answer = caller().ask(question)
    assert answer.fact is None and answer.says == LIBRARY["seed-case"].unknown_reply


def test_how_old_are_you_asks_the_child_not_the_contact() -> None:
    assert caller("sextortion-girl-rings-herself").ask("how old are you").fact == "under_13"
    assert caller("sextortion-girl-rings-herself").ask("how old is he").fact == "contact_age"
