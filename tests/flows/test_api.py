"""The flows API: deploy as multipart files, every problem as an RFC 9457 error entry, and
what is deployed read back."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from burgh.flows.models import ProcessDefinition
from tests.clients import token_client
from tests.flows.conftest import FILES, file, report

pytestmark = pytest.mark.django_db
URL = "/api/v1/flows/deployments"


def _uploads(*files):
    return {"file": [SimpleUploadedFile(name, content) for name, content in files]}


def test_deploying_answers_201_with_the_versions_made_then_200_with_nothing_new(analyst):
    client = token_client(analyst, ["flows:write", "flows:read"])
    first = client.post(URL, _uploads(file("pothole.bpmn"), file("pothole_priority.dmn")))
    assert first.status_code == 201, first.content
    assert {(v["kind"], v["key"], v["version"]) for v in first.json()["created"]} == {
        ("process", "pothole", 1),
        ("decision", "pothole_priority", 1),
    }
    again = client.post(URL, _uploads(file("pothole.bpmn"), file("pothole_priority.dmn")))
    assert again.status_code == 200
    assert again.json()["id"] is None
    assert again.json()["created"] == []
    listed = client.get("/api/v1/flows/processes").json()
    assert [(p["key"], p["version"], p["elements"]) for p in listed] == [("pothole", 1, 13)]
    assert listed[0]["deployed_by"] == str(analyst)
    decisions = client.get("/api/v1/flows/decisions").json()
    assert [d["key"] for d in decisions] == ["pothole_priority"]
    bpmn = client.get("/api/v1/flows/processes/pothole/versions/1/bpmn")
    assert bpmn["Content-Type"].startswith("application/xml")
    assert bpmn.content == (FILES / "pothole.bpmn").read_bytes()


def test_a_refused_deployment_is_a_422_problem_with_each_file_and_element(analyst):
    client = token_client(analyst, ["flows:write"])
    bad = (FILES / "pothole.bpmn").read_bytes().replace(b"create_task", b"format_disk")
    answer = client.post(URL, _uploads(("pothole.bpmn", bad)))
    assert answer.status_code == 422
    assert answer["Content-Type"] == "application/problem+json"
    problem = answer.json()
    assert problem["detail"] == "2 problems found; nothing was deployed."
    assert [e["pointer"] for e in problem["errors"]] == [
        "pothole.bpmn#order",
        "pothole.bpmn#prioritise",
    ]
    assert "format_disk" in problem["errors"][0]["detail"]
    assert not ProcessDefinition.objects.exists()


def test_deploying_needs_the_write_scope_and_the_role(analyst, caseworker):
    reader = token_client(analyst, ["flows:read"])
    assert reader.post(URL, _uploads(file("pothole_priority.dmn"))).status_code == 403
    outsider = token_client(caseworker, ["flows:write"])
    assert outsider.post(URL, _uploads(file("pothole_priority.dmn"))).status_code == 403
    assert not ProcessDefinition.objects.exists()


def test_an_unknown_process_or_version_is_404(analyst):
    client = token_client(analyst, ["flows:read"])
    assert client.get("/api/v1/flows/processes/nothing").status_code == 404
    assert client.get("/api/v1/flows/processes/nothing/versions/1/bpmn").status_code == 404


class TestSteps:
    @pytest.fixture
    def roads(self, roads):
        roads.case = report(roads)
        return roads

    def test_a_worker_lists_reads_and_completes_a_step_with_its_etag(self, roads):
        client = token_client(roads.inspector, ["cases:read", "cases:write"])
        listed = client.get(f"/api/v1/flows/steps?team={roads.roads.pk}").json()
        assert listed["count"] == 1
        [step] = listed["steps"]
        assert (step["name"], step["case_reference"]) == (
            "Inspect the pothole",
            roads.case.reference,
        )
        one = client.get(f"/api/v1/flows/steps/{step['id']}")
        assert one["ETag"] == '"1"'
        url = f"/api/v1/flows/steps/{step['id']}/complete"
        body = {"answers": {"severity": "minor", "depth_mm": "12"}}
        missing = client.post(url, body, content_type="application/json")
        assert missing.status_code == 428
        stale = client.post(url, body, content_type="application/json", headers={"If-Match": '"7"'})
        assert stale.status_code == 412
        wrong = client.post(
            url,
            {"answers": {"depth_mm": "twelve"}},
            content_type="application/json",
            headers={"If-Match": '"1"'},
        )
        assert wrong.status_code == 422
        assert [e["pointer"] for e in wrong.json()["errors"]] == ["#/depth_mm"]
        done = client.post(url, body, content_type="application/json", headers={"If-Match": '"1"'})
        assert done.status_code == 200, done.content
        assert done.json()["status"] == "done"
        assert done.json()["answers"] == {"severity": "minor", "depth_mm": 12}

    def test_a_step_of_a_case_out_of_sight_is_404(self, roads):
        from burgh.flows.models import ProcessTask

        step = ProcessTask.objects.get(case=roads.case)
        client = token_client(roads.social_worker, ["cases:read", "cases:write"])
        assert client.get(f"/api/v1/flows/steps/{step.pk}").status_code == 404
        done = client.post(
            f"/api/v1/flows/steps/{step.pk}/complete",
            {"answers": {}},
            content_type="application/json",
            headers={"If-Match": '"1"'},
        )
        assert done.status_code == 404
