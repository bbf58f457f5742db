"""The person index tests' set-up: source systems, a data steward, and a record builder."""

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from burgh.identity.models import Organisation, User
from burgh.people.linkage import Model, prepare
from burgh.people.models import SourceSystem
from burgh.people.services import IncomingRecord, Resolution, register_source_system, resolve
from burgh.people.services.matching import forget_model, save_trained_model
from tests.factories import OrganisationFactory, UserFactory
from tests.people.setting import grant

STEWARD = ("people.review_matches", "people.merge_people", "people.manage_source_records")


@pytest.fixture(autouse=True)
def fresh_model():
    # A model another test saved must not score this test's records.
    forget_model()
    yield
    forget_model()


@pytest.fixture
def kinloch(db) -> Organisation:
    return OrganisationFactory(name="Kinloch Council", slug="kinloch", kind="council")


@pytest.fixture
def steward(kinloch) -> User:
    user = UserFactory(organisation=kinloch, full_name="Eilidh Munro")
    grant(user, *STEWARD)
    return user


@pytest.fixture
def systems(db) -> dict[str, SourceSystem]:
    """Council tax trusted least, the health feed most, housing in between."""
    return {
        "council-tax": register_source_system("council-tax", "Council tax", trust=20),
        "housing": register_source_system("housing", "Housing", trust=50),
        "health": register_source_system("health", "NHS Kinloch", trust=90),
        "education": register_source_system("education", "Education", trust=40),
        "social-work": register_source_system("social-work", "Social work", trust=60),
    }


Send = Callable[..., Resolution]


@pytest.fixture
def send(systems) -> Send:
    """Resolve a record: send("health", "H1", given_name=..., ...) with optional `at` (days ago)."""

    def _send(system: str, source_id: str, *, days_ago: float | None = None, **attrs: str):
        received: datetime | None = None
        if days_ago is not None:
            received = timezone.now() - timedelta(days=days_ago)
        return resolve(IncomingRecord(system, source_id, attrs, received_at=received))

    return _send


@pytest.fixture
def doubtful(db):
    """Make the pair (left, right) fall between the thresholds, whatever the shipped model says:
    a model with thresholds either side of the pair's weight is put into use."""

    def _doubtful(left: dict[str, str], right: dict[str, str]) -> float:
        model = Model.default()
        weight = model.weight(prepare(left), prepare(right))
        tuned = Model.from_dict(
            {
                **model.with_thresholds(
                    match_weight=weight + 1, review_weight=weight - 1
                ).as_dict(),
                "version": f"test-{weight:.3f}",
            }
        )
        save_trained_model(tuned, notes="thresholds for a test")
        return weight

    return _doubtful


MORAG = {
    "given_name": "Morag",
    "family_name": "Campbell",
    "date_of_birth": "1984-03-27",
    "sex": "F",
    "address": "Flat 0/1, 3 Mill Lane, Ardmhor",
    "postcode": "KL6 2AB",
    "email": "morag.campbell@example.com",
    "phone": "07700 900123",
}
