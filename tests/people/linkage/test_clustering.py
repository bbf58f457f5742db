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
