"""The place index for the browser tests: Ailsa (conftest's officer) as the gazetteer custodian
who may also read residents, a small street of Kinloch with a tenement, a resident, the waste
service's collection rounds, and an address waiting for review, with fixed ids."""

import uuid
from datetime import date

from burgh.identity.models import User
from burgh.people.models import Person
from burgh.places.attributes import load_attributes
from burgh.places.matching import match
from burgh.places.models import AddressMatchReview
from burgh.places.reviews import queue_review
from burgh.places.services import import_gazetteer
from tests.factories import RoleAssignmentFactory, RoleFactory

SIGNED_IN_EMAIL = "ailsa.macleod@kinloch.example"
FLAT_UPRN = "134000000021"
REVIEW_ID = "f8091a2b-3c4d-45e6-f708-192a3b4c5d66"
RESIDENT_ID = "0a1b2c3d-4e5f-4607-8819-2a3b4c5d6e77"


def _row(uprn: str, number: str, flat: str = "") -> dict[str, str]:
    return {
        "uprn": uprn,
        "organisation": "",
        "sub_building": flat,
        "building_name": "",
        "building_number": number,
        "street": "Burnside Crescent",
        "locality": "Burnbank",
        "town": "Kinloch",
        "postcode": "KL2 4AB",
        "usrn": "34600010",
    }


def custodian() -> None:
    """Make Ailsa the custodian, and give her a street, a resident and a review to work on."""
    ailsa = User.objects.get(email=SIGNED_IN_EMAIL)
    RoleAssignmentFactory(
        user=ailsa,
        role=RoleFactory(
            name="Gazetteer custodian",
            slug="gazetteer-custodian",
            permissions=[
                "places.search",
                "places.manage_gazetteer",
                "people.search",
                "people.view_all_people",
            ],
        ),
    )
    rows = [_row("134000000012", "12"), _row("134000000016", "16")]
    rows += [
        _row(f"1340000000{20 + n}", "14", f"Flat {floor}/{side}")
        for n, (floor, side) in enumerate([(0, 1), (2, 1), (1, 2), (2, 2)])
    ]
    import_gazetteer(rows, source="llpg-extract.csv")
    load_attributes(
        [{"uprn": FLAT_UPRN, "name": "collection_round", "value": "Kinloch Tuesday round 2"}],
        service="waste",
    )
    Person.objects.create(
        id=uuid.UUID(RESIDENT_ID),
        given_name="Morven",
        family_name="Gillies",
        date_of_birth=date(1986, 3, 9),
        uprn=FLAT_UPRN,
    )
    address = "flat 3, 14 burnside cres"
    review = queue_review(address, match(address), source="council-tax", source_ref="CT-4471")
    AddressMatchReview.objects.filter(pk=review.pk).update(id=uuid.UUID(REVIEW_ID))
