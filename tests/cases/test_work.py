"""The work on a case: notes with history, tasks, decisions with two people, warnings."""

import pytest

from burgh.cases import services
from burgh.cases.models import CaseDecision, CaseNoteRevision, PersonFlag
from burgh.cases.services import IntakeRequest
from burgh.core.errors import (
    ConflictError,
    InvalidInputError,
    PermissionDeniedError,
    StaleVersionError,
)
from burgh.core.models import OutboxEvent


@pytest.fixture
def referral(cases):
    request = IntakeRequest(
        case_type="child-protection-referral",
        channel="staff",
        data={"concern": "Bruising noticed at school"},
        subject_person_id=cases.morag.pk,
    )
    case = services.intake(cases.adviser, request).case
    services.allocate_case(cases.children_leader, case.pk, cases.social_worker)
    return case


def test_a_note_lands_on_the_chronology_and_is_announced(cases, referral):
    note = services.add_note(
        cases.social_worker,
        referral.pk,
        "Spoke to the head teacher.\nMore to follow.",
        kind="phone",
        contact_with="Head teacher",
    )

    entry = referral.chronology.get(kind="contact")
    assert entry.summary == "Phone call with Head teacher: Spoke to the head teacher."
    assert entry.ref_id == str(note.pk)
    assert OutboxEvent.objects.get(type="gov.burgh.cases.case.note_added").data["note"] == str(
        note.pk
    )


def test_editing_a_note_keeps_what_it_said(cases, referral):
    note = services.add_note(cases.social_worker, referral.pk, "First version")

    services.edit_note(cases.social_worker, note.pk, "Second version", expected_version=1)

    with pytest.raises(StaleVersionError):
        services.edit_note(cases.social_worker, note.pk, "Third", expected_version=1)
    with pytest.raises(PermissionDeniedError):
        services.edit_note(cases.children_leader, note.pk, "Not mine", expected_version=2)
    note.refresh_from_db()
    assert note.body == "Second version"
    assert list(CaseNoteRevision.objects.values_list("body", flat=True)) == ["First version"]


def test_tasks_have_owners_and_are_finished_once(cases, referral):
    task = services.add_task(
        cases.social_worker, referral.pk, "Visit the family", owner=cases.social_worker
    )

    services.finish_task(cases.social_worker, task.pk, note="Visited")

    with pytest.raises(ConflictError):
        services.finish_task(cases.social_worker, task.pk)
    assert referral.chronology.filter(kind="task").count() == 2


def test_a_decision_needing_a_manager_waits_for_a_second_person(cases, referral):
    decision = services.record_decision(
        cases.children_leader, referral.pk, "section-decision", "Child protection plan", "Risk"
    )
    assert decision.state == CaseDecision.State.AWAITING

    with pytest.raises(PermissionDeniedError) as caught:
        services.authorise_decision(cases.children_leader, decision.pk, approve=True)
    assert "two-person rule" in caught.value.detail
    with pytest.raises(InvalidInputError):
        services.close_case(cases.social_worker, referral.pk, "no-further-action")


def test_the_second_person_must_lead_the_team(cases, referral):
    decision = services.record_decision(
        cases.social_worker, referral.pk, "section-decision", "Child protection plan", "Risk"
    )

    with pytest.raises(PermissionDeniedError):
        services.authorise_decision(cases.social_worker, decision.pk, approve=True)
    services.authorise_decision(cases.children_leader, decision.pk, approve=True)

    decision.refresh_from_db()
    assert decision.state == "authorised"
    assert decision.decided_by == cases.children_leader
    services.close_case(cases.social_worker, referral.pk, "child-protection-plan")


def test_refusing_a_decision_needs_a_reason(cases, referral):
    decision = services.record_decision(
        cases.social_worker, referral.pk, "section-decision", "No further action", "Low risk"
    )

    with pytest.raises(InvalidInputError):
        services.authorise_decision(cases.children_leader, decision.pk, approve=False)
    services.authorise_decision(
        cases.children_leader, decision.pk, approve=False, note="Speak to the school first"
    )

    assert referral.chronology.filter(summary__startswith="Decision not authorised").exists()


def test_a_decision_of_an_unknown_kind_lists_the_known_ones(cases, referral):
    with pytest.raises(InvalidInputError) as caught:
        services.record_decision(cases.social_worker, referral.pk, "guess", "x", "y")

    assert "section-decision (Section decision)" in caught.value.errors[0]["detail"]


def test_a_warning_flag_is_in_force_until_removed_with_a_reason(cases, referral):
    flag = services.raise_flag(
        cases.social_worker,
        cases.morag.pk,
        "lone_worker",
        "Dog on the premises; visit in pairs",
        case_id=referral.pk,
    )

    assert [f.pk for f in services.live_flags([cases.morag.pk])] == [flag.pk]
    services.remove_flag(cases.social_worker, flag.pk, "The family moved")
    assert services.live_flags([cases.morag.pk]) == []
    assert PersonFlag.objects.get(pk=flag.pk).removal_reason == "The family moved"


def test_people_on_a_case_are_from_the_index_or_named(cases, referral):
    services.add_party(
        cases.social_worker,
        referral.pk,
        "professional",
        name="Dr Ross",
        organisation="NHS Highland",
    )

    with pytest.raises(InvalidInputError):
        services.add_party(cases.social_worker, referral.pk, "carer")
    with pytest.raises(ConflictError):
        services.add_party(cases.social_worker, referral.pk, "subject", person_id=cases.morag.pk)
