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
        # the same age said in numbers is a peer: a meeting is not high, images are medium
        (
            "My son is fifteen. He's been messaging a girl from his scout group, she's fifteen as well, and "
            "they want to meet at the cinema.",
            "standard",
        ),
        ("my girlfriend's 16 same as me and she sent me a video of her with no top on", "medium"),
        ("My son's fourteen, he met a lad on Minecraft, also fourteen. They want to meet up.", "standard"),
        ("we're both 13 and he asked me for a pic in my bra", "medium"),
        ("a boy from my class keeps asking me for nudes, im 14", "medium"),
        # ... but not the contact's claim, nor a class that only hears of it
        ("A man on Snapchat says he's 14 too and wants to meet her (14).", "high"),
        (
            "Someone she doesn't know asked her (14) for nudes and everyone in her class is talking "
            "about it.",
            "high",
        ),
        ("Someone sent my son (13) nudes and said he'd send them to everyone in my class too.", "high"),
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


@pytest.mark.parametrize(
    "text",
    [
        # on a call or in a voice chat with the contact now
        "She's on the call with him now.",
        "my friend who is 13 is in a vc on discord with a man right now",
        # the contact close by now, said in the present
        "A man from roblox is at the end of my road and says to come out.",
        "The boy is with staff. Male is still in the area.",
        "There's a grown man waiting at the next stop waving at him.",
        # where the child is puts life at risk
        "He's on the bridge by the ring road, he's just messaged me 'sorry mum'.",
        # gone from the home, as a log says it
        "YP 14 FEMALE, LAC, HAS LEFT THE HOME AT 2130 AFTER A CALL ON HER PHONE.",
        "13YO FEMALE, LOOKED AFTER CHILD, ABSENT FROM HOME SINCE 1930.",
        # on the way to the contact
        "She's about to get in a taxi that the man she chats to on Snap has sent for her.",
        "AT THE STATION NOW WAITING FOR A TRAIN TO MANCHESTER TO MEET A MAN FROM A FORUM.",
    ],
)
def test_danger_now_said_in_more_ways(text: str) -> None:
    assert assess(f"SYNTHETIC. {text}", learned=False).response == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "He used to stand at the end of our road every morning last year.",
        "The man who lives at the end of our road is lovely with the kids.",
        "The contact is in the area where she goes to school, she says.",
        "She is about to get in the car with me to go to her nan's.",
        "I am waiting for a bus to see my mum.",
        "We walked over the bridge last summer.",
        "He left the home at 0830 for school as usual.",
    ],
)
def test_near_wordings_are_not_danger_now(text: str) -> None:
    assert "immediate_danger" not in codes(f"SYNTHETIC. My son is 14. {text}", learned=False)


@pytest.mark.parametrize(
    ("text", "present"),
    [
        # a threat with the pronoun written onto its verb, and what is threatened
        ("A lad in her class says he'll show everyone.", "coercion_threats"),
        ("a guy on a rust server said hes going to post my address", "coercion_threats"),
        (
            "some kid keeps saying he'll batter him if he doesnt give him his fortnite account",
            "coercion_threats",
        ),
        ("He says he will hack my account.", "coercion_threats"),
        # praise as a superlative or a score
        ("SAYS SON IS 'THE FUNNIEST KID ON HERE' AND ASKED WHICH SCHOOL HE GOES TO.", "flattery_promises"),
        ("A stranger told her she 'looks like a model'.", "flattery_promises"),
        # "not known" says nothing is known, it denies nothing
        ("A stranger, age not known, told her she 'looks like a model'.", "flattery_promises"),
        ("He is promising her the guest list 'because you're a 10/10'.", "flattery_promises"),
        # filmed or live while undressed, or a child's own words
        ("Someone asked him to prove he's a real fan by filming himself in the shower.", "sexual_content"),
        ("An account asked her to go live in her pyjamas for a challenge.", "sexual_content"),
        ("He dared her to come on cam in her underwear.", "sexual_content"),
        ("a man asked me to send a picture of me with my shirt off", "sexual_content"),
        # what gives a contact away
        ("SON ADMITS HE HAS NEVER SEEN OR HEARD HIM, ONLY TEXT CHAT.", "identity_deception"),
        ("The 'girl' won't voice chat.", "identity_deception"),
        ("Ellie, who says she is 14, sometimes types 'like my nan'.", "identity_deception"),
        ("they said theyre 14 but i dont know", "identity_deception"),
        ("i dont know if hes really 13", "identity_deception"),
        # violence urged on a group; friends called false; a threat after a long condition
        ("one guy in the server keeps saying we should hurt trans people", "extremism"),
        ("She keeps telling him his friends aren't real friends.", "isolation"),
        (
            "if he doesn't get three more friends to join a private server, he'll leak his address",
            "coercion_threats",
        ),
        # items gifted in a game, a surprise parcel
        ("SON GETTING FORTNITE SKINS GIFTED FROM THIS USER.", "gifts"),
        ("His 'online friend' is sending him a surprise parcel to school.", "gifts"),
        # praise by comparison; misogyny towards violence; shooters as saints
        ("He tells her ur way smarter than everyone at ur school.", "flattery_promises"),
        ("He sends videos of a man who says women must obey.", "extremism"),
        ("He is telling her that girls who dont obey deserve to be hurt.", "extremism"),
        ("The members call themselves saints after mass shooters.", "extremism"),
        # takeaways sent, a wish list bought from, images swapped, secrecy about a named friend, an app
        ("Somebody on her Snapchat has been sendin Just Eats tae the hoose.", "gifts"),
        ("Someone has been buying things off my daughter's Amazon wishlist.", "gifts"),
        ("She has been swapping explicit Snapchats with a man.", "sexual_content"),
        ("He asked her for a photie wi her top off.", "sexual_content"),
        ("He keeps saying dont tell Lucy Im messaging you.", "secrecy"),
        ("A man asked her onto Kik.", "private_channel"),
        # the child's own number asked for, in the child's or a parent's words
        ("The 'girl' keeps asking for my daughter's number.", "private_channel"),
    ],
)
def test_signs_said_the_way_callers_and_children_say_them(text: str, present: str) -> None:
    assert present in codes(f"SYNTHETIC. {text}", learned=False)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("He said he will beat me at Fortnite.", "coercion_threats"),
        ("He says he'll send her money for them, for her birthday.", "coercion_threats"),
        ("He gave the film a 10/10.", "flattery_promises"),
        # a reported question answered no
        (
            "I asked my son if Tyler ever asked him to keep anything quiet and he said no, he showed me.",
            "secrecy",
        ),
        (
            "I asked him outright: is anyone asking you for pictures? He said no to all of it.",
            "sexual_content",
        ),
        ("I asked her whether the man had asked to meet and she denied it.", "meeting"),
        # a shorter reading inside a denied one
        ("The boy says Dr4co has never asked him to keep it a secret.", "secrecy"),
    ],
)
def test_near_wordings_and_answered_questions_are_not_signs(text: str, absent: str) -> None:
    assert absent not in codes(f"SYNTHETIC. {text}", learned=False)


@pytest.mark.parametrize(
    ("text", "present"),
    [
        # what follows the answer is read as usual
        (
            "I asked her if he had asked for pictures and she said no, but then I found he asked her for "
            "nudes last night.",
            "sexual_content",
        ),
        # a verb straight after "and she (eventually)" begins its own clause: the "if" before it is not its
        (
            "He keeps messaging 'if you loved me you'd send one' and she eventually sent him a topless "
            "photo.",
            "sexual_content",
        ),
    ],
)
def test_what_the_answer_does_not_cover_is_still_read(text: str, present: str) -> None:
    assert present in codes(f"SYNTHETIC. {text}", learned=False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # three years older is an age gap only beside something concerning (people.yaml older_by_years)
        ("My daughter is 14. Dylan, who is 17, tells her not to tell anyone.", "medium"),
        ("My son is 13. He plays football at lunch with Tyler, who is 16.", "standard"),
        ("My daughter is 13. A man of 17 sends her Robux.", "medium"),
        # a young person introduced as someone new is not the child, whose age is given too
        ("My daughter is 14. A 17-year-old boy from another school tells her not to tell anyone.", "medium"),
        ("My daughter is 13 and an older girl from her school, 17, tells her she's gorgeous.", "medium"),
        # the caller's own children keep their ages
        ("My son, 16, and his sister, 13, both had a message from a girl saying she's gorgeous.", "standard"),
        # an age said as the truth found out
        ("My daughter is 14. Jade, who she thought was 15, is actually 20. He asks her for pics.", "high"),
        # a log's decade of age for the contact
        ("F15 APPROACHED ON IG BY 'LENS_BY_LUKE', M 30S.", "medium"),
        ("YP 14. KNOWN ASSOCIATE: MALE 'KAY', 20S.", "medium"),
        ("Girl 14 has arranged to meet subject 'Carl' (believed 30s) on Friday.", "high"),
    ],
)
def test_a_few_years_older_counts_with_a_concern(text: str, expected: str) -> None:
    assert assess(f"SYNTHETIC. {text}", learned=False).risk == expected


# Found by an independent review of the first version of this pass (2026-12-07): each was wrong.
@pytest.mark.parametrize(
    ("text", "present"),
    [
        # the contact's own question the child refused is his request, not a question answered no
        ("He asked her if she would go on cam in her underwear and she said no.", "sexual_content"),
        ("He asked her if she would keep it a secret and she said no.", "secrecy"),
        # a "no" to "would you stop" confirms what it asks about
        ("She asked him if he would stop asking for pictures and he said no.", "sexual_content"),
        # a question taking a fact for granted, or running on past it
        (
            "I asked her if she knew that he has been sending her brother nude pics and she said no.",
            "sexual_content",
        ),
        (
            "I asked her whether she was alright because he had sent her nude pictures and she said nothing.",
            "sexual_content",
        ),
        # a shorter match inside a set-aside one, but in a clause of its own
        ("He didn't ask for pics but he sent her nudes.", "sexual_content"),
        # threats said the everyday way
        ("He said he'll hack her account.", "coercion_threats"),
    ],
)
def test_review_counterexamples_are_read(text: str, present: str) -> None:
    assert present in codes(f"SYNTHETIC. {text}", learned=False)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("If he messages her again and she still wants to meet him, what should I do?", "meeting"),
        ("He told her he'll post it on Tuesday, it's a birthday present.", "coercion_threats"),
        ("He told her he'll send her messages every day.", "coercion_threats"),
        ("My son says he'll show them his new trainers at school.", "coercion_threats"),
        ("He said he'll find her a job at the cafe.", "coercion_threats"),
        ("She goes live every night in her pjs reading bedtime stories.", "sexual_content"),
        ("She records herself singing in the shower.", "sexual_content"),
        ("He's the biggest player on the server.", "flattery_promises"),
        ("She's a 10/10 at maths, her teacher says.", "flattery_promises"),
        ("The school asked for my number to call me back.", "private_channel"),
        ("Amazon are sending her a parcel tomorrow.", "gifts"),
        ("We should all get rid of the old games.", "extremism"),
        ("She was robbed and deserves to be punished, the judge said.", "extremism"),
        ("Ur smarter than me at maths lol", "flattery_promises"),
    ],
)
def test_review_counterexamples_are_not_signs(text: str, absent: str) -> None:
    assert absent not in codes(f"SYNTHETIC. My daughter is 14. {text}", learned=False)


@pytest.mark.parametrize(
    "text",
    [
        "I'm on the phone with him right now, he is her dad.",
        "She's on the phone with them right now, they're her friends from school.",
        "My son said he is round the corner at his mate's house.",
        "There's a man standing next to her in the photo.",
        "There's a male waiting in reception to speak to an officer.",
        "She's at the bridge club with her nan.",
        "He's on the roof fixing the gutter.",
        "He is on a bridge in Minecraft.",
        "He left the house at 1500 to go to football and came back at 1700.",
        "Last week she was waiting for a train to meet him but I stopped her.",
        "She's waiting for the bus to meet Chloe from school.",
        "She's about to get into a taxi with her friends to go to the cinema.",
    ],
)
def test_review_counterexamples_are_not_danger_now(text: str) -> None:
    assert "immediate_danger" not in codes(f"SYNTHETIC. My son is 14. {text}", learned=False)


# --------------------------------------------------------------------------- guidance 2026.12.6 (fourth pass)


@pytest.mark.parametrize(
    "text",
    [
        # the contact here now, doing what is only done in person
        "hes here now at the gate. im 12. i dont want to go over",
        "He's at the door asking for my grandson. He's still knocking.",
        "The man's standing by the fence now. I've kept Reece with me.",
        "He's still in the building, our duty manager is by the exit.",
        # the child where the contact is, in the child's own words
        "im at his flat and im not going back home. hes 23",
        "im on the 50 bus rn goin to meet a man called Dale from snap",
        # made to stay on a call or camera, live with him now
        "hes making me stay on the video call and says if i hang up he'll send the vid",
        "He's on the webcam with her now, I can hear him through her door.",
        "Caller has URL. Stream still live at time of call.",
        "CALL STILL LIVE ON LAPTOP, MALE STILL TALKING.",
        # gone with a man in a car, or in one now
        "A girl got off the bus and climbed into a silver Audi with a grown man ten minutes ago.",
        "They've driven off towards the motorway.",
        "She is right now in the back of a car with two men she met on Snapchat.",
        "Saffy is on the phone to her mum right now from a man's car on the motorway.",
        # a dangerous amount taken; out through the window; where the phone is now
        "ive taken a load of pills. i dont want to be here",
        "She's gone, she's gone out the window, she's thirteen.",
        "Life360 says Maisie's at the Travelodge by the M6 junction.",
        "MFH, phone last pinged near Holiday Inn Express, Stratford.",
        "On the Snapchat map she is moving along the M1 southbound at 70mph.",
        # about to arrive; waiting for the child now
        "He's messaging that he's five minutes away.",
        "He says the man has just messaged 'I'm in the car park, come out the side door'.",
        "A man called 'Gaz' is waiting for him outside the Bullring entrance.",
        "he's on a call with someone who's talking him through 'how to do it'",
        "Her son is in his room on a Zoom call and we can hear a man demanding he does it again.",
    ],
)
def test_danger_now_in_the_fourth_pass_wordings(text: str) -> None:
    assert "immediate_danger" in codes(f"SYNTHETIC. My child is 14. {text}", learned=False)


@pytest.mark.parametrize(
    "text",
    [
        # an independent review's counterexamples: family, school, habit, the past, medicine as prescribed
        "My son has taken 2 paracetamol for his headache and is in bed.",
        "She's taken all her tablets this morning as prescribed.",
        "Three weeks ago he got into a taxi with a male driver to go to football.",
        "On Saturday she got into a car with a man she met online; he brought her back.",
        "His tutor is coming tomorrow at 4 to pick up the books.",
        "Her nan is coming on Friday at 3 to pick her up.",
        "A friend's mum messaged her saying I'm outside.",
        "The teacher is telling her to turn her camera on for the zoom lesson.",
        "She isn't in her room right now, she's in the bath.",
        "The call is still going with the call handler.",
        "He's still here, he's my son and he's fine.",
        "He's still waiting for his exam results.",
        "They're still banging on about the school trip.",
        "They are in the building now for the assembly.",
        "They've just driven off to the seaside on holiday.",
        "He is still standing by the gate in the CCTV still the school sent us.",
        "She got into a car with a man, her dad, after school.",
        "He's five minutes away from school so he walks.",
        "He's still waiting for her to reply on snapchat.",
        "Our foster son said three weeks ago he wanted to die; he has a safety plan now.",
    ],
)
def test_fourth_pass_near_wordings_are_not_danger_now(text: str) -> None:
    assert "immediate_danger" not in codes(f"SYNTHETIC. My son is 14. {text}", learned=False)


@pytest.mark.parametrize(
    "text",
    [
        "My daughter went to meet a man from TikTok tonight. Just an update, she's back.",
        "Harvey, 14, went missing to meet a man. He didn't go, he's at home now.",
        "He said he'd come round tonight. We waited. Nobody came.",
        "Her boyfriend, 23, is picking her up tonight. She refused to go.",
    ],
)
def test_danger_that_did_not_happen_or_is_over_is_not_graded_as_now(text: str) -> None:
    a = assess(f"SYNTHETIC. {text}", learned=False)
    assert "immediate_danger" not in a.indicators
    assert "SCOPE-FOUND-SAFE" in {r.rule for r in a.reasons}


@pytest.mark.parametrize(
    "text",
    [
        # the review's counterexamples: the danger comes to the home, the statement is hoped, reported by the
        # man, about someone else, or about the man himself
        "A man is on his way to her house now, he says he knows where they live. She's home.",
        "She's at his flat now. She shouted for help but nobody came.",
        "She's at his flat now. He wants her to go in the bedroom with him but she refused to go.",
        "She is at his flat right now. I didn't go, I was at work.",
        "She's on the bus now to meet him. Her stepdad came home at 6.",
        "She's gone to meet him now. Hopefully she's back by 10.",
        "She's at his flat now. Find my iPhone shows she's home.",
        "She's gone to meet him now. He's home.",
        "He's at the hotel with her now and she's safe, he's not hurting her, he said.",
    ],
)
def test_a_statement_that_does_not_end_the_danger_leaves_it(text: str) -> None:
    assert "immediate_danger" in codes(f"SYNTHETIC. My daughter is 14. {text}", learned=False)


@pytest.mark.parametrize(
    ("text", "present"),
    [
        ("'cool im 35 dont tell' - she's thirteen.", "secrecy"),
        ("He told him to 'keep our chats off the family iPad'.", "secrecy"),
        ("'make a new snap so they cant see' from someone on Wizz.", "private_channel"),
        ("'send a pic of u in bed x' to my daughter.", "sexual_content"),
        ("'can u video chat tonite when ur mum sleeps'.", "supervision_probing"),
        ("he sed if i dont send more he wil tel evry1 in skool wot i sent b4.", "coercion_threats"),
        ("said pay £500 or she sends it to me ma.", "coercion_threats"),
        ("'send one more or i send the first one to ur whole school' he wrote.", "coercion_threats"),
        ("if i dont get back with him hell put them on his story.", "coercion_threats"),
        (
            "some girl on insta got my nudes and shes sending them to everyone at 10 unless i pay.",
            "coercion_threats",
        ),
        ("Twitch chatter keeps gifting subs to my nephew.", "gifts"),
        ("'want me to buy u the new dlc' he wrote.", "gifts"),
        ("'ur parnts dont get u like i do' he wrote.", "isolation"),
        ("someone saying 'staff dont care about u, i do'.", "isolation"),
    ],
)
def test_signs_typed_the_way_children_and_groomers_type_them(text: str, present: str) -> None:
    assert present in codes(f"SYNTHETIC. My child is 14. {text}", learned=False)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Mum's getting you a puppy for Christmas! Dont tell x", "secrecy"),
        ("Keep our chats off the group, it's for the teachers only.", "secrecy"),
        (
            "Her dad helped her make a new snap account so she can keep in touch with cousins only.",
            "private_channel",
        ),
        ("Send us a pic of you in your school uniform for nan!", "sexual_content"),
        (
            "She messaged a school friend asking is your mum in, because she wanted to come round.",
            "supervision_probing",
        ),
        ("Do your homework or I'll tell Miss, she told a classmate.", "coercion_threats"),
        ("I'll tidy my room unless I go out.", "coercion_threats"),
        ("If u dont come to practice ill tell the coach.", "coercion_threats"),
        ("A caller said I'd be arrested unless I paid £900 in vouchers.", "coercion_threats"),
    ],
)
def test_fourth_pass_cues_leave_ordinary_talk_alone(text: str, absent: str) -> None:
    assert absent not in codes(f"SYNTHETIC. My child is 14. {text}", learned=False)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Q: ASKED TO MEET? A: NO.", "meeting"),
        ("Q: GIFTS? A: NO.", "gifts"),
        ("Q: ASKED IP TO KEEP CHATS SECRET OR MOVE APP? A: NO.", "secrecy"),
        (
            "he doesnt message me anywhere else Handler: Has anyone older asked you for pictures? me: no",
            "sexual_content",
        ),
        (
            "Handler: Has Tom ever asked you to keep anything secret? me: no, he doesnt have my number.",
            "secrecy",
        ),
    ],
)
def test_a_transcript_turn_asked_and_answered_no_is_not_a_sign(text: str, absent: str) -> None:
    assert absent not in codes(f"SYNTHETIC. IP 14. {text}", learned=False)


@pytest.mark.parametrize(
    ("text", "present"),
    [
        ("Q: GIFTS? A: YES, ROBUX.", "gifts"),
        ("Handler: Has he asked you for pictures? me: yeah loads.", "sexual_content"),
    ],
)
def test_a_transcript_turn_answered_yes_is_a_sign(text: str, present: str) -> None:
    assert present in codes(f"SYNTHETIC. IP 14. {text}", learned=False)


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("Someone in VRChat saying to my son, thirteen: 'you're the coolest kid here'.", 13),
        ("CLR GRANDMOTHER. IP F 13. SUBJ M 17 ON YUBO.", 13),
    ],
)
def test_the_childs_age_as_logs_and_relayed_calls_give_it(text: str, age: int) -> None:
    assert assess(f"SYNTHETIC. {text}").child_age == age


@pytest.mark.parametrize(
    "text",
    [
        "IP M 45 reports scam email. No children involved.",
        "She plays with 10 year olds. She is 16.",
        "I rang at 9, 10:30 he called back. She is 16.",
    ],
)
def test_numbers_that_are_not_the_childs_age(text: str) -> None:
    assert assess(f"SYNTHETIC. {text}").child_age in (None, 16)


# Fifth pass: long calls, where the caller or handler asks the child and writes the answer in prose, and
# written referrals.
@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Anyone asked for photos, or to go on camera? No.", "sexual_content"),
        ("Ask you for photos, or to go on camera? No.", "sexual_content"),
        ("I asked her, has he ever asked you for photos? She rolled her eyes and said no.", "sexual_content"),
        (
            "I asked had he ever asked her for pictures, or to go on camera in her room, and she went "
            "bright red and said no.",
            "sexual_content",
        ),
        ("I asked whether he has asked for pictures: no.", "sexual_content"),
        ("I asked her has Ash ever asked you for photos, and she said no, never.", "sexual_content"),
        ("I asked: has he asked to meet, asked for pictures? No to every one.", "meeting"),
    ],
)
def test_questions_asked_in_the_callers_words_and_answered_no_are_not_signs(text: str, absent: str) -> None:
    assert absent not in codes(
        f"SYNTHETIC. My daughter is 14 and chats to a man on Snapchat. {text}", learned=False
    )


@pytest.mark.parametrize(
    ("text", "present"),
    [
        # answered yes, in prose
        ("I asked her, has he ever asked you for photos? She said yes, twice.", "sexual_content"),
        ("I asked her had he asked for pictures and she went quiet and then said yes.", "sexual_content"),
        ("Asked her for photos? Yes.", "sexual_content"),
        # the contact's own question is what he did, not a question answered
        ("Someone on Roblox keeps asking her 'are you home alone?'", "supervision_probing"),
        ("He asked her, can you send me a photo in your bra?", "sexual_content"),
    ],
)
def test_questions_answered_yes_or_put_by_the_contact_are_signs(text: str, present: str) -> None:
    assert present in codes(
        f"SYNTHETIC. My daughter is 14 and chats to a man on Snapchat. {text}", learned=False
    )


@pytest.mark.parametrize(
    "text",
    [
        "Son 15 took approx 12 paracetamol 1hr ago after messages demanding £200.",
        "14yo F, ingested unknown pills at a house party approx 30 mins ago, friend calling.",
        "Mum states 15yo son is currently on Discord voice with 'Viktor'.",
        "Someone has his nudes and wants £500 by morning. He says he can't live with it.",
        "Text from my daughter (13): 'he's followed me home from the park he's at the end of the road now'.",
        "My daughter is 13 and has been gone since last night, she left with a man in a white van.",
        "A girl of 13 in the back of my taxi, he's texting her that he's waiting in room 12.",
    ],
)
def test_danger_now_in_the_fifth_pass_wordings(text: str) -> None:
    assert "immediate_danger" in codes(f"SYNTHETIC. {text}", learned=False)


@pytest.mark.parametrize(
    "text",
    [
        "My son is 14. He took 2 paracetamol for his headache and went to bed.",
        "She's on FaceTime with her nan right now.",
        "He has said he cannot go on like this but is with the pastoral lead and denies any plan.",
        "Last week she left with a man from the club; he is her coach and drops the team home.",
        "He's at the end of the road, he lives there, we see him every day.",
        # the child named at home after the danger ("Mateo is at home"), an upper-case log included
        "My son Mateo (13) went missing tonight to meet a man from Roblox. Mateo is at home.",
        "DAUGHTER SIENNA (14) MISSING, BELIEVED WITH ONLINE MALE NOW. SIENNA IS AT HOME, NO TRAVEL "
        "BEFORE 14TH.",
        "Alana (14) has gone to meet him tonight. Alana's at home with me now and she's not going anywhere.",
    ],
)
def test_fifth_pass_near_wordings_are_not_danger_now(text: str) -> None:
    assert "immediate_danger" not in codes(f"SYNTHETIC. {text}", learned=False)


def test_a_name_at_home_sets_danger_aside_only_when_it_is_the_childs() -> None:
    # "Dean" is nobody's child here: the man at home says nothing of where she is
    text = (
        "SYNTHETIC. My daughter (14) is with a man from Snapchat right now, her phone is off. "
        "Dean is at home."
    )
    assert "immediate_danger" in codes(text, learned=False)


def test_told_to_hurt_themselves_is_coercion() -> None:
    assert "coercion_threats" in codes(
        "SYNTHETIC. He told her to cut herself to prove she loved him. She is 14.", learned=False
    )


@pytest.mark.parametrize(
    "text",
    [
        "I asked her about everything: has anyone older been talking to her, anyone asked her to keep things "
        "quiet, asked for pictures, asked her to meet. Every answer was no and she showed me.",
        "I asked her about everything the leaflet lists: has anyone asked you for pictures, has anyone "
        "asked to meet you. No to every one.",
        "I asked whether anyone has asked her for pictures, to meet alone or to keep secrets: she said no.",
    ],
)
def test_a_list_of_questions_answered_no_together_is_no_sign(text: str) -> None:
    found = codes(f"SYNTHETIC. My daughter is 14 and chats to a man on Snapchat. {text}", learned=False)
    assert not found & {"sexual_content", "meeting", "secrecy"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an adult only feared, imagined or read about is not the contact
        ("My son is 12. We were worried it was a man. It was two lads from his class.", False),
        ("My daughter is 14. I convinced myself it was some man online. It's her friends.", False),
        ("My daughter is 14. I read that thing in the paper about older men, so I checked her phone.", False),
        # ... but a worry about someone real is
        ("My daughter is 14. I'm worried about a man who keeps messaging her on Snapchat.", True),
        ("She's twelve. I've just seen on her iPad that she's messaged a man 'I'm waiting'.", True),
    ],
)
def test_an_adult_only_feared_is_not_an_age_gap(text: str, expected: bool) -> None:
    assert ("age_gap" in codes(f"SYNTHETIC. {text}", learned=False)) is expected


@pytest.mark.parametrize(
    ("text", "code", "expected"),
    [
        # an independent review's counterexamples to the fifth pass, each of which hid real danger in its
        # first version: a "no" the caller goes on to doubt, a present worry about the contact's age, another
        # child's age, a claimed age passed on, a log that leaves out who asked, a count of someone's tablets
        (
            "My daughter is 14 and chats to a man on Snapchat. I asked her has he asked for photos and she "
            "said no, but I saw the messages.",
            "sexual_content",
            True,
        ),
        (
            "My daughter is 14. I'm worried he's an adult, he says he's 16 but his voice is deep.",
            "age_gap",
            True,
        ),
        (
            "My daughter is 14. I'm scared he's a grown man, he's sent her money and wants to meet.",
            "age_gap",
            True,
        ),
        (
            "Male, 32, on Snapchat with YP (14). Asked YP to meet him at the station? YP said no.",
            "meeting",
            True,
        ),
        (
            "My daughter is 14. Her boyfriend is 22. Asked her for nudes? She said no and blocked him.",
            "sexual_content",
            True,
        ),
        (
            "My son is 15. Took around 12 of his mum's tablets, not sure what they are.",
            "immediate_danger",
            True,
        ),
    ],
)
def test_review_counterexamples_of_the_fifth_pass(text: str, code: str, expected: bool) -> None:
    assert (code in codes(f"SYNTHETIC. {text}", learned=False)) is expected


@pytest.mark.parametrize(
    "text",
    [
        "My daughter is 14. He sent her pictures of his penis. Her friend, also fourteen, got them too.",
        "My son (13) games with someone called Kai, hes 13 too apparently, who wants to meet him at the "
        "park tomorrow.",
    ],
)
def test_another_childs_age_or_a_claim_passed_on_is_no_peer(text: str) -> None:
    assert assess(f"SYNTHETIC. {text}", learned=False).risk == "high"
