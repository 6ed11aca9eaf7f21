"""The account pages' text inputs are under the one text rule (heed.textclean) like every other page."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.test import Client
from tests.conftest import sign_in

from heed.accounts import forms as account_forms
from heed.accounts.fields import TextField
from heed.accounts.models import Force

pytestmark = pytest.mark.django_db


def test_every_text_input_of_the_account_forms_is_a_text_field() -> None:
    found = {
        (name, field_name): field
        for name, form_class in vars(account_forms).items()
        if isinstance(form_class, type)
        and issubclass(form_class, forms.Form)
        and form_class is not forms.Form
        for field_name, field in form_class().fields.items()
        if isinstance(field, forms.CharField) and not isinstance(field, forms.EmailField)
    }
    assert {("UserCreateForm", "username"), ("ForceForm", "name"), ("CodeForm", "code")} <= set(found)
    assert [k for k, f in found.items() if not isinstance(f, TextField) or not f.max_length] == []


def test_a_force_name_is_stored_clean_and_a_nul_is_refused_at_the_field(cast: dict[str, Any]) -> None:
    client = Client()
    sign_in(client, cast["national"])
    sent = client.post("/forces/", {"code": "NEW", "name": "New\u202e force\x07 (SYNTHETIC)\t"})
    assert sent.status_code == 302
    assert Force.objects.get(code="NEW").name == "New force (SYNTHETIC)"
    refused = client.post("/forces/", {"code": "NUL", "name": "Bad\x00 force"})
    assert refused.status_code in (200, 400)
    page = refused.content.decode()
    assert "The force name contains a character that cannot be stored (position 4)" in page
    assert not Force.objects.filter(code="NUL").exists()
