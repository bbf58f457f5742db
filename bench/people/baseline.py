"""A competent plain Splink 5 (DuckDB) model: what a careful analyst would build without Burgh.

The records get the cleaning anyone would do first (case, spaces and punctuation; the first
forename; postcodes with one space; phone digits in national form; a date of birth only when
it is a full date), then Splink's own comparisons: NameComparison for forename and surname
(term frequencies on the exact level), DateOfBirthComparison, PostcodeComparison,
EmailComparison, exact matches on phone and sex, and the identifier within two edits (each
only when the data has any). With `address=True`, also a Jaro-Winkler comparison of the whole
address: it helps on FEBRL and hurts where a household shares postcode, address and phone,
so the accuracy benchmark shows both. Training is Splink's recipe: the prior from a
deterministic rule, u by random sampling, m by EM over two blocking passes. Pairs come from up
to eight blocking rules and are clustered at a match probability of 0.9.
"""

import logging
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

CLUSTER_PROBABILITY = 0.9
COLUMNS = (
    "first_name",
    "surname",
    "dob",
    "postcode",
    "address",
    "email",
    "phone",
    "sex",
    "identifier",
)
_NOT_LETTER = re.compile(r"[^a-z]+")
_NOT_WORD = re.compile(r"[^a-z0-9/ ]+")
_SPACES = re.compile(r"\s+")
_UK_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$")


@dataclass
class BaselineRun:
    clusters: dict[str, str]  # record key -> cluster id
    train_seconds: float
    link_seconds: float  # predict and cluster, with the model already trained
    links: int  # pairs at or above the clustering threshold


def clean(record: Mapping[str, str]) -> dict[str, str | None]:
    """One record as the baseline reads it; None where the value is not known."""

    def known(value: str) -> str | None:
        return value or None

    given = _NOT_LETTER.sub(" ", record.get("given_name", "").lower()).split()
    family = _NOT_LETTER.sub("", record.get("family_name", "").lower())
    dob = record.get("date_of_birth", "").strip()
    postcode = re.sub(r"[^A-Z0-9]", "", record.get("postcode", "").upper())
    if len(postcode) >= 5 and postcode[-3].isdigit():
        postcode = f"{postcode[:-3]} {postcode[-3:]}"
    phone = re.sub(r"\D", "", record.get("phone", ""))
    if phone.startswith("44"):
        phone = "0" + phone[2:]
    sex = record.get("sex", "").strip()[:1].upper()
    address = _SPACES.sub(" ", _NOT_WORD.sub(" ", record.get("address", "").lower())).strip()
    return {
        "unique_id": record["key"],
        "first_name": given[0] if given else None,
        "surname": known(family),
        "dob": dob if len(dob) == 10 else None,
        "postcode": known(postcode),
        "address": known(address),
        "email": known(record.get("email", "").strip().lower()),
        "phone": known(phone),
        "sex": sex if sex in ("M", "F") else None,
        "identifier": known(re.sub(r"\s", "", record.get("identifier", ""))),
    }


def _table(rows: Sequence[dict[str, str | None]]) -> pa.Table:
    names = ["unique_id", *COLUMNS]
    return pa.table({name: pa.array([row[name] for row in rows], pa.string()) for name in names})


def _present(rows: Sequence[dict[str, str | None]], address: bool) -> set[str]:
    """The columns the data has values in (the address only when asked for)."""
    present = {name for name in COLUMNS if any(row[name] for row in rows)}
    return present if address else present - {"address"}


def _settings(present: set[str], link_only: bool, uk_postcodes: bool) -> Any:
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    optional = {
        # UK postcodes by area, district and sector; any other country's as a whole.
        "postcode": (
            cl.PostcodeComparison("postcode") if uk_postcodes else cl.ExactMatch("postcode")
        ),
        "address": cl.JaroWinklerAtThresholds("address", [0.95, 0.88]),
        "email": cl.EmailComparison("email"),
        "phone": cl.ExactMatch("phone"),
        "sex": cl.ExactMatch("sex"),
        "identifier": cl.DamerauLevenshteinAtThresholds("identifier", [1, 2]),
    }
    comparisons: list[Any] = [
        cl.NameComparison("first_name"),
        cl.NameComparison("surname"),
        cl.DateOfBirthComparison("dob", input_is_string=True),
        *(comparison for name, comparison in optional.items() if name in present),
    ]
    rules: list[Any] = [
        block_on("first_name", "surname"),
        block_on("surname", "dob"),
        block_on("first_name", "dob"),
        block_on("postcode", "first_name"),
        block_on("postcode", "surname"),
        *(block_on(name) for name in ("email", "phone", "identifier") if name in present),
    ]
    return SettingsCreator(
        link_type="link_only" if link_only else "dedupe_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=rules,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def _train(linker: Any, *, seed: int, u_max_pairs: float, em_max_pairs: float) -> None:
    from splink import block_on

    training = linker.training
    training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.7
    )
    training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed)
    for rule in (block_on("first_name", "surname"), block_on("dob")):
        training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=em_max_pairs)


def _uk_postcodes(rows: Sequence[dict[str, str | None]]) -> bool:
    postcodes = [row["postcode"] for row in rows if row["postcode"]]
    return sum(1 for code in postcodes if _UK_POSTCODE.match(code)) > len(postcodes) / 2


@dataclass
class TrainedBaseline:
    """A baseline model trained on labelled data, and the threshold that linked it best."""

    model: dict[str, Any]  # Splink's model JSON
    cluster_probability: float
    train_seconds: float


# The thresholds tried on the labelled training data; the best F1 is kept.
THRESHOLDS = (0.5, 0.8, 0.9, 0.95, 0.99, 0.995, 0.999)


def train_labelled(
    records: Sequence[Mapping[str, str]],
    truth: Mapping[str, int],
    matches: Sequence[tuple[str, str]],
    *,
    seed: int = 1,
    u_max_pairs: float = 5e6,
    em_max_pairs: float = 2e6,
) -> TrainedBaseline:
    """The baseline with every advantage Burgh's shipped model has: trained on a labelled
    sample (another town than the one it links), m refined from labelled pairs of one person
    (Splink's estimate_m_from_pairwise_labels), and the clustering threshold that gave the
    best pairwise F1 on that sample."""
    from splink import DuckDBAPI, Linker

    from bench.people.metrics import pairwise

    logging.getLogger("splink").setLevel(logging.ERROR)
    started = time.perf_counter()
    rows = [clean(record) for record in records]
    settings = _settings(_present(rows, False), link_only=False, uk_postcodes=_uk_postcodes(rows))
    with duckdb.connect() as connection:
        db_api = DuckDBAPI(connection)
        sample = db_api.register(_table(rows), table_name="sample")
        linker = Linker(sample, settings, log_level=None)
        _train(linker, seed=seed, u_max_pairs=u_max_pairs, em_max_pairs=em_max_pairs)
        labels = pa.table(
            {
                "unique_id_l": pa.array([a for a, _ in matches], pa.string()),
                "unique_id_r": pa.array([b for _, b in matches], pa.string()),
            }
        )
        linker.training.estimate_m_from_pairwise_labels(
            db_api.register(labels, table_name="labels")
        )
        predictions = linker.inference.predict(
            threshold_match_probability=min(THRESHOLDS), warning_mode="never"
        )
        best = (-1.0, THRESHOLDS[0])
        for threshold in THRESHOLDS:
            clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
                predictions, threshold_match_probability=threshold
            )
            found = clustered.as_duckdbpyrelation().select("unique_id, cluster_id").fetchall()
            f1 = pairwise({str(k): str(c) for k, c in found}, truth).f1
            best = max(best, (f1, threshold))
        model = linker.misc.save_model_to_json()
    return TrainedBaseline(model, best[1], time.perf_counter() - started)


def link(
    records: Sequence[Mapping[str, str]],
    *,
    files: Mapping[str, str] | None = None,
    address: bool = False,
    seed: int = 1,
    u_max_pairs: float = 5e6,
    em_max_pairs: float = 2e6,
    trained: TrainedBaseline | None = None,
) -> BaselineRun:
    """Train on `records` and cluster them, or with `trained`, link them with that model at
    its threshold. With `files` (key -> file name, two files), a link-only job between the
    files, as Splink's own FEBRL4 example does."""
    from splink import DuckDBAPI, Linker

    logging.getLogger("splink").setLevel(logging.ERROR)
    rows = [clean(record) for record in records]
    present = _present(rows, address)
    settings: Any = _settings(present, link_only=bool(files), uk_postcodes=_uk_postcodes(rows))
    threshold = CLUSTER_PROBABILITY
    if trained is not None:
        settings, threshold = trained.model, trained.cluster_probability
    connection = duckdb.connect()
    db_api = DuckDBAPI(connection)
    if files:
        tables = [
            db_api.register(
                _table([row for row in rows if files[str(row["unique_id"])] == name]),
                table_name=f"baseline_{name}",
            )
            for name in sorted(set(files.values()))
        ]
        linker = Linker(tables, settings, log_level=None)
    else:
        linker = Linker(
            db_api.register(_table(rows), table_name="baseline"), settings, log_level=None
        )

    started = time.perf_counter()
    if trained is None:
        _train(linker, seed=seed, u_max_pairs=u_max_pairs, em_max_pairs=em_max_pairs)
    ready = time.perf_counter()
    predictions = linker.inference.predict(
        threshold_match_probability=threshold, warning_mode="never"
    )
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    found = clustered.as_duckdbpyrelation().select("unique_id, cluster_id").fetchall()
    linked = time.perf_counter()
    above = predictions.as_duckdbpyrelation().aggregate("count(*)").fetchall()
    connection.close()
    return BaselineRun(
        clusters={str(key): str(cluster) for key, cluster in found},
        train_seconds=trained.train_seconds if trained else ready - started,
        link_seconds=linked - ready,
        links=int(above[0][0]),
    )


class Incremental:
    """Splink's own incremental linkage: one new record against the existing table, with
    `linker.inference.predict_between`. The model is trained first on `training` records (a
    table of existing records alone, one per person, holds no matches to learn from), then
    held over the existing table with its term frequencies computed beforehand, as a
    real-time service would hold them."""

    def __init__(
        self,
        existing: Sequence[Mapping[str, str]],
        training: Sequence[Mapping[str, str]],
        *,
        seed: int = 1,
        u_max_pairs: float = 5e6,
    ) -> None:
        from splink import DuckDBAPI, Linker

        logging.getLogger("splink").setLevel(logging.ERROR)
        started = time.perf_counter()
        sample = [clean(record) for record in training]
        present = _present(sample, address=False)
        settings = _settings(present, link_only=False, uk_postcodes=_uk_postcodes(sample))
        with duckdb.connect() as connection:
            db_api = DuckDBAPI(connection)
            learner = Linker(db_api.register(_table(sample)), settings, log_level=None)
            _train(learner, seed=seed, u_max_pairs=u_max_pairs, em_max_pairs=2e6)
            trained = learner.misc.save_model_to_json()
        self.connection = duckdb.connect()
        self.db_api = DuckDBAPI(self.connection)
        rows = [clean(record) for record in existing]
        self.existing = self.db_api.register(_table(rows), table_name="existing")
        self.linker = Linker(self.existing, trained, log_level=None)
        for column in ("first_name", "surname", "email"):
            if column in present:
                self.linker.table_management.compute_tf_table(column)
        self.train_seconds = time.perf_counter() - started
        self.calls = 0

    def match(self, record: Mapping[str, str]) -> list[tuple[str, float]]:
        """The existing records scoring at or above the clustering threshold against `record`."""
        self.calls += 1
        new = self.db_api.register(_table([clean(record)]), table_name=f"incoming_{self.calls}")
        predictions = self.linker.inference.predict_between(
            new,
            self.existing,
            threshold_match_probability=CLUSTER_PROBABILITY,
            warning_mode="never",
        )
        found = (
            predictions.as_duckdbpyrelation().select("unique_id_r, match_probability").fetchall()
        )
        predictions.drop_table_from_database_and_remove_from_cache()
        return [(str(key), float(probability)) for key, probability in found]

    def close(self) -> None:
        self.connection.close()
