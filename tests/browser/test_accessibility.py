"""axe-core (from npm, run in Chromium) finds no moderate, serious or critical accessibility problem on the
pages a handler, a supervisor and an auditor use, at 1280×720."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.browser.conftest import second_factor, sign_in
from tests.browser.test_handler_flow import NARRATIVE, _sign_in

from heed.demo import DEMO_PASSWORD

pytestmark = pytest.mark.pg
AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def axe_page(browser: Any) -> Iterator[Any]:
    """axe-core is injected as an inline script, which the app's Content-Security-Policy rightly blocks: only
    this test tool's page bypasses it (the flows' pages keep it enforced)."""
    context = browser.new_context(viewport={"width": 1280, "height": 720}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _violations(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical", "moderate")
    ]


def test_the_handler_pages_have_no_accessibility_problems(axe_page: Any, server: str) -> None:
    page = axe_page
    assert AXE.exists(), "make assets installs axe-core from npm"
    page.goto(server + "/login")
    assert _violations(page) == []
    _sign_in(page, server, "demo.handler")
    assert _violations(page) == []
    page.goto(server + "/calls/new")
    assert _violations(page) == []
    page.get_by_label("What the caller says").fill(NARRATIVE)
    page.get_by_role("button", name="Open the call").click()
    page.wait_for_url("**/calls/*/")
    with page.expect_navigation():
        page.keyboard.press("F2")
    assert _violations(page) == []


def test_the_supervisor_pages_have_no_accessibility_problems(axe_page: Any, server: str) -> None:
    page = axe_page
    _sign_in(page, server, "demo.supervisor")
    page.goto(server + "/queue")
    assert _violations(page) == []
    page.goto(server + "/calls/1/timeline")
    assert _violations(page) == []
    page.goto(server + "/calls/1/")  # the supervisor's read-only view (and the review form, when awaiting)
    assert _violations(page) == []
    page.goto(server + "/calls/")  # the list, returned calls first
    assert _violations(page) == []


def test_the_safeguarding_officer_pages_have_no_accessibility_problems(axe_page: Any, server: str) -> None:
    page = axe_page
    sign_in(page, server, "demo.safeguarding")
    page.goto(server + "/referrals/")
    assert page.get_by_role("heading", level=1).count() == 1
    assert _violations(page) == []


def test_the_auditor_pages_have_no_accessibility_problems(axe_page: Any, server: str) -> None:
    """The auditor's read-only view of a call (the record, no forms) and its timeline, with views shown and
    hidden."""
    page = axe_page
    _sign_in(page, server, "demo.auditor")
    page.goto(server + "/calls/1/")
    assert page.locator("#record").count() == 1
    assert _violations(page) == []
    page.goto(server + "/calls/1/timeline")
    assert _violations(page) == []
    page.goto(server + "/calls/1/timeline?views=1")
    assert page.locator("tr[data-event='call.viewed']").count() >= 1
    assert _violations(page) == []


def test_the_sign_in_security_and_administration_pages_have_no_accessibility_problems(
    axe_page: Any, server: str
) -> None:
    """A force administrator's first sign-in: enrolment (QR code, key), the recovery codes, then the user
    pages, a refused new user (error summary and messages at the fields); then the forces page."""
    page = axe_page
    page.goto(server + "/login")
    page.get_by_label("User name").fill("demo.admin")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert "/mfa/enrol" in page.url
    assert page.locator(".heed-qr svg").count() == 1
    assert _violations(page) == []
    second_factor(page, server, "demo.admin")
    page.wait_for_url(server + "/")
    page.goto(server + "/users/")
    assert _violations(page) == []
    page.goto(server + "/users/new")
    page.get_by_role("button", name="Add the user").click()
    page.get_by_role("alert").first.wait_for()
    assert "Enter a user name" in page.get_by_role("alert").first.inner_text()
    assert _violations(page) == []
    page.get_by_role("link", name="Users", exact=True).click()
    page.get_by_role("link", name="demo.handler2").click()
    assert _violations(page) == []
    page.context.clear_cookies()
    sign_in(page, server, "demo.national", landing=r"/$")
    page.goto(server + "/forces/")
    assert "DEMO" in page.locator("table").inner_text()
    assert _violations(page) == []


def test_the_training_pages_have_no_accessibility_problems(axe_page: Any, server: str) -> None:
    page = axe_page
    _sign_in(page, server, "demo.handler")
    page.goto(server + "/training/")
    assert _violations(page) == []
    scenario = page.locator("#scenario-seed-case")
    scenario.get_by_label("Unassisted").check()
    with page.expect_navigation():
        scenario.get_by_role("button", name="Start").click()
    assert _violations(page) == []  # the training call: banner, caller, signs form, concealed panel
    with page.expect_navigation():
        page.get_by_role("button", name="Finish and see my score").click()
    assert _violations(page) == []  # the result


def test_the_national_guidance_owner_pages_have_no_accessibility_problems(axe_page: Any, server: str) -> None:
    """The guidance owner's national pages: the versions, a refused notice (error summary linked to its
    field, what was typed kept), the published notice with each force's standing, and the statistics."""
    page = axe_page
    sign_in(page, server, "demo.guidance", landing=r"/$")
    for path in ("/guidance/national", "/stats/"):
        page.goto(server + path)
        assert page.get_by_role("heading", level=1).count() == 1, path
        assert _violations(page) == [], path
    page.goto(server + "/notices/")
    assert _violations(page) == []
    page.get_by_label("Title").fill("SYNTHETIC lesson: the caller's words")
    page.get_by_role("button", name="Publish").click()
    page.get_by_role("alert").first.wait_for()
    assert page.get_by_label("Title").input_value() == "SYNTHETIC lesson: the caller's words"
    assert _violations(page) == []
    page.get_by_label("What happened").fill("SYNTHETIC: a sign in the caller's words was not recognised.")
    page.get_by_label("What must change").fill("SYNTHETIC: ask the decisive questions on every call.")
    page.get_by_label("What each force must do").fill("SYNTHETIC: every handler passes seed-case.")
    page.get_by_label("Due (YYYY-MM-DD)").fill("2027-03-01")
    with page.expect_navigation():
        page.get_by_role("button", name="Publish").click()
    assert "/notices/" in page.url and page.url.rstrip("/").split("/")[-1].isdigit()
    assert _violations(page) == []


def test_the_force_administrator_guidance_and_notice_pages_have_no_accessibility_problems(
    axe_page: Any, server: str
) -> None:
    page = axe_page
    sign_in(page, server, "demo.admin", landing=r"/$")
    for path in ("/guidance/", "/guidance/local", "/notices/"):
        page.goto(server + path)
        assert page.get_by_role("heading", level=1).count() == 1, path
        assert _violations(page) == [], path


def test_the_compliance_and_look_back_pages_have_no_accessibility_problems(
    axe_page: Any, server: str
) -> None:
    """The supervisor's dashboard (figures, trend charts with their tables), the calls behind a figure, the
    dip sample page; the safeguarding officer's look-back queue."""
    page = axe_page
    _sign_in(page, server, "demo.supervisor")
    page.goto(server + "/compliance/")
    assert page.locator("svg").count() >= 1  # a trend chart is on the page being checked
    assert _violations(page) == []
    page.locator("main a[href*='/compliance/calls']").first.click()
    page.wait_for_url("**/compliance/calls**")
    assert _violations(page) == []
    page.goto(server + "/compliance/dip/")
    assert _violations(page) == []
    page.context.clear_cookies()
    sign_in(page, server, "demo.safeguarding", landing=r"/")
    page.goto(server + "/lookback/")
    assert page.get_by_role("heading", level=1).count() == 1
    assert _violations(page) == []
