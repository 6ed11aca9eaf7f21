"""Scenario authoring in the web app: a trainer saves a draft (typed or uploaded), sees every problem of a
refused one with the text kept, previews a draft laid out to read, and publishes it into the force's library
or withdraws it. Only the force's trainers reach any of it."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from heed.training.library import force_library, pack
from heed.training.models import AuthoredScenario
from heed.training.scenario import LIBRARY_DIR, ScenarioError, scenario_from_text
from tests.conftest import UserFactory, sign_in

pytestmark = pytest.mark.django_db

SEED = (LIBRARY_DIR / "seed-case.yaml").read_text(encoding="utf-8")
NOT_TRAINERS = ("handler", "supervisor", "safeguarding", "auditor", "admin", "other_handler", "national")


def own(version: int = 1, title: str = "SYNTHETIC. A father rings about his son's gaming friend") -> str:
    """The seed scenario made the force's own: its own id, version and title."""
    text = SEED.replace("id: seed-case\n", "id: tst-gaming-friend\n", 1)
    text = text.replace("version: 1\n", f"version: {version}\n", 1)
    return re.sub(r"^title: .*$", f"title: {title}", text, count=1, flags=re.M)


def textarea(html: str) -> str:
    match = re.search(r'<textarea[^>]*name="text"[^>]*>(.*?)</textarea>', html, re.S)
    assert match
    return unescape(match.group(1))


@pytest.fixture
def trainer(cast: dict[str, Any]) -> Client:
    return sign_in(Client(), cast["trainer"])


def test_a_draft_is_saved_and_previewed_for_a_trainer_to_read(trainer: Client, cast: dict[str, Any]) -> None:
    saved = trainer.post("/training/authoring/", {"text": own()})
    row = AuthoredScenario.objects.get(scenario_id="tst-gaming-friend")
    assert saved.status_code == 302 and saved["Location"] == f"/training/authoring/{row.pk}/"
    assert (row.status, row.version, row.force, row.author) == (
        "draft",
        1,
        cast["trainer"].force,
        cast["trainer"],
    )
    page = trainer.get(saved["Location"])
    assert page.status_code == 200
    html = unescape(page.content.decode())
    assert "SYNTHETIC. A father rings about his son's gaming friend" in html
    assert "SYNTHETIC Ruth Marlow (parent)" in html  # the caller
    assert "I think he's\n  grooming him" in html or "I think he's<br>grooming him" in html  # the opening
    assert "Adult or much older contact" in html and "Probing supervision and routine" in html  # key: signs
    assert "CEOP" in html  # an agency by its name
    assert "Recognising the danger signs" in html  # a teaching point under its competency
    assert "He sent Toby a mobile phone in the post." in html  # a fact
    assert "Publish into the library" in html and "Withdraw" not in html
    listing = unescape(trainer.get("/training/authoring/").content.decode())
    assert 'data-scenario="tst-gaming-friend"' in listing and "not in the library" in listing


def test_a_refused_scenario_shows_every_problem_and_keeps_the_text(trainer: Client) -> None:
    broken = (
        own()
        .replace("name: SYNTHETIC Ruth Marlow", "name: Ruth Marlow")
        .replace("relation: parent", "relation: neighbour")
        .replace("  indicators: [", "  indicators: [not_a_sign, ", 1)
    )
    with pytest.raises(ScenarioError) as refused:
        scenario_from_text(broken, pack())
    problems = refused.value.problems
    assert len(problems) >= 3
    page = trainer.post("/training/authoring/", {"text": broken})
    assert page.status_code == 200
    html = page.content.decode()
    assert "The scenario was not saved" in html
    listed = [unescape(p) for p in re.findall(r'<li><a href="#scenario-text">(.*?)</a></li>', html)]
    assert listed == list(problems)
    assert any("caller.name" in p for p in listed) and any("caller.relation" in p for p in listed)
    assert any("'not_a_sign' is not an indicator" in p for p in listed)
    assert textarea(html) == broken
    assert not AuthoredScenario.objects.exists()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("id: [unclosed\n", "not valid YAML at line"),
        ("", "The scenario is empty."),
        ("just words", "must be a mapping of fields"),
        (SEED, "is a national scenario's"),
        ("\u202eid: x\n", "is not a field of a scenario"),
    ],
)
def test_each_refusal_is_shown_not_an_error_page(trainer: Client, text: str, problem: str) -> None:
    page = trainer.post("/training/authoring/", {"text": text})
    assert page.status_code == 200
    html = unescape(page.content.decode())
    assert "The scenario was not saved" in html and problem in html
    assert textarea(page.content.decode()) == text


def test_an_invisible_control_in_a_problem_is_shown_not_obeyed(trainer: Client) -> None:
    html = trainer.post("/training/authoring/", {"text": "\u202eid: x\n"}).content.decode()
    problems = html.split('data-list="problems"')[1].split("</ul>")[0]
    assert "\u202e" not in problems and 'class="heed-control"' in problems
    assert textarea(html) == "\u202eid: x\n"  # what was typed is kept exactly


def test_a_scenario_with_thousands_of_problems_lists_the_first_hundred(trainer: Client) -> None:
    text = "facts:\n" + "  - 1\n" * 500  # each fact is a problem ("must be a mapping of fields")
    with pytest.raises(ScenarioError) as refused:
        scenario_from_text(text, pack())
    total = len(refused.value.problems)
    assert total > 500
    html = trainer.post("/training/authoring/", {"text": text}).content.decode()
    assert html.count('<li><a href="#scenario-text">') == 100
    assert f'data-more-problems="{total - 100}"' in html
    assert textarea(html) == text


def test_a_version_too_large_to_store_is_refused(trainer: Client) -> None:
    page = trainer.post("/training/authoring/", {"text": own(99_999_999_999)})
    assert (
        page.status_code == 200 and "version: must be a whole number from 1 to 9999" in page.content.decode()
    )
    assert not AuthoredScenario.objects.exists()


def test_a_new_version_must_be_numbered_above_the_last(trainer: Client) -> None:
    trainer.post("/training/authoring/", {"text": own()})
    row = AuthoredScenario.objects.get()
    trainer.post(f"/training/authoring/{row.pk}/publish")
    again = trainer.post("/training/authoring/", {"text": own(title="SYNTHETIC. Changed")})
    assert again.status_code == 200
    assert "make it version 2" in unescape(again.content.decode())
    assert textarea(again.content.decode()) == own(title="SYNTHETIC. Changed")
    saved = trainer.post("/training/authoring/", {"text": own(2, "SYNTHETIC. Changed")})
    assert saved.status_code == 302 and AuthoredScenario.objects.count() == 2


def test_a_scenario_can_be_uploaded_as_a_file(trainer: Client) -> None:
    upload = SimpleUploadedFile("own.yaml", own().encode("utf-8"), content_type="application/x-yaml")
    saved = trainer.post("/training/authoring/", {"text": "", "file": upload})
    assert saved.status_code == 302
    assert AuthoredScenario.objects.get().text == own()


@pytest.mark.parametrize(
    ("content", "problem"),
    [(b"\xff\xfe\x00garbage", "not text (UTF-8)"), (b"a" * 200_001, "larger than 200 kB")],
)
def test_a_file_that_is_not_a_scenario_is_refused_in_words(
    trainer: Client, content: bytes, problem: str
) -> None:
    upload = SimpleUploadedFile("own.yaml", content)
    page = trainer.post("/training/authoring/", {"text": "typed: kept", "file": upload})
    assert page.status_code == 200
    assert problem in page.content.decode()
    assert textarea(page.content.decode()) == "typed: kept"


def test_publishing_puts_it_in_the_library_and_withdrawing_takes_it_out(
    trainer: Client, cast: dict[str, Any]
) -> None:
    force = cast["trainer"].force
    trainer.post("/training/authoring/", {"text": own()})
    row = AuthoredScenario.objects.get()
    assert "tst-gaming-friend" not in force_library(force)
    published = trainer.post(f"/training/authoring/{row.pk}/publish")
    assert published.status_code == 302 and published["Location"] == f"/training/authoring/{row.pk}/"
    row.refresh_from_db()
    assert (row.status, row.published_by) == ("published", cast["trainer"])
    assert (
        force_library(force)["tst-gaming-friend"].title
        == "SYNTHETIC. A father rings about his son's gaming friend"
    )
    assert "tst-gaming-friend" not in force_library(cast["other_handler"].force)
    page = unescape(trainer.get(published["Location"]).content.decode())
    assert "it is in the library" in page and "Withdraw from the library" in page
    # Publishing twice is refused in words, not an error page.
    twice = trainer.post(f"/training/authoring/{row.pk}/publish", follow=True)
    assert twice.status_code == 200 and "Not published: this version is published, not a draft" in unescape(
        twice.content.decode()
    )
    withdrawn = trainer.post(f"/training/authoring/{row.pk}/withdraw")
    assert withdrawn.status_code == 302
    row.refresh_from_db()
    assert row.status == "withdrawn" and "tst-gaming-friend" not in force_library(force)
    again = trainer.post(f"/training/authoring/{row.pk}/withdraw", follow=True)
    assert "Not withdrawn: this version is withdrawn, not published" in unescape(again.content.decode())


def test_a_version_can_be_started_from_another(trainer: Client) -> None:
    trainer.post("/training/authoring/", {"text": own()})
    row = AuthoredScenario.objects.get()
    page = trainer.get(f"/training/authoring/?from={row.pk}")
    assert textarea(page.content.decode()) == own()
    assert trainer.get(f"/training/authoring/?from={row.pk + 1}").status_code == 404
    assert trainer.get("/training/authoring/?from=x").status_code == 404


def test_authoring_is_for_the_forces_trainers_only(trainer: Client, cast: dict[str, Any]) -> None:
    trainer.post("/training/authoring/", {"text": own()})
    row = AuthoredScenario.objects.get()
    other_trainer = UserFactory(username="t.other_trainer", force=cast["other_handler"].force, role="trainer")
    paths = [
        ("get", "/training/authoring/"),
        ("post", "/training/authoring/"),
        ("get", f"/training/authoring/{row.pk}/"),
        ("post", f"/training/authoring/{row.pk}/publish"),
        ("post", f"/training/authoring/{row.pk}/withdraw"),
    ]
    for persona in NOT_TRAINERS:
        client = sign_in(Client(), cast[persona])
        for method, path in paths:
            response = getattr(client, method)(path, {"text": own(3)} if method == "post" else None)
            assert response.status_code == 404, (persona, method, path)
    other = sign_in(Client(), other_trainer)
    assert other.get("/training/authoring/").status_code == 200  # their own force's authoring
    for method, path in paths[2:]:
        assert getattr(other, method)(path).status_code == 404, path
    row.refresh_from_db()
    assert row.status == "draft" and AuthoredScenario.objects.count() == 1
    for method, path in paths:
        response = getattr(Client(), method)(path)
        assert response.status_code == 302 and "/login" in response["Location"]


def test_publish_and_withdraw_need_a_post_with_its_csrf_token(cast: dict[str, Any]) -> None:
    client = sign_in(Client(enforce_csrf_checks=True), cast["trainer"])
    sign_in(Client(), cast["trainer"]).post("/training/authoring/", {"text": own()})
    row = AuthoredScenario.objects.get()
    assert client.get(f"/training/authoring/{row.pk}/publish").status_code == 405
    assert client.post(f"/training/authoring/{row.pk}/publish").status_code == 403
    row.refresh_from_db()
    assert row.status == "draft"
