"""`python -m burgh.people.linkage.retrain_default`: make the shipped model.json again.

The shipped model is trained on generated residents of an invented council (synthetic.py):
Splink estimates u by random sampling and m by EM as it would on real data, the generator's
truth adds labelled pairs (pairs of one person refine m; the known traps, twins, a father
and son of one name, spouses and namesakes, set the thresholds with them), and the starting
values below stand for levels the generated data never reaches. The same people and seed
always give the same file.
"""

import argparse
import random
import sys
from collections import defaultdict
from itertools import combinations
from pathlib import Path

from burgh.people.linkage import synthetic
from burgh.people.linkage.model import Model
from burgh.people.linkage.training import Label, train

PEOPLE = 20_000
SEED = 11
LABELS = 5_000  # of each kind
SHIPPED = Path(__file__).with_name("model.json")

# Where EM starts, and what a level keeps if the data never show it: m (how often one
# person's two records fall in the level) and u (how often two people's do), set by hand.
STARTING_PARAMETERS: dict[str, dict[str, tuple[float, float]]] = {
    "given_name": {
        "exact": (0.86, 0.004),
        "variant": (0.05, 0.002),
        "close": (0.03, 0.003),
        "middle_or_initial": (0.02, 0.003),
        "swapped": (0.01, 0.00002),
        "alike": (0.02, 0.03),
        "different": (0.01, 0.958),
    },
    "middle_name": {
        "exact": (0.85, 0.01),
        "shared": (0.05, 0.003),
        "initial": (0.05, 0.06),
        "different": (0.05, 0.927),
    },
    "family_name": {
        "exact": (0.85, 0.002),
        "part": (0.02, 0.0002),
        "close": (0.03, 0.002),
        "alike": (0.02, 0.02),
        "different": (0.08, 0.976),
    },
    "date_of_birth": {
        "exact": (0.9, 0.0001),
        "day_month_swapped": (0.02, 0.00001),
        "one_digit": (0.05, 0.002),
        "year_only": (0.9, 0.015),
        "same_year": (0.005, 0.013),
        "different": (0.025, 0.985),
    },
    "sex": {"exact": (0.98, 0.5), "different": (0.02, 0.5)},
    "postcode": {
        "exact": (0.7, 0.0005),
        "sector": (0.05, 0.005),
        "one_character": (0.03, 0.002),
        "district": (0.05, 0.02),
        "different": (0.17, 0.9725),
    },
    "address": {
        "uprn": (0.7, 0.0004),
        "same_flat": (0.6, 0.0004),
        "same_building": (0.05, 0.0004),
        "close": (0.05, 0.0005),
        "same_street": (0.03, 0.005),
        "different": (0.27, 0.9937),
    },
    "email": {"exact": (0.85, 0.00001), "same_user": (0.05, 0.00002), "different": (0.1, 0.99997)},
    "phone": {"exact": (0.8, 0.00002), "one_digit": (0.05, 0.0001), "different": (0.15, 0.99988)},
    "identifier": {
        "exact": (0.95, 0.000001),
        "one_character": (0.03, 0.00001),
        "different": (0.02, 0.999989),
    },
}


def starting_model() -> Model:
    return Model(
        version="starting-values",
        probability_two_random_records_match=1e-5,
        parameters=STARTING_PARAMETERS,
        match_weight=8.0,
        review_weight=2.0,
    )


def labels_from(generated: synthetic.Generated, count: int, seed: int) -> list[Label]:
    """`count` pairs of one person and `count` known traps, drawn at random."""
    rng = random.Random(seed)
    people: dict[int, list[str]] = defaultdict(list)
    for record in generated.records:
        people[generated.truth[record["key"]]].append(record["key"])
    same = [(a, b, True) for keys in people.values() for a, b in combinations(sorted(keys), 2)]
    traps = [(a, b, False) for a, b, _kind in generated.hard_negative_pairs]
    return rng.sample(same, min(count, len(same))) + rng.sample(traps, min(count, len(traps)))


def train_default(people: int = PEOPLE, seed: int = SEED) -> Model:
    generated = synthetic.generate(people, seed=seed)
    model = train(
        generated.records,
        labels=labels_from(generated, LABELS, seed),
        seed=seed,
        base=starting_model(),
        version=f"burgh-shipped-{people}p-seed{seed}",
        u_max_pairs=1e7,
    )
    # The generated postcodes are invented ("KL"): their frequencies would mean nothing for a
    # real council's, so only the name frequencies ship.
    frequencies = {k: v for k, v in model.term_frequencies.items() if k != "postcode"}
    model = model.with_term_frequencies(frequencies)
    model.notes.update({"trained_on": f"synthetic.generate({people}, seed={seed})"})
    return Model.from_json(model.to_json())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=PEOPLE)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=SHIPPED)
    options = parser.parse_args(argv)
    model = train_default(options.people, options.seed)
    options.out.write_text(model.to_json(), "utf-8")
    print(
        f"{options.out}: {model.version}, match weight {model.match_weight:.2f}, "
        f"review weight {model.review_weight:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
