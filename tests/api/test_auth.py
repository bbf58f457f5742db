"""Bearer tokens at the API edge: each refusal says why, scopes limit what a token may do."""

from datetime import timedelta

import pytest
from django.utils import timezone

from burgh.core.models import AuditEntry
from burgh.identity.models import ApiToken
from burgh.identity.services.tokens import revoke_api_token
from tests.api.conftest import ApiClient, problem

pytestmark = pytest.mark.django_db


def _refused(response, slug):
    body = problem(response, 401)
    assert body["type"] == f"https://burgh.example/problems/{slug}"
    assert response["WWW-Authenticate"].startswith('Bearer realm="burgh"')
    return body


class TestRefusals:
    def test_no_token_says_one_is_needed(self, client):
        body = _refused(client.get("/api/v1/me"), "token-missing")

        assert "Authorization: Bearer" in body["detail"]

    def test_a_different_scheme_is_refused(self, client):
        response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz")

        body = _refused(response, "token-missing")
        assert "Bearer <token>" in body["detail"]

    def test_an_unknown_token_is_invalid(self, manager, issue):
        _token, raw = issue(manager)

        response = ApiClient(raw[:-2] + "zz").get("/api/v1/me")

        body = _refused(response, "token-invalid")
        assert "not recognised" in body["detail"]
        assert 'error="invalid_token"' in response["WWW-Authenticate"]

    def test_an_expired_token_says_when_it_expired(self, manager, issue):
        token, raw = issue(manager)
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(days=1))

        body = _refused(ApiClient(raw).get("/api/v1/me"), "token-expired")

        assert "expired on" in body["detail"]
        assert token.prefix in body["detail"]

    def test_a_revoked_token_says_it_was_revoked(self, manager, issue):
        token, raw = issue(manager)
        revoke_api_token(token, by=manager)

        body = _refused(ApiClient(raw).get("/api/v1/me"), "token-revoked")

        assert "was revoked on" in body["detail"]

    def test_a_disabled_accounts_token_is_refused(self, manager, issue):
        _token, raw = issue(manager)
        manager.is_active = False
        manager.save()

        _refused(ApiClient(raw).get("/api/v1/me"), "token-owner-inactive")

    def test_each_refusal_is_audited_with_its_reason(self, manager, issue):
        token, raw = issue(manager)
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())

        ApiClient(raw).get("/api/v1/me")

        entry = AuditEntry.objects.get(action="api_token.refused")
        assert entry.detail == {"reason": "expired", "prefix": token.prefix}
        assert entry.subject_id == str(token.pk)

    def test_a_refused_token_changes_nothing(self, manager, issue, unchanged):
        token, raw = issue(manager)
        revoke_api_token(token, by=manager)

        with unchanged():
            response = ApiClient(raw).post("/api/v1/teams", {"name": "Shadow team"})

        problem(response, 401)


class TestScopes:
    def test_a_read_only_token_cannot_create(self, api_as, manager, unchanged):
        reader = api_as(manager, scopes=["identity:read"])

        with unchanged():
            response = reader.post("/api/v1/teams", {"name": "Gritting"})

        body = problem(response, 403)
        assert body["type"] == "https://burgh.example/problems/missing-scope"
        assert "'identity:write'" in body["detail"]
        assert body["required_scope"] == "identity:write"

    def test_a_token_without_identity_read_cannot_list(self, api_as, manager):
        writer = api_as(manager, scopes=["identity:write"])

        problem(writer.get("/api/v1/teams"), 403)

    def test_scope_is_not_enough_without_the_role_permission(self, api_as, staff_user, unchanged):
        writer = api_as(staff_user, scopes=["identity:read", "identity:write"])

        with unchanged():
            response = writer.post("/api/v1/teams", {"name": "Gritting"})

        body = problem(response, 403)
        assert "identity.manage_teams" in body["detail"]


class TestUse:
    def test_a_good_token_works_and_its_use_is_recorded(self, manager, issue):
        token, raw = issue(manager)

        response = ApiClient(raw).get("/api/v1/me")

        assert response.status_code == 200
        assert response.json()["email"] == manager.email
        assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
        used = AuditEntry.objects.get(action="api_token.used")
        assert used.actor_id == str(manager.pk)

    def test_changes_made_through_the_api_are_audited_as_the_caller(self, api, manager):
        response = api.post("/api/v1/teams", {"name": "Gritting"})

        assert response.status_code == 201
        entry = AuditEntry.objects.get(action="identity.team.created")
        assert entry.actor_id == str(manager.pk)
        assert entry.organisation_id == str(manager.organisation_id)
        assert entry.request_id == response["X-Request-ID"]
