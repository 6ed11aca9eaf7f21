"""Support's records prove actions and raise reminders through tables ``heed.calls`` keeps (registered when
Django starts), so ``heed.calls`` never imports ``heed.support``."""

from __future__ import annotations

from heed.calls.actions import PROOFS
from heed.calls.tasks import REMINDERS
from heed.support import proofs


def test_support_registers_its_proofs_and_reminders_when_django_starts() -> None:
    assert PROOFS["specialist_advice"] is proofs.specialist_advice
    assert PROOFS["safeguarding_referral"] is proofs.safeguarding_referral
    assert REMINDERS["referral"] is proofs.referral_due
