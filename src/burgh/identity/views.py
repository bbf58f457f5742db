"""Sign-in (password or the council's identity provider), two-factor, sign-out, API tokens."""

import uuid
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from burgh.core.errors import InvalidInputError, StaleVersionError
from burgh.core.forms import add_service_errors
from burgh.identity.forms import (
    IssueTokenForm,
    ProviderRefusalForm,
    SecurityCodeForm,
    SignInForm,
)
from burgh.identity.models import ApiToken, User
from burgh.identity.services import mfa, oidc, sessions
from burgh.identity.services.sessions import SignedOutBecause
from burgh.identity.services.sign_in import ADDRESS_WINDOW, Refusal, sign_in_with_password
from burgh.identity.services.tokens import (
    SCOPES,
    TOKEN_PREFIX,
    issue_api_token,
    revoke_api_token,
)

DEFAULT_TOKEN_DAYS = 90
CREDENTIALS_ERROR = "Enter a correct email address and password"
THROTTLED_ERROR = (
    "There have been too many failed attempts to sign in from your network. "
    f"Wait {ADDRESS_WINDOW.seconds // 60} minutes, then try again"
)
# The same words for an unknown, unverified, already linked or disabled account: like the
# password form, the page never says whether an address has a usable Burgh account.
PROVIDER_NOT_LINKABLE_ERROR = (
    "You cannot sign in to Burgh with that account. Sign in with your email address and "
    "password, or contact the IT service desk if you need a Burgh account"
)
PROVIDER_CANCELLED_ERROR = (
    "Signing in with your council account was cancelled or refused. Try again, or sign in "
    "with your email address and password"
)
PROVIDER_FAILED_ERROR = "Signing in with your council account did not work. Try again"
PROVIDER_UNAVAILABLE_ERROR = (
    "The council's sign-in service is not responding. Try again later, or sign in with your "
    "email address and password"
)
# Carries a refusal from the provider's callback to the sign-in page it redirects to.
PROVIDER_REFUSAL = "burgh_provider_refusal"


def _time_of_day(moment: datetime) -> str:
    """A time as GOV.UK writes it, in UK time: 3:45pm, 10am."""
    local = timezone.localtime(moment)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes}{suffix}"


def _date(moment: datetime) -> str:
    """A date as GOV.UK writes it, in UK time: 5 January 2026."""
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y}"


def _date_and_time(moment: datetime) -> str:
    return f"{_date(moment)} at {_time_of_day(moment)}"


def _locked_message(until: datetime | None) -> str:
    if until is None:
        return "Your account is locked because of too many failed attempts. Try again later"
    return (
        "Your account is locked because of too many failed attempts to sign in. "
        f"Try again after {_time_of_day(until)}"
    )


def _safe_next(request: HttpRequest) -> str:
    """The page to go on to: only a path on this site, never somewhere else."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _with_next(url_name: str, next_url: str) -> str:
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _after_sign_in(user: User, next_url: str, *, second_factor_done: bool) -> HttpResponse:
    """Where a newly signed-in person goes: the second-factor step they owe, or on."""
    step = mfa.second_factor_step(user, verified=second_factor_done)
    if step is mfa.SecondFactorStep.VERIFY:
        return redirect(_with_next("identity:mfa-verify", next_url))
    if step is mfa.SecondFactorStep.ENROL:
        return redirect(_with_next("identity:mfa-setup", next_url))
    return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


def _provider_refusal_message(result: oidc.OidcSignInResult) -> str:
    if result.refusal in oidc.NOT_LINKABLE:
        return PROVIDER_NOT_LINKABLE_ERROR
    if result.refusal is oidc.OidcRefusal.LOCKED:
        return _locked_message(result.locked_until)
    if result.refusal is oidc.OidcRefusal.PROVIDER_ERROR:
        return PROVIDER_CANCELLED_ERROR
    if result.refusal is oidc.OidcRefusal.PROVIDER_UNAVAILABLE:
        return PROVIDER_UNAVAILABLE_ERROR
    return PROVIDER_FAILED_ERROR


def _signed_out_banner(request: HttpRequest) -> str:
    notice = sessions.take_signed_out_notice(request)
    if notice is None:
        return ""
    because, until = notice
    if because is SignedOutBecause.IDLE:
        return (
            "You were signed out because you had not done anything for "
            f"{settings.SESSION_IDLE_MINUTES} minutes. Sign in again to carry on."
        )
    if because is SignedOutBecause.ABSOLUTE:
        return (
            "You were signed out because you had been signed in for "
            f"{settings.SESSION_ABSOLUTE_HOURS} hours. Sign in again to carry on."
        )
    if because is SignedOutBecause.LOCKED:
        return (
            "You were signed out because of too many wrong security codes. "
            + _locked_message(until)
            + "."
        )
    return "You have signed out."


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request)
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = sign_in_with_password(
            request, form.cleaned_data["email"], form.cleaned_data["password"]
        )
        user = result.user
        if result.succeeded and user is not None:
            return _after_sign_in(user, next_url, second_factor_done=False)
        if result.refusal is Refusal.LOCKED:
            form.add_error(None, _locked_message(result.locked_until))
        elif result.refusal is Refusal.THROTTLED:
            form.add_error(None, THROTTLED_ERROR)
        else:
            form.add_error(None, CREDENTIALS_ERROR)
    refusal = request.session.pop(PROVIDER_REFUSAL, "") if request.method == "GET" else ""
    context = {
        "form": form,
        "next": next_url,
        "banner": "" if request.method == "POST" else _signed_out_banner(request),
        "max_failures": settings.SIGN_IN_MAX_FAILURES,
        "lockout_minutes": settings.SIGN_IN_LOCKOUT_MINUTES,
        "provider_refusal": ProviderRefusalForm(str(refusal)) if refusal else None,
        "provider_label": settings.OIDC_LABEL if oidc.is_enabled() else "",
        "provider_url": _with_next("identity:oidc-start", next_url),
    }
    return render(request, "identity/sign_in.html", context)


@never_cache
@require_GET
def oidc_start(request: HttpRequest) -> HttpResponse:
    """Send the browser to the council's identity provider (a link, so it works without JS)."""
    if not oidc.is_enabled():
        raise Http404
    next_url = _safe_next(request)
    callback = request.build_absolute_uri(reverse("identity:oidc-callback"))
    try:
        url = oidc.start_sign_in(request, redirect_uri=callback, next_url=next_url)
    except oidc.OidcUnavailableError:
        request.session[PROVIDER_REFUSAL] = PROVIDER_UNAVAILABLE_ERROR
        return redirect(_with_next("identity:sign-in", next_url))
    return HttpResponseRedirect(url)


@never_cache
@require_GET
def oidc_callback(request: HttpRequest) -> HttpResponse:
    """The identity provider sends the person back here with a code, or with an error."""
    if not oidc.is_enabled():
        raise Http404
    result = oidc.finish_sign_in(request)
    user = result.user
    if result.succeeded and user is not None:
        return _after_sign_in(user, result.next_url, second_factor_done=result.second_factor_done)
    # Redirected rather than shown here, so a reload does not replay a used code.
    request.session[PROVIDER_REFUSAL] = _provider_refusal_message(result)
    return redirect(_with_next("identity:sign-in", result.next_url))


def admin_sign_in(request: HttpRequest) -> HttpResponse:
    """The admin site's own login page would skip lock-out, throttling and MFA: send people here."""
    if request.user.is_authenticated:
        # Signed in but not an administrator: signing in again would not help.
        raise PermissionDenied
    return redirect(_with_next("identity:sign-in", _safe_next(request) or reverse("admin:index")))


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    sessions.sign_out(request)
    return redirect("identity:sign-in")


@login_required
@require_http_methods(["GET", "POST"])
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        sessions.sign_out_everywhere(request)
        messages.success(request, "You have been signed out on every other device and browser.")
        return redirect("identity:sign-out-everywhere")
    return render(request, "identity/sign_out_everywhere.html")


def _code_page(
    request: HttpRequest, template: str, form: SecurityCodeForm, **extra: Any
) -> HttpResponse:
    context = {"form": form, "next": _safe_next(request), **extra}
    return render(request, template, context)


def _refusal_error(result: mfa.CodeResult) -> str:
    if result.refusal is mfa.CodeRefusal.THROTTLED:
        if result.retry_at is not None:
            wait = max(1, int((result.retry_at - timezone.now()).total_seconds()) + 1)
            return f"You entered a wrong code. Wait {wait} seconds, then enter the new code"
        return "You entered a wrong code. Wait a few seconds, then enter the new code"
    return "The security code is not correct. Enter the code your app shows now"


@sensitive_post_parameters("code")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def mfa_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    next_url = _safe_next(request)
    verified = sessions.second_factor_verified(request)
    if mfa.has_confirmed_device(user):
        if not verified:
            # Adding a second app must not be a way round the first one.
            return redirect(_with_next("identity:mfa-verify", next_url))
        device = mfa.confirmed_device(user)
        context = {
            "set_up_on": _date(device.created_at),
            "last_used": _date_and_time(device.last_used_at) if device.last_used_at else "",
        }
        return render(request, "identity/mfa_set_up.html", context)
    device = mfa.pending_device(user)
    form = SecurityCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = mfa.confirm_enrolment(request, device, form.cleaned_data["code"])
        if result.succeeded:
            return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
        form.add_error("code", _refusal_error(result))
    return _code_page(
        request,
        "identity/mfa_setup.html",
        form,
        qr_code_svg=mfa.qr_code_svg(device),
        manual_key=mfa.manual_entry_key(device),
        required_by_role=mfa.mfa_required_by_role(user),
    )


@sensitive_post_parameters("code")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    next_url = _safe_next(request)
    if sessions.second_factor_verified(request):
        return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    if not mfa.has_confirmed_device(user):
        return redirect(_with_next("identity:mfa-setup", next_url))
    form = SecurityCodeForm(request.POST or None, label="Enter your security code")
    if request.method == "POST" and form.is_valid():
        result = mfa.verify_second_factor(request, form.cleaned_data["code"])
        if result.succeeded:
            return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
        if result.locked_until is not None:
            return redirect("identity:sign-in")
        form.add_error("code", _refusal_error(result))
    return _code_page(request, "identity/mfa_verify.html", form)


def _token_rows(user: User) -> list[dict[str, Any]]:
    now = timezone.now()
    rows = []
    for token in ApiToken.objects.filter(user=user).order_by("-created_at"):
        if token.revoked_at is not None:
            status, colour = "Revoked", "govuk-tag--grey"
        elif token.expires_at <= now:
            status, colour = "Expired", "govuk-tag--yellow"
        else:
            status, colour = "Active", "govuk-tag--green"
        rows.append({"token": token, "status": status, "tag_class": colour})
    return rows


def _tokens_page(
    request: HttpRequest, form: IssueTokenForm, *, issued: tuple[ApiToken, str] | None = None
) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    selected = set(form["scopes"].value() or [])
    context = {
        "form": form,
        "rows": _token_rows(user),
        "scope_options": [
            {"code": code, "text": text, "checked": code in selected}
            for code, text in SCOPES.items()
        ],
        "token_prefix": TOKEN_PREFIX,
        "issued_token": issued[0] if issued else None,
        "issued_secret": issued[1] if issued else "",
    }
    response = render(request, "identity/tokens.html", context)
    if issued:
        # The secret is on this page only once: no cache may keep a copy.
        response["Cache-Control"] = "no-store"
    return response


def _new_token_form() -> IssueTokenForm:
    return IssueTokenForm(initial={"expires_in_days": DEFAULT_TOKEN_DAYS})


# Where the token service's error pointers land on the form.
_TOKEN_FIELDS = {"#/name": "name", "#/scopes": "scopes", "#/expires_in": "expires_in_days"}


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if request.method == "POST":
        form = IssueTokenForm(request.POST)
        if form.is_valid():
            try:
                issued = issue_api_token(
                    user,
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                    expires_in=timedelta(days=form.cleaned_data["expires_in_days"]),
                )
            except InvalidInputError as refusal:
                add_service_errors(form, refusal, _TOKEN_FIELDS)
            else:
                return _tokens_page(request, _new_token_form(), issued=issued)
        return _tokens_page(request, form)
    return _tokens_page(request, _new_token_form())


@login_required
@require_POST
def revoke_token(request: HttpRequest, token_id: uuid.UUID) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    user = request.user
    assert isinstance(user, User)
    if token.revoked_at is None:
        try:
            revoke_api_token(token, by=user)
        except StaleVersionError:
            # Revoked or changed a moment ago in another tab; the list shows how it stands.
            messages.info(request, f"Token {token.name} had just been changed. Check its status.")
        else:
            messages.success(request, f"Token {token.name} has been revoked.")
    return redirect("identity:tokens")
