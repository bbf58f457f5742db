"""Deactivating and reactivating staff accounts: a deactivated person loses every way in at once."""

from dataclasses import dataclass

from django.db import transaction

from burgh.core.changes import record_change
from burgh.identity.models import User
from burgh.identity.services import sessions, tokens


@dataclass(frozen=True)
class Deactivation:
    """What deactivating an account ended."""

    sessions_deleted: int
    tokens_revoked: int


def deactivate_user(user: User, *, by: User | None, reason: str) -> Deactivation:
    """Disable `user`: no sign-in of any kind, and what they already hold stops working.

    Their sessions end on their very next request (a new session epoch changes the session
    hash, whatever the session store, and stored sessions are deleted now) and every API token
    is revoked. Linked identity provider accounts stay linked but are refused while the account
    is inactive, so reactivating restores sign-in as it was. Deactivating again does all of this
    again, which is harmless. `by` is None when no person acts (a provisioning feed).
    """
    with transaction.atomic():
        # The row lock orders this against a sign-in or an admin save of the same account.
        current = User.objects.select_for_update().get(pk=user.pk)
        was_active = current.is_active
        current.is_active = False
        current.version += 1
        current.save(update_fields=["is_active", "version", "updated_at"])
        deleted = sessions.end_all_sessions(current, by=by)
        revoked = tokens.revoke_all_api_tokens(current, by=by, reason="account_deactivated")
        record_change(
            current,
            "deactivated",
            {
                "reason": reason,
                "was_active": was_active,
                "sessions_deleted": deleted,
                "tokens_revoked": revoked,
            },
            actor=by,
        )
    user.is_active, user.version = current.is_active, current.version
    user.session_epoch = current.session_epoch
    return Deactivation(sessions_deleted=deleted, tokens_revoked=revoked)


def reactivate_user(user: User, *, by: User | None, reason: str) -> None:
    """Let a deactivated person sign in again; revoked tokens stay revoked."""
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=user.pk)
        if current.is_active:
            return
        current.is_active = True
        current.version += 1
        current.save(update_fields=["is_active", "version", "updated_at"])
        record_change(current, "reactivated", {"reason": reason}, actor=by)
    user.is_active, user.version = current.is_active, current.version
