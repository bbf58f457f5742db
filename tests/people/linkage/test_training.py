"""train: Splink on DuckDB learns the model from the records themselves."""

import itertools
from collections import defaultdict

import pytest

from burgh.people.linkage import Model, link_records, train
from burgh.people.linkage.comparisons import COMPARISONS
from burgh.people.linkage.synthetic import generate


@pytest.fixture(scope="module")
def generated():
    return generate(1500, seed=21)


@pytest.fixture(scope="module")
def trained(generated):
    return train(generated.records, seed=3, u_max_pairs=3e5)


def test_a_trained_model_has_every_level_and_round_trips(trained):
    assert Model.from_json(trained.to_json()).to_json() == trained.to_json()
    for comparison in COMPARISONS:
        assert set(trained.parameters[comparison.name]) == set(comparison.level_names())
    assert 0 < trained.probability_two_random_records_match < 0.01


def test_agreement_counts_for_and_disagreement_against(trained):
    for name in ("given_name", "family_name", "date_of_birth", "postcode", "email", "phone"):
        m_exact, u_exact = trained.parameters[name]["exact"]
        m_other, u_other = trained.parameters[name]["different"]
        assert m_exact / u_exact > 1 > m_other / u_other, name


def test_common_names_carry_less_weight_than_rare_ones(trained):
    given = trained.term_frequencies["given"]
    common, rare = max(given, key=given.get), min(given, key=given.get)
    assert given[common] > given[rare]


def _pairs(groups):
    return {pair for group in groups.values() for pair in itertools.combinations(sorted(group), 2)}


def test_the_trained_model_links_the_data_it_learned_from(generated, trained):
    result = link_records(generated.records, trained)
    truth = defaultdict(set)
    for record in generated.records:
        truth[generated.truth[record["key"]]].add(record["key"])
    found = defaultdict(set)
    for key, cluster in result.clusters.items():
        found[cluster].add(key)
    true_pairs, found_pairs = _pairs(truth), _pairs(found)
    precision = len(true_pairs & found_pairs) / len(found_pairs)
    recall = len(true_pairs & found_pairs) / len(true_pairs)
    assert precision > 0.9
    assert recall > 0.85


def test_labels_set_the_thresholds(generated):
    people = defaultdict(list)
    for record in generated.records:
        people[generated.truth[record["key"]]].append(record["key"])
    same = [(a, b, True) for keys in people.values() for a, b in itertools.combinations(keys, 2)]
    different = [(a, b, False) for a, b, _kind in generated.hard_negative_pairs]
    model = train(generated.records, labels=same[:300] + different[:300], seed=3, u_max_pairs=3e5)
    assert model.review_weight == pytest.approx(model.match_weight - 6)
    with pytest.raises(ValueError, match="not among the records"):
        train(generated.records[:10], labels=[("nobody", "else", True)])


def test_training_needs_records():
    with pytest.raises(ValueError, match="at least two records"):
        train([{"key": "a", "given_name": "Ann"}])
