"""The places API as an integration uses it: postcode look-ups, properties, matching addresses
(with the unsure ones queued for the custodian), and service attributes loaded in bulk."""

import pytest

from burgh.places.models import AddressMatchReview, PlaceAttribute
from burgh.places.services import import_gazetteer
from tests.api.conftest import problem
from tests.factories import RoleAssignmentFactory, RoleFactory

pytestmark = pytest.mark.django_db

READ = ["places:read"]
BOTH = ["places:read", "places:write"]


def _row(uprn: str, number: str, street: str, flat: str = "") -> dict[str, str]:
    return {
        "uprn": uprn,
        "organisation": "",
        "sub_building": flat,
        "building_name": "",
        "building_number": number,
        "street": street,
        "locality": "",
        "town": "Kinloch",
        "postcode": "KL2 4AB" if street == "Burnside Crescent" else "KL3 1XY",
    }


@pytest.fixture
def gazetteer() -> None:
    import_gazetteer(
        [
            _row("134000000001", "14", "Burnside Crescent", "Flat 2/1"),
            _row("134000000002", "14", "Burnside Crescent", "Flat 1/2"),
            _row("134000000003", "16", "Burnside Crescent"),
            _row("134000000004", "3", "Mill Lane"),
        ]
    )


@pytest.fixture
def finder(staff_user, api_as):
    RoleAssignmentFactory(user=staff_user, role=RoleFactory(permissions=["places.search"]))
    return lambda scopes=BOTH: api_as(staff_user, scopes)


def test_addresses_at_a_postcode(finder, gazetteer):
    response = finder(READ).get("/api/v1/places", postcode="kl2 4ab")
    assert response.status_code == 200
    assert [place["uprn"] for place in response.json()] == [
        "134000000002",
        "134000000001",
        "134000000003",
    ]
    bad = problem(finder(READ).get("/api/v1/places", postcode="KL2"), 422)
    assert "Enter a full UK postcode" in bad["detail"]


def test_a_property_with_what_services_record(finder, gazetteer):
    PlaceAttribute.objects.create(
        uprn="134000000004", service="waste", name="collection_round", value="Thursday"
    )
    body = finder(READ).get("/api/v1/places/134000000004").json()
    assert body["address"] == "3 Mill Lane, Kinloch, KL3 1XY"
    assert [(a["service"], a["value"]) for a in body["attributes"]] == [("waste", "Thursday")]
    assert problem(finder(READ).get("/api/v1/places/999"), 404)["detail"].startswith(
        "There is no property with UPRN"
    )


def test_a_tenement_flat_written_the_glasgow_way_matches_its_uprn(finder, gazetteer):
    body = finder(READ).get("/api/v1/places/match", address="2/1, 14 burnside cres, kinloch").json()
    assert body["uprn"] == "134000000001"
    assert body["score"] >= body["threshold"]
    assert body["candidates"][0]["uprn"] == "134000000001"
    assert body["candidates"][0]["reasons"]


def test_an_address_not_in_the_gazetteer_gets_no_uprn_and_is_queued_when_asked(finder, gazetteer):
    client = finder()
    alone = client.get("/api/v1/places/match", address="99 Harbour Road, Portmhairi").json()
    assert alone["uprn"] is None
    assert AddressMatchReview.objects.count() == 0  # a GET records nothing
    body = {"address": "99 Harbour Road, Portmhairi", "source": "crm", "source_ref": "R-1"}
    queued = client.post("/api/v1/places/matches", body).json()
    assert queued["uprn"] is None
    review = AddressMatchReview.objects.get()
    assert (str(review.pk), review.source, review.source_ref) == (queued["review_id"], "crm", "R-1")
    # A confident match is answered and nothing is queued.
    sure = {
        "address": "16 Burnside Crescent, Kinloch KL2 4AB",
        "source": "crm",
        "source_ref": "R-2",
    }
    answered = client.post("/api/v1/places/matches", sure).json()
    assert (answered["uprn"], answered["review_id"]) == ("134000000003", None)
    assert AddressMatchReview.objects.count() == 1


def test_matching_needs_the_scope_and_the_role(finder, staff_user, api_as, gazetteer):
    assert problem(finder(READ).post("/api/v1/places/matches", {"address": "x"}), 403)
    stranger = api_as(staff_user, BOTH)
    staff_user.role_assignments.all().delete()
    assert problem(stranger.get("/api/v1/places/match", address="x"), 403)


def test_attributes_load_as_a_whole_or_not_at_all(staff_user, api_as, gazetteer):
    RoleAssignmentFactory(
        user=staff_user, role=RoleFactory(permissions=["places.search", "places.manage_gazetteer"])
    )
    client = api_as(staff_user, BOTH)
    rows = [
        {"uprn": "134000000003", "name": "collection_round", "value": "Tuesday"},
        {"uprn": "999999", "name": "collection_round", "value": "Tuesday"},
        {"uprn": "134000000004", "name": "Round!", "value": ""},
    ]
    refused = problem(client.send("PUT", "/api/v1/places/attributes/waste", rows), 422)
    assert "2 attribute rows cannot be loaded, so none were" in refused["detail"]
    assert {(e["row"], e["field"]) for e in refused["errors"]} == {
        (1, "uprn"),
        (2, "name"),
        (2, "value"),
    }
    assert PlaceAttribute.objects.count() == 0
    loaded = client.send("PUT", "/api/v1/places/attributes/waste", rows[:1])
    assert loaded.json() == {"added": 1, "changed": 0, "unchanged": 0}
    again = client.send("PUT", "/api/v1/places/attributes/waste", rows[:1])
    assert again.json() == {"added": 0, "changed": 0, "unchanged": 1}
