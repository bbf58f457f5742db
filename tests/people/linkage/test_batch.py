"""link_records: batch linkage of realistic records into people, with the guards held."""

import itertools
from collections import defaultdict

import pytest

from burgh.people.linkage import InvalidRecord, Model, conflict, link_records, prepare
from tests.people.linkage.records import person

ELIZABETH = [
    {"key": "ct:1", **person()},
    {
        "key": "hs:9",
        **person(
            given_name="Liz",
            family_name="McDonald",
            date_of_birth="1980-12-05",
            address="14 Main Street 2F1",
        ),
    },
    {
        "key": "ed:7",
        **person(
            given_name="Beth",
            date_of_birth="1980",
            phone="+44 7700 900123",
            address="2/1 14 Main Street, Kinloch",
            email="",
        ),
    },
    {
        "key": "er:3",
        **person(given_name="Elizabeth Anne", date_of_birth="", sex="", email="", phone=""),
    },
]
# Who else lives at the door: her twin, her father of the same family name, her husband.
HOUSEHOLD = [
    {"key": "nhs:5", **person(given_name="Margaret", email="", phone="07700 900999")},
    {
        "key": "nhs:6",
        **person(given_name="Donald", date_of_birth="1951-02-17", sex="M", email="", phone=""),
    },
    {
        "key": "ct:2",
        **person(given_name="Alasdair", date_of_birth="1978-09-30", sex="M", email="", phone=""),
    },
]
# A man who moved: his mobile number went with him.
MOVED = [
    {
        "key": "hs:20",
        "given_name": "Robert",
        "family_name": "Paterson",
        "date_of_birth": "1962-03-14",
        "address": "8 Ness Ave",
        "postcode": "KL4 5PD",
        "phone": "+44 7311 222333",
    },
    {
        "key": "sw:21",
        "given_name": "Rab",
        "family_name": "Paterson",
        "date_of_birth": "1962-03-14",
        "address": "Flat 1/2, 30 Well Place",
        "postcode": "KL3 3DE",
        "phone": "07311 222333",
    },
]


def _people(result):
    groups = defaultdict(set)
    for key, cluster in result.clusters.items():
        groups[cluster].add(key)
    return sorted(groups.values(), key=min)


@pytest.fixture(scope="module")
def model():
    return Model.default()


def test_one_resident_in_many_systems_is_one_person_and_her_household_is_not(model):
    result = link_records([*ELIZABETH, *HOUSEHOLD, *MOVED], model)
    people = _people(result)
    assert {"ct:1", "hs:9", "ed:7", "er:3"} in people
    assert {"hs:20", "sw:21"} in people
    for key in ("nhs:5", "nhs:6", "ct:2"):
        assert {key} in people
    assert result.pairs_scored >= 10


def test_no_cluster_ever_holds_two_records_that_conflict(model):
    # A record with no date of birth looks like both the father and the son: it may join one
    # of them, never both.
    records = [
        {
            "key": "a",
            "given_name": "John",
            "family_name": "Gibson",
            "date_of_birth": "1952-03-02",
            "address": "9 North Lane",
            "postcode": "KL5 0HS",
            "sex": "M",
        },
        {
            "key": "b",
            "given_name": "John",
            "family_name": "Gibson",
            "date_of_birth": "1979-10-21",
            "address": "9 North Lane",
            "postcode": "KL5 0HS",
            "sex": "M",
        },
        {
            "key": "c",
            "given_name": "John",
            "family_name": "Gibson",
            "address": "9 North Lane, Inverbrae",
            "postcode": "KL5 0HS",
        },
        {
            "key": "d",
            "given_name": "Jack",
            "family_name": "Gibson",
            "address": "9 North Lane",
            "postcode": "KL50HS",
            "sex": "M",
        },
    ]
    result = link_records(records, model)
    features = {r["key"]: prepare(r) for r in records}
    for group in _people(result):
        for a, b in itertools.combinations(group, 2):
            assert conflict(features[a], features[b]) is None, (a, b)
    assert result.clusters["a"] != result.clusters["b"]


def test_stewards_decisions_hold(model):
    records = [*ELIZABETH, *HOUSEHOLD]
    result = link_records(
        records, model, cannot_link=[("ct:1", "hs:9")], must_link=[("ct:1", "ct:2")]
    )
    assert result.clusters["ct:1"] != result.clusters["hs:9"]
    assert result.clusters["ct:1"] == result.clusters["ct:2"]


def test_previous_ids_are_kept_and_new_people_get_new_ids(model):
    first = link_records(ELIZABETH, model)
    previous = dict.fromkeys(first.clusters, "P-ELIZABETH")
    numbers = itertools.count(1)
    again = link_records(
        [*ELIZABETH, *MOVED], model, previous=previous, new_id=lambda: f"P-NEW-{next(numbers)}"
    )
    assert {again.clusters[r["key"]] for r in ELIZABETH} == {"P-ELIZABETH"}
    assert again.clusters["hs:20"] == again.clusters["sw:21"] == "P-NEW-1"


def test_pairs_between_the_thresholds_come_back_for_review(model):
    review = model.with_thresholds(match_weight=60.0, review_weight=0.0)
    result = link_records(ELIZABETH[:2], review)
    assert result.clusters["ct:1"] != result.clusters["hs:9"]
    [pair] = result.review_pairs
    assert {pair.left, pair.right} == {"ct:1", "hs:9"}
    score = pair.score
    assert 0.0 <= score.weight < 60.0
    assert score.weight == pytest.approx(pair.weight, abs=1e-6)
    assert any("Liz and Elizabeth" in level.label for level in score.levels)


def test_a_bad_record_is_named(model):
    with pytest.raises(InvalidRecord) as raised:
        link_records([{"key": "x", "date_of_birth": "31/01/1980"}], model)
    assert raised.value.field == "date_of_birth"
    assert "record x" in raised.value.reason
    with pytest.raises(InvalidRecord, match="appears twice"):
        link_records([{"key": "x"}, {"key": "x"}], model)
    with pytest.raises(ValueError, match="not among the records"):
        link_records(ELIZABETH, model, must_link=[("ct:1", "nobody")])


def test_no_records_and_one_record(model):
    assert link_records([], model).clusters == {}
    assert link_records(ELIZABETH[:1], model).clusters == {"ct:1": "ct:1"}


def test_a_relink_compares_again_the_records_it_had_as_one_person(model):
    first = link_records(ELIZABETH, model)
    assert len(set(first.clusters.values())) == 1
    previous = dict.fromkeys(first.clusters, "P-ELIZABETH")

    # Blocks too small to give any pair: only her earlier person brings the records together.
    again = link_records(
        ELIZABETH, model, previous=previous, new_id=lambda: "P-NEW", max_block_size=1
    )

    assert set(again.clusters.values()) == {"P-ELIZABETH"}


def test_strong_pairs_kept_apart_come_back_for_review(model):
    # Her twin sister and she are two people; a record that fits both joins one of them and
    # its pair with the other is a steward's question.
    margaret = HOUSEHOLD[0]
    undated = {"key": "er:30", **person(given_name="", date_of_birth="", email="", phone="")}
    result = link_records([ELIZABETH[0], margaret, undated], model)

    assert result.clusters["ct:1"] != result.clusters["nhs:5"]
    reviewed = {frozenset((pair.left, pair.right)) for pair in result.review_pairs}
    assert reviewed & {frozenset(("er:30", "ct:1")), frozenset(("er:30", "nhs:5"))}
