"""The advice sheet for the caller: a PDF (WeasyPrint) and a plain text short enough for two text messages."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from heed.calls.models import Call
from heed.packstore.selectors import pack_for_call
from heed.risk import default_pack
from heed.support.models import AdviceRecord

SMS_LIMIT = 306  # two concatenated GSM-7 text messages
_GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


def sheet_agencies(call: Call) -> list[dict[str, Any]]:
    """The agencies for this caller, required ones first, with their public contacts."""
    pack = pack_for_call(call)
    required = set(call.assessment.get("required_agencies", []))
    codes = call.assessment.get("suggested_agencies", []) or pack.suggest_agencies([], "standard")
    ordered = [c for c in codes if c in required] + [c for c in codes if c not in required]
    return _agencies(ordered, required)


def given_agencies(call: Call) -> list[dict[str, Any]]:
    """The agencies recorded as given to the caller, in the order first given (each once).

    Before any advice is recorded, the sheet is the one the handler is about to give: the agencies the
    guidance requires for this call (what must be given whatever else is), never every suggestion."""
    given: list[str] = []
    for record in AdviceRecord.objects.filter(call=call).order_by("given_at", "id"):
        given.extend(c for c in record.agencies if c not in given)
    required = call.assessment.get("required_agencies", [])
    return _agencies(given or required, set(required))


def _agencies(codes: list[str], required: set[str]) -> list[dict[str, Any]]:
    pack = default_pack()
    out = []
    for code in codes:
        if code not in pack.agencies:  # a code from an older pack: nothing to show the caller for it
            continue
        a = pack.agencies[code]
        out.append(
            {
                "code": code,
                "name": a.name,
                "purpose": a.purpose,
                "phone": a.contact.get("phone", ""),
                "url": a.contact.get("url", ""),
                "required": code in required,
                "review_date": a.review_date,
                # Numbers change: past its review date, a contact is shown with a warning to check it first.
                "review_overdue": a.review_date < timezone.localdate(),
            }
        )
    return out


def _short_url(url: str) -> str:
    return url.removeprefix("https://").removeprefix("www.").rstrip("/")


def sms_text(call: Call) -> str:
    """Plain English, at most two text messages: the reference, the agencies (required first), 999."""
    parts = [f"Police ref {call.reference}."]
    if "emergency_999" in call.assessment.get("suggested_agencies", []):
        parts.append("If a child is in danger now call 999.")
    for a in sheet_agencies(call):
        if a["code"] == "emergency_999":
            continue
        contact = a["phone"] or _short_url(a["url"])
        candidate = f"{a['name'].split(' (')[0]}: {contact}."
        if len(" ".join([*parts, candidate])) > SMS_LIMIT - 60:
            break
        parts.append(candidate)
    parts.append("Keep the messages, don't delete or confront. Never forward images.")
    if "emergency_999" not in call.assessment.get("suggested_agencies", []):
        parts.append("Danger now: 999.")
    text = " ".join(parts)
    text = "".join(ch if ch in _GSM7 else "-" for ch in text)
    return text[:SMS_LIMIT]


def sheet_context(call: Call) -> dict[str, Any]:
    pack = pack_for_call(call)
    return {
        "call": call,
        # 999 is on every sheet in its own box, above the agencies.
        "agencies": [a for a in given_agencies(call) if a["code"] != "emergency_999"],
        "evidence_advice": pack.evidence_advice,
        "pack_version": pack.version,
    }


def advice_sheet_document(call: Call) -> Any:
    """The advice sheet laid out (a WeasyPrint document: its pages can be counted and measured)."""
    from weasyprint import HTML

    html = render_to_string("support/advice_sheet.html", sheet_context(call))
    return HTML(string=html).render()


def advice_sheet_pdf(call: Call) -> bytes:
    """The printable advice sheet as PDF bytes."""
    pdf: bytes = advice_sheet_document(call).write_pdf()
    return pdf
