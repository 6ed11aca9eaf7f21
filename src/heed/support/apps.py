from __future__ import annotations

from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "heed.support"
    label = "support"
    verbose_name = "Caller support and referrals"

    def ready(self) -> None:
        from heed.calls.actions import register_proof
        from heed.calls.tasks import register_reminder
        from heed.support import proofs

        register_proof("specialist_advice", proofs.specialist_advice)
        register_proof("safeguarding_referral", proofs.safeguarding_referral)
        register_reminder("referral", proofs.referral_due)
