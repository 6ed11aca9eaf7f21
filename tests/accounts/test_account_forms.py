"""The account pages' text inputs are under the one text rule (heed.textclean) like every other page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from django import forms
from django.http import QueryDict
from django.test import Client
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import sign_in

from heed import textclean as tc
from heed.accounts import forms as account_forms
from heed.accounts.fields import TextField
from heed.accounts.models import Force, Team

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
    assert {
        ("UserCreateForm", "username"),
        ("ForceForm", "name"),
        ("CodeForm", "code"),
        ("TeamForm", "name"),
    } <= set(found)
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


# ------------------------------------------------------------- the account pages driven like every other page

SPECIAL = "\x00\x01\x1b\x7f\x85\t\n\r\u2028\u202e\u2066\u200f\ud800 e\u0301é€𝄞"
ANY_TEXT = st.text(st.one_of(st.characters(codec=None), st.sampled_from(SPECIAL)), max_size=30)


def _driven(limit: int) -> st.SearchStrategy[str]:
    return st.one_of(
        ANY_TEXT, st.builds(lambda c, n: c * n, st.sampled_from("xé"), st.sampled_from([limit + 1]))
    )


ACCOUNT_CASES = [
    ("national", "/forces/", "name", {"code": None}),
    ("national", "/forces/", "code", {"name": "SYNTHETIC force"}),
    ("admin", "/users/new", "username", {"role": "handler"}),
    ("admin", "/users/teams", "name", {}),
]


@pytest.mark.parametrize(("persona", "path", "field_name", "base"), ACCOUNT_CASES)
def test_account_page_text_fields_never_fail_and_refuse_clearly(
    cast: dict[str, Any], persona: str, path: str, field_name: str, base: dict[str, str | None]
) -> None:
    form = {
        "/forces/": account_forms.ForceForm,
        "/users/new": account_forms.UserCreateForm,
        "/users/teams": account_forms.TeamForm,
    }[path]
    field = form().fields[field_name]
    assert isinstance(field, TextField)
    client = Client()
    sign_in(client, cast[persona])
    counter = iter(range(10_000))

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(sent=_driven(field.rule.max_length))
    def run(sent: str) -> None:
        data = {k: (v if v is not None else f"Q{next(counter)}") for k, v in base.items()}
        data[field_name] = sent
        # Encoded as a browser sends it: a lone surrogate arrives as bytes that are not UTF-8.
        body = urlencode(data, encoding="utf-8", errors="surrogatepass")
        received = QueryDict(body).get(field_name, "")
        response = client.post(path, body, content_type="application/x-www-form-urlencoded")
        assert response.status_code < 500, response.content[:300]
        try:
            expected = tc.clean_text(received, field.rule)
        except tc.TextRefused as exc:
            assert response.status_code in (200, 400)
            page = response.content.decode()
            assert escape(exc.describe(field.noun or "")) in page
            return
        if response.status_code == 302 and path == "/forces/" and field_name == "name":
            # The service also runs the name's spaces together (any kind of space, as one).
            assert Force.objects.get(code=data["code"]).name == " ".join(expected.split())
        if response.status_code == 302 and path == "/users/teams":
            # Stored as the rule cleans it, its spaces run together (a duplicate name is refused: 400).
            assert Team.objects.filter(name=" ".join(expected.split())).exists()

    run()
