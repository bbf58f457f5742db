"""The reads allocation will ask of the staff index, and the writes behind them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from burgh.core.errors import InvalidInputError
from burgh.core.models import AuditEntry, OutboxEvent
from burgh.identity.models import Membership, Team
from burgh.identity.permissions import current_memberships
from burgh.identity.services.organisation import add_membership
from burgh.staff.services import (
    InvalidDatesError,
    LineManagementCycleError,
    capacity,
    create_skill,
    current_teams,
    give_skill,
    line_manager,
    reports,
    set_capacity,
    set_line_manager,
    staff_with_skill,
)
from tests.factories import TeamFactory, UserFactory

TODAY = timezone.localdate()


@pytest.fixture
def team(council):
    return TeamFactory(organisation=council, name="Children and families north")


def test_current_teams_respect_membership_and_team_dates(council, team):
    worker = UserFactory(organisation=council)
    ended = TeamFactory(organisation=council, name="Old team")
    future = TeamFactory(organisation=council, name="New team")
    stood_down = TeamFactory(
        organisation=council,
        name="Storm response",
        kind=Team.Kind.RAPID_RESPONSE,
        starts_on=TODAY - timedelta(days=10),
        ends_on=TODAY - timedelta(days=1),
    )
    add_membership(worker, team, valid_from=TODAY - timedelta(days=100))
    add_membership(
        worker, ended, valid_from=TODAY - timedelta(days=100), valid_to=TODAY - timedelta(days=1)
    )
    add_membership(worker, future, valid_from=TODAY + timedelta(days=1))
    add_membership(worker, stood_down)

    assert current_teams(worker) == [team]
    assert current_teams(worker, on=TODAY + timedelta(days=1)) == [team, future]
    assert [m.team for m in current_memberships(worker)] == current_teams(worker)
    assert {t.name for t in current_teams(worker, on=TODAY - timedelta(days=2))} == {
        team.name,
        ended.name,
        stood_down.name,
    }


def test_a_membership_cannot_end_before_it_starts(council, team):
    worker = UserFactory(organisation=council)
    with pytest.raises(InvalidInputError, match="cannot end"):
        add_membership(worker, team, valid_from=TODAY, valid_to=TODAY - timedelta(days=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=worker, team=team, valid_from=TODAY, valid_to=TODAY - timedelta(days=1)
        )


def test_line_manager_changes_over_time(council):
    worker, first, second = (UserFactory(organisation=council) for _ in range(3))
    set_line_manager(worker, first, on=TODAY - timedelta(days=30))
    set_line_manager(worker, second, on=TODAY)

    assert line_manager(worker) == second
    assert line_manager(worker, on=TODAY - timedelta(days=1)) == first
    assert line_manager(worker, on=TODAY - timedelta(days=31)) is None
    assert reports(second) == [worker]
    assert reports(first) == []
    assert OutboxEvent.objects.filter(type="gov.burgh.staff.linemanagement.ended").exists()


def test_nobody_manages_themselves_however_far_up(council):
    a, b, c = (UserFactory(organisation=council) for _ in range(3))
    set_line_manager(b, a)
    set_line_manager(c, b)
    with pytest.raises(LineManagementCycleError):
        set_line_manager(a, c)
    with pytest.raises(LineManagementCycleError):
        set_line_manager(a, a)
    assert line_manager(a) is None


def test_staff_with_skill_in_a_team_on_a_day(council, team):
    gaelic = create_skill(name="Scottish Gaelic", category="Languages")
    speaker, lapsed, learner, elsewhere = (UserFactory(organisation=council) for _ in range(4))
    for person in (speaker, lapsed, learner):
        add_membership(person, team)
    give_skill(speaker, gaelic, level=4)
    give_skill(lapsed, gaelic, level=3, valid_to=TODAY - timedelta(days=1))
    give_skill(learner, gaelic, level=1)
    give_skill(elsewhere, gaelic, level=4)

    assert set(staff_with_skill(gaelic, team)) == {speaker, learner}
    assert staff_with_skill(gaelic, team, min_level=3) == [speaker]
    assert set(staff_with_skill(gaelic)) == {speaker, learner, elsewhere}
    assert set(staff_with_skill(gaelic, team, on=TODAY - timedelta(days=1))) == {
        speaker,
        lapsed,
        learner,
    }
    with pytest.raises(InvalidDatesError):
        give_skill(speaker, gaelic, level=2, valid_from=TODAY, valid_to=TODAY - timedelta(days=3))
    with pytest.raises(InvalidInputError):
        give_skill(speaker, gaelic, level=7)


def test_capacity_is_recorded_and_changed_with_an_audit_trail(council):
    worker = UserFactory(organisation=council)
    assert capacity(worker) is None

    set_capacity(worker, contracted_hours="22.5", caseload_capacity=12)
    set_capacity(worker, contracted_hours=Decimal("28"), caseload_capacity=14)

    held = capacity(worker)
    assert (held.hours, held.caseload_capacity) == ("28", 14)
    assert held.full_time_equivalent == Decimal("0.80")
    assert list(
        AuditEntry.objects.filter(action__startswith="staff.staffcapacity.").values_list(
            "action", flat=True
        )
    ) == ["staff.staffcapacity.created", "staff.staffcapacity.updated"]
    with pytest.raises(InvalidInputError):
        set_capacity(worker, contracted_hours="lots", caseload_capacity=1)
    with pytest.raises(InvalidInputError):
        set_capacity(worker, contracted_hours="80", caseload_capacity=1)
