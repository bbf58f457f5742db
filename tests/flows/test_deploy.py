"""Deploying: versions per key, nothing saved from a refused deployment, the record of who
deployed what, and the same through `burgh flows deploy`."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from burgh.core.errors import PermissionDeniedError
from burgh.core.models import AuditEntry, OutboxEvent
from burgh.flows import services
from burgh.flows.models import DecisionDefinition, Deployment, ProcessDefinition
from tests.flows.conftest import FILES, file

pytestmark = pytest.mark.django_db


def _deploy(user, *files):
    return services.deploy_definitions(user, list(files), source="page")


def _changed(name: str, old: str, new: str) -> tuple[str, bytes]:
    return name, (FILES / name).read_text().replace(old, new).encode()


def test_a_first_deployment_makes_version_one_of_each_key(analyst):
    result = _deploy(analyst, file("pothole.bpmn"), file("pothole_priority.dmn"))
    made = sorted((m.key, m.number) for m in result.created)
    assert made == [("pothole", 1), ("pothole_priority", 1)]
    assert result.deployment is not None
    assert result.deployment.deployed_by == analyst
    entry = AuditEntry.objects.get(action="flows.deployed")
    assert entry.actor_id == str(analyst.pk)
    assert entry.detail["versions"] == ["pothole_priority v1", "pothole v1"]
    event = OutboxEvent.objects.get(type="gov.burgh.flows.deployment.created")
    assert event.data["files"] == ["pothole.bpmn", "pothole_priority.dmn"]


def test_a_changed_file_gets_the_next_version_and_the_old_one_stays(analyst):
    _deploy(analyst, file("pothole.bpmn"), file("pothole_priority.dmn"))
    renamed = _changed("pothole.bpmn", "Inspect the pothole", "Inspect the road")
    result = _deploy(analyst, renamed, file("pothole_priority.dmn"))
    assert [(m.key, m.number) for m in result.created] == [("pothole", 2)]
    assert [(u.key, u.number) for u in result.unchanged] == [("pothole_priority", 1)]
    versions = services.process_versions("pothole")
    assert [v.number for v in versions] == [2, 1]
    assert "Inspect the pothole" in versions[1].xml
    assert "Inspect the road" in versions[0].xml


def test_the_same_files_again_deploy_nothing_new(analyst):
    _deploy(analyst, file("pothole.bpmn"), file("pothole_priority.dmn"))
    again = _deploy(analyst, file("pothole.bpmn"), file("pothole_priority.dmn"))
    assert again.deployment is None
    assert again.created == []
    assert Deployment.objects.count() == 1


def test_an_earlier_version_sent_again_becomes_the_latest(analyst):
    _deploy(analyst, file("pothole.bpmn"), file("pothole_priority.dmn"))
    _deploy(analyst, _changed("pothole.bpmn", "Inspect the pothole", "Inspect the road"))
    back = _deploy(analyst, file("pothole.bpmn"))
    assert [(m.key, m.number) for m in back.created] == [("pothole", 3)]


def test_a_process_may_use_a_decision_table_deployed_earlier(analyst):
    _deploy(analyst, file("pothole_priority.dmn"))
    result = _deploy(analyst, file("pothole.bpmn"))
    assert [(m.key, m.number) for m in result.created] == [("pothole", 1)]


def test_a_refused_deployment_saves_nothing_and_lists_every_problem(analyst):
    _deploy(analyst, file("pothole.bpmn"), file("pothole_priority.dmn"))
    bad = _changed("pothole.bpmn", 'camunda:topic="create_task"', 'camunda:topic="shell"')
    # and, in the same file, a team that does not exist: one refusal says both
    bad = bad[0], bad[1].replace(b'id="inspect"', b'id="inspect" camunda:candidateGroups="nobody"')
    with pytest.raises(services.DeploymentRefusedError) as refused:
        _deploy(analyst, bad, _changed("pothole_priority.dmn", "UNIQUE", "ANY"))
    assert refused.value.status == 422
    assert [e["pointer"] for e in refused.value.errors] == [
        "pothole.bpmn#order",
        "pothole_priority.dmn#pothole_priority",
        "pothole.bpmn#inspect",
    ]
    assert "'nobody' is not a team's slug" in refused.value.errors[2]["detail"]
    assert ProcessDefinition.objects.count() == 1
    assert DecisionDefinition.objects.count() == 1
    assert Deployment.objects.count() == 1


def test_someone_whose_roles_do_not_allow_it_cannot_deploy(caseworker):
    with pytest.raises(PermissionDeniedError):
        _deploy(caseworker, file("pothole.bpmn"), file("pothole_priority.dmn"))
    assert not ProcessDefinition.objects.exists()


class TestCommand:
    def test_deploy_prints_each_version_and_list_shows_them(self):
        out = StringIO()
        paths = [str(FILES / "pothole.bpmn"), str(FILES / "pothole_priority.dmn")]
        call_command("flows", "deploy", *paths, stdout=out)
        assert "deployed pothole version 1 (pothole.bpmn)" in out.getvalue()
        assert "deployed pothole_priority version 1 (pothole_priority.dmn)" in out.getvalue()
        call_command("flows", "deploy", *paths, stdout=(again := StringIO()))
        assert "unchanged pothole version 1" in again.getvalue()
        call_command("flows", "list", stdout=(listed := StringIO()))
        assert "pothole" in listed.getvalue()
        assert "Pothole repair priority" in listed.getvalue()

    def test_a_refused_deploy_exits_2_with_every_problem(self, tmp_path):
        bad = tmp_path / "pothole.bpmn"
        bad.write_text((FILES / "pothole.bpmn").read_text().replace("create_task", "shell"))
        with pytest.raises(CommandError) as refused:
            call_command("flows", "deploy", str(bad))
        assert refused.value.returncode == 2
        message = str(refused.value)
        assert "pothole.bpmn: order: its action 'shell' is not one of Burgh's" in message
        assert "pothole.bpmn: prioritise: it decides with 'pothole_priority'" in message
        assert not ProcessDefinition.objects.exists()
