"""Two-factor sign-in: codes at sign-in, single use, lock-out, enrolment forced by a role."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from burgh.core.models import AuditEntry
from burgh.identity.models import User
from burgh.identity.services import mfa
from tests.factories import RoleAssignmentFactory, RoleFactory

pytestmark = pytest.mark.django_db

HOME = reverse("core:home")
SIGN_IN = reverse("identity:sign-in")
VERIFY = reverse("identity:mfa-verify")
SETUP = reverse("identity:mfa-setup")


def code_for(device, *, steps_ago: int = 0) -> str:
    """The code the person's app would show now (or `steps_ago` time steps earlier)."""
    device.refresh_from_db()
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift - steps_ago)
    return f"{value:0{device.digits}d}"


def wrong_code_for(device) -> str:
    right = {code_for(device, steps_ago=n) for n in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in right)


def let_back_off_pass(device) -> None:
    """django-otp makes each wrong code wait longer; jump past the wait."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(days=1)
    )


@pytest.fixture
def app(staff_user):
    return TOTPDevice.objects.create(user=staff_user, name="Authenticator app", confirmed=True)


def sign_in(client: Client, user, password: str):
    return client.post(SIGN_IN, {"email": user.email, "password": password})


def test_with_an_app_the_password_leads_to_the_code_page(client, staff_user, staff_password, app):
    response = sign_in(client, staff_user, staff_password)

    assert response["Location"] == VERIFY


def test_no_page_is_reachable_before_the_code(client, staff_user, staff_password, app):
    sign_in(client, staff_user, staff_password)

    for url in (HOME, reverse("identity:tokens"), reverse("identity:sign-out-everywhere")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(VERIFY)


def test_right_code_completes_sign_in(client, staff_user, staff_password, app):
    sign_in(client, staff_user, staff_password)
    key_before = client.cookies[settings.SESSION_COOKIE_NAME].value

    response = client.post(f"{VERIFY}?next=/account/tokens", {"code": code_for(app)})

    assert response["Location"] == "/account/tokens"
    assert client.get(HOME).status_code == 200
    assert client.session[DEVICE_ID_SESSION_KEY] == app.persistent_id
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != key_before
    entry = AuditEntry.objects.get(action="identity.mfa_verified")
    assert entry.outcome == "success"
    assert entry.actor_id == str(staff_user.pk)


def test_code_typed_with_a_space_is_accepted(client, staff_user, staff_password, app):
    sign_in(client, staff_user, staff_password)
    code = code_for(app)

    client.post(VERIFY, {"code": f"{code[:3]} {code[3:]}"})

    assert client.get(HOME).status_code == 200


def test_a_code_works_only_once(staff_user, staff_password, app):
    first, second = Client(), Client()
    sign_in(first, staff_user, staff_password)
    sign_in(second, staff_user, staff_password)
    code = code_for(app)
    first.post(VERIFY, {"code": code})

    response = second.post(VERIFY, {"code": code})

    assert "The security code is not correct" in response.content.decode()
    assert second.get(HOME)["Location"].startswith(VERIFY)


def test_the_previous_code_is_accepted_for_clock_drift(client, staff_user, staff_password, app):
    sign_in(client, staff_user, staff_password)

    client.post(VERIFY, {"code": code_for(app, steps_ago=1)})

    assert client.get(HOME).status_code == 200


def test_a_code_from_minutes_ago_is_refused(client, staff_user, staff_password, app):
    sign_in(client, staff_user, staff_password)

    response = client.post(VERIFY, {"code": code_for(app, steps_ago=4)})

    assert "The security code is not correct" in response.content.decode()


def test_wrong_code_is_audited_as_a_failure(client, staff_user, staff_password, app):
    sign_in(client, staff_user, staff_password)

    response = client.post(VERIFY, {"code": wrong_code_for(app)})

    assert response.status_code == 200
    assert '<a href="#code">' in response.content.decode()
    entry = AuditEntry.objects.get(action="identity.mfa_verified")
    assert (entry.outcome, entry.detail) == ("failure", {"reason": "wrong_code"})


def test_a_second_guess_straight_away_is_held_back(
    client, staff_user, staff_password, app, settings
):
    # A minute's back-off after one wrong code, so the test does not race the clock.
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    sign_in(client, staff_user, staff_password)
    client.post(VERIFY, {"code": wrong_code_for(app)})

    response = client.post(VERIFY, {"code": code_for(app)})

    assert "Wait" in response.content.decode()
    assert client.get(HOME)["Location"].startswith(VERIFY)


def test_repeated_wrong_codes_lock_the_account(client, staff_user, staff_password, app):
    sign_in(client, staff_user, staff_password)
    for _ in range(settings.SIGN_IN_MAX_FAILURES - 1):
        client.post(VERIFY, {"code": wrong_code_for(app)})
        let_back_off_pass(app)

    response = client.post(VERIFY, {"code": wrong_code_for(app)})

    staff_user.refresh_from_db()
    assert staff_user.is_locked()
    assert response["Location"] == SIGN_IN
    assert SESSION_KEY not in client.session
    page = client.get(SIGN_IN).content.decode()
    assert "too many wrong security codes" in page
    # The password alone no longer gets anyone to the code page.
    sign_in(client, staff_user, staff_password)
    assert SESSION_KEY not in client.session
    last = AuditEntry.objects.filter(action="identity.mfa_verified").last()
    assert last.detail == {"reason": "wrong_code", "account_locked": True}


def test_a_lock_from_elsewhere_stops_codes_here_too(client, staff_user, staff_password, app):
    sign_in(client, staff_user, staff_password)
    User.objects.filter(pk=staff_user.pk).update(locked_until=timezone.now() + timedelta(minutes=5))

    response = client.post(VERIFY, {"code": code_for(app)})

    assert response["Location"] == SIGN_IN
    assert SESSION_KEY not in client.session


def test_signing_in_again_does_not_buy_more_code_guesses(client, staff_user, staff_password, app):
    for _ in range(settings.SIGN_IN_MAX_FAILURES - 1):
        sign_in(client, staff_user, staff_password)
        client.post(VERIFY, {"code": wrong_code_for(app)})
        let_back_off_pass(app)
    sign_in(client, staff_user, staff_password)

    client.post(VERIFY, {"code": wrong_code_for(app)})

    staff_user.refresh_from_db()
    assert staff_user.is_locked()


def test_role_needing_mfa_forces_enrolment(client, staff_user, staff_password):
    RoleAssignmentFactory(user=staff_user, role=RoleFactory(requires_mfa=True))

    response = sign_in(client, staff_user, staff_password)

    assert response["Location"] == SETUP
    assert client.get(HOME)["Location"].startswith(SETUP)


def test_enrolment_confirms_the_app_and_verifies_the_session(client, staff_user, staff_password):
    RoleAssignmentFactory(user=staff_user, role=RoleFactory(requires_mfa=True))
    sign_in(client, staff_user, staff_password)
    page = client.get(SETUP)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=staff_user, confirmed=False)

    response = client.post(SETUP, {"code": code_for(device)})

    assert response["Location"] == HOME
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(HOME).status_code == 200
    entry = AuditEntry.objects.get(action="identity.mfa_enrolled")
    assert (entry.outcome, entry.actor_id) == ("success", str(staff_user.pk))


def test_reloading_the_set_up_page_keeps_the_same_secret(client, staff_user, staff_password):
    RoleAssignmentFactory(user=staff_user, role=RoleFactory(requires_mfa=True))
    sign_in(client, staff_user, staff_password)

    client.get(SETUP)
    client.get(SETUP)

    assert TOTPDevice.objects.filter(user=staff_user).count() == 1


def test_set_up_page_shows_a_qr_code_and_the_key(client, staff_user, staff_password):
    RoleAssignmentFactory(user=staff_user, role=RoleFactory(requires_mfa=True))
    sign_in(client, staff_user, staff_password)

    page = client.get(SETUP).content.decode()

    device = TOTPDevice.objects.get(user=staff_user)
    assert "<svg" in page
    assert "style=" not in page
    assert mfa.manual_entry_key(device) in page
    assert "Your role needs two-factor authentication" in page


def test_wrong_code_at_enrolment_leaves_the_app_unconfirmed(client, staff_user, staff_password):
    RoleAssignmentFactory(user=staff_user, role=RoleFactory(requires_mfa=True))
    sign_in(client, staff_user, staff_password)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=staff_user)

    response = client.post(SETUP, {"code": wrong_code_for(device)})

    assert response.status_code == 200
    assert "The security code is not correct" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(HOME)["Location"].startswith(SETUP)


def test_role_needing_mfa_with_an_app_asks_for_the_code(client, staff_user, staff_password, app):
    RoleAssignmentFactory(user=staff_user, role=RoleFactory(requires_mfa=True))

    response = sign_in(client, staff_user, staff_password)

    assert response["Location"] == VERIFY


@pytest.mark.parametrize(
    ("valid_from", "valid_to"),
    [(None, timedelta(days=-1)), (timedelta(days=1), None)],
    ids=["ended yesterday", "starts tomorrow"],
)
def test_a_role_not_held_today_does_not_force_mfa(
    client, staff_user, staff_password, valid_from, valid_to
):
    today = timezone.localdate()
    RoleAssignmentFactory(
        user=staff_user,
        role=RoleFactory(requires_mfa=True),
        valid_from=today + valid_from if valid_from else None,
        valid_to=today + valid_to if valid_to else None,
    )

    sign_in(client, staff_user, staff_password)

    assert client.get(HOME).status_code == 200


def test_a_role_given_mid_session_applies_on_the_next_page(client, staff_user, staff_password):
    sign_in(client, staff_user, staff_password)
    assert client.get(HOME).status_code == 200

    RoleAssignmentFactory(user=staff_user, role=RoleFactory(requires_mfa=True))

    assert client.get(HOME)["Location"].startswith(SETUP)


def test_voluntary_enrolment_then_needs_a_code_at_sign_in(client, staff_user, staff_password):
    sign_in(client, staff_user, staff_password)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=staff_user)
    client.post(SETUP, {"code": code_for(device)})
    client.post(reverse("identity:sign-out"))

    response = sign_in(client, staff_user, staff_password)

    assert response["Location"] == VERIFY


def test_a_second_app_cannot_be_added_without_the_first(client, staff_user, staff_password, app):
    sign_in(client, staff_user, staff_password)

    response = client.get(SETUP)

    assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=staff_user).count() == 1


def test_held_session_can_still_sign_out_and_read_the_sign_in_page(
    client, staff_user, staff_password, app
):
    sign_in(client, staff_user, staff_password)

    assert client.get(SIGN_IN).status_code == 200
    client.post(reverse("identity:sign-out"))
    assert SESSION_KEY not in client.session


def test_api_is_not_held_for_a_code(client, staff_user, staff_password, app):
    sign_in(client, staff_user, staff_password)

    response = client.get("/api/v1/me")

    # Refused for want of a token, not redirected to the code page.
    assert response.status_code == 401


def test_qr_code_svg_carries_no_inline_style(staff_user):
    device = mfa.pending_device(staff_user)

    svg = mfa.qr_code_svg(device)

    assert svg.startswith("<svg")
    assert "style" not in svg
    assert 'role="img"' in svg


def test_reset_removes_the_app_and_ends_sessions(staff_user, staff_password, app):
    client = Client()
    sign_in(client, staff_user, staff_password)
    client.post(VERIFY, {"code": code_for(app)})

    mfa.reset_second_factor(staff_user, by=staff_user)

    assert not TOTPDevice.objects.filter(user=staff_user).exists()
    assert client.get(HOME)["Location"].startswith(SIGN_IN)
