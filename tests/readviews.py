"""A call with one of every kind of record, for the read-only record and timeline tests: the log, answers,
checks, advice, a referral, a flag, a risk decision, then asked to close, returned with NDM notes, asked again
(SYNTHETIC throughout)."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from heed.calls import services
from tests.closing import WHY, do_everything

NDM_INFORMATION = "SYNTHETIC: Kai's record has a warning marker; the phone is not linked."
NDM_DECISION = "SYNTHETIC: returned so the handler records the child's school."
RISK_WHY = "SYNTHETIC: the child is safe at home tonight and the meeting is weeks away."


def call_with_records(make_call: Any, cast: dict[str, Any], *, second_request: bool = True) -> Any:
    call = make_call()
    do_everything(call, cast)
    call.refresh_from_db()
    services.risk_set(
        actor=cast["supervisor2"], call=call, risk="medium", rationale=RISK_WHY, expected_version=call.version
    )
    call.refresh_from_db()
    services.closure_request(
        actor=cast["handler"], call=call, outcome="referred", rationale=WHY, expected_version=call.version
    )
    call.refresh_from_db()
    services.review_decide(
        actor=cast["supervisor"],
        call=call,
        decision="return",
        rationale=WHY,
        ndm={"information": NDM_INFORMATION, "decision": NDM_DECISION},
        expected_version=call.version,
    )
    if second_request:
        call.refresh_from_db()
        services.closure_request(
            actor=cast["handler"], call=call, outcome="referred", rationale=WHY, expected_version=call.version
        )
    call.refresh_from_db()
    return call


def main_of(body: str) -> str:
    """The page's main content (the header's sign-out form is not part of the call)."""
    match = re.search(r"<main\b.*?</main>", body, re.S)
    assert match is not None, "the page has a <main>"
    return match.group(0)


def record_column(main: str) -> str:
    """The call page's left-hand column (the record, or the handler's forms), without the live panel."""
    start, end = main.index('<div class="heed-call__notes">'), main.index('<aside class="heed-call__panel"')
    return main[start:end]


def visible_text(html: str) -> str:
    """What a reader sees: tags and attributes removed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


CONTROLS = re.compile(r"<(input|select|textarea|button)\b", re.I)
