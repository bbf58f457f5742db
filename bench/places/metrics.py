"""Precision, recall and not-in-gazetteer answers of a matcher's UPRNs against the truth."""

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    right: int  # a UPRN, the one meant
    wrong: int  # a UPRN, not the one meant (a property the address is not, or one not held)
    present: int  # addresses of properties in the gazetteer
    absent: int  # addresses of properties not in it
    absent_given: int  # ...given a UPRN all the same

    @property
    def precision(self) -> float:
        return self.right / (self.right + self.wrong) if self.right + self.wrong else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.present if self.present else 1.0

    @property
    def absent_rate(self) -> float:
        return self.absent_given / self.absent if self.absent else 0.0


def outcome(truth: Sequence[str | None], given: Sequence[str | None]) -> Outcome:
    right = wrong = absent_given = 0
    for meant, answer in zip(truth, given, strict=True):
        if not answer:
            continue
        if answer == meant:
            right += 1
        else:
            wrong += 1
            absent_given += meant is None
    present = sum(meant is not None for meant in truth)
    return Outcome(right, wrong, present, len(truth) - present, absent_given)


def best_at_precision(
    truth: Sequence[str | None],
    answers: Sequence[tuple[str | None, float]],
    thresholds: Sequence[float],
    floor: float = 0.995,
) -> tuple[float, Outcome]:
    """The threshold (on these very addresses: generous) with the best recall at precision
    >= floor, else the most precise."""
    best: tuple[float, Outcome] | None = None
    for threshold in thresholds:
        result = outcome(truth, [uprn if score >= threshold else None for uprn, score in answers])
        key = (
            result.precision >= floor,
            result.recall if result.precision >= floor else result.precision,
        )
        if best is None or key > (
            best[1].precision >= floor,
            best[1].recall if best[1].precision >= floor else best[1].precision,
        ):
            best = (threshold, result)
    assert best is not None
    return best
