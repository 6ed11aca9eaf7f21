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


def _danger(text: str) -> list[str]:
    """The rules' evidence of danger now (the learned layer left out: these are the cues' own words)."""
    found = {i["code"]: i for i in assess(text, learned=False).to_dict()["indicators"]}
    return [e["text"] for e in found["immediate_danger"]["evidence"]] if "immediate_danger" in found else []


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        (
            "My lad's 14. He's got the laptop in his room and he's live on camera with that man right now.",
            "live on camera",
        ),
        (
            "She's 13. There's a man outside our house, he keeps messaging her to come out.",
            "There's a man outside our house",
        ),
        ("Text from my girl: 'I'm in a van, I don't know where'. She's 15.", "I'm in a van"),
        ("Our son is 12 and he has just left in a taxi the man paid for.", "has just left in a taxi"),
        (
            "My daughter, 15, keeps saying she doesn't want to be here anymore.",
            "doesn't want to be here anymore",
        ),
        (
            "He's 16 and just told me he wants to kill himself, and now he says I want to kill myself.",
            "kill himself",
        ),
    ],
)
def test_danger_now_in_words_of_the_present(text: str, evidence: str) -> None:
    assert evidence in _danger(text)


@pytest.mark.parametrize(
    "text",
    [
        "I'm in the car park at school now, my son is 14 and a man on Roblox asked him for his address.",
        "She's 14. He used to wait outside our house every Friday last year.",
        "My girl is 13. He sent her a taxi to his flat last week and she's home safe now.",
    ],
)
def test_danger_in_the_past_or_the_callers_own_place_is_not_now(text: str) -> None:
    assert _danger(text) == []


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("I'm 14 and I'm at his flat and he won't let me leave.", "won't let me leave"),
        ("im 13 and hes sending a taxi for me in 20 mins", "sending a taxi"),
        (
            "My girl is 12 and she's on a TikTok live right now with a man telling her what to do.",
            "on a TikTok live",
        ),
        ("Boy 15 is in room 14 of the Travel Stop hotel now with an adult male.", "in room 14"),
    ],
)
def test_more_ways_of_saying_danger_now(text: str, evidence: str) -> None:
    assert any(evidence in found for found in _danger(text))


def test_danger_that_is_over_by_the_end_of_the_log_is_not_graded_as_now() -> None:
    log = (
        "Girl 14 missing since 18:00, believed with a man she met online, phone off. "
        "UPDATE 21:30: Found safe and well at her aunt's address."
    )
    d = assess(log, learned=False).to_dict()
    assert d["response"] != "emergency"
    assert any(r["rule"] == "SCOPE-FOUND-SAFE" for r in d["reasons"])
    again = "Girl 14 was found safe last month. Tonight she is missing again and her phone is off."
    assert assess(again, learned=False).to_dict()["response"] == "emergency"


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Son 14. I read the chats - nothing sexual, mostly memes about football.", "sexual_content"),
        ("Son 14. He has asked nothing about where they live or when we're out.", "supervision_probing"),
        ("Son 14. No interest in weapons or extremist stuff, he says.", "extremism"),
        (
            "My son, 15, is doing his GCSE history coursework on Nazi Germany and watches documentaries.",
            "extremism",
        ),
        ("My son, 13, wrote a citizenship essay on why people join ISIS, from BBC sources.", "extremism"),
    ],
)
def test_denials_inside_a_match_and_topics_are_not_signs(text: str, absent: str) -> None:
    assert absent not in codes(text)


def test_a_topic_word_elsewhere_does_not_excuse_an_approach() -> None:
    text = (
        "A man online sends my son, 14, videos praising ISIS fighters and gives him vouchers for 'completing "
        "lessons'. He told him not to tell anyone."
    )
    assert "extremism" in codes(text)


# An independent review's counterexamples to this pass (issue 8, 2026-12-07): danger that must stay danger now
# and ordinary sentences that must not become emergencies (E: emergency; N: not).
DANGER_CASES = [
    ("E", "My daughter is 14 and she's in his car right now. Last month police found her safe."),
    (
        "E",
        "Girl 14 missing since 18:00 with a man she met online, phone off. She has not been found safe yet.",
    ),
    ("E", "My daughter, 14, is missing with a man from Snapchat right now. I just want her found safe."),
    (
        "E",
        "My daughter is 14 and missing tonight with a man from Discord. Her friend was found safe earlier.",
    ),
    ("E", "My son is 14, he says he wants to kill himself tonight. He's at home with us."),
    (
        "E",
        "My girl is 13 and she is live on camera with that man right now in her room. She's at home with me.",
    ),
    (
        "N",
        "Girl 14 missing since 18:00 with a man she met online, phone off. "
        "UPDATE 21:30: She was found safe and well at her aunt's.",
    ),
    ("N", "I'm 14 and my mum won't let me go to the party on Saturday."),
    ("N", "My son is 14 and doesn't want to live with his dad anymore."),
    ("N", "She's 12 and on a video call with her nan right now. A man online has been sending her gifts."),
    ("N", "My son is 13. The man lives ten minutes away and still messages him every day."),
    (
        "N",
        "My son, 14, has just gone out the door to school, and I found messages from a man asking to meet.",
    ),
    ("N", "My daughter is 15; she had non-life-threatening injuries in a fall. A man keeps messaging her."),
    ("E", "I'm 15 and I'm at his flat and he won't let me leave."),
    ("E", "She said 'I don't want to be here anymore' and she's 14."),
]


@pytest.mark.parametrize(("want", "text"), DANGER_CASES)
def test_danger_now_stays_and_ordinary_sentences_are_not_emergencies(want: str, text: str) -> None:
    assert (assess(text, learned=False).to_dict()["response"] == "emergency") == (want == "E")


# ... and signs that must stay found (+) or not be found (-).
SIGN_CASES = [
    ("+extremism", "My son is 14. A man online sends him ISIS beheading videos and says it's just a joke."),
    (
        "+extremism",
        "My son, 15: a man is helping him with a project on jihad "
        "and has told him to pledge allegiance to ISIS.",
    ),
    (
        "+extremism",
        "My son, 15, wrote a history essay praising Hitler and saying Jews should be exterminated.",
    ),
    ("-extremism", "My son, 15, is doing his GCSE history coursework on Nazi Germany."),
    ("+secrecy", "Girl 14. He told her to delete the chats and make sure nobody finds out."),
    ("+secrecy", "Girl 14. He said she'd better not tell no one about them."),
    ("+supervision_probing", "Boy 12. The man on Roblox asked him which nights nobody is home."),
    ("-secrecy", "Girl 14. I can't say for certain, but the other day a man turned up at school."),
    (
        "-supervision_probing",
        "Call handler asked: are you on your own right now? Girl 13 said yes, mum is at work.",
    ),
    (
        "-age_gap",
        "My son is 12. It's like 30 degrees today and he's been chatting on Roblox with someone called Dex.",
    ),
    ("-age_gap", "My girl is 13 and in a group chat, they're like 20 in it, all from school."),
    ("-sexual_content", "Son 14. I read the chats - nothing sexual, mostly memes."),
]


@pytest.mark.parametrize(("want", "text"), SIGN_CASES)
def test_signs_kept_and_not_found_after_review(want: str, text: str) -> None:
    found = {i["code"] for i in assess(text, learned=False).to_dict()["indicators"]}
    assert (want[1:] in found) == (want[0] == "+")


def test_a_line_recording_a_check_is_not_read_for_signs() -> None:
    text = (
        "Mum of Keira (14). A man on Instagram tells her to keep their chats secret.\n"
        "Person check on Dean Smith (Leeds, approx 23), claims to be 17 on his profile: one record found."
    )
    line = text.index("Person check")
    d = assess(text).to_dict()
    from_line = [i["code"] for i in d["indicators"] for e in i["evidence"] if e.get("start", -1) >= line]
    assert "identity_deception" not in from_line and "secrecy" in {i["code"] for i in d["indicators"]}


# A learned reading of immediate danger the rules do not make (the heads read "her bike has gone" as a child
# gone now); the caller's answer that the child is safe now sets it aside.
VOICEMAIL = "It's about my daughter Amy, she's fourteen. Her bike has gone."


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
