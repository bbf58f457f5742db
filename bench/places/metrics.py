"""Precision, recall and not-in-gazetteer answers of a matcher's UPRNs against the truth.

Recall and the not-in-gazetteer rate are counted over the decidable addresses: those whose
text, slips put right, fits exactly the property meant (or, not in the gazetteer, none that
is). An address that fits two properties equally ("14 Burnside, Kinloch" where the town has a
Burnside Road and a Burnside Crescent) has no right UPRN to give; the right answer is none,
so a matcher is not marked down for declining it, and is marked down (precision) for any
UPRN it gives that is not the one meant. Recall over every address is reported beside it.
"""

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    right: int  # a UPRN, the one meant
    wrong: int  # a UPRN, not the one meant (a property the address is not, or one not held)
    present: int  # decidable addresses of properties in the gazetteer
    right_decidable: int  # ...given the UPRN meant
    absent: int  # decidable addresses of properties not in it
    absent_given: int  # ...given a UPRN all the same
    present_all: int  # every address of a property in the gazetteer, decidable or not

    @property
    def precision(self) -> float:
        return self.right / (self.right + self.wrong) if self.right + self.wrong else 1.0

    @property
    def recall(self) -> float:
        return self.right_decidable / self.present if self.present else 1.0

    @property
    def recall_all(self) -> float:
        return self.right / self.present_all if self.present_all else 1.0

    @property
    def absent_rate(self) -> float:
        return self.absent_given / self.absent if self.absent else 0.0


def outcome(
    truth: Sequence[str | None],
    given: Sequence[str | None],
    decidable: Sequence[bool] | None = None,
) -> Outcome:
    decidable = decidable if decidable is not None else [True] * len(truth)
    right = wrong = right_decidable = absent_given = 0
    for meant, answer, clear in zip(truth, given, decidable, strict=True):
        if not answer:
            continue
        if answer == meant:
            right += 1
            right_decidable += clear
        else:
            wrong += 1
            absent_given += meant is None and clear
    pairs = list(zip(truth, decidable, strict=True))
    present = sum(meant is not None and clear for meant, clear in pairs)
    absent = sum(meant is None and clear for meant, clear in pairs)
    present_all = sum(meant is not None for meant in truth)
    return Outcome(right, wrong, present, right_decidable, absent, absent_given, present_all)


def best_at_precision(
    truth: Sequence[str | None],
    answers: Sequence[tuple[str | None, float]],
    thresholds: Sequence[float],
    decidable: Sequence[bool] | None = None,
    floor: float = 0.995,
) -> tuple[float, Outcome]:
    """The threshold (on these very addresses: generous) with the best recall at precision
    >= floor, else the most precise."""
    best: tuple[float, Outcome] | None = None

    def key(result: Outcome) -> tuple[bool, float]:
        good = result.precision >= floor
        return (good, result.recall if good else result.precision)

    for threshold in thresholds:
        given = [uprn if score >= threshold else None for uprn, score in answers]
        result = outcome(truth, given, decidable)
        if best is None or key(result) > key(best[1]):
            best = (threshold, result)
    assert best is not None
    return best
