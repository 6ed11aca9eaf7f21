"""A handler takes the demo call in the browser: the danger signs light up as they type, the person check is
required, one key runs it, and the warning marker on the matching record cannot be missed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.pg
NARRATIVE = (Path(__file__).resolve().parents[2] / "src" / "heed" / "demo" / "narrative.txt").read_text()


def _sign_in(page: Any, server: str, username: str) -> None:
    sign_in(page, server, username)


def test_handler_types_the_demo_narrative_checks_the_person_and_sees_the_marker(
    page: Any, server: str
) -> None:
    _sign_in(page, server, "demo.handler")
    page.get_by_role("link", name="Take a new call").first.click()
    page.get_by_label("Caller's name").fill("SYNTHETIC mother")
    page.get_by_label("Child's name").fill("SAM")
    page.get_by_label("Child's age").fill("14")
    page.get_by_role("button", name="Open the call").click()
    page.wait_for_url(re.compile(r"/calls/\d+/$"))

    # Live, as they type: the panel shows the danger signs and the actions the log will require.
    page.get_by_label("Add to the log").fill(NARRATIVE)
    panel = page.locator("#live-panel")
    panel.locator("[data-indicator='age_gap']").wait_for()
    assert panel.locator("[data-indicator='secrecy']").count() == 1
    assert panel.locator("[data-action='person_check']").count() == 1
    assert page.locator("#draft-preview mark.heed-mark").count() >= 5

    # Ctrl+Enter adds it to the log: the evidence is highlighted in the notes, the person check outstanding.
    with page.expect_navigation():
        page.get_by_label("Add to the log").press("Control+Enter")
    marks = page.locator(".heed-log mark.heed-mark")
    assert marks.count() >= 8
    assert "older male" in marks.all_inner_texts()
    person_action = page.locator("#live-panel [data-action='person_check']")
    assert "Outstanding" in person_action.inner_text()
    assert "High risk" in page.locator(".heed-call-ref").inner_text()

    # The check form is prefilled from what the caller said; F2 runs it.
    assert page.locator("#pf1-given_name").input_value() == "Kai"
    assert page.locator("#pf1-town").input_value() == "Maidstone"
    page.keyboard.press("F2")
    page.wait_for_url(re.compile(r"#marker-alert$"))
    alert = page.get_by_role("alert").filter(has_text="Warning marker")
    assert alert.is_visible()
    assert (
        "STRONG MATCH" in alert.inner_text()
        and "SYNTHETIC allegation of rape of a child" in alert.inner_text()
    )
    assert page.evaluate("document.activeElement.id") == "marker-alert"
    assert "Done" in page.locator("#live-panel [data-action='person_check']").inner_text()

    # F3 checks the identifiers: the handle links to the earlier SYNTHETIC report about xX_N1GHTHAWK_Xx.
    with page.expect_navigation():
        page.keyboard.press("F3")
    earlier = page.locator(".heed-check-result").filter(has_text="NightHawk (xbox)")
    assert "reported before on" in earlier.inner_text()
    assert "Done" in page.locator("#live-panel [data-action='identifier_check']").inner_text()


def test_a_supervisor_reads_the_timeline_with_who_viewed(page: Any, server: str) -> None:
    _sign_in(page, server, "demo.supervisor")
    page.locator("table a").first.click()
    page.get_by_role("link", name="Timeline").click()
    assert page.get_by_role("heading", name=re.compile("Timeline of call")).is_visible()
    assert page.locator("tr[data-event='call.created']").count() == 1
    assert page.locator("tr[data-event='call.viewed']").count() == 0  # views are hidden until asked for
    page.locator("#show-views").click()
    assert page.locator("tr[data-event='call.viewed']").count() >= 1
    assert "demo.supervisor" in page.locator("table").first.inner_text()


def test_a_wrong_password_is_refused_with_a_clear_message(page: Any, server: str) -> None:
    page.goto(server + "/login")
    page.get_by_label("User name").fill("demo.auditor")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    assert "not right" in page.get_by_role("alert").inner_text()
