"""The Python scorer and Splink agree: same level for every comparison, same weight to 1e-6.

Splink scores batches in DuckDB from the comparisons' SQL; Model.score scores online from
their Python twins. A person linked in a batch run must get the same weight when resolved
one record at a time, so every level of every comparison is exercised on realistic pairs
(generated residents: nicknames, typos, married names, moves, flats written many ways,
households, twins) and on pairs written to reach the rarer levels.
"""

import random

import pytest

from burgh.people.linkage import Model, blocking_keys, prepare
from burgh.people.linkage.batch import splink_predict
from burgh.people.linkage.comparisons import COMPARISONS
from burgh.people.linkage.splink_bridge import level_from_gamma
from burgh.people.linkage.synthetic import generate
from burgh.people.linkage.training import term_frequencies
from tests.people.linkage.records import person

# Written to reach levels that generated pairs seldom do: swapped names, shared middle names,
# initials, double-barrelled names, day/month swaps, year-only dates one slip apart,
# postcode sectors and districts, UPRNs, email users, phone and identifier slips.
CRAFTED = [
    (person(), person(given_name="MacDonald", family_name="Elizabeth")),
    (person(given_name="Ann Marie"), person(given_name="Ann Louise")),
    (person(given_name="Ann Marie"), person(given_name="Ann Margaret Rose")),
    (person(given_name="Ann Marie Rose"), person(given_name="Ann Rose")),
    (person(given_name="E"), person()),
    (person(given_name="Ima"), person(given_name="Mia")),
    (person(given_name="Marie Elizabeth"), person(given_name="Elizabeth")),
    (person(family_name="MacDonald-Smith"), person(family_name="Smith")),
    (person(family_name="MacDonald-Smith"), person(family_name="Smith-Jones")),
    (person(date_of_birth="1980-05-12"), person(date_of_birth="1980-12-05")),
    (person(date_of_birth="1980-05-12"), person(date_of_birth="1980-05-21")),
    (person(date_of_birth="1980"), person(date_of_birth="1908-05-12")),
    (person(date_of_birth="1980"), person(date_of_birth="1983")),
    (person(date_of_birth="1980-05-12"), person(date_of_birth="1980-07-30")),
    (person(postcode="G12 8QQ", address="3 Byres Rd"), person(postcode="G12 8QA")),
    (person(postcode="G12 8QQ", address="3 Byres Rd"), person(postcode="G12 9ZZ")),
    (person(postcode="2612", address="3 Byres Rd"), person(postcode="2621")),
    ({**person(), "uprn": "906700001"}, {**person(address="elsewhere"), "uprn": "906700001"}),
    (person(address="14 Main St, 2/2"), person()),
    (person(address="14 Mian Street"), person()),
    (person(address="40 Main Street"), person()),
    (person(email="liz@example.com"), person(email="liz@example.org")),
    (person(phone="07700 900132"), person()),
    ({**person(), "identifier": "1905801234"}, {**person(), "identifier": "1905801243"}),
    ({**person(), "identifier": "1905801234"}, {**person(), "identifier": "2905801999"}),
    (person(sex="M"), person()),
    (
        person(
            given_name="",
            family_name="",
            date_of_birth="",
            sex="",
            address="",
            postcode="",
            email="",
            phone="",
        ),
        person(),
    ),
]


@pytest.fixture(scope="module")
def scored():
    records = generate(1200, seed=7).records
    rows = [prepare(record) for record in records]
    pairs: set[tuple[int, int]] = set()
    blocks: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        for key in blocking_keys(row):
            blocks.setdefault(key, []).append(i)
    for members in blocks.values():
        pairs.update((a, b) for a in members[:12] for b in members[:12] if a < b)
    rng = random.Random(3)
    pairs.update(tuple(sorted(rng.sample(range(len(rows)), 2))) for _ in range(1500))
    for left, right in CRAFTED:
        rows += [prepare(left), prepare(right)]
        pairs.add((len(rows) - 2, len(rows) - 1))
    model = Model.default().with_term_frequencies(term_frequencies(rows))
    table, _count = splink_predict(rows, model, pairs=sorted(pairs), retain_levels=True)
    return rows, model, table.to_pylist()


def test_enough_pairs_are_compared(scored):
    _rows, _model, predictions = scored
    assert len(predictions) > 3000


@pytest.mark.parametrize("comparison", COMPARISONS, ids=lambda c: c.name)
def test_splink_and_python_choose_the_same_level(scored, comparison):
    rows, _model, predictions = scored
    seen = set()
    for row in predictions:
        left, right = rows[row["rid_l"]], rows[row["rid_r"]]
        python = comparison.level_of(left, right)
        assert level_from_gamma(comparison, row[f"gamma_{comparison.name}"]) == python, (
            comparison.name,
            {k: (left[k], right[k]) for k in left if left[k] or right[k]},
        )
        seen.add(python)
    # Every level, the "not known" level included, is reached at least once.
    assert seen == {-1, *range(len(comparison.levels))}


def test_splink_and_python_weigh_every_pair_the_same(scored):
    rows, model, predictions = scored
    for row in predictions:
        left, right = rows[row["rid_l"]], rows[row["rid_r"]]
        assert model.weight(left, right) == pytest.approx(row["match_weight"], abs=1e-6)


def test_explanations_add_up_to_splinks_weights(scored):
    rows, model, predictions = scored
    for row in predictions[:500]:
        score = model.score(rows[row["rid_l"]], rows[row["rid_r"]])
        for level in score.levels:
            splink = row[f"mw_{level.comparison}"] + (row.get(f"mw_tf_adj_{level.comparison}") or 0)
            assert level.weight == pytest.approx(splink, abs=1e-6)
        assert score.weight == pytest.approx(row["match_weight"], abs=1e-6)
