"""The page layer: the staff home, public pages, error pages, and the shared form includes."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.template import Context, Template
from django.test import Client, RequestFactory, override_settings
from django.urls import path, reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from burgh import urls as burgh_urls
from burgh.core import views
from burgh.identity.models import ApiToken, Membership, Team
from tests.factories import (
    MembershipFactory,
    RoleAssignmentFactory,
    RoleFactory,
    TeamFactory,
    UserFactory,
)


# A URL map for the error-page tests: the real one plus views that fail on purpose.
def _refuse(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def _suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("a header that cannot be true")


def _crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a fault in the service")


urlpatterns = [
    path("test-forbidden", _refuse),
    path("test-bad-request", _suspicious),
    path("test-crash", _crash),
    *burgh_urls.urlpatterns,
]
handler400 = burgh_urls.handler400
handler403 = burgh_urls.handler403
handler404 = burgh_urls.handler404
handler500 = burgh_urls.handler500

# Page titles end with an en dash and the council name, as GOV.UK writes them.
DASH = " \N{EN DASH} "


class _PageParts(HTMLParser):
    """Collects what the CSP and the brand tests look at."""

    def __init__(self) -> None:
        super().__init__()
        self.inline_scripts: list[dict[str, str | None]] = []
        self.styled: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if "style" in attributes:
            self.styled.append(tag)
        if tag == "script" and "src" not in attributes:
            self.inline_scripts.append(attributes)
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def parts(response: HttpResponse) -> _PageParts:
    parser = _PageParts()
    parser.feed(response.content.decode())
    return parser


def text(response: HttpResponse) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def signed_in(client: Client, staff_user) -> Client:
    client.force_login(staff_user)
    return client


# Error pages


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
@pytest.mark.parametrize(
    ("address", "status", "heading"),
    [
        ("/test-bad-request", 400, "Sorry, there is a problem with the request"),
        ("/test-forbidden", 403, "You do not have permission to see this page"),
        ("/no-such-page", 404, "Page not found"),
        ("/test-crash", 500, "Sorry, there is a problem with the service"),
    ],
)
def test_error_pages_use_the_layout_with_the_right_status(address, status, heading):
    client = Client(raise_request_exception=False)

    response = client.get(address)

    assert response.status_code == status
    page = parts(response)
    assert page.title == f"{heading}{DASH}Kinloch Council"
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in response.content.decode()
    assert 'class="govuk-footer"' in response.content.decode()


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_the_500_page_leaves_out_the_signed_in_navigation(staff_user):
    client = Client(raise_request_exception=False)
    client.force_login(staff_user)

    response = client.get("/test-crash")

    assert response.status_code == 500
    assert "Sign out" not in text(response)


def test_the_500_page_still_answers_when_the_layout_cannot_be_drawn(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("template engine down")

    monkeypatch.setattr(views, "render", broken)

    response = views.server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert b"Sorry, there is a problem with the service" in response.content
    assert b'lang="en"' in response.content


@pytest.mark.django_db
@override_settings(CSRF_FAILURE_VIEW="burgh.core.views.csrf_failure")
def test_a_form_without_its_security_token_gets_a_plain_explanation():
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("identity:sign-in"), {"email": "a@b.example", "password": "x"})

    assert response.status_code == 403
    assert "Sorry, the form could not be sent" in text(response)
    assert "Nothing from the form was saved" in text(response)


# Public pages


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "heading"),
    [("core:accessibility", "Accessibility statement"), ("core:privacy", "Privacy notice")],
)
def test_public_pages_need_no_sign_in(client, name, heading):
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert heading in text(response)
    assert "Sign out" not in text(response)


@pytest.mark.django_db
@override_settings(SESSION_IDLE_MINUTES=45, SESSION_ABSOLUTE_HOURS=8)
def test_privacy_notice_states_the_session_limits_in_force(client):
    response = client.get(reverse("core:privacy"))

    assert "after 45 minutes without activity, or at most 8 hours after you signed in" in text(
        response
    )


@pytest.mark.django_db
def test_footer_links_to_the_accessibility_statement_and_privacy_notice(client):
    response = client.get(reverse("core:accessibility"))

    content = response.content.decode()
    assert f'href="{reverse("core:accessibility")}">Accessibility statement</a>' in content
    assert f'href="{reverse("core:privacy")}">Privacy notice</a>' in content
    assert "© Kinloch Council" in text(response)


# The layout: brand and CSP


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["/", "/accessibility", "/no-such-page"])
def test_pages_carry_no_inline_style_and_only_nonced_inline_scripts(signed_in, address):
    response = signed_in.get(address)

    page = parts(response)
    assert page.styled == []
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    assert nonce is not None
    assert page.inline_scripts, "the js-enabled script is missing"
    for script in page.inline_scripts:
        assert script.get("nonce") == nonce.group(1)


@pytest.mark.django_db
def test_header_names_the_council_and_nothing_of_gov_uk(client):
    response = client.get(reverse("core:privacy"))

    content = response.content.decode()
    assert '<a href="/" class="govuk-generic-header__homepage-link">Kinloch Council</a>' in content
    assert "govuk-header__logotype" not in content
    assert "govuk-footer__crown" not in content
    assert "GOV.UK" not in content


@pytest.mark.django_db
def test_signed_in_navigation_marks_the_current_page_and_signs_out_by_post(signed_in):
    response = signed_in.get(reverse("core:home"))

    content = text(response)
    assert 'href="/" aria-current="page"' in content
    for url_name, label in [
        ("api:openapi-view", "API documentation"),
        ("identity:tokens", "API tokens"),
        ("identity:mfa-setup", "Two-factor authentication"),
    ]:
        assert f'href="{reverse(url_name)}"> {label} </a>' in content
    sign_out = re.search(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', content)
    assert sign_out is not None
    assert sign_out.group(1) == reverse("identity:sign-out")
    assert 'name="csrfmiddlewaretoken"' in sign_out.group(2)
    assert "Sign out" in sign_out.group(2)


# Staff home


@pytest.mark.django_db
def test_home_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("core:home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:sign-in"))


@pytest.mark.django_db
def test_home_welcomes_the_user_with_their_organisation(council):
    user = UserFactory(organisation=council, full_name="Morag Campbell")
    client = Client()
    client.force_login(user)

    response = client.get(reverse("core:home"))

    assert response.status_code == 200
    assert "Welcome, Morag" in text(response)
    assert '<span class="govuk-caption-l">Kinloch Council</span>' in text(response)
    assert parts(response).title == f"Home{DASH}Kinloch Council"


@pytest.mark.django_db
def test_home_lists_only_the_teams_the_user_is_in_today(signed_in, staff_user, council):
    today = timezone.localdate()
    MembershipFactory(
        user=staff_user,
        team=TeamFactory(organisation=council, name="Housing options"),
        position=Membership.Position.LEADER,
    )
    MembershipFactory(
        user=staff_user,
        team=TeamFactory(
            organisation=council,
            name="Flood response",
            kind=Team.Kind.RAPID_RESPONSE,
            starts_on=today - timedelta(days=1),
            ends_on=today + timedelta(days=6),
        ),
    )
    MembershipFactory(
        user=staff_user,
        team=TeamFactory(organisation=council, name="Council tax"),
        valid_to=today - timedelta(days=1),
    )
    MembershipFactory(
        user=staff_user,
        team=TeamFactory(organisation=council, name="Elections"),
        valid_from=today + timedelta(days=3),
    )
    MembershipFactory(
        user=staff_user,
        team=TeamFactory(
            organisation=council,
            name="Storm clean-up",
            kind=Team.Kind.RAPID_RESPONSE,
            starts_on=today - timedelta(days=20),
            ends_on=today - timedelta(days=2),
        ),
    )

    content = text(signed_in.get(reverse("core:home")))

    assert "Housing options" in content
    assert "Team leader" in content
    ends = (today + timedelta(days=6)).strftime("%-d %B %Y")
    assert f"Rapid-response team until {ends}" in content
    for gone in ("Council tax", "Elections", "Storm clean-up"):
        assert gone not in content


@pytest.mark.django_db
def test_home_says_when_the_user_has_no_team_or_role(signed_in):
    content = text(signed_in.get(reverse("core:home")))

    assert "You are not in a team at the moment" in content
    assert "You do not have a role yet" in content


@pytest.mark.django_db
def test_home_lists_current_roles_and_which_need_two_factor(signed_in, staff_user):
    today = timezone.localdate()
    RoleAssignmentFactory(
        user=staff_user,
        role=RoleFactory(name="Caseworker", slug="caseworker", description="Works cases."),
    )
    RoleAssignmentFactory(
        user=staff_user,
        role=RoleFactory(name="Adult social worker", slug="adult-sw", requires_mfa=True),
    )
    RoleAssignmentFactory(
        user=staff_user,
        role=RoleFactory(name="Elections clerk", slug="elections"),
        valid_to=today - timedelta(days=1),
    )
    TOTPDevice.objects.create(user=staff_user, name="Authenticator app", confirmed=True)
    device = TOTPDevice.objects.get(user=staff_user)
    session = signed_in.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()

    content = text(signed_in.get(reverse("core:home")))

    assert "Caseworker" in content
    assert "Works cases." in content
    assert "Adult social worker" in content
    assert "Needs two-factor authentication" in content
    assert "Elections clerk" not in content
    assert "Your role as Adult social worker needs it." in content


@pytest.mark.django_db
def test_home_shows_two_factor_not_set_up_with_a_link_to_set_it_up(signed_in):
    content = text(signed_in.get(reverse("core:home")))

    assert "Not set up" in content
    assert (
        f'href="{reverse("identity:mfa-setup")}">Set up'
        '<span class="govuk-visually-hidden"> two-factor authentication</span>'
    ) in content


@pytest.mark.django_db
def test_home_shows_two_factor_on_after_signing_in_with_a_code(signed_in, staff_user):
    device = TOTPDevice.objects.create(user=staff_user, name="Authenticator app", confirmed=True)
    session = signed_in.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()

    content = text(signed_in.get(reverse("core:home")))

    assert 'govuk-tag--green">On</strong>' in content
    assert "You entered a security code from your authenticator app" in content


@pytest.mark.django_db
def test_home_counts_only_usable_api_tokens(signed_in, staff_user):
    now = timezone.now()
    for prefix, expires_at, revoked_at in [
        ("aaaa1111", now + timedelta(days=30), None),
        ("bbbb2222", now + timedelta(days=60), None),
        ("cccc3333", now + timedelta(days=30), now),
        ("dddd4444", now - timedelta(days=1), None),
    ]:
        ApiToken.objects.create(
            user=staff_user,
            name=prefix,
            prefix=prefix,
            digest="0" * 64,
            scopes=["identity:read"],
            expires_at=expires_at,
            revoked_at=revoked_at,
        )

    content = text(signed_in.get(reverse("core:home")))

    assert "2 active tokens" in content


@pytest.mark.django_db
@pytest.mark.parametrize("is_staff", [True, False])
def test_only_administrators_see_the_admin_site_link(client, council, is_staff):
    user = UserFactory(organisation=council, is_staff=is_staff)
    client.force_login(user)

    content = text(client.get(reverse("core:home")))

    assert (f'href="{reverse("admin:index")}"' in content) is is_staff


# Shared includes


class _ExampleForm(forms.Form):
    email = forms.EmailField(label="Email address", help_text="Your work address")
    password = forms.CharField(label="Password", widget=forms.PasswordInput)
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)

    def clean(self):
        raise forms.ValidationError("Those details do not match our records")


def _render(source: str, **context: object) -> str:
    return re.sub(r"\s+", " ", Template(source).render(Context(context)))


def test_field_include_links_hint_and_error_and_never_echoes_a_password():
    form = _ExampleForm({"email": "not an address", "password": "hunter2hunter2", "notes": "x"})
    form.is_valid()

    email = _render(
        '{% include "core/includes/field.html" with field=form.email autocomplete="email" '
        'spellcheck="false" %}',
        form=form,
    )
    password = _render(
        '{% include "core/includes/field.html" with field=form.password %}', form=form
    )
    notes = _render('{% include "core/includes/field.html" with field=form.notes %}', form=form)

    assert "govuk-form-group--error" in email
    assert '<div id="id_email-hint" class="govuk-hint">Your work address</div>' in email
    assert '<span class="govuk-visually-hidden">Error:</span> Enter a valid email address.' in email
    assert 'aria-describedby="id_email-hint id_email-error"' in email
    assert 'type="email"' in email
    assert 'value="not an address"' in email
    assert 'autocomplete="email"' in email
    assert 'spellcheck="false"' in email
    assert 'type="password"' in password
    assert "hunter2" not in password
    assert "aria-describedby" not in password
    assert (
        '<textarea class="govuk-textarea" id="id_notes" name="notes" rows="5">x</textarea>' in notes
    )


def test_error_summary_links_field_errors_and_lists_others_as_text():
    form = _ExampleForm({"email": "", "password": "something long"})
    form.is_valid()

    summary = _render('{% include "core/includes/error_summary.html" %}', form=form)

    assert 'data-module="govuk-error-summary"' in summary
    assert '<li><a href="#id_email">This field is required.</a></li>' in summary
    assert "<li>Those details do not match our records</li>" in summary
    assert 'href="#id_password"' not in summary


def test_error_summary_is_empty_for_a_form_without_errors():
    form = _ExampleForm()

    assert _render('{% include "core/includes/error_summary.html" %}', form=form).strip() == ""


def test_title_prefix_marks_pages_whose_forms_have_errors():
    with_errors = _ExampleForm({"email": ""})
    with_errors.is_valid()
    source = "{% load burgh_pages %}{% title_prefix form other %}Sign in"

    assert _render(source, form=with_errors) == "Error: Sign in"
    assert _render(source, form=_ExampleForm()) == "Sign in"
    assert _render(source) == "Sign in"
    assert _render(source, form=_ExampleForm(), other=with_errors) == "Error: Sign in"


@pytest.mark.django_db
def test_health_check_answers_without_sign_in(client):
    response = client.get(reverse("core:health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_health_check_says_when_the_database_is_down(client):
    from unittest import mock

    from django.db import OperationalError

    with mock.patch("burgh.core.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get(reverse("core:health"))
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
