"""Between the engine and Splink: feature tables, Splink settings from a Model, and back.

Splink sees the prepared features as columns (blanks as NULL) with a row number `rid` as the
unique id, and the comparisons of comparisons.py as its own comparison levels, so a model
trained by Splink is read back level for level and a Model scores in Splink exactly as in
Python.
"""

import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import duckdb
import pyarrow as pa

from burgh.people.linkage.comparisons import COMPARISONS, Comparison
from burgh.people.linkage.features import FEATURE_KEYS, LIST_FEATURES, FeatureColumns, Features
from burgh.people.linkage.model import Model

UNIQUE_ID = "rid"
LIST_COLUMNS = LIST_FEATURES
INTEGER_COLUMNS = ("dob_year",)
TEXT_COLUMNS = tuple(
    key for key in FEATURE_KEYS if key not in LIST_COLUMNS and key not in INTEGER_COLUMNS
)
# Splink's chattiness (one INFO line per step) belongs in a debug log, not a command's output.
SPLINK_LOG_LEVEL = logging.WARNING
THREADS = 2


def connect(threads: int = THREADS) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for one training or linkage run."""
    connection = duckdb.connect(":memory:")
    run(connection, f"SET threads = {int(threads)}")
    run(connection, "SET preserve_insertion_order = false")
    run(connection, "SET enable_progress_bar = false")
    return connection


def run(connection: duckdb.DuckDBPyConnection, sql: str) -> list[Any]:
    """Execute and fetch, so the connection is free for Splink's next statement."""
    return connection.execute(sql).fetchall()


def load_table(connection: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    """Copy an Arrow table into a DuckDB table of that name."""
    connection.register(f"{name}_arrow", table)
    # The engine names its own tables; no input reaches this SQL.
    run(connection, f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM {name}_arrow")  # noqa: S608
    connection.unregister(f"{name}_arrow")


def schema() -> pa.Schema:
    fields = [pa.field(UNIQUE_ID, pa.int64())]
    for key in FEATURE_KEYS:
        if key in LIST_COLUMNS:
            fields.append(pa.field(key, pa.list_(pa.string())))
        elif key in INTEGER_COLUMNS:
            fields.append(pa.field(key, pa.int32()))
        else:
            fields.append(pa.field(key, pa.string()))
    return pa.schema(fields)


def features_table(rows: Sequence[Features] | FeatureColumns) -> pa.Table:
    """The features of `rows` as a table, row i with rid i."""
    if not isinstance(rows, FeatureColumns):
        rows = FeatureColumns.from_rows(rows)
    columns: dict[str, Any] = {UNIQUE_ID: pa.array(range(len(rows)), pa.int64())}
    for key in FEATURE_KEYS:
        values = rows.columns[key]
        if key in TEXT_COLUMNS:
            columns[key] = pa.array([value or None for value in values], pa.string())
        elif key in LIST_COLUMNS:
            columns[key] = pa.array(values, pa.list_(pa.string()))
        else:
            columns[key] = pa.array(values, pa.int32())
    return pa.table(columns, schema=schema())


def _level_settings(comparison: Comparison, model: Model | None) -> list[dict[str, Any]]:
    levels: list[dict[str, Any]] = [
        {
            "sql_condition": comparison.null_sql,
            "label_for_charts": comparison.null_label,
            "is_null_level": True,
        }
    ]
    for level in comparison.levels:
        settings: dict[str, Any] = {
            "sql_condition": level.sql,
            "label_for_charts": level.label,
        }
        if level.term_frequency:
            settings["tf_adjustment_column"] = comparison.column
            settings["tf_adjustment_weight"] = 1.0
            if model is not None and model.tf_minimum_u_value:
                settings["tf_minimum_u_value"] = model.tf_minimum_u_value
        if model is not None:
            m, u = model.parameters[comparison.name][level.name]
            settings["m_probability"], settings["u_probability"] = m, u
        levels.append(settings)
    return levels


def settings(
    model: Model | None,
    *,
    probability_two_random_records_match: float | None = None,
    blocking_rules: Iterable[str] = (),
    retain_intermediate: bool = False,
    retain_levels: bool = False,
) -> dict[str, Any]:
    """A Splink settings dict for the engine's comparisons, with a model's m and u if given."""
    prior = probability_two_random_records_match
    if prior is None:
        prior = model.probability_two_random_records_match if model is not None else 1e-4
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": UNIQUE_ID,
        "probability_two_random_records_match": prior,
        "blocking_rules_to_generate_predictions": list(blocking_rules),
        "comparisons": [
            {
                "output_column_name": comparison.name,
                "comparison_description": comparison.name.replace("_", " "),
                "comparison_levels": _level_settings(comparison, model),
            }
            for comparison in COMPARISONS
        ],
        # Retaining matching columns is what makes Splink keep each pair's levels (gamma_*).
        "retain_matching_columns": retain_levels,
        "retain_intermediate_calculation_columns": retain_intermediate,
        "additional_columns_to_retain": [],
        "max_iterations": 25,
        "em_convergence": 0.0001,
    }


def level_from_gamma(comparison: Comparison, gamma: int) -> int:
    """Splink numbers levels from the else level (0) up; the engine counts from the top."""
    return -1 if gamma < 0 else len(comparison.levels) - 1 - gamma


def parameters_from_splink(
    trained: Mapping[str, Any], fallback: Model
) -> dict[str, dict[str, tuple[float, float]]]:
    """m and u of every level from a Splink model dict; a level Splink never saw keeps the
    fallback model's values (say, the UPRN level on data without UPRNs)."""
    by_name = {c["output_column_name"]: c for c in trained["comparisons"]}
    parameters: dict[str, dict[str, tuple[float, float]]] = {}
    for comparison in COMPARISONS:
        levels = [
            lv
            for lv in by_name[comparison.name]["comparison_levels"]
            if not lv.get("is_null_level")
        ]
        if len(levels) != len(comparison.levels):
            raise ValueError(f"Splink model has {len(levels)} levels for {comparison.name}")
        result = {}
        for level, splink_level in zip(comparison.levels, levels, strict=True):
            m_default, u_default = fallback.parameters[comparison.name][level.name]
            m = _probability(splink_level.get("m_probability"), m_default)
            u = _probability(splink_level.get("u_probability"), u_default)
            result[level.name] = (m, u)
        parameters[comparison.name] = result
    return parameters


def _probability(value: Any, default: float) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return min(max(float(value), 0.0), 1.0)
    return default


def term_frequency_table(model: Model, column: str) -> pa.Table:
    """A model's term frequencies for one column, as Splink's lookup table."""
    table = model.term_frequencies.get(column, {})
    return pa.table(
        {
            column: pa.array(list(table), pa.string()),
            f"tf_{column}": pa.array(list(table.values()), pa.float64()),
        }
    )


def term_frequency_columns() -> list[str]:
    return [c.column for c in COMPARISONS if any(lv.term_frequency for lv in c.levels)]
