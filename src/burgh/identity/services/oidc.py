"""Staff sign-in with the council's OpenID Connect provider: start, finish, link, refuse.

Authlib does the protocol: discovery, the authorization code flow with PKCE (S256), `state`
and `nonce` kept in the session, the code exchange, and the ID token's signature (keys from the
provider's JWKS), issuer, audience, expiry and nonce. This module decides who that is in Burgh.

Burgh never creates an account here: staff are provisioned elsewhere. The first sign-in links
an existing active account whose email address matches one the provider says is verified; every
later sign-in matches on issuer and subject only. Whatever happens is audited under the same
action as a password sign-in, `identity.sign_in`, with `method` "oidc".
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from joserfc.errors import JoseError

from burgh.core import audit
from burgh.core.errors import BurghError
from burgh.identity.models import OidcIdentity, User
from burgh.identity.services.sign_in import complete_sign_in, record_refusal

log = logging.getLogger(__name__)

OIDC_METHOD = "oidc"
SCOPES = "openid email profile"
# Where the page to return to waits, keyed by the request's `state`, until the person is back.
_PENDING_NEXT = "burgh_oidc_next"
# Several tabs may start signing in at once; a few are plenty to remember.
_MAX_PENDING = 5


class OidcRefusal(StrEnum):
    """Why a sign-in through the provider was refused; the value is what the audit records."""

    PROVIDER_ERROR = "provider_error"  # the provider answered with an error (or a cancel)
    BAD_RESPONSE = "bad_response"  # state, issuer, code or ID token did not check out
    PROVIDER_UNAVAILABLE = "provider_unavailable"
    EMAIL_NOT_VERIFIED = "email_not_verified"
    UNKNOWN_ACCOUNT = "unknown_account"
    # The Burgh account is already linked to another person at the same provider.
    LINKED_TO_ANOTHER = "linked_to_another"
    INACTIVE = "inactive"
    LOCKED = "locked"


# Refusals a person is told about in the same words, so the answer never says whether an
# address has a Burgh account (as the password form says nothing of it either).
NOT_LINKABLE = frozenset(
    {
        OidcRefusal.EMAIL_NOT_VERIFIED,
        OidcRefusal.UNKNOWN_ACCOUNT,
        OidcRefusal.LINKED_TO_ANOTHER,
        OidcRefusal.INACTIVE,
    }
)


class OidcUnavailableError(BurghError):
    status = 503
    slug = "identity-provider-unavailable"
    title = "The identity provider is not answering"


@dataclass(frozen=True)
class OidcSignInResult:
    """The signed-in user, or why not; where to go next either way."""

    user: User | None = None
    refusal: OidcRefusal | None = None
    locked_until: datetime | None = None
    next_url: str = ""
    # The provider's `amr` showed a second factor, so Burgh asks for no security code.
    second_factor_done: bool = False

    @property
    def succeeded(self) -> bool:
        return self.user is not None and self.refusal is None


@dataclass
class _Attempt:
    """What is known about an attempt so far, for the audit entry if it is refused."""

    issuer: str
    detail: dict[str, Any] = field(default_factory=dict)


def is_enabled() -> bool:
    """True when the issuer, client id and client secret are all configured."""
    return bool(settings.OIDC_ISSUER and settings.OIDC_CLIENT_ID and settings.OIDC_CLIENT_SECRET)


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


# One Authlib client per configuration per process: it caches the discovery document and keys.
_clients: dict[tuple[str, str, str, int], Any] = {}


def _client() -> Any:
    key = (
        settings.OIDC_ISSUER,
        settings.OIDC_CLIENT_ID,
        settings.OIDC_CLIENT_SECRET,
        settings.OIDC_TIMEOUT_SECONDS,
    )
    client = _clients.get(key)
    if client is None:
        client = OAuth().register(
            "burgh",
            client_id=settings.OIDC_CLIENT_ID,
            client_secret=settings.OIDC_CLIENT_SECRET,
            server_metadata_url=discovery_url(settings.OIDC_ISSUER),
            client_kwargs={
                "scope": SCOPES,
                "code_challenge_method": "S256",
                "default_timeout": settings.OIDC_TIMEOUT_SECONDS,
            },
        )
        _clients[key] = client
    return client


def _issuer(client: Any) -> str:
    """The provider's own name for itself, after checking it is the one configured."""
    try:
        metadata = client.load_server_metadata()
    except (requests.RequestException, ValueError) as failure:
        log.warning("OpenID provider discovery failed: %s", failure)
        raise OidcUnavailableError("The identity provider did not answer.") from failure
    issuer = str(metadata.get("issuer", ""))
    # Discovery (section 4.3) says the document must name the issuer it was fetched for.
    if issuer.rstrip("/") != settings.OIDC_ISSUER.rstrip("/"):
        log.error("OpenID provider names itself %r, not %r", issuer, settings.OIDC_ISSUER)
        raise OidcUnavailableError("The identity provider's discovery document is for another.")
    return issuer


def start_sign_in(request: HttpRequest, *, redirect_uri: str, next_url: str) -> str:
    """The provider address to send the browser to; state, nonce and PKCE wait in the session."""
    client = _client()
    _issuer(client)
    try:
        authorization = client.create_authorization_url(redirect_uri)
    except (requests.RequestException, AuthlibBaseError, RuntimeError) as failure:
        raise OidcUnavailableError("The identity provider could not be reached.") from failure
    client.save_authorize_data(request, redirect_uri=redirect_uri, **authorization)
    pending = dict(request.session.get(_PENDING_NEXT) or {})
    pending[authorization["state"]] = next_url
    request.session[_PENDING_NEXT] = dict(list(pending.items())[-_MAX_PENDING:])
    return str(authorization["url"])


def finish_sign_in(request: HttpRequest) -> OidcSignInResult:
    """Check the provider's answer on the callback and, if nothing forbids it, sign in."""
    client = _client()
    next_url = _take_next(request)
    try:
        issuer = _issuer(client)
    except OidcUnavailableError:
        return _refuse(_Attempt(settings.OIDC_ISSUER), OidcRefusal.PROVIDER_UNAVAILABLE, next_url)
    attempt = _Attempt(issuer)
    if "error" in request.GET:
        # access_denied when the person cancels; anything else is the provider's own refusal.
        attempt.detail["error"] = request.GET.get("error", "")[:100]
        return _refuse(attempt, OidcRefusal.PROVIDER_ERROR, next_url)
    # RFC 9207: an answer that names its issuer must name ours, or it is a mix-up attack.
    named = request.GET.get("iss")
    if named is not None and named != issuer:
        attempt.detail["error"] = "issuer_mismatch"
        return _refuse(attempt, OidcRefusal.BAD_RESPONSE, next_url)
    try:
        token = client.authorize_access_token(
            request,
            claims_options={
                "iss": {"essential": True, "value": issuer},
                "aud": {"essential": True, "value": settings.OIDC_CLIENT_ID},
                "sub": {"essential": True},
            },
        )
        claims = token.get("userinfo")
        if not claims:
            attempt.detail["error"] = "no_id_token"
            return _refuse(attempt, OidcRefusal.BAD_RESPONSE, next_url)
        claims = dict(claims)
        _fill_from_userinfo(client, token, claims)
    except (AuthlibBaseError, JoseError) as failure:
        attempt.detail["error"] = str(getattr(failure, "error", type(failure).__name__))[:100]
        return _refuse(attempt, OidcRefusal.BAD_RESPONSE, next_url)
    except requests.RequestException:
        return _refuse(attempt, OidcRefusal.PROVIDER_UNAVAILABLE, next_url)
    return _sign_in(request, attempt, claims, next_url)


def _take_next(request: HttpRequest) -> str:
    pending = dict(request.session.get(_PENDING_NEXT) or {})
    next_url = pending.pop(request.GET.get("state", ""), "")
    request.session[_PENDING_NEXT] = pending
    return str(next_url)


def _fill_from_userinfo(client: Any, token: dict[str, Any], claims: dict[str, Any]) -> None:
    """Providers that keep the ID token small give the email address at the userinfo endpoint."""
    if "email" in claims and _verification_claim(claims) is not None:
        return
    info = dict(client.userinfo(token=token))
    if str(info.get("sub")) != str(claims["sub"]):
        # OIDC Core 5.3.2: userinfo for someone else must not be used.
        raise AuthlibBaseError(error="userinfo_subject_mismatch")
    for name in ("email", "email_verified", "xms_edov", "name"):
        if name not in claims and name in info:
            claims[name] = info[name]


def _verification_claim(claims: dict[str, Any]) -> Any:
    # Entra ID sends no email_verified; its optional claim xms_edov says the same thing.
    if "email_verified" in claims:
        return claims["email_verified"]
    return claims.get("xms_edov")


def email_is_verified(claims: dict[str, Any]) -> bool:
    value = _verification_claim(claims)
    # Some providers send the boolean as a string.
    return value is True or (isinstance(value, str) and value.lower() == "true")


def second_factor_by_provider(claims: dict[str, Any]) -> bool:
    """True when the `amr` claim names a method the council counts as a second factor."""
    amr = claims.get("amr")
    if not isinstance(amr, list):
        return False
    return bool({str(method) for method in amr} & set(settings.OIDC_MFA_AMR_VALUES))


def _sign_in(
    request: HttpRequest, attempt: _Attempt, claims: dict[str, Any], next_url: str
) -> OidcSignInResult:
    subject = str(claims["sub"])
    email = str(claims.get("email") or "").strip().lower()
    attempt.detail.update({"subject": subject, "email": email})
    with transaction.atomic():
        identity = (
            OidcIdentity.objects.select_related("user")
            .filter(issuer=attempt.issuer, subject=subject)
            .first()
        )
        if identity is not None:
            user = identity.user
        else:
            refusal, found = _account_to_link(attempt.issuer, email, claims)
            if refusal is not None:
                return _refuse(attempt, refusal, next_url, user=found)
            assert found is not None
            user = found
        if not user.is_active:
            return _refuse(attempt, OidcRefusal.INACTIVE, next_url, user=user)
        if user.is_locked():
            # A lock-out from password guessing holds for every way in until it ends.
            return _refuse(
                attempt, OidcRefusal.LOCKED, next_url, user=user, locked_until=user.locked_until
            )
        if identity is None:
            try:
                identity = _link(user, attempt.issuer, subject, email)
            except IntegrityError:
                # Linked a moment ago by a sign-in in another tab, to this or someone else.
                return _refuse(attempt, OidcRefusal.LINKED_TO_ANOTHER, next_url, user=user)
        identity.last_signed_in_at = timezone.now()
        identity.save(update_fields=["last_signed_in_at", "updated_at"])
    amr = claims.get("amr") if isinstance(claims.get("amr"), list) else []
    done = second_factor_by_provider(claims)
    complete_sign_in(
        request,
        user,
        method=OIDC_METHOD,
        detail={"issuer": attempt.issuer, "subject": subject, "amr": amr},
        second_factor_done=done,
    )
    return OidcSignInResult(user=user, next_url=next_url, second_factor_done=done)


def _account_to_link(
    issuer: str, email: str, claims: dict[str, Any]
) -> tuple[OidcRefusal | None, User | None]:
    """The account a first sign-in may link to, or why there is none."""
    if not email or not email_is_verified(claims):
        return OidcRefusal.EMAIL_NOT_VERIFIED, None
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        return OidcRefusal.UNKNOWN_ACCOUNT, None
    if OidcIdentity.objects.filter(user=user, issuer=issuer).exists():
        # The account follows the person it was first linked to, not whoever has the address now.
        return OidcRefusal.LINKED_TO_ANOTHER, user
    if not user.is_active:
        return OidcRefusal.INACTIVE, user
    return None, user


def _link(user: User, issuer: str, subject: str, email: str) -> OidcIdentity:
    with transaction.atomic():
        identity = OidcIdentity.objects.create(
            user=user, issuer=issuer, subject=subject, linked_email=email
        )
        audit.record(
            "identity.oidc_linked",
            subject=user,
            actor=user,
            detail={"issuer": issuer, "subject": subject, "email": email},
        )
    return identity


def _refuse(
    attempt: _Attempt,
    refusal: OidcRefusal,
    next_url: str,
    *,
    user: User | None = None,
    locked_until: datetime | None = None,
) -> OidcSignInResult:
    record_refusal(
        refusal.value,
        user=user,
        detail={"method": OIDC_METHOD, "issuer": attempt.issuer, **attempt.detail},
    )
    return OidcSignInResult(refusal=refusal, locked_until=locked_until, next_url=next_url)
