"""The national floor (floor.yaml, heed.risk.floor): a force overlay that lowers or removes a floor item is
refused, naming the file and the item, however it is written; additions and raises load and take effect."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from types import MappingProxyType

import pytest

from heed.risk import AFTER_CLOSE_REQUEST, AFTER_REQUIRED, Due, PackError, assess, load_pack
from heed.risk.floor import breaches
from heed.risk.pack import ACTION_CODES, NATIONAL_CODES, NATIONAL_DIR


def write_overlay(tmp_path: Path, files: dict[str, str]) -> Path:
    overlay = tmp_path / "force"
    overlay.mkdir()
    files = {"pack.yaml": "name: force-XYZ\nversion: '3'\n", **files}
    for name, body in files.items():
        (overlay / name).write_text(body, encoding="utf-8")
    return overlay


def test_the_shipped_pack_loads_with_its_floor() -> None:
    pack = load_pack()
    floor = pack.floor
    every_risk_rule = {r.id for rules in pack.risk_rules.values() for r in rules}
    assert every_risk_rule <= set(floor.rules)
    assert {r.id for r in pack.raise_rules} <= set(floor.rules)
    assert {r.id for r in pack.action_rules} <= set(floor.rules)
    assert set(ACTION_CODES) == set(floor.actions)
    assert {"ceop", "nspcc", "childline", "report_remove", "iwf", "act_early", "emergency_999"} <= set(
        floor.agencies
    )
    assert {q.id for q in pack.questions.values() if q.decisive} <= set(floor.questions)
    assert set(NATIONAL_CODES) == set(floor.indicators)


# Each row: a way of lowering a floor item, the overlay file, its body, and how the refusal begins after
# "<overlay>/<file>: ". Every row is refused, and the message names the item.
LOWERINGS = [
    (
        "a risk rule's condition changed",
        "rules.yaml",
        "risk_rules:\n  high:\n    - id: RISK-HIGH-COERCION\n      when: {has: secrecy}\n",
        "risk_rules.high RISK-HIGH-COERCION is a national floor rule: a force may not change its condition "
        "(forces may add rules)",
    ),
    (
        "a count's min raised, so the rule holds less often",
        "rules.yaml",
        "risk_rules:\n  high:\n    - id: RISK-HIGH-AGEGAP-PLUS3\n"
        "      when: {all: [{has: age_gap}, {count: {of: grooming, min: 6}}]}\n",
        "risk_rules.high RISK-HIGH-AGEGAP-PLUS3 is a national floor rule: a force may not change its "
        "condition",
    ),
    (
        "a raise rule's count min changed",
        "rules.yaml",
        "raise_rules:\n  - id: RISK-RAISE-UNDER13\n"
        "    when: {all: [{vulnerable: [under_13]}, {count: {of: grooming, min: 2}}, "
        "{risk_in: [standard]}]}\n",
        "raise_rules RISK-RAISE-UNDER13 is a national floor rule: a force may not change its condition",
    ),
    (
        "every high rule removed (the level set to nothing)",
        "rules.yaml",
        "risk_rules:\n  high: null\n",
        "risk_rules.high RISK-HIGH-IMMEDIATE is a national floor rule: a force may not remove it "
        "(forces may add rules) (and 5 more below the floor)",
    ),
    (
        "a high rule moved to medium",
        "rules.yaml",
        "risk_rules:\n  high: null\n  medium:\n    - id: RISK-HIGH-IMMEDIATE\n"
        "      when: {has: immediate_danger}\n      text: Immediate danger.\n",
        "risk_rules.high RISK-HIGH-IMMEDIATE is a national floor rule: a force may not move it to a lower "
        "level (medium)",
    ),
    (
        "a raise rule's to lowered",
        "rules.yaml",
        "raise_rules:\n  - id: RISK-RAISE-VULNERABLE\n    to: medium\n",
        "raise_rules RISK-RAISE-VULNERABLE is a national floor rule: a force may not lower its to: from high "
        "to medium",
    ),
    (
        "a response made less urgent",
        "rules.yaml",
        "response_rules:\n  - id: RESP-EMERGENCY\n    response: priority\n",
        "response_rules RESP-EMERGENCY is a national floor rule: a force may not make its response less "
        "urgent: priority instead of emergency",
    ),
    (
        "an action rule's action changed",
        "rules.yaml",
        "action_rules:\n  - id: ACT-REFERRAL\n    action: vulnerability_flag\n",
        "action_rules ACT-REFERRAL is a national floor rule: a force may not change the action it requires "
        "from safeguarding_referral to vulnerability_flag",
    ),
    (
        "an action rule's condition narrowed",
        "rules.yaml",
        "action_rules:\n  - id: ACT-PERSON-CHECK\n"
        "    when: {all: [{risk_in: [high]}, {subject: {kind: person, role_not_in: [child, caller]}}]}\n",
        "action_rules ACT-PERSON-CHECK is a national floor rule: a force may not change its condition",
    ),
    (
        "an advice rule's agencies replaced by one code",
        "agencies.yaml",
        "advice_rules:\n  - id: ADV-CEOP\n    agencies: internet_matters\n",
        "advice_rules ADV-CEOP is a national floor rule: a force may not drop ceop from it "
        "(forces may add agencies)",
    ),
    (
        "an advice rule made not required",
        "agencies.yaml",
        "advice_rules:\n  - id: ADV-SUPPORT\n    required: false\n",
        "advice_rules ADV-SUPPORT is a national floor rule: a force may not make it not required",
    ),
    (
        "an advice rule's condition narrowed",
        "agencies.yaml",
        "advice_rules:\n  - id: ADV-SUPPORT\n    when: {count: {of: grooming, min: 3}}\n",
        "advice_rules ADV-SUPPORT is a national floor rule: a force may not change its condition",
    ),
    (
        "a required action made not-applicable-able",
        "actions.yaml",
        "actions:\n  safeguarding_referral:\n    may_be_not_applicable: true\n",
        "actions safeguarding_referral is a national floor action: a force may not let it be closed as not "
        "applicable",
    ),
    (
        "a due time lengthened",
        "actions.yaml",
        "due_times:\n  high:\n    person_check: 30\n",
        "due_times.high person_check is a national floor action: a force may not make it due 30 minutes "
        "after it is required instead of 15 minutes after it is required (forces may shorten its due times)",
    ),
    (
        "a due time after the close request lengthened",
        "actions.yaml",
        "due_times:\n  medium:\n    supervisor_review: {after: close_request, minutes: 2880}\n",
        "due_times.medium supervisor_review is a national floor action: a force may not make it due 2880 "
        "minutes after the close request instead of 1440 minutes after the close request",
    ),
    (
        "a due time's clock changed",
        "actions.yaml",
        "due_times:\n  standard:\n    specialist_advice: 60\n",
        "due_times.standard specialist_advice is a national floor action: a force may not make it due 60 "
        "minutes after it is required instead of by the close request",
    ),
    (
        "an agency's phone changed",
        "agencies.yaml",
        "agencies:\n  nspcc:\n    contact: {phone: '01632 960000'}\n",
        "agencies nspcc is a national floor agency: a force may not change its contact (phone)",
    ),
    (
        "an agency's web address changed",
        "agencies.yaml",
        "agencies:\n  ceop:\n    contact: {url: 'https://example.org/report'}\n",
        "agencies ceop is a national floor agency: a force may not change its contact (url)",
    ),
    (
        "a contact added to an agency",
        "agencies.yaml",
        "agencies:\n  ceop:\n    contact: {phone: '01632 960000'}\n",
        "agencies ceop is a national floor agency: a force may not change its contact (phone)",
    ),
    (
        "a decisive question made not decisive",
        "questions.yaml",
        "questions:\n  threats:\n    decisive: false\n",
        "questions threats is a national floor question: a force may not make it not decisive",
    ),
    (
        "a decisive answer made to add nothing",
        "questions.yaml",
        "questions:\n  contact_age:\n    answers:\n      adult: null\n",
        "questions contact_age is a national floor question: a force may not make its answer 'adult' add "
        "less",
    ),
    (
        "a decisive answer's fact changed",
        "questions.yaml",
        "questions:\n  contact_age:\n    answers:\n      older_teen: {fact: {contact_age: peer}}\n",
        "questions contact_age is a national floor question: a force may not change the fact its answer "
        "'older_teen' sets",
    ),
    (
        "an answer value added to a decisive question (a way round 'unknown')",
        "questions.yaml",
        "questions:\n  asked_to_meet:\n    answers:\n      not_sure: {}\n",
        "questions asked_to_meet is a national floor question: a force may not add or remove answer values "
        "(added ['not_sure'], removed [])",
    ),
    (
        "what a decisive question informs changed",
        "questions.yaml",
        "questions:\n  threats:\n    informs: secrecy\n",
        "questions threats is a national floor question: a force may not change what it informs",
    ),
    (
        "a vulnerability answer made to add nothing",
        "questions.yaml",
        "questions:\n  child_under_13:\n    answers:\n      'yes': null\n",
        "questions child_under_13 is a national floor question: a force may not make its answer 'yes' add "
        "less",
    ),
    (
        "an indicator no longer counted as grooming",
        "indicators.yaml",
        "indicators:\n  secrecy:\n    grooming: false\n",
        "indicators secrecy is a national floor indicator: a force may not stop it counting as a grooming "
        "indicato",
    ),
    (
        "an indicator no longer counted on suspicion",
        "indicators.yaml",
        "indicators:\n  identity_deception:\n    suspicion_counts: false\n",
        "indicators identity_deception is a national floor indicator: a force may not stop it counting on "
        "suspicion",
    ),
    (
        "a floor rule changed from another file than the national one",
        "cues.yaml",
        "raise_rules:\n  - id: RISK-RAISE-DECISIVE-UNKNOWN\n    when: {all: [{risk_in: [standard]}]}\n",
        "raise_rules RISK-RAISE-DECISIVE-UNKNOWN is a national floor rule: a force may not change its "
        "condition",
    ),
]


@pytest.mark.parametrize(
    ("file", "body", "expected"), [row[1:] for row in LOWERINGS], ids=[r[0] for r in LOWERINGS]
)
def test_an_overlay_that_lowers_a_floor_item_is_refused_naming_it(
    tmp_path: Path, file: str, body: str, expected: str
) -> None:
    overlay = write_overlay(tmp_path, {file: body})
    with pytest.raises(PackError) as refused:
        load_pack(overlay)
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith(f"{overlay / file}: {expected}"), message


def test_the_whole_message_of_a_refusal(tmp_path: Path) -> None:
    overlay = write_overlay(
        tmp_path,
        {"rules.yaml": "risk_rules:\n  high:\n    - id: RISK-HIGH-COERCION\n      when: {has: secrecy}\n"},
    )
    with pytest.raises(PackError) as refused:
        load_pack(overlay)
    assert str(refused.value) == (
        f"{overlay}/rules.yaml: risk_rules.high RISK-HIGH-COERCION is a national floor rule: a force may not "
        "change its condition (forces may add rules)"
    )


def test_an_overlay_may_not_carry_a_floor(tmp_path: Path) -> None:
    overlay = write_overlay(tmp_path, {"floor.yaml": "floor:\n  rules: []\n"})
    with pytest.raises(PackError, match=r"force/floor\.yaml: the floor is the national pack's alone"):
        load_pack(overlay)


def test_an_overlay_may_not_write_a_floor_section_into_another_file(tmp_path: Path) -> None:
    overlay = write_overlay(tmp_path, {"rules.yaml": "floor:\n  rules: []\n"})
    with pytest.raises(
        PackError, match=r"force/rules\.yaml: floor: expected the national floor in the national"
    ):
        load_pack(overlay)


def test_additions_and_raises_are_accepted_and_take_effect(tmp_path: Path) -> None:
    overlay = write_overlay(
        tmp_path,
        {
            "rules.yaml": (
                "risk_rules:\n  high:\n"
                # a new, stricter rule of the force's own
                "    - id: RISK-HIGH-LOCAL-GIFTS\n      when: {has: gifts}\n      text: Gifts, here.\n"
                # a medium floor rule given a higher level too
                "    - id: RISK-MED-EXTREMISM\n      when: {has: extremism}\n      text: Extremism, here.\n"
                "  medium:\n"
                # a floor rule reworded
                "    - id: RISK-MED-AGEGAP\n      text: An adult or much older contact.\n"
                "raise_rules:\n  - id: RISK-RAISE-UNDER13\n    to: high\n"
                "response_rules:\n  - id: RESP-MEDIUM\n    response: priority\n"
            ),
            "actions.yaml": (
                "actions:\n  person_check:\n    may_be_not_applicable: false\n    label: Check the person\n"
                "due_times:\n  high:\n    person_check: 5\n"
                "    supervisor_review: close_request\n"
                "  standard:\n    vulnerability_flag: 60\n"
            ),
            "agencies.yaml": (
                "agencies:\n  local_cse:\n    name: Local CSE team\n    purpose: The force's CSE advisers.\n"
                "    contact: {phone: '01632 960000'}\n    audience: [parent, professional]\n"
                "    review_date: '2027-06-30'\n"
                "  nspcc:\n    name: NSPCC Helpline (24 hours)\n"
                "advice_rules:\n  - id: ADV-CEOP\n    agencies: [local_cse]\n"
                "  - id: ADV-ANY-GROOMING\n    required: true\n"
            ),
            "questions.yaml": (
                "questions:\n  local_school:\n    text: Which school does the child go to?\n"
                "    informs: supervision_probing\n    ask_when: [age_gap]\n"
                "    answers: {known: {}, unknown: {}}\n"
                "  threats:\n    text: Has anyone threatened the child?\n"
                "    answers:\n      'yes': {adds: [coercion_threats, secrecy]}\n"
            ),
            "indicators.yaml": "indicators:\n  behaviour_change:\n    grooming: true\n",
        },
    )
    pack = load_pack(overlay)
    assert pack.floor == load_pack().floor
    assert assess("He keeps sending her gifts.", pack=pack).to_dict()["risk"] == "high"
    assert assess("He keeps sending her gifts.").to_dict()["risk"] != "high"
    assert assess("He sends her extremist propaganda videos.", pack=pack).to_dict()["risk"] == "high"
    assert {r.id: r.value for r in pack.raise_rules}["RISK-RAISE-UNDER13"] == "high"
    assert {r.id: r.value for r in pack.response_rules}["RESP-MEDIUM"] == "priority"
    assert pack.actions["person_check"].may_be_not_applicable is False
    assert pack.due_times["high"]["person_check"] == Due(AFTER_REQUIRED, 5)
    assert pack.due_times["high"]["supervisor_review"] == Due(AFTER_CLOSE_REQUEST, None)
    assert pack.due_times["standard"]["vulnerability_flag"] == Due(AFTER_REQUIRED, 60)
    assert pack.suggest_agencies(["meeting", "age_gap"], "high", "parent")[:2] == ["ceop", "local_cse"]
    assert pack.agencies["nspcc"].name == "NSPCC Helpline (24 hours)"
    assert "local_school" in pack.questions
    assert pack.questions["threats"].answers["yes"].adds == ("coercion_threats", "secrecy")
    assert pack.indicators["behaviour_change"].grooming is True


def test_an_unchanged_or_empty_overlay_keeps_the_floor(tmp_path: Path) -> None:
    overlay = write_overlay(tmp_path, {})
    assert load_pack(overlay).floor == load_pack().floor


def test_narrowing_an_agencys_audience_is_a_breach() -> None:
    # Overlays cannot write this today (audience lists only grow when merged), so the check is shown on the
    # merged pack itself: the floor judges the result, whatever produced it.
    national = load_pack()
    agencies = dict(national.agencies)
    agencies["nspcc"] = dataclasses.replace(agencies["nspcc"], audience=("professional",))
    merged = dataclasses.replace(national, agencies=MappingProxyType(agencies))
    found = breaches(national.floor, national, merged, lambda *key: Path("force") / "agencies.yaml")
    assert found == [
        "force/agencies.yaml: agencies nspcc is a national floor agency: a force may not narrow its audience "
        "(drop parent) (forces may reword its name and purpose)"
    ]


@pytest.mark.parametrize(
    ("was", "now", "no_later"),
    [
        (Due(AFTER_REQUIRED, 15), Due(AFTER_REQUIRED, 15), True),
        (Due(AFTER_REQUIRED, 15), Due(AFTER_REQUIRED, 5), True),
        (Due(AFTER_REQUIRED, 15), Due(AFTER_REQUIRED, 16), False),
        (Due(AFTER_CLOSE_REQUEST, 120), Due(AFTER_CLOSE_REQUEST, None), True),
        (Due(AFTER_CLOSE_REQUEST, None), Due(AFTER_CLOSE_REQUEST, 0), False),
        (Due(AFTER_CLOSE_REQUEST, None), Due(AFTER_REQUIRED, 0), False),
        (Due(AFTER_REQUIRED, 0), Due(AFTER_CLOSE_REQUEST, None), False),
    ],
)
def test_which_due_times_are_no_later(was: Due, now: Due, no_later: bool) -> None:
    assert now.no_later_than(was) is no_later


def copy_national(tmp_path: Path) -> Path:
    target = tmp_path / "national"
    shutil.copytree(NATIONAL_DIR, target)
    return target


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("floor:\n  rules: [RISK-NOPE]\n", r"floor\.rules: expected the id of one rule .* got 'RISK-NOPE'"),
        ("floor:\n  agencies: [nowhere]\n", r"floor\.agencies: expected a code of the national pack"),
        ("floor:\n  things: [x]\n", r"floor: expected only rules, actions"),
        ("rules: [RISK-HIGH-IMMEDIATE]\n", r"expected one mapping, floor:"),
    ],
)
def test_a_national_floor_naming_what_the_pack_lacks_is_refused(
    tmp_path: Path, body: str, expected: str
) -> None:
    national = copy_national(tmp_path)
    (national / "floor.yaml").write_text(body, encoding="utf-8")
    with pytest.raises(PackError, match=r"national/floor\.yaml: " + expected):
        load_pack(national_dir=national)


def test_a_national_pack_without_a_floor_has_none(tmp_path: Path) -> None:
    national = copy_national(tmp_path)
    (national / "floor.yaml").unlink()
    overlay = write_overlay(tmp_path, {"indicators.yaml": "indicators:\n  secrecy:\n    grooming: false\n"})
    assert load_pack(national_dir=national).floor.rules == ()
    assert load_pack(overlay, national_dir=national).indicators["secrecy"].grooming is False
