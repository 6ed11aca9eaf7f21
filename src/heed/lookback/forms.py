"""The guidance and look-back pages' forms: every text a force administrator or safeguarding officer types is
a TextField under heed.textclean's rule (the services hold it to the same rule again)."""

from __future__ import annotations

from typing import Any

from django import forms

from heed import textclean as tc
from heed.accounts.fields import TextField
from heed.packstore.selectors import OVERLAY_FILES


class ShadowForm(forms.Form):
    version = TextField(max_length=tc.CODE, noun="The version")
    days = TextField(max_length=tc.CODE, noun="The number of days")


class AdoptForm(forms.Form):
    rationale = TextField(max_length=tc.RATIONALE, single_line=False, noun="The rationale", required=False)
    expected_version = TextField(max_length=tc.CODE, noun="The version you saw", required=False)


class LocalForm(forms.Form):
    """The force's local additions: one box per pack file a force may add to, and the signer's statement."""

    statement = TextField(max_length=tc.RATIONALE, single_line=False, noun="The statement", required=False)
    expected_version = TextField(max_length=tc.CODE, noun="The version you saw", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in OVERLAY_FILES:
            self.fields[f"file-{name}"] = TextField(
                max_length=tc.GUIDANCE_FILE, single_line=False, strip=False, noun=name, required=False
            )


class LocalClearForm(forms.Form):
    file = TextField(max_length=tc.CODE, noun="The file")
    section = TextField(max_length=tc.CODE, noun="The section")
    code = TextField(max_length=tc.CODE, noun="The entry")
    expected_version = TextField(max_length=tc.CODE, noun="The version you saw", required=False)


class LookBackStartForm(forms.Form):
    since = TextField(max_length=tc.DATE, noun="The date")


class RecordForm(forms.Form):
    outcome = TextField(max_length=tc.CODE, noun="What was done", required=False)
    note = TextField(max_length=tc.RATIONALE, single_line=False, noun="The note", required=False)
    expected_version = TextField(max_length=tc.CODE, noun="The version you saw", required=False)
