"""The process flow pages: what is deployed, deploying files, a refusal's every problem in
the error summary, and no way in without the role."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from burgh.flows import services
from burgh.flows.models import ProcessDefinition
from tests.clients import page_client
from tests.flows.conftest import FILES, file

pytestmark = pytest.mark.django_db


def _uploads(*files):
    return {"definitions": [SimpleUploadedFile(name, content) for name, content in files]}


def test_an_analyst_deploys_files_and_sees_them_listed(analyst):
    client = page_client(analyst)
    answer = client.post(
        "/flows/deploy/", _uploads(file("pothole.bpmn"), file("pothole_priority.dmn")), follow=True
    )
    page = answer.content.decode()
    assert "Deployed Pothole repair priority version 1, Pothole repair version 1." in page
    assert "Pothole repair" in page
    assert "pothole_priority" in page
    versions = client.get("/flows/processes/pothole/").content.decode()
    assert "pothole.bpmn" in versions
    assert "Fiona Analyst" in versions
    download = client.get("/flows/processes/pothole/v1.bpmn")
    assert download.content == (FILES / "pothole.bpmn").read_bytes()


def test_a_refusal_lists_every_problem_and_deploys_nothing(analyst):
    bad = (FILES / "pothole.bpmn").read_bytes().replace(b"create_task", b"wipe")
    answer = page_client(analyst).post("/flows/deploy/", _uploads(("pothole.bpmn", bad)))
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Nothing was deployed: 2 problems found" in page
    assert "pothole.bpmn, order: its action &#x27;wipe&#x27; is not one of Burgh&#x27;s" in page
    assert "pothole.bpmn, prioritise: it decides with" in page
    assert not ProcessDefinition.objects.exists()


def test_sending_no_file_asks_for_one(analyst):
    answer = page_client(analyst).post("/flows/deploy/", {})
    assert "Choose at least one BPMN or DMN file" in answer.content.decode()


def test_the_pages_are_closed_to_staff_without_the_role(analyst, caseworker):
    services.deploy_definitions(analyst, [file("pothole_priority.dmn")], source="page")
    client = page_client(caseworker)
    for path in ("/flows/", "/flows/deploy/"):
        assert client.get(path).status_code == 403
    assert client.post("/flows/deploy/", _uploads(file("pothole.bpmn"))).status_code == 403
