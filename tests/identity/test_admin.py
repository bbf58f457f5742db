"""The admin site for identity records: what an IT administrator can see and change."""

from datetime import timedelta

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from burgh.core.models import AuditEntry
from burgh.identity.models import Role, User
from burgh.identity.services.tokens import MANAGE_TOKENS_PERMISSION, issue_api_token
from tests.factories import (
    MembershipFactory,
    RoleAssignmentFactory,
    RoleFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(council):
    return UserFactory(organisation=council, is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.mark.parametrize(
    "model", ["user", "organisation", "team", "membership", "role", "roleassignment", "apitoken"]
)
def test_every_identity_list_opens(admin_client, staff_user, model):
    team = TeamFactory(organisation=staff_user.organisation)
    MembershipFactory(user=staff_user, team=team)
    RoleAssignmentFactory(user=staff_user, role=RoleFactory())
    issue_api_token(staff_user, name="Sync", scopes=["identity:read"], expires_in=timedelta(1))

    response = admin_client.get(reverse(f"admin:identity_{model}_changelist"))

    assert response.status_code == 200


def test_administrator_can_require_mfa_for_a_role(admin_client):
    role = RoleFactory(name="Social worker", slug="social-worker")
    url = reverse("admin:identity_role_change", args=[role.pk])
    assert 'name="requires_mfa"' in admin_client.get(url).content.decode()

    response = admin_client.post(
        url,
        {
            "name": role.name,
            "slug": role.slug,
            "description": "",
            "permissions": "[]",
            "requires_mfa": "on",
        },
    )

    assert response.status_code == 302
    role.refresh_from_db()
    assert role.requires_mfa
    assert role.version == 2
    entry = AuditEntry.objects.get(action="admin.changed", subject_id=str(role.pk))
    assert "Requires mfa" in str(entry.detail)


def test_token_pages_never_show_the_digest_and_cannot_change_tokens(admin_client, staff_user):
    token, _ = issue_api_token(
        staff_user, name="Sync", scopes=["identity:read"], expires_in=timedelta(days=1)
    )

    page = admin_client.get(reverse("admin:identity_apitoken_change", args=[token.pk]))

    assert page.status_code == 200
    assert token.digest not in page.content.decode()
    assert admin_client.get(reverse("admin:identity_apitoken_add")).status_code == 403


def test_security_administrator_can_revoke_a_token(admin_client, administrator, staff_user):
    RoleAssignmentFactory(
        user=administrator, role=RoleFactory(permissions=[MANAGE_TOKENS_PERMISSION])
    )
    token, _ = issue_api_token(
        staff_user, name="Sync", scopes=["identity:read"], expires_in=timedelta(days=1)
    )

    admin_client.post(
        reverse("admin:identity_apitoken_changelist"),
        {"action": "revoke_tokens", "_selected_action": [str(token.pk)]},
    )

    token.refresh_from_db()
    assert token.revoked_at is not None


def test_revoking_tokens_needs_a_role_that_allows_it(admin_client, staff_user):
    token, _ = issue_api_token(
        staff_user, name="Sync", scopes=["identity:read"], expires_in=timedelta(days=1)
    )

    admin_client.post(
        reverse("admin:identity_apitoken_changelist"),
        {"action": "revoke_tokens", "_selected_action": [str(token.pk)]},
    )

    token.refresh_from_db()
    assert token.revoked_at is None


def test_adding_a_user_by_email_hashes_the_password_with_argon2(admin_client, council):
    response = admin_client.post(
        reverse("admin:identity_user_add"),
        {
            "email": "New.Starter@Kinloch.example",
            "full_name": "New Starter",
            "organisation": str(council.pk),
            "usable_password": "true",
            "password1": "a long and unusual passphrase 42",
            "password2": "a long and unusual passphrase 42",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="new.starter@kinloch.example")
    assert identify_hasher(user.password).algorithm == "argon2"


def test_a_second_account_for_the_same_email_is_refused(admin_client, staff_user):
    response = admin_client.post(
        reverse("admin:identity_user_add"),
        {
            "email": staff_user.email.upper(),
            "full_name": "Someone Else",
            "usable_password": "false",
        },
    )

    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_user_page_hides_the_session_epoch(admin_client, staff_user):
    page = admin_client.get(reverse("admin:identity_user_change", args=[staff_user.pk]))

    assert page.status_code == 200
    assert "session_epoch" not in page.content.decode()
    assert str(staff_user.session_epoch) not in page.content.decode()


def test_administrator_can_unlock_an_account(admin_client, staff_user):
    User.objects.filter(pk=staff_user.pk).update(
        locked_until=timezone.now() + timedelta(minutes=10), failed_sign_ins=3
    )

    admin_client.post(
        reverse("admin:identity_user_changelist"),
        {"action": "unlock_accounts", "_selected_action": [str(staff_user.pk)]},
    )

    staff_user.refresh_from_db()
    assert not staff_user.is_locked()
    assert AuditEntry.objects.filter(action="identity.account_unlocked").exists()


def test_administrator_can_sign_someone_out_everywhere(admin_client, staff_user):
    before = staff_user.session_epoch

    admin_client.post(
        reverse("admin:identity_user_changelist"),
        {"action": "end_sessions", "_selected_action": [str(staff_user.pk)]},
    )

    staff_user.refresh_from_db()
    assert staff_user.session_epoch != before


def test_admin_login_goes_through_the_sign_in_page(client):
    response = client.get(reverse("admin:login") + "?next=/admin/")

    assert response.status_code == 302
    assert response["Location"] == reverse("identity:sign-in") + "?next=%2Fadmin%2F"


def test_admin_site_is_closed_to_people_who_are_not_administrators(client, staff_user):
    client.force_login(staff_user)

    response = client.get(reverse("admin:index"), follow=True)

    assert response.status_code == 403


def test_roles_list_shows_which_need_mfa(admin_client):
    Role.objects.create(name="Finance officer", slug="finance-officer", requires_mfa=True)

    page = admin_client.get(reverse("admin:identity_role_changelist") + "?requires_mfa__exact=1")

    assert "Finance officer" in page.content.decode()


def test_authenticator_app_secrets_are_not_shown_to_administrators(admin_client, staff_user):
    device = TOTPDevice.objects.create(user=staff_user, name="Authenticator app", confirmed=True)

    page = admin_client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))

    assert page.status_code == 200
    assert device.key not in page.content.decode()


def test_administrator_can_remove_a_lost_authenticator_app(admin_client, staff_user):
    TOTPDevice.objects.create(user=staff_user, name="Authenticator app", confirmed=True)

    admin_client.post(
        reverse("admin:identity_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [str(staff_user.pk)]},
    )

    assert not TOTPDevice.objects.filter(user=staff_user).exists()
    assert AuditEntry.objects.filter(action="identity.mfa_reset").exists()
