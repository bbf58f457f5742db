"""Queues and allocation: leaders allocate, workers take the next, capacity is respected."""

import threading

import pytest
from django.db import connection

from burgh.cases import services
from burgh.cases.models import Case, CaseAllocation
from burgh.cases.services import IntakeRequest, OverCapacityError
from burgh.core.errors import InvalidInputError, PermissionDeniedError
from burgh.core.models import OutboxEvent
from burgh.identity import policy
from burgh.staff.models import StaffCapacity
from tests.cases.setting import ROAD_UPRN


def log_pothole(cases, depth="under-40mm"):
    request = IntakeRequest(
        case_type="pothole", channel="staff", data={"depth": depth}, uprn=ROAD_UPRN
    )
    return services.intake(cases.adviser, request).case


def test_a_team_leader_allocates_and_the_worker_is_told(cases):
    case = log_pothole(cases)

    services.allocate_case(cases.roads_leader, case.pk, cases.inspector)

    case.refresh_from_db()
    assert case.owner == cases.inspector
    assert case.allocated_at is not None
    event = OutboxEvent.objects.filter(type="gov.burgh.cases.case.allocated").last()
    assert event.data["owner"] == str(cases.inspector.pk)
    assert (
        case.chronology.filter(kind="allocated")
        .last()
        .summary.startswith("Allocated to Iain Inspector")
    )


def test_re_allocation_needs_a_reason(cases):
    case = log_pothole(cases)
    services.allocate_case(cases.roads_leader, case.pk, cases.inspector)

    with pytest.raises(InvalidInputError) as caught:
        services.allocate_case(cases.roads_leader, case.pk, cases.second_inspector)
    services.allocate_case(cases.roads_leader, case.pk, cases.second_inspector, reason="Leave")

    assert caught.value.errors[0]["pointer"] == "#/reason"
    case.refresh_from_db()
    assert case.owner == cases.second_inspector
    assert CaseAllocation.objects.filter(case=case, reason="Leave").exists()


def test_only_a_leader_of_the_cases_team_may_allocate(cases):
    case = log_pothole(cases)

    # Another team's leader cannot see the case at all; the team's own worker can, but may
    # not allocate.
    with pytest.raises(policy.RecordNotFoundError):
        services.allocate_case(cases.children_leader, case.pk, cases.inspector)
    with pytest.raises(PermissionDeniedError):
        services.allocate_case(cases.inspector, case.pk, cases.inspector)

    case.refresh_from_db()
    assert case.owner is None


def test_a_worker_outside_the_team_cannot_be_given_the_case(cases):
    case = log_pothole(cases)

    with pytest.raises(InvalidInputError) as caught:
        services.allocate_case(cases.roads_leader, case.pk, cases.social_worker)

    assert "not a member" in caught.value.errors[0]["detail"]


def test_allocation_stops_at_capacity_unless_the_leader_overrides(cases):
    for _ in range(3):
        services.allocate_case(cases.roads_leader, log_pothole(cases).pk, cases.inspector)
    fourth = log_pothole(cases)

    with pytest.raises(OverCapacityError) as caught:
        services.allocate_case(cases.roads_leader, fourth.pk, cases.inspector)
    services.allocate_case(
        cases.roads_leader, fourth.pk, cases.inspector, allow_over_capacity=True, reason="Cover"
    )

    assert "capacity is 3" in caught.value.detail
    rows = {row["user"]: row for row in services.caseloads(cases.roads)}
    assert rows[cases.inspector]["open"] == 4
    assert rows[cases.inspector]["over"]
    assert rows[cases.second_inspector]["room"] == 3


def test_bulk_allocation_is_all_or_none_with_every_reason(cases):
    waiting = [log_pothole(cases) for _ in range(4)]

    with pytest.raises(InvalidInputError) as caught:
        services.allocate_cases(cases.roads_leader, [c.pk for c in waiting], cases.inspector)

    assert [e["pointer"] for e in caught.value.errors] == ["#/cases/3"]
    assert not Case.objects.filter(owner__isnull=False).exists()
    done = services.allocate_cases(cases.roads_leader, [c.pk for c in waiting[:3]], cases.inspector)
    assert len(done) == 3
    assert Case.objects.filter(owner=cases.inspector).count() == 3


def test_take_next_gives_the_most_urgent_case_first(cases):
    routine = log_pothole(cases)
    urgent = log_pothole(cases, depth="over-40mm")

    first = services.take_next(cases.inspector, cases.roads)
    second = services.take_next(cases.second_inspector, cases.roads)

    assert (first.pk, second.pk) == (urgent.pk, routine.pk)
    assert services.take_next(cases.inspector, cases.roads) is None


def test_take_next_is_for_members_of_the_team(cases):
    log_pothole(cases)

    with pytest.raises(PermissionDeniedError):
        services.take_next(cases.social_worker, cases.roads)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_no_case_is_handed_out_twice_under_concurrent_take_next(cases):
    waiting = [log_pothole(cases) for _ in range(3)]
    StaffCapacity.objects.update(caseload_capacity=50)
    got: list = []
    barrier = threading.Barrier(6)

    def worker(user):
        barrier.wait()
        try:
            case = services.take_next(user, cases.roads)
            got.append(case.pk if case else None)
        finally:
            connection.close()

    users = [cases.inspector, cases.second_inspector] * 3
    threads = [threading.Thread(target=worker, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    taken = [pk for pk in got if pk is not None]
    assert sorted(map(str, taken)) == sorted(str(c.pk) for c in waiting)
    assert got.count(None) == 3
