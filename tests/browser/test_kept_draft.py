"""Under the Content-Security-Policy (no eval), a draft kept from before is still sent for assessment when the
call page loads: htmx's eval-based trigger filter was replaced by an event that heed.js fires."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

import pytest
from tests.browser.test_handler_flow import _sign_in

pytestmark = pytest.mark.pg


def test_a_kept_draft_is_assessed_again_when_the_page_loads(page: Any, server: str) -> None:
    _sign_in(page, server, "demo.handler")
    page.get_by_role("link", name="Take a new call").first.click()
    page.get_by_role("button", name="Open the call").click()
    page.wait_for_url(re.compile(r"/calls/\d+/$"))
    with page.expect_response(lambda r: r.url.endswith("/draft") and r.status == 200):
        page.get_by_label("Add to the log").fill("SYNTHETIC: he is 30 and told her to keep it a secret.")
    with page.expect_response(lambda r: r.url.endswith("/draft") and r.status == 200) as restored:
        page.reload()
    assert "keep it a secret" in unquote(restored.value.request.post_data)
    page.locator("#live-panel [data-indicator='secrecy']").wait_for()
