"""API tokens: issue (the secret shown once), authenticate, revoke; every step audited."""

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from burgh.core import audit, context
from burgh.core.concurrency import save_if_version
from burgh.core.errors import AuthenticationFailedError, InvalidInputError, PermissionDeniedError
from burgh.identity.models import ApiToken, User
from burgh.identity.permissions import has_permission

# What a token may be allowed to do. A route names the scope it needs; a token lacking it
# gets 403 even if its user could do the thing in the browser.
SCOPES: dict[str, str] = {
    "identity:read": "See your own account, organisations, teams and your API tokens.",
    "identity:write": "Create and change teams, and revoke your API tokens.",
    "people:read": (
        "Find and read person records, as far as your access allows, export them if your "
        "role may, and take emergency access."
    ),
    "people:write": (
        "Send source records to the person index, and merge, unmerge and review people, as "
        "far as your role allows."
    ),
    "places:read": "Look up addresses and properties, and match addresses to UPRNs.",
    "places:write": (
        "Queue unsure address matches for the gazetteer custodian, and load service "
        "attributes of properties if your role manages the gazetteer."
    ),
    "cases:read": (
        "Read case types, queues, cases and their chronologies, as far as your access allows."
    ),
    "cases:write": (
        "Log new cases and work on them (notes, documents, status, allocation, closing), as "
        "far as your role allows."
    ),
    "flows:read": "Read the deployed process flows and decision tables, and their files.",
    "flows:write": "Deploy process flows and decision tables, if your role may.",
    "open311": (
        "Report problems and follow them through the Open311 GeoReport v2 endpoint at "
        "/open311/v2 (the token is sent as `api_key`)."
    ),
    "scim": (
        "Provision staff and teams from an identity provider (Entra ID, Okta) through SCIM at "
        "/scim/v2, if your role may provision staff."
    ),
}

MAX_LIFETIME = timedelta(days=365)
# last_used_at, and the "api_token.used" audit entry, are written at most this often per
# token: a busy integration would otherwise cost a write and an audit entry per request.
USE_RECORDING_INTERVAL = timedelta(minutes=1)
TOKEN_PREFIX = "burgh"  # noqa: S105 - the public marker that starts every token, not a secret
# Permission code that lets someone revoke another person's token (IT security staff).
MANAGE_TOKENS_PERMISSION = "identity.manage_api_tokens"


class TokenInvalidError(AuthenticationFailedError):
    slug = "token-invalid"
    title = "The API token is not valid"


class TokenExpiredError(AuthenticationFailedError):
    slug = "token-expired"
    title = "The API token has expired"


class TokenRevokedError(AuthenticationFailedError):
    slug = "token-revoked"
    title = "The API token has been revoked"


class TokenOwnerInactiveError(AuthenticationFailedError):
    slug = "token-owner-inactive"
    title = "The API token's account is disabled"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue_api_token(
    user: User, *, name: str, scopes: list[str], expires_in: timedelta
) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns it with the plaintext, never stored or shown again."""
    name = name.strip()
    errors = []
    if not name:
        errors.append(
            {
                "pointer": "#/name",
                "detail": "Give the token a name, such as the system that will use it.",
            }
        )
    elif len(name) > 120:
        errors.append({"pointer": "#/name", "detail": "The name must be 120 characters or fewer."})
    unknown = sorted(set(scopes) - SCOPES.keys())
    if not scopes:
        errors.append({"pointer": "#/scopes", "detail": "Choose at least one scope."})
    elif unknown:
        errors.append(
            {
                "pointer": "#/scopes",
                "detail": f"Unknown scope {', '.join(unknown)}; choose from {', '.join(SCOPES)}.",
            }
        )
    if expires_in <= timedelta(0) or expires_in > MAX_LIFETIME:
        errors.append({"pointer": "#/expires_in", "detail": "A token must expire within 365 days."})
    if not user.is_active:
        errors.append({"pointer": "#/user", "detail": "The account is disabled."})
    if errors:
        raise InvalidInputError(
            "The token cannot be issued: " + " ".join(error["detail"] for error in errors),
            errors=errors,
        )
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=_unused_prefix(),
            digest=digest(secret),
            scopes=sorted(set(scopes)),
            expires_at=timezone.now() + expires_in,
        )
        audit.record(
            "api_token.issued",
            subject=token,
            actor=_actor_or(user),
            detail={
                "owner": str(user.pk),
                "name": token.name,
                "prefix": token.prefix,
                "scopes": token.scopes,
                "expires_at": token.expires_at.isoformat(),
            },
        )
    return token, f"{TOKEN_PREFIX}_{token.prefix}_{secret}"


def revoke_api_token(token: ApiToken, *, by: User, expected_version: int | None = None) -> ApiToken:
    """Stop a token working at once. Its owner may revoke it, or someone allowed to manage tokens.

    Revoking a token that is already revoked changes nothing. With `expected_version`, the
    revocation only happens if nobody changed the token since the caller read it.
    """
    if by.pk != token.user_id and not has_permission(by, MANAGE_TOKENS_PERMISSION):
        raise PermissionDeniedError("You can only revoke your own API tokens.")
    if token.revoked_at is not None and expected_version is None:
        return token
    with transaction.atomic():
        now = timezone.now()
        if expected_version is None:
            expected_version = token.version
        token = save_if_version(token, expected_version, {"revoked_at": now})
        audit.record(
            "api_token.revoked",
            subject=token,
            actor=by,
            detail={"owner": str(token.user_id), "name": token.name, "prefix": token.prefix},
        )
    return token


def revoke_all_api_tokens(user: User, *, by: User | None, reason: str) -> int:
    """Revoke every token of `user` that still works, each audited; returns how many.

    For deactivating an account: whoever may deactivate it may end its tokens, so the
    per-token permission check of `revoke_api_token` does not apply here.
    """
    with transaction.atomic():
        now = timezone.now()
        live = list(
            ApiToken.objects.select_for_update().filter(
                user=user, revoked_at__isnull=True, expires_at__gt=now
            )
        )
        for token in live:
            token = save_if_version(token, token.version, {"revoked_at": now})
            audit.record(
                "api_token.revoked",
                subject=token,
                actor=by,
                detail={
                    "owner": str(token.user_id),
                    "name": token.name,
                    "prefix": token.prefix,
                    "reason": reason,
                },
            )
    return len(live)


def usable_token_count(user: User) -> int:
    """How many of `user`'s tokens still work: neither revoked nor expired."""
    return ApiToken.objects.filter(
        user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).count()


def authenticate_api_token(raw: str) -> ApiToken:
    """The usable token `raw` names, or a named refusal (which is audited with its reason)."""
    prefix, secret = _split(raw)
    token = (
        ApiToken.objects.select_related("user", "user__organisation").filter(prefix=prefix).first()
        if prefix
        else None
    )
    if token is None or not hmac.compare_digest(token.digest, digest(secret)):
        # Whoever sent it did not prove they hold the secret: the token is the subject (if
        # the prefix named one) but its owner is not taken to be the actor.
        _refuse(token, "invalid", prefix, proven=False)
        raise TokenInvalidError(
            "The API token is not recognised. Check you copied all of it; if it was lost, "
            "issue a new one.",
            headers=_challenge("invalid_token", "The token is not recognised."),
        )
    now = timezone.now()
    if token.revoked_at is not None:
        _refuse(token, "revoked", prefix)
        raise TokenRevokedError(
            f"The API token {token.name!r} ({token.prefix}) was revoked on "
            f"{timezone.localtime(token.revoked_at):%d %B %Y at %H:%M}. Issue a new token.",
            headers=_challenge("invalid_token", "The token has been revoked."),
        )
    if token.expires_at <= now:
        _refuse(token, "expired", prefix)
        raise TokenExpiredError(
            f"The API token {token.name!r} ({token.prefix}) expired on "
            f"{timezone.localtime(token.expires_at):%d %B %Y at %H:%M}. Issue a new token.",
            headers=_challenge("invalid_token", "The token has expired."),
        )
    if not token.user.is_active:
        _refuse(token, "account_disabled", prefix)
        raise TokenOwnerInactiveError(
            "The account this API token belongs to is disabled, so the token no longer works.",
            headers=_challenge("invalid_token", "The token's account is disabled."),
        )
    _record_use(token, now)
    return token


def _split(raw: str) -> tuple[str, str]:
    parts = raw.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
        return "", ""
    return parts[1], parts[2]


def _unused_prefix() -> str:
    while True:
        prefix = secrets.token_hex(6)
        if not ApiToken.objects.filter(prefix=prefix).exists():
            return prefix


def _record_use(token: ApiToken, now: Any) -> None:
    # One conditional UPDATE: of many concurrent requests in the same minute, one wins and
    # writes the audit entry; the others neither write nor audit. A use recorded within the
    # interval as the token was read needs not even the UPDATE.
    since = now - USE_RECORDING_INTERVAL
    if token.last_used_at is not None and token.last_used_at > since:
        return
    due = Q(last_used_at__isnull=True) | Q(last_used_at__lte=since)
    with transaction.atomic():
        if not ApiToken.objects.filter(due, pk=token.pk).update(last_used_at=now):
            return
        token.last_used_at = now
        audit.record(
            "api_token.used",
            subject=token,
            actor=token.user,
            detail={"prefix": token.prefix, "name": token.name},
        )


def _refuse(token: ApiToken | None, reason: str, prefix: str, *, proven: bool = True) -> None:
    audit.record(
        "api_token.refused",
        subject=token,
        actor=token.user if (token is not None and proven) else None,
        outcome="failure",
        detail={"reason": reason, "prefix": prefix[:16]},
    )


def _challenge(error: str, description: str) -> dict[str, str]:
    # RFC 6750 section 3: tells a client library why, without a body it must parse.
    return {
        "WWW-Authenticate": f'Bearer realm="burgh", error="{error}", '
        f'error_description="{description}"'
    }


def _actor_or(user: User) -> User | None:
    # Issued from a request: the person acting. From a command with no one acting: the owner.
    return None if context.current().actor_id else user
