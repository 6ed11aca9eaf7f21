"""Table-driven checks of what the engine must read (recall) and must not (hard negatives), by behaviour.

Every text is SYNTHETIC. These pin behaviours, not the figures: the figures are in ``make eval``.
"""

from __future__ import annotations

import pytest

from heed.risk import assess, default_pack
from heed.risk.detect import normalise
from heed.risk.subjects import extract


def codes(text: str, *, learned: bool = True) -> set[str]:
    return {i["code"] for i in assess(text, learned=learned).to_dict()["indicators"]}


def found_or_asked(text: str) -> set[str]:
    """Signs the engine reports, and possible signs it asks about (a rule's match the learned layer vetoes
    comes back as a question, never silently dropped)."""
    d = assess(text).to_dict()
    return {i["code"] for i in d["indicators"]} | {p["indicator"] for p in d["possible_signs"]}


def risk(text: str) -> str:
    return str(assess(text).to_dict()["risk"])


@pytest.mark.parametrize(
    ("text", "present"),
    [
        # many ways of asking to meet, or meeting
        ("A man keeps on at her to get a train down to see him.", "meeting"),
        ("He said he'd send an Uber to pick Lacey up on Saturday.", "meeting"),
        ("SUBJ HAS OFFERED TO SEND HER BUS FARE TO COME TO LEEDS.", "meeting"),
        ("He wants to link up with him in town this weekend.", "meeting"),
        ("She has been getting lifts from a man after school.", "meeting"),
        ("He has booked a hotel room for the two of them.", "meeting"),
        ("The man asked him to stay the night at his on Friday.", "meeting"),
        ("A fella keeps offering to drop round with a new controller.", "meeting"),
        ("He wants to see her in person.", "meeting"),
        # immediate or ongoing danger
        ("She has gone to meet a man she met on Instagram.", "immediate_danger"),
        ("CLR STATES SON 14 IS WITH A MALE HE MET ONLINE.", "immediate_danger"),
        ("Her daughter is in a car with a man right now.", "immediate_danger"),
        ("Ollie is not answering.", "immediate_danger"),
        ("The man is parked across the road from their house as we speak.", "immediate_danger"),
        ("LOCATION SHARING SHOWS HIM AT A HOTEL IN LEEDS.", "immediate_danger"),
        # other children
        ("He's messaging her friends too.", "multiple_children"),
        ("Several girls in Year 9 have been added by the same account.", "multiple_children"),
        ("The man asked both of them for pictures.", "multiple_children"),
        ("Her daughter isn't the only one.", "multiple_children"),
        # probing supervision
        ("He keeps asking when mum is at work.", "supervision_probing"),
        ("SUBJ ASKD HER WOT SKOOL SHE GOES 2.", "supervision_probing"),
        ("He wants to voice chat when my parents are asleep.", "supervision_probing"),
        # identity deception on suspicion
        ("The 'girl' types like a grown-up.", "identity_deception"),
        ("He says he's 14, but he sounded about 30.", "identity_deception"),
        ("Her profile photos are of a boy band singer.", "identity_deception"),
        # flattery, secrecy, gifts, isolation, private channel
        ("He keeps telling her she's his princess.", "flattery_promises"),
        ("He promised to put him in his pro team and pay him.", "flattery_promises"),
        ("He asked her to make sure nobody finds out.", "secrecy"),
        ("He told her not to mention it at home.", "secrecy"),
        ("He has been topping up his account with V-Bucks.", "gifts"),
        ("She came back with cash and vapes.", "gifts"),
        ("He told her that her friends are just jealous.", "isolation"),
        ("He got his son to download Session so they could talk properly.", "private_channel"),
        # behaviour change
        ("She is hardly eating and has dropped out of netball.", "behaviour_change"),
        # words ending in -nt are not negations ("sent", "account", "present", "student")
        ("The account sent her pics of his penis.", "sexual_content"),
        ("He sent her a present and told her to keep it secret.", "secrecy"),
        # a dropped match must not hide a later one inside it
        ("He said he could go pro, and has invited him to a training camp.", "meeting"),
        # as people type and say it
        ("some guy on fortnite keeps askin him for his snap", "private_channel"),
        ("this guy on omegle showed his thing on cam", "sexual_content"),
        ("Someone on Snapchat keeps asking her what she's wearing.", "sexual_content"),
        ("An account keeps saying 'i know what u did, pay me or everyone sees'.", "coercion_threats"),
        ("Texts from a number she doesn't know: 'I'm watching you walk home'.", "coercion_threats"),
        ("A man online told him to watch videos about killing the enemies of Islam.", "extremism"),
        # images and exposure in the words the issue found missed
        ("He asked her to move the camera around her bedroom.", "sexual_content"),
        (
            "She sent him pictures of herself in her school uniform and what she wears to bed.",
            "sexual_content",
        ),
        ("A man came on the video and he exposed himself.", "sexual_content"),
        ("A boy in her year sent her a picture of his, you know, on Snapchat.", "sexual_content"),
        ("He needs lingerie shots for her portfolio.", "sexual_content"),
        ("He keeps asking her to do dances in her pyjamas.", "sexual_content"),
        ("A man on Omegle got his thing out.", "sexual_content"),
        ("A man asked her what she sleeps in.", "sexual_content"),
        ("A man on TikTok said pay me or I'll post them.", "coercion_threats"),
        ("A man on TikTok says im always watching you.", "coercion_threats"),
        # a time before the sign, but the danger is now or still
        ("Last night he messaged her and he is outside the house now.", "immediate_danger"),
        ("Yesterday she went missing and she is still not back.", "immediate_danger"),
        ("Last Tuesday she ran off with him and she has not come back.", "immediate_danger"),
    ],
)
def test_reported_signs_are_read(text: str, present: str) -> None:
    # The pack's cues read it; with the learned layer it is a sign or, where vetoed, a question.
    assert present in codes(f"SYNTHETIC. {text}", learned=False)
    assert present in found_or_asked(f"SYNTHETIC. {text}")


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Her dad picks her up from school every day.", "meeting"),
        ("Mum bought her a new iPhone for her birthday.", "gifts"),
        ("Her nan sends her money every month.", "gifts"),
        ("She gets lifts from her dad.", "meeting"),
        ("At no point has the man asked to meet her.", "meeting"),
        ("He has not sent her any gifts.", "gifts"),
        ("If he ever asks for pics she will tell me.", "sexual_content"),
        ("Handler asked whether anyone has asked her son to meet - mum says no.", "meeting"),
        ("Her son's teacher set homework about terrorism in history.", "extremism"),
        ("He's great with the kids and she's always in the room.", "immediate_danger"),
        ("Dad is going with them.", "immediate_danger"),
        ("Someone asked her for a picture of her maths homework.", "sexual_content"),
        ("He never asked her to move the camera around her bedroom.", "sexual_content"),
    ],
)
def test_family_negated_and_hypothetical_do_not_raise(text: str, absent: str) -> None:
    assert absent not in codes(f"SYNTHETIC. {text}")


@pytest.mark.parametrize(
    "text",
    [
        "Caller (72) had a text from a person pretending to be her grandson wanting £400. No child at risk.",
        "Man, 45, reports an online girlfriend who asked him for intimate photos. No children involved.",
        "A boy in her class called her names in the group chat. School is dealing with it.",
        "Son (10) plays Roblox for hours every day and has a tantrum when it's time to stop.",
        "Mum says her son (12) video calls Ben (12) from football camp; she has met Ben's mum.",
        "CLR ASKED IF ANY REQUEST FOR IMAGES - NIL. ANY MEETING - NIL. CONTACT IS SON'S COUSIN (14).",
        "Her dad picks her up from school every day and her nan sends her money.",
    ],
)
def test_hard_negatives_stay_standard(text: str) -> None:
    assert risk(f"SYNTHETIC. {text}") == "standard"


def test_no_child_involved_is_recorded_as_the_reason() -> None:
    d = assess(
        "SYNTHETIC. Man, 45, says a woman demands £1,000 or she'll share a video. No children involved."
    )
    out = d.to_dict()
    assert out["indicators"] == []
    assert any(
        r["rule"] == "SCOPE-NO-CHILD" and r["effect"] == "indicators_not_raised" for r in out["reasons"]
    )


@pytest.mark.parametrize(
    ("text", "expected_risk"),
    [
        # ages as handlers write them, attributed to the right person
        ("He's 24 and she's 14. He has asked her not to tell her dad.", "medium"),
        ("Dad says a 19-year-old he doesn't know has been talking to his daughter (13).", "medium"),
        ("DAU 14 SAYS SUBJ 'NATHAN' 19 HAS ASKED HER TO DELETE THE CHAT.", "medium"),
        ("She's fifteen and he's thirty-one. He sends her flowers.", "medium"),
        ("A twenty-something man has asked her to come to a gig.", "high"),
        ("At no point has he asked for photos, says mum, but he is 32 and messages her (13).", "medium"),
        # a stray peer word does not make a stranger a peer
        ("Someone on Snapchat asked her (13) for nudes. Her best friend saw the messages.", "high"),
        ("A boy who says he is her age asked her to meet him at the station.", "high"),
        # a same-age peer described as the contact stays below high for images
        ("Her boyfriend, also 14 and in her class, sent her a nude picture.", "medium"),
        # "a bloke of 27": an age; an adult in contact with the child is an age gap on its own
        ("A bloke of 27 from the youth group has been WhatsApping her (14) late at night.", "medium"),
        ("There's a man messaging my 14 year old on snapchat.", "medium"),
        # an adult contact named by a bare noun is still an age gap (a missed check is the worst error)
        ("My daughter is 13. A man from Roblox has been grooming her.", "medium"),
        ("My daughter is 13. An older man on Instagram spoke to her.", "medium"),
        ("My daughter is 13. There's a man on Roblox. He keeps messaging her.", "medium"),
    ],
)
def test_age_reasoning_grades(text: str, expected_risk: str) -> None:
    assert risk(f"SYNTHETIC. {text}") == expected_risk


def test_evidence_is_always_an_exact_slice() -> None:
    text = (
        "SYNTHETIC LOG. CLR STATES DAU (14) W/ MALE APPROX 30 NOW. HE SAID HE'D PICK HER UP - "
        "'DONT TELL UR MUM'. ALSO MSGING HER BEST FRIEND. £50 SENT. She's fifteen; he's thirty-one."
    )
    d = assess(text).to_dict()
    assert d["indicators"]
    for ind in d["indicators"]:
        for ev in ind["evidence"]:
            assert text[ev["start"] : ev["end"]] == ev["text"]


@pytest.mark.parametrize(
    "text",
    [
        "He asked her to  meet  him at the station.",
        "He asked her to\u00a0meet him at the station.",
        "He asked her to meet him\tat the station.",
    ],
)
def test_odd_spacing_reads_the_same(text: str) -> None:
    d = assess(f"SYNTHETIC. {text}").to_dict()
    assert "meeting" in {i["code"] for i in d["indicators"]}
    for ind in d["indicators"]:
        for ev in ind["evidence"]:
            assert f"SYNTHETIC. {text}"[ev["start"] : ev["end"]] == ev["text"]


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("SYNTHETIC LOG. DAU 14 SAYS SUBJ 'NATHAN' 19 ASKED HER TO DELETE THE CHAT.", "person", "NATHAN"),
        (
            "SYNTHETIC. Added by the same Snapchat account, 'jay.models', which offers work.",
            "handle",
            "jay.models",
        ),
        ("SYNTHETIC. The account sweetboy2009 asked for pics.", "handle", "sweetboy2009"),
        ("SYNTHETIC. A gamer, Reaper_X, on PlayStation gives them credit.", "handle", "Reaper_X"),
    ],
)
def test_quoted_and_handle_shaped_subjects_are_found(text: str, kind: str, value: str) -> None:
    subjects = assess(text).to_dict()["subjects"]
    assert any(s["kind"] == kind and s["value"] == value for s in subjects)


def test_log_verbs_are_not_names() -> None:
    d = assess("SYNTHETIC LOG. CALLER HYSTERICAL. CLR BELIEVES SHE IS W/ A MALE. COVID19 JAB DONE.").to_dict()
    values = {s["value"] for s in d["subjects"]}
    assert not values & {"HYSTERICAL", "BELIEVES", "COVID19"}


def test_asking_for_leaflets_is_general_advice() -> None:
    text = (
        "SYNTHETIC. Mum wants leaflets on sexting and sextortion to talk to her son about it. No incidents."
    )
    assert risk(text) == "standard"


def test_clothes_named_with_a_photo_are_not_sexual_by_the_rules() -> None:
    """The cues for a picture in nightwear or underwear do not read any clothes. (The learned layer reads
    this sentence as a likeness of a sexual request, 0.94 with the heads of 2026-12-07: a known false sign,
    closing note of that day.)"""
    assert "sexual_content" not in codes(
        "SYNTHETIC. She posted a photo in her new dress on Instagram.", learned=False
    )
    assert "sexual_content" in codes("SYNTHETIC. He wants a photo of her in her nightie.", learned=False)


@pytest.mark.parametrize(
    "text",
    [
        # everyday sentences near the wordings of the cues for images, exposure, threats and extremism
        "Dad told her to put her phone down and go to bed.",
        "The teacher told him to turn the camera to the room so she could see the class.",
        "He asked her to hold the phone closer because he couldn't hear.",
        "She was dancing in her pyjamas in the kitchen.",
        "Grandma asked what she wears to bed so she could buy new pyjamas.",
        "Dad asked what she's wearing to school tomorrow.",
        "She exposed herself to a lot of risk by giving out her address.",
        "He showed his thing on the live stream, his new Lego set.",
        "Can you send me or your dad the photos from the trip.",
        "I'm watching you play Fortnite, I said to him.",
        "The RE teacher said the attackers were not true Muslims.",
    ],
)
def test_the_cues_do_not_read_everyday_sentences(text: str) -> None:
    assert codes(f"SYNTHETIC. My daughter is 14. {text}", learned=False) == set()


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("A bloke of 27 who helps at a church youth group has been messaging her.", 27),
        ("A man of about forty keeps commenting on her videos.", 40),
        ("F15. VRChat. Adult male user (says 30, voice consistent) takes her into private worlds.", 30),
    ],
)
def test_ages_said_the_way_people_and_logs_say_them(text: str, age: int) -> None:
    pack = default_pack()
    assert age in {a.age for a in extract(normalise(f"SYNTHETIC. {text}"), pack).ages}
