"""Forms of the call pages: they only read and shape input; services decide and validate.

Every text input is a ``TextField`` (the rule of ``heed.textclean``: docs/adr/0009-text-input.md). A choice
sent as text (an outcome, a risk, a decision) is a short ``TextField`` too: the service says whether it is one
of the choices, with the list.
"""

from __future__ import annotations

from typing import Any

from django import forms

from heed import textclean as tc
from heed.accounts.fields import TextField
from heed.calls.models import CallerRelation
from heed.calls.workflow import NDM_LABELS


class NewCallForm(forms.Form):
    caller_name = TextField(label="Caller's name", required=False, max_length=tc.NAME)
    caller_relation = forms.ChoiceField(
        label="Caller is the child's",
        required=False,
        choices=[("", "Choose"), *CallerRelation.choices],
        error_messages={"invalid_choice": "Choose who the caller is to the child from the list."},
    )
    caller_contact = TextField(label="Caller's phone or e-mail", required=False, max_length=tc.CONTACT)
    child_name = TextField(label="Child's name", required=False, max_length=tc.NAME)
    child_age = forms.IntegerField(
        label="Child's age",
        required=False,
        min_value=0,
        max_value=17,
        error_messages={
            "invalid": "Enter the child's age in years as a number, like 14.",
            "min_value": "Enter the child's age in years as a number, like 14.",
            "max_value": "The child's age must be 17 or under: Heed is for calls about children.",
        },
    )
    narrative = TextField(
        label="What the caller says",
        noun="The narrative",
        required=False,
        single_line=False,
        max_length=tc.NARRATIVE,
        widget=forms.Textarea,
    )


class NoteForm(forms.Form):
    text = TextField(
        label="Add to the log",
        noun="The log entry",
        single_line=False,
        strip=False,
        max_length=tc.NARRATIVE,
        error_messages={"required": "Type something in the log box before adding it (nothing was added)."},
    )


class NoteEditForm(forms.Form):
    text = TextField(
        label="Corrected text",
        noun="The corrected entry",
        single_line=False,
        strip=False,
        max_length=tc.NARRATIVE,
        error_messages={"required": "A corrected entry cannot be empty (the entry was not changed)."},
    )


class DraftForm(forms.Form):
    """What is being typed in the log box (autosaved; it becomes a log entry, so it has the entry's limit)."""

    text = TextField(
        label="Add to the log",
        noun="The text being typed",
        required=False,
        single_line=False,
        strip=False,
        max_length=tc.NARRATIVE,
    )


class PersonCheckForm(forms.Form):
    subject = TextField(required=False, max_length=tc.NAME, widget=forms.HiddenInput, noun="The person")
    given_name = TextField(label="Given name", required=False, max_length=tc.PART_NAME)
    family_name = TextField(label="Family name", required=False, max_length=tc.PART_NAME)
    alias = TextField(label="Alias", required=False, max_length=tc.NAME)
    date_of_birth = TextField(
        label="Date of birth (YYYY-MM-DD, YYYY-MM or YYYY)",
        noun="The date of birth",
        required=False,
        max_length=tc.DATE,
    )
    age = TextField(label="Age (about)", noun="The age", required=False, max_length=tc.AGE)
    sex = forms.ChoiceField(
        label="Sex",
        required=False,
        choices=[("", "Not known"), ("M", "M"), ("F", "F")],
        error_messages={"invalid_choice": "Choose the sex from the list: M, F or not known."},
    )
    town = TextField(label="Town", required=False, max_length=tc.TOWN)
    postcode = TextField(label="Postcode", required=False, max_length=tc.POSTCODE)
    phone = TextField(label="Phone", required=False, max_length=tc.PHONE)
    email = TextField(label="E-mail", required=False, max_length=tc.EMAIL)
    handle = TextField(label="Username / gamer tag", required=False, max_length=tc.HANDLE)
    platform = TextField(label="Platform", required=False, max_length=tc.PLATFORM)

    def query(self) -> dict[str, Any]:
        """The search fields given; ages as numbers where they are numbers (services judge the rest)."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "subject" and v not in ("", None)}
        if "age" in data and str(data["age"]).strip().isascii() and str(data["age"]).strip().isdigit():
            data["age"] = int(str(data["age"]).strip())
        return data


class IdentifierCheckForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[("handle", "handle"), ("phone", "phone"), ("email", "email")],
        error_messages={
            "invalid_choice": "Say whether the identifier is a username, a phone number or an e-mail."
        },
    )
    value = TextField(label="Identifier", noun="The identifier", max_length=tc.IDENTIFIER)
    platform = TextField(label="Platform", required=False, max_length=tc.PLATFORM)


def _rationale(noun: str, *, required: bool = False, limit: int = tc.RATIONALE) -> TextField:
    # Not required here: the service says how long a rationale must be, and why.
    return TextField(label=noun, noun=noun, required=required, single_line=False, max_length=limit)


class CloseForm(forms.Form):
    outcome = TextField(label="Outcome", noun="The outcome", required=False, max_length=tc.CODE)
    rationale = _rationale("The rationale")


class ReviewForm(forms.Form):
    decision = TextField(label="Decision", noun="The decision", required=False, max_length=tc.CODE)
    rationale = _rationale("The rationale")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in NDM_LABELS.items():
            stage = label.split(":", 1)[0]
            self.fields[f"ndm_{key}"] = _rationale(f"The {stage.lower()} stage", limit=tc.NDM_STAGE)

    def ndm(self) -> dict[str, str]:
        """The stages of the National Decision Model written in, by stage."""
        return {
            key: self.cleaned_data[f"ndm_{key}"] for key in NDM_LABELS if self.cleaned_data.get(f"ndm_{key}")
        }


class NotApplicableForm(forms.Form):
    reason = _rationale("The reason")


class RiskForm(forms.Form):
    risk = TextField(label="Risk", noun="The risk", required=False, max_length=tc.CODE)
    rationale = _rationale("The rationale")


class DeploymentForm(forms.Form):
    reference = TextField(label="Reference", noun="The reference", required=False, max_length=tc.REFERENCE)
    note = _rationale("The note", limit=tc.SHORT_NOTE)


class FlagForm(forms.Form):
    reason = _rationale("The reason")
