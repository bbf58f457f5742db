"""Staff home, the public accessibility and privacy pages, and the error pages."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.cache import never_cache

from burgh.identity.models import Role, User
from burgh.identity.permissions import current_memberships, current_roles
from burgh.identity.services import mfa
from burgh.identity.services.tokens import usable_token_count

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TwoFactorStatus:
    """What the home page says about a person's two-factor sign-in."""

    set_up: bool
    # This session was signed in with a security code.
    used_this_session: bool
    # The roles that make it compulsory, by name; empty when none does.
    required_by: tuple[str, ...]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    today = timezone.localdate()
    roles = sorted(current_roles(user, on=today), key=lambda role: role.name)
    context = {
        "first_name": user.get_short_name(),
        "organisation": user.organisation,
        "memberships": current_memberships(user, on=today),
        "roles": roles,
        "two_factor": _two_factor_status(request, user, roles),
        "usable_token_count": usable_token_count(user),
    }
    return render(request, "core/home.html", context)


def _two_factor_status(request: HttpRequest, user: User, roles: list[Role]) -> TwoFactorStatus:
    # OTPMiddleware sets otp_device to the device that verified this session, if any.
    return TwoFactorStatus(
        set_up=mfa.has_confirmed_device(user),
        used_this_session=getattr(user, "otp_device", None) is not None,
        required_by=tuple(role.name for role in roles if role.requires_mfa),
    )


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def privacy(request: HttpRequest) -> HttpResponse:
    context = {
        "idle_minutes": settings.SESSION_IDLE_MINUTES,
        "absolute_hours": settings.SESSION_ABSOLUTE_HOURS,
    }
    return render(request, "core/privacy.html", context)


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.exception("Health check: the database did not answer.")
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _error_page(
    request: HttpRequest, status: int, title: str, paragraphs: list[str], **extra: object
) -> HttpResponse:
    context = {"title": title, "paragraphs": paragraphs, **extra}
    return render(request, "core/error.html", context, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(
        request,
        400,
        "Sorry, there is a problem with the request",
        [
            "The page could not understand what was sent to it.",
            "Go back, check the web address or the form, and try again.",
        ],
    )


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(
        request,
        403,
        "You do not have permission to see this page",
        [
            "Your account does not have access to this page or record.",
            "If you need it for your work, ask your team leader to request access for you.",
        ],
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Shown when a form comes back without its security token, usually from an old tab."""
    return _error_page(
        request,
        403,
        "Sorry, the form could not be sent",
        [
            "This can happen when a page has been open for a long time, or you signed in or "
            "out in another tab.",
            "Go back, reload the page, and send the form again. Nothing from the form was saved.",
        ],
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(
        request,
        404,
        "Page not found",
        [
            "If you typed the web address, check it is correct.",
            "If you pasted the web address, check you copied the entire address.",
            "If the web address is correct or you selected a link or button, tell the IT "
            "service desk which page you were trying to reach.",
        ],
    )


_SERVER_ERROR_TITLE = "Sorry, there is a problem with the service"
_SERVER_ERROR_TEXT = "Try again later. If it keeps happening, tell the IT service desk."


def server_error(request: HttpRequest) -> HttpResponse:
    # No navigation: it would need the session and the user, and the database may be the fault.
    try:
        return _error_page(
            request, 500, _SERVER_ERROR_TITLE, [_SERVER_ERROR_TEXT], hide_navigation=True
        )
    except Exception:
        logger.exception("The error page itself failed; sending the plain one")
    council = escape(settings.COUNCIL_NAME)
    return HttpResponseServerError(
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{_SERVER_ERROR_TITLE} \N{EN DASH} {council}</title></head>"
        f"<body><h1>{_SERVER_ERROR_TITLE}</h1><p>{_SERVER_ERROR_TEXT}</p></body></html>"
    )
