"""assign_stable_ids: person ids keep their meaning across linkage runs."""

import itertools

import pytest

from burgh.people.linkage import assign_stable_ids


def _counter(prefix="new"):
    numbers = itertools.count(1)
    return lambda: f"{prefix}-{next(numbers)}"


def test_unchanged_clusters_keep_their_ids_and_new_ones_get_fresh_ids():
    previous = {"a": "P1", "b": "P1", "c": "P2"}
    clusters = {"a": 7, "b": 7, "c": 3, "d": 9}
    assert assign_stable_ids(clusters, previous, _counter()) == {
        "a": "P1",
        "b": "P1",
        "c": "P2",
        "d": "new-1",
    }


def test_a_split_leaves_the_id_with_the_larger_part():
    previous = {"a": "P1", "b": "P1", "c": "P1"}
    ids = assign_stable_ids({"a": 1, "b": 1, "c": 2}, previous, _counter())
    assert ids == {"a": "P1", "b": "P1", "c": "new-1"}


def test_a_merge_keeps_the_id_most_members_held_and_never_reuses_it():
    previous = {"a": "P1", "b": "P2", "c": "P2"}
    ids = assign_stable_ids({"a": 1, "b": 1, "c": 1}, previous, _counter())
    assert set(ids.values()) == {"P2"}


def test_ties_are_decided_the_same_way_every_time():
    previous = {"a": "P1", "b": "P2"}
    first = assign_stable_ids({"a": 1, "b": 1}, previous, _counter())
    second = assign_stable_ids({"b": 5, "a": 5}, previous, _counter())
    assert first == second == {"a": "P1", "b": "P1"}


def test_no_id_is_given_to_two_clusters():
    previous = {"a": "P1", "b": "P1"}
    ids = assign_stable_ids({"a": 1, "b": 2}, previous, _counter())
    assert sorted(ids.values()) == ["P1", "new-1"]


def test_a_new_id_that_is_already_in_use_is_refused():
    with pytest.raises(ValueError, match="already in use"):
        assign_stable_ids({"a": 1, "b": 2}, {"a": "P1"}, lambda: "P1")
