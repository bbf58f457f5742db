"""The identity resources: who am I, teams (with events and audit), and my tokens."""

from datetime import timedelta

import pytest
from django.utils import timezone

from burgh.core.models import AuditEntry, OutboxEvent
from burgh.identity.models import Team
from tests.api.conftest import problem
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    RoleAssignmentFactory,
    RoleFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db


class TestMe:
    def test_me_shows_the_caller_with_current_teams_and_roles(self, api_as, manager):
        today = timezone.localdate()
        council = manager.organisation
        MembershipFactory(user=manager, team=TeamFactory(organisation=council, name="Roads"))
        MembershipFactory(
            user=manager,
            team=TeamFactory(organisation=council, name="Disbanded"),
            valid_to=today - timedelta(days=1),
        )
        RoleAssignmentFactory(
            user=manager,
            role=RoleFactory(slug="future", name="Future role"),
            valid_from=today + timedelta(days=1),
        )

        body = api_as(manager, scopes=["identity:read"]).get("/api/v1/me").json()

        assert body["email"] == manager.email
        assert body["organisation"]["slug"] == "kinloch"
        assert [team["name"] for team in body["teams"]] == ["Roads"]
        assert [role["slug"] for role in body["roles"]] == ["team-admin"]
        assert body["token_scopes"] == ["identity:read"]


class TestTeams:
    def test_creating_a_rapid_response_team_audits_and_emits_an_event(self, api, manager):
        response = api.post(
            "/api/v1/teams",
            {
                "name": "Storm Gerrit response",
                "kind": "rapid_response",
                "starts_on": "2026-12-27",
                "ends_on": "2027-01-10",
                "description": "Coastal flooding, Kinloch harbour.",
            },
        )

        assert response.status_code == 201, response.content
        team = Team.objects.get()
        assert (team.organisation, team.slug, team.kind) == (
            manager.organisation,
            "storm-gerrit-response",
            "rapid_response",
        )
        event = OutboxEvent.objects.get()
        assert event.type == "gov.burgh.identity.team.created"
        assert event.subject == f"identity/team/{team.pk}"
        assert event.data["ends_on"] == "2027-01-10"
        assert AuditEntry.objects.filter(
            action="identity.team.created", subject_id=str(team.pk)
        ).exists()

    def test_a_team_can_sit_under_a_parent_in_the_same_organisation(self, api, manager):
        parent = TeamFactory(organisation=manager.organisation, name="Environment")

        response = api.post("/api/v1/teams", {"name": "Waste", "parent": str(parent.pk)})

        assert response.status_code == 201
        assert response.json()["parent"] == str(parent.pk)

    def test_a_parent_elsewhere_is_refused(self, api, unchanged):
        other = TeamFactory(organisation=OrganisationFactory(slug="nhs-kinloch"))

        with unchanged():
            response = api.post("/api/v1/teams", {"name": "Waste", "parent": str(other.pk)})

        body = problem(response, 422)
        assert body["errors"][0]["pointer"] == "#/parent"

    def test_an_unknown_parent_is_a_404_pointing_at_it(self, api, unchanged):
        with unchanged():
            response = api.post(
                "/api/v1/teams",
                {"name": "Waste", "parent": "00000000-0000-4000-8000-000000000000"},
            )

        body = problem(response, 404)
        assert body["errors"][0]["pointer"] == "#/parent"

    def test_a_change_is_audited_with_before_and_after_and_emits_an_event(self, api, manager):
        team = TeamFactory(organisation=manager.organisation, name="Libraries")

        api.patch(
            f"/api/v1/teams/{team.pk}",
            {"name": "Libraries and archives", "description": "Incl. the Kinloch archive."},
            headers={"If-Match": '"1"'},
        )

        entry = AuditEntry.objects.get(action="identity.team.updated")
        assert entry.detail["name"] == {"from": "Libraries", "to": "Libraries and archives"}
        event = OutboxEvent.objects.get(type="gov.burgh.identity.team.updated")
        assert event.data["changed"] == ["description", "name"]
        assert event.data["version"] == 2

    def test_a_manager_cannot_change_another_organisations_team(self, api, unchanged):
        other = TeamFactory(organisation=OrganisationFactory(slug="nhs-kinloch"))

        with unchanged():
            response = api.patch(
                f"/api/v1/teams/{other.pk}", {"name": "Mine now"}, headers={"If-Match": '"1"'}
            )

        problem(response, 403)

    def test_a_role_that_has_lapsed_no_longer_lets_someone_manage_teams(
        self, api, manager, unchanged
    ):
        manager.role_assignments.update(valid_to=timezone.localdate() - timedelta(days=1))

        with unchanged():
            response = api.post("/api/v1/teams", {"name": "Parks"})

        problem(response, 403)
