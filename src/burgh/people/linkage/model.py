"""The trained matching model: m and u per comparison level, term frequencies, thresholds.

A pair's match weight is log2 of the prior odds that two records are one person plus, for
each comparison, log2(m/u) of the level the pair falls in (m: how often true matches fall in
it; u: how often two different people do), with an exact name or postcode match adjusted for
how common the value is. These are Splink's own sums: a model read from Splink scores a pair
here exactly as Splink's predict does.
"""

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from burgh.people.linkage.comparisons import BY_NAME, COMPARISONS, NULL
from burgh.people.linkage.features import Features
from burgh.people.linkage.guards import GUARDS, conflict

FORMAT = "burgh-person-model/1"
# Splink clamps m and u to this before taking logs.
M_U_CLAMP_MIN = 1e-300


@dataclass(frozen=True)
class LevelScore:
    comparison: str
    label: (
        str  # what the records showed, in words: "dates of birth agree with day and month swapped"
    )
    weight: float  # the log2 Bayes factor this comparison added (negative: evidence against)

    def as_dict(self) -> dict[str, Any]:
        return {"comparison": self.comparison, "label": self.label, "weight": self.weight}


@dataclass(frozen=True)
class Score:
    weight: float  # match weight: log2 of the odds that the two records are one person
    probability: float
    levels: tuple[LevelScore, ...]


def probability_of(weight: float) -> float:
    if weight < -1000:
        return 0.0
    if weight > 1000:
        return 1.0
    odds: float = 2.0**weight
    return odds / (1.0 + odds)


def weight_of(probability: float) -> float:
    return math.log2(probability / (1.0 - probability))


class InvalidModelError(ValueError):
    """A model file that does not describe this engine's comparisons."""


def _parameter(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise InvalidModelError(f"{where}: expected a probability between 0 and 1, got {value!r}")
    return float(value)


class Model:
    """m and u probabilities of every comparison level, with the two decision thresholds.

    match_weight: at or above it, two records are linked without review.
    review_weight: from it up to match_weight, the pair goes to a data steward.
    """

    def __init__(
        self,
        *,
        version: str,
        probability_two_random_records_match: float,
        parameters: Mapping[str, Mapping[str, tuple[float, float]]],
        match_weight: float,
        review_weight: float,
        term_frequencies: Mapping[str, Mapping[str, float]] | None = None,
        tf_minimum_u_value: float = 0.0,
        notes: Mapping[str, Any] | None = None,
        guards: Iterable[str] = GUARDS,
    ) -> None:
        if review_weight > match_weight:
            raise InvalidModelError(
                f"review_weight {review_weight} is above match_weight {match_weight}"
            )
        self.version = version
        self.probability_two_random_records_match = _parameter(
            probability_two_random_records_match, "probability_two_random_records_match"
        )
        if not 0 < self.probability_two_random_records_match < 1:
            raise InvalidModelError("probability_two_random_records_match must be between 0 and 1")
        self.match_weight = float(match_weight)
        self.review_weight = float(review_weight)
        self.tf_minimum_u_value = float(tf_minimum_u_value)
        self.notes = dict(notes or {})
        self.guards = tuple(guards)
        unknown_guards = set(self.guards) - set(GUARDS)
        if unknown_guards:
            raise InvalidModelError(f"unknown guards {sorted(unknown_guards)}; known: {GUARDS}")
        self.parameters: dict[str, dict[str, tuple[float, float]]] = {}
        for comparison in COMPARISONS:
            given = parameters.get(comparison.name)
            if given is None:
                raise InvalidModelError(f"no parameters for comparison {comparison.name!r}")
            levels = {}
            for name in comparison.level_names():
                if name not in given:
                    raise InvalidModelError(f"{comparison.name}: no m and u for level {name!r}")
                m, u = given[name]
                where = f"{comparison.name}.{name}"
                levels[name] = (_parameter(m, f"{where}.m"), _parameter(u, f"{where}.u"))
            self.parameters[comparison.name] = levels
        unknown = set(parameters) - set(BY_NAME)
        if unknown:
            raise InvalidModelError(f"parameters for unknown comparisons: {sorted(unknown)}")
        self.term_frequencies: dict[str, dict[str, float]] = {
            column: dict(table) for column, table in (term_frequencies or {}).items()
        }
        self._compile()

    def _compile(self) -> None:
        # Everything a score needs, looked up once: per comparison, its level weights and
        # labels, and for a term-frequency level the log2 u it is measured against.
        self.prior_weight = weight_of(self.probability_two_random_records_match)
        self._plan = []
        for comparison in COMPARISONS:
            levels = self.parameters[comparison.name]
            weights = []
            for name in comparison.level_names():
                m, u = levels[name]
                weights.append(math.log2(max(m, M_U_CLAMP_MIN) / max(u, M_U_CLAMP_MIN)))
            tf_level = next(
                (i for i, level in enumerate(comparison.levels) if level.term_frequency), None
            )
            log2_u_exact = 0.0
            if tf_level is not None:
                u_exact = levels[comparison.levels[tf_level].name][1]
                log2_u_exact = math.log2(max(u_exact, M_U_CLAMP_MIN))
            table = self.term_frequencies.get(comparison.column) if tf_level is not None else None
            # The explanation of each level, made once: only an exact match adjusted for a
            # name's frequency needs a LevelScore of its own.
            explained = tuple(
                LevelScore(comparison.name, level.label, weight)
                for level, weight in zip(comparison.levels, weights, strict=True)
            )
            self._plan.append(
                (
                    comparison,
                    tuple(weights),
                    explained,
                    LevelScore(comparison.name, comparison.null_label, 0.0),
                    tf_level,
                    log2_u_exact,
                    table,
                )
            )

    def _tf_adjustment(self, table: Mapping[str, float], value: str, log2_u: float) -> float:
        frequency = table.get(value)
        if frequency is None:
            return 0.0
        return log2_u - math.log2(max(frequency, self.tf_minimum_u_value))

    def score(self, left: Features, right: Features) -> Score:
        """How strongly two prepared records look like one person, and why."""
        total = self.prior_weight
        parts = []
        for comparison, weights, explained, unknown, tf_level, log2_u, table in self._plan:
            level = comparison.level_of(left, right)
            if level == NULL:
                parts.append(unknown)
                continue
            part = explained[level]
            if level == tf_level and table is not None:
                adjustment = self._tf_adjustment(table, left[comparison.column], log2_u)
                if adjustment:
                    part = LevelScore(part.comparison, part.label, weights[level] + adjustment)
            total += part.weight
            parts.append(part)
        return Score(total, probability_of(total), tuple(parts))

    def weight(self, left: Features, right: Features) -> float:
        """The match weight alone: score(left, right).weight without the explanation."""
        total = self.prior_weight
        for comparison, weights, _explained, _unknown, tf_level, log2_u, table in self._plan:
            level = comparison.level_of(left, right)
            if level == NULL:
                continue
            total += weights[level]
            if level == tf_level and table is not None:
                total += self._tf_adjustment(table, left[comparison.column], log2_u)
        return total

    def conflict(self, left: Features, right: Features) -> str | None:
        """The guards this model keeps in force (normally all): see guards.conflict."""
        return conflict(left, right, guards=self.guards)

    def levels(self, left: Features, right: Features) -> dict[str, int]:
        """The level index each comparison chose (-1: a side not known)."""
        return {c.name: c.level_of(left, right) for c in COMPARISONS}

    def with_thresholds(self, *, match_weight: float, review_weight: float) -> "Model":
        data = self.as_dict()
        data["match_weight"], data["review_weight"] = match_weight, review_weight
        return Model.from_dict(data)

    def with_guards(self, guards: Iterable[str]) -> "Model":
        data = self.as_dict()
        data["guards"] = list(guards)
        return Model.from_dict(data)

    def with_term_frequencies(self, term_frequencies: Mapping[str, Mapping[str, float]]) -> "Model":
        data = self.as_dict()
        data["term_frequencies"] = {k: dict(v) for k, v in term_frequencies.items()}
        return Model.from_dict(data)

    # Reading and writing ------------------------------------------------------------------

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": self.version,
            "probability_two_random_records_match": self.probability_two_random_records_match,
            "match_weight": self.match_weight,
            "review_weight": self.review_weight,
            "tf_minimum_u_value": self.tf_minimum_u_value,
            "guards": list(self.guards),
            "notes": self.notes,
            "comparisons": {
                name: {level: {"m": m, "u": u} for level, (m, u) in levels.items()}
                for name, levels in self.parameters.items()
            },
            "term_frequencies": {
                column: dict(sorted(table.items(), key=lambda item: (-item[1], item[0])))
                for column, table in sorted(self.term_frequencies.items())
            },
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Model":
        if data.get("format") != FORMAT:
            raise InvalidModelError(f"not a {FORMAT} model (format: {data.get('format')!r})")
        try:
            comparisons = data["comparisons"]
            parameters = {
                name: {level: (values["m"], values["u"]) for level, values in levels.items()}
                for name, levels in comparisons.items()
            }
            return cls(
                version=str(data["version"]),
                probability_two_random_records_match=data["probability_two_random_records_match"],
                parameters=parameters,
                match_weight=float(data["match_weight"]),
                review_weight=float(data["review_weight"]),
                term_frequencies=data.get("term_frequencies") or {},
                tf_minimum_u_value=float(data.get("tf_minimum_u_value", 0.0)),
                notes=data.get("notes") or {},
                guards=data.get("guards", GUARDS),
            )
        except (KeyError, TypeError, AttributeError) as error:
            raise InvalidModelError(f"model is missing or garbles {error}") from error

    @classmethod
    def from_json(cls, text: str) -> "Model":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise InvalidModelError(f"model is not JSON: {error}") from error
        if not isinstance(data, dict):
            raise InvalidModelError("model JSON must be an object")
        return cls.from_dict(data)

    @classmethod
    def default(cls) -> "Model":
        """The model shipped with Burgh (src/burgh/people/linkage/model.json)."""
        return _default_model()

    def __repr__(self) -> str:
        return f"<Model {self.version} match>={self.match_weight} review>={self.review_weight}>"


@cache
def _default_model() -> Model:
    text = resources.files(__package__).joinpath("model.json").read_text("utf-8")
    return Model.from_json(text)
