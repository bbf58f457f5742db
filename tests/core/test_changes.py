"""A change is audited and announced under names derived from the record, in one transaction."""

from unittest import mock

import pytest

from burgh.core.changes import record_change
from burgh.core.models import AuditEntry, OutboxEvent
from burgh.identity.services.organisation import ensure_team
from burgh.identity.services.teams import create_team
from tests.factories import MembershipFactory, RoleAssignmentFactory, RoleFactory, TeamFactory


@pytest.fixture(autouse=True)
def _pending_events():
    with mock.patch("burgh.core.events._wake_relay"):
        yield


@pytest.mark.django_db
def test_names_and_subject_follow_the_record(staff_user):
    team = TeamFactory(organisation=staff_user.organisation)
    record_change(team, "renamed", {"name": "Gritting"}, actor=staff_user)
    entry = AuditEntry.objects.get(action="identity.team.renamed")
    assert (entry.subject_type, entry.subject_id) == ("identity.team", str(team.pk))
    assert entry.actor_id == str(staff_user.pk)
    event = OutboxEvent.objects.get(type="gov.burgh.identity.team.renamed")
    assert event.subject == f"identity/team/{team.pk}"
    assert event.data == {"id": str(team.pk), "name": "Gritting"}


@pytest.mark.django_db
def test_a_change_can_join_another_records_stream(staff_user):
    membership = MembershipFactory(user=staff_user)
    record_change(membership, "created", {"position": "member"}, stream=membership.team)
    event = OutboxEvent.objects.get(type="gov.burgh.identity.membership.created")
    assert event.subject == f"identity/team/{membership.team.pk}"
    assert event.data["id"] == str(membership.pk)


@pytest.mark.django_db
def test_new_teams_look_the_same_to_consumers_however_they_were_made(staff_user):
    manager_role = RoleFactory(permissions=["identity.manage_teams"])
    RoleAssignmentFactory(user=staff_user, role=manager_role)
    made_by_staff = create_team(
        by=staff_user, organisation=staff_user.organisation, name="Flood response", kind="team"
    )
    loaded = ensure_team(organisation=staff_user.organisation, name="Winter gritting")
    shapes = [
        set(OutboxEvent.objects.get(subject=f"identity/team/{team.pk}").data)
        for team in (made_by_staff, loaded)
    ]
    assert shapes[0] == shapes[1]
