"""Golden records: each field from the right source, a steward's override wins, homes follow."""

import pytest

from burgh.core.errors import InvalidInputError, PermissionDeniedError
from burgh.core.models import OutboxEvent
from burgh.people.models import HouseholdMember, Person
from burgh.people.services import clear_override, golden_view, set_override
from burgh.places.models import Property, Street
from tests.factories import UserFactory
from tests.people.index.conftest import MORAG


def view(person) -> dict[str, tuple]:
    person = Person.objects.get(pk=person.pk)
    return {value.field: (value.value, value.source, value.rule) for value in golden_view(person)}


def test_names_come_from_the_most_trusted_source_and_contacts_from_the_newest(send):
    send(
        "council-tax",
        "CT1",
        days_ago=1,
        **{**MORAG, "given_name": "Moragh", "phone": "01234 111111"},
    )
    health = send("health", "H1", days_ago=30, **{**MORAG, "email": ""})

    golden = view(health.person)

    # Health is trusted more than council tax, however old its record.
    assert golden["given_name"] == ("Morag", "health:H1", "most_trusted")
    # Council tax heard from her more recently.
    assert golden["phone"] == ("01234 111111", "council-tax:CT1", "most_recent")
    assert golden["email"] == (MORAG["email"], "council-tax:CT1", "most_recent")
    person = Person.objects.get(pk=health.person.pk)
    assert person.given_name == "Morag"
    assert person.phone == "01234 111111"


def test_a_whole_date_of_birth_beats_a_trusted_year_alone(send):
    send("council-tax", "CT1", **MORAG)
    health = send("health", "H1", **{**MORAG, "date_of_birth": "1984"})

    assert view(health.person)["date_of_birth"] == ("1984-03-27", "council-tax:CT1", "most_trusted")


def test_equally_trusted_sources_give_way_to_the_newer_record(send, systems):
    send("housing", "HS1", days_ago=10, **MORAG)
    newer = send("housing", "HS2", days_ago=1, **{**MORAG, "family_name": "Campbell-Ross"})

    assert view(newer.person)["family_name"][:2] == ("Campbell-Ross", "housing:HS2")


def test_a_stewards_override_wins_until_cleared(send, steward):
    morag = send("health", "H1", **MORAG)

    set_override(
        morag.person, "date_of_birth", "1984-03-28", actor=steward, reason="Birth certificate."
    )
    send("council-tax", "CT1", days_ago=0, **MORAG)

    assert view(morag.person)["date_of_birth"] == ("1984-03-28", "override", "override")
    assert str(Person.objects.get(pk=morag.person.pk).date_of_birth) == "1984-03-28"
    assert OutboxEvent.objects.filter(
        type="gov.burgh.people.person.updated", data__because="override_set"
    ).exists()

    clear_override(morag.person, "date_of_birth", actor=steward, reason="Wrong certificate.")

    assert view(morag.person)["date_of_birth"] == ("1984-03-27", "health:H1", "most_trusted")


def test_an_override_is_checked(send, steward, kinloch):
    morag = send("health", "H1", **MORAG)
    with pytest.raises(InvalidInputError) as bad:
        set_override(morag.person, "date_of_birth", "28/03/1984", actor=steward, reason="x")
    assert bad.value.errors[0]["pointer"] == "#/value"
    with pytest.raises(InvalidInputError) as no_reason:
        set_override(morag.person, "phone", "01234 567890", actor=steward, reason=" ")
    assert no_reason.value.errors[0]["pointer"] == "#/reason"
    with pytest.raises(PermissionDeniedError):
        set_override(
            morag.person, "phone", "01234", actor=UserFactory(organisation=kinloch), reason="x"
        )


def test_household_membership_follows_the_golden_uprn(send):
    street = Street.objects.create(usrn="34600021", name="Shore Road", town="Ardmhor")
    for uprn in ("134000000101", "134000000102"):
        Property.objects.create(
            uprn=uprn, building_number=uprn[-1], street=street, postcode="KL6 3AA"
        )
    morag = send("health", "H1", days_ago=5, **MORAG, uprn="134000000101")
    first_home = HouseholdMember.objects.get(person=morag.person)
    assert first_home.household.uprn == "134000000101"

    send("council-tax", "CT1", days_ago=0, **MORAG, uprn="134000000102")

    homes = HouseholdMember.objects.filter(person=morag.person).select_related("household")
    current = [m.household.uprn for m in homes if m.moved_out_on is None]
    assert current == ["134000000102"]
    assert HouseholdMember.objects.get(pk=first_home.pk).moved_out_on is not None


def test_a_uprn_the_gazetteer_does_not_know_moves_nobody(send):
    morag = send("health", "H1", **MORAG, uprn="999999999999")

    assert Person.objects.get(pk=morag.person.pk).uprn == "999999999999"
    assert not HouseholdMember.objects.filter(person=morag.person).exists()
