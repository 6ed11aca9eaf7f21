"""The lessons notices pages' forms: every text typed is a TextField under heed.textclean's rule."""

from __future__ import annotations

from django import forms

from heed import textclean as tc
from heed.accounts.fields import TextField


class NoticeForm(forms.Form):
    title = TextField(max_length=tc.NAME, noun="The title")
    what_happened = TextField(max_length=tc.RATIONALE, single_line=False, noun="What happened")
    what_must_change = TextField(max_length=tc.RATIONALE, single_line=False, noun="What must change")
    forces_must = TextField(max_length=tc.RATIONALE, single_line=False, noun="What each force must do")
    pack_version = TextField(max_length=tc.CODE * 5, noun="The guidance version", required=False)
    scenarios = TextField(max_length=tc.SHORT_NOTE, noun="The scenarios", required=False)
    due = TextField(max_length=tc.DATE, noun="The due date")


class RespondForm(forms.Form):
    acknowledge = TextField(max_length=tc.CODE, noun="Acknowledge", required=False)
    actions_taken = TextField(
        max_length=tc.RATIONALE, single_line=False, noun="What the force did", required=False
    )
    expected_version = TextField(max_length=tc.CODE, noun="The version you saw", required=False)


class AssignForm(forms.Form):
    role = TextField(max_length=tc.CODE, noun="The role")
    scenario = TextField(max_length=tc.CODE * 2, noun="The scenario")
    due = TextField(max_length=tc.DATE, noun="The due date")
