"""Signing in with the council's identity provider, against a real OpenID provider run locally.

The provider is npm's oidc-provider (tests/identity/oidc_provider/server.mjs). These tests go
through its login and consent pages over HTTP and hand its answer to Burgh's test client; the
browser tests in test_oidc_browser.py do the same as a person would, in Chromium.
"""

from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from burgh.core.models import AuditEntry
from burgh.identity.models import OidcIdentity, User
from burgh.identity.services import oidc, sessions
from burgh.identity.views import (
    PROVIDER_CANCELLED_ERROR,
    PROVIDER_FAILED_ERROR,
    PROVIDER_NOT_LINKABLE_ERROR,
    PROVIDER_UNAVAILABLE_ERROR,
)
from tests.factories import RoleAssignmentFactory, RoleFactory, UserFactory
from tests.identity.conftest import TEST_CLIENT_ORIGIN
from tests.identity.oidc_provider import ACCOUNTS, sign_in_at_provider
from tests.processes import run_module

pytestmark = pytest.mark.django_db

HOME = reverse("core:home")
SIGN_IN = reverse("identity:sign-in")
START = reverse("identity:oidc-start")
VERIFY = reverse("identity:mfa-verify")
SETUP = reverse("identity:mfa-setup")


def burgh_user(council, username, **fields):
    """The Burgh account for one of the provider's people (same email address)."""
    account = ACCOUNTS[username]
    return UserFactory(
        organisation=council, email=account["email"], full_name=account["name"], **fields
    )


def authorization_url(client, next_url=""):
    started = client.get(f"{START}?{urlencode({'next': next_url})}" if next_url else START)
    assert started.status_code == 302, started.content
    return started["Location"]


def come_back(client, callback_url):
    """The browser arriving back at Burgh from the provider."""
    assert callback_url.startswith(TEST_CLIENT_ORIGIN)
    return client.get(callback_url.removeprefix(TEST_CLIENT_ORIGIN))


def sign_in_with_provider(client, username, *, next_url=""):
    url = authorization_url(client, next_url)
    return come_back(client, sign_in_at_provider(url, username, returns_to=TEST_CLIENT_ORIGIN))


def with_query(url, **changes):
    parts = urlsplit(url)
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def signed_in_user_id(client):
    return client.session.get(SESSION_KEY)


def sign_in_entries(**filters):
    return AuditEntry.objects.filter(action="identity.sign_in", **filters).order_by("seq")


def refusal_shown(client, response):
    """The sign-in page the refused person is sent back to, as they see it."""
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)
    page = client.get(response["Location"])
    assert page.status_code == 200
    return unescape(page.content.decode())


class TestFirstAndLaterSignIns:
    def test_first_sign_in_links_by_verified_email_and_signs_in(self, client, council, provider):
        ailsa = burgh_user(council, "ailsa")

        response = sign_in_with_provider(client, "ailsa")

        assert response.status_code == 302
        assert response["Location"] == HOME
        assert signed_in_user_id(client) == str(ailsa.pk)
        link = OidcIdentity.objects.get(user=ailsa)
        assert (link.issuer, link.subject) == (provider.issuer, ACCOUNTS["ailsa"]["sub"])
        assert AuditEntry.objects.filter(action="identity.oidc_linked", subject_id=str(ailsa.pk))
        entry = sign_in_entries(outcome="success").get()
        assert entry.actor_id == str(ailsa.pk)
        assert entry.detail["method"] == "oidc"
        assert entry.detail["issuer"] == provider.issuer

    def test_the_home_page_greets_the_person_by_name(self, client, council, provider):
        burgh_user(council, "ailsa")

        sign_in_with_provider(client, "ailsa")

        assert "Welcome, Ailsa" in client.get(HOME).content.decode()

    def test_later_sign_ins_match_on_subject_not_email(self, client, council, provider):
        ailsa = burgh_user(council, "ailsa")
        sign_in_with_provider(client, "ailsa")
        client.post(reverse("identity:sign-out"))
        # Burgh's record of her address changes, and someone else now holds the old one.
        User.objects.filter(pk=ailsa.pk).update(email="a.macleod@kinloch.example")
        UserFactory(organisation=council, email=ACCOUNTS["ailsa"]["email"])

        sign_in_with_provider(client, "ailsa")

        assert signed_in_user_id(client) == str(ailsa.pk)
        assert OidcIdentity.objects.count() == 1

    def test_the_page_asked_for_is_where_the_person_lands(self, client, council, provider):
        burgh_user(council, "ailsa")
        tokens_page = reverse("identity:tokens")

        response = sign_in_with_provider(client, "ailsa", next_url=tokens_page)

        assert response["Location"] == tokens_page

    def test_a_page_on_another_site_is_never_where_anyone_lands(self, client, council, provider):
        burgh_user(council, "ailsa")

        response = sign_in_with_provider(client, "ailsa", next_url="https://evil.example/")

        assert response["Location"] == HOME


class TestSessionRules:
    def test_signing_in_gives_a_new_session_key_and_starts_both_clocks(
        self, client, council, provider
    ):
        burgh_user(council, "ailsa")
        url = authorization_url(client)
        before = client.cookies[settings.SESSION_COOKIE_NAME].value

        come_back(client, sign_in_at_provider(url, "ailsa", returns_to=TEST_CLIENT_ORIGIN))

        assert client.cookies[settings.SESSION_COOKIE_NAME].value != before
        assert client.session[sessions.SIGNED_IN_AT]
        assert client.session[sessions.LAST_SEEN_AT]

    def test_an_idle_session_ends_as_after_a_password(self, client, council, provider):
        burgh_user(council, "ailsa")
        sign_in_with_provider(client, "ailsa")
        session = client.session
        idle = timezone.now() - timedelta(minutes=settings.SESSION_IDLE_MINUTES + 1)
        session[sessions.LAST_SEEN_AT] = idle.isoformat()
        session.save()

        response = client.get(HOME)

        assert response.status_code == 302
        assert response["Location"].startswith(SIGN_IN)
        assert signed_in_user_id(client) is None

    def test_a_locked_account_is_refused_until_the_lock_ends(self, client, council, provider):
        burgh_user(council, "ailsa", locked_until=timezone.now() + timedelta(minutes=10))

        page = refusal_shown(client, sign_in_with_provider(client, "ailsa"))

        assert "Your account is locked" in page
        assert signed_in_user_id(client) is None
        assert sign_in_entries(outcome="failure").get().detail["reason"] == "locked"


class TestRefusals:
    @pytest.mark.parametrize(
        ("username", "reason"),
        [("stranger", "unknown_account"), ("unverified", "email_not_verified")],
    )
    def test_unknown_and_unverified_accounts_are_refused_alike(
        self, client, council, provider, username, reason
    ):
        # Eilidh has a Burgh account, but the provider has not verified her address.
        burgh_user(council, "unverified")

        page = refusal_shown(client, sign_in_with_provider(client, username))

        assert PROVIDER_NOT_LINKABLE_ERROR in page
        assert "<title>Error: Sign in" in page
        assert signed_in_user_id(client) is None
        assert not OidcIdentity.objects.exists()
        entry = sign_in_entries(outcome="failure").get()
        assert entry.detail["reason"] == reason
        assert entry.detail["method"] == "oidc"
        assert entry.detail["email"] == ACCOUNTS[username]["email"]

    def test_a_deactivated_account_is_refused_in_the_same_words(self, client, council, provider):
        burgh_user(council, "ailsa", is_active=False)

        page = refusal_shown(client, sign_in_with_provider(client, "ailsa"))

        assert PROVIDER_NOT_LINKABLE_ERROR in page
        assert signed_in_user_id(client) is None
        assert sign_in_entries(outcome="failure").get().detail["reason"] == "inactive"

    def test_an_account_linked_to_someone_else_at_the_provider_is_refused(
        self, client, council, provider
    ):
        ailsa = burgh_user(council, "ailsa")
        OidcIdentity.objects.create(
            user=ailsa, issuer=provider.issuer, subject="someone-before", linked_email=ailsa.email
        )

        page = refusal_shown(client, sign_in_with_provider(client, "ailsa"))

        assert PROVIDER_NOT_LINKABLE_ERROR in page
        assert signed_in_user_id(client) is None
        assert sign_in_entries(outcome="failure").get().detail["reason"] == "linked_to_another"

    def test_cancelling_at_the_provider_says_so(self, client, council, provider):
        url = authorization_url(client)
        state = parse_qs(urlsplit(url).query)["state"][0]
        callback = reverse("identity:oidc-callback")

        response = client.get(f"{callback}?error=access_denied&state={state}")

        assert PROVIDER_CANCELLED_ERROR in refusal_shown(client, response)
        assert sign_in_entries(outcome="failure").get().detail["error"] == "access_denied"

    def test_a_tampered_state_is_rejected(self, client, council, provider):
        burgh_user(council, "ailsa")
        url = authorization_url(client)
        back = sign_in_at_provider(url, "ailsa", returns_to=TEST_CLIENT_ORIGIN)

        response = come_back(client, with_query(back, state="forged-by-someone-else"))

        assert PROVIDER_FAILED_ERROR in refusal_shown(client, response)
        assert signed_in_user_id(client) is None
        assert sign_in_entries(outcome="failure").get().detail["reason"] == "bad_response"

    def test_a_tampered_nonce_is_rejected(self, client, council, provider):
        burgh_user(council, "ailsa")
        # The provider is asked with another nonce than the one Burgh keeps, as when an ID
        # token made for another sign-in is slipped in.
        url = with_query(authorization_url(client), nonce="not-the-one-burgh-sent")
        back = sign_in_at_provider(url, "ailsa", returns_to=TEST_CLIENT_ORIGIN)

        response = come_back(client, back)

        assert PROVIDER_FAILED_ERROR in refusal_shown(client, response)
        assert signed_in_user_id(client) is None
        entry = sign_in_entries(outcome="failure").get()
        assert (entry.detail["reason"], entry.detail["error"]) == ("bad_response", "invalid_claim")

    def test_an_answer_naming_another_issuer_is_rejected(self, client, council, provider):
        burgh_user(council, "ailsa")
        back = sign_in_at_provider(
            authorization_url(client), "ailsa", returns_to=TEST_CLIENT_ORIGIN
        )

        response = come_back(client, with_query(back, iss="https://elsewhere.example"))

        assert PROVIDER_FAILED_ERROR in refusal_shown(client, response)
        assert signed_in_user_id(client) is None

    def test_a_used_answer_cannot_be_replayed(self, client, council, provider):
        burgh_user(council, "ailsa")
        back = sign_in_at_provider(
            authorization_url(client), "ailsa", returns_to=TEST_CLIENT_ORIGIN
        )
        come_back(client, back)
        client.post(reverse("identity:sign-out"))

        response = come_back(client, back)

        assert PROVIDER_FAILED_ERROR in refusal_shown(client, response)
        assert signed_in_user_id(client) is None

    def test_a_provider_that_does_not_answer_is_reported(self, client, settings, unused_port):
        settings.OIDC_ISSUER = f"http://127.0.0.1:{unused_port}"
        settings.OIDC_CLIENT_ID, settings.OIDC_CLIENT_SECRET = "burgh", "secret"

        response = client.get(START)

        assert PROVIDER_UNAVAILABLE_ERROR in refusal_shown(client, response)


class TestSecondFactor:
    @pytest.fixture
    def mfa_role(self):
        return RoleFactory(name="Social worker", slug="social-worker", requires_mfa=True)

    def test_without_provider_mfa_the_person_sets_up_burghs_own(
        self, client, council, provider, mfa_role
    ):
        ailsa = burgh_user(council, "ailsa")
        RoleAssignmentFactory(user=ailsa, role=mfa_role)

        response = sign_in_with_provider(client, "ailsa")

        assert response["Location"] == SETUP
        assert client.get(HOME)["Location"].startswith(SETUP)

    def test_without_provider_mfa_an_app_owner_enters_a_code(
        self, client, council, provider, mfa_role
    ):
        ailsa = burgh_user(council, "ailsa")
        RoleAssignmentFactory(user=ailsa, role=mfa_role)
        TOTPDevice.objects.create(user=ailsa, name="Authenticator app", confirmed=True)

        response = sign_in_with_provider(client, "ailsa")

        assert response["Location"] == VERIFY
        assert client.get(HOME)["Location"].startswith(VERIFY)

    def test_with_provider_mfa_the_person_goes_straight_in(
        self, client, council, provider, mfa_role
    ):
        morag = burgh_user(council, "morag")
        RoleAssignmentFactory(user=morag, role=mfa_role)

        response = sign_in_with_provider(client, "morag")

        assert response["Location"] == HOME
        assert client.get(HOME).status_code == 200
        entry = sign_in_entries(outcome="success").get()
        assert entry.detail["amr"] == ["pwd", "mfa", "otp"]

    def test_provider_mfa_is_not_carried_over_to_a_password_sign_in(
        self, client, council, provider, mfa_role
    ):
        morag = burgh_user(council, "morag", password="a long password for morag")
        RoleAssignmentFactory(user=morag, role=mfa_role)
        sign_in_with_provider(client, "morag")

        response = client.post(
            SIGN_IN, {"email": morag.email, "password": "a long password for morag"}
        )

        assert response["Location"] == SETUP

    @pytest.mark.parametrize(
        ("amr", "counts"),
        [
            (["pwd", "mfa"], True),
            (["otp"], True),
            (["hwk"], True),
            (["swk", "pwd"], True),
            (["pwd"], False),
            ([], False),
            ("mfa", False),  # not a list, as the specification asks: not trusted
            (None, False),
        ],
    )
    def test_which_amr_values_count_as_a_second_factor(self, amr, counts):
        assert oidc.second_factor_by_provider({"amr": amr}) is counts

    @pytest.mark.parametrize(
        ("claims", "verified"),
        [
            ({"email_verified": True}, True),
            ({"email_verified": "true"}, True),
            ({"email_verified": False}, False),
            ({"xms_edov": True}, True),  # Entra ID's optional claim
            ({"email_verified": False, "xms_edov": True}, False),
            ({}, False),
        ],
    )
    def test_which_claims_count_as_a_verified_address(self, claims, verified):
        assert oidc.email_is_verified(claims) is verified


class TestSignInPage:
    def test_the_page_offers_the_provider_when_configured(self, client, provider):
        page = client.get(f"{SIGN_IN}?next=/account/tokens").content.decode()

        assert "Sign in with your Kinloch Council account" in page
        assert f'href="{START}?next=%2Faccount%2Ftokens"' in page

    def test_without_configuration_there_is_no_provider_and_no_way_in(self, client, settings):
        settings.OIDC_ISSUER = ""

        page = client.get(SIGN_IN).content.decode()

        assert "Sign in without a Burgh password" not in page
        assert client.get(START).status_code == 404
        assert client.get(reverse("identity:oidc-callback")).status_code == 404


class TestProductionSettings:
    ENV = {
        "DJANGO_SETTINGS_MODULE": "burgh.settings.production",
        "BURGH_SECRET_KEY": "a-production-secret-key-for-the-check-only-0123456789-abcdefghij",
        "BURGH_ALLOWED_HOSTS": "burgh.kinloch.example",
        "BURGH_CSRF_TRUSTED_ORIGINS": "https://burgh.kinloch.example",
        "BURGH_OIDC_ISSUER": "https://login.kinloch.example/realms/staff",
        "BURGH_OIDC_CLIENT_ID": "burgh",
        "BURGH_OIDC_CLIENT_SECRET": "from-the-environment-only",
    }

    def test_a_complete_https_configuration_passes_the_deployment_check(self):
        result = run_module(
            "burgh.cli", "check", "--deploy", "--fail-level", "WARNING", env=self.ENV
        )

        assert result.returncode == 0, result.stdout + result.stderr

    def test_an_issuer_without_https_is_refused(self):
        env = {**self.ENV, "BURGH_OIDC_ISSUER": "http://login.kinloch.example/realms/staff"}

        result = run_module("burgh.cli", "check", env=env)

        assert result.returncode != 0
        assert "BURGH_OIDC_ISSUER must be an https:// address" in result.stderr

    def test_half_a_configuration_is_refused(self):
        env = {**self.ENV, "BURGH_OIDC_CLIENT_SECRET": None}

        result = run_module("burgh.cli", "check", env=env)

        assert result.returncode != 0
        assert "also needs BURGH_OIDC_CLIENT_SECRET" in result.stderr


@pytest.fixture
def unused_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
