"""The call page does its work once: one read per kind of record, and no engine run on a GET when nothing is
new (no unsent draft): the assessment stored with the last change is what the engine would say."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from heed.calls import services
from heed.calls.services import assessment
from heed.support.services import advice_record, referral_make

pytestmark = pytest.mark.django_db

FROM = re.compile(r'\bFROM\s+"?(\w+)"?', re.IGNORECASE)


def _reads(client: Client, url: str) -> Counter[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    tables: Counter[str] = Counter()
    for q in ctx.captured_queries:
        sql = q["sql"].lstrip()
        if sql.upper().startswith("SELECT"):
            found = FROM.search(sql)
            assert found is not None, sql
            tables[found.group(1)] += 1
    return tables


@pytest.fixture
def busy_call(cast: dict[str, Any], make_call: Any) -> Any:
    """A call with a log, answers, advice, a referral and a closure request: every kind of record shown."""
    call = make_call()
    handler = cast["handler"]
    services.note_add(actor=handler, call=call, text="SYNTHETIC. He also sent her money for a phone.")
    advice_record(actor=handler, call=call, agencies=["ceop"], method="read_out")
    referral_make(
        actor=handler, call=call, to="mash", reason="SYNTHETIC: adult asking a 14-year-old for pictures."
    )
    return call


def test_the_call_page_reads_each_kind_of_record_once(cast: dict[str, Any], busy_call: Any) -> None:
    client = Client()
    client.force_login(cast["handler"])
    reads = _reads(client, f"/calls/{busy_call.pk}/")
    assert {t: n for t, n in reads.items() if n > 1} == {}
    assert reads["calls_requiredaction"] == 1
    assert reads["support_advicerecord"] == 1


def test_a_get_with_no_draft_does_not_run_the_engine(
    cast: dict[str, Any], busy_call: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = Client()
    client.force_login(cast["handler"])
    stored = dict(busy_call.assessment)

    def engine_must_not_run(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the engine ran on a GET with nothing new")

    monkeypatch.setattr(assessment, "assess", engine_must_not_run)
    page = client.get(f"/calls/{busy_call.pk}/").content.decode()
    # What the panel shows is the stored reading: every stored indicator is on the page.
    for ind in stored["indicators"]:
        assert f'data-indicator="{ind["code"]}"' in page or ind["label"] in page


def test_a_draft_is_new_so_the_engine_reads_it(cast: dict[str, Any], busy_call: Any) -> None:
    client = Client()
    client.force_login(cast["handler"])
    services.draft_save(
        actor=cast["handler"], call=busy_call, text="SYNTHETIC. He said he would kill her dog."
    )
    calls: list[str] = []
    real = assessment.assess

    def counting(text: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(text)
        return real(text, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(assessment, "assess", counting)
        client.get(f"/calls/{busy_call.pk}/")
    assert len(calls) == 1 and "kill her dog" in calls[0]
