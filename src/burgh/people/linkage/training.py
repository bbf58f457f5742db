"""Training the matching model with Splink on DuckDB, unsupervised, with labels when there are.

The recipe, each step Splink's own:
1. the prior (how likely two records picked at random are one person) from a few near-certain
   rules and their assumed recall;
2. u of every level by comparing randomly sampled pairs, nearly all of them two people;
3. m of every level by expectation maximisation over two blocking passes (same name; same
   date of birth), each pass estimating the comparisons it does not block on;
4. where data stewards have said two records are one person, m from those pairs as well;
5. term frequencies of given names, family names and postcodes from the data itself.
Thresholds come from the labels when there are both kinds, else from the model's match
probability: `match_probability` for automatic links (0.75: three times likelier one person
than two), `review_probability` for review (0.05).
"""

import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker

from burgh.people.linkage import splink_bridge as bridge
from burgh.people.linkage.features import FeatureColumns, Features, prepare_columns
from burgh.people.linkage.guards import GENERATION_YEARS, GENERATIONS, TWINS
from burgh.people.linkage.model import Model, probability_of, weight_of

Label = tuple[str, str, bool]

# Near-certain rules and the share of true matches they are assumed to find.
DETERMINISTIC_RULES = (
    'l."given" = r."given" AND l."family" = r."family" AND l."dob" = r."dob" '
    'AND length(l."dob") = 10',
    'l."identifier" = r."identifier"',
)
DETERMINISTIC_RECALL = 0.7
MATCH_PROBABILITY = 0.75
REVIEW_PROBABILITY = 0.05
U_MAX_PAIRS = 2e6
EM_MAX_PAIRS = 2e6


def term_frequencies(rows: Sequence[Features] | FeatureColumns) -> dict[str, dict[str, float]]:
    """Each value's share of the known values, per term-frequency column (Splink's tf)."""
    if not isinstance(rows, FeatureColumns):
        rows = FeatureColumns.from_rows(rows)
    tables = {}
    for column in bridge.term_frequency_columns():
        counts = Counter(value for value in rows.columns[column] if value)
        total = sum(counts.values())
        tables[column] = {value: count / total for value, count in counts.items()}
    return tables


def prepare_all(records: Iterable[Mapping[str, str]]) -> tuple[list[str], FeatureColumns]:
    """Keys and features of records that carry a "key"; InvalidRecord names the bad one."""
    return prepare_columns(records if isinstance(records, Sequence) else list(records))


def linker_for(
    connection: duckdb.DuckDBPyConnection,
    rows: Sequence[Features] | FeatureColumns,
    model: Model | None,
    *,
    for_training: bool = False,
    **settings: Any,
) -> tuple[Linker, DuckDBAPI]:
    """A Splink linker over the features of `rows`, with the model's term frequencies.

    for_training adds copies of the name columns under other names (guard_*): the EM
    blocking rules filter on them, and Splink stops estimating any comparison whose
    columns a blocking rule mentions.
    """
    db_api = DuckDBAPI(connection)
    bridge.load_table(connection, "burgh_features", bridge.features_table(rows))
    if for_training:
        bridge.run(
            connection,
            "CREATE OR REPLACE TABLE burgh_features AS SELECT *, "
            "family AS guard_family, given AS guard_given, given_groups AS guard_given_groups, "
            "identifier AS guard_identifier FROM burgh_features",
        )
    records = db_api.register("burgh_features", table_name="burgh_records")
    linker = Linker(records, bridge.settings(model, **settings), log_level=bridge.SPLINK_LOG_LEVEL)
    if model is not None:
        for column in bridge.term_frequency_columns():
            name = f"burgh_tf_{column}"
            bridge.load_table(connection, name, bridge.term_frequency_table(model, column))
            table = db_api.register(name, table_name=f"{name}_input")
            linker.table_management.register_term_frequency_lookup(table, column)
    return linker, db_api


# Pairs the guards bar are known to be two people. Left in, they teach EM that a household
# is a person: twins (same date of birth and family name, different given names) inflate m of
# "given names differ", and a father and son of one name inflate m of "dates of birth differ".
_NOT_TWINS = (
    "NOT (coalesce(l.guard_family = r.guard_family, false) "
    "AND coalesce(jaro_winkler_similarity(l.guard_given, r.guard_given) < 0.8, false) "
    "AND NOT list_has_any(l.guard_given_groups, r.guard_given_groups) "
    "AND coalesce(l.guard_identifier <> r.guard_identifier, true))"
)
_NOT_GENERATIONS = (
    f"coalesce(abs(l.dob_year - r.dob_year) < {GENERATION_YEARS}, true) "
    "OR coalesce(l.guard_identifier = r.guard_identifier, false)"
)


def em_blocking_rules(guards: Sequence[str]) -> list[str]:
    """The two EM passes (same name; same date of birth), without pairs the guards bar."""
    by_name = 'l."given" = r."given" AND l."family" = r."family"'
    by_birth = 'l."dob" = r."dob"'
    if GENERATIONS in guards:
        by_name += f" AND ({_NOT_GENERATIONS})"
    if TWINS in guards:
        by_birth += f" AND {_NOT_TWINS}"
    return [by_name, by_birth]


def choose_thresholds(
    same: Sequence[float], different: Sequence[float], *, review_gap: float = 6.0
) -> tuple[float, float]:
    """The match weight that best separates labelled pairs (highest F1), and review_gap
    (log2: 64 times less likely) below it the review weight."""
    if not same or not different:
        raise ValueError("choosing thresholds needs labelled pairs of both kinds")
    candidates = sorted({*same, *different})
    best, best_f1 = candidates[0], -1.0
    for threshold in candidates:
        tp = sum(1 for w in same if w >= threshold)
        fp = sum(1 for w in different if w >= threshold)
        fn = len(same) - tp
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f1 > best_f1:
            best, best_f1 = threshold, f1
    return best, best - review_gap


def train(
    records: Iterable[Mapping[str, str]],
    *,
    labels: Iterable[Label] = (),
    seed: int = 0,
    base: Model | None = None,
    version: str | None = None,
    match_probability: float = MATCH_PROBABILITY,
    review_probability: float = REVIEW_PROBABILITY,
    u_max_pairs: float = U_MAX_PAIRS,
    em_max_pairs: float = EM_MAX_PAIRS,
    guards: Iterable[str] | None = None,
) -> Model:
    """A model trained on `records` (mappings with "key" and the attributes), EM on DuckDB.

    labels: (key, key, same) decisions by people; pairs of one person refine m, and with both
    kinds present they set the thresholds. base: the starting point for EM and the values of
    levels the data never shows (default: the shipped model). guards: the bars the model
    keeps in force (default: the base model's, normally all three).
    """
    base = base or Model.default()
    keys, rows = prepare_all(records)
    if len(rows) < 2:
        raise ValueError("training needs at least two records")
    position = {key: i for i, key in enumerate(keys)}
    labels = list(labels)
    for left, right, _same in labels:
        for key in (left, right):
            if key not in position:
                raise ValueError(f"label names {key!r}, which is not among the records")

    frequencies = term_frequencies(rows)
    start = base.with_term_frequencies(frequencies)
    model_guards = tuple(base.guards if guards is None else guards)
    connection = bridge.connect()
    try:
        linker, db_api = linker_for(connection, rows, start, for_training=True)
        training = linker.training
        training.estimate_probability_two_random_records_match(
            list(DETERMINISTIC_RULES), recall=DETERMINISTIC_RECALL
        )
        training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed)
        for rule in em_blocking_rules(model_guards):
            training.estimate_parameters_using_expectation_maximisation(
                rule, max_pairs=em_max_pairs
            )
        matches = [(position[a], position[b]) for a, b, same in labels if same]
        if matches:
            table = pa.table(
                {
                    f"{bridge.UNIQUE_ID}_l": [a for a, _ in matches],
                    f"{bridge.UNIQUE_ID}_r": [b for _, b in matches],
                }
            )
            bridge.load_table(connection, "burgh_labels", table)
            labelled = db_api.register("burgh_labels", table_name="burgh_labels_input")
            training.estimate_m_from_pairwise_labels(labelled)  # type: ignore[no-untyped-call]
        trained = linker.misc.save_model_to_json()
    finally:
        connection.close()

    parameters = bridge.parameters_from_splink(trained, base)
    model = Model(
        version=version or datetime.now(UTC).strftime("trained-%Y%m%dT%H%M%SZ"),
        probability_two_random_records_match=trained["probability_two_random_records_match"],
        parameters=parameters,
        match_weight=weight_of(match_probability),
        review_weight=weight_of(review_probability),
        term_frequencies=frequencies,
        guards=model_guards,
        notes={
            "records": len(rows),
            "labels": len(labels),
            "seed": seed,
            "trained_with": "splink 5 on duckdb: u by random sampling, m by EM",
        },
    )
    same = [model.weight(rows[position[a]], rows[position[b]]) for a, b, s in labels if s]
    different = [model.weight(rows[position[a]], rows[position[b]]) for a, b, s in labels if not s]
    if same and different:
        match_weight, review_weight = choose_thresholds(same, different)
        model = model.with_thresholds(match_weight=match_weight, review_weight=review_weight)
    logging.getLogger(__name__).info(
        "trained %s on %d records: match at %.2f (p=%.4f), review at %.2f",
        model.version,
        len(rows),
        model.match_weight,
        probability_of(model.match_weight),
        model.review_weight,
    )
    return model
