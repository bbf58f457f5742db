"""Identity test set-up: a real OpenID provider, and Burgh configured to sign in with it."""

import pytest
from django.urls import reverse

from tests.identity import oidc_provider
from tests.identity.access_helpers import officer, resident

# The Django test client's own address, where the provider sends people back in client tests.
TEST_CLIENT_ORIGIN = "http://testserver"


@pytest.fixture(scope="session")
def provider_for_client(tmp_path_factory):
    """A provider whose client returns to the Django test client (no browser, no live server)."""
    running = oidc_provider.start(
        [TEST_CLIENT_ORIGIN + reverse("identity:oidc-callback")],
        tmp_path_factory.mktemp("oidc") / "provider-for-client.log",
    )
    yield running
    running.stop()


@pytest.fixture(scope="session")
def provider_for_browser(tmp_path_factory, live_server):
    """A provider whose client returns to Burgh on pytest-django's live server."""
    running = oidc_provider.start(
        [live_server.url + reverse("identity:oidc-callback")],
        tmp_path_factory.mktemp("oidc") / "provider-for-browser.log",
    )
    yield running
    running.stop()


@pytest.fixture
def provider(settings, provider_for_client):
    """Burgh set up to sign in with the client tests' provider, for this test only."""
    oidc_provider.configure(settings, provider_for_client)
    return provider_for_client


@pytest.fixture
def browser_provider(settings, provider_for_browser):
    """Burgh on the live server set up to sign in with the browser tests' provider."""
    oidc_provider.configure(settings, provider_for_browser)
    return provider_for_browser


@pytest.fixture
def ig(council, client):
    """An information-governance officer, signed in on `client`."""
    user = officer(council)
    client.force_login(user)
    return user


@pytest.fixture
def eilidh():
    """A resident the governance tests restrict, share and look up."""
    return resident()
