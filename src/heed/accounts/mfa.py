"""The second factor (django-otp): an authenticator app (TOTP) and single-use recovery codes.

Required for the roles in ``MFA_REQUIRED_ROLES``; optional for handlers, but once a handler has enrolled, they
verify at every sign-in too. Each decision (enrolled, verified, refused, a recovery code used, codes issued,
devices reset) is audited in the transaction that makes it.
"""

from __future__ import annotations

from base64 import b32encode
from dataclasses import dataclass

from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from heed.accounts.models import User
from heed.accounts.roles import MFA_REQUIRED_ROLES
from heed.audit.events import EventType
from heed.audit.services import audit_record

RECOVERY_CODES = 10
APP_DEVICE = "authenticator app"
RECOVERY_DEVICE = "recovery codes"


class MfaError(ValueError):
    """A code was not accepted, or the step cannot be taken now; the message says why."""


def mfa_enrolled(user: User) -> bool:
    """Whether the user has a confirmed authenticator app."""
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def mfa_required(user: User) -> bool:
    """Whether the user must verify a second factor before reaching anything."""
    return user.role in MFA_REQUIRED_ROLES or mfa_enrolled(user)


@dataclass(frozen=True)
class Enrolment:
    """A pending authenticator app: the secret to type in, and the otpauth URI (also as a QR code)."""

    device: TOTPDevice
    secret: str
    uri: str

    @property
    def secret_groups(self) -> str:
        """The base32 secret in groups of four, easier to type."""
        return " ".join(self.secret[i : i + 4] for i in range(0, len(self.secret), 4))

    def qr_svg(self) -> str:
        """The URI as an inline SVG QR code (segno, pure Python: no image, no script)."""
        import segno

        return str(segno.make(self.uri, error="m").svg_inline(scale=4, border=2, dark="#0b0c0c"))


def mfa_enrolment_start(*, user: User) -> Enrolment:
    """The user's pending (unconfirmed) authenticator app, made once and shown until confirmed.

    Refused when the user already has a confirmed app: a second one could only be added by someone who had
    not proved the first (an administrator resets it instead).
    """
    if mfa_enrolled(user):
        raise MfaError("an authenticator app is already set up for this account")
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return Enrolment(device=device, secret=secret, uri=str(device.config_url))


def _clean_code(code: str) -> str:
    return "".join(str(code).split()).replace("-", "").lower()[:32]


def _issue_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE, confirmed=True)
    codes: list[str] = []
    while len(codes) < RECOVERY_CODES:
        code = StaticToken.random_token()
        # A code of digits alone would be taken for an app's code; such a draw is made again.
        if code not in codes and not code.isdigit():
            codes.append(code)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def mfa_enrolment_confirm(*, user: User, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the pending app with a code it shows; returns the app and new recovery codes (shown once)."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        if mfa_enrolled(user):
            raise MfaError("an authenticator app is already set up for this account")
        device = (
            TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
        )
        if device is None:
            raise MfaError("start again: no authenticator app is waiting to be confirmed")
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            raise MfaError("too many wrong codes: wait a few seconds, then enter the newest code")
        accepted = device.verify_token(_clean_code(code))
        codes: list[str] = []
        if accepted:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            codes = _issue_recovery_codes(user)
            audit_record(
                event_type=EventType.MFA_ENROLLED,
                actor=user,
                obj=user,
                after={"device": device.persistent_id, "recovery_codes": len(codes)},
            )
        else:
            # The refusal is recorded (with the device's throttling) and committed, then raised.
            audit_record(event_type=EventType.MFA_FAILED, actor=user, obj=user, after={"step": "enrol"})
    if not accepted:
        raise MfaError("that code is not right: enter the 6-digit code your app shows now")
    return device, codes


def mfa_verify(*, user: User, code: str) -> Device:
    """The device that accepts ``code``: the authenticator app, or else one recovery code (used up)."""
    cleaned = _clean_code(code)
    if not cleaned:
        raise MfaError("enter the 6-digit code from your authenticator app, or a recovery code")
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        app = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        recovery = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if app is None:
            raise MfaError("no authenticator app is set up for this account")
        waiting = [d for d in (app, recovery) if d is not None and not d.verify_is_allowed()[0]]
        if waiting:
            raise MfaError("too many wrong codes: wait a few seconds, then try again")
        device: Device | None = None
        if cleaned.isdigit() and app.verify_token(cleaned):
            device = app
            audit_record(event_type=EventType.MFA_VERIFIED, actor=user, obj=user, after={"with": "app"})
        elif not cleaned.isdigit() and recovery is not None and recovery.verify_token(cleaned):
            device = recovery
            audit_record(
                event_type=EventType.MFA_RECOVERY_USED,
                actor=user,
                obj=user,
                after={"remaining": recovery.token_set.count()},
            )
        else:
            # A wrong code throttles the device it was tried on (django-otp does so in verify_token).
            if not cleaned.isdigit() and recovery is None:
                app.throttle_increment()
            audit_record(event_type=EventType.MFA_FAILED, actor=user, obj=user, after={"step": "verify"})
    if device is None:
        raise MfaError(
            "that code is not right: enter the code your app shows now, or an unused recovery code"
        )
    return device


def mfa_recovery_codes_issue(*, user: User) -> list[str]:
    """A new set of recovery codes (the old ones stop working); for a user who has verified."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        if not mfa_enrolled(user):
            raise MfaError("set up an authenticator app first")
        codes = _issue_recovery_codes(user)
        audit_record(
            event_type=EventType.MFA_RECOVERY_ISSUED,
            actor=user,
            obj=user,
            after={"recovery_codes": len(codes)},
        )
    return codes


def recovery_codes_left(user: User) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


def mfa_devices_delete(user: User) -> int:
    """Remove every second-factor device of ``user`` (inside the caller's transaction); returns how many."""
    app_count, _ = TOTPDevice.objects.filter(user=user).delete()
    static_count = int(StaticDevice.objects.filter(user=user).count())
    StaticDevice.objects.filter(user=user).delete()
    return int(app_count) + static_count
