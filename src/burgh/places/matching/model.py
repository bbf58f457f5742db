"""The scoring model: a weight for every comparison level, and a calibration of the best one.

A candidate's match weight is the model's starting value plus the weight of each of its
comparison levels, in bits (log2 of how much likelier the level is for the right property
than for a wrong one, as in Splink). The probability that a candidate is *the* property meant
also depends on its rivals: a strong candidate with an equally strong runner-up is a coin
toss. So a candidate's score is its share of the evidence among the candidates, times
how often an address that fits this well means a property the gazetteer holds; the second is
fitted on labelled generated addresses (training.py).
The parameters ship as model.json beside this module.
"""

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from burgh.places.matching.compare import COMPARISONS, LEVELS

MODEL_PATH = Path(__file__).with_name("model.json")
LN2 = math.log(2)


class InvalidModelError(ValueError):
    """A model file that is not a place-matching model."""


@dataclass(frozen=True)
class Calibration:
    """A candidate's score is its share among the candidates times its fit:

    - share: 2^weight over the sum of 2^weight of every candidate (two equal candidates get
      half each, whatever their weights);
    - fit: sigmoid(intercept + slope * weight), how often an address that fits a property this
      well means a property in the gazetteer rather than one it does not hold.
    """

    intercept: float
    slope: float

    def fit(self, weight: float) -> float:
        return _sigmoid(self.intercept + self.slope * weight)

    def scores(self, weights: Sequence[float]) -> list[float]:
        """The calibrated score of each candidate, given every candidate's weight in bits."""
        if not weights:
            return []
        top = max(weights)
        total = sum(2.0 ** (weight - top) for weight in weights)
        return [2.0 ** (weight - top) / total * self.fit(weight) for weight in weights]


@dataclass(frozen=True)
class Model:
    version: str
    prior: float  # the starting weight, in bits
    weights: dict[str, dict[str, float]]  # comparison → level → weight in bits
    calibration: Calibration
    trained_on: str = ""

    def weight(self, levels: tuple[str, ...]) -> float:
        total = self.prior
        for comparison, level in zip(COMPARISONS, levels, strict=True):
            total += self.weights[comparison][level]
        return total

    def contributions(self, levels: tuple[str, ...]) -> list[tuple[str, str, float]]:
        """(comparison, what the level means, weight) for each comparison."""
        return [
            (comparison, LEVELS[comparison][level], self.weights[comparison][level])
            for comparison, level in zip(COMPARISONS, levels, strict=True)
        ]

    def to_json(self) -> str:
        payload = {
            "version": self.version,
            "trained_on": self.trained_on,
            "prior": round(self.prior, 4),
            "weights": {
                comparison: {level: round(value, 4) for level, value in levels.items()}
                for comparison, levels in self.weights.items()
            },
            "calibration": {
                "intercept": round(self.calibration.intercept, 4),
                "slope": round(self.calibration.slope, 4),
            },
        }
        return json.dumps(payload, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> "Model":
        try:
            data: dict[str, Any] = json.loads(text)
            weights = {
                comparison: {level: float(data["weights"][comparison][level]) for level in levels}
                for comparison, levels in LEVELS.items()
            }
            calibration = Calibration(
                intercept=float(data["calibration"]["intercept"]),
                slope=float(data["calibration"]["slope"]),
            )
            return cls(
                version=str(data["version"]),
                prior=float(data["prior"]),
                weights=weights,
                calibration=calibration,
                trained_on=str(data.get("trained_on", "")),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise InvalidModelError(f"not a place-matching model: {error}") from error


@cache
def shipped_model() -> Model:
    return Model.from_json(MODEL_PATH.read_text("utf-8"))


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)
