"""Per-request enforcement of session timeouts and of two-factor sign-in; the request's one
reading of who its user is, and its refusals kept past a rollback."""

from collections.abc import Callable
from functools import cached_property
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse

from burgh.identity import memo
from burgh.identity.models import User
from burgh.identity.policy.log import refusals_outlast_rollback
from burgh.identity.services import mfa, sessions

# The API, the SCIM provider and Open311 authenticate each request with a token (or answer
# the public), never with a session.
API_PREFIX = "/api/"
SCIM_PREFIX = "/scim/"
OPEN311_PREFIX = "/open311/"

# Pages a half-signed-in person may still reach: the way in, the way out, and the pages a
# public body must always show (accessibility statement, privacy notice).
MFA_EXEMPT_URL_NAMES = (
    "identity:sign-in",
    "identity:oidc-start",
    "identity:oidc-callback",
    "identity:sign-out",
    "identity:mfa-setup",
    "identity:mfa-verify",
    "identity:admin-sign-in",
    "core:accessibility",
    "core:privacy",
    "core:health",
)


def _is_exempt_from_sessions(path: str) -> bool:
    return path.startswith(
        (API_PREFIX, SCIM_PREFIX, OPEN311_PREFIX, settings.STATIC_URL or "/static/")
    )


def _redirect(request: HttpRequest, url_name: str) -> HttpResponse:
    url = reverse(url_name)
    # Only a page someone was looking at is worth returning to; a form post is not replayed.
    if request.method == "GET":
        url = f"{url}?{urlencode({'next': request.get_full_path()})}"
    if request.headers.get("HX-Request"):
        # HTMX would swap a followed redirect into part of the page; ask it to navigate.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


class RequestScopeMiddleware:
    """Who the request's user is (roles, teams, agreements, grants) is read once per request;
    a refusal logged inside a transaction it rolled back is written once the request is over."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with refusals_outlast_rollback(), memo.per_request():
            return self.get_response(request)


class SessionTimeoutMiddleware:
    """Sign out sessions idle for SESSION_IDLE_MINUTES or older than SESSION_ABSOLUTE_HOURS."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _is_exempt_from_sessions(request.path_info):
            user = request.user
            if user.is_authenticated and isinstance(user, User):
                because = sessions.expired_timeout(request)
                if because is not None:
                    sessions.end_expired_session(request, user, because)
                    return _redirect(request, "identity:sign-in")
        return self.get_response(request)


class MfaRequiredMiddleware:
    """Hold a password-only session at the second-factor pages until it has a verified code."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @cached_property
    def exempt_paths(self) -> frozenset[str]:
        paths = set()
        for name in MFA_EXEMPT_URL_NAMES:
            try:
                paths.add(reverse(name))
            except NoReverseMatch:
                # Pages another part of Burgh has not added yet simply are not exempt.
                continue
        return frozenset(paths)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if _is_exempt_from_sessions(path) or path in self.exempt_paths:
            return self.get_response(request)
        user = request.user
        if user.is_authenticated and isinstance(user, User):
            verified = sessions.second_factor_verified(request)
            step = mfa.second_factor_step(user, verified=verified)
            if step is mfa.SecondFactorStep.VERIFY:
                return _redirect(request, "identity:mfa-verify")
            if step is mfa.SecondFactorStep.ENROL:
                return _redirect(request, "identity:mfa-setup")
        return self.get_response(request)
