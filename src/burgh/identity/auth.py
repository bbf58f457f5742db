"""Bearer-token authentication for the API, and the scope check each route makes."""

from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from ninja.security import HttpBearer

from burgh.core import context
from burgh.core.errors import BurghError, PermissionDeniedError
from burgh.core.problems import problem_for_error
from burgh.identity.models import ApiToken, User
from burgh.identity.services import mfa, sessions
from burgh.identity.services.tokens import SCOPES, TokenInvalidError, authenticate_api_token


class MissingScopeError(PermissionDeniedError):
    slug = "missing-scope"
    title = "The API token does not allow this"


class MissingTokenError(TokenInvalidError):
    slug = "token-missing"
    title = "An API token is required"


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer burgh_<prefix>_<secret>`; refusals raise a named 401 error."""

    def __call__(self, request: HttpRequest) -> ApiToken | None:
        header = request.headers.get("Authorization", "")
        scheme, _, credentials = header.strip().partition(" ")
        if not header:
            raise MissingTokenError(
                "This API needs an API token: send it as 'Authorization: Bearer <token>'."
            )
        if scheme.lower() != "bearer" or not credentials.strip():
            raise MissingTokenError(
                "The Authorization header must be 'Bearer <token>' with an API token."
            )
        return self.authenticate(request, credentials.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        with context.acting(channel="api"):
            api_token = authenticate_api_token(token)
        request.user = api_token.user
        return api_token


def caller(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def caller_token(request: HttpRequest) -> ApiToken:
    token = getattr(request, "auth", None)
    assert isinstance(token, ApiToken)
    return token


def require_scope(request: HttpRequest, scope: str) -> None:
    """Refuse with 403 unless the request's token carries `scope`."""
    assert scope in SCOPES, f"unknown scope {scope!r}"
    token = caller_token(request)
    if scope not in token.scopes:
        raise MissingScopeError(
            f"The API token {token.name!r} does not have the scope {scope!r}, which this "
            f"needs. Its scopes are: {', '.join(token.scopes) or 'none'}. Issue a token with "
            f"{scope!r} to do this.",
            extra={"required_scope": scope},
        )


P = ParamSpec("P")
R = TypeVar("R")


def docs_sign_in_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The API docs page needs someone fully signed in; the description also takes a token.

    The session middleware leaves /api/ alone (API calls carry tokens, not sessions), so the
    docs page applies the same checks itself: the session is within its time limits and
    its second factor is done.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if isinstance(user, User) and user.is_authenticated:
            because = sessions.expired_timeout(request)
            if because is not None:
                sessions.end_expired_session(request, user, because)
                return redirect_to_login(request.get_full_path())
            verified = sessions.second_factor_verified(request)
            step = mfa.second_factor_step(user, verified=verified)
            if step is mfa.SecondFactorStep.VERIFY:
                return redirect_to_login(request.get_full_path(), "identity:mfa-verify")
            if step is mfa.SecondFactorStep.ENROL:
                return redirect_to_login(request.get_full_path(), "identity:mfa-setup")
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            # A client with a token may read the description to generate its own code.
            try:
                ApiTokenAuth()(request)
            except BurghError as refusal:
                return problem_for_error(request, refusal)
            return view(request, *args, **kwargs)
        return redirect_to_login(request.get_full_path())

    return wrapper


def acting_as_caller(view: Callable[P, R]) -> Callable[P, R]:
    """Run an API operation with the caller named in the request context, for the audit trail."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        request = args[0]
        token: Any = getattr(request, "auth", None)
        if not isinstance(token, ApiToken):
            return view(*args, **kwargs)
        user = token.user
        with context.acting(
            actor_id=str(user.pk),
            actor_label=str(user),
            organisation_id=str(user.organisation_id or ""),
            channel="api",
        ):
            return view(*args, **kwargs)

    return wrapper
