"""The pages the browser tests open: each is checked with axe-core, for CSP reports, without JS.

Add a `Page` for every new page. `state` says who must be signed in, and how far, before the
page can be opened; `error_form` is a form submission that shows the page's error state (the
error summary and field errors are checked too), or None when the page has no form.
"""

from dataclasses import dataclass, field
from enum import StrEnum


class State(StrEnum):
    """How far through signing in the browser must be to see the page."""

    ANONYMOUS = "anonymous"  # nobody signed in
    SIGNED_IN = "signed_in"  # a staff user with no second factor owed
    CODE_OWED = "code_owed"  # password done; the user has an authenticator app, code not yet in
    ENROLMENT_OWED = "enrolment_owed"  # password done; a role needs MFA and there is no app yet
    MFA_VERIFIED = "mfa_verified"  # password and code both done
    ADMINISTRATOR = "administrator"  # an is_staff superuser, for the Django admin site


@dataclass(frozen=True)
class Page:
    url_name: str
    state: State
    description: str
    args: tuple[str, ...] = ()
    error_form: dict[str, str | list[str]] | None = None
    # Text that must be on the page, so a test notices if it shows the wrong thing.
    expect_text: tuple[str, ...] = field(default_factory=tuple)
    # Only for pages that cannot work without scripts (the API documentation is drawn by
    # Swagger UI); every page of the service itself must.
    needs_javascript: bool = False


PAGES: list[Page] = [
    # core (helper h3a)
    Page(
        "core:home",
        State.SIGNED_IN,
        "Staff home: teams, roles, account",
        expect_text=("Welcome, Ailsa", "Waste and recycling", "Caseworker"),
    ),
    Page(
        "core:home",
        State.MFA_VERIFIED,
        "Staff home after signing in with a security code",
        expect_text=("Welcome, Ailsa", "You entered a security code"),
    ),
    Page(
        "core:accessibility",
        State.ANONYMOUS,
        "Accessibility statement",
        expect_text=("Accessibility statement", "partially compliant"),
    ),
    Page(
        "core:privacy",
        State.ANONYMOUS,
        "Privacy notice for staff users",
        expect_text=("Privacy notice for staff users", "Cookies"),
    ),
    Page(
        "api:openapi-view",
        State.SIGNED_IN,
        "API documentation (Swagger UI)",
        expect_text=("Burgh API",),
        needs_javascript=True,
    ),
    # identity (helper h3b)
    Page(
        "identity:sign-in",
        State.ANONYMOUS,
        "Sign in with email address and password",
        error_form={"email": "", "password": ""},
        expect_text=("Sign in",),
    ),
    Page(
        "identity:mfa-verify",
        State.CODE_OWED,
        "Enter the code from the authenticator app",
        error_form={"code": "12"},
        expect_text=("Enter your security code",),
    ),
    Page(
        "identity:mfa-setup",
        State.ENROLMENT_OWED,
        "Set up an authenticator app (QR code and key)",
        error_form={"code": "12"},
        expect_text=("Set up two-factor authentication",),
    ),
    Page(
        "identity:mfa-setup",
        State.MFA_VERIFIED,
        "Two-factor authentication is set up",
        expect_text=("Two-factor authentication is set up",),
    ),
    Page(
        "identity:sign-out-everywhere",
        State.SIGNED_IN,
        "Confirm signing out on every other device",
        expect_text=("Sign out everywhere",),
    ),
    Page(
        "identity:tokens",
        State.SIGNED_IN,
        "List, create and revoke API tokens",
        error_form={"name": "", "expires_in_days": "0"},
        expect_text=("API tokens",),
    ),
]
