"""Two-factor sign-in with an authenticator app (TOTP): enrolment, verification, role rules."""

import re
from base64 import b32encode
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import django_otp
import segno
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from burgh.core import audit
from burgh.identity.models import RoleAssignment, User
from burgh.identity.services import sessions
from burgh.identity.services.sign_in import clear_failed_attempts, register_failed_attempt

DEVICE_NAME = "Authenticator app"
CODE_PATTERN = re.compile(r"^\d{6}$")


class SecondFactorStep(StrEnum):
    """What a password-only session must do before anything else."""

    VERIFY = "verify"
    ENROL = "enrol"


class CodeRefusal(StrEnum):
    WRONG_CODE = "wrong_code"
    THROTTLED = "throttled"
    LOCKED = "locked"
    NO_DEVICE = "no_device"


@dataclass(frozen=True)
class CodeResult:
    refusal: CodeRefusal | None = None
    # When the account was locked by this failure: the person is signed out.
    locked_until: datetime | None = None
    # When the app's own back-off lets the next code be tried.
    retry_at: datetime | None = None

    @property
    def succeeded(self) -> bool:
        return self.refusal is None


def normalise_code(raw: str) -> str:
    """People type codes with spaces or dashes ("123 456"); keep only the digits."""
    return re.sub(r"[\s-]", "", raw)


def mfa_required_by_role(user: User, *, on: date | None = None) -> bool:
    """True if any role the user holds today has been marked as needing two-factor sign-in."""
    day = on or timezone.localdate()
    return RoleAssignment.objects.in_force(day).filter(user=user, role__requires_mfa=True).exists()


def confirmed_device(user: User) -> Any:
    """The user's confirmed authenticator app, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def has_confirmed_device(user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def second_factor_step(user: User, *, verified: bool) -> SecondFactorStep | None:
    """What, if anything, this signed-in session still owes before it may go on.

    Anyone with an app must use it; anyone holding a role that needs MFA must set one up.
    """
    if verified:
        return None
    if has_confirmed_device(user):
        return SecondFactorStep.VERIFY
    if mfa_required_by_role(user):
        return SecondFactorStep.ENROL
    return None


def pending_device(user: User) -> Any:
    """The app being set up: kept between visits so a reload does not change the QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def manual_entry_key(device: Any) -> str:
    """The secret in base32, in groups of four, for people who cannot scan the QR code."""
    key = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code_svg(device: Any) -> str:
    """The app's set-up address as an inline SVG QR code (no style attributes: CSP-safe)."""
    qr = segno.make(device.config_url, error="m")
    svg: str = qr.svg_inline(
        scale=4,
        border=4,
        dark="#0b0c0c",
        light="#ffffff",
        title="QR code for your authenticator app",
        svgclass="burgh-qr-code",
        lineclass=None,
    )
    return svg.replace("<svg ", '<svg role="img" focusable="false" ', 1)


def confirm_enrolment(request: HttpRequest, device: Any, code: str) -> CodeResult:
    """Confirm the app with a code it shows; this session then counts as verified."""
    user = request.user
    assert isinstance(user, User)
    allowed, info = device.verify_is_allowed()
    if not allowed:
        return CodeResult(CodeRefusal.THROTTLED, retry_at=(info or {}).get("locked_until"))
    verified = django_otp.verify_token(user, device.persistent_id, normalise_code(code))
    if verified is None:
        audit.record(
            "identity.mfa_enrolled",
            subject=user,
            actor=user,
            outcome="failure",
            detail={"reason": CodeRefusal.WRONG_CODE.value},
        )
        return CodeResult(CodeRefusal.WRONG_CODE)
    verified.confirmed = True
    verified.save(update_fields=["confirmed"])
    # One app per person: set-up pages opened earlier are abandoned.
    TOTPDevice.objects.filter(user=user, confirmed=False).exclude(pk=verified.pk).delete()
    _mark_verified(request, user, verified)
    audit.record("identity.mfa_enrolled", subject=user, actor=user)
    return CodeResult()


def verify_second_factor(request: HttpRequest, code: str) -> CodeResult:
    """Check a code from the user's app after the password; wrong codes count toward lock-out.

    Each code works once: the device remembers the last time step it accepted.
    """
    user = request.user
    assert isinstance(user, User)
    device = confirmed_device(user)
    if device is None:
        return CodeResult(CodeRefusal.NO_DEVICE)
    if user.is_locked() and user.locked_until is not None:
        # Locked meanwhile (say, by password guesses elsewhere): no more codes from here either.
        audit.record(
            "identity.mfa_verified",
            subject=user,
            actor=user,
            outcome="failure",
            detail={"reason": CodeRefusal.LOCKED.value},
        )
        sessions.sign_out_locked(request, until=user.locked_until)
        return CodeResult(CodeRefusal.LOCKED, locked_until=user.locked_until)
    allowed, info = device.verify_is_allowed()
    if not allowed:
        audit.record(
            "identity.mfa_verified",
            subject=user,
            actor=user,
            outcome="failure",
            detail={"reason": CodeRefusal.THROTTLED.value},
        )
        return CodeResult(CodeRefusal.THROTTLED, retry_at=(info or {}).get("locked_until"))
    verified = django_otp.verify_token(user, device.persistent_id, normalise_code(code))
    if verified is None:
        locked_until = register_failed_attempt(user)
        detail: dict[str, object] = {"reason": CodeRefusal.WRONG_CODE.value}
        if locked_until is not None:
            detail["account_locked"] = True
        audit.record(
            "identity.mfa_verified", subject=user, actor=user, outcome="failure", detail=detail
        )
        if locked_until is not None:
            sessions.sign_out_locked(request, until=locked_until)
        return CodeResult(CodeRefusal.WRONG_CODE, locked_until=locked_until)
    _mark_verified(request, user, verified)
    audit.record("identity.mfa_verified", subject=user, actor=user)
    return CodeResult()


def _mark_verified(request: HttpRequest, user: User, device: Any) -> None:
    clear_failed_attempts(user)
    # More privilege, new session key: a key seen before this point is worth nothing now.
    request.session.cycle_key()
    django_otp.login(request, device)


def reset_second_factor(user: User, *, by: User) -> int:
    """Remove a person's authenticator app (lost or replaced phone); they set one up again.

    Their sessions end too, since a session verified with the old app should not outlive it.
    Returns how many apps were removed.
    """
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    sessions.end_all_sessions(user, by=by)
    audit.record("identity.mfa_reset", subject=user, actor=by, detail={"devices_removed": removed})
    return int(removed)
