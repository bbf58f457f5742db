"""Session timeouts, signing out, and signing out everywhere."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from burgh.core.models import AuditEntry
from burgh.identity.services import sessions

pytestmark = pytest.mark.django_db

HOME = reverse("core:home")
SIGN_IN = reverse("identity:sign-in")


@pytest.fixture
def signed_in(client, staff_user, staff_password) -> Client:
    client.post(SIGN_IN, {"email": staff_user.email, "password": staff_password})
    assert client.session.get(SESSION_KEY) == str(staff_user.pk)
    return client


def set_stamp(client: Client, key: str, when) -> None:
    session = client.session
    session[key] = when.isoformat()
    session.save()


def test_idle_session_is_signed_out_with_a_reason(signed_in, staff_user):
    idle = timedelta(minutes=settings.SESSION_IDLE_MINUTES, seconds=1)
    set_stamp(signed_in, sessions.LAST_SEEN_AT, timezone.now() - idle)

    response = signed_in.get(HOME)

    assert response.status_code == 302
    assert response["Location"] == f"{SIGN_IN}?next=%2F"
    assert SESSION_KEY not in signed_in.session
    page = signed_in.get(response["Location"]).content.decode()
    assert "You were signed out because you had not done anything for" in page
    assert "govuk-notification-banner" in page
    entry = AuditEntry.objects.get(action="identity.session_expired")
    assert entry.detail == {"timeout": "idle"}
    assert entry.actor_id == str(staff_user.pk)


def test_session_past_the_absolute_limit_is_signed_out_even_when_busy(signed_in):
    too_long = timedelta(hours=settings.SESSION_ABSOLUTE_HOURS, seconds=1)
    set_stamp(signed_in, sessions.SIGNED_IN_AT, timezone.now() - too_long)

    response = signed_in.get(HOME)

    assert response.status_code == 302
    assert SESSION_KEY not in signed_in.session
    page = signed_in.get(response["Location"]).content.decode()
    assert "You were signed out because you had been signed in for" in page
    entry = AuditEntry.objects.get(action="identity.session_expired")
    assert entry.detail == {"timeout": "absolute"}


def test_activity_inside_the_idle_limit_keeps_the_session_and_moves_the_clock(signed_in):
    nearly_idle = timezone.now() - timedelta(minutes=settings.SESSION_IDLE_MINUTES - 1)
    set_stamp(signed_in, sessions.LAST_SEEN_AT, nearly_idle)

    response = signed_in.get(HOME)

    assert response.status_code == 200
    last_seen = signed_in.session[sessions.LAST_SEEN_AT]
    assert last_seen > nearly_idle.isoformat()


def test_htmx_requests_are_sent_to_sign_in_as_a_whole_page(signed_in):
    idle = timedelta(minutes=settings.SESSION_IDLE_MINUTES, seconds=1)
    set_stamp(signed_in, sessions.LAST_SEEN_AT, timezone.now() - idle)

    response = signed_in.get(HOME, headers={"HX-Request": "true"})

    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(SIGN_IN)


def test_the_notice_is_shown_once(signed_in):
    idle = timedelta(minutes=settings.SESSION_IDLE_MINUTES, seconds=1)
    set_stamp(signed_in, sessions.LAST_SEEN_AT, timezone.now() - idle)
    signed_in.get(HOME)
    signed_in.get(SIGN_IN)

    page = signed_in.get(SIGN_IN).content.decode()

    assert "You were signed out because" not in page


def test_api_requests_are_left_to_token_authentication(signed_in):
    idle = timedelta(minutes=settings.SESSION_IDLE_MINUTES, seconds=1)
    set_stamp(signed_in, sessions.LAST_SEEN_AT, timezone.now() - idle)

    response = signed_in.get("/api/v1/me")

    # A token is what the API wants; the browser session is neither used nor ended.
    assert response.status_code == 401
    assert SESSION_KEY in signed_in.session
    assert not AuditEntry.objects.filter(action="identity.session_expired").exists()


def test_static_files_are_left_alone(signed_in):
    idle = timedelta(minutes=settings.SESSION_IDLE_MINUTES, seconds=1)
    set_stamp(signed_in, sessions.LAST_SEEN_AT, timezone.now() - idle)

    response = signed_in.get(f"{settings.STATIC_URL}burgh/burgh.css")

    assert response.status_code != 302
    assert SESSION_KEY in signed_in.session


def test_sign_out_ends_the_session_and_says_so(signed_in, staff_user):
    response = signed_in.post(reverse("identity:sign-out"))

    assert response["Location"] == SIGN_IN
    assert SESSION_KEY not in signed_in.session
    assert "You have signed out" in signed_in.get(SIGN_IN).content.decode()
    assert AuditEntry.objects.get(action="identity.sign_out").actor_id == str(staff_user.pk)
    assert signed_in.get(HOME).status_code == 302


def test_sign_out_is_post_only(signed_in):
    response = signed_in.get(reverse("identity:sign-out"))

    assert response.status_code == 405
    assert SESSION_KEY in signed_in.session


def test_sign_out_needs_the_csrf_token(staff_user, staff_password):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)

    response = client.post(reverse("identity:sign-out"))

    assert response.status_code == 403
    assert SESSION_KEY in client.session


def test_sign_out_everywhere_asks_first(signed_in):
    response = signed_in.get(reverse("identity:sign-out-everywhere"))

    assert response.status_code == 200
    assert "Sign out everywhere" in response.content.decode()


def test_sign_out_everywhere_ends_the_other_sessions_but_not_this_one(staff_user, staff_password):
    here, elsewhere = Client(), Client()
    for client in (here, elsewhere):
        client.post(SIGN_IN, {"email": staff_user.email, "password": staff_password})
        assert client.get(HOME).status_code == 200
    other_key = elsewhere.cookies[settings.SESSION_COOKIE_NAME].value

    response = here.post(reverse("identity:sign-out-everywhere"))

    assert response.status_code == 302
    assert "signed out on every other device" in here.get(response["Location"]).content.decode()
    assert here.get(HOME).status_code == 200
    assert not Session.objects.filter(session_key=other_key).exists()
    assert elsewhere.get(HOME)["Location"].startswith(SIGN_IN)
    entry = AuditEntry.objects.get(action="identity.signed_out_everywhere")
    assert entry.detail == {"sessions_deleted": 1}


def test_other_sessions_end_even_when_the_store_cannot_be_searched(
    staff_user, staff_password, settings
):
    # Signed-cookie sessions live in the browser: only the new epoch can end them.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    here, elsewhere = Client(), Client()
    for client in (here, elsewhere):
        client.post(SIGN_IN, {"email": staff_user.email, "password": staff_password})
        assert client.get(HOME).status_code == 200

    here.post(reverse("identity:sign-out-everywhere"))

    assert here.get(HOME).status_code == 200
    assert elsewhere.get(HOME)["Location"].startswith(SIGN_IN)
