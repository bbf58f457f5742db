"""Signed-in sessions: idle and absolute timeouts, signing out, and signing out everywhere."""

import uuid
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout, update_session_auth_hash
from django.contrib.sessions.models import Session
from django.http import HttpRequest
from django.utils import timezone

from burgh.core import audit
from burgh.identity.models import User

SIGNED_IN_AT = "burgh_signed_in_at"
LAST_SEEN_AT = "burgh_last_seen_at"
# Carries, across the sign-out, why the person is looking at the sign-in page again.
SIGNED_OUT_NOTICE = "burgh_signed_out_notice"
# Set when the identity provider reported a second factor at sign-in (its `amr` claim).
SECOND_FACTOR_BY_PROVIDER = "burgh_second_factor_by_provider"

# Saving the session on every request would be a database write per page; a minute's
# resolution on the idle clock costs nothing a person would notice.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)

_DB_SESSION_ENGINES = {
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
}


class SignedOutBecause(StrEnum):
    """Why a session ended without the person asking; the value is shown and audited."""

    IDLE = "idle"
    ABSOLUTE = "absolute"
    LOCKED = "locked"
    SIGNED_OUT = "signed_out"


def stamp_new_session(request: HttpRequest, *, now: datetime | None = None) -> None:
    """Start both timeout clocks for a session that has just been signed in."""
    now = now or timezone.now()
    request.session[SIGNED_IN_AT] = now.isoformat()
    request.session[LAST_SEEN_AT] = now.isoformat()


def note_second_factor_by_provider(request: HttpRequest, *, done: bool) -> None:
    """Record whether this session's sign-in already included a second factor, at the provider.

    Always called at sign-in, so a later sign-in in the same browser never inherits the mark.
    """
    if done:
        request.session[SECOND_FACTOR_BY_PROVIDER] = True
    else:
        request.session.pop(SECOND_FACTOR_BY_PROVIDER, None)


def second_factor_verified(request: HttpRequest) -> bool:
    """True once this session has a second factor: a code from the app, or the provider's own.

    django-otp's middleware sets `otp_device` on the user when a code verified this session;
    a new sign-in gives a new session, so neither mark outlives the sign-in that earned it.
    """
    if getattr(request.user, "otp_device", None) is not None:
        return True
    return request.session.get(SECOND_FACTOR_BY_PROVIDER) is True


def _stamp(request: HttpRequest, key: str) -> datetime | None:
    value = request.session.get(key)
    if not isinstance(value, str):
        return None
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError:
        return None
    return stamp if timezone.is_aware(stamp) else None


def expired_timeout(
    request: HttpRequest, *, now: datetime | None = None
) -> SignedOutBecause | None:
    """Which timeout, if any, this signed-in session has passed; notes the activity if none.

    A session without stamps (signed in some other way, or stamps unreadable) starts its clocks
    now rather than living for ever.
    """
    now = now or timezone.now()
    signed_in_at = _stamp(request, SIGNED_IN_AT)
    last_seen_at = _stamp(request, LAST_SEEN_AT)
    if signed_in_at is None or last_seen_at is None:
        stamp_new_session(request, now=now)
        return None
    if now - signed_in_at >= timedelta(hours=settings.SESSION_ABSOLUTE_HOURS):
        return SignedOutBecause.ABSOLUTE
    if now - last_seen_at >= timedelta(minutes=settings.SESSION_IDLE_MINUTES):
        return SignedOutBecause.IDLE
    if now - last_seen_at >= LAST_SEEN_RESOLUTION:
        request.session[LAST_SEEN_AT] = now.isoformat()
    return None


def end_expired_session(request: HttpRequest, user: User, because: SignedOutBecause) -> None:
    """Sign out a session that ran out of time, leaving a note for the sign-in page."""
    audit.record(
        "identity.session_expired", subject=user, actor=user, detail={"timeout": because.value}
    )
    logout(request)
    leave_signed_out_notice(request, because)


def leave_signed_out_notice(
    request: HttpRequest, because: SignedOutBecause, *, until: datetime | None = None
) -> None:
    """Tell the next page (the sign-in page) why the person was signed out."""
    notice: dict[str, str] = {"because": because.value}
    if until is not None:
        notice["until"] = until.isoformat()
    request.session[SIGNED_OUT_NOTICE] = notice


def take_signed_out_notice(request: HttpRequest) -> tuple[SignedOutBecause, datetime | None] | None:
    """Read and forget the note left by a sign-out, if there is one."""
    notice = request.session.pop(SIGNED_OUT_NOTICE, None)
    if not isinstance(notice, dict):
        return None
    try:
        because = SignedOutBecause(str(notice.get("because", "")))
    except ValueError:
        return None
    until = None
    if isinstance(notice.get("until"), str):
        try:
            until = datetime.fromisoformat(notice["until"])
        except ValueError:
            until = None
    return because, until


def sign_out(request: HttpRequest) -> None:
    """End this session at the person's request."""
    user = request.user
    if isinstance(user, User):
        audit.record("identity.sign_out", subject=user, actor=user)
    logout(request)
    leave_signed_out_notice(request, SignedOutBecause.SIGNED_OUT)


def sign_out_locked(request: HttpRequest, *, until: datetime) -> None:
    """End a half-signed-in session whose account has just been locked."""
    logout(request)
    leave_signed_out_notice(request, SignedOutBecause.LOCKED, until=until)


def sign_out_everywhere(request: HttpRequest) -> int:
    """End every other session of the signed-in person; this one carries on.

    Returns how many stored sessions were deleted straight away.
    """
    user = request.user
    assert isinstance(user, User), "only a signed-in person can sign out everywhere"
    ended = end_all_sessions(user, by=user, keep_session_key=request.session.session_key)
    # The new epoch changed the session hash; give this session the new one (and a new key).
    update_session_auth_hash(request, user)
    return ended


def end_all_sessions(user: User, *, by: User | None, keep_session_key: str | None = None) -> int:
    """Invalidate every session of `user` (an administrator may do this for anyone).

    `by` is None when no person acts (a provisioning feed); the request context then names who.

    The new epoch changes the user's session hash, so Django refuses every older session on
    its next request whatever the session store. With a database store, the sessions are also
    deleted now, so none lingers until it expires.
    """
    user.session_epoch = uuid.uuid4()
    user.save(update_fields=["session_epoch"])
    deleted = _delete_stored_sessions(user, keep_session_key)
    audit.record(
        "identity.signed_out_everywhere",
        subject=user,
        actor=by,
        detail={"sessions_deleted": deleted},
    )
    return deleted


def _delete_stored_sessions(user: User, keep_session_key: str | None) -> int:
    if settings.SESSION_ENGINE not in _DB_SESSION_ENGINES:
        return 0
    # Sessions are opaque blobs; reading the live ones is the only way to find a user's.
    # This is a rare, deliberate action, so the scan is an acceptable cost.
    mine: list[str] = []
    live = Session.objects.filter(expire_date__gt=timezone.now())
    if keep_session_key:
        live = live.exclude(session_key=keep_session_key)
    for session in live.only("session_key", "session_data").iterator(chunk_size=500):
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            mine.append(session.session_key)
    if not mine:
        return 0
    deleted, _ = Session.objects.filter(session_key__in=mine).delete()
    if settings.SESSION_ENGINE.endswith("cached_db"):
        from django.contrib.sessions.backends.cached_db import KEY_PREFIX
        from django.core.cache import caches

        caches[settings.SESSION_CACHE_ALIAS].delete_many([KEY_PREFIX + key for key in mine])
    return deleted
