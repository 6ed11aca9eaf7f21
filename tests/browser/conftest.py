"""Browser tests drive Debian's Chromium (Playwright's own download does not work here) against the real
application started the way ``make run`` starts it: ``heed serve --demo`` in a child process, with its own
database (SQLite, or a fresh PostgreSQL database in the PostgreSQL pass) and its own person index.

``sign_in`` signs in as a person does: the password, then for a role that requires a second factor, the
enrolment page the first time (reading the secret it shows, as an authenticator app would, and keeping it for
the session's later sign-ins) or a code from that app after."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from base64 import b32decode
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django_otp.oath import TOTP

from heed.demo import DEMO_PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def database_url() -> Iterator[str | None]:
    url = os.environ.get("HEED_DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield None
        return
    import psycopg

    parts = urlsplit(url)
    name = f"heed_browser_{uuid.uuid4().hex[:10]}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, database_url: str | None) -> Iterator[str]:
    var = tmp_path_factory.mktemp("heed-var")
    port = _free_port()
    env = {**os.environ, "HEED_VAR_DIR": str(var), "HEED_INDEX_DIR": str(var / "index")}
    env.pop("HEED_DATABASE_URL", None)
    if database_url:
        env["HEED_DATABASE_URL"] = database_url
    log = (var / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "heed", "serve", "--demo", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"heed serve exited: {(var / 'server.log').read_text()}")
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as r:  # noqa: S310 - local test server
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"heed serve did not start: {(var / 'server.log').read_text()}")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "browser tests need Debian's chromium (make browser installs it)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page with the app's Content-Security-Policy enforced: anything it blocks fails the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.set_default_timeout(15_000)
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    context.close()
    assert blocked == [], blocked


# Per (server, user name): the authenticator app's key and the last time step a code was taken for (the server
# never takes the same step twice).
_APPS: dict[tuple[str, str], tuple[bytes, int]] = {}


def _app_code(server: str, username: str) -> str:
    key, last = _APPS[(server, username)]
    totp = TOTP(key)
    step = max(totp.t(), last + 1)
    totp.time = step * totp.step + 1
    _APPS[(server, username)] = (key, step)
    return f"{totp.token():06d}"


def second_factor(page: Any, server: str, username: str) -> None:
    """On the enrolment page, set up the app (reading its secret) and pass the recovery codes; on the
    verification page, enter the app's code."""
    if "/mfa/enrol" in page.url:
        secret = page.locator("#mfa-secret").get_attribute("data-secret")
        _APPS[(server, username)] = (b32decode(secret + "=" * (-len(secret) % 8)), -1)
        page.get_by_label("Code").fill(_app_code(server, username))
        page.get_by_role("button", name="Set up").click()
        page.get_by_role("heading", name="Your recovery codes").wait_for()
        page.get_by_role("link", name="I have kept my codes – continue").click()
    elif "/mfa/verify" in page.url:
        page.get_by_label("Code").fill(_app_code(server, username))
        page.get_by_role("button", name="Continue").click()


def sign_in(
    page: Any, server: str, username: str, password: str = DEMO_PASSWORD, landing: str = r"/calls/$"
) -> None:
    """Sign in through the pages, with the second factor where the role requires it; ends on ``landing``."""
    page.goto(server + "/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    second_factor(page, server, username)
    page.wait_for_url(re.compile(landing))


# Answers to the decisive questions that fit the demo narrative, by button label.
DEMO_DECISIVE = {
    "whereabouts_now": "Safe",
    "contact_age": "Adult",
    "asked_for_images": "No",
    "threats": "No",
    "asked_to_meet": "Yes",
}


def demo_call_sent_for_review(browser: Any, server: str, why: str) -> tuple[str, str]:
    """demo.handler takes the demo call, does every required action through the pages (nothing is ticked for
    them) and asks to close it with ``why``: the call's address and reference."""
    from heed.demo import NARRATIVE

    handler = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    sign_in(handler, server, "demo.handler")
    handler.goto(server + "/calls/new")
    handler.get_by_label("Child's name").fill("SAM")
    handler.get_by_label("What the caller says").fill(NARRATIVE.read_text(encoding="utf-8"))
    handler.get_by_role("button", name="Open the call").click()
    handler.wait_for_url(re.compile(r"/calls/\d+/$"))
    url = handler.url
    for qid, answer in DEMO_DECISIVE.items():
        with handler.expect_navigation():
            handler.locator(f"#live-panel [data-decisive='{qid}']").get_by_role(
                "button", name=answer, exact=True
            ).click()
    for key in ("F2", "F3"):  # the person check and the identifier checks
        with handler.expect_navigation():
            handler.keyboard.press(key)
    for agency in ("ceop", "nspcc"):
        handler.locator(f"input[name='agencies'][value='{agency}']").check()
    handler.get_by_label("Read out on the call").check()
    with handler.expect_navigation():
        handler.locator("#advice-submit").click()
    handler.locator("#referral-to").select_option("child_protection_team")
    handler.locator("#referral-reason").fill(why)
    with handler.expect_navigation():
        handler.locator("#referral-submit").click()
    handler.locator("#flag-reason").fill("SYNTHETIC: adult grooming, a meeting has been offered")
    with handler.expect_navigation():
        handler.locator("#flag-submit").click()
    handler.locator("#close-outcome").select_option("referred")
    handler.locator("#close-rationale").fill(why)
    with handler.expect_navigation():
        handler.locator("#close-submit").click()
    assert "Sent to a supervisor" in handler.get_by_role("status").first.inner_text()
    assert handler.locator("#close-submit").count() == 0  # with a supervisor now
    reference = str(handler.locator(".heed-call-ref").inner_text().split()[1])
    handler.context.close()
    return url, reference
