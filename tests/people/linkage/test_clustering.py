"""Constrained clustering: a record that fits two people kept apart by a bar joins neither."""

import pytest

from burgh.people.linkage.clustering import cluster

FATHER, SON, NO_DATE = 1, 2, 0


def _barred(a: int, b: int) -> bool:
    # The father and son: one name, one address, dates of birth decades apart.
    return {a, b} == {FATHER, SON}


@pytest.mark.parametrize(
    ("to_father", "to_son"),
    [(6.0, 5.5), (5.5, 6.0)],
    ids=["closer to the father", "closer to the son"],
)
def test_a_record_that_fits_father_and_son_alike_joins_neither(to_father, to_son):
    # The undated record is position 0, so it would label its cluster: detaching it must still
    # leave the others where they were.
    edges = [(NO_DATE, FATHER, to_father), (NO_DATE, SON, to_son)]

    labels, refused = cluster(3, edges, _barred)

    assert refused == 1
    assert len(set(labels)) == 3


def test_a_record_far_closer_to_one_of_them_joins_that_one():
    edges = [(NO_DATE, FATHER, 12.0), (NO_DATE, SON, 3.0)]

    labels, _refused = cluster(3, edges, _barred)

    assert labels[NO_DATE] == labels[FATHER] != labels[SON]


def test_a_record_a_steward_tied_to_the_father_stays_with_him():
    edges = [(NO_DATE, FATHER, 6.0), (NO_DATE, SON, 5.5)]

    labels, _refused = cluster(3, edges, _barred, must_link=[(NO_DATE, FATHER)])

    assert labels[NO_DATE] == labels[FATHER] != labels[SON]


def test_a_record_still_with_its_earlier_person_stays_when_a_rival_arrives():
    # Last run: the undated record and the father's record were one person (P1). The son's
    # record is new and fits the undated one about as well.
    edges = [(NO_DATE, FATHER, 6.0), (NO_DATE, SON, 5.5)]

    labels, _refused = cluster(3, edges, _barred, previous=["P1", "P1", None])

    assert labels[NO_DATE] == labels[FATHER] != labels[SON]


def _never(a: int, b: int) -> bool:
    return False


def test_a_new_record_alone_never_merges_two_earlier_people():
    # Records 0 and 1 were two people last time; record 2 is new and fits both.
    edges = [(0, 2, 20.0), (1, 2, 15.0)]

    labels, refused = cluster(3, edges, _never, previous=["P1", "P2", None])

    assert labels[2] == labels[0] != labels[1]
    assert refused == 1


def test_earlier_records_that_now_match_still_join():
    # A direct link between two earlier people's records (after retraining, say) merges them.
    edges = [(0, 1, 20.0), (1, 2, 15.0)]

    labels, _refused = cluster(3, edges, _never, previous=["P1", "P2", None])

    assert len(set(labels)) == 1
