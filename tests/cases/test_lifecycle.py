"""A case's life: transitions, the clock pausing, closing, reopening, editing, merging."""

from datetime import timedelta

import pytest

from burgh.cases import services
from burgh.cases.models import Case, CaseNote
from burgh.cases.services import CaseClosedError, IntakeRequest, InvalidTransitionError
from burgh.core.errors import ConflictError, InvalidInputError, StaleVersionError
from burgh.core.models import OutboxEvent
from tests.cases.setting import ROAD_UPRN


@pytest.fixture
def case(cases):
    request = IntakeRequest(
        case_type="pothole", channel="staff", data={"depth": "under-40mm"}, uprn=ROAD_UPRN
    )
    found = services.intake(cases.adviser, request).case
    services.allocate_case(cases.roads_leader, found.pk, cases.inspector)
    return found


def test_a_status_change_follows_the_case_types_transitions(cases, case):
    services.change_status(cases.inspector, case.pk, "inspection", note="Booked for Monday")

    case.refresh_from_db()
    assert case.status == "inspection"
    entry = case.chronology.filter(kind="status").get()
    assert entry.summary == "Status changed from Reported to Awaiting inspection: Booked for Monday"
    event = OutboxEvent.objects.get(type="gov.burgh.cases.case.status_changed")
    assert event.data["from"] == "reported"
    assert event.data["to"] == "inspection"


def test_an_invalid_transition_says_where_the_case_may_go(cases, case):
    with pytest.raises(InvalidTransitionError) as caught:
        services.change_status(cases.inspector, case.pk, "awaiting-contractor")

    assert "inspection (Awaiting inspection)" in caught.value.errors[0]["detail"]
    case.refresh_from_db()
    assert case.status == "reported"
    assert case.version == 2


def test_a_closed_status_is_reached_only_by_closing(cases, case):
    with pytest.raises(InvalidTransitionError):
        services.change_status(cases.inspector, case.pk, "repaired")


def test_a_paused_status_stops_the_clock_and_resuming_moves_the_deadline(cases, case):
    services.change_status(cases.inspector, case.pk, "inspection")
    case.refresh_from_db()
    due = case.sla_due_at
    services.change_status(cases.inspector, case.pk, "awaiting-contractor")
    paused = Case.objects.get(pk=case.pk)
    assert paused.sla_paused_at is not None
    assert paused.sla_due_at == due
    # Pretend the contractor took two working days.
    Case.objects.filter(pk=case.pk).update(sla_paused_at=paused.sla_paused_at - timedelta(days=4))

    services.change_status(cases.inspector, case.pk, "inspection")

    resumed = Case.objects.get(pk=case.pk)
    assert resumed.sla_paused_at is None
    assert resumed.sla_due_at > due


def test_closing_needs_one_of_the_types_outcomes(cases, case):
    with pytest.raises(InvalidInputError) as caught:
        services.close_case(cases.inspector, case.pk, "fixed-it")
    services.close_case(cases.inspector, case.pk, "repaired", note="Patched")

    assert "repaired (Repaired)" in caught.value.errors[0]["detail"]
    case.refresh_from_db()
    assert case.stage == "closed"
    assert case.status == "repaired"
    assert case.closed_at
    assert case.chronology.filter(kind="closed", significant=True).exists()
    assert OutboxEvent.objects.filter(type="gov.burgh.cases.case.closed").exists()


def test_a_closed_case_takes_no_more_work_until_reopened(cases, case):
    services.close_case(cases.inspector, case.pk, "repaired")

    with pytest.raises(CaseClosedError):
        services.change_status(cases.inspector, case.pk, "inspection")
    services.reopen_case(cases.inspector, case.pk, "The patch failed")

    case.refresh_from_db()
    assert case.stage == "open"
    assert case.outcome == ""
    assert case.closed_at is None
    assert case.chronology.filter(kind="reopened").get().summary == "Reopened: The patch failed"


def test_two_editors_of_one_case_never_lose_each_others_change(cases, case):
    read_by_both = Case.objects.get(pk=case.pk).version

    services.update_details(
        cases.inspector, case.pk, {"title": "Pothole by the school"}, expected_version=read_by_both
    )
    with pytest.raises(StaleVersionError):
        services.update_details(
            cases.roads_leader, case.pk, {"priority": 1}, expected_version=read_by_both
        )

    case.refresh_from_db()
    assert case.title == "Pothole by the school"
    assert case.priority == 3


def test_details_are_checked_against_the_form(cases, case):
    with pytest.raises(InvalidInputError) as caught:
        services.update_details(
            cases.inspector,
            case.pk,
            {"data": {"depth": "deep"}},
            expected_version=Case.objects.get(pk=case.pk).version,
        )

    assert caught.value.errors[0]["pointer"] == "#/data/depth"


def test_merging_moves_the_work_and_undo_puts_it_back(cases, case):
    duplicate = services.intake(
        cases.adviser,
        IntakeRequest(
            case_type="pothole", channel="staff", data={"depth": "under-40mm"}, uprn=ROAD_UPRN
        ),
    ).case
    note = services.add_note(cases.roads_leader, duplicate.pk, "Caller says it is getting worse")

    merge = services.merge_cases(cases.roads_leader, duplicate.pk, case.pk, reason="Same hole")

    duplicate.refresh_from_db()
    assert duplicate.merged_into == case
    assert duplicate.stage == "closed"
    assert CaseNote.objects.get(pk=note.pk).case_id == case.pk
    with pytest.raises(ConflictError):
        services.add_note(cases.roads_leader, duplicate.pk, "Too late")

    services.undo_merge(cases.roads_leader, merge.pk, reason="Different holes after all")

    duplicate.refresh_from_db()
    assert duplicate.merged_into is None
    assert duplicate.stage == "open"
    assert CaseNote.objects.get(pk=note.pk).case_id == duplicate.pk
    with pytest.raises(ConflictError):
        services.undo_merge(cases.roads_leader, merge.pk, reason="Again")


def test_links_and_parents(cases, case):
    other = services.intake(
        cases.adviser,
        IntakeRequest(
            case_type="pothole", channel="staff", data={"depth": "under-40mm"}, uprn=ROAD_UPRN
        ),
    ).case

    services.link_cases(cases.roads_leader, case.pk, other.pk, note="Same road")
    services.set_parent(cases.roads_leader, other.pk, case.pk)

    with pytest.raises(ConflictError):
        services.link_cases(cases.roads_leader, other.pk, case.pk)
    with pytest.raises(InvalidInputError):
        services.set_parent(cases.roads_leader, case.pk, other.pk)
    assert list(case.children.all()) == [other]
