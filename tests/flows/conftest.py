"""Process flow tests' people and files, and the case tests' council with the pothole process
bound to potholes (`roads`), whose potholes `report` logs."""

from pathlib import Path

import pytest

from tests.factories import RoleAssignmentFactory, RoleFactory, UserFactory

FILES = Path(__file__).parent / "files"


def file(name: str) -> tuple[str, bytes]:
    return name, (FILES / name).read_bytes()


@pytest.fixture
def analyst(council):
    """A process analyst: may deploy process flows."""
    user = UserFactory(organisation=council, full_name="Fiona Analyst")
    role = RoleFactory(name="Process analyst", slug="process-analyst", permissions=["flows.deploy"])
    RoleAssignmentFactory(user=user, role=role)
    return user


@pytest.fixture
def caseworker(council):
    return UserFactory(organisation=council, full_name="Colin Caseworker")


@pytest.fixture
def roads(analyst):
    """The case tests' council, with the pothole process deployed and bound to potholes."""
    from burgh.cases import services as cases
    from burgh.flows import services
    from tests.cases.setting import make_setting, pothole_definition

    setting = make_setting()
    services.deploy_definitions(
        analyst, [file("pothole.bpmn"), file("pothole_priority.dmn")], source="page"
    )
    cases.save_case_type(None, pothole_definition("kinloch/roads-maintenance", process="pothole"))
    return setting


def report(setting):
    """A deep pothole on the road, logged by the adviser: its process starts."""
    from burgh.cases import services as cases
    from tests.cases.setting import ROAD_UPRN

    request = cases.IntakeRequest(
        case_type="pothole", channel="staff", data={"depth": "over-40mm"}, uprn=ROAD_UPRN
    )
    return cases.intake(setting.adviser, request).case


def deploy_broken_pothole(analyst) -> None:
    """Version 2 of the pothole process, whose works order breaks on its data (a number added
    to text): the step that raises the order fails."""
    from burgh.flows import services

    broken = (
        (FILES / "pothole.bpmn")
        .read_text()
        .replace('"Works order: " + severity + " pothole"', '"Works order: " + depth_mm')
    )
    services.deploy_definitions(analyst, [("pothole.bpmn", broken.encode())], source="page")
