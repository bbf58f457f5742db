"""Signing in with a password: lock-out, per-address throttle, generic errors, audit, redirects."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from burgh.core.models import AuditEntry
from burgh.identity.models import SignInFailure, User
from burgh.identity.services import sessions
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("identity:sign-in")
GENERIC = "Enter a correct email address and password"


def sign_in(client: Client, email: str, password: str, **extra):
    return client.post(SIGN_IN, {"email": email, "password": password}, **extra)


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get(SESSION_KEY)


def sign_in_entries(**filters):
    return AuditEntry.objects.filter(action="identity.sign_in", **filters).order_by("seq")


def test_correct_password_signs_in_and_goes_to_the_home_page(client, staff_user, staff_password):
    response = sign_in(client, staff_user.email, staff_password)

    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert signed_in_user_id(client) == str(staff_user.pk)


def test_email_address_is_matched_whatever_its_case(client, staff_user, staff_password):
    sign_in(client, f"  {staff_user.email.upper()} ", staff_password)

    assert signed_in_user_id(client) == str(staff_user.pk)


def test_signing_in_gives_the_session_a_new_key(client, staff_user, staff_password):
    planted = client.session
    planted["planted"] = True
    planted.save()
    before = client.cookies[settings.SESSION_COOKIE_NAME].value

    sign_in(client, staff_user.email, staff_password)

    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert signed_in_user_id(client) == str(staff_user.pk)


def test_signing_in_starts_both_session_clocks(client, staff_user, staff_password):
    sign_in(client, staff_user.email, staff_password)

    assert client.session[sessions.SIGNED_IN_AT]
    assert client.session[sessions.LAST_SEEN_AT]


def test_success_is_audited_with_the_user_as_actor(client, staff_user, staff_password):
    sign_in(client, staff_user.email, staff_password)

    entry = sign_in_entries(outcome="success").get()
    assert entry.actor_id == str(staff_user.pk)
    assert entry.source_ip == "127.0.0.1"


def test_wrong_password_and_unknown_email_get_the_same_message(client, staff_user):
    wrong_password = sign_in(client, staff_user.email, "not the password at all")
    unknown_email = sign_in(client, "nobody@kinloch.example", "not the password at all")

    for response in (wrong_password, unknown_email):
        assert response.status_code == 200
        assert GENERIC in response.content.decode()
    assert signed_in_user_id(client) is None


def test_failures_are_audited_with_their_reason(client, staff_user):
    sign_in(client, staff_user.email, "not the password at all")
    sign_in(client, "Nobody@Kinloch.example", "whatever it was")

    wrong, unknown = sign_in_entries(outcome="failure")
    assert wrong.detail == {"reason": "wrong_password"}
    assert wrong.subject_id == str(staff_user.pk)
    assert unknown.detail == {"reason": "unknown_email", "email": "nobody@kinloch.example"}


def test_unknown_email_still_runs_the_password_hasher(client, staff_user):
    from burgh.identity.services import sign_in as service

    with mock.patch.object(service, "make_password", wraps=service.make_password) as hasher:
        sign_in(client, "nobody@kinloch.example", "a guess")

    hasher.assert_called_once_with("a guess")


def test_account_locks_after_the_maximum_failures(client, staff_user, staff_password):
    for _ in range(settings.SIGN_IN_MAX_FAILURES - 1):
        response = sign_in(client, staff_user.email, "wrong password guess")
        assert GENERIC in response.content.decode()
    response = sign_in(client, staff_user.email, "wrong password guess")

    staff_user.refresh_from_db()
    assert staff_user.is_locked()
    assert "Your account is locked" in response.content.decode()
    # Even the right password is refused while the lock lasts.
    response = sign_in(client, staff_user.email, staff_password)
    assert "Your account is locked" in response.content.decode()
    assert "Try again after" in response.content.decode()
    assert signed_in_user_id(client) is None
    assert sign_in_entries(outcome="failure").last().detail == {"reason": "locked"}


@pytest.mark.parametrize(
    ("locked_until", "shown"),
    [
        (datetime(2099, 1, 15, 15, 45, tzinfo=UTC), "Try again after 3:45pm"),
        (datetime(2099, 7, 15, 9, 0, tzinfo=UTC), "Try again after 10am"),
    ],
    ids=["winter, GMT", "summer, BST"],
)
def test_lock_message_gives_the_uk_time(client, staff_user, staff_password, locked_until, shown):
    User.objects.filter(pk=staff_user.pk).update(locked_until=locked_until)

    response = sign_in(client, staff_user.email, staff_password)

    assert shown in response.content.decode()


def test_one_failure_fewer_than_the_maximum_does_not_lock(client, staff_user, staff_password):
    for _ in range(settings.SIGN_IN_MAX_FAILURES - 1):
        sign_in(client, staff_user.email, "wrong password guess")

    sign_in(client, staff_user.email, staff_password)

    assert signed_in_user_id(client) == str(staff_user.pk)


def test_lock_ends_after_the_lockout_time(client, staff_user, staff_password):
    for _ in range(settings.SIGN_IN_MAX_FAILURES):
        sign_in(client, staff_user.email, "wrong password guess")
    staff_user.refresh_from_db()
    assert staff_user.locked_until is not None
    later = staff_user.locked_until + timedelta(seconds=1)

    with mock.patch("django.utils.timezone.now", return_value=later):
        sign_in(client, staff_user.email, staff_password)

    assert signed_in_user_id(client) == str(staff_user.pk)


def test_success_resets_the_failure_count(client, staff_user, staff_password):
    for _ in range(settings.SIGN_IN_MAX_FAILURES - 1):
        sign_in(client, staff_user.email, "wrong password guess")
    sign_in(client, staff_user.email, staff_password)
    client.logout()

    for _ in range(settings.SIGN_IN_MAX_FAILURES - 1):
        sign_in(client, staff_user.email, "wrong password guess")

    staff_user.refresh_from_db()
    assert not staff_user.is_locked()
    assert staff_user.failed_sign_ins == settings.SIGN_IN_MAX_FAILURES - 1


def test_inactive_user_is_refused_with_the_generic_message(client, council, staff_password):
    leaver = UserFactory(organisation=council, password=staff_password, is_active=False)

    response = sign_in(client, leaver.email, staff_password)

    assert GENERIC in response.content.decode()
    assert signed_in_user_id(client) is None
    assert sign_in_entries(outcome="failure").get().detail == {"reason": "inactive"}


def test_an_address_with_too_many_failures_is_refused_before_any_password_check(
    client, staff_user, staff_password, settings
):
    settings.SIGN_IN_MAX_FAILURES_PER_ADDRESS = 3
    for n in range(4):
        sign_in(client, f"guess{n}@kinloch.example", "a guess", REMOTE_ADDR="203.0.113.9")

    with mock.patch.object(User, "check_password") as check:
        response = sign_in(client, staff_user.email, staff_password, REMOTE_ADDR="203.0.113.9")

    check.assert_not_called()
    assert "too many failed attempts to sign in from your network" in response.content.decode()
    assert signed_in_user_id(client) is None
    assert sign_in_entries(outcome="failure").last().detail == {
        "reason": "throttled",
        "email": staff_user.email,
    }


def test_throttle_is_per_address(client, staff_user, staff_password, settings):
    settings.SIGN_IN_MAX_FAILURES_PER_ADDRESS = 3
    for n in range(4):
        sign_in(client, f"guess{n}@kinloch.example", "a guess", REMOTE_ADDR="203.0.113.9")

    sign_in(client, staff_user.email, staff_password, REMOTE_ADDR="198.51.100.7")

    assert signed_in_user_id(client) == str(staff_user.pk)


def test_failures_older_than_the_window_do_not_count(client, staff_user, staff_password, settings):
    settings.SIGN_IN_MAX_FAILURES_PER_ADDRESS = 3
    long_ago = timezone.now() - timedelta(minutes=16)
    SignInFailure.objects.bulk_create(
        SignInFailure(source_ip="203.0.113.9", at=long_ago) for _ in range(10)
    )

    sign_in(client, staff_user.email, staff_password, REMOTE_ADDR="203.0.113.9")

    assert signed_in_user_id(client) == str(staff_user.pk)


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/steal", "//evil.example/steal", "javascript:alert(1)"],
)
def test_unsafe_next_is_ignored(client, staff_user, staff_password, next_url):
    response = client.post(
        f"{SIGN_IN}?next={next_url}", {"email": staff_user.email, "password": staff_password}
    )

    assert response["Location"] == reverse("core:home")


def test_safe_next_is_followed(client, staff_user, staff_password):
    tokens = reverse("identity:tokens")
    response = client.post(
        SIGN_IN, {"email": staff_user.email, "password": staff_password, "next": tokens}
    )

    assert response["Location"] == tokens


def test_the_form_carries_next_through_a_failed_attempt(client, staff_user):
    response = client.post(
        f"{SIGN_IN}?next=/account/tokens", {"email": staff_user.email, "password": "wrong one"}
    )

    assert 'name="next" value="/account/tokens"' in response.content.decode()
