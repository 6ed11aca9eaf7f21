"""SYNTHETIC scenarios written for tests (the library's own are checked in tests/training/test_library.py)."""

from __future__ import annotations

SUPERVISOR_SCENARIO = """\
# SYNTHETIC. Written for tests.
id: test-review-missing-check
version: 1
title: A call sent for review with the named man unchecked
role: supervisor
level: core
tags: [test]
summary: >-
  The handler marked the person check not applicable on a weak reason and closed with no further action.
caller: {name: SYNTHETIC Jo Tester, relation: parent, contact: 07700 900555}
child: {name: SYNTHETIC Mia Tester, age: 13}
opening: My daughter Mia is thirteen and she's talking to a man on Snapchat. He says he's nineteen.
facts:
  - {id: name, says: "His name is Lee Hart, he told her he lives in Dover.", words: [name, called]}
  - {id: compliments, says: "He keeps telling her she's mature for her age.", words: [say, tell]}
unknown_reply: I don't know, sorry.
records:
  - {record_id: TST-R-01, synthetic: SYNTHETIC, given_name: Lee, family_name: Hart,
     date_of_birth: "2006-02-01", sex: M, town: Dover, online_ids: "snapchat:leeh_06",
     markers: "CSO|Offence against a child|2023"}
sightings:
  - {kind: handle, value: leeh_06, platform: snapchat, reference: TRN-TST-0001, seen: "2026-10-01"}
key:
  indicators: [age_gap, flattery_promises]
  risk: medium
  response: scheduled
  outcomes: [returned]
  teaching:
    - {competency: review, rule: ACT-PERSON-CHECK, point: A named adult is always checked.}
supervisor:
  notes:
    - >-
      Mum says daughter Mia (13) is talking on Snapchat to a man called Lee Hart who says he is 19. He tells
      her she is mature for her age. Mum has seen the chats. Mia is at home and safe.
  answers: {whereabouts_now: safe, contact_age: older_teen, asked_for_images: "no", threats: "no",
            asked_to_meet: "no"}
  not_applicable:
    - {action: person_check, reason: Only a first name and surname given so a check would not be useful.}
  advice: [{agencies: [ceop, nspcc]}]
  referral: true
  close:
    outcome: no_further_action
    rationale: >-
      No further action. Mum advised about privacy settings. Nothing to suggest this is grooming, he is a
      teenager and they only chat, nothing sexual has been said, Mia is safe at home and mum will monitor.
  faults:
    - {code: missing_person_check, words: [check, checked, pnc, record],
       point: The named man was never checked.}
    - {code: wrong_outcome, words: [outcome, "no further action", nfa],
       point: NFA ignores an adult's interest.}
"""
