"""Fitting the scoring model on generated addresses whose UPRN is known.

`python -m burgh.places.matching.training` writes model.json beside this module: it builds
the invented gazetteer (seed 7, 80,000 properties), writes 30,000 messy addresses for it (a
tenth not in the gazetteer), finds and compares their candidates, and fits
1. the level weights: a logistic regression of "this candidate is the property meant" on the
   comparison levels (one column per level, a little L2 shrinkage, Newton's method);
2. the calibration: a logistic regression of "the best candidate is the property meant" on
   the log-odds of the best candidate's share of the evidence (model.py).
The benchmark (bench/places) measures the model on a gazetteer of another seed.
"""

import argparse
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from burgh.places.matching.compare import COMPARISONS, LEVELS, compare, prepare
from burgh.places.matching.index import AddressIndex
from burgh.places.matching.model import LN2, MODEL_PATH, Calibration, Model

SEED = 7
PROPERTIES = 80_000
ADDRESSES = 30_000
SHRINKAGE = 1.0
COLUMNS = [(comparison, level) for comparison in COMPARISONS for level in LEVELS[comparison]]


@dataclass
class LabelledQuery:
    truth: str | None
    candidates: list[tuple[tuple[str, ...], bool]]  # (levels, is the property meant)


def labelled(index: AddressIndex, texts: Sequence[tuple[str, str | None]]) -> list[LabelledQuery]:
    out = []
    for text, truth in texts:
        parsed = index.parse(text)
        query = prepare(index, parsed)
        ids = index.candidates(parsed, query.words)
        out.append(
            LabelledQuery(
                truth,
                [(compare(index, query, at), index.properties[at].uprn == truth) for at in ids],
            )
        )
    return out


def _fit_logistic(rows: Any, labels: Any, shrink: Any) -> Any:
    """Newton's method for an L2-penalised logistic regression; returns the coefficients."""
    import numpy as np

    coef = np.zeros(rows.shape[1])
    for _ in range(50):
        z = np.clip(rows @ coef, -30, 30)
        p = 1 / (1 + np.exp(-z))
        gradient = rows.T @ (p - labels) + shrink * coef
        w = p * (1 - p)
        hessian = (rows * w[:, None]).T @ rows + np.diag(shrink + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        coef -= step
        if np.max(np.abs(step)) < 1e-7:
            break
    return coef


def fit(queries: Sequence[LabelledQuery], *, trained_on: str) -> Model:
    import numpy as np

    position = {column: i + 1 for i, column in enumerate(COLUMNS)}
    pairs = [pair for query in queries for pair in query.candidates]
    rows = np.zeros((len(pairs), len(COLUMNS) + 1))
    rows[:, 0] = 1.0
    labels = np.array([1.0 if good else 0.0 for _levels, good in pairs])
    for i, (levels, _good) in enumerate(pairs):
        for comparison, level in zip(COMPARISONS, levels, strict=True):
            rows[i, position[(comparison, level)]] = 1.0
    shrink = np.full(len(COLUMNS) + 1, SHRINKAGE)
    shrink[0] = 0.0
    coef = _fit_logistic(rows, labels, shrink) / LN2
    weights = {comparison: dict.fromkeys(LEVELS[comparison], 0.0) for comparison in COMPARISONS}
    for (comparison, level), i in position.items():
        weights[comparison][level] = float(coef[i])
    provisional = Model(
        version=date.today().isoformat(),
        prior=float(coef[0]),
        weights=weights,
        calibration=Calibration(0.0, 1.0),
        trained_on=trained_on,
    )
    tops = [top for top in (_top(provisional, query) for query in queries) if top is not None]
    intercept, slope = _fit_calibration(tops)
    return Model(
        version=provisional.version,
        prior=provisional.prior,
        weights=weights,
        calibration=Calibration(intercept, slope),
        trained_on=trained_on,
    )


def _fit_calibration(tops: Sequence[tuple[float, float, bool]]) -> tuple[float, float]:
    """Maximum likelihood of "the best candidate is right" = share * sigmoid(a + b * weight)."""
    import numpy as np

    weight = np.array([w for w, _share, _good in tops])
    share = np.array([s for _w, s, _good in tops])
    good = np.array([1.0 if g else 0.0 for _w, _s, g in tops])
    clear = share > 0.9  # start from a plain logistic fit where the share is near 1
    rows = np.column_stack([np.ones(clear.sum()), weight[clear]])
    a, b = _fit_logistic(rows, good[clear], np.array([0.0, 0.01]))
    for _ in range(3000):
        fit = 1 / (1 + np.exp(-np.clip(a + b * weight, -30, 30)))
        p = np.clip(share * fit, 1e-12, 1 - 1e-12)
        dz = good * (1 - fit) - (1 - good) * share * fit * (1 - fit) / (1 - p)
        step = np.array([dz.sum(), (dz * weight).sum()]) / len(weight)
        a, b = a + 0.5 * step[0], b + 0.05 * step[1]
        if np.max(np.abs(step)) < 1e-8:
            break
    return float(a), float(b)


def _top(model: Model, query: LabelledQuery) -> tuple[float, float, bool] | None:
    """(the best candidate's weight, its share, whether it is the property meant)."""
    if not query.candidates:
        return None
    scored = sorted(
        ((model.weight(levels), good) for levels, good in query.candidates),
        key=lambda item: -item[0],
    )
    best = scored[0][0]
    share = 1.0 / sum(2.0 ** (weight - best) for weight, _good in scored)
    return best, share, scored[0][1]


def _score(model: Model, top: tuple[float, float, bool]) -> float:
    weight, share, _good = top
    return share * model.calibration.fit(weight)


def outcomes(model: Model, queries: Sequence[LabelledQuery], threshold: float) -> dict[str, float]:
    """Precision, recall and the share of not-in-gazetteer addresses given a UPRN."""
    right = wrong = absent_given = absent = present = 0
    for query in queries:
        present += query.truth is not None
        absent += query.truth is None
        top = _top(model, query)
        if top is None:
            continue
        if _score(model, top) < threshold:
            continue
        if top[2]:
            right += 1
        else:
            wrong += 1
            absent_given += query.truth is None
    return {
        "precision": right / (right + wrong) if right + wrong else 1.0,
        "recall": right / present if present else 1.0,
        "not_in_given": absent_given / absent if absent else 0.0,
    }


def train_default(
    *, seed: int = SEED, properties: int = PROPERTIES, addresses: int = ADDRESSES
) -> tuple[Model, list[LabelledQuery]]:
    from burgh.demo.generator.addresses import gazetteer_rows, messy_addresses

    rows = gazetteer_rows(seed, properties)
    index = AddressIndex.from_rows(rows)
    messy = messy_addresses(rows, seed, addresses)
    queries = labelled(index, [(item.text, item.uprn) for item in messy])
    trained_on = (
        f"generated gazetteer seed {seed}, {len(rows):,} properties, {addresses:,} addresses"
    )
    return fit(queries, trained_on=trained_on), queries


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--properties", type=int, default=PROPERTIES)
    parser.add_argument("--addresses", type=int, default=ADDRESSES)
    parser.add_argument("--out", default=str(MODEL_PATH))
    args = parser.parse_args(argv)
    # The generator reads the demo council's modules, which need Django's apps (no database).
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "burgh.settings.local")
    django.setup()
    model, queries = train_default(
        seed=args.seed, properties=args.properties, addresses=args.addresses
    )
    Path(args.out).write_text(model.to_json(), encoding="utf-8")
    print(f"model written to {args.out}; on its own training addresses:")
    for threshold in (0.5, 0.7, 0.8, 0.9, 0.95, 0.98):
        figures = outcomes(model, queries, threshold)
        print(
            f"  threshold {threshold:.2f}: precision {figures['precision']:.4f}, recall "
            f"{figures['recall']:.4f}, not-in-gazetteer given a UPRN {figures['not_in_given']:.4f}"
        )
    return 0 if math.isfinite(model.prior) else 1


if __name__ == "__main__":
    sys.exit(main())
