"""The Content-Security-Policy: on every page, with no inline script or style allowed, and no page or template
that needs either (GOV.UK Frontend's start-up and htmx's settings come from static files)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from tests.conftest import sign_in
from tests.test_permissions import PAGES, WHY

SRC = Path(__file__).resolve().parents[2] / "src" / "heed"
# Rendered to PDF by WeasyPrint on the server, never served to a browser: its <style> is not under the CSP.
PDF_TEMPLATES = {"support/templates/support/advice_sheet.html"}


class InlineFinder(HTMLParser):
    """Collects what a strict CSP would block: script elements with a body or without src, event-handler
    attributes, style attributes and style elements, javascript: links."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script":
            self._in_script = True
            if not names.get("src"):
                self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name == "style":
                self.found.append(f"<{tag} style=…>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.found.append("inline script text")


def inline_in(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


def test_the_finder_finds_what_it_looks_for() -> None:
    bad = (
        '<script>alert(1)</script><button onclick="x()">b</button><p style="color:red">p</p>'
        '<style>p{}</style><a href="javascript:void(0)">a</a><script src="/s.js"></script>'
    )
    assert len(inline_in(bad)) == 6
    assert inline_in('<script src="/static/x.js"></script><p class="a">ok</p>') == []


def _policy(response: Any) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
def test_the_policy_forbids_inline_script_style_and_framing(cast: dict[str, Any]) -> None:
    response = Client().get("/login")
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona", ["handler", "supervisor", "safeguarding", "auditor", "admin", "national", "owner"]
)
def test_every_page_has_the_policy_and_no_inline_script(
    persona: str, cast: dict[str, Any], make_call: Any, ids: Any
) -> None:
    """Every page of the permission matrix a persona may see, the live panel, and the pages around them."""
    from heed.support.services import referral_make

    call = make_call()
    rid = referral_make(actor=cast["handler2"], call=call, to="child_protection_team", reason=WHY).pk
    client = sign_in(Client(), cast[persona])
    uid = cast["supervisor2"].pk
    pages = [
        p.format_map(ids.with_(id=call.pk, rid=rid, uid=uid))
        for _, m, p, _, who, _ in PAGES
        if m == "get" and persona in who
    ]
    pages += ["/", "/calls/999999/"]  # home, and the 404 page
    pages += ["/mfa/enrol", "/mfa/recovery-codes"]  # the QR code (a handler), recovery codes (the others)
    responses = [(path, client.get(path, follow=True)) for path in pages]
    if persona in ("handler", "supervisor"):
        responses.append(("draft", client.post(f"/calls/{call.pk}/draft", {"text": "He asked for pics"})))
    responses.append(("login", Client().get("/login")))
    checked = 0
    for path, response in responses:
        assert response.has_header("Content-Security-Policy"), path
        if response["Content-Type"].startswith("text/html"):
            assert inline_in(response.content.decode()) == [], path
            checked += 1
    assert checked >= 3


TEMPLATE_DIRS = sorted(SRC.glob("*/templates"))


SERVED = [
    p
    for d in TEMPLATE_DIRS
    for p in sorted(d.rglob("*.html"))
    if str(p.relative_to(SRC)) not in PDF_TEMPLATES
]


def test_the_templates_are_found() -> None:
    assert len(SERVED) >= 20 and any(p.name == "base.html" for p in SERVED)


@pytest.mark.parametrize("template", SERVED, ids=lambda p: str(p.relative_to(SRC)))
def test_no_template_has_inline_script_or_style(template: Path) -> None:
    assert inline_in(template.read_text(encoding="utf-8")) == []
