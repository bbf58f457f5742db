"""Pairwise accuracy of a clustering against the truth, and the known traps it fell into."""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Accuracy:
    true_positives: int  # pairs put together that are one entity
    predicted: int  # pairs put together
    actual: int  # pairs that are one entity

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.actual if self.actual else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    @property
    def false_positives(self) -> int:
        return self.predicted - self.true_positives

    @property
    def false_negatives(self) -> int:
        return self.actual - self.true_positives


def _pairs(size: int) -> int:
    return size * (size - 1) // 2


def pairwise(clusters: Mapping[str, object], truth: Mapping[str, int]) -> Accuracy:
    """Precision and recall over all pairs of records; a record missing from `clusters` is
    counted as alone."""
    missing = [key for key in truth if key not in clusters]
    labels = {**clusters, **{key: ("alone", key) for key in missing}}
    together = Counter(labels[key] for key in truth)
    entities = Counter(truth.values())
    both = Counter((labels[key], entity) for key, entity in truth.items())
    return Accuracy(
        true_positives=sum(_pairs(n) for n in both.values()),
        predicted=sum(_pairs(n) for n in together.values()),
        actual=sum(_pairs(n) for n in entities.values()),
    )


def merged_traps(
    clusters: Mapping[str, object], hard_negative_pairs: Iterable[tuple[str, str, str]]
) -> Counter[str]:
    """How many of the known pairs of different people ended up as one person, per kind."""
    merged: Counter[str] = Counter()
    for left, right, kind in hard_negative_pairs:
        if left in clusters and clusters[left] == clusters.get(right):
            merged[kind] += 1
    return merged
