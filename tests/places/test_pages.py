"""The place pages as staff use them: the address lookup and picker, a property's page, the
custodian's reviews of addresses the matcher could not settle, and the import history."""

from datetime import date
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from burgh.core.models import AuditEntry, OutboxEvent
from burgh.identity.models import AccessLogEntry
from burgh.people.models import Person
from burgh.places.attributes import load_attributes
from burgh.places.models import AddressMatchReview
from burgh.places.reviews import queue_review
from burgh.places.services import import_gazetteer
from tests.factories import RoleAssignmentFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db

FIND = reverse("places:find")


def _row(uprn: str, number: str, flat: str = "", postcode: str = "KL2 4AB") -> dict[str, str]:
    return {
        "uprn": uprn,
        "organisation": "",
        "sub_building": flat,
        "building_name": "",
        "building_number": number,
        "street": "Burnside Crescent",
        "locality": "",
        "town": "Kinloch",
        "postcode": postcode,
        "usrn": "34600010",
    }


ROWS = [
    _row("134000000010", "10"),
    _row("134000000002", "2"),
    _row("134000000003", "14", "Flat 1/1"),
    _row("134000000004", "14", "Flat 0/2"),
    _row("134000000005", "14", "Flat 0/1"),
    _row("134000000006", "14A"),
    _row("134000000099", "3", postcode="KL2 4AD"),
]


@pytest.fixture
def gazetteer() -> None:
    import_gazetteer(ROWS, source="test.csv")


def _signed_in(client, council, *permissions: str):
    user = UserFactory(organisation=council)
    RoleAssignmentFactory(user=user, role=RoleFactory(permissions=list(permissions)))
    client.force_login(user)
    return user


def _addresses(page: str) -> list[str]:
    import re

    return re.findall(r'class="govuk-label govuk-radios__label" for="[^"]+">([^<]+)</label>', page)


def test_a_postcode_lists_its_addresses_in_the_order_the_street_runs(client, council, gazetteer):
    _signed_in(client, council, "places.search")
    page = client.get(FIND, {"postcode": "kl24ab"}).content.decode()
    assert "6 addresses found" in page
    assert [line.split(",")[0] + line.split(",")[1] for line in _addresses(page)] == [
        "2 Burnside Crescent Kinloch",
        "10 Burnside Crescent Kinloch",
        "Flat 0/1 14 Burnside Crescent",
        "Flat 0/2 14 Burnside Crescent",
        "Flat 1/1 14 Burnside Crescent",
        "14A Burnside Crescent Kinloch",
    ]
    narrowed = client.get(FIND, {"postcode": "KL2 4AB", "building": "0/"}).content.decode()
    assert len(_addresses(narrowed)) == 2


@pytest.mark.parametrize(
    ("postcode", "message"),
    [("KL2", "Enter a full UK postcode, like KL2 4AB"), ("", "Enter a postcode, or type the")],
)
def test_a_bad_postcode_is_explained_on_the_form(client, council, gazetteer, postcode, message):
    _signed_in(client, council, "places.search")
    page = client.get(FIND, {"postcode": postcode, "building": ""}).content.decode()
    assert "There is a problem" in page
    assert message in page
    assert 'href="#id_postcode"' in page


def test_choosing_an_address_opens_its_page_or_goes_back_to_the_page_that_asked(
    client, council, gazetteer
):
    _signed_in(client, council, "places.search")
    opened = client.post(reverse("places:choose"), {"uprn": "134000000006"})
    assert opened.url == reverse("places:property", args=["134000000006"])
    back = client.post(
        reverse("places:choose"), {"uprn": "134000000006", "next": "/people/?q=Smith"}
    )
    assert back.url == "/people/?q=Smith&uprn=134000000006"
    # Another site is never a destination: the property's own page is.
    elsewhere = client.post(
        reverse("places:choose"), {"uprn": "134000000006", "next": "https://evil.example/"}
    )
    assert elsewhere.url == reverse("places:property", args=["134000000006"])
    unchosen = client.post(reverse("places:choose"), {"postcode": "KL2 4AB"}, follow=True)
    assert "Choose an address" in unchosen.content.decode()


def test_the_picker_keeps_where_it_was_opened_from_through_both_steps(client, council, gazetteer):
    _signed_in(client, council, "places.search")
    query = urlencode({"postcode": "KL2 4AD", "next": "/people/reviews/"})
    page = client.get(f"{FIND}?{query}").content.decode()
    assert 'name="next" value="/people/reviews/"' in page
    assert _addresses(page) == ["3 Burnside Crescent, Kinloch, KL2 4AD"]


def test_postcode_suggestions_come_as_json_with_where_each_leads(client, council, gazetteer):
    _signed_in(client, council, "places.search")
    found = client.get(reverse("places:suggestions"), {"q": "KL2 4AD", "next": "/x/"}).json()
    assert found == {
        "results": [
            {
                "uprn": "134000000099",
                "address": "3 Burnside Crescent, Kinloch, KL2 4AD",
                "url": "/x/?uprn=134000000099",
            }
        ]
    }
    assert client.get(reverse("places:suggestions"), {"q": "KL"}).json() == {"results": []}


def test_without_the_permission_the_pages_are_refused(client, council, gazetteer):
    _signed_in(client, council, "people.search")
    assert client.get(FIND).status_code == 403
    assert client.get(reverse("places:property", args=["134000000002"])).status_code == 403
    assert client.get(reverse("places:reviews")).status_code == 403


def test_a_property_page_shows_services_history_and_only_the_residents_the_reader_may_see(
    client, council, gazetteer
):
    load_attributes(
        [{"uprn": "134000000003", "name": "collection_round", "value": "Tuesday, round 4"}],
        service="waste",
    )
    import_gazetteer([{**ROWS[2], "sub_building": "Flat 1/2"}])
    resident = Person.objects.create(
        given_name="Morag",
        family_name="Buchanan",
        date_of_birth=date(1980, 5, 1),
        uprn="134000000003",
    )
    url = reverse("places:property", args=["134000000003"])

    _signed_in(client, council, "places.search")
    page = client.get(url).content.decode()
    assert "Flat 1/2, 14 Burnside Crescent, Kinloch, KL2 4AB" in page
    assert "Tuesday, round 4" in page
    assert "Collection round" in page
    assert "Flat 1/1, 14 Burnside Crescent" in page  # the history shows the old address
    assert "Buchanan" not in page
    assert "There is nobody here whose record you may see." in page

    _signed_in(client, council, "places.search", "people.view_all_people")
    page = client.get(url).content.decode()
    assert "Morag Buchanan" in page
    assert reverse("people:person", args=[resident.pk]) in page
    assert AccessLogEntry.objects.filter(record_id=str(resident.pk)).exists()


def test_an_unknown_uprn_is_page_not_found(client, council, gazetteer):
    _signed_in(client, council, "places.search")
    assert client.get(reverse("places:property", args=["999"])).status_code == 404
    assert client.get(reverse("places:property", args=["not-a-uprn"])).status_code == 404


def _candidates(*pairs: tuple[str, str, float]) -> SimpleNamespace:
    return SimpleNamespace(
        candidates=[SimpleNamespace(uprn=u, address=a, score=s) for u, a, s in pairs]
    )


def test_the_custodian_settles_an_address_and_the_sending_system_is_told(
    client, council, gazetteer
):
    review = queue_review(
        "14 burnside cres flat 1-1",
        _candidates(("134000000003", "Flat 1/1, 14 Burnside Crescent", 0.62)),
        source="council-tax",
        source_ref="CT-100",
    )
    # The same reference again updates the open review instead of queueing a second.
    assert (
        queue_review(
            "14 burnside cres 1/1", _candidates(), source="council-tax", source_ref="CT-100"
        ).pk
        == review.pk
    )
    custodian = _signed_in(client, council, "places.search", "places.manage_gazetteer")
    listed = client.get(reverse("places:reviews")).content.decode()
    assert "1 address waiting" in listed
    assert "14 burnside cres 1/1" in listed

    url = reverse("places:review", args=[review.pk])
    empty = client.post(url, {"version": 2})
    assert empty.status_code == 200
    assert "Choose the property this address means" in empty.content.decode()
    # The picker's answer joins the choices.
    picked = client.get(url, {"uprn": "134000000005"}).content.decode()
    assert "Flat 0/1, 14 Burnside Crescent" in picked
    done = client.post(f"{url}?uprn=134000000005", {"version": 2, "decision": "134000000005"})
    assert done.status_code == 302
    review.refresh_from_db()
    assert (review.status, review.uprn, review.decided_by) == ("matched", "134000000005", custodian)
    event = OutboxEvent.objects.get(type="gov.burgh.places.address_review.decided")
    assert event.data["source_ref"] == "CT-100"
    assert event.data["uprn"] == "134000000005"
    assert AuditEntry.objects.filter(action="places.address_review_decided").count() == 1


def test_a_stale_decision_is_refused_and_changes_nothing(client, council, gazetteer):
    review = queue_review("Somewhere new", _candidates(), source="housing")
    _signed_in(client, council, "places.search", "places.manage_gazetteer")
    url = reverse("places:review", args=[review.pk])
    review.version = 5
    review.save()
    stale = client.post(url, {"version": 1, "decision": "none"})
    assert stale.status_code == 200
    assert "someone changed it after you read it" in stale.content.decode()
    review.refresh_from_db()
    assert review.status == AddressMatchReview.Status.OPEN
    assert client.post(url, {"version": 5, "decision": "none"}).status_code == 302
    review.refresh_from_db()
    assert (review.status, review.uprn) == ("not_in_gazetteer", "")


def test_the_import_history_lists_each_import(client, council, gazetteer):
    import_gazetteer(ROWS[:2], full_refresh=True, source="refresh.csv")
    _signed_in(client, council, "places.search", "places.manage_gazetteer")
    page = client.get(reverse("places:imports")).content.decode()
    assert page.index("refresh.csv") < page.index("test.csv")
    assert "full refresh" in page
