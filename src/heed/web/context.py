"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from heed.accounts.access import may, may_manage_forces, may_publish_guidance
from heed.accounts.roles import Action


def heed(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "heed_demo": settings.HEED_DEMO,
        "may_create": may(user, Action.CREATE),
        "may_timeline": may(user, Action.TIMELINE),
        "may_queue": may(user, Action.QUEUE),
        "may_referrals": may(user, Action.REFERRALS),
        "may_users": may(user, Action.USERS),
        "may_forces": may_manage_forces(user),
        "may_train": may(user, Action.TRAIN),
        "may_training_team": may(user, Action.TRAINING_TEAM),
        "may_training_author": may(user, Action.TRAINING_AUTHOR),
        "may_guidance": may(user, Action.GUIDANCE),
        "may_lookback": may(user, Action.LOOKBACK) or may(user, Action.GUIDANCE),
        "may_compliance": may(user, Action.COMPLIANCE),
        "may_national_guidance": may_publish_guidance(user),
        "may_notices": may_publish_guidance(user) or may(user, Action.NOTICES),
        "mfa_pending": getattr(request, "heed_mfa_pending", False),
        "mfa_verified": bool(getattr(user, "is_verified", lambda: False)()),
        "sso_label": settings.HEED_OIDC.label if settings.HEED_OIDC is not None else "",
        "request_id": getattr(request, "request_id", ""),
    }
