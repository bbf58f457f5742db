"""Residents who reach the person index through `resolve`, for the index's page and API tests.

Two source systems, a data steward, and people as the systems send them: one resident in both
systems (linked), a pair the model is unsure of (a review), twins who must stay apart.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from burgh.identity.models import User
from burgh.people.models import MatchReview, Person
from burgh.people.services.resolution import Resolution, resolve
from burgh.people.services.sources import IncomingRecord, register_source_system
from tests.factories import UserFactory
from tests.people.setting import Setting, grant

STEWARD = (
    "people.search",
    "people.view_all_people",
    "people.review_matches",
    "people.merge_people",
    "people.manage_source_records",
)

ISLA = {
    "given_name": "Isla",
    "family_name": "MacKay",
    "date_of_birth": "1990-05-14",
    "sex": "female",
    "address": "Flat 2/1, 14 Harbour Street, Kinloch",
    "postcode": "KL1 4QT",
    "email": "isla.mackay@example.com",
    "phone": "07700 900456",
}


def received(day: int) -> datetime:
    return datetime(2025, 6, day, 12, tzinfo=UTC)


def send(system: str, source_id: str, attributes: dict[str, str], day: int = 1) -> Resolution:
    return resolve(IncomingRecord(system, source_id, attributes, received_at=received(day)))


@dataclass
class Index:
    steward: User
    # Isla as the health board holds her, then as council tax does: one person.
    isla: Person
    # A second Isla MacKay record that may or may not be her: a review.
    review: MatchReview | None
    resolutions: list[Resolution]


def make_steward(setting: Setting) -> User:
    steward = UserFactory(organisation=setting.council, full_name="Shona Duff")
    grant(steward, *STEWARD)
    return steward


def register_systems() -> None:
    register_source_system("nhs-chi", "NHS patient index", trust=90)
    register_source_system("council-tax", "Council tax", trust=50)
    register_source_system("housing", "Housing management", trust=60)


def make_index(setting: Setting) -> Index:
    register_systems()
    steward = make_steward(setting)
    first = send("nhs-chi", "CHI-1405901234", {**ISLA, "identifier": "1405901234"}, day=1)
    second = send(
        "council-tax",
        "CTR3000101",
        {
            "given_name": "Isla",
            "family_name": "McKay",
            "address": "FLAT 2/1, 14 HARBOUR STREET, KINLOCH",
            "postcode": "KL14QT",
            "email": "isla.mackay@example.com",
        },
        day=2,
    )
    third = send(
        "housing",
        "HT010001",
        {
            "given_name": "I",
            "family_name": "MacKay",
            "date_of_birth": "1990-05-14",
            "address": "3 Mill Lane, Ardmhor",
            "postcode": "KL6 2AB",
        },
        day=3,
    )
    return Index(
        steward=steward,
        isla=Person.objects.get(pk=first.person.pk),
        review=third.review,
        resolutions=[first, second, third],
    )
