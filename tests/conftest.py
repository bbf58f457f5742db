"""Shared test set-up: database-specific selection and the factories' fixtures."""

import pytest
from django.db import connection

from tests.factories import OrganisationFactory, UserFactory

DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}
# The browser tests that run in the SQLite pass; the others run in the PostgreSQL pass.
LISTED_PAGES = "test_listed_pages.py"


def uses_test_database(item: pytest.Item) -> bool:
    return item.get_closest_marker("django_db") is not None or bool(
        DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # `make test` runs the suite twice, on SQLite and on PostgreSQL. PostgreSQL-only checks are
    # left out of the SQLite pass, and tests that never touch the test database (the linkage
    # engine, commands run on their own embedded database) out of the PostgreSQL pass: they
    # ran in the SQLite pass and the database could not change their result. Left out of the
    # run, not reported as skipped.
    #
    # Browser tests run once, not twice: how a page looks, reads to a screen reader and works
    # without scripts does not change with the database behind it (the pages' data rules are
    # checked on both databases through Django's test client). The page-by-page checks
    # (test_listed_pages.py) run in the SQLite pass; the journeys and the other browser tests,
    # which carry work through the services end to end, in the PostgreSQL pass. The two
    # passes run side by side, so this halves the browser time of the longer one.
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    kept, dropped = [], []
    for item in items:
        if item.get_closest_marker("browser") is not None:
            drop = on_postgres == (item.path.name == LISTED_PAGES)
        elif on_postgres:
            drop = not uses_test_database(item)
        else:
            drop = item.get_closest_marker("postgres") is not None
        (dropped if drop else kept).append(item)
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
