"""Signing in with the council's account, as a person does it: headless Chromium, Burgh on the
live server, and a real OpenID provider (npm's oidc-provider) running beside it."""

from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from burgh.core.models import AuditEntry
from burgh.identity.services.tokens import issue_api_token
from tests.browser import conftest as browser_setup
from tests.browser.axe import assert_no_violations
from tests.browser.conftest import Tab, enter_security_code, goto, make_staff_user, path_of
from tests.factories import RoleAssignmentFactory, RoleFactory, UserFactory
from tests.identity.oidc_provider import ACCOUNTS

pytestmark = pytest.mark.browser

# The same headless Chromium and demo setting as the page tests.
chromium = browser_setup.chromium
kinloch = browser_setup.kinloch

BUTTON = "Sign in with your Kinloch Council account"
HOME = reverse("core:home")
SIGN_IN = reverse("identity:sign-in")
NOT_LINKABLE = "You cannot sign in to Burgh with that account"


def _tab(chromium, live_server, provider, *, javascript=True):
    context = browser_setup._open_context(chromium, live_server.url, javascript=javascript)
    tab = Tab(context.new_page())
    # The provider is the one other site these pages may visit.
    browser_setup._watch(tab, live_server.url, provider.issuer)
    return context, tab


@pytest.fixture
def tab(chromium, live_server, browser_provider):
    context, tab = _tab(chromium, live_server, browser_provider)
    yield tab
    context.close()


@pytest.fixture(params=[True, False], ids=["with-javascript", "without-javascript"])
def any_tab(request, chromium, live_server, browser_provider):
    context, tab = _tab(chromium, live_server, browser_provider, javascript=request.param)
    yield tab, request.param
    context.close()


def start_with_the_button(tab):
    goto(tab, SIGN_IN)
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name=BUTTON).click()


def sign_in_at_the_provider(tab, username, provider):
    """The provider's login and consent pages; it may remember someone who signed in before."""
    page = tab.page
    if page.url.startswith(provider.issuer) and page.get_by_label("Username").count():
        expect(page).to_have_title("Kinloch Council sign-in")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(ACCOUNTS[username]["password"])
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
    if page.url.startswith(provider.issuer):
        expect(page.get_by_role("heading", level=1)).to_have_text("Share your details with Burgh?")
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()


def sign_in_with_the_council_account(tab, username, provider):
    start_with_the_button(tab)
    assert tab.page.url.startswith(provider.issuer), tab.page.url
    sign_in_at_the_provider(tab, username, provider)


def with_query(url, **changes):
    parts = urlsplit(url)
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def assert_refused(tab, message):
    page = tab.page
    assert path_of(tab) == SIGN_IN
    assert page.title().startswith("Error: "), page.title()
    expect(page.locator(".govuk-error-summary")).to_contain_text(message)
    expect(page.get_by_role("link", name="Sign out")).to_have_count(0)


@pytest.fixture
def ailsa(kinloch, council):
    return make_staff_user(kinloch, council)


def test_a_person_signs_in_with_their_council_account(any_tab, ailsa, browser_provider):
    tab, javascript = any_tab
    goto(tab, SIGN_IN)
    expect(tab.page.get_by_role("button", name=BUTTON)).to_be_visible()
    if javascript:
        # axe runs as a script in the page, so only where scripts run.
        assert_no_violations(tab.page)

    sign_in_with_the_council_account(tab, "ailsa", browser_provider)

    assert path_of(tab) == HOME
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("Welcome, Ailsa")
    assert AuditEntry.objects.filter(
        action="identity.sign_in", outcome="success", detail__method="oidc"
    ).exists()
    tab.assert_no_problems()


def test_the_page_asked_for_is_where_the_person_lands(tab, ailsa, browser_provider):
    goto(tab, reverse("identity:tokens"))
    assert path_of(tab) == SIGN_IN

    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name=BUTTON).click()
    sign_in_at_the_provider(tab, "ailsa", browser_provider)

    assert path_of(tab) == reverse("identity:tokens")
    tab.assert_no_problems()


@pytest.mark.parametrize("username", ["stranger", "unverified"])
def test_unknown_and_unverified_accounts_are_refused(tab, council, browser_provider, username):
    UserFactory(organisation=council, email=ACCOUNTS["unverified"]["email"])

    sign_in_with_the_council_account(tab, username, browser_provider)

    assert_refused(tab, NOT_LINKABLE)
    assert_no_violations(tab.page)
    tab.assert_no_problems()


@pytest.fixture
def mfa_role():
    return RoleFactory(name="Social worker", slug="social-worker", requires_mfa=True)


def test_without_provider_mfa_a_role_needing_mfa_asks_for_burghs_code(
    tab, ailsa, mfa_role, browser_provider
):
    RoleAssignmentFactory(user=ailsa, role=mfa_role)
    TOTPDevice.objects.create(user=ailsa, name="Authenticator app", confirmed=True)

    sign_in_with_the_council_account(tab, "ailsa", browser_provider)

    assert path_of(tab) == reverse("identity:mfa-verify")
    enter_security_code(tab, ailsa)
    assert path_of(tab) == HOME
    tab.assert_no_problems()


def test_with_provider_mfa_a_role_needing_mfa_goes_straight_in(
    tab, kinloch, council, mfa_role, browser_provider
):
    morag = make_staff_user(
        kinloch, council, email=ACCOUNTS["morag"]["email"], full_name="Morag Campbell"
    )
    RoleAssignmentFactory(user=morag, role=mfa_role)

    sign_in_with_the_council_account(tab, "morag", browser_provider)

    assert path_of(tab) == HOME
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("Welcome, Morag")
    tab.assert_no_problems()


def _change_the_answer(tab, provider, **changes):
    """Change the provider's answer on its way back to Burgh, as an attacker in the middle would.

    Redirects cannot be intercepted one by one, so the consent form's own request is: the test
    follows the provider's redirects itself (with the browser's cookies) up to the address that
    returns to Burgh, changes that address, and hands it to the browser as the answer.
    """

    def on_consent(route):
        location = route.fetch(max_redirects=0).headers["location"]
        while location.startswith(provider.issuer) or location.startswith("/"):
            hop = tab.page.request.get(urljoin(provider.issuer, location), max_redirects=0)
            location = hop.headers["location"]
        route.fulfill(status=303, headers={"Location": with_query(location, **changes)})

    tab.page.route(lambda url: url.endswith("/consent"), on_consent)


def _change_the_request(tab, **changes):
    """Change Burgh's request to the provider on its way there (Burgh's redirect to it)."""

    def on_start(route):
        location = route.fetch(max_redirects=0).headers["location"]
        route.fulfill(status=302, headers={"Location": with_query(location, **changes)})

    tab.page.route(lambda url: reverse("identity:oidc-start") in url, on_start)


def test_a_tampered_state_is_rejected(tab, ailsa, browser_provider):
    _change_the_answer(tab, browser_provider, state="forged-by-someone-else")

    sign_in_with_the_council_account(tab, "ailsa", browser_provider)

    assert_refused(tab, "Signing in with your council account did not work")
    assert AuditEntry.objects.filter(action="identity.sign_in", detail__reason="bad_response")
    tab.assert_no_problems()


def test_a_tampered_nonce_is_rejected(tab, ailsa, browser_provider):
    _change_the_request(tab, nonce="not-the-one-burgh-sent")

    sign_in_with_the_council_account(tab, "ailsa", browser_provider)

    assert_refused(tab, "Signing in with your council account did not work")
    assert AuditEntry.objects.filter(action="identity.sign_in", detail__reason="bad_response")
    tab.assert_no_problems()


def test_deactivating_ends_the_session_the_token_and_the_way_back_in(
    tab, ailsa, council, live_server, browser_provider
):
    _, token = issue_api_token(
        ailsa, name="Sync", scopes=["identity:read"], expires_in=timedelta(9)
    )
    api = tab.page.request
    me = live_server.url + "/api/v1/me"
    bearer = {"Authorization": f"Bearer {token}"}
    sign_in_with_the_council_account(tab, "ailsa", browser_provider)
    assert path_of(tab) == HOME
    assert api.get(me, headers=bearer).status == 200
    administrator = UserFactory(organisation=council, is_staff=True, is_superuser=True)
    admin_site = Client()
    admin_site.force_login(administrator)

    admin_site.post(
        reverse("admin:identity_user_changelist"),
        {"action": "deactivate_accounts", "_selected_action": [str(ailsa.pk)]},
    )

    tab.page.reload()
    assert path_of(tab) == SIGN_IN
    assert api.get(me, headers=bearer).status == 401
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name=BUTTON).click()
    sign_in_at_the_provider(tab, "ailsa", browser_provider)
    assert_refused(tab, NOT_LINKABLE)
    tab.assert_no_problems()
