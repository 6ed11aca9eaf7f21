"""Issue 11 in the browser: an unassisted attempt at the seed case. The trainee starts it from the library,
works the training call on the call page under the TRAINING banner (in view at once), asks the caller, takes a
note, names the signs they heard while the panel hides the engine's signs and actions, tries to close with "no
further action" as the handler in the watchdog's case did, finishes, and reads a result that names the fatal
errors; the call page then shows what was hidden."""

from __future__ import annotations

import re
from typing import Any

import pytest
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.pg
VIEWPORT = {"width": 1366, "height": 657}
NOTE = (
    "SYNTHETIC: mum says older male on Xbox (NightOwl_K) sent her son Toby (14) a phone and money; told him "
    "to keep it secret."
)
NFA = (
    "SYNTHETIC: no further action. Mother advised to monitor the gaming. Nothing to suggest this is "
    "grooming; "
    "the other party is a gamer of a similar age."
)


def test_an_unassisted_attempt_at_the_seed_case(browser: Any, server: str) -> None:
    page = browser.new_context(viewport=VIEWPORT).new_page()
    sign_in(page, server, "demo.handler")
    page.get_by_role("link", name="Training").click()
    page.wait_for_url(re.compile(r"/training/$"))
    scenario = page.locator("#scenario-seed-case")
    scenario.get_by_label("Unassisted").check()
    with page.expect_navigation():
        scenario.get_by_role("button", name="Start").click()
    assert re.search(r"/calls/\d+/#caller$", page.url)
    banner = page.locator(".heed-training-banner")
    assert "TRAINING" in banner.inner_text() and banner.is_visible()
    box = banner.bounding_box()
    assert box is not None and box["y"] + box["height"] <= VIEWPORT["height"]  # in view without scrolling

    # Ask: a guided question from the list, then one in the trainee's own words.
    page.locator("#ask-guided").select_option("contact_age")
    with page.expect_navigation():
        page.locator("#ask-form").get_by_role("button", name="Ask").click()
    page.locator("#ask-question").fill("What is his username on the Xbox?")
    with page.expect_navigation():
        page.locator("#ask-question").press("Enter")
    transcript = page.locator("#transcript").inner_text()
    assert "grown man" in transcript and "NightOwl_K" in transcript

    # A note: the panel shows no danger signs, grade or actions in unassisted mode.
    page.locator("#note-text").fill(NOTE)
    with page.expect_navigation():
        page.locator("#note-submit").click()
    assert page.locator("#concealed").is_visible()
    assert page.locator("#live-panel [data-indicator]").count() == 0

    # The signs the trainee heard, ticked by the trainee (nothing is ticked for them).
    assert page.locator("#signs-form input:checked").count() == 0
    for label in ("Gifts or money", "Secrecy", "Adult or much older contact"):
        page.locator("#signs-form").get_by_label(label, exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save the signs I heard").click()
    assert page.locator("#signs-form input:checked").count() == 3

    # As in the watchdog's case: asked to close with no further action, no check, no advice.
    page.locator("#close-outcome").select_option("no_further_action")
    page.locator("#close-rationale").fill(NFA)
    with page.expect_navigation():
        page.locator("#close-submit").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Finish and see my score").click()
    assert re.search(r"/training/attempts/\d+/$", page.url)
    assert "Not passed" in page.locator("#verdict").inner_text()
    fatal = page.locator("#fatal").inner_text()
    assert "not checked against nominal records" in fatal
    assert "while action the guidance requires was not done" in fatal
    assert "not told where specialist help is" in fatal
    assert "You named 3 of the 9 danger signs" in page.locator("[data-competency='recognition']").inner_text()

    # Finished: the call page now shows what the engine read from the note.
    with page.expect_navigation():
        page.get_by_role("link", name="The training call").click()
    assert page.locator("#concealed").count() == 0
    assert page.locator("#live-panel [data-indicator='gifts']").count() == 1
    page.context.close()
