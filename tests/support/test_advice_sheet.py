"""The printed advice sheet (heed.support.sheets): only the agencies given to the caller (before any advice is
recorded, those the guidance requires), laid out within its pages."""

from __future__ import annotations

from typing import Any

import pytest
from weasyprint.formatting_structure import boxes

from heed.risk import default_pack
from heed.support import services as support
from heed.support.sheets import advice_sheet_document

pytestmark = pytest.mark.django_db


def _text(document: Any) -> str:
    return " ".join(
        b.text
        for page in document.pages
        for b in page._page_box.descendants()
        if isinstance(b, boxes.TextBox)
    )


def _overflowing(document: Any) -> list[str]:
    """Text laid out beyond its page's content area (the running footer lives in the margin, by design)."""
    out = []
    for number, page in enumerate(document.pages, 1):
        box = page._page_box
        left, top = box.content_box_x(), box.content_box_y()
        right, bottom = left + box.width, top + box.height
        for child in box.children:
            if isinstance(child, boxes.MarginBox):
                continue
            for b in child.descendants():
                if isinstance(b, boxes.TextBox) and (
                    b.position_x < left - 0.5
                    or b.position_x + b.width > right + 0.5
                    or b.position_y + b.height > bottom + 0.5
                ):
                    out.append(f"page {number}: {b.text[:40]!r}")
    return out


def test_the_sheet_lists_only_the_agencies_given(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call()
    assert "internet_matters" in call.assessment["suggested_agencies"]
    support.advice_record(actor=cast["handler"], call=call, agencies=["nspcc"], method="printed")
    text = _text(advice_sheet_document(call))
    assert "NSPCC Helpline" in text
    assert "NCA-CEOP" not in text and "Internet Matters" not in text


def test_before_any_advice_the_sheet_lists_what_the_guidance_requires(make_call: Any) -> None:
    call = make_call()
    assert call.assessment["required_agencies"] == ["ceop", "nspcc"]
    document = advice_sheet_document(call)
    text = _text(document)
    assert "NCA-CEOP Safety Centre" in text and "NSPCC Helpline" in text
    assert "Internet Matters" not in text
    assert len(document.pages) == 1 and _overflowing(document) == []
    assert f"Police reference {call.reference} · page 1 of 1" in text


def test_every_agency_given_still_fits_its_pages(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call()
    every = list(default_pack().agencies)
    support.advice_record(actor=cast["handler"], call=call, agencies=every, method="printed")
    document = advice_sheet_document(call)
    assert len(document.pages) == 2
    assert _overflowing(document) == []
    text = _text(document)
    assert "page 1 of 2" in text and "page 2 of 2" in text
    # Each agency is kept whole on one page (its name and its contact are never split apart).
    boxes: list[Any] = []
    for number, page in enumerate(document.pages):
        box = page._page_box
        for b in box.descendants():
            if getattr(b, "element_tag", "") == "div" and "agency" in (b.element.get("class") or "").split():
                boxes.append((id(b.element), number))
                assert b.position_y + b.margin_height() <= box.content_box_y() + box.height
    # One box for each agency given (999 is the danger line at the top, not a box), each on one page.
    agencies = {element for element, _ in boxes}
    assert len(agencies) == len([a for a in every if a != "emergency_999"])
    assert len(set(boxes)) == len(agencies)  # no agency's box is on two pages
