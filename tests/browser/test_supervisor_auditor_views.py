"""The supervisor's and the auditor's views of a call with records, in Chromium: the record of the call in
plain words with no form controls (but the supervisor's review form), agency names rather than codes, the
marker alert in the page's font, and a timeline that hides views until asked for."""

from __future__ import annotations

import re
from typing import Any

import pytest
from tests.browser.conftest import demo_call_sent_for_review
from tests.browser.test_accessibility import _violations
from tests.browser.test_handler_flow import _sign_in

pytestmark = pytest.mark.pg
WHY = "SYNTHETIC: person and identifiers checked, marker found, CPT referral sent, CEOP and NSPCC given."
# Every control in the page's main content that is not part of the supervisor's review form.
OTHER_CONTROLS = "main :is(input, select, textarea, button):not(#review-form *)"
AGENCIES = "NCA-CEOP Safety Centre, NSPCC Helpline"


def _call_with_records(browser: Any, server: str) -> str:
    """The handler takes the demo call, does what it requires and asks to close it; its address."""
    url, reference = demo_call_sent_for_review(browser, server, WHY)
    return url


def _reads_in_words(page: Any) -> None:
    record = page.locator("#record")
    text = record.inner_text()
    assert AGENCIES in text and "Read out on the call" in text
    assert "ceop" not in text and "nspcc" not in text and "whereabouts_now" not in text
    assert (
        "where the child is right now, and are they safe?\tSafe"
        in record.locator(".heed-record__answers").inner_text()
    )
    assert "Asked to close the call" in text
    # The marker alert is set in the page's font, like the text around it.
    font = page.locator("#marker-alert .heed-alert__title").evaluate("e => getComputedStyle(e).fontFamily")
    assert font == page.locator(".heed-call-meta").evaluate("e => getComputedStyle(e).fontFamily")


def _timeline_hides_views(page: Any) -> None:
    page.get_by_role("link", name="Timeline").click()
    assert page.locator("tr[data-event='advice.recorded']").count() == 1
    assert page.locator("tr[data-event='call.viewed']").count() == 0
    assert re.search(r"\d+ views? hidden", page.locator("#timeline-summary").inner_text())
    advice = page.locator("tr[data-event='advice.recorded']").inner_text()
    assert f"Agencies: {AGENCIES}" in advice and "{" not in advice.split("As stored")[0]
    page.locator("#show-views").click()
    assert page.locator("tr[data-event='call.viewed']").count() >= 1
    page.get_by_label("Show events of kind").select_option("closure.requested")
    page.get_by_label("Include views of the call and of this timeline").uncheck()
    page.locator("#timeline-apply").click()
    assert page.locator("tr[data-event]").evaluate_all("rows => rows.map(r => r.dataset.event)") == [
        "closure.requested"
    ]


def test_the_supervisor_and_the_auditor_read_the_call_without_controls(browser: Any, server: str) -> None:
    url = _call_with_records(browser, server)

    supervisor = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    _sign_in(supervisor, server, "demo.supervisor")
    supervisor.goto(url)
    assert supervisor.locator("#review-form").count() == 1
    assert supervisor.locator(OTHER_CONTROLS).count() == 0
    _reads_in_words(supervisor)
    _timeline_hides_views(supervisor)
    supervisor.context.close()

    # The auditor's view is checked with axe-core too (its context lets the test inject the script).
    auditor = browser.new_context(viewport={"width": 1280, "height": 720}, bypass_csp=True).new_page()
    _sign_in(auditor, server, "demo.auditor")
    auditor.goto(url)
    assert auditor.locator("main :is(input, select, textarea, button)").count() == 0
    assert auditor.locator("main form").count() == 0
    _reads_in_words(auditor)
    assert _violations(auditor) == []
    _timeline_hides_views(auditor)
    assert _violations(auditor) == []
    auditor.context.close()
