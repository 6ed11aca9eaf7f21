"""Issue 10 §7, returned calls, in the browser: a supervisor returns a call; the handler, signing in, finds it
first on their list, marked, with the reason, and opens it to the supervisor's reason at the top of the page,
in view without scrolling in a 1366x657 window (a contact-centre desktop with the browser's own bars)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from tests.browser.conftest import demo_call_sent_for_review, sign_in

pytestmark = pytest.mark.pg
WHY = "SYNTHETIC: person and identifiers checked, marker found, CPT referral sent, CEOP and NSPCC given."
RETURN_WHY = "SYNTHETIC: record where the child is tonight and who is with her, then ask again."
NDM_NOTE = "SYNTHETIC: the whereabouts answer is not in the log."
VIEWPORT = {"width": 1366, "height": 657}


def call_sent_for_review(browser: Any, server: str) -> str:
    """The demo call taken by demo.handler, every required action done, asked to close: its reference."""
    url, reference = demo_call_sent_for_review(browser, server, WHY)
    return reference


def test_the_handler_sees_a_returned_call_first_and_the_reason_at_the_top(browser: Any, server: str) -> None:
    reference = call_sent_for_review(browser, server)

    supervisor = browser.new_context(viewport=VIEWPORT).new_page()
    sign_in(supervisor, server, "demo.supervisor")
    supervisor.goto(server + "/queue")
    supervisor.locator(f"#awaiting ~ table [data-queue-call='{reference}'] a").first.click()
    supervisor.locator("#review-ndm_information").fill(NDM_NOTE)
    supervisor.locator("#review-rationale").fill(RETURN_WHY)
    with supervisor.expect_navigation():
        supervisor.locator("#review-return").click()
    # The queue now lists it first, under "Returned to handlers", with the reason.
    supervisor.goto(server + "/queue")
    first = supervisor.locator("[data-queue-call]").first
    assert first.get_attribute("data-queue-call") == reference
    assert RETURN_WHY in first.inner_text()
    supervisor.context.close()

    handler = browser.new_context(viewport=VIEWPORT).new_page()
    sign_in(handler, server, "demo.handler")  # lands on their list of calls
    rows = handler.locator("tbody tr[data-call]")
    assert rows.first.get_attribute("data-call") == reference
    assert rows.first.get_attribute("data-returned") is not None
    assert "Returned" in rows.first.inner_text() and RETURN_WHY in rows.first.inner_text()
    assert RETURN_WHY in handler.locator(".govuk-notification-banner[data-returned]").inner_text()

    rows.first.get_by_role("link", name=reference).click()
    handler.wait_for_url(re.compile(r"/calls/\d+/$"))
    banner = handler.locator("#returned")
    assert "demo.supervisor" in banner.inner_text()
    assert RETURN_WHY in banner.inner_text() and NDM_NOTE in banner.inner_text()
    assert handler.evaluate("window.scrollY") == 0
    box = banner.bounding_box()
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= VIEWPORT["height"], box
    reason = handler.locator("#returned [data-returned-reason]").bounding_box()
    assert reason is not None and reason["y"] + reason["height"] <= VIEWPORT["height"]
    # Nothing of the call's own content sits above it.
    heading = handler.locator(".heed-call-ref").bounding_box()
    assert heading is not None and heading["y"] > box["y"] + box["height"] - 1
    handler.context.close()
