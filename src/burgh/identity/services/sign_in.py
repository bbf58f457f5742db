"""Staff sign-in: the password check, lock-out, per-address throttling, and an audit of every try.

Signing in with the council's identity provider (services/oidc.py) finishes through the same
`complete_sign_in` and audits under the same action, with its method recorded.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from burgh.core import audit
from burgh.core.middleware import client_ip
from burgh.identity.models import SignInFailure, User
from burgh.identity.services import sessions

SIGN_IN_ACTION = "identity.sign_in"
PASSWORD_METHOD = "password"  # noqa: S105 - how someone signed in, not a password
# The window over which failures from one address are counted.
ADDRESS_WINDOW = timedelta(minutes=15)


class Refusal(StrEnum):
    """Why a sign-in was refused; the value is what the audit trail records."""

    UNKNOWN_EMAIL = "unknown_email"
    WRONG_PASSWORD = "wrong_password"  # noqa: S105 - a reason code, not a password
    LOCKED = "locked"
    THROTTLED = "throttled"
    INACTIVE = "inactive"


@dataclass(frozen=True)
class SignInResult:
    """What happened: the user on success, otherwise the reason and, if locked, until when."""

    user: User | None = None
    refusal: Refusal | None = None
    locked_until: datetime | None = None

    @property
    def succeeded(self) -> bool:
        return self.user is not None and self.refusal is None


def sign_in_with_password(request: HttpRequest, email: str, password: str) -> SignInResult:
    """Check the password and, if it is right and nothing forbids it, sign the user in.

    The order matters: a throttled address is refused before any account is looked at, and a
    locked account is refused before its password is checked, so neither lets guessing go on.

    What a refused person is told
    -----------------------------
    A wrong email address, a wrong password and a deactivated account all get the same message
    ("Enter a correct email address and password"), so the form never says whether an address
    belongs to an account or whether that account is still active.

    A locked account gets its own message that says when to try again. We chose this over a
    generic message because:

    - council staff addresses follow a published pattern (firstname.lastname@council), so
      whether an address has an account is not a secret worth protecting at such a cost;
    - a worker told "wrong password" while locked keeps retrying with the right password, then
      phones the service desk, and may reset a password that was never wrong;
    - learning that an account is locked costs an attacker SIGN_IN_MAX_FAILURES audited failures
      per account, and the per-address throttle caps how many accounts one address can probe.

    OWASP ASVS 5.0 (V6.3) asks for controls that stop password guessing and credential
    stuffing, which the per-account and per-address limits are; it does not forbid telling a
    person that their account is locked.
    """
    now = timezone.now()
    address = client_ip(request)
    attempted = email.strip().lower()

    if address_is_throttled(address, now=now):
        audit.record(
            SIGN_IN_ACTION,
            outcome="failure",
            detail={"reason": Refusal.THROTTLED.value, "email": attempted},
        )
        return SignInResult(refusal=Refusal.THROTTLED)

    user = User.objects.filter(email__iexact=attempted).first()
    if user is None:
        # Hash anyway, so an unknown address takes about as long to refuse as a known one.
        make_password(password)
        _note_address_failure(address, now=now)
        audit.record(
            SIGN_IN_ACTION,
            outcome="failure",
            detail={"reason": Refusal.UNKNOWN_EMAIL.value, "email": attempted},
        )
        return SignInResult(refusal=Refusal.UNKNOWN_EMAIL)

    if user.is_locked():
        make_password(password)
        _note_address_failure(address, now=now)
        _record_refusal(user, Refusal.LOCKED)
        return SignInResult(refusal=Refusal.LOCKED, locked_until=user.locked_until)

    if not user.check_password(password):
        _note_address_failure(address, now=now)
        locked_until = register_failed_attempt(user, now=now)
        _record_refusal(user, Refusal.WRONG_PASSWORD, locked=locked_until is not None)
        if locked_until is not None:
            return SignInResult(refusal=Refusal.LOCKED, locked_until=locked_until)
        return SignInResult(refusal=Refusal.WRONG_PASSWORD)

    if not user.is_active:
        _note_address_failure(address, now=now)
        _record_refusal(user, Refusal.INACTIVE)
        return SignInResult(refusal=Refusal.INACTIVE)

    complete_sign_in(request, user, method=PASSWORD_METHOD)
    return SignInResult(user=user)


def complete_sign_in(
    request: HttpRequest,
    user: User,
    *,
    method: str,
    detail: dict[str, object] | None = None,
    second_factor_done: bool = False,
) -> None:
    """Sign `user` in on this request once the first factor (`method`) has been checked.

    Every way of signing in ends here, so each gets a new session key, both timeout clocks and
    the same audit entry. `second_factor_done` is for a provider that has already asked for a
    second factor itself; the session then owes Burgh no security code.
    """
    from burgh.identity.services import mfa

    # With a second factor still to come the failure counter stays as it is, so that
    # re-entering the password cannot buy more guesses at the code; mfa resets it.
    if second_factor_done or not mfa.has_confirmed_device(user):
        clear_failed_attempts(user)
    # login() gives the session a new key, so a key planted before sign-in is worthless.
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    sessions.stamp_new_session(request)
    sessions.note_second_factor_by_provider(request, done=second_factor_done)
    audit.record(
        SIGN_IN_ACTION, subject=user, actor=user, detail={"method": method, **(detail or {})}
    )


def record_refusal(
    reason: str, *, user: User | None = None, detail: dict[str, object] | None = None
) -> None:
    """Audit a refused sign-in; `user` when the attempt named a known account."""
    audit.record(
        SIGN_IN_ACTION,
        subject=user,
        outcome="failure",
        detail={"reason": reason, **(detail or {})},
    )


def _record_refusal(user: User, reason: Refusal, *, locked: bool = False) -> None:
    record_refusal(reason.value, user=user, detail={"account_locked": True} if locked else None)


def register_failed_attempt(user: User, *, now: datetime | None = None) -> datetime | None:
    """Count one failure (password or security code); lock the account at the limit.

    Returns when the lock ends if this failure locked the account, otherwise None.
    """
    now = now or timezone.now()
    with transaction.atomic():
        # The row lock makes concurrent guesses count one by one.
        current = User.objects.select_for_update().get(pk=user.pk)
        current.failed_sign_ins += 1
        locked_until = None
        if current.failed_sign_ins >= settings.SIGN_IN_MAX_FAILURES:
            locked_until = now + timedelta(minutes=settings.SIGN_IN_LOCKOUT_MINUTES)
            current.locked_until = locked_until
            # A fresh allowance once the lock ends, rather than re-locking on the next slip.
            current.failed_sign_ins = 0
        current.save(update_fields=["failed_sign_ins", "locked_until"])
    user.failed_sign_ins, user.locked_until = current.failed_sign_ins, current.locked_until
    return locked_until


def clear_failed_attempts(user: User) -> None:
    """Forget past failures after a complete, successful sign-in."""
    if user.failed_sign_ins or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_sign_ins=0, locked_until=None)
        user.failed_sign_ins, user.locked_until = 0, None


def unlock_account(user: User, *, by: User) -> None:
    """An administrator lifts a lock-out before it ends by itself."""
    User.objects.filter(pk=user.pk).update(failed_sign_ins=0, locked_until=None)
    user.failed_sign_ins, user.locked_until = 0, None
    audit.record("identity.account_unlocked", subject=user, actor=by)


def address_is_throttled(address: str, *, now: datetime | None = None) -> bool:
    """True when this address has had more failures in the window than one office would."""
    now = now or timezone.now()
    recent = SignInFailure.objects.filter(source_ip=address, at__gt=now - ADDRESS_WINDOW)
    return recent.count() > settings.SIGN_IN_MAX_FAILURES_PER_ADDRESS


def _note_address_failure(address: str, *, now: datetime) -> None:
    SignInFailure.objects.create(source_ip=address, at=now)
    # Rows older than the window no longer count for anything.
    SignInFailure.objects.filter(at__lte=now - ADDRESS_WINDOW).delete()
