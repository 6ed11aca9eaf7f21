"""A handler types a note naming a phone number that is on a SYNTHETIC nominal record with a warning marker
(demo record SYN000000118), runs "Check all", and the marker alert is at the top of the page, focused."""

from __future__ import annotations

import re
from typing import Any

import pytest
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import _violations, axe_page  # noqa: F401 - axe_page is a fixture

pytestmark = pytest.mark.pg
NOTE = (
    "SYNTHETIC. CLR is mother of SAM (14). A man of about 30 keeps texting SAM from 07700 900048, tells "
    "him to keep it secret from his mum and has asked to meet him alone at the park tonight."
)


def _check_all_on_a_new_call(page: Any, server: str) -> None:
    sign_in(page, server, "demo.handler")
    page.get_by_role("link", name="Take a new call").first.click()
    page.get_by_label("Caller's name").fill("SYNTHETIC mother")
    page.get_by_label("Child's name").fill("SAM")
    page.get_by_label("Child's age").fill("14")
    page.get_by_role("button", name="Open the call").click()
    page.wait_for_url(re.compile(r"/calls/\d+/$"))
    assert page.locator("#marker-alert").count() == 0

    page.get_by_label("Add to the log").fill(NOTE)
    with page.expect_navigation():
        page.get_by_label("Add to the log").press("Control+Enter")
    assert "+447700900048" in page.locator(".heed-identifiers").inner_text()

    page.get_by_role("button", name=re.compile("^Check all against earlier reports and records")).click()
    page.wait_for_url(re.compile(r"#marker-alert$"))


def test_a_phone_on_a_marked_record_raises_the_marker_alert(page: Any, server: str) -> None:
    _check_all_on_a_new_call(page, server)
    alert = page.get_by_role("alert").filter(has_text="Warning marker")
    assert alert.is_visible()
    text = alert.inner_text()
    assert "PHONE NUMBER ON A RECORD" in text and "SYN000000118" in text
    assert "SX01 – SYNTHETIC alleged sexual offence against a child" in text
    assert page.evaluate("document.activeElement.id") == "marker-alert"
    result = page.locator(".heed-check-result").filter(has_text="Nominal records holding +447700900048")
    assert "Searched earlier reports in this force and nominal records (" in result.inner_text()
    assert "Done" in page.locator("#live-panel [data-action='identifier_check']").inner_text()


def test_the_alert_and_the_record_hits_pass_axe(axe_page: Any, server: str) -> None:  # noqa: F811
    _check_all_on_a_new_call(axe_page, server)
    assert axe_page.locator("#marker-alert .heed-marker").count() == 1
    assert _violations(axe_page) == []
