"""The API's view of stored rows (plain dictionaries matching the schemas)."""

from __future__ import annotations

from typing import Any

from heed.calls.models import Call, IdentifierCheck, PersonCheck, RequiredAction
from heed.calls.presenters import possible_signs
from heed.calls.selectors import current_entries, decisive_questions
from heed.packstore.selectors import pack_for_call
from heed.training.selectors import concealed_on


def concealed(call: Call) -> bool:
    """An unassisted training attempt not yet finished: the API hides what the page hides (the danger signs,
    the grade, the actions and the agencies), so the trainee's own recognition is what is measured."""
    return call.training and concealed_on(call)


def actions_out(call: Call) -> list[dict[str, Any]]:
    if concealed(call):
        return []
    return [
        {
            "code": a.code,
            "status": a.status,
            "rule": a.rule,
            "due_at": a.due_at,
            "done_by": a.done_by.username if a.done_by else None,
            "done_at": a.done_at,
            "record": f"{a.record_type}:{a.record_id}" if a.record_type else None,
            "reason": a.reason,
        }
        for a in RequiredAction.objects.filter(call=call).select_related("done_by")
    ]


def call_out(call: Call) -> dict[str, Any]:
    hidden = concealed(call)
    a: dict[str, Any] = {"subjects": call.assessment.get("subjects", [])} if hidden else call.assessment
    return {
        "concealed": hidden,
        "id": call.pk,
        "reference": call.reference,
        "status": call.status,
        "version": call.version,
        "created_at": call.created_at,
        "created_by": call.created_by.username,
        "caller": {
            "name": call.caller_name,
            "relation": call.caller_relation,
            "contact": call.caller_contact,
        },
        "child": {"name": call.child_name, "age": call.child_age},
        "answers": call.answers,
        "risk": "" if hidden else call.risk,
        "engine_risk": "" if hidden else call.engine_risk,
        "response": "" if hidden else call.response,
        "pack_version": call.pack_version,
        "indicators": a.get("indicators", []),
        "subjects": a.get("subjects", []),
        "required_actions": actions_out(call),
        "reasons": a.get("reasons", []),
        "follow_up_questions": a.get("follow_up_questions", []),
        "decisive_questions": [] if hidden else decisive_questions(call, pack_for_call(call)),
        "possible_signs": [] if hidden else possible_signs(pack_for_call(call), call.answers, a),
        "vulnerability": a.get("vulnerability", []),
        "suggested_agencies": a.get("suggested_agencies", []),
        "notes": [
            {
                "entry_no": e.entry_no,
                "version": e.version,
                "text": e.text,
                "author": e.author.username,
                "created_at": e.created_at,
            }
            for e in current_entries(call)
        ],
    }


def person_check_out(check: PersonCheck, call: Call) -> dict[str, Any]:
    return {
        "id": check.pk,
        "subject": check.subject,
        "query": check.query,
        "results": check.results,
        "advice": check.advice,
        "top_band": check.top_band,
        "marker_alert": check.marker_alert,
        "run_by": check.run_by.username,
        "run_at": check.run_at,
        "required_actions": actions_out(call),
    }


def identifier_check_out(check: IdentifierCheck) -> dict[str, Any]:
    return {
        "id": check.pk,
        "kind": check.kind,
        "value": check.value,
        "display": check.display,
        "earlier": check.earlier,
        "records": {
            "searched": check.records_searched is not None,
            "record_count": check.records_searched,
            "error": check.records_error,
            "hits": check.record_hits,
            "more": check.records_more,
        },
        "marker_alert": check.marker_alert,
        "sources": check.sources,
        "run_by": check.run_by.username,
        "run_at": check.run_at,
    }
