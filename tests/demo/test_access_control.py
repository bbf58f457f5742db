"""The demo council shows access control at work: each sign-in sees what its role allows."""

import pytest

from burgh.demo.generator import build_council
from burgh.demo.services import load_demo_council
from burgh.identity import policy
from burgh.identity.models import (
    AccessLogEntry,
    ConsentRecord,
    DataSharingAgreement,
    Purpose,
    RecordRestriction,
    User,
)
from burgh.people.access import DIRECTORY_FIELDS, PERSON
from burgh.people.models import Involvement, Person

pytestmark = pytest.mark.django_db

SOCIAL_WORKER = "socialworker@kinloch.example"
PARTNER = "partner@nhs-kinloch.example"


@pytest.fixture
def loaded():
    council = build_council(400, 1)
    return council, load_demo_council(council)


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _allocated_to(email: str) -> set:
    return set(
        Involvement.objects.filter(worker__email=email, ended_on__isnull=True).values_list(
            "person_id", flat=True
        )
    )


def test_the_social_worker_sees_their_own_people_in_full(loaded) -> None:
    mine = _allocated_to(SOCIAL_WORKER)
    assert len(mine) >= 5
    visible = policy.visible(_user(SOCIAL_WORKER), PERSON, purpose=Purpose.SERVICE_DELIVERY)
    rows = {person.pk: person for person in visible.queryset.filter(pk__in=mine)}
    assert set(rows) == mine
    for person in rows.values():
        assert {"phone", "email", "involvements"} <= visible.fields(person)
    # Everybody else they find in the directory shows only enough to tell people apart.
    stranger = visible.queryset.exclude(involvements__isnull=False).first()
    assert stranger is not None
    assert visible.fields(stranger) == frozenset(DIRECTORY_FIELDS)


def test_the_caseworker_and_team_leader_have_people_of_their_own(loaded) -> None:
    assert len(_allocated_to("caseworker@kinloch.example")) >= 5
    leader = _user("teamleader@kinloch.example")
    visible = policy.visible(leader, PERSON, purpose=Purpose.SERVICE_DELIVERY)
    team_people = Involvement.objects.filter(
        team__slug="children-and-families-north", ended_on__isnull=True
    ).values_list("person_id", flat=True)
    full = [p for p in visible.queryset.filter(pk__in=team_people) if "phone" in visible.fields(p)]
    # The team's open work, less the adoption restricted to the allocated social worker.
    assert len(full) == len(set(team_people)) - 1


def test_the_partner_sees_only_consenting_residents_and_only_the_shared_fields(loaded) -> None:
    partner = _user(PARTNER)
    visible = policy.visible(partner, PERSON, purpose=Purpose.HEALTH_AND_SOCIAL_CARE)
    seen = list(visible.queryset)
    consenting = set(
        ConsentRecord.objects.filter(ended_at__isnull=True).values_list("person_id", flat=True)
    )
    cared_for = set(
        Involvement.objects.filter(
            team__slug="community-health", ended_on__isnull=True
        ).values_list("person_id", flat=True)
    )
    assert seen
    assert {person.pk for person in seen} == consenting & cared_for
    for person in seen:
        assert visible.fields(person) == {
            "given_name",
            "family_name",
            "date_of_birth",
            "address",
            "phone",
        }
    withdrawn = ConsentRecord.objects.get(ended_at__isnull=False)
    assert withdrawn.person_id in cared_for
    assert withdrawn.person_id not in {person.pk for person in seen}
    # The same partner stating another purpose sees nobody under the consent-based agreement.
    assert not policy.visible(partner, PERSON, purpose=Purpose.SERVICE_DELIVERY).queryset.exists()
    # For safeguarding, the protection agreement (public task) shares every resident of the
    # team, consent or not, but not their phone number.
    protecting = policy.visible(partner, PERSON, purpose=Purpose.SAFEGUARDING)
    assert {person.pk for person in protecting.queryset} == cared_for
    assert all("phone" not in protecting.fields(person) for person in protecting.queryset)


def test_the_agreements_name_the_partner_and_the_information_governance_officer(loaded) -> None:
    agreement = DataSharingAgreement.objects.get(reference="DSA-2026-001")
    assert agreement.needs_consent
    assert agreement.in_force()
    assert [o.name for o in agreement.partners.all()] == ["NHS Kinloch and Glens"]
    assert agreement.responsible_officer.email == "igofficer@kinloch.example"


def test_a_restricted_resident_does_not_exist_for_the_adviser(loaded) -> None:
    adviser = _user("adviser@kinloch.example")
    restricted = set(RecordRestriction.objects.values_list("record_id", flat=True))
    assert len(restricted) == 3
    visible = policy.visible(adviser, PERSON, purpose=Purpose.SERVICE_DELIVERY)
    assert not visible.queryset.filter(pk__in=restricted).exists()
    assert visible.queryset.count() == Person.objects.count() - 3
    with pytest.raises(policy.RecordNotFoundError):
        policy.read(adviser, PERSON, next(iter(restricted)), purpose=Purpose.SERVICE_DELIVERY)
    # The refusal is on the record for information governance, though the adviser saw nothing.
    assert AccessLogEntry.objects.filter(user=adviser, outcome="refused").count() == 1


def test_the_social_worker_named_on_an_adoption_still_sees_it(loaded) -> None:
    adoption = RecordRestriction.objects.get(category="adoption")
    assert list(adoption.named_users.values_list("email", flat=True)) == [SOCIAL_WORKER]
    person, decision = policy.read(
        _user(SOCIAL_WORKER), PERSON, adoption.record_id, purpose=Purpose.SERVICE_DELIVERY
    )
    assert person.pk == adoption.record_id
    assert "phone" in decision.fields
