"""A force's raw figures for one month, counted from its live calls (never a training call): the calls
opened in the month, by indicator, grade, response, outcome (as it stands), platform and the child's age
band, and the compliance dashboard's figures. Only counts leave here; every label is mapped into its
table's fixed vocabulary (``heed.stats.fileformat``), so nothing typed on a call can become a label."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from heed.accounts.models import Force
from heed.calls.models import (
    Call,
    CallStatus,
    ClosureRequest,
    IdentifierCheck,
    IdentifierSighting,
    ReviewDecision,
)
from heed.calls.workflow import OUTCOMES
from heed.compliance.figures import dashboard, month_period
from heed.packstore import selectors as ps
from heed.risk.pack import RESPONSES
from heed.stats import fileformat as ff


@dataclass
class Figures:
    """Raw counts (before suppression): never written anywhere as they are."""

    calls: int = 0
    packs: set[str] = field(default_factory=set)
    tables: dict[str, Counter[str]] = field(default_factory=dict)
    compliance: dict[str, Counter[str]] = field(default_factory=dict)


def month_bounds(period: str) -> tuple[dt.datetime, dt.datetime]:
    """The first instant of the month ``YYYY-MM`` and of the next (UTC)."""
    try:
        start = dt.datetime.strptime(period + "-01", "%Y-%m-%d").replace(tzinfo=dt.UTC)
    except ValueError:
        raise ValueError(f"{period!r} is not a month (YYYY-MM)") from None
    end = (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )
    return start, end


def age_band(age: int | None) -> str:
    if age is None:
        return "unknown"
    for top, band in ((9, "0-9"), (12, "10-12"), (15, "13-15"), (17, "16-17")):
        if age <= top:
            return band
    return "unknown"  # not a child's age (the intake refuses it): never a band of its own


def _national_indicators(force: Force) -> frozenset[str]:
    """Indicator codes of the national guidance (shipped, and the version the force runs): a force's own
    local indicators are counted together as ``local``."""
    codes = set(ps.load_guidance(None, None, "").indicators)
    row = ps.in_force(force)
    if row is not None and row.pack is not None:
        codes |= set(ps.load_guidance(row.pack, None, force.code).indicators)
    return frozenset(codes)


def _closed_at(
    call: Call, requests: list[ClosureRequest], reviews: list[ReviewDecision]
) -> dt.datetime | None:
    closed = [r for r in requests if r.state == ClosureRequest.State.CLOSED]
    if call.status != CallStatus.CLOSED or not closed:
        return None
    request = closed[-1]
    times = [request.requested_at, *(d.decided_at for d in reviews if d.request_id == request.pk)]
    return max(times)


def force_figures(force: Force, period: str) -> Figures:
    """The raw figures of ``force``'s live calls opened in ``period`` (YYYY-MM)."""
    start, end = month_bounds(period)
    calls = list(
        Call.objects.filter(force=force, training=False, created_at__gte=start, created_at__lt=end).only(
            "id", "status", "risk", "response", "child_age", "assessment", "pack_version"
        )
    )
    ids = [c.pk for c in calls]
    national = _national_indicators(force)
    platforms = set(ff.platforms())
    requests: dict[int, list[ClosureRequest]] = {}
    for r in ClosureRequest.objects.filter(call_id__in=ids).order_by("requested_at", "id"):
        requests.setdefault(r.call_id, []).append(r)
    reviews: dict[int, list[ReviewDecision]] = {}
    for d in ReviewDecision.objects.filter(call_id__in=ids, decision=ReviewDecision.Decision.APPROVE):
        reviews.setdefault(d.call_id, []).append(d)
    seen_on: dict[int, set[str]] = {}
    for model in (IdentifierSighting, IdentifierCheck):
        for call_id, platform in (
            model.objects.filter(call_id__in=ids).exclude(platform="").values_list("call_id", "platform")
        ):
            seen_on.setdefault(call_id, set()).add(platform if platform in platforms else ff.OTHER)

    f = Figures(calls=len(calls))
    t = f.tables = {name: Counter() for name in ff.TABLES}
    # Every cell of a fixed vocabulary is present, 0 or not, so forces' tables line up.
    for name in ("grade", "response", "outcome", "age_band"):
        for label in ff.vocabulary(ff.TABLES[name]):
            t[name][label] = 0
    for call in calls:
        if call.pack_version:
            f.packs.add(call.pack_version)
        codes = {
            str(i.get("code", ""))
            for i in (call.assessment or {}).get("indicators", [])
            if isinstance(i, dict)
        }
        for code in codes:
            t["indicator"][code if code in national else ff.LOCAL] += 1
        t["grade"][call.risk or "not_graded"] += 1
        t["response"][
            call.response if call.response in RESPONSES else ("none" if not call.response else ff.OTHER)
        ] += 1
        closed_at = _closed_at(call, requests.get(call.pk, []), reviews.get(call.pk, []))
        outcome = requests[call.pk][-1].outcome if closed_at is not None else "open"
        t["outcome"][outcome if outcome in OUTCOMES or outcome == "open" else ff.OTHER] += 1
        for platform in seen_on.get(call.pk, ()):
            t["platform"][platform] += 1
        t["age_band"][age_band(call.child_age)] += 1
    f.compliance = compliance_counts(force, period)
    return f


def compliance_counts(force: Force, period: str) -> dict[str, Counter[str]]:
    """The compliance dashboard's own figures for the month (``heed.compliance.figures``: one definition of
    each, shown to the force and sent to the nation), as counts: each figure "yes" (the calls it counts) and
    "no" (the rest of its base), and the close requests refused by what was outstanding."""
    start, _ = month_bounds(period)
    d = dashboard(force, month_period(start.date()))
    figs = d.force_figures.figures
    calls = figs["calls"].count
    out: dict[str, Counter[str]] = {}
    for name in ff.COMPLIANCE_FIGURES:
        fig = figs[name]
        base = fig.total if fig.total is not None else calls
        out[name] = Counter({"yes": fig.count, "no": max(base - fig.count, 0)})
    out["closure_refusals"] = Counter(
        {
            code if ff.CODE.fullmatch(code) else ff.OTHER: n
            for code, n in d.force_figures.refused_outstanding.items()
        }
    )
    return out


def document(force: Force, period: str, *, now: dt.datetime) -> dict[str, Any]:
    """The unsigned, suppressed statistics document of ``force`` for ``period``."""
    f = force_figures(force, period)
    return ff.build(
        force=force.code,
        period=period,
        generated_at=now,
        packs=sorted(p for p in f.packs if ff.STAMP.fullmatch(p)),
        calls=f.calls,
        tables=f.tables,
        compliance=f.compliance,
    )
