"""The identity pages as a person sees them: GOV.UK markup, error summaries, the tokens page."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from burgh.identity.models import ApiToken
from burgh.identity.services.tokens import issue_api_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("identity:sign-in")
TOKENS = reverse("identity:tokens")


def title(response) -> str:
    match = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    assert match, "the page has no <title>"
    return match.group(1).strip()


def assert_govuk_page(response) -> str:
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="govuk-template"' in page
    assert "govuk-heading-l" in page or "govuk-label--l" in page
    assert " style=" not in page, "inline styles are refused by the CSP"
    return page


@pytest.fixture
def signed_in(client, staff_user):
    client.force_login(staff_user)
    return client


def test_sign_in_page(client):
    response = client.get(SIGN_IN)

    page = assert_govuk_page(response)
    assert title(response).startswith("Sign in")
    assert re.search(r'<input[^>]*id="email"[^>]*type="email"[^>]*autocomplete="username"', page)
    assert re.search(r'<input[^>]*id="password"[^>]*autocomplete="current-password"', page)
    assert ">Sign in</button>" in page


def test_empty_sign_in_shows_an_error_summary_linking_to_each_field(client):
    response = client.post(SIGN_IN, {"email": "", "password": ""})

    page = assert_govuk_page(response)
    assert title(response).startswith("Error: ")
    assert "govuk-error-summary" in page
    assert '<a href="#email">Enter your email address</a>' in page
    assert '<a href="#password">Enter your password</a>' in page
    assert "govuk-input--error" in page


def test_badly_formed_email_gets_the_govuk_message(client):
    response = client.post(SIGN_IN, {"email": "not-an-email", "password": "x"})

    assert "Enter an email address in the correct format" in response.content.decode()


def test_wrong_details_are_in_the_summary_and_the_password_is_not_echoed(client, staff_user):
    response = client.post(SIGN_IN, {"email": staff_user.email, "password": "my secret guess"})

    page = assert_govuk_page(response)
    assert title(response).startswith("Error: ")
    assert "Enter a correct email address and password" in page
    assert "my secret guess" not in page
    assert f'value="{staff_user.email}"' in page


def test_code_page(client, staff_user, staff_password):
    TOTPDevice.objects.create(user=staff_user, name="Authenticator app", confirmed=True)
    client.post(SIGN_IN, {"email": staff_user.email, "password": staff_password})

    response = client.get(reverse("identity:mfa-verify"))

    page = assert_govuk_page(response)
    assert re.search(r'<h1 class="govuk-label-wrapper"><label[^>]*>Enter your security code', page)
    assert re.search(r'<input[^>]*id="code"[^>]*autocomplete="one-time-code"', page)
    # Only "Sign out" in the navigation until the code is in.
    assert 'href="/account/tokens"' not in page


def test_malformed_code_is_an_error_on_the_field(client, staff_user, staff_password):
    TOTPDevice.objects.create(user=staff_user, name="Authenticator app", confirmed=True)
    client.post(SIGN_IN, {"email": staff_user.email, "password": staff_password})

    response = client.post(reverse("identity:mfa-verify"), {"code": "12ab"})

    assert title(response).startswith("Error: ")
    assert '<a href="#code">Security code must be 6 numbers</a>' in response.content.decode()


def test_set_up_page(signed_in):
    response = signed_in.get(reverse("identity:mfa-setup"))

    page = assert_govuk_page(response)
    assert "Set up two-factor authentication" in page
    assert "<svg" in page


def test_sign_out_everywhere_page(signed_in):
    response = signed_in.get(reverse("identity:sign-out-everywhere"))

    page = assert_govuk_page(response)
    assert "govuk-button--warning" in page


def test_tokens_page_lists_my_tokens_only(signed_in, staff_user, council):
    issue_api_token(
        staff_user, name="Street lighting", scopes=["identity:read"], expires_in=timedelta(30)
    )
    issue_api_token(
        UserFactory(organisation=council),
        name="Someone else's",
        scopes=["identity:read"],
        expires_in=timedelta(30),
    )

    page = assert_govuk_page(signed_in.get(TOKENS))

    assert "Street lighting" in page
    assert "Someone else" not in page
    assert "Active" in page


def test_creating_a_token_shows_it_once(signed_in, staff_user):
    response = signed_in.post(
        TOKENS, {"name": "Waste app", "scopes": ["identity:read"], "expires_in_days": "30"}
    )

    page = assert_govuk_page(response)
    token = ApiToken.objects.get(user=staff_user)
    secret = re.search(r'<code id="new-token">([^<]+)</code>', page).group(1)
    assert secret.startswith(f"burgh_{token.prefix}_")
    assert "You will not see it again" in page
    assert response["Cache-Control"] == "no-store"
    assert token.scopes == ["identity:read"]
    assert secret not in signed_in.get(TOKENS).content.decode()


def test_token_form_errors_link_to_their_fields(signed_in):
    response = signed_in.post(TOKENS, {"name": "", "expires_in_days": "400"})

    page = response.content.decode()
    assert title(response).startswith("Error: ")
    assert '<a href="#name">Enter a name for the token</a>' in page
    assert '<a href="#scopes">Select at least one thing the token can do</a>' in page
    assert '<a href="#expires_in_days">Number of days must be between 1 and 365</a>' in page
    assert 'id="scopes"' in page
    assert not ApiToken.objects.exists()


def test_revoking_a_token(signed_in, staff_user):
    token, _ = issue_api_token(
        staff_user, name="Waste app", scopes=["identity:read"], expires_in=timedelta(30)
    )

    response = signed_in.post(reverse("identity:token-revoke", args=[token.pk]), follow=True)

    token.refresh_from_db()
    assert token.revoked_at is not None
    page = response.content.decode()
    assert "Token Waste app has been revoked" in page
    assert "Revoked" in page


def test_revoke_is_post_only(signed_in, staff_user):
    token, _ = issue_api_token(
        staff_user, name="Waste app", scopes=["identity:read"], expires_in=timedelta(30)
    )

    response = signed_in.get(reverse("identity:token-revoke", args=[token.pk]))

    assert response.status_code == 405


def test_someone_elses_token_cannot_be_revoked(signed_in, council):
    token, _ = issue_api_token(
        UserFactory(organisation=council),
        name="Theirs",
        scopes=["identity:read"],
        expires_in=timedelta(30),
    )

    response = signed_in.post(reverse("identity:token-revoke", args=[token.pk]))

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_tokens_page_needs_sign_in(client):
    response = client.get(TOKENS)

    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)
