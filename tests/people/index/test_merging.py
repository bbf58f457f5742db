"""Merge and unmerge: one id survives, the other redirects, and an unmerge puts back exactly
what the merge took, with restrictions and consents carried over and back."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from burgh.core.errors import ConflictError, PermissionDeniedError
from burgh.core.models import OutboxEvent
from burgh.identity import policy
from burgh.identity.models import (
    ConsentRecord,
    DataSharingAgreement,
    LawfulBasis,
    Purpose,
    RecordRestriction,
)
from burgh.people.models import (
    FamilyRelationship,
    Household,
    HouseholdMember,
    Involvement,
    Lineage,
    LinkLabel,
    Person,
    SourceRecord,
)
from burgh.people.services import (
    current_person,
    merge_people,
    merged_ids,
    move_record,
    relink,
    unmerge,
)
from tests.factories import MembershipFactory, TeamFactory, UserFactory
from tests.people.index.conftest import MORAG
from tests.people.setting import grant

MORAG_TAX = {"given_name": "M", "family_name": "Campbell", "postcode": "KL9 1AA"}


@pytest.fixture
def pair(send):
    """Morag twice: the health record, and a council tax record the model kept apart."""
    morag = send("health", "H1", **MORAG)
    taxed = send("council-tax", "CT1", **MORAG_TAX)
    assert taxed.person.pk != morag.person.pk
    return morag.person, taxed.person


@pytest.fixture
def team(kinloch):
    return TeamFactory(organisation=kinloch, name="Housing support")


def test_a_merge_keeps_the_survivors_id_and_the_other_redirects(pair, steward):
    survivor, other = pair

    lineage = merge_people(survivor, other, actor=steward, reason="Confirmed by phone.")

    assert set(SourceRecord.objects.values_list("person_id", flat=True)) == {survivor.pk}
    assert current_person(other.pk) == survivor
    assert Person.objects.get(pk=other.pk).merged_into_id == survivor.pk
    assert merged_ids(survivor) == [other.pk]
    assert lineage.kind == "merge"
    assert lineage.other_id == other.pk
    event = OutboxEvent.objects.get(type="gov.burgh.people.person.merged")
    assert event.subject == f"people/person/{survivor.pk}"
    assert event.data["retired"] == str(other.pk)
    label = LinkLabel.objects.get()
    assert label.same
    assert label.decided_by == steward


def test_involvements_homes_and_relationships_move_to_the_survivor_and_back(
    pair, steward, team, send
):
    survivor, other = pair
    involvement = Involvement.objects.create(
        person=other, team=team, reason="Rent arrears", started_on=date(2026, 1, 5)
    )
    home = Household.objects.create(uprn="134000000555")
    member = HouseholdMember.objects.create(household=home, person=other)
    son = send(
        "education", "E1", given_name="Calum", family_name="Campbell", date_of_birth="2012-05-01"
    )
    tie = FamilyRelationship.objects.create(
        person=son.person, relative=other, relationship="parent", recorded_by=team
    )

    lineage = merge_people(survivor, other, actor=steward, reason="Same person.")

    assert Involvement.objects.get(pk=involvement.pk).person_id == survivor.pk
    assert HouseholdMember.objects.get(pk=member.pk).person_id == survivor.pk
    assert FamilyRelationship.objects.get(pk=tie.pk).relative_id == survivor.pk

    undone = unmerge(lineage, actor=steward, reason="Two women after all.")

    assert undone.reverses == lineage
    assert Involvement.objects.get(pk=involvement.pk).person_id == other.pk
    assert HouseholdMember.objects.get(pk=member.pk).person_id == other.pk
    assert FamilyRelationship.objects.get(pk=tie.pk).relative_id == other.pk
    assert SourceRecord.objects.get(source_id="CT1").person_id == other.pk
    assert SourceRecord.objects.get(source_id="H1").person_id == survivor.pk
    assert current_person(other.pk) == other
    restored = Person.objects.get(pk=other.pk)
    assert (restored.given_name, restored.postcode) == ("M", "KL9 1AA")
    assert OutboxEvent.objects.filter(
        type="gov.burgh.people.person.unmerged", subject=f"people/person/{other.pk}"
    ).exists()


def test_records_the_survivor_gains_after_a_merge_stay_with_it_on_unmerge(pair, steward, send):
    survivor, other = pair
    lineage = merge_people(survivor, other, actor=steward, reason="Same person.")
    later = send("housing", "HS1", **MORAG)
    assert later.person.pk == survivor.pk

    unmerge(lineage, actor=steward, reason="Not the same.")

    assert SourceRecord.objects.get(source_id="HS1").person_id == survivor.pk
    assert list(SourceRecord.objects.filter(person=other).values_list("source_id", flat=True)) == [
        "CT1"
    ]


def test_an_unmerge_is_remembered_by_later_relinks(pair, steward):
    survivor, other = pair
    lineage = merge_people(survivor, other, actor=steward, reason="Same person.")
    unmerge(lineage, actor=steward, reason="Not the same.")

    relink(actor=steward)

    assert SourceRecord.objects.get(source_id="CT1").person_id == other.pk
    assert SourceRecord.objects.get(source_id="H1").person_id == survivor.pk


def test_a_merge_is_undone_once(pair, steward):
    lineage = merge_people(*pair, actor=steward, reason="Same person.")
    unmerge(lineage, actor=steward, reason="Not the same.")
    with pytest.raises(ConflictError):
        unmerge(lineage, actor=steward, reason="Again.")


def test_retired_people_cannot_be_merged_again(pair, steward, send):
    survivor, other = pair
    merge_people(survivor, other, actor=steward, reason="Same person.")
    third = send(
        "housing", "HS9", given_name="Iain", family_name="Ross", date_of_birth="1950-01-01"
    )
    with pytest.raises(ConflictError) as retired:
        merge_people(third.person, Person.objects.get(pk=other.pk), actor=steward, reason="x")
    assert retired.value.extra["merged_into"] == str(survivor.pk)


def test_merging_needs_the_stewards_permission(pair, kinloch):
    clerk = UserFactory(organisation=kinloch)
    with pytest.raises(PermissionDeniedError):
        merge_people(*pair, actor=clerk, reason="Same person.")


def test_a_restriction_on_the_retired_id_restricts_the_survivor(pair, steward, kinloch, team):
    survivor, other = pair
    reader = UserFactory(organisation=kinloch)
    MembershipFactory(user=reader, team=team)
    grant(reader, "people.view_person")
    Involvement.objects.create(
        person=survivor, team=team, reason="Support", started_on=timezone.localdate()
    )
    named = UserFactory(organisation=kinloch)
    restriction = RecordRestriction.objects.create(
        kind="people.person",
        record_id=other.pk,
        category="protection",
        reason="Witness protection.",
        restricted_by=steward,
        review_on=timezone.localdate() + timedelta(days=90),
    )
    restriction.named_users.set([named])
    assert policy.why(reader, "people.person", survivor.pk).allowed

    lineage = merge_people(survivor, other, actor=steward, reason="Same person.")

    assert not policy.why(reader, "people.person", survivor.pk).allowed
    # Never dropped: the retired id stays restricted too.
    assert RecordRestriction.objects.filter(record_id=other.pk, lifted_at__isnull=True).exists()
    carried = RecordRestriction.objects.get(record_id=survivor.pk, lifted_at__isnull=True)
    assert list(carried.named_users.all()) == [named]

    unmerge(lineage, actor=steward, reason="Not the same.")

    assert policy.why(reader, "people.person", survivor.pk).allowed
    assert RecordRestriction.objects.filter(record_id=other.pk, lifted_at__isnull=True).exists()


def test_two_restrictions_naming_nobody_in_common_block_the_merge(pair, steward, kinloch):
    for person in pair:
        restriction = RecordRestriction.objects.create(
            kind="people.person",
            record_id=person.pk,
            category="other",
            reason="Staff member.",
            restricted_by=steward,
            review_on=timezone.localdate() + timedelta(days=90),
        )
        restriction.named_users.set([UserFactory(organisation=kinloch)])

    with pytest.raises(ConflictError):
        merge_people(*pair, actor=steward, reason="Same person.")
    assert Person.objects.get(pk=pair[1].pk).merged_into_id is None


def test_consent_given_under_the_retired_id_also_covers_the_survivor(pair, steward):
    survivor, other = pair
    today = timezone.localdate()
    agreement = DataSharingAgreement.objects.create(
        reference="DSA-1",
        title="Discharge",
        purpose=Purpose.HEALTH_AND_SOCIAL_CARE,
        lawful_basis=LawfulBasis.CONSENT,
        shared_fields={"people.person": ["given_name"]},
        starts_on=today,
        review_on=today + timedelta(days=300),
        responsible_officer=steward,
    )
    ConsentRecord.objects.create(
        person_id=other.pk,
        agreement=agreement,
        basis=LawfulBasis.CONSENT,
        purpose=agreement.purpose,
        given_by="the resident",
        recorded_by=steward,
    )

    lineage = merge_people(survivor, other, actor=steward, reason="Same person.")

    live = ConsentRecord.objects.filter(ended_at__isnull=True)
    assert set(live.values_list("person_id", flat=True)) == {survivor.pk, other.pk}

    unmerge(lineage, actor=steward, reason="Not the same.")

    assert set(live.values_list("person_id", flat=True)) == {other.pk}


def test_a_record_split_out_becomes_its_own_person_and_stays_out(send, steward):
    morag = send("health", "H1", **MORAG)
    send("council-tax", "CT1", **MORAG)
    record = SourceRecord.objects.get(source_id="CT1")
    assert record.person_id == morag.person.pk

    lineage = move_record(record, None, actor=steward, reason="Her namesake next door.")

    record.refresh_from_db()
    assert record.person_id != morag.person.pk
    assert record.link_method == "manual"
    assert lineage.kind == Lineage.Kind.MOVE
    assert lineage.other_id == morag.person.pk
    assert OutboxEvent.objects.filter(
        type="gov.burgh.people.person.created", subject=f"people/person/{record.person_id}"
    ).exists()
    relink(actor=steward)
    assert SourceRecord.objects.get(source_id="CT1").person_id == record.person_id
    assert SourceRecord.objects.get(source_id="H1").person_id == morag.person.pk


def test_a_persons_only_record_is_not_split(send, steward):
    morag = send("health", "H1", **MORAG)
    with pytest.raises(ConflictError):
        move_record(SourceRecord.objects.get(), None, actor=steward, reason="x")
    assert SourceRecord.objects.get().person_id == morag.person.pk


def test_current_person_says_when_there_is_nobody(db):
    with pytest.raises(Person.DoesNotExist):
        current_person("not-an-id")
    with pytest.raises(Person.DoesNotExist):
        current_person("6f1c2b8e-0000-4000-8000-000000000000")
