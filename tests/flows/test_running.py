"""A case's process runs from intake: its user tasks wait on the case and in the team's queue,
completing one moves it on through decision tables and Burgh's actions, each step on the
chronology; a step that fails stops the process there, saying where and why."""

import pytest

from burgh.cases.models import CaseTask, ChronologyEntry
from burgh.core.errors import ConflictError, InvalidInputError
from burgh.core.models import AuditEntry
from burgh.flows import services
from burgh.flows.models import DecisionRecord, ProcessInstance, ProcessTask
from burgh.identity.policy import RecordNotFoundError
from tests.flows.conftest import deploy_broken_pothole, file, report

pytestmark = pytest.mark.django_db


def _summaries(case):
    return list(
        ChronologyEntry.objects.filter(case=case, kind="flow")
        .order_by("id")
        .values_list("summary", flat=True)
    )


def test_a_logged_case_starts_its_process_and_waits_for_the_inspection(roads):
    case = report(roads)
    instance = ProcessInstance.objects.get(case=case)
    assert instance.status == "running"
    assert (instance.definition.key, instance.definition.number) == ("pothole", 1)
    [step] = ProcessTask.objects.filter(case=case)
    assert (step.name, step.status, step.team) == ("Inspect the pothole", "open", roads.roads)
    assert [field["name"] for field in step.form] == ["severity", "depth_mm"]
    assert _summaries(case) == [
        "Process flow Pothole repair (version 1) started",
        "Waiting for Roads Maintenance: Inspect the pothole",
    ]


def test_completing_the_inspection_decides_orders_the_repair_and_finishes(roads):
    case = report(roads)
    step = ProcessTask.objects.get(case=case)
    services.complete_task(roads.inspector, step.pk, {"severity": "serious", "depth_mm": "45"})

    step.refresh_from_db()
    assert (step.status, step.completed_by, step.answers) == (
        "done",
        roads.inspector,
        {"severity": "serious", "depth_mm": 45},
    )
    record = DecisionRecord.objects.get(case=case)
    assert record.decision == "pothole_priority"
    assert record.inputs == {"Severity": "serious", "Depth (mm)": 45}
    assert [rule["id"] for rule in record.rules] == ["serious_deep"]
    assert record.outputs == {"repair_days": 1}
    works = CaseTask.objects.get(case=case)
    assert works.title == "Works order: serious pothole"
    assert works.created_by is None
    assert works.team == roads.roads
    assert works.due_on is not None
    instance = ProcessInstance.objects.get(case=case)
    assert instance.status == "completed"
    assert instance.ended_at is not None
    said = _summaries(case)
    assert (
        said[2] == "Done: Inspect the pothole (How bad is it?: Serious; Depth in millimetres: 45)"
    )
    assert said[3].startswith("Decided Decide the repair priority: repair_days = 1 (rule row 1")
    assert said[-1] == "Pothole repair finished"
    task_line = ChronologyEntry.objects.get(case=case, kind="task")
    assert task_line.actor is None
    assert task_line.actor_label == "Process flow Pothole repair (version 1)"
    assert AuditEntry.objects.filter(
        action="cases.case.task_added", actor_label="Process flow Pothole repair (version 1)"
    ).exists()


def test_no_repair_needed_takes_the_other_branch(roads):
    case = report(roads)
    step = ProcessTask.objects.get(case=case)
    services.complete_task(roads.inspector, step.pk, {"severity": "none", "depth_mm": "0"})
    assert not CaseTask.objects.filter(case=case).exists()
    assert ProcessInstance.objects.get(case=case).status == "completed"


def test_wrong_answers_are_refused_each_with_its_field_and_nothing_moves(roads):
    case = report(roads)
    step = ProcessTask.objects.get(case=case)
    with pytest.raises(InvalidInputError) as refused:
        services.complete_task(roads.inspector, step.pk, {"severity": "awful", "depth_mm": "deep"})
    assert {e["pointer"] for e in refused.value.errors} == {"#/severity", "#/depth_mm"}
    step.refresh_from_db()
    assert step.status == "open"
    assert ProcessInstance.objects.get(case=case).status == "running"


def test_a_step_is_done_once(roads):
    case = report(roads)
    step = ProcessTask.objects.get(case=case)
    services.complete_task(roads.inspector, step.pk, {"severity": "minor", "depth_mm": "10"})
    with pytest.raises(ConflictError, match="already done"):
        services.complete_task(roads.inspector, step.pk, {"severity": "minor", "depth_mm": "10"})


def test_a_worker_who_may_not_change_the_case_cannot_do_its_steps(roads):
    case = report(roads)
    step = ProcessTask.objects.get(case=case)
    with pytest.raises(RecordNotFoundError, match="you cannot see it"):
        services.complete_task(roads.social_worker, step.pk, {"severity": "minor"})
    step.refresh_from_db()
    assert step.status == "open"


def test_a_failing_action_stops_the_process_and_says_where_and_why(roads, analyst):
    deploy_broken_pothole(analyst)
    case = report(roads)
    step = ProcessTask.objects.get(case=case)
    services.complete_task(roads.inspector, step.pk, {"severity": "serious", "depth_mm": "45"})
    instance = ProcessInstance.objects.get(case=case)
    assert instance.status == "failed"
    assert instance.failure.startswith("order: ")
    assert not CaseTask.objects.filter(case=case).exists()
    assert _summaries(case)[-1].startswith("The process stopped at Raise a works order:")
    # The step the worker did stays done: their work is not lost.
    step.refresh_from_db()
    assert step.status == "done"


def test_a_stopped_process_goes_on_once_mended_keeping_the_workers_answers(roads, analyst):
    from burgh.flows.services import migration

    deploy_broken_pothole(analyst)
    case = report(roads)
    step = ProcessTask.objects.get(case=case)
    services.complete_task(roads.inspector, step.pk, {"severity": "serious", "depth_mm": "45"})
    assert ProcessInstance.objects.get(case=case).status == "failed"
    # The analyst mends it (version 3) and moves the stopped case there: it goes on with the
    # inspector's answers, not asking for them again.
    services.deploy_definitions(analyst, [file("pothole.bpmn")], source="page")
    moved = migration.migrate(analyst, "pothole", 2, 3)
    assert len(moved.movable) == 1
    instance = ProcessInstance.objects.get(case=case)
    assert (instance.status, instance.definition.number) == ("completed", 3)
    assert CaseTask.objects.get(case=case).title == "Works order: serious pothole"
    assert ProcessTask.objects.filter(case=case).count() == 1


def test_a_step_done_again_gives_the_process_its_blank_answers_as_none(roads, analyst):
    from burgh.flows.services import migration

    deploy_broken_pothole(analyst)
    case = report(roads)
    step = ProcessTask.objects.get(case=case)
    # How bad it is, left blank: the gateway reads it as None and the works order fails.
    services.complete_task(roads.inspector, step.pk, {"depth_mm": "45"})
    assert ProcessInstance.objects.get(case=case).failure.startswith("order: ")
    services.deploy_definitions(analyst, [file("pothole.bpmn")], source="page")
    migration.migrate(analyst, "pothole", 2, 3)
    # Done again on version 3, the step passes the gateway as it did the first time (the
    # severity still None, not missing) and stops at the order, whose title needs it.
    instance = ProcessInstance.objects.get(case=case)
    assert (instance.status, instance.definition.number) == ("failed", 3)
    assert instance.failure.startswith("order: ")


def test_a_leader_sets_a_stopped_process_going_again_from_the_case_page(roads):
    from tests.clients import page_client

    case = report(roads)
    instance = ProcessInstance.objects.get(case=case)
    instance.status, instance.failure = "failed", "order: the case was not in a fit state"
    instance.save()
    page = page_client(roads.roads_leader).get(f"/cases/{case.pk}/").content.decode()
    assert "Set the process going again" in page
    assert (
        "Set the process going again"
        not in page_client(roads.inspector).get(f"/cases/{case.pk}/").content.decode()
    )
    answer = page_client(roads.roads_leader).post(f"/flows/cases/{case.pk}/retry/", follow=True)
    assert "The process is going again." in answer.content.decode()
    assert ProcessInstance.objects.get(case=case).status == "running"
    refused = page_client(roads.inspector).post(f"/flows/cases/{case.pk}/retry/", follow=True)
    assert "Only an administrator of process flows or the team" in refused.content.decode()
