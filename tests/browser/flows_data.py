"""The process flow pages' records for the browser tests: Ailsa (conftest's officer) may
deploy process flows, and the pothole process and its decision table are deployed."""

from pathlib import Path

from burgh.flows import services
from burgh.identity.models import User
from tests.browser.cases_data import SIGNED_IN_EMAIL
from tests.factories import RoleAssignmentFactory, RoleFactory

FILES = Path(__file__).parents[1] / "flows" / "files"


def analyst() -> None:
    ailsa = User.objects.get(email=SIGNED_IN_EMAIL)
    role = RoleFactory(name="Process analyst", slug="process-analyst", permissions=["flows.deploy"])
    RoleAssignmentFactory(user=ailsa, role=role)


def deployed() -> None:
    analyst()
    ailsa = User.objects.get(email=SIGNED_IN_EMAIL)
    files = [
        (name, (FILES / name).read_bytes()) for name in ("pothole.bpmn", "pothole_priority.dmn")
    ]
    services.deploy_definitions(ailsa, files, source="page")


STEP_ID = "f1a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f9"
PROCESS_CASE_ID = "f2b3c4d5-e6f7-4081-92a3-b4c5d6e7f80a"


def step_waiting() -> None:
    """Ailsa leads the roads team (cases_data.case_worker); potholes run the pothole process,
    and a new pothole (PROCESS_CASE_ID) waits for its inspection (STEP_ID)."""
    from burgh.cases import services as cases
    from burgh.cases.services import IntakeRequest
    from burgh.flows.models import ProcessTask
    from tests.browser import cases_data

    cases_data.case_worker()
    deployed()
    ailsa = User.objects.get(email=SIGNED_IN_EMAIL)
    cases.save_case_type(ailsa, {**cases_data.pothole_definition(), "process": "pothole"})
    request = IntakeRequest(
        case_type="pothole", channel="staff", data={"depth": "over-40mm"}, uprn=cases_data.ROAD_UPRN
    )
    case = cases.intake(ailsa, request).case
    ProcessTask.objects.filter(case=case).update(id=STEP_ID)
    cases_data._fix_id(case, PROCESS_CASE_ID)


def two_versions() -> None:
    """A pothole waiting at its inspection on version 1 of its process, and a version 2."""
    step_waiting()
    ailsa = User.objects.get(email=SIGNED_IN_EMAIL)
    renamed = (FILES / "pothole.bpmn").read_text().replace("Inspect the pothole", "Inspect it")
    services.deploy_definitions(ailsa, [("pothole.bpmn", renamed.encode())], source="page")
