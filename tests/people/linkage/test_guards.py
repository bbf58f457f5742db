"""conflict: twins, two generations of one name, and spouses are never one person."""

import pytest

from burgh.people.linkage import conflict
from tests.people.linkage.records import features


def test_twins_same_surname_birthday_and_address_different_forenames():
    reason = conflict(features(given_name="Elizabeth"), features(given_name="Margaret"))
    assert reason is not None
    assert reason.startswith("twins")


def test_twins_of_opposite_sex_with_alike_names():
    mark = features(given_name="Mark", sex="M")
    mary = features(given_name="Mary", sex="F")
    assert "different sex" in (conflict(mark, mary) or "")


def test_father_and_son_of_one_name_at_one_address():
    father = features(given_name="John", date_of_birth="1952-03-02", sex="M")
    son = features(given_name="John", date_of_birth="1979-10-21", sex="M", email="")
    assert "generations" in (conflict(father, son) or "")
    # Only a year known for one of them changes nothing.
    assert "generations" in (
        conflict(father, features(given_name="Jack", date_of_birth="1979")) or ""
    )


def test_brothers_given_one_name_a_few_years_apart():
    older = features(given_name="Christian", date_of_birth="2012-05-04", sex="M")
    younger = features(given_name="Christian", date_of_birth="2021-05-10", sex="M")
    assert "siblings" in (conflict(older, younger) or "")
    # A mistyped year is a slip, not a brother.
    assert conflict(older, features(given_name="Christian", date_of_birth="2021-05-04")) is None


def test_spouses_same_address_and_family_name():
    wife = features(given_name="Elizabeth", date_of_birth="1980-05-12")
    husband = features(given_name="Donald", date_of_birth="1978-11-03", sex="M")
    assert "spouses" in (conflict(wife, husband) or "")


@pytest.mark.parametrize(
    "changes",
    [
        {"given_name": "Betty"},
        {"given_name": "Elspeth"},
        {"given_name": "Elizabteh"},
        {"date_of_birth": "1980-12-05"},
        {"date_of_birth": "1908-05-12"},
        {"date_of_birth": "1980"},
        {"family_name": "Smith"},
        {"given_name": "E", "date_of_birth": "1981-05-12"},
        {"sex": "M"},
        {"given_name": "", "date_of_birth": ""},
    ],
)
def test_the_usual_slips_are_not_barred(changes):
    assert conflict(features(), features(**changes)) is None


def test_conflict_is_symmetric():
    a, b = features(given_name="John", date_of_birth="1952-03-02"), features(given_name="John")
    assert (conflict(a, b) is None) == (conflict(b, a) is None)
