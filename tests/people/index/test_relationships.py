"""Family relationships recorded by a service between two people in the index."""

from datetime import date

import pytest

from burgh.core.errors import ConflictError, InvalidInputError
from burgh.core.models import OutboxEvent
from burgh.identity import policy
from burgh.people.models import Involvement
from burgh.people.services import end_relationship, record_relationship, relationships_of
from tests.factories import MembershipFactory, TeamFactory, UserFactory
from tests.people.index.conftest import MORAG
from tests.people.setting import grant


@pytest.fixture
def family(send, kinloch):
    team = TeamFactory(organisation=kinloch, name="Children and families")
    worker = UserFactory(organisation=kinloch)
    MembershipFactory(user=worker, team=team)
    grant(worker, "people.view_person", "people.change_person")
    mother = send("health", "H1", **MORAG).person
    son = send(
        "education", "E1", given_name="Calum", family_name="Campbell", date_of_birth="2014-02-11"
    ).person
    for person in (mother, son):
        Involvement.objects.create(
            person=person, team=team, reason="Family support", started_on=date(2026, 1, 5)
        )
    return team, worker, mother, son


def test_a_worker_records_and_ends_a_relationship(family):
    team, worker, mother, son = family

    tie = record_relationship(son, mother, "parent", team=team, actor=worker)

    assert relationships_of(son) == [tie]
    assert relationships_of(mother) == [tie]
    assert OutboxEvent.objects.filter(
        type="gov.burgh.people.familyrelationship.recorded", subject=f"people/person/{son.pk}"
    ).exists()

    end_relationship(tie, actor=worker, ended_on=date(2026, 6, 1))

    assert relationships_of(son) == []
    assert relationships_of(son, current_only=False) == [tie]


def test_a_relationship_is_checked(family):
    team, worker, mother, son = family
    with pytest.raises(InvalidInputError) as bad:
        record_relationship(son, son, "cousin", team=team, actor=worker)
    pointers = {error["pointer"] for error in bad.value.errors}
    assert pointers == {"#/relationship", "#/relative"}
    record_relationship(son, mother, "parent", team=team, actor=worker)
    with pytest.raises(ConflictError):
        record_relationship(son, mother, "parent", team=team, actor=worker)


def test_a_worker_with_no_relationship_to_the_person_cannot_record_one(family, kinloch):
    team, _worker, mother, son = family
    outsider = UserFactory(organisation=kinloch)
    MembershipFactory(user=outsider, team=team)
    grant(outsider, "people.search")
    with pytest.raises(policy.AccessRefusedError):
        record_relationship(son, mother, "parent", team=team, actor=outsider)
