"""Forms of the support pages (text under the rule of ``heed.textclean``; the services judge the choices)."""

from __future__ import annotations

from django import forms

from heed import textclean as tc
from heed.accounts.fields import TextField


class ReferralForm(forms.Form):
    to = TextField(label="Refer to", noun="The team", required=False, max_length=tc.CODE)
    reason = TextField(
        label="Reason", noun="The reason", required=False, single_line=False, max_length=tc.RATIONALE
    )


class ReferralStatusForm(forms.Form):
    status = TextField(label="Status", noun="The status", required=False, max_length=tc.CODE)
    note = TextField(
        label="Note", noun="The note", required=False, single_line=False, max_length=tc.SHORT_NOTE
    )
