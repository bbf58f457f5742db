"""Importing households: people in households at UPRNs the gazetteer holds."""

from datetime import date

import pytest

from burgh.core.errors import InvalidInputError
from burgh.core.models import AuditEntry
from burgh.people.models import HouseholdMember, Person
from burgh.people.services import NewHousehold, NewResident, households_at, import_households
from burgh.places.services import import_gazetteer

pytestmark = pytest.mark.django_db

HOME = "134000000001"


@pytest.fixture(autouse=True)
def gazetteer() -> None:
    row = {
        "uprn": HOME,
        "organisation": "",
        "sub_building": "Flat 0/1",
        "building_name": "",
        "building_number": "3",
        "street": "Mill Lane",
        "locality": "",
        "town": "Ardmhor",
        "postcode": "KL6 2AB",
        "usrn": "34600020",
    }
    import_gazetteer([row, {**row, "uprn": "134000000002", "sub_building": "Flat 0/2"}])
    import_gazetteer([row], full_refresh=True)


def test_a_household_and_its_people_are_added() -> None:
    report = import_households(
        [
            NewHousehold(
                uprn=HOME,
                moved_in_on=date(2015, 5, 1),
                members=[
                    NewResident("Iain", "MacLeod", date(1960, 2, 3), relationship="householder"),
                    NewResident("Iain", "MacLeod", date(1990, 7, 9), relationship="child"),
                ],
            )
        ]
    )
    assert (report.households, report.people, report.members) == (1, 2, 2)
    (household,) = households_at(HOME)
    assert sorted(p.date_of_birth.year for p in household.members.all()) == [1960, 1990]
    assert set(HouseholdMember.objects.values_list("moved_in_on", flat=True)) == {date(2015, 5, 1)}
    assert AuditEntry.objects.get(action="people.households_imported").detail["people"] == 2


def test_households_at_unknown_or_retired_uprns_are_refused() -> None:
    retired = NewHousehold("134000000002", [NewResident("Morag", "Stewart")])
    unknown = NewHousehold("999", [NewResident("Morag", "Stewart")])
    with pytest.raises(InvalidInputError, match="134000000002, 999"):
        import_households([NewHousehold(HOME, [NewResident("Ewan", "Ross")]), retired, unknown])
    assert Person.objects.count() == 0


def test_an_empty_household_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="at least one person"):
        import_households([NewHousehold(HOME, [])])
