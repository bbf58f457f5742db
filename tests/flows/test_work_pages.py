"""The process on the pages: the case page's stage bar and steps, a step done on its form
page (with the GOV.UK error summary for wrong answers), the team queue's steps waiting and
the team leader's view of the team's processes."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from burgh.flows import services
from burgh.flows.models import ProcessInstance, ProcessTask
from tests.clients import page_client
from tests.flows.conftest import FILES, deploy_broken_pothole, report

pytestmark = pytest.mark.django_db


def test_the_case_page_shows_the_process_and_its_step(roads):
    case = report(roads)
    page = page_client(roads.inspector).get(f"/cases/{case.pk}/").content.decode()
    assert "Process: Pothole repair" in page
    step = ProcessTask.objects.get(case=case)
    assert f'href="/flows/steps/{step.pk}/"' in page
    assert "Inspect the pothole" in page


def test_a_step_is_done_on_its_form_page_and_the_case_page_shows_it_done(roads):
    case = report(roads)
    step = ProcessTask.objects.get(case=case)
    client = page_client(roads.inspector)
    form = client.get(f"/flows/steps/{step.pk}/").content.decode()
    assert "How bad is it?" in form
    assert 'name="depth_mm"' in form
    wrong = client.post(f"/flows/steps/{step.pk}/", {"depth_mm": "deep", "_version": step.version})
    assert wrong.status_code == 200
    shown = wrong.content.decode()
    assert "There is a problem" in shown
    assert "How bad is it?”" not in shown.split("There is a problem")[1].split("</ul>")[0]
    assert "The depth in millimetres must be a whole number" in shown
    done = client.post(
        f"/flows/steps/{step.pk}/",
        {"severity": "serious", "depth_mm": "45", "_version": step.version},
        follow=True,
    )
    assert "Done: Inspect the pothole." in done.content.decode()
    assert ProcessInstance.objects.get(case=case).status == "completed"


def test_a_stale_form_is_refused_without_losing_the_step(roads):
    case = report(roads)
    step = ProcessTask.objects.get(case=case)
    answer = page_client(roads.inspector).post(
        f"/flows/steps/{step.pk}/",
        {"severity": "minor", "depth_mm": "5", "_version": step.version - 1},
    )
    assert answer.status_code == 200
    assert "Someone else has changed this step" in answer.content.decode()
    step.refresh_from_db()
    assert step.status == "open"


def test_the_step_page_of_a_case_out_of_sight_is_not_found(roads):
    case = report(roads)
    step = ProcessTask.objects.get(case=case)
    assert page_client(roads.social_worker).get(f"/flows/steps/{step.pk}/").status_code == 404


def test_the_team_queue_lists_the_steps_waiting(roads):
    case = report(roads)
    page = page_client(roads.inspector).get(f"/cases/teams/{roads.roads.pk}/").content.decode()
    assert "Process steps waiting (1)" in page
    assert case.reference in page


def test_a_leader_sees_running_stopped_and_overdue(roads, analyst):
    running = report(roads)
    ProcessTask.objects.filter(case=running).update(due_at=timezone.now() - timedelta(hours=1))
    deploy_broken_pothole(analyst)
    stopped = report(roads)
    step = ProcessTask.objects.get(case=stopped)
    services.complete_task(roads.inspector, step.pk, {"severity": "serious", "depth_mm": "50"})
    client = page_client(roads.roads_leader)
    url = f"/flows/teams/{roads.roads.pk}/"
    everything = client.get(url).content.decode()
    assert re.search(r"<strong>Running</strong>\s*\(1\)", everything)
    assert re.search(r"Stopped by an error</a>\s*\(1\)", everything)
    assert running.reference in everything
    failed = client.get(url + "?show=stopped").content.decode()
    assert stopped.reference in failed
    assert "order: " in failed
    late = client.get(url + "?show=overdue-steps").content.decode()
    assert running.reference in late
    assert "Overdue" in late
    assert page_client(roads.inspector).get(url).status_code == 403


def test_a_steps_default_answers_fill_its_page_and_a_blank_optional_answer_is_none(roads, analyst):
    # Version 2: the depth starts at 0; a note for the works team is asked, not required.
    pothole = (FILES / "pothole.bpmn").read_text()
    drawn = '<camunda:formField id="depth_mm" label="Depth in millimetres" type="long"'
    pothole = pothole.replace(drawn, drawn + ' defaultValue="0"').replace(
        "</camunda:formData>",
        '<camunda:formField id="note" label="Note for the works team" type="string" />'
        "</camunda:formData>",
    )
    services.deploy_definitions(analyst, [("pothole.bpmn", pothole.encode())], source="page")
    case = report(roads)
    step = ProcessTask.objects.get(case=case)
    assert step.answers == {"depth_mm": 0}
    client = page_client(roads.inspector)
    page = client.get(f"/flows/steps/{step.pk}/").content.decode()
    assert re.search(r'name="depth_mm"[^>]*value="0"', page)
    assert "Note for the works team" in page

    client.post(
        f"/flows/steps/{step.pk}/",
        {"severity": "serious", "depth_mm": "45", "note": "  ", "_version": step.version},
    )

    step.refresh_from_db()
    assert (step.status, step.answers) == ("done", {"severity": "serious", "depth_mm": 45})
    instance = ProcessInstance.objects.get(case=case)
    assert instance.status == "completed"
    data = json.loads(instance.state)["data"]
    assert (data["severity"], data["depth_mm"], data["note"]) == ("serious", 45, None)
