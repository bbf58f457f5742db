"""Optimistic locking: ETag on reads, If-Match on writes, and only one of two writers wins."""

import threading

import pytest
from django.db import connection

from burgh.core.errors import StaleVersionError
from burgh.identity.models import ApiToken, Team
from burgh.identity.services.teams import update_team
from tests.api.conftest import ApiClient, problem
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(manager):
    return TeamFactory(organisation=manager.organisation, name="Roads maintenance")


def _path(team):
    return f"/api/v1/teams/{team.pk}"


class TestETag:
    def test_reading_a_team_gives_its_etag(self, api, team):
        response = api.get(_path(team))

        assert response.status_code == 200
        assert response["ETag"] == '"1"'
        assert response.json()["version"] == 1

    def test_a_change_with_the_current_etag_applies_and_gives_the_next(self, api, team):
        response = api.patch(
            _path(team), {"name": "Roads and footways"}, headers={"If-Match": '"1"'}
        )

        assert response.status_code == 200, response.content
        assert response["ETag"] == '"2"'
        assert response.json()["name"] == "Roads and footways"
        assert Team.objects.get(pk=team.pk).version == 2

    def test_an_end_date_can_be_set_then_cleared(self, api, team):
        api.patch(_path(team), {"ends_on": "2026-03-31"}, headers={"If-Match": '"1"'})
        response = api.patch(_path(team), {"ends_on": None}, headers={"If-Match": '"2"'})

        assert response.status_code == 200
        assert Team.objects.get(pk=team.pk).ends_on is None

    def test_a_change_that_changes_nothing_keeps_the_version(self, api, team):
        response = api.patch(
            _path(team), {"name": "Roads maintenance"}, headers={"If-Match": '"1"'}
        )

        assert response.status_code == 200
        assert response["ETag"] == '"1"'


class TestRefusedWrites:
    def test_a_change_without_if_match_is_428(self, api, team, unchanged):
        with unchanged():
            response = api.patch(_path(team), {"name": "Potholes"})

        body = problem(response, 428)
        assert "If-Match" in body["detail"]
        assert body["errors"][0]["pointer"] == "header.If-Match"

    def test_a_stale_etag_is_412_naming_the_current_one(self, api, team, unchanged):
        Team.objects.filter(pk=team.pk).update(version=3)

        with unchanged():
            response = api.patch(_path(team), {"name": "Potholes"}, headers={"If-Match": '"1"'})

        body = problem(response, 412)
        assert 'now at ETag "3"' in body["detail"]
        assert body["current_etag"] == '"3"'

    @pytest.mark.parametrize("value", ["1", 'W/"1"', '"one"', '"1", "2"'])
    def test_a_malformed_if_match_is_400(self, api, team, value, unchanged):
        with unchanged():
            response = api.patch(_path(team), {"name": "Potholes"}, headers={"If-Match": value})

        body = problem(response, 400)
        assert body["type"] == "https://burgh.example/problems/malformed-header"
        assert "If-Match" in body["detail"]

    def test_if_match_star_is_not_accepted(self, api, team, unchanged):
        with unchanged():
            response = api.patch(_path(team), {"name": "Potholes"}, headers={"If-Match": "*"})

        problem(response, 428)

    def test_a_rule_broken_on_change_is_422(self, api, team, unchanged):
        Team.objects.filter(pk=team.pk).update(starts_on="2026-01-01")

        with unchanged():
            response = api.patch(
                _path(team), {"ends_on": "2025-12-31"}, headers={"If-Match": '"1"'}
            )

        body = problem(response, 422)
        assert body["errors"][0]["pointer"] == "#/ends_on"

    def test_fields_that_cannot_change_are_refused(self, api, team, unchanged):
        with unchanged():
            response = api.patch(_path(team), {"kind": "service"}, headers={"If-Match": '"1"'})

        body = problem(response, 422)
        assert body["errors"][0]["pointer"] == "#/kind"


class TestTokenRevocation:
    def test_revoking_needs_if_match(self, api, manager, issue, unchanged):
        token, _raw = issue(manager, name="Old laptop")

        with unchanged():
            response = api.delete(f"/api/v1/tokens/{token.pk}")

        problem(response, 428)

    def test_revoking_with_if_match_stops_the_token(self, api, manager, issue):
        token, raw = issue(manager, name="Old laptop")

        response = api.delete(f"/api/v1/tokens/{token.pk}", headers={"If-Match": '"1"'})

        assert response.status_code == 204
        assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
        problem(ApiClient(raw).get("/api/v1/me"), 401)

    def test_revoking_with_a_stale_etag_is_412_and_the_token_still_works(self, api, manager, issue):
        token, raw = issue(manager, name="Old laptop")
        ApiToken.objects.filter(pk=token.pk).update(version=2)

        response = api.delete(f"/api/v1/tokens/{token.pk}", headers={"If-Match": '"1"'})

        problem(response, 412)
        assert ApiClient(raw).get("/api/v1/me").status_code == 200

    def test_someone_elses_token_is_not_found(self, api, staff_user, council, issue):
        from tests.factories import UserFactory

        other, _raw = issue(UserFactory(organisation=council))

        response = api.delete(f"/api/v1/tokens/{other.pk}", headers={"If-Match": '"1"'})

        problem(response, 404)
        assert ApiToken.objects.get(pk=other.pk).revoked_at is None


def test_of_two_writers_holding_the_same_version_exactly_one_wins(manager, team):
    first = Team.objects.get(pk=team.pk)
    second = Team.objects.get(pk=team.pk)

    update_team(first, by=manager, expected_version=1, name="Roads A")
    with pytest.raises(StaleVersionError):
        update_team(second, by=manager, expected_version=1, name="Roads B")

    assert Team.objects.get(pk=team.pk).name == "Roads A"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_on_postgres_cannot_both_win(manager, team, monkeypatch):
    # Only the race is under test; waking the outbox relay after commit is not.
    monkeypatch.setattr("burgh.core.events._wake_relay", lambda: None)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def write(name):
        try:
            stale = Team.objects.get(pk=team.pk)
            start.wait()
            update_team(stale, by=manager, expected_version=1, name=name)
            outcomes.append("won")
        except StaleVersionError:
            outcomes.append("stale")
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(f"Roads {n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["stale", "won"]
    assert Team.objects.get(pk=team.pk).version == 2
