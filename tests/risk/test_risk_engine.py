"""The engine through its public interface: shape, spans, scope (negation, hypotheticals), answers, input."""

from __future__ import annotations

from pathlib import Path

import pytest

from heed.risk import InputError, assess

DEMO = (Path(__file__).parents[2] / "examples" / "demo_narrative.txt").read_text(encoding="utf-8")


def codes(text: str, answers: dict[str, str] | None = None) -> set[str]:
    return {i["code"] for i in assess(text, answers).to_dict()["indicators"]}


def test_demo_shape_and_grade() -> None:
    d = assess(DEMO).to_dict()
    assert set(d) == {
        "risk",
        "response",
        "indicators",
        "subjects",
        "required_actions",
        "reasons",
        "follow_up_questions",
        "pack_version",
        "child_age",
        "vulnerability",
        "decisive_questions",
        "possible_signs",
    }
    assert d["risk"] == "high"
    assert d["response"] == "priority"
    found = {i["code"] for i in d["indicators"]}
    assert {
        "age_gap",
        "secrecy",
        "gifts",
        "private_channel",
        "isolation",
        "supervision_probing",
        "meeting",
    } <= found
    assert "sexual_content" not in found
    assert d["pack_version"].startswith("national@")
    assert {"person_check", "identifier_check", "safeguarding_referral", "vulnerability_flag"} <= set(
        d["required_actions"]
    )
    assert "emergency_deployment" not in d["required_actions"]


def test_every_evidence_span_is_an_exact_slice() -> None:
    d = assess(DEMO).to_dict()
    for ind in d["indicators"]:
        for ev in ind["evidence"]:
            assert DEMO[ev["start"] : ev["end"]] == ev["text"]
    for s in d["subjects"]:
        assert DEMO[s["span"]["start"] : s["span"]["end"]] == s["span"]["text"]


def test_every_grade_and_action_cites_a_rule() -> None:
    d = assess(DEMO).to_dict()
    effects = {r["effect"] for r in d["reasons"]}
    assert f"risk={d['risk']}" in effects
    assert f"response={d['response']}" in effects
    for action in d["required_actions"]:
        assert f"action={action}" in effects
    assert all(r["rule"] for r in d["reasons"])


def test_demo_subjects() -> None:
    subjects = assess(DEMO).to_dict()["subjects"]
    people = {s["value"]: s for s in subjects if s["kind"] == "person"}
    assert people["SAM"]["role"] == "child"
    assert people["SAM"]["age"] == 14
    assert people["Kai"]["role"] == "contact"
    assert people["Kai"]["age"] == 19
    assert people["Kai"]["age_estimated"] is True
    handles = [s for s in subjects if s["kind"] == "handle"]
    assert [(h["value"], h["platform"]) for h in handles] == [("NightHawk", "xbox")]
    phones = [s for s in subjects if s["kind"] == "phone"]
    assert phones[0]["e164"] == "+447700900123"
    assert [s["value"] for s in subjects if s["kind"] == "town"] == ["Maidstone"]


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("He never asked for photos.", "sexual_content"),
        ("She denies any secrecy.", "secrecy"),
        ("There was nothing sexual in the chats.", "sexual_content"),
        ("Mum is worried he might ask to meet.", "meeting"),
        ("If he asks for pics she will tell me.", "sexual_content"),
        ("Has he asked to meet? No.", "meeting"),
        ("ASKED TO MEET - NO", "meeting"),
        ("He has not sent her any gifts.", "gifts"),
    ],
)
def test_negated_and_hypothetical_cues_do_not_raise(text: str, absent: str) -> None:
    assert absent not in codes(text)


@pytest.mark.parametrize(
    ("text", "present"),
    [
        ("She says he told him to keep it secret.", "secrecy"),
        ("CLR STATES SUBJ ASKED FOR PICS AND WANTS TO MEET", "sexual_content"),
        ("he keeps askin her 4 pics n wants 2 meet up", "meeting"),
        ("He asked if they could meet at the park.", "meeting"),
        ("She thinks he may be older than he says.", "identity_deception"),
        ("He never asked for photos but he sent her £50.", "gifts"),
    ],
)
def test_reported_cues_raise(text: str, present: str) -> None:
    assert present in codes(text)


def test_same_age_classmate_is_not_an_age_gap() -> None:
    text = "Her friend Jess (13) from her class sent mean messages about her in the group chat."
    d = assess(text).to_dict()
    assert "age_gap" not in {i["code"] for i in d["indicators"]}
    assert d["risk"] == "standard"


def test_known_uncle_with_nothing_concerning_is_not_an_age_gap() -> None:
    text = "Her uncle Dave, 41, plays Minecraft with her on Sundays and she loves it."
    assert "age_gap" not in codes(text)


@pytest.mark.parametrize(
    "text",
    [
        "My girl's fourteen and a lad from her year keeps messaging her, twenty, thirty messages a night.",
        "He's twelve and in a Discord for his school robotics club with about twenty of them in it.",
        "My son, 13, spent about forty quid of my money on skins.",
        "Somebody joined my daughter's class call, 14 she is, and shouted for about thirty seconds.",
    ],
)
def test_counts_in_words_are_not_ages(text: str) -> None:
    assert "age_gap" not in codes(text)


@pytest.mark.parametrize(
    "text",
    [
        "My son's eleven and plays Fortnite with Uncle Gareth on Sundays. Gareth's forty-odd, lives in York.",
        "My daughter is 13 and her cousin Ellis, he's nineteen, messages her about our surprise party.",
    ],
)
def test_a_family_adult_named_with_the_role_is_not_an_age_gap(text: str) -> None:
    assert "age_gap" not in codes(text)


def test_a_known_adults_age_is_the_age_gap_once_something_concerning_is_said() -> None:
    text = (
        "My daughter is 15 and works Saturdays at a bakery. The owner, Doug, he's thirty-four, messages her "
        "at midnight. He told her to keep their chats secret from me."
    )
    d = assess(text).to_dict()
    gap = next(i for i in d["indicators"] if i["code"] == "age_gap")
    assert [e["text"] for e in gap["evidence"]] == ["thirty-four"]
    assert d["risk"] == "medium"


def test_the_callers_words_for_the_child_name_the_child() -> None:
    text = "It's about my sister, she's fifteen, boys keep DMing her. They're all Year 10, 11."
    assert assess(text).to_dict()["risk"] == "standard"
    assert "under_13" not in assess(text).vulnerability


def test_yes_answer_adds_indicator_with_answer_evidence() -> None:
    d = assess(
        "Mum worried about an online friend.", {"asked_to_meet": "yes", "contact_age": "adult"}
    ).to_dict()
    meeting = next(i for i in d["indicators"] if i["code"] == "meeting")
    assert meeting["evidence"] == [
        {
            "source": "answer",
            "question": "asked_to_meet",
            "answer": "yes",
            "text": meeting["evidence"][0]["text"],
        }
    ]
    assert d["risk"] == "high"
    assert any(r["rule"] == "question:asked_to_meet" for r in d["reasons"])


def test_no_answer_never_erases_narrative_evidence() -> None:
    d = assess("He told her to keep it secret from her mum.", {"secrecy": "no"}).to_dict()
    assert "secrecy" in {i["code"] for i in d["indicators"]}
    recorded = next(r for r in d["reasons"] if r["rule"] == "question:secrecy")
    assert recorded["effect"] == "answer_recorded"


@pytest.mark.parametrize(
    ("answers", "message"),
    [({"no_such_question": "yes"}, "unknown question id"), ({"secrecy": "perhaps"}, "is not one of")],
)
def test_bad_answers_are_refused(answers: dict[str, str], message: str) -> None:
    with pytest.raises(InputError, match=message):
        assess("He asked for pics.", answers)


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "empty"), ("   \n ", "empty"), ("abc\x00def", "NUL"), ("x" * 1_000_001, "limit")],
)
def test_unusable_text_is_refused(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        assess(text)


def test_immediate_danger_is_emergency() -> None:
    d = assess("She has gone to meet him now and is not answering her phone.").to_dict()
    assert d["risk"] == "high"
    assert d["response"] == "emergency"
    assert "emergency_deployment" in d["required_actions"]


# A learned reading (likeness to an example) where the rules find nothing: "upstairs in his room now" reads
# like a child on a call with the man now. Found by a training scenario's caller (heed/training/scenarios).
# A learned reading of immediate danger the rules do not make (the heads read an unanswered phone as danger
# now); the caller's answer that the child is safe now sets it aside.
VOICEMAIL = "It's about my daughter Amy, she's fourteen. Amy's phone now goes to voicemail."


def test_the_callers_answer_outweighs_a_learned_reading_of_the_same_sign() -> None:
    read = assess(VOICEMAIL).to_dict()
    assert "immediate_danger" in {i["code"] for i in read["indicators"]}
    assert any(r["rule"] == "learned:immediate_danger" for r in read["reasons"])
    answered = assess(VOICEMAIL, {"whereabouts_now": "safe"}).to_dict()
    assert "immediate_danger" not in {i["code"] for i in answered["indicators"]}
    assert answered["response"] != "emergency"
    (set_aside,) = [r for r in answered["reasons"] if r["effect"] == "learned_set_aside"]
    assert set_aside["rule"] == "question:whereabouts_now" and "'safe'" in set_aside["text"]
    # "Don't know" sets no reading aside; and the rules' own evidence stands whatever is answered.
    assert "immediate_danger" in codes(VOICEMAIL, {"whereabouts_now": "unknown"})
    assert "immediate_danger" in codes("She is with him right now at his flat.", {"whereabouts_now": "safe"})
