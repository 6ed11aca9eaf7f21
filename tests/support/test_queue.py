"""What is overdue and what comes first (support.selectors.queue_items, calls.selectors overdue_for_handler,
returned_first, return_notice) and the pages that show them: the supervisor's queue, the handler's list of
calls and the returned call's banner. Time is moved by pinning ``timezone.now``, never by sleeping."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone
from tests.closing import WHY, do_everything
from tests.conftest import sign_in

from heed.calls import services
from heed.calls.models import Call, Reminder, RequiredAction
from heed.calls.selectors import overdue_for_handler, return_notice, returned_first, returned_to
from heed.calls.tasks import reminder_raise
from heed.support import services as support
from heed.support.models import Referral
from heed.support.selectors import queue_items

pytestmark = pytest.mark.django_db
RETURN_WHY = "SYNTHETIC: ask where the child is now and record the answer before closing."
NDM = {
    "information": "SYNTHETIC: where the child is now was not asked.",
    "decision": "SYNTHETIC: ask, then resend.",
}
STANDARD = "SYNTHETIC. Mum worried about screen time; her son plays Minecraft with school friends."


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def overdue_codes(user: Any) -> list[tuple[str, str]]:
    return [(a.call.reference, a.code) for a in queue_items(user)["overdue_actions"]]


def returned_call(make_call: Any, cast: dict[str, Any], **ndm: str) -> Call:
    """A demo call done, sent for review, and returned to its handler by the supervisor."""
    call = make_call()
    do_everything(call, cast)
    call = services.closure_request(actor=cast["handler"], call=call, outcome="referred", rationale=WHY)
    return services.review_decide(
        actor=cast["supervisor"], call=call, decision="return", rationale=RETURN_WHY, ndm=ndm or None
    )


# ----------------------------------------------------------------------------------------------- overdue


def test_a_call_just_opened_is_overdue_for_nothing(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call()
    assert RequiredAction.objects.filter(call=call, code="specialist_advice", due_at__isnull=True).exists()
    assert overdue_codes(cast["supervisor"]) == []
    assert overdue_for_handler(cast["handler"]) == []


def test_work_is_overdue_only_once_its_time_has_passed_and_advice_never_while_the_call_is_live(
    make_call: Any, cast: dict[str, Any]
) -> None:
    call = make_call()
    opened = RequiredAction.objects.get(call=call, code="person_check").created_at
    with at(opened + timedelta(minutes=14)):
        assert overdue_codes(cast["supervisor"]) == []
        assert overdue_for_handler(cast["handler"]) == []
    with at(opened + timedelta(minutes=16)):
        assert set(overdue_codes(cast["supervisor"])) == {
            (call.reference, "person_check"),
            (call.reference, "identifier_check"),
        }
        assert {a.code for a in overdue_for_handler(cast["handler"])} == {"person_check", "identifier_check"}
        assert overdue_for_handler(cast["handler2"]) == []  # only on the calls they took
    with at(opened + timedelta(hours=20)):
        codes = {c for _, c in overdue_codes(cast["supervisor"])}
    assert codes == {"person_check", "identifier_check", "vulnerability_flag"}  # advice: due at closing


def test_overdue_actions_come_highest_risk_first_then_longest_overdue(
    make_call: Any, cast: dict[str, Any]
) -> None:
    high = make_call()
    medium = make_call(
        "SYNTHETIC. A man of 30 keeps messaging my 14 year old on Snapchat and sends her gifts."
    )
    assert (high.risk, medium.risk) == ("high", "medium")
    now = timezone.now()
    # The medium call's referral is the longer overdue; the high call's work still comes first.
    RequiredAction.objects.filter(call=medium, code="safeguarding_referral").update(
        due_at=now - timedelta(hours=3)
    )
    RequiredAction.objects.filter(call=high, code="person_check").update(due_at=now - timedelta(minutes=2))
    RequiredAction.objects.filter(call=high, code="identifier_check").update(due_at=now - timedelta(hours=1))
    RequiredAction.objects.filter(call=high, code="vulnerability_flag").update(
        due_at=now + timedelta(hours=1)
    )
    assert overdue_codes(cast["supervisor"]) == [
        (high.reference, "identifier_check"),
        (high.reference, "person_check"),
        (medium.reference, "safeguarding_referral"),
    ]


def test_a_review_is_overdue_by_the_packs_time_from_the_close_request(
    make_call: Any, cast: dict[str, Any]
) -> None:
    first, second = make_call(), make_call()
    for call in (first, second):
        do_everything(call, cast)
    first = services.closure_request(actor=cast["handler"], call=first, outcome="referred", rationale=WHY)
    asked = timezone.now()
    with at(asked + timedelta(minutes=90)):
        services.closure_request(actor=cast["handler"], call=second, outcome="referred", rationale=WHY)
    with at(asked + timedelta(minutes=119)):
        reviews = queue_items(cast["supervisor"])["awaiting_reviews"]
        assert [(r.call.pk, r.overdue) for r in reviews] == [(first.pk, False), (second.pk, False)]
    with at(asked + timedelta(minutes=121)):  # high risk: reviewed within 2 hours of the request
        reviews = queue_items(cast["supervisor"])["awaiting_reviews"]
        assert [(r.call.pk, r.overdue) for r in reviews] == [(first.pk, True), (second.pk, False)]
        assert reviews[0].due_at is not None and reviews[0].due_at - reviews[0].requested_at == timedelta(
            hours=2
        )
        # The review is not also an overdue action: it has no clock while the call is live.
        assert overdue_codes(cast["supervisor"]) == []


def test_the_queue_counts_only_reminders_for_work_still_to_do(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call()
    support.referral_make(actor=cast["handler"], call=call, to="mash", reason=WHY)
    referral = Referral.objects.get(call=call)
    check = RequiredAction.objects.get(call=call, code="person_check")
    assert referral.due_at is not None and check.due_at is not None
    with at(max(referral.due_at, check.due_at) + timedelta(minutes=1)):
        assert reminder_raise(kind="referral", object_id=referral.pk).startswith("reminder raised")
        assert reminder_raise(kind="action", object_id=check.pk).startswith("reminder raised")
    assert queue_items(cast["supervisor"])["reminders"] == 2
    support.referral_update(actor=cast["safeguarding"], referral=referral, status="accepted")
    assert queue_items(cast["supervisor"])["reminders"] == 1
    services.person_check_run(actor=cast["handler"], call=call, query={"given_name": "Kai"}, subject="Kai")
    assert queue_items(cast["supervisor"])["reminders"] == 0
    assert Reminder.objects.filter(call=call, cleared_at__isnull=False).count() == 2  # kept, not deleted


# ----------------------------------------------------------------------------------------------- returned


def test_a_returned_call_carries_the_supervisors_reason_until_a_new_close_request_moves_it_on(
    make_call: Any, cast: dict[str, Any]
) -> None:
    call = returned_call(make_call, cast, **NDM)
    notice = return_notice(call)
    assert notice is not None
    assert (notice.by, notice.reason) == (cast["supervisor"].username, RETURN_WHY)
    assert notice.ndm == [("Information", NDM["information"]), ("Decision and review", NDM["decision"])]
    # A refused request (rationale too short) is not acting on it: the call stays returned, the notice stays.
    with pytest.raises(services.CallError):
        services.closure_request(actor=cast["handler"], call=call, outcome="referred", rationale="short")
    call.refresh_from_db()
    assert return_notice(call) is not None
    call = services.closure_request(actor=cast["handler"], call=call, outcome="referred", rationale=WHY)
    assert call.status == "awaiting_review" and return_notice(call) is None


def test_returned_calls_come_first_on_the_list_and_the_queue_with_their_reason(
    make_call: Any, cast: dict[str, Any]
) -> None:
    older = returned_call(make_call, cast)
    newer = make_call(STANDARD)  # opened after: newest, but not returned
    queue = queue_items(cast["supervisor"])
    assert [c.pk for c in queue["returned"]] == [older.pk]
    assert queue["returned"][0].returned_reason == RETURN_WHY
    listed = list(returned_first(Call.objects.restrict(cast["handler"])))
    assert [c.pk for c in listed] == [older.pk, newer.pk]
    assert listed[0].returned_by == cast["supervisor"].username and listed[1].returned_reason is None
    assert [c.pk for c in returned_to(cast["handler"])] == [older.pk]
    assert returned_to(cast["handler2"]) == []  # returned to the handler who took it


# ----------------------------------------------------------------------------------------------- pages


def client_for(user: Any) -> Client:
    return sign_in(Client(), user)


def test_the_call_page_opens_with_the_returned_banner(make_call: Any, cast: dict[str, Any]) -> None:
    call = returned_call(make_call, cast, **NDM)
    page = client_for(cast["handler"]).get(f"/calls/{call.pk}/").content.decode()
    main = page[page.index('id="main-content"') :]
    banner = main[main.index("data-returned") :]
    # The banner is the first thing in the page's content (before the call's heading), and says who, why.
    assert main.index("data-returned") < main.index("heed-call-head")
    assert "govuk-notification-banner--success" not in main[: main.index("heed-call-head")]
    banner = banner[: banner.index("</div>\n</div>")]
    assert cast["supervisor"].username in banner and RETURN_WHY in banner
    assert NDM["information"] in banner and NDM["decision"] in banner
    assert 'href="#close"' in banner
    open_call = make_call()
    page = client_for(cast["handler"]).get(f"/calls/{open_call.pk}/").content.decode()
    main = page[page.index('id="main-content"') :]
    assert "data-returned" not in main
    assert "return_notice" not in main  # the partial adds nothing (not even its comment) to another call


def test_the_handlers_list_marks_returned_calls_first_with_the_reason(
    make_call: Any, cast: dict[str, Any]
) -> None:
    returned = returned_call(make_call, cast)
    newer = make_call(STANDARD)
    page = client_for(cast["handler"]).get("/calls/").content.decode()
    assert "Returned to you" in page
    rows = page[page.index("<tbody") :]
    assert rows.index(f'data-call="{returned.reference}" data-returned') < rows.index(
        f'data-call="{newer.reference}"'
    )
    assert RETURN_WHY in rows[: rows.index(f'data-call="{newer.reference}"')]
    other = client_for(cast["handler2"]).get("/calls/").content.decode()
    assert "Returned to you" not in other


def test_the_queue_shows_returned_calls_first_and_nothing_overdue_for_a_new_call(
    make_call: Any, cast: dict[str, Any]
) -> None:
    returned = returned_call(make_call, cast)
    make_call()
    page = client_for(cast["supervisor"]).get("/queue").content.decode()
    assert page.index('id="returned"') < page.index('id="awaiting"') < page.index('id="overdue-actions"')
    section = page[page.index('id="returned"') : page.index('id="awaiting"')]
    assert f'data-queue-call="{returned.reference}"' in section and RETURN_WHY in section
    assert "Overdue actions (0)" in page


def test_the_handlers_overdue_banner_shows_only_work_past_its_time(
    make_call: Any, cast: dict[str, Any]
) -> None:
    call = make_call()
    client = client_for(cast["handler"])
    assert "Overdue on your calls" not in client.get("/calls/").content.decode()
    RequiredAction.objects.filter(call=call, code="person_check").update(
        due_at=timezone.now() - timedelta(minutes=1)
    )
    page = client.get("/calls/").content.decode()
    banner = page[page.index("Overdue on your calls") :]
    banner = banner[: banner.index("</ul>")]
    assert "Check the named person" in banner and call.reference in banner
    assert "Tell the caller" not in banner and "identifier" not in banner
