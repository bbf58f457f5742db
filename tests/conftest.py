"""Shared test set-up: database-specific selection and the factories' fixtures."""

import pytest
from django.db import connection

from tests.factories import OrganisationFactory, UserFactory


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # PostgreSQL-only checks run in the PostgreSQL pass of `make test`; on SQLite they are
    # left out of the run, not reported as skipped.
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    if on_postgres:
        return
    kept, dropped = [], []
    for item in items:
        (dropped if item.get_closest_marker("postgres") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def council(db):
    return OrganisationFactory(name="Kinloch Council", slug="kinloch", kind="council")


@pytest.fixture
def staff_password() -> str:
    return "correct horse battery staple"


@pytest.fixture
def staff_user(council, staff_password):
    return UserFactory(organisation=council, password=staff_password)
