"""Issue 8 §4 in the browser: the live panel asks the decisive questions right after the danger signs (issue
10: the signs come first, so they stay in view while typing), in view on a contact-centre screen; closing is
refused until they are answered; answering them with the panel's buttons ("don't know" included) lets the
call close."""

from __future__ import annotations

import re
from typing import Any

import pytest
from tests.browser.test_handler_flow import _sign_in

pytestmark = pytest.mark.pg
SCREEN_TIME = "SYNTHETIC. Mum worried about screen time; her son plays Minecraft with school friends."
WHY = "SYNTHETIC: no grooming sign; caller given Internet Matters; decisive questions asked."
DECISIVE = ("whereabouts_now", "contact_age", "asked_for_images", "threats", "asked_to_meet")


def test_decisive_questions_are_near_the_top_of_the_panel_and_answering_them_lets_the_call_close(
    browser: Any, server: str
) -> None:
    page = browser.new_context(viewport={"width": 1366, "height": 657}).new_page()
    _sign_in(page, server, "demo.handler")
    page.goto(server + "/calls/new")
    page.get_by_label("Child's age").fill("14")
    page.get_by_label("What the caller says").fill(SCREEN_TIME)
    page.get_by_role("button", name="Open the call").click()
    page.wait_for_url(re.compile(r"/calls/\d+/$"))

    panel = page.locator("#live-panel")
    # Below the grade and the danger signs (none here), above everything else, and in the window.
    assert panel.locator("h2").first.get_attribute("id") == "signs-heading"
    assert panel.locator("h2").nth(1).get_attribute("id") == "decisive-heading"
    top = panel.locator("#decisive-questions").bounding_box()
    signs = panel.get_by_role("heading", name="Danger signs").bounding_box()
    grade = panel.locator(".heed-panel__grade").bounding_box()
    assert top is not None and signs is not None and grade is not None
    assert grade["y"] < signs["y"] < top["y"] < 657
    assert panel.locator("#decisive-questions").is_visible()
    for qid in DECISIVE:
        question = panel.locator(f"[data-decisive='{qid}']")
        assert question.get_attribute("data-answered") == "false"
        assert "Not answered" in question.inner_text()

    page.locator("input[name='agencies'][value='internet_matters']").check()
    page.get_by_label("Read out on the call").check()
    with page.expect_navigation():
        page.locator("#advice-submit").click()
    assert "Advice recorded" in page.get_by_role("status").first.inner_text()
    page.locator("#close-outcome").select_option("advice_given")
    page.locator("#close-rationale").fill(WHY)
    page.locator("#close-submit").click()
    refusal = page.locator("#close-errors")
    assert "cannot close" in refusal.inner_text() and "Ask the decisive questions" in refusal.inner_text()
    assert page.evaluate("document.activeElement.id") == "close-errors"

    # Each answer goes through the guided-answer form (versioned, audited): one press per question.
    for qid in DECISIVE:
        question = page.locator(f"#live-panel [data-decisive='{qid}']")
        with page.expect_navigation():
            question.get_by_role("button", name="Don't know", exact=True).click()
        assert question.get_attribute("data-answered") == "true"
        assert "Answered" in question.inner_text()
    assert "All answered" in page.locator("#decisive-heading").inner_text()
    assert "Done" in page.locator("#live-panel [data-action='decisive_questions']").inner_text()
    assert "Standard risk" in page.locator(".heed-call-ref").inner_text()

    page.locator("#close-outcome").select_option("advice_given")
    page.locator("#close-rationale").fill(WHY)
    page.locator("#close-submit").click()
    assert page.get_by_role("alert").count() == 0, page.get_by_role("alert").first.inner_text()
    assert "The call is closed" in page.get_by_role("status").first.inner_text()
    assert "Closed" in page.locator("#live-panel").inner_text()
