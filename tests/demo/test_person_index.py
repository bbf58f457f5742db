"""The demo's residents reach the person index through `resolve`, from several systems: linked,
reviewed and kept apart as a data steward would expect to find them."""

from collections import Counter, defaultdict

import pytest

from burgh.demo.generator import build_council
from burgh.demo.services import load_demo_council
from burgh.identity.models import User
from burgh.identity.permissions import has_permission
from burgh.people.models import Person, SourceRecord
from tests.clients import page_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    council = build_council(300, 1)
    return council, load_demo_council(council)


def _residents_of_each_person(council) -> dict:
    resident = {(r.system, r.source_id): r.person for r in council.source_records}
    held: dict = defaultdict(set)
    for system, source_id, person_id in SourceRecord.objects.values_list(
        "system__slug", "source_id", "person_id"
    ):
        held[person_id].add(resident[(system, source_id)])
    return held


def test_residents_come_from_six_systems_and_most_records_are_linked(loaded) -> None:
    council, report = loaded

    systems = Counter(SourceRecord.objects.values_list("system__slug", flat=True))
    assert set(systems) == {
        "nhs-chi",
        "council-tax",
        "electoral-register",
        "education",
        "housing",
        "social-work",
    }
    assert sum(systems.values()) == report.source_records == len(council.source_records)
    assert report.linked > report.source_records / 2
    # Each resident is someone in the index, with a golden record that names its sources.
    held = _residents_of_each_person(council)
    assert set().union(*held.values()) == set(range(len(council.people)))
    person = Person.objects.filter(merged_into__isnull=True).exclude(golden={}).first()
    assert person is not None
    assert person.golden["given_name"]["source"].split(":")[0] in systems
    # The demo town is full of traps (twins, fathers and sons of one name): a record that fits
    # two of them goes to review, but most records need no steward.
    assert 0 < report.reviews < report.source_records / 10, "some pairs to review, not most"


def test_twins_and_a_father_and_son_of_one_name_are_never_one_person(loaded) -> None:
    council, _report = loaded
    people = council.people
    index = 0
    pairs = []
    for household in council.households:
        members = list(range(index, index + len(household.members)))
        index += len(household.members)
        for a in members:
            for b in members:
                same_name = (people[a].given_name, people[a].family_name) == (
                    people[b].given_name,
                    people[b].family_name,
                )
                twins = (
                    a < b
                    and people[a].date_of_birth == people[b].date_of_birth
                    and people[a].family_name == people[b].family_name
                )
                if twins or (a < b and same_name):
                    pairs.append((a, b))
    assert pairs, "the demo has twins and fathers and sons of one name"

    held = _residents_of_each_person(council)

    joined = [(a, b) for a, b in pairs if any({a, b} <= residents for residents in held.values())]
    assert joined == [], [(people[a], people[b]) for a, b in joined]


def test_the_data_steward_signs_in_to_the_review_queue(loaded) -> None:
    steward = User.objects.get(email="steward@kinloch.example")
    for permission in (
        "people.review_matches",
        "people.merge_people",
        "people.manage_source_records",
    ):
        assert has_permission(steward, permission)

    response = page_client(steward).get("/people/reviews/")

    assert response.status_code == 200
    assert "Matches to review" in response.content.decode()
