"""Turning a call's stored data into what the pages show: highlighted log text, prefilled check forms, the
questions the live panel asks first (decisive ones, and possible signs the rules do not confirm)."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from heed.calls.selectors import Segment
from heed.risk import GuidancePack
from heed.textclean import control_name, has_invisible, split_invisible


def show_text(value: object) -> SafeString:
    """``value`` as HTML (escaped), with each invisible control character (a bidirectional override, a
    zero-width space, an escape...) shown as a visible mark in its place instead of acting unseen: a pasted
    right-to-left override once reversed a phone number on screen. The stored text keeps the character (the
    record is evidence, docs/adr/0015-controls-kept-as-typed.md); the page shows that it is there and where.
    The mark isolates itself (``dir``), so nothing around it is reordered."""
    text = "" if value is None else str(value)
    if not has_invisible(text):
        return escape(text)
    parts: list[str] = []
    for run, invisible in split_invisible(text):
        if not invisible:
            parts.append(str(escape(run)))
            continue
        short, name = control_name(run)
        parts.append(
            f'<span class="heed-control" dir="ltr">[<abbr title="Invisible character, kept as typed: '
            f'{escape(name)}">{escape(short)}</abbr>]</span>'
        )
    return mark_safe("".join(parts))  # noqa: S308 - every run escaped above


@dataclass(frozen=True)
class Highlighted:
    segment: Segment
    html: SafeString
    codes: frozenset[str]


def highlight(segments: Sequence[Segment], indicators: Sequence[Mapping[str, Any]]) -> list[Highlighted]:
    """Each segment's text as HTML with every evidence span wrapped in ``<mark>`` naming its indicators.

    Spans index the joined text (``selectors.call_text``); overlapping spans of different indicators are cut
    at their boundaries so every character is marked with all the indicators it is evidence for.
    """
    spans: list[tuple[int, int, str, str]] = []
    for ind in indicators:
        for ev in ind.get("evidence", []):
            if ev.get("start") is not None and ev.get("end") is not None:
                spans.append((int(ev["start"]), int(ev["end"]), str(ind["code"]), str(ind["label"])))
    out: list[Highlighted] = []
    for seg in segments:
        inside = [
            (max(s, seg.start), min(e, seg.end), c, lbl)
            for s, e, c, lbl in spans
            if s < seg.end and e > seg.start
        ]
        cuts = sorted({seg.start, seg.end, *(s for s, _, _, _ in inside), *(e for _, e, _, _ in inside)})
        parts: list[str] = []
        codes_here: set[str] = set()
        for a, b in itertools.pairwise(cuts):
            # Offsets index the stored text (the engine reads each invisible control as a space in its place),
            # so a control inside evidence is marked inside its <mark>.
            piece = show_text(seg.text[a - seg.start : b - seg.start])
            codes = sorted({c for s, e, c, _ in inside if s <= a and e >= b})
            if codes:
                labels = sorted({lbl for s, e, c, lbl in inside if s <= a and e >= b})
                codes_here.update(codes)
                parts.append(
                    f'<mark class="heed-mark" data-indicators="{" ".join(codes)}" '
                    f'title="{escape("; ".join(labels))}">{piece}</mark>'
                )
            else:
                parts.append(str(piece))
        out.append(Highlighted(seg, mark_safe("".join(parts)), frozenset(codes_here)))  # noqa: S308 - escaped above
    return out


def prefill_person_query(
    person: Mapping[str, Any], subjects: Sequence[Mapping[str, Any]], *, only_person: bool
) -> dict[str, Any]:
    """A person-check query from what the caller said: the name, age and town, and, when this is the only
    person to check, the phone, e-mail and handle given on the call."""
    name = str(person.get("value", "")).strip()
    if name.isupper():
        name = name.title()
    parts = name.split()
    query: dict[str, Any] = {"given_name": parts[0] if parts else ""}
    if len(parts) > 1:
        query["family_name"] = " ".join(parts[1:])
    if person.get("age") is not None:
        query["age"] = person["age"]
    town = next((s for s in subjects if s.get("kind") == "town"), None)
    if town is not None:
        query["town"] = town["value"]
    if only_person:
        phone = next((s for s in subjects if s.get("kind") == "phone"), None)
        email = next((s for s in subjects if s.get("kind") == "email"), None)
        handle = next((s for s in subjects if s.get("kind") == "handle"), None)
        if phone is not None:
            query["phone"] = phone.get("e164") or phone["value"]
        if email is not None:
            query["email"] = email["value"]
        if handle is not None:
            query["handle"] = handle["value"]
            if handle.get("platform"):
                query["platform"] = handle["platform"]
    return query


def possible_signs(
    pack: GuidancePack, answers: Mapping[str, str], assessment: Mapping[str, Any] | None
) -> list[dict[str, Any]]:
    """The assessment's possible signs (learned-model hits the rules do not confirm) as questions to ask:
    the indicator and its label, the question it names (``question``, None when the pack has no such
    question) with its text, its answers and the one recorded on the call, the evidence that prompted it
    and the guidance example it reads like. They never change the grade; the answer may.

    Read defensively: an assessment made before the engine gave possible signs has none, and an entry
    without a label is left out rather than shown half-made.
    """
    raw = (assessment or {}).get("possible_signs") or []
    out: list[dict[str, Any]] = []
    for sign in raw if isinstance(raw, list) else []:
        if not isinstance(sign, Mapping):
            continue
        indicator = str(sign.get("indicator") or "")
        known = pack.indicators.get(indicator)
        label = str(sign.get("label") or (known.label if known is not None else ""))
        if not label:
            continue
        question = pack.questions.get(str(sign.get("question") or ""))
        qid = question.id if question is not None else None
        ev = sign.get("evidence")
        evidence = (
            {"start": ev.get("start"), "end": ev.get("end"), "text": str(ev.get("text") or "")}
            if isinstance(ev, Mapping)
            else None
        )
        out.append(
            {
                "indicator": indicator,
                "label": label,
                "question": qid,
                "id": qid,  # the page's question partial reads ``id``
                "text": str(sign.get("text") or (question.text if question is not None else "")),
                "answer": answers.get(qid) if qid is not None else None,
                "answers": list(question.answers) if question is not None else [],
                "evidence": evidence,
                "reads_like": str(sign.get("reads_like") or ""),
                # A decisive question is already asked, with its buttons, at the top of the panel.
                "decisive": bool(question is not None and question.decisive),
            }
        )
    return out
