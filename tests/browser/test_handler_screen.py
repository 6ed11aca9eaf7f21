"""Issue 10 in the browser, at a contact-centre desktop's inner window (1366×657): the new-call page focuses
its first field; a danger sign found while the handler types is in view without scrolling, marked new and
announced; after adding to the log the keyboard is back in the log box; an early close shows the error summary
focused and in view, with the message at the form; and the whole call can be worked with the keyboard alone
(the Tab presses each step takes are printed, and bounded)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.pg
NARRATIVE = (Path(__file__).resolve().parents[2] / "src" / "heed" / "demo" / "narrative.txt").read_text()
DESK = {"width": 1366, "height": 657}
WHY = "SYNTHETIC: checks done, marker found, CPT referral made; the caller was given CEOP and NSPCC."
FIRST = "SYNTHETIC. Mum says her daughter SAM, 14, plays Fortnite most evenings."
MORE = " A man online told SAM to keep their chats secret and not tell her mum."


def _in_view(page: Any, selector: str) -> bool:
    return bool(
        page.evaluate(
            """(sel) => { const e = document.querySelector(sel); if (!e) return false;
                 const r = e.getBoundingClientRect();
                 return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; }""",
            selector,
        )
    )


def _focused(page: Any) -> str:
    return str(page.evaluate("document.activeElement ? document.activeElement.id : ''"))


def _focus_lands_on(page: Any, element_id: str) -> None:
    """Wait until focus is on ``element_id`` (set by autofocus or heed.js once the page has loaded)."""
    page.wait_for_function(f"document.activeElement && document.activeElement.id === {element_id!r}")


def _open_call(page: Any, server: str) -> None:
    page.goto(server + "/calls/new")
    _focus_lands_on(page, "id_caller_name")  # the new-call page focuses its first field
    page.get_by_label("Child's name").fill("SAM")
    page.get_by_label("Child's age").fill("14")
    with page.expect_navigation():
        page.get_by_role("button", name="Open the call").click()
    page.wait_for_url(re.compile(r"/calls/\d+/$"))
    _focus_lands_on(page, "note-text")


def test_a_sign_found_while_typing_is_in_view_marked_new_and_announced(browser: Any, server: str) -> None:
    page = browser.new_context(viewport=DESK).new_page()
    sign_in(page, server, "demo.handler")
    _open_call(page, server)
    page.keyboard.insert_text(FIRST)
    page.locator("#draft-saved").wait_for()
    assert page.locator("#live-panel [data-indicator='secrecy']").count() == 0
    page.keyboard.insert_text(MORE)
    sign = page.locator("#live-panel [data-indicator='secrecy']")
    sign.wait_for()
    page.locator("#live-panel [data-indicator='secrecy'] .heed-new").wait_for()
    assert page.evaluate("window.scrollY") == 0  # nothing scrolled the window while the handler typed
    assert _in_view(page, "#live-panel [data-indicator='secrecy']")
    assert "New" in sign.inner_text() and "heed-indicator--new" in (sign.get_attribute("class") or "")
    assert re.search(r"New danger signs?: [^.]*Secrecy", page.locator("#panel-status").inner_text())
    assert _focused(page) == "note-text"  # the handler is still typing


def test_the_demo_call_at_a_desk_screen_then_an_early_close(browser: Any, server: str) -> None:
    page = browser.new_context(viewport=DESK).new_page()
    sign_in(page, server, "demo.handler")
    _open_call(page, server)
    page.keyboard.insert_text(NARRATIVE)
    page.locator("#live-panel [data-indicator='age_gap']").wait_for()
    signs = page.locator("#live-panel [data-indicator]")
    assert signs.count() >= 5
    for i in range(signs.count()):  # every sign found is in view while typing
        assert _in_view(page, f"#live-panel [data-indicator]:nth-child({i + 1})"), i

    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    _focus_lands_on(page, "note-text")
    assert page.locator(".heed-log__entry").count() == 1

    page.locator("#close-outcome").select_option("referred")
    page.locator("#close-rationale").fill(WHY)
    with page.expect_navigation():
        page.locator("#close-submit").click()
    _focus_lands_on(page, "close-errors")
    assert _in_view(page, "#close-errors")
    summary = page.locator("#close-errors").inner_text()
    assert "There is a problem" in summary and "Still to do: Check the named person" in summary
    assert page.locator("#close-form-error").is_visible()
    assert page.locator("#close-outcome").input_value() == "referred"
    assert page.locator("#close-rationale").input_value() == WHY
    # A link in the summary goes to where the task is done (on the same page).
    page.locator("#close-errors").get_by_role("link", name="Still to do: Check the named person").click()
    page.wait_for_function("window.location.hash === '#checks'")
    assert _in_view(page, "#checks")


def _tab_to(page: Any, test: str, limit: int = 60) -> int:
    """Press Tab until ``test`` (JavaScript over ``el``, the focused element) holds; how many presses."""
    for n in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!(el && ({test})); }})()"):
            return n
    raise AssertionError(f"not reached in {limit} Tabs: {test}")


SEND = "send"  # press Enter on a button that posts the form, and wait for the page it returns to


def _press(page: Any, what: str) -> None:
    """A key (Enter, Space, an arrow), text typed into the focused field, or SEND."""
    if what == SEND:
        with page.expect_navigation():
            page.keyboard.press("Enter")
    elif what in ("Enter", "Space", "ArrowDown"):
        page.keyboard.press(what)
    else:
        page.keyboard.insert_text(what)


def _link(text: str) -> str:
    return f"el.tagName === 'A' && el.textContent.trim() === {text!r}"


def test_the_whole_call_with_the_keyboard_alone(browser: Any, server: str) -> None:
    page = browser.new_context(viewport=DESK).new_page()
    sign_in(page, server, "demo.handler")
    _open_call(page, server)
    counts: dict[str, int] = {}
    page.keyboard.insert_text(NARRATIVE)
    page.locator("#live-panel [data-indicator='age_gap']").wait_for()
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    for key in ("F2", "F3"):  # the person check, then every identifier
        with page.expect_navigation():
            page.keyboard.press(key)

    answers = {
        "whereabouts_now": "Safe",
        "contact_age": "Adult",
        "asked_for_images": "No",
        "threats": "No",
        "asked_to_meet": "Yes",
    }
    page.locator("#note-text").focus()
    counts["log box -> decisive questions"] = _tab_to(page, _link("Decisive questions"))
    page.keyboard.press("Enter")
    for qid, label in answers.items():
        button = f"el.name === 'q_{qid}' && el.textContent.trim() === {label!r}"
        counts[f"answer {qid}"] = _tab_to(page, button)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        # Focus moves on to the next question still to ask (or the section, when all are answered).
        page.wait_for_function(
            "document.activeElement && /^(decisive-questions|ask-[a-z_]+)$/.test(document.activeElement.id)"
        )

    def field(element_id: str) -> str:
        return f"el.id === {element_id!r}"

    for steps in (
        [
            ("log box -> support", _link("Support"), "Enter"),
            ("tick ceop", "el.name === 'agencies' && el.value === 'ceop'", "Space"),
            ("tick nspcc", "el.name === 'agencies' && el.value === 'nspcc'", "Space"),
            ("how it was given", "el.name === 'method'", "Space"),
            ("evidence advice", "el.name === 'evidence_advice'", "Space"),
            ("record advice", field("advice-submit"), SEND),
        ],
        [
            ("log box -> referral", _link("Referral"), "Enter"),
            ("refer to", field("referral-to"), "ArrowDown"),
            ("reason", field("referral-reason"), WHY),
            ("make referral", field("referral-submit"), SEND),
        ],
        [
            ("log box -> tasks", _link("Tasks"), "Enter"),
            ("tasks -> flag the child", _link("Flag the child as vulnerable"), "Enter"),
            ("flag reason", field("flag-reason"), "SYNTHETIC: adult grooming, a meeting has been offered."),
            ("flag", field("flag-submit"), SEND),
        ],
        [
            ("log box -> close the call", _link("Close the call"), "Enter"),
            ("outcome", field("close-outcome"), "ArrowDown"),  # "Referred to the child-protection team..."
            ("rationale", field("close-rationale"), WHY),
            ("ask to close", field("close-submit"), SEND),
        ],
    ):
        page.locator("#note-text").focus()  # each part of the call starts from the log box
        for step, test, then in steps:
            counts[step] = _tab_to(page, test)
            _press(page, then)

    print("\nTab presses, keyboard only, 1366x657:")
    for step, n in counts.items():
        print(f"  {step:<32} {n}")
    assert "Sent to a supervisor" in page.get_by_role("status").first.inner_text()
    assert page.locator("#close-submit").count() == 0
    # No step needs a long walk through the page: the jump links and the task list keep each one short.
    assert max(counts.values()) <= 12, counts


def test_the_call_page_with_new_signs_tasks_and_refusals_has_no_accessibility_problems(
    browser: Any, server: str
) -> None:
    from tests.browser.test_accessibility import AXE, _violations

    assert AXE.exists(), "make assets installs axe-core from npm"
    # axe-core is injected as an inline script: only this checking page bypasses the CSP.
    page = browser.new_context(viewport=DESK, bypass_csp=True).new_page()
    sign_in(page, server, "demo.handler")
    _open_call(page, server)
    page.keyboard.insert_text(NARRATIVE)
    page.locator("#live-panel .heed-new").first.wait_for()
    assert _violations(page) == []  # the panel with new signs marked, and the task list
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    page.locator("#close-outcome").select_option("referred")
    page.locator("#close-rationale").fill(WHY)
    with page.expect_navigation():
        page.locator("#close-submit").click()
    assert page.locator("#close-errors").is_visible()
    assert _violations(page) == []  # the error summary and the message at the form
    page.locator("input[name='agencies'][value='ceop']").check()
    with page.expect_navigation():
        page.locator("#advice-submit").click()
    assert page.locator("#advice-method-error").is_visible()
    assert _violations(page) == []  # a message at a group of radios
