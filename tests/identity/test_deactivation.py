"""Deactivating an account ends every way in at once: sessions, API tokens, provider sign-in."""

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from burgh.core.models import AuditEntry, OutboxEvent
from burgh.identity.models import ApiToken, User
from burgh.identity.services.accounts import deactivate_user, reactivate_user
from burgh.identity.services.tokens import issue_api_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOME = reverse("core:home")
ME = "/api/v1/me"


@pytest.fixture
def administrator(council):
    return UserFactory(organisation=council, is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(administrator):
    client = Client()
    client.force_login(administrator)
    return client


@pytest.fixture
def worker_browser(staff_user, staff_password):
    """The worker's own browser, signed in with their password."""
    browser = Client()
    response = browser.post(
        reverse("identity:sign-in"), {"email": staff_user.email, "password": staff_password}
    )
    assert response.status_code == 302
    assert browser.get(HOME).status_code == 200
    return browser


@pytest.fixture
def worker_tokens(staff_user):
    """Two tokens an integration of the worker's uses."""
    return [
        issue_api_token(staff_user, name=name, scopes=["identity:read"], expires_in=timedelta(9))[1]
        for name in ("Repairs sync", "Reporting")
    ]


def api_status(token):
    return Client().get(ME, HTTP_AUTHORIZATION=f"Bearer {token}")


def assert_every_way_in_ended(worker_browser, worker_tokens):
    response = worker_browser.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:sign-in"))
    assert SESSION_KEY not in worker_browser.session
    for token in worker_tokens:
        refused = api_status(token)
        assert refused.status_code == 401
        assert refused.json()["type"].endswith("/token-revoked")


class TestTheService:
    def test_the_next_request_of_every_session_and_token_is_refused(
        self, staff_user, administrator, worker_browser, worker_tokens
    ):
        assert api_status(worker_tokens[0]).status_code == 200

        ended = deactivate_user(staff_user, by=administrator, reason="Left the council")

        assert ended.tokens_revoked == 2
        assert ended.sessions_deleted == 1
        staff_user.refresh_from_db()
        assert not staff_user.is_active
        assert_every_way_in_ended(worker_browser, worker_tokens)

    def test_it_is_audited_and_announced(self, staff_user, administrator, worker_tokens):
        deactivate_user(staff_user, by=administrator, reason="Left the council")

        entry = AuditEntry.objects.get(action="identity.user.deactivated")
        assert entry.actor_id == str(administrator.pk)
        assert entry.subject_id == str(staff_user.pk)
        assert entry.detail["reason"] == "Left the council"
        assert entry.detail["tokens_revoked"] == 2
        event = OutboxEvent.objects.get(type="gov.burgh.identity.user.deactivated")
        assert event.subject == f"identity/user/{staff_user.pk}"
        assert event.data["id"] == str(staff_user.pk)
        revoked = AuditEntry.objects.filter(action="api_token.revoked")
        assert [e.detail["reason"] for e in revoked] == ["account_deactivated"] * 2

    def test_the_password_no_longer_signs_in(self, staff_user, staff_password, administrator):
        deactivate_user(staff_user, by=administrator, reason="Left the council")

        response = Client().post(
            reverse("identity:sign-in"), {"email": staff_user.email, "password": staff_password}
        )

        assert response.status_code == 200
        assert "Enter a correct email address and password" in response.content.decode()

    def test_reactivating_lets_the_person_in_but_tokens_stay_revoked(
        self, staff_user, staff_password, administrator, worker_tokens
    ):
        deactivate_user(staff_user, by=administrator, reason="Left the council")

        reactivate_user(staff_user, by=administrator, reason="Came back")

        staff_user.refresh_from_db()
        assert staff_user.is_active
        assert all(api_status(token).status_code == 401 for token in worker_tokens)
        assert OutboxEvent.objects.filter(type="gov.burgh.identity.user.reactivated").exists()


def change_form_data(admin_client, user):
    """What the admin site's change page for `user` would send back if saved unchanged."""
    page = admin_client.get(reverse("admin:identity_user_change", args=[user.pk]))
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        elif value is not None:
            data[name] = str(value)
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
    return data


class TestTheAdminSite:
    def test_unticking_active_goes_through_the_service(
        self, admin_client, staff_user, worker_browser, worker_tokens
    ):
        data = change_form_data(admin_client, staff_user)
        del data["is_active"]

        response = admin_client.post(
            reverse("admin:identity_user_change", args=[staff_user.pk]), data
        )

        assert response.status_code == 302, response.context["adminform"].form.errors
        assert not User.objects.get(pk=staff_user.pk).is_active
        assert AuditEntry.objects.filter(action="identity.user.deactivated").exists()
        assert_every_way_in_ended(worker_browser, worker_tokens)

    def test_ticking_active_again_reactivates(self, admin_client, staff_user, administrator):
        deactivate_user(staff_user, by=administrator, reason="Long-term leave")
        data = change_form_data(admin_client, staff_user)
        data["is_active"] = "on"

        admin_client.post(reverse("admin:identity_user_change", args=[staff_user.pk]), data)

        assert User.objects.get(pk=staff_user.pk).is_active
        assert AuditEntry.objects.filter(action="identity.user.reactivated").exists()

    def test_saving_other_changes_leaves_sessions_and_tokens_alone(
        self, admin_client, staff_user, worker_browser, worker_tokens
    ):
        data = change_form_data(admin_client, staff_user)
        data["job_title"] = "Senior waste officer"

        admin_client.post(reverse("admin:identity_user_change", args=[staff_user.pk]), data)

        assert worker_browser.get(HOME).status_code == 200
        assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 2

    def test_the_deactivate_action_ends_every_way_in(
        self, admin_client, staff_user, worker_browser, worker_tokens
    ):
        response = admin_client.post(
            reverse("admin:identity_user_changelist"),
            {"action": "deactivate_accounts", "_selected_action": [str(staff_user.pk)]},
            follow=True,
        )

        assert "2 API token(s) were revoked" in response.content.decode()
        assert_every_way_in_ended(worker_browser, worker_tokens)
