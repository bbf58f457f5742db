"""Moving running cases between versions: a preview of what moves where, then only the
compatible ones move, each on its case's chronology; a new version alone changes none."""

import pytest

from burgh.cases.models import ChronologyEntry
from burgh.core.errors import PermissionDeniedError
from burgh.flows import services
from burgh.flows.models import ProcessInstance, ProcessTask
from burgh.flows.services import migration
from tests.clients import page_client
from tests.flows.conftest import FILES, report

pytestmark = pytest.mark.django_db


def _deploy(analyst, old, new):
    changed = (FILES / "pothole.bpmn").read_text().replace(old, new)
    services.deploy_definitions(analyst, [("pothole.bpmn", changed.encode())], source="page")


def test_a_new_version_leaves_running_cases_on_theirs(roads, analyst):
    case = report(roads)
    _deploy(analyst, "Inspect the pothole", "Inspect the road")
    assert ProcessInstance.objects.get(case=case).definition.number == 1
    assert ProcessInstance.objects.get(case=report(roads)).definition.number == 2


def test_the_preview_says_what_moves_where_and_moving_changes_the_version(roads, analyst):
    waiting = [report(roads), report(roads)]
    _deploy(analyst, "Inspect the pothole", "Inspect the road")
    found = migration.preview(analyst, "pothole", 1, 2)
    assert [(p.element, p.instances, p.target, p.target_name) for p in found.places] == [
        ("inspect", 2, "inspect", "Inspect the road")
    ]
    assert len(found.movable) == 2
    assert found.stuck == {}
    assert ProcessInstance.objects.filter(definition__number=1).count() == 2  # preview only
    migration.migrate(analyst, "pothole", 1, 2)
    for case in waiting:
        assert ProcessInstance.objects.get(case=case).definition.number == 2
        assert ChronologyEntry.objects.filter(
            case=case, summary="Pothole repair moved from version 1 to version 2"
        ).exists()
    # The moved case goes on in the new version.
    step = ProcessTask.objects.filter(case=waiting[0]).first()
    services.complete_task(roads.inspector, step.pk, {"severity": "none", "depth_mm": "0"})
    assert ProcessInstance.objects.get(case=waiting[0]).status == "completed"


def test_cases_at_a_step_the_new_version_lacks_stay(roads, analyst):
    case = report(roads)
    _deploy(analyst, '"inspect"', '"survey"')
    found = migration.migrate(analyst, "pothole", 1, 2)
    assert found.movable == []
    assert list(found.stuck) == [ProcessInstance.objects.get(case=case).pk]
    assert found.places[0].target == ""
    assert ProcessInstance.objects.get(case=case).definition.number == 1


def test_only_administrators_move_processes(roads, analyst):
    report(roads)
    _deploy(analyst, "Inspect the pothole", "Inspect the road")
    with pytest.raises(PermissionDeniedError):
        migration.migrate(roads.inspector, "pothole", 1, 2)


def test_the_move_pages_preview_then_move(roads, analyst):
    report(roads)
    _deploy(analyst, "Inspect the pothole", "Inspect the road")
    client = page_client(analyst)
    shown = client.get("/flows/processes/pothole/?").content.decode()
    assert "Move running cases to another version" in shown
    preview = client.get("/flows/processes/pothole/move/?source=1&target=2").content.decode()
    assert "1 can move" in preview
    assert "Inspect the road" in preview
    done = client.post(
        "/flows/processes/pothole/move/", {"source": "1", "target": "2"}, follow=True
    ).content.decode()
    assert "Moved 1 running case to version 2; 0 stayed on version 1." in done
