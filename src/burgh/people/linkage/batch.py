"""Batch linkage: every record against its candidates with Splink on DuckDB, then clusters.

Candidates are the pairs that share a blocking key (the same keys the online index uses);
Splink scores them with the model; pairs at or above the match weight are joined strongest
first without ever joining records that conflict (clustering.py); pairs between the review
and match weights that ended up in different clusters are returned for review.
"""

import gc
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from burgh.people.linkage import splink_bridge as bridge
from burgh.people.linkage.blocking import (
    BLOCKING_KEYS_SQL,
    MAX_BLOCK_SIZE,
    MAX_NAME_BLOCK_SIZE,
)
from burgh.people.linkage.clustering import cluster
from burgh.people.linkage.features import FeatureColumns, Features
from burgh.people.linkage.guards import conflict
from burgh.people.linkage.model import Model, Score
from burgh.people.linkage.stable_ids import assign_stable_ids
from burgh.people.linkage.training import linker_for, prepare_all

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReviewPair:
    """Two records in different clusters whose weight lies between the review and match
    weights. The full explanation (score) is worked out only when asked for: a batch of a
    million records can hold hundreds of thousands of these, and most callers want a few."""

    left: str
    right: str
    weight: float
    _explain: Callable[[], Score] = field(repr=False, compare=False)

    @property
    def score(self) -> Score:
        return self._explain()


@dataclass
class LinkResult:
    clusters: dict[str, str]  # record key -> cluster (person) id
    pairs_scored: int
    links_refused: int = 0  # joins a conflict or a steward's "different" refused
    # Wall seconds of each stage (prepare, pairs, predict, cluster), in the order they ran.
    stage_seconds: dict[str, float] = field(default_factory=dict)
    # Finds the review pairs when first asked for: a linked export (the link command) has no
    # use for them, and at a million records they cost seconds.
    _find_reviews: Callable[[], list[ReviewPair]] = field(default=list, repr=False)

    @cached_property
    def review_pairs(self) -> list[ReviewPair]:
        """Pairs between the review and match weights left in different clusters and not
        barred, strongest first."""
        return self._find_reviews()


class _Stopwatch:
    def __init__(self, into: dict[str, float]) -> None:
        self._into = into
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self._into[stage] = self._into.get(stage, 0.0) + now - self._last
        self._last = now


def candidate_pairs(
    connection: duckdb.DuckDBPyConnection,
    max_block_size: int,
    extra_keys: Sequence[tuple[int, str]] = (),
) -> int:
    """Pairs of burgh_features that share a blocking key, into burgh_pairs; how many.

    extra_keys: more (rid, key) to block on, such as the person each record was in before
    ("c:" keys, whose blocks are capped at MAX_BLOCK_SIZE whatever max_block_size says).
    """
    bridge.run(
        connection,
        "CREATE OR REPLACE TABLE burgh_keys AS " + BLOCKING_KEYS_SQL.format(table="burgh_features"),
    )
    if extra_keys:
        extra = pa.table(
            {
                "rid": pa.array([rid for rid, _ in extra_keys], pa.int64()),
                "key": pa.array([key for _, key in extra_keys], pa.string()),
            }
        )
        bridge.load_table(connection, "burgh_extra_keys", extra)
        bridge.run(connection, "INSERT INTO burgh_keys SELECT rid, key FROM burgh_extra_keys")
    # Only the block size (an int) is formatted into the SQL.
    bridge.run(
        connection,
        f"""
        CREATE OR REPLACE TABLE burgh_pairs AS
        WITH keys AS (
            SELECT key, rid FROM burgh_keys
            WHERE key IN (
                SELECT key FROM burgh_keys GROUP BY key
                HAVING count(*) BETWEEN 2 AND CASE
                    WHEN starts_with(key, 'm:')
                        THEN {min(int(max_block_size), MAX_NAME_BLOCK_SIZE)}
                    WHEN starts_with(key, 'c:') THEN {MAX_BLOCK_SIZE}
                    ELSE {int(max_block_size)} END
            )
        )
        SELECT DISTINCT '0' AS match_key, a.rid AS join_key_l, b.rid AS join_key_r
        FROM keys a JOIN keys b ON a.key = b.key AND a.rid < b.rid
        """,  # noqa: S608
    )
    return int(bridge.run(connection, "SELECT count(*) FROM burgh_pairs")[0][0])


def splink_predict(
    rows: Sequence[Features] | FeatureColumns,
    model: Model,
    *,
    pairs: Sequence[tuple[int, int]] | None = None,
    threshold: float | None = None,
    max_block_size: int = MAX_BLOCK_SIZE,
    retain_levels: bool = False,
    stages: dict[str, float] | None = None,
    extra_keys: Sequence[tuple[int, str]] = (),
) -> tuple[pa.Table, int]:
    """Splink's scores for pairs of rows (by position): the candidate pairs from the blocking
    keys, or exactly `pairs`. Returns the predictions at or above `threshold` (all when None)
    and how many pairs were scored. retain_levels keeps Splink's level of every comparison
    (gamma_<name>) and its weights (mw_<name>, mw_tf_adj_<name>). stages, when given, gains
    the seconds of each step (setup, pairs, predict). extra_keys: blocking keys beside the
    records' own (candidate_pairs).
    """
    watch = _Stopwatch(stages if stages is not None else {})
    connection = bridge.connect()
    try:
        linker, db_api = linker_for(
            connection,
            rows,
            model,
            retain_levels=retain_levels,
            retain_intermediate=retain_levels,
        )
        watch.lap("setup")
        if pairs is None:
            count = candidate_pairs(connection, max_block_size, extra_keys)
        else:
            ordered = [(a, b) if a < b else (b, a) for a, b in pairs]
            table = pa.table(
                {
                    "match_key": pa.array(["0"] * len(ordered)),
                    "join_key_l": pa.array([a for a, _ in ordered], pa.int64()),
                    "join_key_r": pa.array([b for _, b in ordered], pa.int64()),
                }
            )
            bridge.load_table(connection, "burgh_pairs", table)
            count = len(ordered)
        watch.lap("pairs")
        blocked = db_api.register("burgh_pairs", table_name="burgh_blocked_pairs")
        linker.table_management.register_blocked_pairs_for_predict(blocked)
        predictions = linker.inference.predict(
            threshold_match_weight=threshold, warning_mode="never"
        )
        relation = predictions.as_duckdbpyrelation()
        if not retain_levels:
            relation = relation.select(f"{bridge.UNIQUE_ID}_l, {bridge.UNIQUE_ID}_r, match_weight")
        scored = relation.to_arrow_table()
        watch.lap("predict")
        return scored, count
    finally:
        connection.close()


def link_features(
    keys: Sequence[str],
    rows: Sequence[Features] | FeatureColumns,
    model: Model | None = None,
    *,
    must_link: Iterable[tuple[str, str]] = (),
    cannot_link: Iterable[tuple[str, str]] = (),
    previous: Mapping[str, str] | None = None,
    new_id: Callable[[], str] | None = None,
    max_block_size: int = MAX_BLOCK_SIZE,
    stages: dict[str, float] | None = None,
) -> LinkResult:
    """link_records for records already prepared: keys[i] is the key of rows[i]."""
    stages = {} if stages is None else stages
    model = model or Model.default()
    if not isinstance(rows, FeatureColumns):
        rows = FeatureColumns.from_rows(rows)
    if len(rows) != len(keys):
        raise ValueError(f"{len(keys)} keys for {len(rows)} records")
    position = {key: i for i, key in enumerate(keys)}
    if len(position) != len(keys):
        raise ValueError("every record needs a key of its own")

    def positions(pairs: Iterable[tuple[str, str]], what: str) -> list[tuple[int, int]]:
        found = []
        for a, b in pairs:
            if a not in position or b not in position:
                missing = a if a not in position else b
                raise ValueError(f"{what} names {missing!r}, which is not among the records")
            found.append((position[a], position[b]))
        return found

    must = positions(must_link, "must_link")
    cannot = positions(cannot_link, "cannot_link")
    pairs_scored = 0
    watch = _Stopwatch(stages)
    edges: list[tuple[int, int, float]] = []
    reviews: list[tuple[int, int, float]] = []
    if len(rows) > 1:
        scored, pairs_scored = splink_predict(
            rows,
            model,
            threshold=model.review_weight,
            max_block_size=max_block_size,
            stages=stages,
            # Records that were one person are compared again whatever happened to the
            # blocks that brought them together (one grown past its cap, say): a relink
            # never loses a comparison it made before.
            extra_keys=[(i, f"c:{previous[key]}") for i, key in enumerate(keys) if key in previous]
            if previous
            else (),
        )
        watch = _Stopwatch(stages)  # from here on: reading the scores and clustering
        strong = pc.greater_equal(scored.column("match_weight"), model.match_weight)
        edges, reviews = _triples(scored.filter(strong)), _triples(scored.filter(pc.invert(strong)))

    given, years = rows.columns["given"], rows.columns["dob_year"]

    def barred(a: int, b: int) -> bool:
        # Every bar needs two given names or two birth years that differ (guards.conflict):
        # the pairs of one person nearly all pass this test without building their rows.
        if given[a] == given[b] and (years[a] is None or years[b] is None or years[a] == years[b]):
            return False
        return conflict(rows[a], rows[b], guards=model.guards) is not None

    def explain(a: int, b: int) -> Callable[[], Score]:
        return lambda: model.score(rows[a], rows[b])

    labels, refused = cluster(
        len(rows),
        edges,
        barred,
        must_link=must,
        cannot_link=cannot,
        previous=[previous.get(key) for key in keys] if previous else None,
    )
    first_key: dict[int, str] = {}
    for i, label in enumerate(labels):
        if label not in first_key or keys[i] < first_key[label]:
            first_key[label] = keys[i]
    clusters = {key: first_key[labels[i]] for i, key in enumerate(keys)}
    if previous is not None or new_id is not None:
        if new_id is None:
            raise ValueError("previous ids need new_id to name the clusters that have none")
        clusters = assign_stable_ids(clusters, previous or {}, new_id)

    def find_reviews() -> list[ReviewPair]:
        # Pairs in the review band, and pairs strong enough to link that clustering kept
        # apart without a bar (a record between two people, one record of two people in use).
        doubtful = [(a, b, w) for a, b, w in (*reviews, *edges) if labels[a] != labels[b]]
        return [
            ReviewPair(keys[a], keys[b], weight, explain(a, b))
            for a, b, weight in sorted(doubtful, key=lambda r: -r[2])
            if not barred(a, b)
        ]

    watch.lap("cluster")
    logger.info(
        "linked %d records: %d pairs scored, %d clusters, %d links refused",
        len(rows),
        pairs_scored,
        len(first_key),
        refused,
    )
    return LinkResult(clusters, pairs_scored, refused, stages, find_reviews)


def _triples(scored: pa.Table) -> list[tuple[int, int, float]]:
    """(left, right, weight) of each scored pair."""
    return list(
        zip(
            scored.column(f"{bridge.UNIQUE_ID}_l").to_pylist(),
            scored.column(f"{bridge.UNIQUE_ID}_r").to_pylist(),
            scored.column("match_weight").to_pylist(),
            strict=True,
        )
    )


def link_records(
    records: Iterable[Mapping[str, str]],
    model: Model | None = None,
    *,
    must_link: Iterable[tuple[str, str]] = (),
    cannot_link: Iterable[tuple[str, str]] = (),
    previous: Mapping[str, str] | None = None,
    new_id: Callable[[], str] | None = None,
    max_block_size: int = MAX_BLOCK_SIZE,
) -> LinkResult:
    """Cluster records (mappings with "key" and the attributes) into people.

    must_link / cannot_link: pairs of keys a steward has decided are / are not one person;
    they always hold. previous: key -> person id from the last run, to keep ids stable (new
    clusters are named by new_id()); without it a cluster is named by its smallest key.
    Raises InvalidRecord naming the record and field when an attribute cannot be read.
    """
    with collector_paused():
        started = time.perf_counter()
        keys, rows = prepare_all(records)
        stages = {"prepare": time.perf_counter() - started}
        return link_features(
            keys,
            rows,
            model,
            must_link=must_link,
            cannot_link=cannot_link,
            previous=previous,
            new_id=new_id,
            max_block_size=max_block_size,
            stages=stages,
        )


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a batch builds millions of small objects.

    The features hold no reference cycles, but each collection walks every object alive, so
    at a million records the collector would cost more than the linkage.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
