"""Forms of the call pages: they only read and shape input; services decide and validate."""

from __future__ import annotations

from typing import Any

from django import forms

from heed.calls.models import CallerRelation


class NewCallForm(forms.Form):
    caller_name = forms.CharField(label="Caller's name", required=False, max_length=200)
    caller_relation = forms.ChoiceField(
        label="Caller is the child's", required=False, choices=[("", "Choose"), *CallerRelation.choices]
    )
    caller_contact = forms.CharField(label="Caller's phone or e-mail", required=False, max_length=200)
    child_name = forms.CharField(label="Child's name", required=False, max_length=200)
    child_age = forms.IntegerField(label="Child's age", required=False, min_value=0, max_value=17)
    narrative = forms.CharField(label="What the caller says", required=False, widget=forms.Textarea)


class NoteForm(forms.Form):
    text = forms.CharField(label="Add to the log", strip=False, max_length=1_000_000)


class PersonCheckForm(forms.Form):
    subject = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    given_name = forms.CharField(label="Given name", required=False, max_length=100)
    family_name = forms.CharField(label="Family name", required=False, max_length=100)
    alias = forms.CharField(label="Alias", required=False, max_length=200)
    date_of_birth = forms.CharField(label="Date of birth (YYYY-MM-DD, YYYY-MM or YYYY)", required=False)
    age = forms.CharField(label="Age (about)", required=False, max_length=3)
    sex = forms.ChoiceField(label="Sex", required=False, choices=[("", "Not known"), ("M", "M"), ("F", "F")])
    town = forms.CharField(label="Town", required=False, max_length=100)
    postcode = forms.CharField(label="Postcode", required=False, max_length=10)
    phone = forms.CharField(label="Phone", required=False, max_length=40)
    email = forms.CharField(label="E-mail", required=False, max_length=320)
    handle = forms.CharField(label="Username / gamer tag", required=False, max_length=100)
    platform = forms.CharField(label="Platform", required=False, max_length=40)

    def query(self) -> dict[str, Any]:
        """The search fields given; ages as numbers where they are numbers (services judge the rest)."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "subject" and v not in ("", None)}
        if "age" in data and str(data["age"]).strip().isascii() and str(data["age"]).strip().isdigit():
            data["age"] = int(str(data["age"]).strip())
        return data


class IdentifierCheckForm(forms.Form):
    kind = forms.ChoiceField(choices=[("handle", "handle"), ("phone", "phone"), ("email", "email")])
    value = forms.CharField(max_length=320)
    platform = forms.CharField(required=False, max_length=40)
