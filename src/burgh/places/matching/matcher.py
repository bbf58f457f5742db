"""Matching an address to a UPRN: parse, find candidates, score, and say no when unsure."""

import gc
import multiprocessing as mp
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from burgh.places.matching.compare import compare, prepare
from burgh.places.matching.index import AddressIndex
from burgh.places.matching.model import Model, shipped_model
from burgh.places.matching.parse import ParsedAddress

# Used where Django's settings are not configured (a script, the benchmark's baselines).
DEFAULT_THRESHOLD = 0.7
DEFAULT_CHECK_SECONDS = 2.0
CANDIDATES_SHOWN = 10


@dataclass(frozen=True)
class Reason:
    comparison: str
    level: str  # what the level means, in words
    weight: float  # bits

    def __str__(self) -> str:
        return f"{self.level} ({self.weight:+.1f})"


@dataclass(frozen=True)
class Candidate:
    uprn: str
    address: str  # the gazetteer's single line
    score: float  # calibrated probability that this is the property meant
    weight: float  # match weight in bits, before rivals are taken into account
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class AddressMatch:
    text: str
    uprn: str | None  # None below the threshold
    score: float  # calibrated probability that the best candidate is the property meant
    candidates: tuple[Candidate, ...]  # best first
    parsed: ParsedAddress
    threshold: float

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    def explain(self) -> list[str]:
        """Why this UPRN (or why none), line by line, for the gazetteer custodian."""
        best = self.best
        lines = [f"read as: {self.parsed.summary() or '(nothing recognisable)'}"]
        if best is None:
            return [*lines, "no property in the gazetteer looks like this address"]
        lines.append(f"best candidate: UPRN {best.uprn}, {best.address}")
        lines.extend(f"  {reason}" for reason in best.reasons)
        lines.append(f"  match weight {best.weight:+.1f}")
        if len(self.candidates) > 1:
            rival = self.candidates[1]
            lines.append(
                f"runner-up: UPRN {rival.uprn}, {rival.address} "
                f"(weight {rival.weight:+.1f}, {best.weight - rival.weight:.1f} behind)"
            )
        verdict = "matched" if self.uprn else "not matched: below"
        lines.append(f"score {self.score:.3f}, {verdict} the threshold {self.threshold:.2f}")
        return lines


def threshold_setting() -> float:
    """BURGH_ADDRESS_MATCH_THRESHOLD from the settings, or the default outside Django."""
    from django.conf import settings

    if settings.configured:
        return float(getattr(settings, "BURGH_ADDRESS_MATCH_THRESHOLD", DEFAULT_THRESHOLD))
    return DEFAULT_THRESHOLD


def match_with(
    index: AddressIndex, text: str, *, model: Model | None = None, threshold: float
) -> AddressMatch:
    """Match `text` against `index` with an explicit threshold."""
    model = model or shipped_model()
    parsed = index.parse(text)
    query = prepare(index, parsed)
    ids = index.candidates(parsed, query.words)
    scored = []
    for at in ids:
        levels = compare(index, query, at)
        scored.append((model.weight(levels), at, levels))
    scored.sort(key=lambda item: (-item[0], index.properties[item[1]].uprn))
    # Candidates far behind change no score: leave them out of the sums.
    kept = [item for item in scored if item[0] > scored[0][0] - 30] if scored else []
    scores = model.calibration.scores([weight for weight, _at, _levels in kept])
    candidates = []
    for (weight, at, levels), score in zip(kept[:CANDIDATES_SHOWN], scores, strict=False):
        entry = index.properties[at]
        candidates.append(
            Candidate(
                uprn=entry.uprn,
                address=entry.line,
                score=score,
                weight=weight,
                reasons=tuple(Reason(*part) for part in model.contributions(levels)),
            )
        )
    score = candidates[0].score if candidates else 0.0
    uprn = candidates[0].uprn if candidates and score >= threshold else None
    return AddressMatch(text, uprn, score, tuple(candidates), parsed, threshold)


def match(address_text: str, *, index: AddressIndex | None = None) -> AddressMatch:
    """The UPRN `address_text` means, with a calibrated score and the candidates considered.

    Without `index`, the gazetteer in the database is used (held in memory per process and
    rebuilt when an import changes it). Below BURGH_ADDRESS_MATCH_THRESHOLD the match has no
    UPRN: the best candidate is shown, never taken.
    """
    return match_with(index or current_index(), address_text, threshold=threshold_setting())


def match_many(texts: Iterable[str], index: AddressIndex) -> list[AddressMatch]:
    """`match` for many addresses against one index, in order, with everything each found."""
    threshold = threshold_setting()
    model = shipped_model()
    return [match_with(index, text, model=model, threshold=threshold) for text in texts]


@dataclass(frozen=True)
class BatchAnswer:
    """What a batch needs of a match: the UPRN given (or None), its score, the best candidate."""

    uprn: str | None
    score: float
    best: str | None


def match_batch(
    texts: Iterable[str], index: AddressIndex, *, processes: int = 1
) -> list[BatchAnswer]:
    """Match many addresses, in order, on `processes` cores.

    Forked workers see the index without copying it (it is frozen out of the collector's
    reach first, so that reading it does not touch its pages) and send back only the answer,
    in chunks: the candidates and their reasons stay in the worker.
    """
    items = list(texts)
    threshold = threshold_setting()
    model = shipped_model()
    parallel = processes > 1 and len(items) >= PARALLEL_FROM
    if not parallel or "fork" not in mp.get_all_start_methods():
        return _answers(index, model, threshold, items)
    _shared.update(index=index, model=model, threshold=threshold)
    chunks = [items[at : at + BATCH_CHUNK] for at in range(0, len(items), BATCH_CHUNK)]
    gc.freeze()
    try:
        with mp.get_context("fork").Pool(processes) as pool:
            return [answer for chunk in pool.imap(_match_chunk, chunks) for answer in chunk]
    finally:
        gc.unfreeze()
        _shared.clear()


PARALLEL_FROM = 2000
BATCH_CHUNK = 500
_shared: dict[str, Any] = {}


def _answers(
    index: AddressIndex, model: Model, threshold: float, texts: list[str]
) -> list[BatchAnswer]:
    out = []
    for text in texts:
        found = match_with(index, text, model=model, threshold=threshold)
        best = found.candidates[0].uprn if found.candidates else None
        out.append(BatchAnswer(found.uprn, found.score, best))
    return out


def _match_chunk(texts: list[str]) -> list[BatchAnswer]:
    return _answers(_shared["index"], _shared["model"], _shared["threshold"], texts)


class _IndexHolder:
    """The per-process index of the database's gazetteer, rebuilt when its revision changes.

    The revision is read at most every BURGH_ADDRESS_INDEX_CHECK_SECONDS (one small query),
    so a match costs no database work in between; a rebuild happens under a lock while other
    threads keep matching against the index they have.
    """

    def __init__(self) -> None:
        self.index: AddressIndex | None = None
        self.checked_at = 0.0
        self.lock = threading.Lock()

    def get(self) -> AddressIndex:
        from burgh.places.services import gazetteer_revision

        now = time.monotonic()
        index = self.index
        if index is not None and now - self.checked_at < _check_seconds():
            return index
        revision = gazetteer_revision()
        self.checked_at = now
        if index is not None and index.revision == revision:
            return index
        with self.lock:
            if self.index is None or self.index.revision != revision:
                self.index = AddressIndex.from_database()
            return self.index

    def clear(self) -> None:
        with self.lock:
            self.index, self.checked_at = None, 0.0


def _check_seconds() -> float:
    from django.conf import settings

    return float(getattr(settings, "BURGH_ADDRESS_INDEX_CHECK_SECONDS", DEFAULT_CHECK_SECONDS))


_holder = _IndexHolder()


def current_index() -> AddressIndex:
    """The index of the database's gazetteer for this process."""
    return _holder.get()


def forget_index() -> None:
    """Drop this process's index (tests; a deliberate rebuild)."""
    _holder.clear()
