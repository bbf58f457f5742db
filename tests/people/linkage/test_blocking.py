"""Blocking keys: the online index and the batch run find a record's candidates alike."""

from collections import defaultdict

from burgh.people.linkage import blocking_keys, prepare
from burgh.people.linkage import splink_bridge as bridge
from burgh.people.linkage.blocking import BLOCKING_KEYS_SQL
from burgh.people.linkage.synthetic import generate
from tests.people.linkage.records import person

UNUSUAL = [
    {"given_name": "Liz", "family_name": "Liz"},
    {"given_name": "O", "family_name": "Ng", "date_of_birth": "1980-05-12"},
    {"uprn": "000906700001", "given_name": "Ann"},
    {"uprn": "906700001", "given_name": "Ann", "postcode": "KL1 1AA"},
    {"email": "a" * 120 + "@example.org"},
    {"date_of_birth": "1980", "given_name": "Ann", "family_name": "Bell", "postcode": "x"},
    person(address="Flat 2/1, 14 Main Street", given_name="Ruaridh"),
    {},
]


def test_sql_keys_are_the_python_keys():
    records = [*generate(800, seed=4).records, *UNUSUAL]
    rows = [prepare(record) for record in records]
    connection = bridge.connect()
    try:
        bridge.load_table(connection, "features", bridge.features_table(rows))
        found = bridge.run(connection, BLOCKING_KEYS_SQL.format(table="features"))
    finally:
        connection.close()
    by_sql: dict[int, set[str]] = defaultdict(set)
    for rid, key in found:
        by_sql[rid].add(key)
    for rid, row in enumerate(rows):
        assert by_sql.get(rid, set()) == set(blocking_keys(row)), records[rid]


def test_a_record_has_at_most_ten_short_keys():
    keys = blocking_keys(
        prepare(
            {**person(), "identifier": "1905801234", "uprn": "906700001", "given_name": "Liz A"}
        )
    )
    assert len(keys) == len(set(keys)) <= 10
    assert all(len(key) <= 80 for key in keys)


def test_names_written_the_other_way_round_share_a_key():
    born = {"date_of_birth": "1922-02-22"}
    one = blocking_keys(prepare({"given_name": "Lucy", "family_name": "Fitzpatrick", **born}))
    other = blocking_keys(prepare({"given_name": "Fitzpatrick", "family_name": "Lucy", **born}))
    assert set(one) & set(other)


def test_an_initial_at_one_door_shares_a_key():
    one = blocking_keys(prepare(person(given_name="S", family_name="Kelly", email="", phone="")))
    other = blocking_keys(prepare(person(given_name="Susan", family_name="Donaldson")))
    assert any(key.startswith("a:") for key in set(one) & set(other))
