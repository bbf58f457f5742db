"""Process flow tests' people and files."""

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
