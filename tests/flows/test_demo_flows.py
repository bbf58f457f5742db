"""The demo council's five process flows, as deployed with the demo, run through their
branches on cases of their case types: missed bin, pothole (inspection, then a works order),
child protection referral (screening within 24 hours, a strategy discussion, a section
decision a manager authorises), adult social care assessment and subject access request (a
calendar month, extendable by two with a manager's authorisation)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from burgh.cases import services as cases
from burgh.cases.models import Case, CaseDecision, CaseTask
from burgh.core.models import OutboxEvent
from burgh.demo.cases import case_type_definitions, deploy_demo_flows
from burgh.flows import services
from burgh.flows.models import DecisionRecord, ProcessInstance, ProcessTask
from burgh.identity.models import Membership
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    RoleAssignmentFactory,
    RoleFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
BOUND = {
    "missed-bin": "missed_bin",
    "pothole": "pothole",
    "child-protection-referral": "child_protection",
    "adult-social-care-referral": "adult_social_care",
    "subject-access-request": "subject_access_request",
}
WORK = ["cases.view_case", "cases.update_case", "cases.authorise_decisions"]


@pytest.fixture
def demo():
    """The five bound case types with their demo teams, each team with a leader."""
    council = OrganisationFactory(name="Kinloch Council", slug="kinloch", kind="council")
    deploy_demo_flows()
    types, leaders = {}, {}
    for definition in case_type_definitions():
        if definition["code"] not in BOUND:
            continue
        slug = definition["default_team"].split("/")[1]
        team = TeamFactory(organisation=council, name=slug.replace("-", " ").title(), slug=slug)
        leader = UserFactory(organisation=council, full_name=f"Leader of {slug}")
        MembershipFactory(user=leader, team=team, position=Membership.Position.LEADER)
        RoleAssignmentFactory(user=leader, role=RoleFactory(permissions=WORK))
        types[definition["code"]] = cases.save_case_type(None, definition)[0]
        leaders[definition["code"]] = leader
    return types, leaders


def _start(demo, code):
    types, leaders = demo
    case_type = types[code]
    assert case_type.process_key == BOUND[code]
    case = Case.objects.create(
        reference=f"D{Case.objects.count() + 1:07d}",
        case_type=case_type,
        status=case_type.initial_status,
        stage="open",
        title=case_type.name,
        channel="staff",
        team=case_type.default_team,
        received_at=timezone.now(),
    )
    services.start_for_case(case)
    return case, leaders[code]


def _do(case, who, name, **answers):
    [step] = ProcessTask.objects.filter(case=case, status="open", name=name)
    services.complete_task(who, step.pk, answers)


def _status(case):
    case.refresh_from_db()
    return case.status


def _instance(case):
    return ProcessInstance.objects.get(case=case)


def test_missed_bin_books_a_return_when_the_crew_missed_it(demo):
    case, leader = _start(demo, "missed-bin")
    assert _status(case) == "checking"
    _do(case, leader, "Check the crew's report", missed_by_crew="yes", crew_note="Blocked lane")
    assert _status(case) == "return-booked"
    assert CaseTask.objects.get(case=case).title == f"Return collection for {case.reference}"
    assert _instance(case).status == "completed"


def test_pothole_is_inspected_then_a_works_order_raised(demo):
    case, leader = _start(demo, "pothole")
    assert (_status(case), _instance(case).stage) == ("inspection", "Inspection")
    _do(case, leader, "Inspect the pothole", severity="serious", depth_mm="60")
    assert DecisionRecord.objects.get(case=case).outputs == {"repair_days": 1}
    assert _status(case) == "repair-ordered"
    assert CaseTask.objects.get(case=case).title == "Works order: serious pothole, 60mm"
    assert _instance(case).stage == "Repair"


def test_child_protection_screening_strategy_and_an_authorised_section_decision(demo):
    case, leader = _start(demo, "child-protection-referral")
    assert (_status(case), _instance(case).stage) == ("screening", "Screening")
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        assert services.sweep_timers() == 1
    assert CaseTask.objects.get(case=case).title.startswith("Screening overdue")
    assert OutboxEvent.objects.filter(type="gov.burgh.flows.screening.overdue").exists()
    _do(case, leader, "Screen the referral", substantiated="yes", screening_note="Bruising")
    assert (_status(case), _instance(case).stage) == ("ird", "Strategy discussion")
    _do(case, leader, "Hold the strategy discussion (IRD)", attendees="Police", agreed="S47")
    _do(case, leader, "Propose the section decision", decision="Section 47", reasons="Risk")
    first = CaseDecision.objects.get(case=case)
    assert (first.kind, first.state, _instance(case).stage) == (
        "section-decision",
        "awaiting",
        "Decision",
    )
    cases.authorise_decision(leader, first.pk, approve=False, note="Need more detail")
    # Refused: the decision goes back to be proposed again.
    _do(case, leader, "Propose the section decision", decision="Section 47", reasons="More")
    second = CaseDecision.objects.exclude(pk=first.pk).get(case=case)
    cases.authorise_decision(leader, second.pk, approve=True)
    assert _instance(case).status == "completed"


def test_adult_social_care_assessment_and_eligibility(demo):
    case, leader = _start(demo, "adult-social-care-referral")
    _do(case, leader, "Screen the referral", risk_of_harm="no")
    assert _status(case) == "assessment"
    _do(case, leader, "Assess the adult's needs", need_level="critical")
    record = DecisionRecord.objects.get(case=case)
    assert (record.decision, record.outputs) == ("care_eligibility", {"eligible": True})
    assert _status(case) == "support-planning"
    _do(case, leader, "Agree the support plan", support_plan="Care at home, twice daily")
    assert _instance(case).status == "completed"
    other, _ = _start(demo, "adult-social-care-referral")
    _do(other, leader, "Screen the referral", risk_of_harm="yes")
    assert _status(other) == "asp-inquiry"
    _do(other, leader, "Make the adult support and protection inquiry", inquiry_findings="Safe")
    _do(other, leader, "Assess the adult's needs", need_level="low")
    assert CaseTask.objects.get(case=other).title == "Send information on community support"
    assert _instance(other).status == "completed"


def test_subject_access_request_has_a_month_or_three_with_an_extension(demo):
    case, leader = _start(demo, "subject-access-request")
    _do(case, leader, "Check the requester's identity", identity_confirmed="yes")
    assert _status(case) == "searching"
    _do(case, leader, "Scope the search", complex_request="no")
    [respond] = ProcessTask.objects.filter(case=case, status="open")
    assert respond.due_at - timezone.now() > timedelta(days=27)
    assert respond.due_at - timezone.now() < timedelta(days=32)
    extended, _ = _start(demo, "subject-access-request")
    _do(extended, leader, "Check the requester's identity", identity_confirmed="yes")
    _do(extended, leader, "Scope the search", complex_request="yes")
    _do(extended, leader, "Give the reason to extend", complexity_reason="Years")
    decision = CaseDecision.objects.get(case=extended)
    assert (decision.kind, decision.reasons) == ("extension", "Years")
    cases.authorise_decision(leader, decision.pk, approve=True)
    [longer] = ProcessTask.objects.filter(case=extended, status="open")
    assert longer.name == "Gather, redact and send the records (extended)"
    assert longer.due_at - timezone.now() > timedelta(days=88)
