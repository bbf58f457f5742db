"""Browser test set-up: the app on pytest-django's live server, Debian's Chromium via Playwright.

The browser is Debian's `chromium` package (`make browser` installs it); Playwright only drives
it and never downloads a browser of its own. Static files come from the live server's
staticfiles handler, which reads STATICFILES_DIRS, so `make` must have built build/static.
"""

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    Response,
    Route,
    sync_playwright,
)

from burgh.identity.models import Membership, Team, User
from burgh.settings.base import PROJECT_DIR
from tests.browser.pages import State
from tests.factories import (
    MembershipFactory,
    RoleAssignmentFactory,
    RoleFactory,
    TeamFactory,
    UserFactory,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BUILT_STATIC = PROJECT_DIR / "build" / "static"
BUILT_FILES = ("burgh.css", "api-docs.css", "admin.css", "init.js", "admin.js", "favicon.svg")
PASSWORD = "a long test password for the browser"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """One headless Chromium per test module.

    Module scope, not session: Playwright's sync API keeps an asyncio event loop on this thread
    while it is open, and the rest of the suite should not run beside it.
    """
    missing = [name for name in BUILT_FILES if not (BUILT_STATIC / name).exists()]
    if missing:
        pytest.fail(
            f"The built static files {', '.join(missing)} are missing from {BUILT_STATIC}: "
            "run `make setup` (it compiles burgh.scss and copies the scripts) first.",
            pytrace=False,
        )
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run `make browser` to install Debian's chromium.",
            pytrace=False,
        )
    # Django refuses ORM calls from a thread with a running event loop, which Playwright's sync
    # API leaves on this one. The test code's ORM calls (making users, reading results) are
    # still plain synchronous calls made between browser steps, never from inside the loop,
    # so the check is a false alarm here; the live server answers from its own thread.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@dataclass
class Tab:
    """A browser page with what went wrong in it: CSP refusals, script errors, broken assets."""

    page: Page
    problems: list[str] = field(default_factory=list)

    def assert_no_problems(self) -> None:
        assert not self.problems, "The browser reported problems:\n" + "\n".join(self.problems)


def _watch(tab: Tab, base_url: str, *also_allowed: str) -> None:
    """Collect the tab's problems; `also_allowed` names other origins the test means to visit
    (the local identity provider of the OIDC sign-in tests)."""

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and "status of 404" not in message.text:
            tab.problems.append(f"console error: {message.text}")

    def on_response(response: Response) -> None:
        # A page under test may itself answer 4xx (the 404 page, a form with errors); the files
        # it loads never should.
        if response.request.resource_type != "document" and response.status >= 400:
            tab.problems.append(f"{response.status} for {response.url}")

    tab.page.on("console", on_console)
    tab.page.on("pageerror", lambda error: tab.problems.append(f"script error: {error}"))
    tab.page.on("response", on_response)

    def on_request_failed(request: Request) -> None:
        # Leaving a page cancels what it was still loading (often the favicon): not a fault.
        if request.failure != "net::ERR_ABORTED":
            tab.problems.append(f"request failed: {request.url} {request.failure}")

    tab.page.on("requestfailed", on_request_failed)

    # Nothing may leave the machine: the page must not reach for a CDN or a font service.
    def refuse(route: Route) -> None:
        tab.problems.append(f"request off the site: {route.request.url}")
        route.abort()

    tab.page.route(lambda url: not url.startswith((base_url, *also_allowed)), refuse)


def _open_context(chromium: Browser, base_url: str, *, javascript: bool = True) -> BrowserContext:
    context = chromium.new_context(
        base_url=base_url,
        java_script_enabled=javascript,
        viewport={"width": 1280, "height": 900},
        locale="en-GB",
        timezone_id="Europe/London",
    )
    context.set_default_timeout(15_000)
    return context


@pytest.fixture
def tab(chromium: Browser, live_server) -> Iterator[Tab]:
    context = _open_context(chromium, live_server.url)
    tab = Tab(context.new_page())
    _watch(tab, live_server.url)
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture
def tab_without_javascript(chromium: Browser, live_server) -> Iterator[Tab]:
    context = _open_context(chromium, live_server.url, javascript=False)
    tab = Tab(context.new_page())
    _watch(tab, live_server.url)
    try:
        yield tab
    finally:
        context.close()


def goto(tab: Tab, path: str) -> Response:
    response = tab.page.goto(path)
    assert response is not None, f"no response for {path}"
    return response


def sign_in(tab: Tab, email: str, password: str) -> None:
    """Sign in through the real form, as a person would."""
    page = tab.page
    goto(tab, reverse("identity:sign-in"))
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def enter_security_code(tab: Tab, user: User) -> None:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    tab.page.locator("#code").fill(code)
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Continue").click()


def path_of(tab: Tab) -> str:
    return urlsplit(tab.page.url).path


@pytest.fixture
def kinloch(council):
    """A council worker's setting: a service, a team within it, a time-boxed response team."""
    today = timezone.localdate()
    service = TeamFactory(
        organisation=council, name="Environmental services", kind=Team.Kind.SERVICE
    )
    return {
        "waste": TeamFactory(organisation=council, name="Waste and recycling", parent=service),
        "storm": TeamFactory(
            organisation=council,
            name="Storm Kinloch response",
            kind=Team.Kind.RAPID_RESPONSE,
            starts_on=today - timedelta(days=2),
            ends_on=today + timedelta(days=12),
        ),
        "old": TeamFactory(organisation=council, name="Winter gritting 2019"),
    }


def make_staff_user(kinloch, council, **fields) -> User:
    """A council officer in two current teams (and one they have left) with one role."""
    today = timezone.localdate()
    user = UserFactory(
        organisation=council,
        password=PASSWORD,
        full_name=fields.pop("full_name", "Ailsa MacLeod"),
        email=fields.pop("email", "ailsa.macleod@kinloch.example"),
        job_title="Waste services officer",
        **fields,
    )
    MembershipFactory(user=user, team=kinloch["waste"], position=Membership.Position.LEADER)
    MembershipFactory(user=user, team=kinloch["storm"])
    MembershipFactory(user=user, team=kinloch["old"], valid_to=today - timedelta(days=30))
    RoleAssignmentFactory(
        user=user,
        role=RoleFactory(
            name="Caseworker",
            slug="caseworker",
            description="Works service requests and cases for their teams.",
        ),
    )
    return user


@pytest.fixture
def reach(kinloch, council) -> Callable[[Tab, State], User | None]:
    """Brings a tab to a sign-in state; returns who it signed in as (None when anonymous)."""

    def bring(tab: Tab, state: State) -> User | None:
        if state is State.ANONYMOUS:
            return None
        administrator = state is State.ADMINISTRATOR
        user = make_staff_user(kinloch, council, is_staff=administrator, is_superuser=administrator)
        if state in (State.CODE_OWED, State.MFA_VERIFIED):
            TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
        if state is State.ENROLMENT_OWED:
            RoleAssignmentFactory(
                user=user,
                role=RoleFactory(name="Social worker", slug="social-worker", requires_mfa=True),
            )
        sign_in(tab, user.email, PASSWORD)
        if state is State.MFA_VERIFIED:
            enter_security_code(tab, user)
        expected = {
            State.CODE_OWED: reverse("identity:mfa-verify"),
            State.ENROLMENT_OWED: reverse("identity:mfa-setup"),
        }.get(state, reverse("core:home"))
        assert path_of(tab) == expected, (
            f"signing in as {state} led to {path_of(tab)}, not {expected}"
        )
        return user

    return bring
