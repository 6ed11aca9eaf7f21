"""Every text field of every endpoint and page, driven with arbitrary text (lone surrogates, NUL, controls,
bidirectional overrides, text at and over the limit): never a 500; either a refusal that names the field and
keeps what was typed, or the cleaned text stored as it will be shown (docs/adr/0009-text-input.md).

Each field whose row is read back is also sent one fixed value full of invisible and reordering characters
that the services accept: it must be stored exactly as the rule cleans it (so an edge that does not clean
fails).

The fields are found by introspection (the API's request schemas, the forms the pages bind), so a new text
field, schema or page without a row here fails the two ``test_every_...`` tests. Runs on SQLite and,
under ``make unit-pg``, on PostgreSQL.
"""

from __future__ import annotations

import importlib
import json
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin
from urllib.parse import urlencode

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.http import QueryDict
from django.test import Client
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

import heed
from heed import textclean as tc
from heed.accounts.fields import TextField
from heed.accounts.services import token_create
from heed.api import schemas
from heed.api.api import api as ninja_api
from heed.calls import forms as call_forms
from heed.calls.models import Call, Deployment, NoteDraft, NoteEntry, PersonCheck, VulnerabilityFlag
from heed.compliance import forms as compliance_forms
from heed.lookback import forms as lookback_forms
from heed.notices import forms as notice_forms
from heed.support import forms as support_forms
from heed.support.models import Referral
from heed.training import forms as training_forms
from tests.conftest import sign_in
from tests.test_permissions import API, PAGES

pytestmark = pytest.mark.django_db

WHY = "SYNTHETIC reason long enough to be a real reason."

# ------------------------------------------------------------------------------------------- the inventory


def _str_leaves(tp: Any, path: str, meta: tuple[Any, ...] = ()) -> Iterator[tuple[str, Any]]:
    """(path, the CleanText on it or None) for every string a request model accepts, however nested."""
    origin = get_origin(tp)
    if origin is Annotated:
        base, *extra = get_args(tp)
        yield from _str_leaves(base, path, (*meta, *extra))
    elif origin in (Union, types.UnionType):
        for arg in get_args(tp):
            if arg is not type(None):
                yield from _str_leaves(arg, path, meta)
    elif origin is Literal:
        return
    elif origin is list:
        yield from _str_leaves(get_args(tp)[0], f"{path}[]")
    elif origin is dict:
        key, value = get_args(tp)
        yield from _str_leaves(key, f"{path}{{key}}")
        yield from _str_leaves(value, f"{path}{{}}")
    elif isinstance(tp, type) and issubclass(tp, BaseModel):
        for name, info in tp.model_fields.items():
            yield from _str_leaves(info.annotation, f"{path}.{name}" if path else name, tuple(info.metadata))
    elif tp is str or tp is Any:
        yield path, next((m for m in meta if isinstance(m, schemas.CleanText)), None)


def api_text_fields() -> dict[tuple[str, str], Any]:
    """{(request path, field path): its CleanText} over every operation of the API that takes a body."""
    found: dict[tuple[str, str], Any] = {}
    for path, operations in ninja_api.get_openapi_schema()["paths"].items():
        for operation in operations.values():
            body = operation.get("requestBody")
            if body is None:
                continue
            model = getattr(schemas, body["content"]["application/json"]["schema"]["$ref"].split("/")[-1])
            for leaf, clean in _str_leaves(model, ""):
                found[(path, leaf)] = clean
    return found


# The form each page that takes a POST binds (from the permission matrix, which has a row for every page).
PAGE_FORMS: dict[str, type[forms.Form] | None] = {
    "calls:new.post": call_forms.NewCallForm,
    "calls:draft": call_forms.DraftForm,
    "calls:note_add": call_forms.NoteForm,
    "calls:note_edit": call_forms.NoteEditForm,
    "calls:person_check": call_forms.PersonCheckForm,
    "calls:identifier_check": call_forms.IdentifierCheckForm,
    "calls:close": call_forms.CloseForm,
    "calls:review": call_forms.ReviewForm,
    "calls:risk": call_forms.RiskForm,
    "calls:not_applicable": call_forms.NotApplicableForm,
    "calls:deployment": call_forms.DeploymentForm,
    "calls:vulnerability_flag": call_forms.FlagForm,
    "calls:referral": support_forms.ReferralForm,
    "referral_status": support_forms.ReferralStatusForm,
    # Choices only: question ids and answers, agency codes and a method, each checked by the service against
    # the pack (the fuzz test sends them anything).
    "calls:answers": None,
    "calls:advice": None,
    "training:ask": training_forms.AskForm,
    "training_records:authoring.post": training_forms.ScenarioForm,
    # Choices only: a scenario id and a mode, indicator codes, or nothing at all.
    "training:start": None,
    "training:signs": None,
    "training:finish": None,
    "training_records:authored_publish": None,
    "training_records:authored_withdraw": None,
    "compliance:dip_draw": compliance_forms.DrawForm,
    # The checklist's answers are choices (checked by the service); the note and version are typed.
    "compliance:dip_sample.post": compliance_forms.ReviewForm,
    "guidance:shadow_start": lookback_forms.ShadowForm,
    "guidance:adopt": lookback_forms.AdoptForm,
    "guidance:local.post": lookback_forms.LocalForm,
    "guidance:local_clear": lookback_forms.LocalClearForm,
    "lookback:start": lookback_forms.LookBackStartForm,
    "lookback:item.post": lookback_forms.RecordForm,
    "notices:list.post": notice_forms.NoticeForm,
    "notices:respond": notice_forms.RespondForm,
    "notices:assign": notice_forms.AssignForm,
    # A file upload only (the pack file, checked by its signature).
    "guidance:install": None,
    # A file upload only (a force's statistics file, checked by its signature and its allow-list).
    "stats:upload": None,
}


def page_text_fields() -> dict[tuple[str, str], forms.Field]:
    found: dict[tuple[str, str], forms.Field] = {}
    for name, form_class in PAGE_FORMS.items():
        if form_class is None:
            continue
        for field_name, field in form_class().fields.items():
            if isinstance(field, forms.CharField):
                found[(name, field_name)] = field
    return found


def test_every_string_the_api_takes_is_under_the_text_rule() -> None:
    fields = api_text_fields()
    assert len(fields) > 30
    assert [key for key, clean in fields.items() if clean is None] == []


# User and force administration (heed.accounts.forms): their text inputs are TextFields too, driven with the
# same kinds of text in tests/accounts/test_account_forms.py (as a national or force administrator, with
# users and forces of their own); the pages below are the call pages.
ACCOUNT_PAGES = {"users:new.post", "users:role", "users:active", "users:mfa_reset", "users:password_link"}
ACCOUNT_PAGES |= {"forces.post", "users:teams.post", "users:team"}


def test_every_text_input_of_every_page_is_a_text_field_with_a_limit() -> None:
    posted = {name for name, method, *_ in PAGES if method == "post"} - ACCOUNT_PAGES
    assert set(PAGE_FORMS) == posted
    used = {c for c in PAGE_FORMS.values() if c is not None}
    modules = [
        importlib.import_module(f"heed.{p.parent.name}.forms")
        for p in Path(heed.__file__).parent.glob("*/forms.py")
        if p.parent.name != "accounts"
    ]
    assert {call_forms, support_forms, training_forms, lookback_forms, notice_forms, compliance_forms} <= set(
        modules
    )
    defined = {
        c
        for module in modules
        for c in vars(module).values()
        if isinstance(c, type) and issubclass(c, forms.Form) and c.__module__ == module.__name__
    }
    assert defined == used
    fields = page_text_fields()
    assert len(fields) > 30
    assert [k for k, f in fields.items() if not isinstance(f, TextField) or not f.max_length] == []


# ------------------------------------------------------------------------------------------ what is sent

SPECIAL = "\x00\x01\x1b\x7f\x85\x9b\t\n\r\x0b\u2028\u202e\u2066\u2069\u200f\ud800\udfff e\u0301é€𝄞"
ANY_CHAR = st.characters(codec=None, exclude_categories=())  # lone surrogates included
ORDINARY = st.text(st.characters(categories=("L", "N", "Zs")), min_size=20, max_size=40)


def texts(limit: int) -> st.SearchStrategy[str]:
    at_limit = st.builds(lambda c, n: c * n, st.sampled_from("xé\u202e"), st.sampled_from([limit, limit + 1]))
    return st.one_of(
        st.text(st.one_of(ANY_CHAR, st.sampled_from(SPECIAL)), max_size=40),
        st.builds(lambda a, b: a + b, ORDINARY, st.text(st.sampled_from(SPECIAL), max_size=4)),
        at_limit,
    )


# What a row stores the field in: read the latest row, to compare with what the rule makes of what was sent.
@dataclass(frozen=True)
class Stored:
    read: Callable[[dict[str, Any]], str]
    strip_newlines: bool = False  # the log's services drop leading and trailing blank lines


def _call_attr(attr: str) -> Stored:
    return Stored(lambda w: str(getattr(Call.objects.latest("pk"), attr)))


NARRATIVE = Stored(
    lambda w: NoteEntry.objects.filter(call=Call.objects.latest("pk"), entry_no=1)
    .values_list("text", flat=True)
    .first()
    or "",
    True,
)
LATEST_ENTRY = Stored(lambda w: NoteEntry.objects.filter(call_id=w["id"]).latest("pk").text, True)
DRAFT = Stored(lambda w: NoteDraft.objects.get(call_id=w["id"], author=w["user"]).text)
STATUS_NOTE = Stored(lambda w: Referral.objects.get(pk=w["rid"]).status_note)
DEPLOY_REF = Stored(lambda w: Deployment.objects.filter(call_id=w["id"]).latest("pk").reference)
DEPLOY_NOTE = Stored(lambda w: Deployment.objects.filter(call_id=w["id"]).latest("pk").note)
FLAG = Stored(lambda w: VulnerabilityFlag.objects.filter(call_id=w["id"]).latest("pk").reason)
REFERRAL = Stored(lambda w: Referral.objects.filter(call_id=w["id"]).latest("pk").reason)


def _query(key: str) -> Stored:
    return Stored(lambda w: str(PersonCheck.objects.filter(call_id=w["id"]).latest("pk").query.get(key, "")))


SUBJECT = Stored(lambda w: PersonCheck.objects.filter(call_id=w["id"]).latest("pk").subject)
QUERY_FIELDS = (
    "given_name",
    "family_name",
    "alias",
    "town",
    "postcode",
    "phone",
    "email",
    "handle",
    "platform",
)

API_STORED: dict[tuple[str, str], Stored] = {
    ("/api/v1/calls", "narrative"): NARRATIVE,
    ("/api/v1/calls", "caller.name"): _call_attr("caller_name"),
    ("/api/v1/calls", "caller.contact"): _call_attr("caller_contact"),
    ("/api/v1/calls", "child.name"): _call_attr("child_name"),
    ("/api/v1/calls/{call_id}/notes", "text"): LATEST_ENTRY,
    ("/api/v1/calls/{call_id}/person-checks", "subject"): SUBJECT,
    **{("/api/v1/calls/{call_id}/person-checks", k): _query(k) for k in QUERY_FIELDS},
    ("/api/v1/calls/{call_id}/deployments", "reference"): DEPLOY_REF,
    ("/api/v1/calls/{call_id}/deployments", "note"): DEPLOY_NOTE,
    ("/api/v1/calls/{call_id}/vulnerability-flag", "reason"): FLAG,
    ("/api/v1/calls/{call_id}/referrals", "reason"): REFERRAL,
    ("/api/v1/referrals/{referral_id}/status", "note"): STATUS_NOTE,
}
PAGE_STORED: dict[tuple[str, str], Stored] = {
    ("calls:new.post", "narrative"): NARRATIVE,
    ("calls:new.post", "caller_name"): _call_attr("caller_name"),
    ("calls:new.post", "caller_contact"): _call_attr("caller_contact"),
    ("calls:new.post", "child_name"): _call_attr("child_name"),
    ("calls:draft", "text"): DRAFT,
    ("calls:note_add", "text"): LATEST_ENTRY,
    ("calls:note_edit", "text"): LATEST_ENTRY,
    ("calls:person_check", "subject"): SUBJECT,
    **{("calls:person_check", k): _query(k) for k in QUERY_FIELDS},
    ("calls:deployment", "reference"): DEPLOY_REF,
    ("calls:deployment", "note"): DEPLOY_NOTE,
    ("calls:vulnerability_flag", "reason"): FLAG,
    ("calls:referral", "reason"): REFERRAL,
    ("referral_status", "note"): STATUS_NOTE,
}


@pytest.fixture
def world(make_call: Any, cast: dict[str, Any], ids: dict[str, Any]) -> dict[str, Any]:
    from heed.training.services import attempt_start

    call = make_call()
    attempt = attempt_start(actor=cast["supervisor"], scenario="seed-case", mode="unassisted")
    return {
        "aid": attempt.pk,
        "training_call": attempt.call_id,  # the call page a refused question is shown again on
        "trainer": cast["trainer"],
        "admin": cast["admin"],
        "safeguarding": cast["safeguarding"],
        **{k: ids[k] for k in ("shid", "lid", "nid", "dsid")},
        "id": call.pk,
        "call": call,
        "user": cast["supervisor"],
        "token": token_create(user=cast["supervisor"]),
        "rid": None,
    }


def _fresh_referral(world: dict[str, Any]) -> int:
    """A referral still waiting for an answer (each answer is final, so each example needs its own)."""
    from heed.support.services import referral_make

    return int(referral_make(actor=world["user"], call=world["call"], to="mash", reason=WHY).pk)


def _expected(sent: str, rule: tc.TextRule) -> str | tc.TextRefused:
    try:
        return tc.clean_text(sent, rule)
    except tc.TextRefused as exc:
        return exc


def _check_stored(stored: Stored | None, world: dict[str, Any], expected: str) -> None:
    if stored is None:
        return
    value = stored.read(world)
    assert value == (expected.strip("\n") if stored.strip_newlines else expected)


# ---------------------------------------------------------------------------------------------------- API

API_BODIES = {path: body for _, method, path, body, *_ in API if method == "post"}


def _api_base(path: str) -> tuple[str, dict[str, Any]]:
    template = (
        path.replace("{call_id}", "{id}")
        .replace("{referral_id}", "{rid}")
        .replace("{code}", "person_check")
        .replace("{attempt_id}", "{aid}")
    )
    return template, json.loads(json.dumps(API_BODIES[template]))


def _put(body: dict[str, Any], leaf: str, value: str) -> tuple[dict[str, Any], str]:
    """``body`` with ``value`` at ``leaf``; and the path the API reports an error in it at."""
    head, _, rest = leaf.partition(".")
    if rest:
        inner, where = _put(dict(body.get(head) or {}), rest, value)
        return {**body, head: inner}, f"{head}.{where}"
    if head.endswith("[]"):
        return {**body, head[:-2]: [value]}, f"{head[:-2]}.0"
    if head.endswith("{key}"):
        name = head[: -len("{key}")]
        return {**body, name: {value: "yes"}}, f"{name}."
    if head.endswith("{}"):
        name = head[:-2]
        key = "information" if name == "ndm" else "asked_to_meet"
        return {**body, name: {key: value}}, f"{name}.{key}"
    return {**body, head: value}, head


API_CASES = sorted(api_text_fields())


@pytest.mark.parametrize(("path", "leaf"), API_CASES, ids=[f"{p} {f}" for p, f in API_CASES])
def test_api_text_field(world: dict[str, Any], path: str, leaf: str) -> None:
    clean = api_text_fields()[(path, leaf)]
    template, base = _api_base(path)

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(sent=texts(clean.rule.max_length))
    def run(sent: str) -> None:
        if "{rid}" in template:
            world["rid"] = _fresh_referral(world)
        body, where = _put(base, leaf, sent)
        response = Client().post(
            template.format(**world),
            json.dumps(body),  # \ud800 travels as the JSON escape, as any JSON client may send it
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {world['token']}",
        )
        assert response.status_code < 500, response.content[:300]
        # What the server reads: JSON joins an escaped surrogate pair into one character, a lone one stays.
        expected = _expected(json.loads(json.dumps(sent)), clean.rule)
        if isinstance(expected, tc.TextRefused):
            assert response.status_code == 422
            where = f"{clean.prefix}.{where}" if clean.prefix else where
            errors = response.json()["errors"]
            assert any(
                e["field"].startswith(where) and e["reason"].startswith(e["field"]) for e in errors
            ), errors
            assert expected.describe("X", verb="send")[1:] in " ".join(e["reason"] for e in errors)
        elif response.status_code < 300:
            _check_stored(API_STORED.get((path, leaf)), world, expected)
        else:
            assert response.json()["detail"]

    run()


# -------------------------------------------------------------------------------------------------- pages

PAGE_BODIES = {name: (path, body or {}) for name, method, path, body, *_ in PAGES if method == "post"}
# The matrix checks every identifier at once ("all"); one identifier is what the form's fields are for.
PAGE_BODIES["calls:identifier_check"] = (PAGE_BODIES["calls:identifier_check"][0], {"kind": "handle"})
PAGE_CASES = sorted(page_text_fields())


def _form_key(name: str, world: dict[str, Any]) -> str:
    return {
        "calls:note_add": "note",
        "calls:note_edit": "edit-1",
        "calls:not_applicable": "na-person_check",
        "calls:vulnerability_flag": "flag",
        "calls:person_check": "person-check",
        "calls:identifier_check": "identifier-check",
    }.get(name, name.split(":")[-1])


@pytest.mark.parametrize(("name", "field_name"), PAGE_CASES, ids=[f"{n} {f}" for n, f in PAGE_CASES])
def test_page_text_field(world: dict[str, Any], name: str, field_name: str) -> None:
    field = page_text_fields()[(name, field_name)]
    assert isinstance(field, TextField)
    path, base = PAGE_BODIES[name]
    client = Client()
    persona = {
        "training_records": "trainer",
        "guidance": "admin",
        "lookback": "safeguarding",
        "notices": "admin",
    }.get(name.split(":")[0], "user")
    sign_in(client, world[persona])
    call_id = world["training_call"] if name.startswith("training:") else world["id"]

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(sent=texts(field.rule.max_length))
    def run(sent: str) -> None:
        if name == "referral_status":
            world["rid"] = _fresh_referral(world)
        data = {**base, field_name: sent}
        # Encoded as a browser would send it, lone surrogates as the bytes they would be (which are not
        # UTF-8): what the server reads is what Django makes of those bytes.
        body = urlencode(data, doseq=True, encoding="utf-8", errors="surrogatepass")
        received = QueryDict(body).get(field_name, "")
        response = client.post(
            path.format(**{k: v for k, v in world.items() if v is None or isinstance(v, int)}),
            body,
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code < 500, response.content[:300]
        expected = _expected(received, field.rule)
        said = [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
        told = [text for _, text in said]
        page = response.content.decode()
        if isinstance(expected, tc.TextRefused):
            noun = field.noun or f"“{field.label}”"
            message = expected.describe(noun)
            if name == "calls:new.post":
                assert response.status_code == 200
                assert escape(message) in page
                assert escape(received) in page  # everything typed is on the page again
            elif name in ("calls:draft", "training_records:authoring.post"):
                assert escape(message) in page
            elif name.startswith(("guidance:", "lookback:", "notices:", "compliance:")):
                # Said on the page the form is on (shown again as typed), or in the banner after a redirect.
                assert escape(message) in page or any(message in text for text in told)
            elif name == "referral_status":
                assert message in told
                # the note box is the one text box on that page; it is shown again as typed
                assert client.session["heed-referral-notes"][str(world["rid"])] == QueryDict(body).get(
                    "note", ""
                )
            else:
                # On the call page the reason is kept with the form (issue 10), not put in a banner.
                key = f"{call_id}:{_form_key(name, world)}"
                assert message in [text for _, text in client.session["heed-refused"][key]]
                assert client.session["heed-kept"][key][field_name] == received
                # shown once at the form, then forgotten: the next page shows it and empties the store
                shown = client.get(f"/calls/{call_id}/").content.decode()
                assert escape(message) in shown
                assert key not in client.session.get("heed-refused", {})
        elif (
            not any(level == "error" for level, _ in said)
            and "govuk-error" not in page
            and f"{call_id}:{_form_key(name, world)}" not in client.session.get("heed-refused", {})
        ):
            _check_stored(PAGE_STORED.get((name, field_name)), world, expected)

    run()


# -------------------------------------------------------------- dirty but storable text, stored by the rule

# For each field whose row the tests above read: a value with invisible and reordering characters in it that
# the services accept once cleaned, and any other field the request needs for it to be accepted. Free text
# (several lines) keeps them as typed; a one-line field loses them (docs/adr/0015-controls-kept-as-typed.md).
DIRTY: dict[str, tuple[str, dict[str, str]]] = {
    "narrative": ("SYNTHETIC.\r\nHe said\u202e meet me\x07 at the cafe\u2028e\u0301", {}),
    "text": ("  SYNTHETIC more\u2066 from the mum\r\n", {}),
    "name": ("Sam\u200f Jones\t", {}),
    "caller_name": ("Sam\u200f Jones\t", {}),
    "contact": ("07700\u202e900123\x1b", {}),
    "caller_contact": ("07700\u202e900123\x1b", {}),
    "child_name": ("Ali\u202de\u0301", {}),
    "subject": ("Kai\u2069", {"given_name": "Kai"}),
    "given_name": ("Ka\u200fi", {}),
    "family_name": ("Sm\x7fith", {"given_name": "Kai"}),
    "alias": ("Kai\u202e Bo", {"given_name": "Kai"}),
    "town": ("Leeds\u200e", {"given_name": "Kai"}),
    "postcode": ("LS1\x1b 4AP", {"given_name": "Kai"}),
    "phone": ("07700\u202e900123", {"given_name": "Kai"}),
    "email": ("kai\u2066@example.org", {"given_name": "Kai"}),
    "handle": ("kai_99\u2066", {}),
    "platform": ("Snap\x7fchat", {"handle": "kai_99"}),
    "reference": ("INC\u202e-42\x07", {}),
    "note": ("SYNTHETIC\u202e returned to the team\x07 for more detail, see log\r\n", {}),
    "reason": ("SYNTHETIC\u202e groomed by an adult\x07, a meeting offered\r\n", {}),
}
STORED_CASES = sorted({("api", *k) for k in API_STORED} | {("page", *k) for k in PAGE_STORED})


def test_every_stored_field_has_a_dirty_value() -> None:
    leaves = {leaf.split(".")[-1] for _, _, leaf in STORED_CASES}
    assert leaves == set(DIRTY)


@pytest.mark.parametrize(("surface", "where", "leaf"), STORED_CASES, ids=[" ".join(c) for c in STORED_CASES])
def test_dirty_text_is_stored_by_the_rule(world: dict[str, Any], surface: str, where: str, leaf: str) -> None:
    value, extra = DIRTY[leaf.split(".")[-1]]
    if "{rid}" in where or "{referral_id}" in where or where == "referral_status":
        world["rid"] = _fresh_referral(world)
    if surface == "api":
        rule = api_text_fields()[(where, leaf)].rule
        template, base = _api_base(where)
        body, _ = _put({**base, **extra}, leaf, value)
        if where.endswith("/status"):
            body["status"] = "returned"
        response = Client().post(
            template.format(**world),
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {world['token']}",
        )
        assert response.status_code in (200, 201), response.content[:300]
        _check_controls(value, rule)
        _check_stored(API_STORED[(where, leaf)], world, tc.clean_text(value, rule))
    else:
        field = page_text_fields()[(where, leaf)]
        assert isinstance(field, TextField)
        path, base = PAGE_BODIES[where]
        data = {**base, **extra, leaf: value}
        if where == "referral_status":
            data["status"] = "returned"
        client = Client()
        sign_in(client, world["user"])
        response = client.post(path.format(id=world["id"], rid=world["rid"]), data)
        assert response.status_code in (200, 302)
        assert [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"] == []
        _check_controls(value, field.rule)
        _check_stored(PAGE_STORED[(where, leaf)], world, tc.clean_text(value, field.rule))


def _check_controls(value: str, rule: tc.TextRule) -> None:
    """What the rule keeps of ``value``'s invisible controls: every one, in order, in free text; none in a
    one-line field. (Each dirty value has at least one.)"""
    sent = [c for c in value if c in tc.INVISIBLE]
    kept = [c for c in tc.clean_text(value, rule) if c in tc.INVISIBLE]
    assert sent
    assert kept == ([] if rule.single_line else sent)
