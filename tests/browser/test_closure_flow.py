"""The seed scenario in the browser: the handler cannot close until the checks, CEOP advice, the referral and
the flag are recorded; then a supervisor (not the handler) approves, and the timeline shows every step."""

from __future__ import annotations

import re
from typing import Any

import pytest
from tests.browser.test_handler_flow import NARRATIVE, _sign_in

pytestmark = pytest.mark.pg
WHY = "SYNTHETIC: person and identifiers checked, marker found, CPT referral sent, CEOP and NSPCC given."
# The answer buttons' labels for the demo caller's answers (nothing the narrative does not already show).
DECISIVE_ANSWERS = {
    "whereabouts_now": "Safe",
    "contact_age": "Adult",
    "asked_for_images": "No",
    "threats": "No",
    "asked_to_meet": "Yes",
}


def test_close_refused_until_done_then_supervisor_approves(browser: Any, server: str) -> None:
    handler = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    _sign_in(handler, server, "demo.handler")
    handler.goto(server + "/calls/new")
    handler.get_by_label("Child's name").fill("SAM")
    handler.get_by_label("What the caller says").fill(NARRATIVE)
    handler.get_by_role("button", name="Open the call").click()
    handler.wait_for_url(re.compile(r"/calls/\d+/$"))
    call_url = handler.url

    # Asking to close now is refused, listing what is outstanding.
    handler.locator("#close-outcome").select_option("referred")
    handler.locator("#close-rationale").fill(WHY)
    handler.locator("#close-submit").click()
    refusal = handler.get_by_role("alert").first.inner_text()
    assert (
        "cannot close" in refusal
        and "Ask the decisive questions" in refusal
        and "Check the named person" in refusal
        and "safeguarding referral" in refusal
    )
    assert handler.locator("#close-rationale").input_value() == WHY  # what was typed is kept

    # The decisive questions, at the top of the panel, answered with its buttons.
    for qid, answer in DECISIVE_ANSWERS.items():
        question = handler.locator(f"#live-panel [data-decisive='{qid}']")
        with handler.expect_navigation():
            question.get_by_role("button", name=answer, exact=True).click()

    for key in ("F2", "F3"):
        with handler.expect_navigation():
            handler.keyboard.press(key)
    # CEOP and NSPCC are required: nothing is ticked for the handler, who ticks what was read out.
    agency = "input[name='agencies'][value='{}']"
    assert not handler.locator(agency.format("ceop")).is_checked()
    assert handler.locator("input[name='agencies']:checked, input[name='method']:checked").count() == 0
    handler.locator(agency.format("ceop")).check()
    handler.locator(agency.format("nspcc")).check()
    handler.get_by_label("Read out on the call").check()
    with handler.expect_navigation():
        handler.locator("#advice-submit").click()
    handler.locator("#referral-to").select_option("child_protection_team")
    handler.locator("#referral-reason").fill(WHY)
    with handler.expect_navigation():
        handler.locator("#referral-submit").click()
    handler.locator("#flag-reason").fill("SYNTHETIC: adult grooming, a meeting has been offered")
    with handler.expect_navigation():
        handler.locator("#flag-submit").click()
    for code in (
        "decisive_questions",
        "person_check",
        "identifier_check",
        "specialist_advice",
        "safeguarding_referral",
        "vulnerability_flag",
    ):
        assert "Done" in handler.locator(f"#live-panel [data-action='{code}']").inner_text(), code
    handler.locator("#close-outcome").select_option("referred")
    handler.locator("#close-rationale").fill(WHY)
    handler.locator("#close-submit").click()
    assert "Sent to a supervisor" in handler.get_by_role("status").first.inner_text()
    assert handler.locator("#close-submit").count() == 0

    supervisor = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    _sign_in(supervisor, server, "demo.supervisor")
    supervisor.get_by_role("link", name="Queue").click()
    reference = handler.locator(".heed-call-ref").inner_text().split()[1]
    supervisor.locator(f"[data-queue-call='{reference}'] a").click()
    supervisor.locator("#review-ndm_information").fill(
        "SYNTHETIC: named adult has a warning marker; identifiers linked."
    )
    supervisor.locator("#review-ndm_decision").fill(
        "SYNTHETIC: CPT referral stands; close this call, CPT investigates."
    )
    supervisor.locator("#review-approve").click()
    assert "now closed" in supervisor.get_by_role("status").first.inner_text()

    supervisor.get_by_role("link", name="Timeline").click()
    events = supervisor.locator("tr[data-event]").evaluate_all("rows => rows.map(r => r.dataset.event)")
    for kind in (
        "closure.refused",
        "check.person",
        "advice.recorded",
        "referral.made",
        "closure.requested",
        "review.decided",
    ):
        assert kind in events, kind
    handler.goto(call_url)
    assert "Closed" in handler.locator("#live-panel").inner_text()
