"""prepare: one record's attributes made comparable; blocking keys that survive the usual slips."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from burgh.people.linkage import FIELDS, InvalidRecord, blocking_keys, prepare
from burgh.people.linkage.features import FEATURE_KEYS

LIZ = {
    "given_name": "Elizabeth",
    "family_name": "MacDonald",
    "date_of_birth": "1980-05-12",
    "sex": "F",
    "address": "Flat 2/1, 14 Main St",
    "postcode": "G12 8QQ",
    "email": "Liz.MacDonald@Example.org ",
    "phone": "07700 900123",
}


def test_features_are_json_and_deterministic():
    features = prepare(LIZ)
    assert tuple(features) == FEATURE_KEYS
    assert json.loads(json.dumps(features)) == features
    assert prepare(dict(LIZ)) == features


def test_blank_and_missing_attributes_are_unknown():
    features = prepare({})
    assert features["given"] == ""
    assert features["dob"] == ""
    assert features["dob_year"] is None
    assert blocking_keys(features) == []
    assert set(FIELDS) <= set(LIZ)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("07700 900123", "07700900123"),
        ("+44 7700 900123", "07700900123"),
        ("0044 (0)7700 900123", "07700900123"),
        ("+353 1 234 5678", "+35312345678"),
    ],
)
def test_uk_phone_numbers_in_national_form(written, expected):
    assert prepare({"phone": written})["phone"] == expected


def test_sex_codes():
    assert [prepare({"sex": s})["sex"] for s in ("M", "female", "2", "", "unknown", "X")] == [
        "m",
        "f",
        "f",
        "",
        "",
        "x",
    ]


@pytest.mark.parametrize(
    ("dob", "reason"),
    [
        ("12/05/1980", "not a date"),
        ("1980-02-30", "not a date in the calendar"),
        ("2999-01-01", "in the future"),
        ("1066", "before"),
        ("1980-5-1", "not a date"),
    ],
)
def test_bad_dates_of_birth_name_the_field(dob, reason):
    with pytest.raises(InvalidRecord) as raised:
        prepare({"date_of_birth": dob})
    assert raised.value.field == "date_of_birth"
    assert reason in raised.value.reason


def test_year_only_date_of_birth():
    features = prepare({"date_of_birth": "1980"})
    assert features["dob"] == "1980"
    assert features["dob_year"] == 1980


def test_non_text_attribute_is_invalid():
    with pytest.raises(InvalidRecord) as raised:
        prepare({"given_name": 12})  # type: ignore[dict-item]
    assert raised.value.field == "given_name"


def _shared(a, b):
    return set(blocking_keys(prepare(a))) & set(blocking_keys(prepare(b)))


def test_a_true_match_shares_a_key_through_nickname_swap_and_move():
    moved = {
        **LIZ,
        "given_name": "Betty",
        "date_of_birth": "1980-12-05",
        "address": "3 Rose Cres",
        "postcode": "EH1 1AB",
        "email": "",
        "phone": "",
    }
    assert _shared(LIZ, moved)


def test_a_married_name_shares_a_key_through_given_name_and_date():
    married = {
        **LIZ,
        "family_name": "Smith",
        "address": "",
        "postcode": "",
        "email": "",
        "phone": "",
    }
    assert _shared(LIZ, married)


@given(st.dictionaries(st.sampled_from(FIELDS), st.text(max_size=120)))
def test_keys_are_short_and_few(attrs):
    attrs.pop("date_of_birth", None)
    keys = blocking_keys(prepare(attrs))
    assert len(keys) <= 10
    assert all(len(key) <= 80 for key in keys)
