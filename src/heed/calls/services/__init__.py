"""Changing calls, one flow per module. Every function that changes a call runs in one transaction that locks
the call's row (``lock_call``, or ``locked`` which also checks the version the person saw), holds it to the
end, writes its audit event inside, and returns the new state; a refusal is audited in the same transaction
and raised after it commits.

Names follow ``<entity>_<verb>``; arguments are keyword-only. Input problems raise ``CallError`` with the
field at fault, so the pages and the API can say what was wrong and where.

- ``base``: the error types, the lock, the version check, a record written with its audit event
- ``intake``: taking a new call
- ``notes``: the log and the draft
- ``assessment``: answers and the engine's reading (risk, actions, agencies, identifiers registered)
- ``checks``: person and identifier checks
- ``decisions``: closure, review, risk, not-applicable (the transition table)
- ``records``: deployments and vulnerability flags
- ``reading``: reading a call is recorded
"""

from heed.calls.locks import lock_call
from heed.calls.services.assessment import answers_record, live_assessment
from heed.calls.services.base import CallError, ClosureRefused, ensure_editable, record_on_call
from heed.calls.services.checks import identifier_check_run, identifier_checks_run_all, person_check_run
from heed.calls.services.decisions import (
    NDM_STAGES,
    action_not_applicable,
    closure_request,
    review_decide,
    risk_set,
)
from heed.calls.services.intake import call_create
from heed.calls.services.notes import draft_save, note_add, note_edit
from heed.calls.services.reading import call_viewed, timeline_viewed
from heed.calls.services.records import deployment_record, vulnerability_flag_record

__all__ = [
    "NDM_STAGES",
    "CallError",
    "ClosureRefused",
    "action_not_applicable",
    "answers_record",
    "call_create",
    "call_viewed",
    "closure_request",
    "deployment_record",
    "draft_save",
    "ensure_editable",
    "identifier_check_run",
    "identifier_checks_run_all",
    "live_assessment",
    "lock_call",
    "note_add",
    "note_edit",
    "person_check_run",
    "record_on_call",
    "review_decide",
    "risk_set",
    "timeline_viewed",
    "vulnerability_flag_record",
]
