"""Every API error is an RFC 9457 problem a client can read, and bad input changes nothing."""

import uuid

import pytest

from tests.api.conftest import problem
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db

GOOD_TEAM = {"name": "Winter resilience", "kind": "team"}


class TestValidation:
    def test_an_unknown_field_is_refused_by_name(self, api, unchanged):
        with unchanged():
            response = api.post("/api/v1/teams", {**GOOD_TEAM, "colour": "red"})

        body = problem(response, 422)
        assert body["type"] == "https://burgh.example/problems/invalid-input"
        assert body["errors"] == [
            {
                "pointer": "#/colour",
                "detail": "Unknown field 'colour': this request does not accept it.",
                "code": "extra_forbidden",
            }
        ]
        assert "colour" in body["detail"]

    def test_each_wrong_field_is_listed_with_its_pointer(self, api, unchanged):
        with unchanged():
            response = api.post("/api/v1/teams", {"kind": "committee", "starts_on": "next tuesday"})

        body = problem(response, 422)
        pointers = {error["pointer"]: error["detail"] for error in body["errors"]}
        assert pointers.keys() == {"#/name", "#/kind", "#/starts_on"}
        assert pointers["#/name"] == "This is required."
        assert "rapid_response" in pointers["#/kind"]
        assert "3 problems" in body["detail"]

    def test_a_bad_query_parameter_is_pointed_to(self, api):
        response = api.get("/api/v1/teams", limit="500")

        body = problem(response, 422)
        assert body["errors"][0]["pointer"] == "query.limit"
        assert "200" in body["errors"][0]["detail"]

    def test_a_body_that_is_not_an_object_is_refused(self, api, unchanged):
        with unchanged():
            response = api.post("/api/v1/teams", "[1, 2]")

        body = problem(response, 422)
        assert body["errors"][0]["pointer"] == "#"
        assert body["errors"][0]["detail"] == "The request body must be a JSON object."

    def test_a_missing_body_is_refused(self, api, unchanged):
        with unchanged():
            response = api.post("/api/v1/teams", "")

        body = problem(response, 422)
        assert body["errors"][0]["detail"] == "The request body is required."

    def test_a_rule_broken_in_the_service_is_a_422_naming_the_field(self, api, unchanged):
        with unchanged():
            response = api.post(
                "/api/v1/teams",
                {
                    "name": "Storm Babet response",
                    "kind": "rapid_response",
                    "starts_on": "2025-10-18",
                },
            )

        body = problem(response, 422)
        assert body["errors"][0]["pointer"] == "#/ends_on"
        assert "end date" in body["detail"]


class TestMalformedBody:
    def test_json_with_a_syntax_error_says_where(self, api, unchanged):
        with unchanged():
            response = api.post("/api/v1/teams", '{\n  "name": "Roads",\n  "kind": team\n}')

        body = problem(response, 400)
        assert body["type"] == "https://burgh.example/problems/malformed-body"
        assert body["detail"].startswith("The request body is not valid JSON")
        assert "line 3, column 11" in body["detail"]
        assert (body["line"], body["column"]) == (3, 11)

    def test_a_body_that_is_not_utf8_is_refused(self, api, unchanged):
        with unchanged():
            response = api.post("/api/v1/teams", b'{"name": "Caf\xe9"}')

        body = problem(response, 400)
        assert "not UTF-8" in body["detail"]


class TestTooLarge:
    def test_a_body_over_the_limit_is_413(self, api, settings, unchanged):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
        with unchanged():
            response = api.post("/api/v1/teams", {**GOOD_TEAM, "description": "x" * 4096})

        body = problem(response, 413)
        assert "larger than the 2 KB" in body["detail"]
        assert body["max_bytes"] == 2048

    def test_a_content_length_over_the_limit_is_413_before_the_body_is_read(
        self, api, settings, unchanged
    ):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
        with unchanged():
            response = api.post("/api/v1/teams", GOOD_TEAM, headers={"Content-Length": "5000000"})

        problem(response, 413)

    def test_an_oversized_body_on_an_idempotent_create_is_413(self, api, settings, unchanged):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
        with unchanged():
            response = api.post(
                "/api/v1/teams",
                {**GOOD_TEAM, "description": "x" * 4096},
                headers={"Idempotency-Key": "big-1"},
            )

        problem(response, 413)


class TestNotFound:
    def test_an_unknown_team_is_a_404_problem(self, api):
        missing = uuid.uuid4()

        body = problem(api.get(f"/api/v1/teams/{missing}"), 404)

        assert str(missing) in body["detail"]

    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("GET", "/api/v1/nothing-here"),
            ("POST", "/api/v1/cases/123/notes"),
            ("DELETE", "/api/v1/teams/not-a-uuid"),
            ("GET", "/api/v1/"),
        ],
    )
    def test_an_unknown_api_path_is_a_404_problem_not_the_html_page(self, api, method, path):
        response = api.send(method, path)

        body = problem(response, 404)
        assert body["type"] == "https://burgh.example/problems/unknown-path"
        assert "/api/v1/openapi.json" in body["detail"]

    def test_an_unknown_path_needs_no_token_to_say_so(self, client):
        problem(client.get("/api/v1/nothing-here"), 404)


class TestOtherRefusals:
    def test_a_method_the_path_does_not_have_is_405_with_allow(self, api, unchanged):
        with unchanged():
            response = api.send("PUT", "/api/v1/teams", GOOD_TEAM)

        body = problem(response, 405)
        assert response["Allow"] == "GET, POST"
        assert "PUT is not allowed" in body["detail"]

    def test_a_duplicate_team_name_is_a_409_conflict(self, api, manager, unchanged):
        TeamFactory(organisation=manager.organisation, name="Bereavement services")

        with unchanged():
            response = api.post("/api/v1/teams", {"name": "bereavement  SERVICES"})

        body = problem(response, 409)
        assert "already has a team called" in body["detail"]
        assert body["errors"][0]["pointer"] == "#/name"

    def test_a_fault_is_a_500_problem_with_a_reference_and_no_traceback(self, api, monkeypatch):
        def broken(*args, **kwargs):
            raise RuntimeError("database password is hunter2")

        monkeypatch.setattr("burgh.identity.api.current_roles", broken)

        response = api.get("/api/v1/me", headers={"X-Request-ID": "support-ref-0001"})

        body = problem(response, 500)
        assert "hunter2" not in response.content.decode()
        assert "support-ref-0001" in body["detail"]
        assert body["reference"] == "support-ref-0001"
