"""The contact-centre search: ranked golden records, through the access policy."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from burgh.core.errors import InvalidInputError
from burgh.identity.models import RecordRestriction
from burgh.people.services import merge_people, rank_people
from tests.factories import UserFactory
from tests.people.index.conftest import MORAG
from tests.people.setting import grant


@pytest.fixture
def town(send):
    """Morag, her namesake in another town, a Smith family, and someone unrelated."""
    return {
        "morag": send("health", "H1", **MORAG).person,
        "namesake": send(
            "health",
            "H2",
            given_name="Morag",
            family_name="Campbell",
            date_of_birth="1961-10-02",
            address="22 High Street, Portree",
            postcode="KL9 4ZZ",
        ).person,
        "john": send(
            "council-tax",
            "CT1",
            given_name="John",
            family_name="Smith",
            date_of_birth="1958-06-01",
            address="12 Harbour Street",
            postcode="KL6 1AA",
        ).person,
        "ewan": send(
            "housing",
            "HS1",
            given_name="Ewan",
            family_name="MacDonald",
            date_of_birth="1971-11-02",
            address="5 Kirk Brae",
            postcode="KL3 7QT",
        ).person,
    }


@pytest.fixture
def adviser(kinloch):
    user = UserFactory(organisation=kinloch, full_name="Calum Boyd")
    grant(user, "people.search")
    return user


def found(rows):
    return [row.person.pk for row in rows]


def test_a_misspelt_name_still_finds_the_right_person_first(town, adviser):
    rows = rank_people(adviser, name="Morag Cambell")

    assert found(rows)[:2] in (
        [town["morag"].pk, town["namesake"].pk],
        [town["namesake"].pk, town["morag"].pk],
    )
    assert town["john"].pk not in found(rows)


def test_a_date_of_birth_puts_the_right_namesake_first(town, adviser):
    rows = rank_people(adviser, name="Morag Campbell", date_of_birth=date(1961, 10, 2))

    assert found(rows)[0] == town["namesake"].pk
    assert rows[0].score > rows[-1].score


def test_a_postcode_or_part_of_an_address_alone_finds_the_resident(town, adviser):
    assert found(rank_people(adviser, postcode="kl6 1aa")) == [town["john"].pk]
    by_address = rank_people(adviser, address="5 Kirk Brae")
    assert found(by_address)[0] == town["ewan"].pk


def test_nicknames_find_the_full_name(send, adviser):
    sandy = send(
        "health", "H9", given_name="Alexander", family_name="Ross", date_of_birth="1990-04-04"
    )

    assert found(rank_people(adviser, name="Sandy Ross", date_of_birth=date(1990, 4, 4))) == [
        sandy.person.pk
    ]


def test_someone_with_no_search_permission_finds_nobody(town, kinloch):
    stranger = UserFactory(organisation=kinloch)
    assert rank_people(stranger, name="Morag Campbell") == []


def test_a_restricted_person_is_not_found(town, adviser, steward):
    restriction = RecordRestriction.objects.create(
        kind="people.person",
        record_id=town["john"].pk,
        category="high_profile",
        reason="Councillor.",
        restricted_by=steward,
        review_on=timezone.localdate() + timedelta(days=30),
    )
    restriction.named_users.set([steward])

    assert rank_people(adviser, name="John Smith") == []


def test_a_search_never_matches_on_a_field_the_reader_cannot_see(town, kinloch, db):
    from burgh.identity.models import (
        DataSharingAgreement,
        LawfulBasis,
        Organisation,
        Purpose,
    )
    from burgh.people.models import Involvement
    from tests.factories import MembershipFactory, OrganisationFactory, TeamFactory

    nhs = OrganisationFactory(name="NHS Kinloch", slug="nhs", kind=Organisation.Kind.HEALTH)
    nurse = UserFactory(organisation=nhs)
    ward = TeamFactory(organisation=nhs, name="Ward 3")
    MembershipFactory(user=nurse, team=ward)
    grant(nurse, "people.view_person")
    today = timezone.localdate()
    agreement = DataSharingAgreement.objects.create(
        reference="DSA-9",
        title="Discharge",
        purpose=Purpose.HEALTH_AND_SOCIAL_CARE,
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        shared_fields={"people.person": ["given_name", "family_name"]},
        starts_on=today,
        review_on=today + timedelta(days=300),
        responsible_officer=UserFactory(organisation=kinloch),
    )
    agreement.partners.set([nhs])
    Involvement.objects.create(person=town["ewan"], team=ward, reason="Discharge", started_on=today)
    care = Purpose.HEALTH_AND_SOCIAL_CARE

    # The nurse may see Ewan's name, not his date of birth or address.
    assert found(rank_people(nurse, name="Ewan MacDonald", purpose=care)) == [town["ewan"].pk]
    assert rank_people(nurse, date_of_birth=date(1971, 11, 2), purpose=care) == []
    assert rank_people(nurse, postcode="KL3 7QT", purpose=care) == []
    rows = rank_people(nurse, name="Ewan MacDonald", purpose=care)
    assert rows[0].fields == frozenset({"given_name", "family_name"})


def test_retired_ids_are_not_listed(town, adviser, steward, send):
    again = send("council-tax", "CT7", given_name="J", family_name="Smith", postcode="KL6 1AA")
    merge_people(town["john"], again.person, actor=steward, reason="Same man.")

    assert found(rank_people(adviser, postcode="KL6 1AA")) == [town["john"].pk]


def test_a_bad_search_is_refused_with_the_field(adviser, db):
    with pytest.raises(InvalidInputError) as bad:
        rank_people(adviser, name="Morag", limit=0)
    assert bad.value.errors[0]["pointer"] == "#/limit"
    assert rank_people(adviser) == []
