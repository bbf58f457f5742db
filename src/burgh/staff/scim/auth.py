"""Who may call /scim/v2: a bearer API token with the `scim` scope, of someone who may provision."""

from django.http import HttpRequest

from burgh.core import audit
from burgh.core.errors import AuthenticationFailedError
from burgh.identity.auth import ApiTokenAuth, MissingScopeError, require_scope
from burgh.identity.models import ApiToken, User
from burgh.identity.permissions import PROVISION_STAFF, has_permission
from burgh.staff.scim.errors import ScimRefusalError

SCIM_SCOPE = "scim"


def provisioner(request: HttpRequest) -> User:
    """The person whose token this request carries, if it may provision staff.

    The token is read and checked exactly as the REST API does (`ApiTokenAuth`): no token or a
    bad one is a 401; a good token without the `scim` scope, or of someone who may not
    provision staff, is a 403 with an `insufficient_scope` challenge (RFC 7644 3.12, RFC 6750
    3.1), and either way the detail says which token to fix.
    """
    try:
        token = ApiTokenAuth()(request)
    except AuthenticationFailedError as refusal:
        headers = dict(refusal.headers) or {"WWW-Authenticate": 'Bearer realm="burgh"'}
        raise ScimRefusalError(401, refusal.detail, headers=headers) from refusal
    assert token is not None, "ApiTokenAuth raises rather than answering None"
    request.auth = token  # type: ignore[attr-defined]
    try:
        require_scope(request, SCIM_SCOPE)
    except MissingScopeError as refusal:
        _refuse(token, "missing_scope")
        raise ScimRefusalError(
            403, refusal.detail, headers=_challenge("insufficient_scope", "Needs the scim scope.")
        ) from refusal
    if not has_permission(token.user, PROVISION_STAFF):
        _refuse(token, "not_a_provisioner")
        raise ScimRefusalError(
            403,
            f"The API token {token.name!r} belongs to {token.user}, whose roles do not let them "
            f"provision staff ({PROVISION_STAFF}). Issue the token from an account that may.",
            headers=_challenge("insufficient_scope", "The account may not provision staff."),
        )
    return token.user


def _refuse(token: ApiToken, reason: str) -> None:
    audit.record(
        "staff.scim_refused",
        subject=token,
        actor=token.user,
        outcome="failure",
        detail={"reason": reason, "prefix": token.prefix},
    )


def _challenge(error: str, description: str) -> dict[str, str]:
    return {
        "WWW-Authenticate": f'Bearer realm="burgh", error="{error}", '
        f'error_description="{description}", scope="{SCIM_SCOPE}"'
    }
