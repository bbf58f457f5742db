"""Changing, deactivating and reactivating accounts; deactivating ends every way in at once."""

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from burgh.core.changes import record_change
from burgh.core.errors import ConflictError, InvalidInputError
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


# What change_account may change: the rest (passwords, flags, sessions) has its own service.
ACCOUNT_FIELDS = frozenset({"email", "full_name", "job_title"})


def change_account(user: User, *, by: User | None, changes: dict[str, Any]) -> User:
    """Change a person's email address, name or job title, audited as before and after.

    An email address already used by another account is refused (ConflictError); nothing is
    written when nothing differs.
    """
    unknown = set(changes) - ACCOUNT_FIELDS
    if unknown:
        raise InvalidInputError(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
    cleaned = {name: " ".join(str(value or "").split()) for name, value in changes.items()}
    if "email" in cleaned:
        cleaned["email"] = cleaned["email"].lower()
        if not cleaned["email"] or "@" not in cleaned["email"]:
            raise InvalidInputError(
                "An account needs an email address.",
                errors=[{"pointer": "#/email", "detail": "Enter an email address."}],
            )
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=user.pk)
        changed = {k: v for k, v in cleaned.items() if getattr(current, k) != v}
        if not changed:
            return current
        if (
            "email" in changed
            and User.objects.filter(email__iexact=changed["email"]).exclude(pk=user.pk).exists()
        ):
            raise ConflictError(
                f"There is already an account for {changed['email']}.",
                errors=[{"pointer": "#/email", "detail": "Already used by another account."}],
            )
        difference = {k: {"from": getattr(current, k), "to": v} for k, v in sorted(changed.items())}
        for name, value in changed.items():
            setattr(current, name, value)
        current.version += 1
        current.save(update_fields=[*changed, "version", "updated_at"])
        record_change(current, "updated", difference, actor=by)
    return current
