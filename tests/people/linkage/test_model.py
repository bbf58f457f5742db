"""Model.score: the weight of evidence, what each comparison added, and the model file."""

import json

import pytest

from burgh.people.linkage import InvalidModelError, Model, prepare
from burgh.people.linkage.comparisons import COMPARISONS
from tests.people.linkage.records import LIZ, features, person


@pytest.fixture(scope="module")
def model():
    return Model.default()


def _label(score, comparison):
    return next(level.label for level in score.levels if level.comparison == comparison)


def test_same_person_scores_above_match_threshold_with_every_comparison_explained(model):
    score = model.score(features(), features(given_name="Liz", family_name="McDonald"))
    assert score.weight >= model.match_weight
    assert score.probability > 0.99
    assert [level.comparison for level in score.levels] == [c.name for c in COMPARISONS]
    assert "forms of one name" in _label(score, "given_name")
    assert _label(score, "family_name").startswith("family names agree")


def test_strangers_score_below_review_threshold(model):
    stranger = prepare(
        {
            "given_name": "Hamish",
            "family_name": "Nicolson",
            "date_of_birth": "1952-01-30",
            "postcode": "IV1 1AA",
            "address": "8 Harbour Road",
        }
    )
    score = model.score(features(), stranger)
    assert score.weight < model.review_weight
    assert all(level.weight <= 0 for level in score.levels)


@pytest.mark.parametrize(
    ("changes", "comparison", "label"),
    [
        ({"date_of_birth": "1980-12-05"}, "date_of_birth", "day and month swapped"),
        ({"date_of_birth": "1980-05-13"}, "date_of_birth", "by one digit"),
        ({"date_of_birth": "1980"}, "date_of_birth", "only the year"),
        ({"postcode": "G12 8QA", "address": "3 Byres Rd"}, "postcode", "same sector"),
        ({"postcode": "G12 9ZZ", "address": "3 Byres Rd"}, "postcode", "same district"),
        ({"postcode": "G12 8QA"}, "postcode", "address already agrees"),
        ({"address": "14 Main St, 2/2"}, "address", "flat differs"),
        ({"address": "2F1 14 Main St"}, "address", "same flat"),
        ({"phone": "+44 7700 900123"}, "phone", "phone numbers agree"),
        ({"phone": "07700 900132"}, "phone", "two swapped digits"),
        ({"email": "liz.macdonald@example.com"}, "email", "before the @"),
        ({"family_name": "MacDonald-Smith"}, "family_name", "double-barrelled"),
        ({"given_name": "Elizbeth"}, "given_name", "spelt almost the same"),
        ({"given_name": "E"}, "given_name", "middle name or initial"),
        ({"email": ""}, "email", "missing"),
    ],
)
def test_each_slip_is_recognised_and_named(model, changes, comparison, label):
    score = model.score(features(), features(**changes))
    assert label in _label(score, comparison)


def test_slips_cost_less_than_a_real_difference(model):
    exact = model.score(features(), features()).weight
    swapped = model.score(features(), features(date_of_birth="1980-12-05")).weight
    other = model.score(features(), features(date_of_birth="1975-02-19")).weight
    assert exact > swapped > other


def test_missing_values_add_nothing(model):
    score = model.score(features(), features(email="", phone=""))
    missing = [lv for lv in score.levels if lv.comparison in ("email", "phone")]
    assert [lv.weight for lv in missing] == [0.0, 0.0]


def test_weight_alone_equals_the_scores_weight(model):
    pairs = [
        (features(), features(given_name="Beth", postcode="G12 8QA")),
        (features(), features(given_name="Margaret", date_of_birth="1950")),
    ]
    for left, right in pairs:
        assert model.weight(left, right) == pytest.approx(model.score(left, right).weight)


def test_common_names_agreeing_are_worth_less_than_rare_ones(model):
    plain = model.with_term_frequencies({})
    adjusted = model.with_term_frequencies({"given": {"john": 0.05, "torquil": 0.00001}})
    john = prepare({"given_name": "John", "family_name": "Smith"})
    torquil = prepare({"given_name": "Torquil", "family_name": "Smith"})
    ruaridh = prepare({"given_name": "Ruaridh", "family_name": "Smith"})
    assert adjusted.weight(john, john) < plain.weight(john, john)
    assert plain.weight(torquil, torquil) < adjusted.weight(torquil, torquil)
    # A name the table does not know is weighed as an average name.
    assert adjusted.weight(ruaridh, ruaridh) == plain.weight(ruaridh, ruaridh)


def test_model_round_trips_through_json(model):
    again = Model.from_json(model.to_json())
    assert again.to_json() == model.to_json()
    left, right = features(), features(given_name="Liz")
    assert again.score(left, right) == model.score(left, right)


def test_a_broken_model_file_says_what_is_wrong(model):
    data = json.loads(model.to_json())
    del data["comparisons"]["date_of_birth"]["one_digit"]
    with pytest.raises(InvalidModelError, match="date_of_birth: no m and u for level 'one_digit'"):
        Model.from_dict(data)
    data = json.loads(model.to_json())
    data["comparisons"]["sex"]["exact"]["m"] = 1.5
    with pytest.raises(InvalidModelError, match=r"sex.exact.m"):
        Model.from_dict(data)
    with pytest.raises(InvalidModelError, match="not JSON"):
        Model.from_json("{")
    with pytest.raises(InvalidModelError, match="review_weight"):
        model.with_thresholds(match_weight=1.0, review_weight=5.0)


def test_liz_is_the_fixture_resident():
    assert person()["given_name"] == LIZ["given_name"]
