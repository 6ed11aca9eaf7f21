"""The national owner's statistics page (/stats/): national and per-force figures for a month, each label's
national figure month by month (a chart and a table, each line flagged when it is rising:
heed.stats.rising, thresholds in rising.yaml), and the upload of a force's signed statistics file.
Anyone else gets the same 404 as a missing page. Changes go through heed.stats.services."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from heed.accounts.access import actor_of, may_publish_guidance
from heed.guidance import packfile as pf
from heed.security.idempotency import idempotent
from heed.stats import fileformat as ff
from heed.stats import rising as rs
from heed.stats import selectors as ss
from heed.stats import services as svc
from heed.training.charts import BarChart, ChartRow
from heed.web.guidance_pages import allowed

TREND_TABLE = "platform"  # the table drawn as a chart; every table in rising.yaml has a trend table


def _trend_chart(months: list[str], series: dict[str, list[ss.Sum]]) -> BarChart:
    """The latest month's national figure per platform beside the month before, the highest first."""
    rows = []
    latest = sorted(series.items(), key=lambda kv: -kv[1][-1].low)
    top = max((s[-1].low for _, s in latest), default=0) or 1
    for i, (label, s) in enumerate(latest[:20]):
        now = s[-1]
        before = s[-2] if len(s) > 1 else None
        value = now.text if before is None else f"{now.text} (was {before.text} in {months[-2]})"
        rows.append(ChartRow(label=label, value=value, y=i * 46, width=round(260 * now.low / top, 1)))
    return BarChart(
        id="trend",
        title=f"Reports naming each platform in {months[-1] if months else 'no month yet'}, nationally",
        description="One bar per platform, the most reported first, with the month before; the same "
        "figures, month by month, are in the table below. Suppressed counts are not added in: a bar is "
        "the figure it is at least.",
        rows=rows,
        bar_area=260,
    )


@allowed(may_publish_guidance)
@require_GET
def national(request: HttpRequest) -> HttpResponse:
    rows = ss.newest()
    months = ss.periods(rows)
    period = request.GET.get("period", "")
    if period not in months:
        period = months[-1] if months else ""
    calls, calls_by_force = ss.calls_for(rows, period)
    trend_months, series = ss.trend(rows, TREND_TABLE)
    rules = rs.load_rules()
    return render(
        request,
        "web/stats/national.html",
        {
            "months": months,
            "period": period,
            "calls": calls,
            "calls_by_force": sorted(calls_by_force.items()),
            "tables": ss.tables_for(rows, period) if period else [],
            "trend_chart": _trend_chart(trend_months, series),
            "trend_table": TREND_TABLE,
            "trends": ss.trend_views(rows, rules),
            "rules": rules,
            "kept": sorted(rows.values(), key=lambda r: (r.period, r.force_code), reverse=True)[:50],
            "keys_configured": bool(settings.HEED_STATS_KEYS),
        },
    )


@allowed(may_publish_guidance)
@require_POST
@idempotent("form")
def upload(request: HttpRequest) -> HttpResponse:
    back = reverse("stats:national")
    upload = request.FILES.get("file")
    if not isinstance(upload, UploadedFile) or not upload.size:
        messages.error(request, "Nothing was imported: choose a force's signed statistics file.")
        return redirect(back)
    if upload.size > ff.MAX_BYTES:
        messages.error(request, "Nothing was imported: the file is too large to be a statistics file.")
        return redirect(back)
    if not settings.HEED_STATS_KEYS:
        messages.error(request, "Nothing was imported: no trusted keys are configured (HEED_STATS_KEYS).")
        return redirect(back)
    try:
        trusted = pf.load_trusted_keys(Path(settings.HEED_STATS_KEYS))
        row = svc.stats_import(data=upload.read(), trusted=trusted, actor=actor_of(request))
    except (pf.PackFileRefused, OSError) as exc:
        messages.error(request, f"Nothing was imported: the trusted keys cannot be read ({exc}).")
    except svc.StatsRefused as exc:
        messages.error(request, f"The file was {exc}. Nothing was imported.")
    else:
        messages.success(request, f"Imported {row.force_code} {row.period}.")
    return redirect(back)
