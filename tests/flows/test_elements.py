"""Every element a process may use, run from modeller-shaped files: timers (boundary, non-
interrupting, and intermediate), parallel, inclusive and event-based gateways, a script task,
a call activity whose process throws an error or an escalation, a parallel multi-instance
user task, messages (a manager's authorisation, another system's reply) and signals."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from burgh.cases import services as cases
from burgh.cases.models import CaseDecision, CaseTask, ChronologyEntry
from burgh.cases.services import IntakeRequest
from burgh.core.models import OutboxEvent
from burgh.flows import services
from burgh.flows.models import ProcessInstance, ProcessTask
from tests.cases.setting import child_protection_definition, make_setting, pothole_definition
from tests.flows.conftest import file

pytestmark = pytest.mark.django_db
ROAD = "134000000002"


@pytest.fixture
def council(analyst):
    setting = make_setting()
    files = ["screening.bpmn", "assessment.bpmn", "eligibility.bpmn"]
    services.deploy_definitions(analyst, [file(name) for name in files], source="page")
    cases.save_case_type(
        None, child_protection_definition("kinloch/children-north", process="screening")
    )
    cases.save_case_type(
        None, pothole_definition("kinloch/roads-maintenance", process="assessment")
    )
    return setting


def _process(key: str, body: str, *, before: str = "") -> str:
    """A BPMN file of one process as a modeller saves it: `body` its elements, `before` what
    the definitions declare ahead of it (messages)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="x">'
        f'{before}<bpmn:process id="{key}" isExecutable="true">{body}</bpmn:process>'
        "</bpmn:definitions>"
    )


def _action(element: str, topic: str, **inputs: str) -> str:
    """A service task running one of Burgh's actions with `inputs` (expressions)."""
    given = "".join(
        f'<camunda:inputParameter name="{name}">{text}</camunda:inputParameter>'
        for name, text in inputs.items()
    )
    return (
        f'<bpmn:serviceTask id="{element}" camunda:type="external" camunda:topic="{topic}">'
        f"<bpmn:extensionElements><camunda:inputOutput>{given}</camunda:inputOutput>"
        "</bpmn:extensionElements></bpmn:serviceTask>"
    )


def _open(case, name=None):
    steps = ProcessTask.objects.filter(case=case, status="open")
    return [s for s in steps if name is None or s.name == name]


def _instance(case):
    return ProcessInstance.objects.get(case=case)


def _flow_lines(case):
    return list(
        ChronologyEntry.objects.filter(case=case, kind="flow").values_list("summary", flat=True)
    )


class TestScreening:
    def _refer(self, council):
        request = IntakeRequest(
            case_type="child-protection-referral",
            channel="staff",
            data={"concern": "Bruising seen at school"},
            subject_person_id=council.morag.pk,
        )
        return cases.intake(council.children_leader, request).case

    def test_a_referral_waits_for_screening_due_in_24_hours(self, council):
        case = self._refer(council)
        [screen] = _open(case)
        assert (screen.name, screen.team) == ("Screen the referral", council.children)
        due = screen.due_at - timezone.now()
        assert timedelta(hours=23, minutes=59) < due <= timedelta(hours=24)
        instance = _instance(case)
        assert instance.stage == "Screening"
        assert instance.next_timer_at == pytest.approx(screen.due_at, abs=timedelta(seconds=5))

    def test_the_overdue_timer_escalates_and_leaves_the_screening_open(self, council):
        case = self._refer(council)
        assert services.sweep_timers() == 0
        with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
            assert services.sweep_timers() == 1
            assert services.sweep_timers() == 0
        assert OutboxEvent.objects.filter(type="gov.burgh.flows.screening.overdue").count() == 1
        assert "Timer fell due: 24 hours passed" in _flow_lines(case)
        assert [s.name for s in _open(case)] == ["Screen the referral"]
        assert _instance(case).next_timer_at is None

    def test_screening_a_strategy_discussion_and_an_authorised_decision(self, council):
        case = self._refer(council)
        [screen] = _open(case)
        services.complete_task(council.social_worker, screen.pk, {"substantiated": "yes"})
        [strategy] = _open(case)
        assert strategy.name == "Hold a strategy discussion"
        instance = _instance(case)
        assert instance.stage == "Strategy discussion"
        services.complete_task(council.social_worker, strategy.pk, {"attendees": "Police, GP"})
        instance = _instance(case)
        assert instance.stage == "Decision"
        assert instance.waiting_for == ["message:decision_authorised"]
        decision = CaseDecision.objects.get(case=case)
        assert (decision.state, decision.proposed_by) == ("awaiting", None)
        cases.authorise_decision(council.children_leader, decision.pk, approve=True)
        instance = _instance(case)
        assert instance.status == "completed"
        assert _flow_lines(case)[-2:] == [
            "Message received: decision_authorised",
            "Child protection screening finished",
        ]

    def test_an_unsubstantiated_concern_ends_there(self, council):
        case = self._refer(council)
        [screen] = _open(case)
        services.complete_task(council.social_worker, screen.pk, {"substantiated": "no"})
        assert _instance(case).status == "completed"
        assert not CaseDecision.objects.filter(case=case).exists()


class TestAssessment:
    def _start(self, council, **answers):
        request = IntakeRequest(
            case_type="pothole", channel="staff", data={"depth": "over-40mm"}, uprn=ROAD
        )
        case = cases.intake(council.adviser, request).case
        [what] = _open(case)
        services.complete_task(council.inspector, what.pk, answers)
        return case

    def test_inclusive_gateway_takes_each_branch_whose_condition_holds(self, council):
        case = self._start(council, care="yes", equipment="no", income="1000")
        assert list(CaseTask.objects.filter(case=case).values_list("title", flat=True)) == [
            "Arrange care at home"
        ]
        both = self._start(council, care="yes", equipment="yes", income="1000")
        titles = set(CaseTask.objects.filter(case=both).values_list("title", flat=True))
        assert titles == {"Arrange care at home", "Order equipment"}

    def test_a_multi_instance_task_opens_one_step_per_item_at_once(self, council):
        case = self._start(council, care="no", equipment="no", income="1000")
        views = _open(case, "Gather a view")
        assert len(views) == 2
        services.complete_task(council.inspector, views[0].pk, {"view": "Frail"})
        assert len(_open(case, "Gather a view")) == 1
        services.complete_task(council.inspector, views[1].pk, {"view": "Needs help"})
        assert _instance(case).waiting_for == ["message:reply"]

    def _past_the_views(self, council, income):
        case = self._start(council, care="no", equipment="no", income=str(income))
        for step in _open(case, "Gather a view"):
            services.complete_task(council.inspector, step.pk, {"view": "Seen"})
        return case

    def test_an_error_in_the_called_process_is_caught_on_the_call(self, council):
        case = self._past_the_views(council, 40_000)
        instance = _instance(case)
        assert instance.status == "completed"
        assert not OutboxEvent.objects.filter(type="gov.burgh.flows.assessment.escalated").exists()

    def test_an_escalation_is_noted_and_the_process_goes_on(self, council):
        case = self._past_the_views(council, 25_000)
        assert OutboxEvent.objects.filter(type="gov.burgh.flows.assessment.escalated").count() == 1
        assert _instance(case).status == "running"

    def test_a_reply_a_signal_and_a_timer_carry_it_to_the_end(self, council):
        case = self._past_the_views(council, 1_000)
        assert not services.deliver_message(case.pk, "something else")
        assert services.deliver_message(case.pk, "reply", {"answer": "agreed"})
        assert _instance(case).waiting_for == ["signal:services_resume"]
        assert services.broadcast_signal("services_resume") == 1
        instance = _instance(case)
        assert instance.status == "running"
        assert instance.next_timer_at is not None
        with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
            assert services.sweep_timers() == 1
        assert _instance(case).status == "completed"

    def test_the_event_based_gateway_takes_the_timer_when_no_reply_comes(self, council):
        case = self._past_the_views(council, 1_000)
        with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
            assert services.sweep_timers() == 1
        instance = _instance(case)
        assert instance.status == "completed"
        assert instance.waiting_for == []
        assert "Timer fell due: A week" in _flow_lines(case)


class TestFromOutside:
    """Another system wakes a case's process through the API; another case through an action."""

    def test_a_message_and_a_signal_through_the_api(self, council):
        from tests.clients import token_client
        from tests.factories import RoleAssignmentFactory, RoleFactory

        case = TestAssessment()._past_the_views(council, 1_000)
        system = token_client(council.inspector, ["cases:write", "flows:write"])
        url = "/api/v1/flows/messages"
        wrong = system.post(url, {"case_id": str(case.pk), "name": "nonsense"}, "application/json")
        assert wrong.json() == {"taken": 0}
        taken = system.post(url, {"case_id": str(case.pk), "name": "reply"}, "application/json")
        assert taken.json() == {"taken": 1}
        signal = {"name": "services_resume"}
        refused = system.post("/api/v1/flows/signals", signal, "application/json")
        assert refused.status_code == 403
        RoleAssignmentFactory(
            user=council.inspector, role=RoleFactory(permissions=["flows.send_signals"])
        )
        woken = system.post("/api/v1/flows/signals", signal, "application/json")
        assert woken.json() == {"taken": 1}
        outsider = token_client(council.social_worker, ["cases:write"])
        hidden = outsider.post(url, {"case_id": str(case.pk), "name": "reply"}, "application/json")
        assert hidden.status_code == 404

    def test_one_case_wakes_another_with_message_case(
        self, council, analyst, django_capture_on_commit_callbacks
    ):
        waiting = TestAssessment()._past_the_views(council, 1_000)
        sender = _process(
            "sender",
            '<bpmn:startEvent id="s" />'
            + _action("tell", "message_case", case=f'"{waiting.reference}"', name='"reply"')
            + '<bpmn:endEvent id="e" /><bpmn:sequenceFlow id="a" sourceRef="s" targetRef="tell" />'
            '<bpmn:sequenceFlow id="b" sourceRef="tell" targetRef="e" />',
        )
        services.deploy_definitions(analyst, [("sender.bpmn", sender.encode())], source="page")
        cases.save_case_type(
            None, child_protection_definition("kinloch/children-north", process="sender")
        )
        with django_capture_on_commit_callbacks(execute=True):
            TestScreening()._refer(council)
        assert _instance(waiting).waiting_for == ["signal:services_resume"]
        assert "Message received: reply" in _flow_lines(waiting)


def test_the_workers_sweep_fires_process_timers(council):
    from burgh.core import sweeps

    case = TestScreening()._refer(council)
    sweep = sweeps.registered()["flows.timers"]
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        assert sweep() == 1
    assert "Timer fell due: 24 hours passed" in _flow_lines(case)


def test_a_message_taken_by_a_failing_step_is_handed_again_when_set_going(council, analyst):
    waiting = _process(
        "wait_reply",
        '<bpmn:startEvent id="s" /><bpmn:intermediateCatchEvent id="reply">'
        '<bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent>'
        + _action("investigate", "set_status", status='"investigation"')
        + '<bpmn:endEvent id="e" /><bpmn:sequenceFlow id="a" sourceRef="s" targetRef="reply" />'
        '<bpmn:sequenceFlow id="b" sourceRef="reply" targetRef="investigate" />'
        '<bpmn:sequenceFlow id="c" sourceRef="investigate" targetRef="e" />',
        before='<bpmn:message id="m" name="police_reply" />',
    )
    services.deploy_definitions(analyst, [("reply.bpmn", waiting.encode())], source="page")
    cases.save_case_type(
        None, child_protection_definition("kinloch/children-north", process="wait_reply")
    )
    case = TestScreening()._refer(council)
    # Someone moves the case on by hand, so the process's own move is no longer allowed.
    cases.change_status(council.children_leader, case.pk, "investigation")
    assert services.deliver_message(case.pk, "police_reply", {"officer": "PC Ross"})
    instance = _instance(case)
    assert instance.status == "failed"
    assert instance.held == [
        {"kind": "message", "name": "police_reply", "payload": {"officer": "PC Ross"}}
    ]
    cases.change_status(council.children_leader, case.pk, "screening")
    services.retry(council.children_leader, instance.pk)
    instance = _instance(case)
    assert (instance.status, instance.held) == ("completed", [])
    case.refresh_from_db()
    assert case.status == "investigation"
