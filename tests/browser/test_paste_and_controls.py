"""Issue 10 in the browser at 1366x657 (a contact-centre window less the browser's bars): a 2 MB paste into
the log box is kept, the panel says the draft was not saved and why, and "Add to log" refuses it at the field
keeping the text; a failed save (network, server error) is said in the panel; a right-to-left override
pasted before a phone number is shown as a mark, the number reads in order on screen, and nobody is named
after it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.pg

RLO = "\u202e"
PDF = "\u202c"
PASTE = "SYNTHETIC pasted chat log. " * 74_075  # 2,000,025 characters


@pytest.fixture
def small(browser: Any) -> Iterator[Any]:
    """A page at 1366x657 with the app's Content-Security-Policy enforced (as conftest's ``page``)."""
    context = browser.new_context(viewport={"width": 1366, "height": 657})
    page = context.new_page()
    page.set_default_timeout(20_000)
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    context.close()
    assert blocked == [], blocked


def _new_call(page: Any, server: str) -> None:
    sign_in(page, server, "demo.handler")
    page.get_by_role("link", name="Take a new call").first.click()
    page.get_by_label("Child's name").fill("SAM")
    page.get_by_role("button", name="Open the call").click()
    page.wait_for_url(re.compile(r"/calls/\d+/$"))


def test_a_2mb_paste_is_kept_and_refused_in_words_in_the_panel_and_at_the_field(
    small: Any, server: str
) -> None:
    page = small
    _new_call(page, server)
    url = page.url
    sent: list[tuple[str, int]] = []
    page.on(
        "request",
        lambda r: sent.append((r.url, len(r.post_data_buffer or b""))) if r.method == "POST" else None,
    )
    box = page.get_by_label("Add to the log")
    box.fill(PASTE)

    alert = page.locator("#live-panel #draft-error[role='alert']")
    alert.filter(has_text="Draft not saved").wait_for()
    said = alert.inner_text()
    assert (
        "what you are typing is too long (2,000,025 characters; the limit for one log entry is 50,000)"
        in said
    )
    assert "What you typed is still in the box; it is not in the log." in said
    assert alert.is_visible() and alert.bounding_box()["y"] < 657  # in view without scrolling
    assert page.locator("#draft-saved").count() == 0
    assert len(box.input_value()) == len(PASTE)

    page.get_by_role("button", name="Add to log").click()
    error = page.locator("#note-text-error")
    error.wait_for()
    assert error.text_content() == (
        "Error: The log entry is 2,000,025 characters long; the limit is 50,000. Nothing was added to the "
        "log: shorten it, or add it in parts. What you typed is still in the box; it is not in the log."
    )
    assert error.get_attribute("role") == "alert"
    assert "note-text-error" in (box.get_attribute("aria-describedby") or "")
    assert page.evaluate("document.activeElement.id") == "note-text"
    assert page.url == url
    assert len(box.input_value()) == len(PASTE)
    assert [u for u, _ in sent if u.endswith(("/draft", "/notes"))] == []  # nothing was sent

    # Shortened to what fits, the error at the field goes and the draft is saved again.
    with page.expect_response(lambda r: r.url.endswith("/draft") and r.status == 200):
        box.fill("SYNTHETIC. He told her to keep it a secret.")
    assert page.locator("#note-text-error").count() == 0
    page.locator("#draft-saved").wait_for()
    assert alert.inner_text() == ""


def test_a_draft_save_that_fails_is_said_in_the_panel(small: Any, server: str) -> None:
    page = small
    _new_call(page, server)
    box = page.get_by_label("Add to the log")
    with page.expect_response(lambda r: r.url.endswith("/draft") and r.status == 200):
        box.fill("SYNTHETIC. Mum is worried.")
    page.locator("#draft-saved").wait_for()

    page.route("**/draft", lambda route: route.abort("internetdisconnected"))
    box.fill("SYNTHETIC. Mum is worried. He asked her to meet him.")
    alert = page.locator("#draft-error")
    alert.filter(has_text="could not be reached").wait_for()
    assert "Draft not saved: the server could not be reached." in alert.inner_text()
    assert page.locator("#draft-saved").count() == 0

    page.unroute("**/draft")
    page.route("**/draft", lambda route: route.fulfill(status=400, body="Bad Request"))
    box.fill("SYNTHETIC. Mum is worried. He asked her to meet him at the park.")
    alert.filter(has_text="error 400").wait_for()
    assert "Draft not saved: the server refused it (error 400)." in alert.inner_text()
    assert box.input_value() == "SYNTHETIC. Mum is worried. He asked her to meet him at the park."

    # A 413 from the server (heed.web.body_limit) is said with the server's own words.
    page.unroute("**/draft")
    page.route(
        "**/draft",
        lambda route: route.fulfill(status=413, body="<p data-heed-message>What was sent is 3.0 MB.</p>"),
    )
    box.fill("SYNTHETIC. Mum is worried. He asked her to meet him at the park today.")
    alert.filter(has_text="too large").wait_for()
    assert alert.text_content() == (
        "Error: Draft not saved: the text is too large to send. What was sent is 3.0 MB. What you typed is "
        "still in the box; it is not in the log."
    )


LEFT_OF = """([selector, digits]) => {
  // Where the first and last of ``digits`` are drawn: left to right when the number reads in order.
  const root = document.querySelector(selector);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const at = node.data.indexOf(digits);
    if (at < 0) continue;
    const x = (i) => { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
                       return r.getBoundingClientRect().left; };
    return x(at) < x(at + digits.length - 1);
  }
  return null;
}"""


def test_a_right_to_left_override_is_a_mark_and_the_number_reads_in_order(small: Any, server: str) -> None:
    page = small
    _new_call(page, server)
    note = f"SYNTHETIC. A man of 30 told Sam, 13, to keep it a secret and ring 07700{RLO}900123{PDF} tonight."
    box = page.get_by_label("Add to the log")
    with page.expect_response(lambda r: r.url.endswith("/draft") and r.status == 200):
        box.fill(note)
    # The preview of the draft already shows the marks.
    page.locator("#draft-preview .heed-control").first.wait_for()
    assert page.locator("#draft-preview .heed-control").all_inner_texts() == ["[RLO]", "[PDF]"]
    with page.expect_navigation():
        page.get_by_role("button", name="Add to log").click()

    log = page.locator(".heed-log")
    marks = log.locator(".heed-control")
    assert marks.all_inner_texts() == ["[RLO]", "[PDF]"]
    assert marks.first.locator("abbr").get_attribute("title") == (
        "Invisible character, kept as typed: right-to-left override, U+202E"
    )
    assert RLO not in log.inner_text() and "07700[RLO]900123[PDF] tonight" in log.inner_text()
    assert page.evaluate(LEFT_OF, [".heed-log", "900123"]) is True
    # The measure can tell: the same text with the override left to act is drawn reversed.
    page.evaluate(
        "t => { const d = document.createElement('div'); d.id = 'raw'; d.textContent = t;"
        " document.body.appendChild(d); }",
        f"ring 07700{RLO}900123{PDF} tonight",
    )
    assert page.evaluate(LEFT_OF, ["#raw", "900123"]) is False

    named = page.locator("#live-panel .heed-subjects li").all_inner_texts()
    assert any("07700 900123" in n for n in named), named
    assert not [n for n in named if re.search(r"\b(RTL|RLO|PDF)\b", n)], named
    persons = [n for n in named if n.startswith("person")]
    assert persons and all("Sam" in p for p in persons), named
