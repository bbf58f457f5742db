"""Fixtures for the staff index: an identity provider's account with a SCIM token, a client."""

import json
from datetime import timedelta

import pytest
from django.test import Client

from burgh.identity.permissions import PROVISION_STAFF
from burgh.identity.services.tokens import issue_api_token
from tests.factories import RoleAssignmentFactory, RoleFactory, UserFactory

SCIM = "/scim/v2"
SCIM_JSON = "application/scim+json"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


class ScimClient:
    """Django's test client speaking SCIM with a bearer token."""

    def __init__(self, raw_token: str | None) -> None:
        self.client = Client()
        self.raw_token = raw_token

    def request(self, method, path, body=None, headers=None):
        extra = {}
        if self.raw_token is not None:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {self.raw_token}"
        for name, value in (headers or {}).items():
            extra[f"HTTP_{name.upper().replace('-', '_')}"] = value
        data = json.dumps(body) if body is not None and not isinstance(body, str) else body
        url = path if path.startswith("/") else f"{SCIM}/{path}"
        return self.client.generic(method, url, data=data or b"", content_type=SCIM_JSON, **extra)

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def post(self, path, body, headers=None):
        return self.request("POST", path, body, headers)

    def put(self, path, body, headers=None):
        return self.request("PUT", path, body, headers)

    def patch(self, path, operations, headers=None):
        return self.request(
            "PATCH", path, {"schemas": [PATCH_OP], "Operations": operations}, headers
        )

    def delete(self, path, headers=None):
        return self.request("DELETE", path, headers=headers)


@pytest.fixture
def provisioner(council):
    """The account the identity provider's connection uses."""
    user = UserFactory(organisation=council, full_name="Entra ID provisioning")
    role = RoleFactory(name="Provisioning", slug="provisioning", permissions=[PROVISION_STAFF])
    RoleAssignmentFactory(user=user, role=role)
    return user


@pytest.fixture
def scim_token(provisioner):
    _, raw = issue_api_token(
        provisioner, name="Entra ID", scopes=["scim"], expires_in=timedelta(days=30)
    )
    return raw


@pytest.fixture
def scim(scim_token):
    return ScimClient(scim_token)


def user_payload(user_name="bjensen@kinloch.example", **extra):
    payload = {
        "schemas": [USER_SCHEMA, ENTERPRISE],
        "userName": user_name,
        "name": {"givenName": "Barbara", "familyName": "Jensen"},
        "displayName": "Barbara Jensen",
        "title": "Housing officer",
        "active": True,
        "emails": [{"value": user_name, "type": "work", "primary": True}],
        ENTERPRISE: {"employeeNumber": "E1001", "department": "Housing"},
    }
    payload.update(extra)
    return payload


def created(scim, user_name="bjensen@kinloch.example", **extra):
    response = scim.post("Users", user_payload(user_name, **extra))
    assert response.status_code == 201, response.content
    return response.json()


def error_of(response):
    body = response.json()
    assert body["schemas"] == [ERROR], body
    assert response["Content-Type"].startswith(SCIM_JSON)
    return body
