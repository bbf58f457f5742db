"""The API's description is valid OpenAPI, and its docs page is for signed-in staff only."""

import json
import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from openapi_spec_validator import validate

from tests.api.conftest import problem

pytestmark = pytest.mark.django_db


def _strict_json(content):
    def no_duplicates(pairs):
        keys = [key for key, _value in pairs]
        assert len(keys) == len(set(keys)), f"duplicate keys in {keys}"
        return dict(pairs)

    return json.loads(content, object_pairs_hook=no_duplicates)


def test_the_description_is_valid_openapi(api):
    response = api.get("/api/v1/openapi.json")

    assert response.status_code == 200
    spec = _strict_json(response.content)
    validate(spec)
    assert spec["components"]["securitySchemes"]["ApiTokenAuth"]["scheme"] == "bearer"


def test_every_operation_documents_its_errors_as_problems(api):
    spec = api.get("/api/v1/openapi.json").json()

    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            default = operation["responses"]["default"]
            assert "application/problem+json" in default["content"], (method, path)
    assert spec["components"]["schemas"]["Problem"]["required"] == [
        "type",
        "title",
        "status",
        "detail",
        "instance",
    ]


def test_the_headers_a_client_needs_are_documented(api):
    paths = api.get("/api/v1/openapi.json").json()["paths"]

    create = paths["/api/v1/teams"]["post"]
    assert "Idempotency-Key" in [p["name"] for p in create["parameters"]]
    assert set(create["responses"]["201"]["headers"]) == {"ETag", "Location"}
    change = paths["/api/v1/teams/{team_id}"]["patch"]
    assert "If-Match" in [p["name"] for p in change["parameters"]]
    assert "Link" in paths["/api/v1/teams"]["get"]["responses"]["200"]["headers"]


def test_the_description_needs_a_token_or_a_session(client, staff_user):
    problem(client.get("/api/v1/openapi.json"), 401)

    client.force_login(staff_user)
    assert client.get("/api/v1/openapi.json").status_code == 200


class TestDocsPage:
    def test_someone_not_signed_in_is_sent_to_sign_in(self, client):
        response = client.get("/api/v1/docs")

        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in?next=/api/v1/docs")

    def test_signed_in_staff_get_swagger_ui_from_this_site_with_no_inline_script(
        self, client, staff_user
    ):
        client.force_login(staff_user)

        response = client.get("/api/v1/docs")

        assert response.status_code == 200
        html = response.content.decode()
        assert "/static/ninja/swagger-ui-bundle.js" in html
        assert "/static/ninja/swagger-ui.css" in html
        assert "cdn" not in html.lower()
        # The site CSP allows scripts from this site only: every <script> either loads a
        # file or is the JSON settings block, which browsers never execute.
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, tag
        assert "<style" not in html
        assert " style=" not in html
        settings_json = re.search(
            r'<script type="application/json" id="swagger-settings">(.*?)</script>', html, re.S
        )
        assert json.loads(settings_json.group(1))["validatorUrl"] is None

    def test_a_session_still_owing_its_second_factor_is_sent_to_verify(self, client, staff_user):
        TOTPDevice.objects.create(user=staff_user, name="Phone", confirmed=True)
        client.force_login(staff_user)

        response = client.get("/api/v1/docs")

        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/security-code")
