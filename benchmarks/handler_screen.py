"""What a handler sees on the call page at a contact-centre desktop size (Chromium, 1366×657 inner window).

Starts ``heed serve --demo`` with its own SYNTHETIC data, signs in as the demo handler, opens a call, types
the demo narrative into the log box and prints:

- the page's and the live panel's heights, and how many of the danger signs found are in view without
  scrolling while the handler types;
- the Tab presses from the log box to "Add to log", to the first task in the panel and to "Ask to close";
- where focus is after adding to the log and after an early "Ask to close" (which the guard refuses);

and saves screenshots (``--shots DIR``: the page while typing, after adding to the log, and the refused
close).

    python benchmarks/handler_screen.py [--shots docs/screens/after]
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]  # fmt: skip
VIEWPORT = {"width": 1366, "height": 657}
NARRATIVE = (Path(__file__).resolve().parents[1] / "src" / "heed" / "demo" / "narrative.txt").read_text()


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(var: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _port()
    env = dict(os.environ)
    log = (var / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "heed", "serve", "--demo", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):  # noqa: S310 - local server
                return proc, base
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit(f"heed serve did not start: {(var / 'server.log').read_text()}")


def tabs_until(page: Any, start: str, target: str, limit: int = 200) -> int | None:
    """Tab presses from the element ``start`` until focus is on ``target`` (CSS selectors), or None."""
    page.locator(start).focus()
    for n in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("(sel) => document.activeElement === document.querySelector(sel)", target):
            return n
    return None


def in_view(page: Any, selector: str) -> tuple[int, int]:
    """How many elements match ``selector``, and how many of them are wholly in the viewport."""
    return tuple(  # type: ignore[return-value]
        page.evaluate(
            """(sel) => { const all = [...document.querySelectorAll(sel)];
                 const seen = all.filter(e => { const r = e.getBoundingClientRect();
                   return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; });
                 return [all.length, seen.length]; }""",
            selector,
        )
    )


def focused(page: Any) -> str:
    return str(
        page.evaluate(
            "() => { const e = document.activeElement;"
            " return e ? (e.id ? '#' + e.id : e.tagName.toLowerCase()) : '-'; }"
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--shots", type=Path, default=None, help="directory for screenshots")
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="heed-screen-"))
    os.environ.update({"HEED_VAR_DIR": str(var), "HEED_INDEX_DIR": str(var / "index")})
    os.environ.pop("HEED_DATABASE_URL", None)
    from playwright.sync_api import sync_playwright

    from heed.config import setup_django

    setup_django()
    from heed.demo import DEMO_PASSWORD

    proc, base = _serve(var)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_context(viewport=VIEWPORT).new_page()
            page.set_default_timeout(20_000)
            page.goto(base + "/login")
            page.get_by_label("User name").fill("demo.handler")
            page.get_by_label("Password").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(re.compile(r"/calls/$"))
            page.goto(base + "/calls/new")
            new_call_focus = focused(page)
            page.get_by_label("Child's name").fill("SAM")
            page.get_by_label("Child's age").fill("14")
            page.get_by_role("button", name="Open the call").click()
            page.wait_for_url(re.compile(r"/calls/\d+/"))
            box = page.locator("#note-text")
            box.fill(NARRATIVE)
            page.locator("#live-panel [data-indicator='age_gap']").wait_for()
            page.wait_for_timeout(300)  # let the swap settle before measuring (a measurement, not a test)
            signs_total, signs_seen = in_view(page, "#live-panel [data-indicator]")
            figures: dict[str, Any] = {
                "new-call page focus": new_call_focus,
                "page height (px)": page.evaluate("document.documentElement.scrollHeight"),
                "panel height (px)": page.evaluate("document.querySelector('#live-panel').scrollHeight"),
                "danger signs found / in view while typing": f"{signs_total} / {signs_seen}",
            }
            if args.shots:
                args.shots.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(args.shots / "1-typing.png"))
            figures["Tabs: log box -> Add to log"] = tabs_until(page, "#note-text", "#note-submit")
            with page.expect_navigation():
                box.press("Control+Enter")
            page.wait_for_load_state("load")
            figures["focus after adding to the log"] = focused(page)
            figures["page height after adding (px)"] = page.evaluate("document.documentElement.scrollHeight")
            figures["Tabs: log box -> first task in the panel"] = tabs_until(
                page, "#note-text", "#live-panel a[href^='#'], #live-panel .heed-task a"
            )
            figures["Tabs: log box -> Ask to close"] = tabs_until(page, "#note-text", "#close-submit")
            jump = page.locator("a[href='#close']")
            if jump.count():  # the "Go to" row under the log box (issue 10); absent on earlier versions
                figures["Tabs: log box -> 'Close the call' link"] = tabs_until(
                    page, "#note-text", "#jump-close"
                )
            if args.shots:
                page.screenshot(path=str(args.shots / "2-added.png"))
            page.locator("#close-outcome").select_option("advice_given")
            page.locator("#close-rationale").fill("SYNTHETIC: caller reassured and given advice.")
            with page.expect_navigation():
                page.locator("#close-submit").click()
            page.wait_for_load_state("load")
            figures["focus after a refused close"] = focused(page)
            _, summary_seen = in_view(page, ".govuk-error-summary")
            figures["error summary in view after a refused close"] = bool(summary_seen)
            if args.shots:
                page.screenshot(path=str(args.shots / "3-refused-close.png"))
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
