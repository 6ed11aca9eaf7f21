"""The dip sample's forms: every text a supervisor types is a TextField under heed.textclean's rule (the
services hold it to the same rule again)."""

from __future__ import annotations

from django import forms

from heed import textclean as tc
from heed.accounts.fields import TextField


class DrawForm(forms.Form):
    month = TextField(max_length=tc.DATE, noun="The month")
    per_handler = TextField(max_length=tc.CODE, noun="The number per handler", required=False)


class ReviewForm(forms.Form):
    """The checklist's answers are choices (checked by the service); the note and the version are typed."""

    note = TextField(max_length=tc.RATIONALE, single_line=False, noun="The note", required=False)
    expected_version = TextField(max_length=tc.CODE, noun="The version you saw", required=False)
