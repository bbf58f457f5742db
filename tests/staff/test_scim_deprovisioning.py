"""Deprovisioning through SCIM ends a person's access at once; the account stays for audit."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from burgh.core.models import AuditEntry, OutboxEvent
from burgh.identity.models import Membership, User
from burgh.identity.services.tokens import issue_api_token
from burgh.staff.models import LineManagement
from burgh.staff.services import line_manager, set_line_manager
from tests.factories import TeamFactory
from tests.staff.conftest import ENTERPRISE, PATCH_OP, ScimClient, created, error_of, user_payload

PASSWORD = "a long password for a provisioned person"


@pytest.fixture
def signed_in(scim, council):
    """A provisioned person signed in in a browser, with an API token and a team."""
    body = created(scim)
    user = User.objects.get(pk=body["id"])
    user.set_password(PASSWORD)
    user.save()
    browser = Client()
    assert browser.login(email=user.email, password=PASSWORD)
    assert browser.get("/").status_code == 200
    _, raw = issue_api_token(
        user, name="Reports", scopes=["identity:read"], expires_in=timedelta(days=5)
    )
    team = TeamFactory(organisation=council)
    Membership.objects.create(
        user=user, team=team, valid_from=timezone.localdate() - timedelta(days=30)
    )
    return user, browser, raw, team


def _signed_out(browser):
    response = browser.get("/")
    return response.status_code == 302 and "/sign-in" in response["Location"]


def _api_status(raw):
    return Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code


def _assert_access_ended(user, browser, raw, team):
    user.refresh_from_db()
    assert not user.is_active
    assert _signed_out(browser)
    assert _api_status(raw) == 401
    assert not Client().login(email=user.email, password=PASSWORD)
    membership = Membership.objects.get(user=user, team=team)
    assert membership.valid_to == timezone.localdate() - timedelta(days=1)


def test_the_api_token_works_before_deprovisioning(signed_in):
    _, browser, raw, _ = signed_in
    assert _api_status(raw) == 200
    assert not _signed_out(browser)


def test_patch_active_false_entra_style_ends_access_at_once(scim, signed_in):
    user, browser, raw, team = signed_in

    response = scim.patch(
        f"Users/{user.pk}", [{"op": "Replace", "path": "active", "value": "False"}]
    )

    assert response.status_code == 200, response.content
    assert response.json()["active"] is False
    _assert_access_ended(user, browser, raw, team)


def test_put_active_false_ends_access_at_once(scim, signed_in):
    user, browser, raw, team = signed_in

    response = scim.put(f"Users/{user.pk}", user_payload(active=False))

    assert response.status_code == 200, response.content
    _assert_access_ended(user, browser, raw, team)


def test_delete_ends_access_keeps_the_row_and_answers_404_after(scim, signed_in):
    user, browser, raw, team = signed_in

    assert scim.delete(f"Users/{user.pk}").status_code == 204

    _assert_access_ended(user, browser, raw, team)
    assert User.objects.filter(pk=user.pk).exists()
    assert scim.get(f"Users/{user.pk}").status_code == 404
    assert scim.delete(f"Users/{user.pk}").status_code == 404
    listed = scim.get(f'Users?filter=userName eq "{user.email}"').json()
    assert listed["totalResults"] == 0


def test_line_management_ends_with_the_person(scim, signed_in):
    user, *_ = signed_in
    report = User.objects.get(pk=created(scim, "report@kinloch.example")["id"])
    set_line_manager(report, user, on=timezone.localdate() - timedelta(days=60))

    scim.patch(f"Users/{user.pk}", [{"op": "replace", "value": {"active": False}}])

    ended = LineManagement.objects.get(staff=report)
    assert ended.valid_to == timezone.localdate() - timedelta(days=1)
    assert line_manager(report) is None
    enterprise = scim.get(f"Users/{report.pk}").json()[ENTERPRISE]
    assert "manager" not in enterprise


def test_reactivating_restores_sign_in_but_not_the_tokens(scim, signed_in):
    user, _, raw, _ = signed_in
    scim.patch(f"Users/{user.pk}", [{"op": "Replace", "path": "active", "value": "False"}])

    response = scim.patch(
        f"Users/{user.pk}", [{"op": "Replace", "path": "active", "value": "True"}]
    )

    assert response.json()["active"] is True
    assert Client().login(email=user.email, password=PASSWORD)
    assert _api_status(raw) == 401


def test_a_deleted_person_provisioned_again_gets_their_account_back(scim, signed_in):
    user, *_ = signed_in
    scim.delete(f"Users/{user.pk}")

    again = created(scim)

    assert again["id"] == str(user.pk)
    assert again["active"] is True
    assert Client().login(email=user.email, password=PASSWORD)


def test_deprovisioning_is_audited_and_announced(scim, signed_in):
    user, *_ = signed_in

    scim.patch(f"Users/{user.pk}", [{"op": "replace", "path": "active", "value": False}])

    actions = set(
        AuditEntry.objects.filter(subject_id=str(user.pk)).values_list("action", flat=True)
    )
    assert {"identity.user.deactivated", "identity.signed_out_everywhere"} <= actions
    assert OutboxEvent.objects.filter(type="gov.burgh.identity.user.deactivated").exists()
    entry = AuditEntry.objects.filter(action="identity.user.deactivated").latest("seq")
    assert entry.actor_label == "Entra ID provisioning"


def test_a_refused_patch_changes_nothing(scim, signed_in):
    user, browser, raw, _ = signed_in
    before = scim.get(f"Users/{user.pk}").json()

    response = scim.request(
        "PATCH",
        f"Users/{user.pk}",
        {
            "schemas": [PATCH_OP],
            "Operations": [
                {"op": "replace", "path": "active", "value": False},
                {"op": "replace", "path": "groups", "value": []},
            ],
        },
    )

    assert response.status_code == 400
    assert error_of(response)["scimType"] == "mutability"
    user.refresh_from_db()
    assert user.is_active
    assert not _signed_out(browser)
    assert _api_status(raw) == 200
    assert scim.get(f"Users/{user.pk}").json() == before


def test_only_a_scim_token_of_a_provisioner_gets_in(provisioner, staff_user):
    _, no_scope = issue_api_token(
        provisioner, name="Wrong", scopes=["identity:read"], expires_in=timedelta(days=1)
    )
    _, not_allowed = issue_api_token(
        staff_user, name="Mine", scopes=["scim"], expires_in=timedelta(days=1)
    )
    for raw, status in ((None, 401), ("burgh_nope_nope", 401), (no_scope, 403), (not_allowed, 403)):
        response = ScimClient(raw).get("Users")
        assert response.status_code == status, raw
        body = error_of(response)
        assert body["status"] == str(status)
        assert "WWW-Authenticate" in response
