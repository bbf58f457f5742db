"""Fixtures for API tests: a team manager, tokens with chosen scopes, a client that sends them."""

from datetime import timedelta

import pytest
from django.test import Client

from burgh.identity.services.tokens import issue_api_token
from tests.factories import RoleAssignmentFactory, RoleFactory

ALL_SCOPES = ["identity:read", "identity:write"]


class ApiClient:
    """Django's test client with a bearer token and JSON bodies by default."""

    def __init__(self, raw_token: str | None) -> None:
        self.client = Client()
        self.raw_token = raw_token

    def _headers(self, extra):
        headers = {}
        if self.raw_token is not None:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {self.raw_token}"
        for name, value in (extra or {}).items():
            key = name.upper().replace("-", "_")
            headers[key if key in {"CONTENT_LENGTH", "CONTENT_TYPE"} else f"HTTP_{key}"] = value
        return headers

    def get(self, path, headers=None, **params):
        return self.client.get(path, params or None, **self._headers(headers))

    def send(self, method, path, body=None, headers=None, content_type="application/json"):
        import json

        data = body if isinstance(body, (bytes, str)) or body is None else json.dumps(body)
        return self.client.generic(
            method, path, data=data or b"", content_type=content_type, **self._headers(headers)
        )

    def post(self, path, body=None, headers=None, **kwargs):
        return self.send("POST", path, body, headers, **kwargs)

    def patch(self, path, body=None, headers=None, **kwargs):
        return self.send("PATCH", path, body, headers, **kwargs)

    def delete(self, path, headers=None):
        return self.send("DELETE", path, None, headers)


@pytest.fixture
def manager(staff_user):
    role = RoleFactory(
        name="Team administrator", slug="team-admin", permissions=["identity.manage_teams"]
    )
    RoleAssignmentFactory(user=staff_user, role=role)
    return staff_user


@pytest.fixture
def issue():
    def _issue(user, scopes=ALL_SCOPES, expires_in=timedelta(days=30), name="Test integration"):
        return issue_api_token(user, name=name, scopes=list(scopes), expires_in=expires_in)

    return _issue


@pytest.fixture
def api_as(issue):
    def _client(user, scopes=ALL_SCOPES):
        _token, raw = issue(user, scopes)
        return ApiClient(raw)

    return _client


@pytest.fixture
def api(api_as, manager):
    """A client acting as a team manager with read and write scopes."""
    return api_as(manager)


def problem(response, status):
    """The problem details of `response`, after checking it is one with `status`."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["instance"] == response.wsgi_request.path
    assert body["type"].startswith("https://burgh.example/problems/") or body["type"] == (
        "about:blank"
    )
    assert body["title"]
    assert body["detail"]
    assert "Traceback" not in response.content.decode()
    return body


def db_state():
    """What a refused request must leave as it was: teams, tokens, events, idempotency keys."""
    from burgh.core.models import IdempotencyRecord, OutboxEvent
    from burgh.identity.models import ApiToken, Team

    return (
        list(Team.objects.order_by("id").values()),
        list(ApiToken.objects.order_by("id").values("id", "revoked_at", "version")),
        OutboxEvent.objects.count(),
        IdempotencyRecord.objects.count(),
    )


@pytest.fixture
def unchanged():
    """Use as `with unchanged():` around a request that must change nothing."""
    from contextlib import contextmanager

    @contextmanager
    def _unchanged():
        before = db_state()
        yield
        assert db_state() == before

    return _unchanged
