"""The person index for the browser tests: Ailsa (conftest's officer) as a data steward, and
residents sent through `resolve`, given fixed ids afterwards so pages.PAGES can name them.

Isla MacKay is in the health board's index and on the council tax (one person, two records);
a housing record "I MacKay" waits for review against her; Ewan Grant's council tax record was
merged into Isla by mistake (the health board's names still win), so the person page lists a
merge to undo and his old id leads to her.
"""

import uuid

from django.db import transaction

from burgh.identity.models import User
from burgh.people.models import Lineage, MatchReview, Person
from burgh.people.services.merging import merge_people
from burgh.people.services.resolution import resolve
from burgh.people.services.sources import IncomingRecord, register_source_system
from tests.factories import RoleAssignmentFactory, RoleFactory

SIGNED_IN_EMAIL = "ailsa.macleod@kinloch.example"
ISLA_ID = "a3c4d5e6-f708-4192-a3b4-c5d6e7f80911"
RETIRED_ID = "b4d5e6f7-0819-42a3-b4c5-d6e7f8091a22"
REVIEW_ID = "c5e6f708-192a-43b4-c5d6-e7f8091a2b33"
MERGE_ID = "d6f70819-2a3b-44c5-d6e7-f8091a2b3c44"
# Someone else the steward may merge Isla with.
OTHER_ID = "e7081920-3b4c-45d6-e7f8-091a2b3c4d55"

STEWARD_PERMISSIONS = [
    "people.search",
    "people.view_all_people",
    "people.review_matches",
    "people.merge_people",
    "people.manage_source_records",
]


def _send(system: str, source_id: str, attributes: dict[str, str]) -> Person:
    return resolve(IncomingRecord(system, source_id, attributes)).person


def _with_id(person: Person, fixed: str, name: str) -> Person:
    """A person with a fixed id, then the resolved one merged into it (so its records move)."""
    held = Person.objects.create(id=uuid.UUID(fixed), given_name=name, family_name="")
    merge_people(held, person, actor=None, reason="Browser test set-up")
    return Person.objects.get(pk=fixed)


def steward_records() -> None:
    """Make Ailsa a data steward, and send the residents' records through the index."""
    steward = User.objects.get(email=SIGNED_IN_EMAIL)
    RoleAssignmentFactory(
        user=steward,
        role=RoleFactory(name="Data steward", slug="data-steward", permissions=STEWARD_PERMISSIONS),
    )
    register_source_system("nhs-chi", "NHS patient index", trust=90)
    register_source_system("council-tax", "Council tax", trust=50)
    register_source_system("housing", "Housing management", trust=60)
    isla = {
        "given_name": "Isla",
        "family_name": "MacKay",
        "date_of_birth": "1990-05-14",
        "sex": "female",
        "address": "Flat 2/1, 14 Harbour Street, Kinloch",
        "postcode": "KL1 4QT",
        "phone": "07700 900456",
    }
    with transaction.atomic():
        first = _send("nhs-chi", "CHI-1405901234", {**isla, "identifier": "1405901234"})
        _send("council-tax", "CTR3000101", {**isla, "family_name": "McKay", "sex": ""})
        held = _with_id(first, ISLA_ID, "Isla")
        review = resolve(
            IncomingRecord(
                "housing",
                "HT010001",
                {
                    "given_name": "I",
                    "family_name": "MacKay",
                    "date_of_birth": "1990-05-14",
                    "address": "3 Mill Lane, Ardmhor",
                    "postcode": "KL6 2AB",
                },
            )
        ).review
        assert review is not None
        MatchReview.objects.filter(pk=review.pk).update(id=REVIEW_ID)
        ewan = _send(
            "council-tax",
            "CTR3000777",
            {
                "given_name": "Ewan",
                "family_name": "Grant",
                "address": "12 Shore Road, Ardmhor",
                "postcode": "KL6 1BD",
            },
        )
        retired = _with_id(ewan, RETIRED_ID, "Ewan")
        mistake = merge_people(held, retired, actor=steward, reason="Thought to be one person")
        Lineage.objects.filter(pk=mistake.pk).update(id=MERGE_ID)
        other = _send(
            "council-tax",
            "CTR3000555",
            {"given_name": "Iona", "family_name": "MacKay", "address": "9 Kirk Wynd, Inverbrae"},
        )
        _with_id(other, OTHER_ID, "Iona")
