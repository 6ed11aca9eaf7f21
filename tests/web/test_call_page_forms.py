"""Issue 10 on the call page, through the Django test client: errors the GOV.UK way (a summary at the
refused form linking to the fields, the message at the field, what was chosen kept), nothing pre-ticked that
records a fact, the review form never carrying one decision into another, and the tasks before closure as a
task list."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from tests.closing import WHY, do_everything
from tests.conftest import sign_in

from heed.audit.models import AuditEvent
from heed.calls import services

pytestmark = pytest.mark.django_db


def _page(client: Client, call: Any) -> str:
    return client.get(f"/calls/{call.pk}/").content.decode()


def _tag(page: str, element_id: str) -> str:
    """The opening tag of the element with ``element_id``."""
    match = re.search(rf'<[a-z]+ [^>]*id="{re.escape(element_id)}"[^>]*>', page)
    assert match is not None, element_id
    return match.group(0)


def _summary(page: str, form: str) -> str:
    start = page.index(f'id="{form}-errors"')
    return page[start : page.index("</ul>", start)]


def test_an_early_close_shows_a_summary_at_the_form_linking_each_task_and_keeps_the_choice(
    handler_client: Client, make_call: Any
) -> None:
    call = make_call()
    response = handler_client.post(
        f"/calls/{call.pk}/close", {"outcome": "referred", "rationale": WHY, "version": call.version}
    )
    assert response["Location"].endswith("#close-errors")
    page = _page(handler_client, call)
    summary = _summary(page, "close")
    assert "cannot close while required actions are outstanding" in summary
    assert '<a href="#checks">Still to do: Check the named person</a>' in summary
    assert '<a href="#decisive-questions">Still to do: Ask the decisive questions</a>' in summary
    assert '<a href="#referral">Still to do: Make a safeguarding referral</a>' in summary
    # The summary sits with the close form, not in a banner at the top of the page.
    assert page.index('id="close"') < page.index('id="close-errors"') < page.index('id="close-form"')
    assert page.count("govuk-notification-banner") == 0
    # The message at the form, and what the handler chose and typed, kept.
    assert 'id="close-form-error"' in page
    assert '<option value="referred" selected>' in page
    assert WHY in page[page.index('id="close-rationale"') :]
    # Shown once: the next visit is clean.
    assert 'id="close-errors"' not in _page(handler_client, call)


def test_a_close_with_no_outcome_is_refused_at_the_outcome_field(
    handler_client: Client, make_call: Any
) -> None:
    call = make_call()
    assert "selected" not in _tag(_page(handler_client, call), "close-outcome")
    fresh = _page(handler_client, call)
    close_form = fresh[
        fresh.index('id="close-form"') : fresh.index("</form>", fresh.index('id="close-form"'))
    ]
    assert '<option value="">Choose the outcome</option>' in close_form and " selected" not in close_form
    handler_client.post(f"/calls/{call.pk}/close", {"outcome": "", "rationale": WHY, "version": call.version})
    page = _page(handler_client, call)
    assert '<a href="#close-outcome">Choose the outcome of the call.</a>' in _summary(page, "close")
    error = page.index('id="close-outcome-error"')
    assert error < page.index('id="close-outcome"') and "govuk-select--error" in _tag(page, "close-outcome")


def test_a_handler_lowering_the_risk_is_told_at_the_field_and_the_chosen_risk_is_kept(
    handler_client: Client, make_call: Any
) -> None:
    call = make_call()
    assert call.risk == "high"
    handler_client.post(
        f"/calls/{call.pk}/risk", {"risk": "standard", "rationale": WHY, "version": call.version}
    )
    page = _page(handler_client, call)
    assert '<a href="#risk-risk">Only a supervisor can set the risk lower' in _summary(page, "risk")
    assert "Only a supervisor" in page[page.index('id="risk-risk-error"') :][:300]
    select = page[page.index('id="risk-risk"') : page.index("</select>", page.index('id="risk-risk"'))]
    assert '<option value="standard" selected>' in select and '<option value="high" selected>' not in select
    assert WHY in page[page.index('id="risk-rationale"') :]


def test_not_applicable_without_a_reason_is_refused_at_the_reason(
    handler_client: Client, make_call: Any
) -> None:
    call = make_call()
    response = handler_client.post(
        f"/calls/{call.pk}/actions/person_check", {"reason": "", "version": call.version}
    )
    assert response["Location"].endswith("#na-person_check-errors")
    page = _page(handler_client, call)
    summary = _summary(page, "na-person_check")
    assert '<a href="#na-person_check-reason">' in summary
    assert 'id="na-person_check-reason-error"' in page
    task = page[page.index('data-action="person_check"') :]
    assert '<details class="govuk-details heed-details heed-na" open>' in task[:3000]


def test_nothing_that_records_a_fact_is_ticked_or_chosen_for_the_handler(
    handler_client: Client, make_call: Any
) -> None:
    page = _page(handler_client, make_call())
    advice = page[page.index('id="advice-form"') : page.index("</form>", page.index('id="advice-form"'))]
    assert advice.count('name="agencies"') >= 2  # CEOP and NSPCC at least, both required
    assert "Required" in advice
    assert " checked" not in advice
    referral = page[page.index('id="referral-to"') : page.index("</select>", page.index('id="referral-to"'))]
    assert " selected" not in referral


def test_refused_advice_keeps_every_ticked_agency_and_says_what_is_missing_at_the_field(
    handler_client: Client, make_call: Any
) -> None:
    call = make_call()
    handler_client.post(
        f"/calls/{call.pk}/advice", {"agencies": ["ceop", "nspcc"], "evidence_advice": "1", "method": ""}
    )
    page = _page(handler_client, call)
    assert '<a href="#advice-method">Choose how the caller was given the advice' in _summary(page, "advice")
    assert 'id="advice-method-error"' in page
    advice = page[page.index('id="advice-form"') : page.index("</form>", page.index('id="advice-form"'))]
    assert re.search(r'value="ceop" checked', advice) and re.search(r'value="nspcc" checked', advice)
    assert 'id="evidence-advice" name="evidence_advice" type="checkbox" value="1" checked' in advice
    assert 'name="method" type="radio" value="read_out" checked' not in advice


def test_a_refused_review_comes_back_empty_of_decisions_and_return_never_records_approve(
    make_call: Any, cast: dict[str, Any]
) -> None:
    call = make_call()
    do_everything(call, cast)
    call = services.closure_request(actor=cast["handler"], call=call, outcome="referred", rationale=WHY)
    client = Client()
    sign_in(client, cast["supervisor"])
    # Approve with no rationale: refused at the rationale.
    client.post(f"/calls/{call.pk}/review", {"decision": "approve", "rationale": "", "version": call.version})
    page = _page(client, call)
    assert '<a href="#review-rationale">' in _summary(page, "review")
    form = page[page.index('id="review-form"') : page.index("</form>", page.index('id="review-form"'))]
    # No stage of the National Decision Model is filled with the button's value ("approve").
    assert "approve</textarea>" not in form
    for stage in ("information", "decision"):
        textarea = form[form.index(f'id="review-ndm_{stage}"') :]
        assert textarea[textarea.index(">") + 1 :].startswith("</textarea>")
    # The supervisor writes the decision stage and returns the call: the audit holds what was written.
    client.post(
        f"/calls/{call.pk}/review",
        {
            "decision": "return",
            "ndm_decision": "SYNTHETIC: return; ask about the meeting.",
            "version": call.version,
        },
    )
    event = AuditEvent.objects.filter(call_id=call.pk, event_type="review.decided").latest("seq")
    assert event.after["decision"] == "return"
    assert event.after["ndm"] == {"decision": "SYNTHETIC: return; ask about the meeting."}


def test_the_tasks_before_closure_are_a_task_list_linking_to_where_each_is_done(
    handler_client: Client, make_call: Any
) -> None:
    call = make_call()
    page = _page(handler_client, call)
    tasks = page[page.index('id="tasks-heading"') : page.index("</ul>", page.index('class="govuk-task-list'))]
    rows = re.findall(r'data-action="([a-z_]+)"', tasks)
    assert rows[0] == "decisive_questions"
    assert {"person_check", "identifier_check", "specialist_advice", "safeguarding_referral"} <= set(rows)
    assert 'href="#checks" aria-describedby="task-person_check-status"' in tasks
    assert 'href="#support" aria-describedby="task-specialist_advice-status"' in tasks
    assert re.search(
        r'id="task-person_check-status"><strong class="govuk-tag govuk-tag--red">Outstanding', tasks
    )
    # Advice has no clock (due by the end of the call); a check has one.
    advice = tasks[tasks.index('data-action="specialist_advice"') :]
    assert advice.index("By the end of the call") < advice.index("</li>")
    check = tasks[tasks.index('data-action="person_check"') :]
    assert re.search(
        r'govuk-task-list__hint">Due \d+ [A-Z][a-z]{2} \d\d:\d\d</div>', check[: check.index("</li>")]
    )
    # Each task links to a part of the page that exists.
    for href in set(
        re.findall(r'class="govuk-link govuk-task-list__link heed-task" href="#([a-z-]+)"', tasks)
    ):
        assert f'id="{href}"' in page, href


def test_a_refusal_for_a_form_no_longer_on_the_page_is_shown_at_the_top(
    handler_client: Client, make_call: Any
) -> None:
    call = make_call()
    call.status = "closed"
    call.save(update_fields=["status"])
    handler_client.post(f"/calls/{call.pk}/notes", {"text": "SYNTHETIC late note"})
    page = _page(handler_client, call)
    assert 'id="note-errors"' in page and page.index('id="note-errors"') < page.index("heed-call-head")
    assert "The call is closed" in _summary(page, "note")


RAW_DJANGO = ("Ensure this value", "Select a valid choice", "Enter a whole number", "Enter a number")


def _form_classes() -> list[type]:
    from django import forms as django_forms

    from heed.accounts import forms as account_forms
    from heed.calls import forms as call_forms
    from heed.support import forms as support_forms

    return [
        obj
        for module in (call_forms, support_forms, account_forms)
        for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, django_forms.Form) and obj.__module__ == module.__name__
    ]


@pytest.mark.parametrize("bad", ["abc", "-1", "44", "99999999999999999999", "x" * 60_000, "\u202e7"])
def test_no_form_answers_in_the_frameworks_own_words(bad: str) -> None:
    from heed.accounts.fields import form_errors

    for form_class in _form_classes():
        form = form_class(data={name: bad for name in form_class.base_fields})
        form.is_valid()
        for message in form_errors(form):
            assert not any(raw in message for raw in RAW_DJANGO), (form_class.__name__, message)


def test_a_childs_age_over_17_is_refused_in_plain_words(handler_client: Client) -> None:
    body = handler_client.post(
        "/calls/new", {"narrative": "SYNTHETIC. kept", "child_age": "44"}
    ).content.decode()
    assert "The child&#x27;s age must be 17 or under: Heed is for calls about children." in body


def test_answering_a_decisive_question_goes_on_to_the_next_one_still_to_ask(
    handler_client: Client, make_call: Any
) -> None:
    from tests.closing import DECISIVE_ANSWERS

    call = make_call()
    first, second, *rest = DECISIVE_ANSWERS
    post = {
        "version": str(call.version),
        "anchor": "decisive-questions",
        f"q_{second}": DECISIVE_ANSWERS[second],
    }
    response = handler_client.post(f"/calls/{call.pk}/answers", post)
    assert response["Location"].endswith(f"#ask-{first}")  # the first is still to ask
    call.refresh_from_db()
    last = {f"q_{q}": DECISIVE_ANSWERS[q] for q in (first, *rest)}
    response = handler_client.post(
        f"/calls/{call.pk}/answers", {"version": str(call.version), "anchor": "decisive-questions", **last}
    )
    assert response["Location"].endswith("#decisive-questions")  # all answered: the section itself
    page = _page(handler_client, call)
    assert f'id="ask-{first}" tabindex="-1"' in page


def test_a_return_reason_with_an_override_is_shown_with_a_visible_mark_everywhere(
    handler_client: Client, make_call: Any, cast: dict[str, Any]
) -> None:
    call = make_call()
    do_everything(call, cast)
    call = services.closure_request(actor=cast["handler"], call=call, outcome="referred", rationale=WHY)
    reason = "SYNTHETIC: ring back on \u202e07700 900123 and ask about the meeting."
    services.review_decide(
        actor=cast["supervisor"], call=call, decision="return", rationale=reason, ndm={"decision": reason}
    )
    supervisor = sign_in(Client(), cast["supervisor"])
    pages = {
        "call page": _page(handler_client, call),
        "handler's list": handler_client.get("/calls/").content.decode(),
        "queue": supervisor.get("/queue").content.decode(),
    }
    for where, page in pages.items():
        assert "\u202e" not in page, where  # the override never reaches a page to act
        assert "RLO</abbr>]" in page and "07700 900123" in page, where


@pytest.mark.parametrize(
    ("path", "data", "form"),
    [
        ("identifier-check", {"kind": "fax", "value": "SYNTHETIC"}, "identifier-check"),
        ("identifier-check", {"kind": "phone", "value": "not a phone"}, "identifier-check"),
        ("advice", {"agencies": ["ceop"], "method": "pigeon", "evidence_advice": "1"}, "advice"),
        ("close", {"outcome": "referred", "rationale": ""}, "close"),
        ("risk", {"risk": "extreme", "rationale": WHY}, "risk"),
        ("person-check", {"date_of_birth": "2001-13-40"}, "person-check"),
        ("notes", {"text": ""}, "note"),
    ],
)
def test_every_link_in_an_error_summary_goes_to_something_on_the_page(
    handler_client: Client, make_call: Any, path: str, data: dict[str, Any], form: str
) -> None:
    call = make_call()
    handler_client.post(f"/calls/{call.pk}/{path}", {**data, "version": call.version})
    page = _page(handler_client, call)
    links = re.findall(r'<li><a href="#([^"]+)">', _summary(page, form))
    assert links, form
    for target in links:
        assert f'id="{target}"' in page, (form, target)


def test_a_review_refused_for_its_decision_links_to_the_form(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call()
    do_everything(call, cast)
    call = services.closure_request(actor=cast["handler"], call=call, outcome="referred", rationale=WHY)
    client = sign_in(Client(), cast["supervisor"])
    client.post(f"/calls/{call.pk}/review", {"decision": "maybe", "rationale": WHY, "version": call.version})
    page = _page(client, call)
    for target in re.findall(r'<li><a href="#([^"]+)">', _summary(page, "review")):
        assert f'id="{target}"' in page, target


def test_ask_next_does_not_repeat_a_decisive_question(handler_client: Client, make_call: Any) -> None:
    from heed.risk import default_pack

    call = make_call()
    page = _page(handler_client, call)
    panel = page[page.index('id="live-panel"') :]
    ask_next = panel[panel.index(">Ask next</h2>") : panel.index('id="tasks-heading"')]
    assert ask_next.count("<li>") >= 1  # the demo call has follow-up questions of its own
    for question in default_pack().questions.values():
        if question.decisive:
            assert f'href="#q_{question.id}"' not in ask_next, question.id
