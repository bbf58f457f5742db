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
