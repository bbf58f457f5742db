"""Finding and scoring candidates online: the blocking index, the model in use, the guards."""

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol
from uuid import UUID

from django.db import connection, transaction

from burgh.core import audit
from burgh.core.errors import InvalidInputError
from burgh.identity.models import User
from burgh.people.linkage import Model, Score, conflict
from burgh.people.linkage.training import train
from burgh.people.models import BlockingKey, LinkageModel, LinkLabel, SourceRecord
from burgh.people.services.golden import MANAGE_SOURCE_RECORDS, require
from burgh.people.services.sources import cleaned

# A key shared by more records than this says little about who is who (a common surname at a
# big postcode): it is skipped, so a search costs the same in a town of John Smiths.
MAX_RECORDS_PER_KEY = 100
# The people sharing the most keys with a record are scored; beyond these none would match.
MAX_CANDIDATE_PEOPLE = 60


@dataclass
class _ModelCache:
    row_id: UUID | None = None
    model: Model | None = None


_cache = _ModelCache()


def current_model() -> Model:
    """The newest model the council trained, or the shipped default when it has trained none.

    One small query a call asks which model is newest, so every process switches the moment a
    model is saved; the parsed model is kept until a newer one appears.
    """
    newest = LinkageModel.objects.order_by("-created_at").values_list("id", flat=True).first()
    if _cache.model is None or newest != _cache.row_id:
        if newest is None:
            _cache.model = Model.default()
        else:
            _cache.model = Model.from_json(LinkageModel.objects.get(pk=newest).parameters)
        _cache.row_id = newest
    return _cache.model


def forget_model() -> None:
    """Drop the parsed model, so the next `current_model()` reads it again."""
    _cache.row_id, _cache.model = None, None


def save_trained_model(
    model: Model,
    *,
    actor: User | None = None,
    record_count: int = 0,
    label_count: int = 0,
    notes: str = "",
) -> LinkageModel:
    """Put a newly trained model into use: every process scores with it from its next call."""
    if LinkageModel.objects.filter(model_version=model.version).exists():
        raise InvalidInputError(
            f"A model with version {model.version!r} is already saved: give it a new version.",
            errors=[{"pointer": "#/version", "detail": "This version is already saved."}],
        )
    with transaction.atomic():
        row = LinkageModel.objects.create(
            model_version=model.version,
            parameters=model.to_json(),
            trained_by=actor,
            record_count=record_count,
            label_count=label_count,
            notes=notes,
        )
        audit.record(
            "people.linkagemodel.saved",
            subject=row,
            actor=actor,
            detail={
                "version": model.version,
                "match_weight": model.match_weight,
                "review_weight": model.review_weight,
                "records": record_count,
                "labels": label_count,
            },
        )
    forget_model()
    return row


def retrain(*, actor: User | None = None, seed: int = 0, notes: str = "") -> LinkageModel:
    """Train a model on every source record and every steward label, and put it into use.

    Splink estimates u by random sampling and m by EM on DuckDB; the stewards' labels refine
    m and, once there are both kinds, set the thresholds. Takes minutes on a large index.
    """
    require(actor, MANAGE_SOURCE_RECORDS, "retrain the matching model")
    records = [
        {"key": str(pk), **cleaned(attributes)}
        for pk, attributes in SourceRecord.objects.order_by("created_at", "id")
        .values_list("pk", "attributes")
        .iterator(chunk_size=5000)
    ]
    latest: dict[str, tuple[str, str, bool]] = {}
    for key, a, b, same in LinkLabel.objects.order_by("created_at", "id").values_list(
        "pair_key", "record_a_id", "record_b_id", "same"
    ):
        latest[key] = (str(a), str(b), same)
    model = train(records, labels=list(latest.values()), seed=seed, base=current_model())
    return save_trained_model(
        model,
        actor=actor,
        record_count=len(records),
        label_count=len(latest),
        notes=notes,
    )


def candidate_people(
    keys: Sequence[str], *, exclude: Collection[UUID] = (), limit: int = MAX_CANDIDATE_PEOPLE
) -> list[UUID]:
    """The people sharing the most blocking keys with `keys`, in one index look-up.

    Each key reads at most MAX_RECORDS_PER_KEY + 1 rows; a key that fills them is too common to
    tell people apart and is ignored.
    """
    if not keys:
        return []
    rows = _key_rows(keys)
    by_key: dict[str, set[UUID]] = defaultdict(set)
    per_key: Counter[str] = Counter()
    for key, person_id in rows:
        per_key[key] += 1
        by_key[key].add(person_id)
    shared: Counter[UUID] = Counter()
    for key, people in by_key.items():
        if per_key[key] > MAX_RECORDS_PER_KEY:
            continue
        shared.update(people)
    for person_id in exclude:
        shared.pop(person_id, None)
    # Most keys shared first; ties in id order, so the same index gives the same answer.
    ranked = sorted(shared.items(), key=lambda item: (-item[1], str(item[0])))
    return [person_id for person_id, _count in ranked[:limit]]


def _key_rows(keys: Sequence[str]) -> list[tuple[str, UUID]]:
    """(key, person) rows of each key, at most MAX_RECORDS_PER_KEY + 1 of each, in one query.

    A UNION ALL of one limited index range scan per key: the ORM cannot express a LIMIT inside
    a compound statement on SQLite, and a window over all rows of a common key would read them
    all. The sub-selects in FROM make the form valid on both SQLite and PostgreSQL.
    """
    table = connection.ops.quote_name(BlockingKey._meta.db_table)
    # Only the table name (from the model) is formatted in; keys and limits are parameters.
    part = f"SELECT * FROM (SELECT key, person_id FROM {table} WHERE key = %s LIMIT %s) AS k{{}}"  # noqa: S608
    sql = " UNION ALL ".join(part.format(index) for index in range(len(keys)))
    params: list[Any] = []
    for key in keys:
        params.extend((key, MAX_RECORDS_PER_KEY + 1))
    field = BlockingKey._meta.get_field("person")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    convert = field.target_field.to_python
    return [(key, convert(person_id)) for key, person_id in fetched]


class Comparable(Protocol):
    """What scoring reads of a record: a SourceRecord, or the light rows `comparable` gives."""

    @property
    def pk(self) -> UUID: ...
    @property
    def person_id(self) -> UUID: ...
    @property
    def features(self) -> dict[str, Any]: ...


class Compared(NamedTuple):
    pk: UUID
    person_id: UUID
    features: dict[str, Any]


def comparable(person_ids: Collection[UUID]) -> list[Compared]:
    """The records of these people as (id, person, features): no model instances, no joins."""
    rows = SourceRecord.objects.filter(person_id__in=list(person_ids)).order_by("created_at", "id")
    return [Compared(*row) for row in rows.values_list("pk", "person_id", "features")]


@dataclass(frozen=True)
class Match:
    """How a record compares with one person: the best-scoring of that person's records.

    `score` (with the comparison-by-comparison explanation) is worked out for the leading
    candidates only; the rest carry their weight alone.
    """

    person_id: UUID
    record: Comparable
    weight: float
    score: Score | None = None


@dataclass(frozen=True)
class Barred:
    person_id: UUID
    record: Comparable
    reason: str


@dataclass(frozen=True)
class Evaluation:
    matches: list[Match]
    barred: list[Barred]

    @property
    def best(self) -> Match | None:
        return self.matches[0] if self.matches else None


# Only the leading candidates need an explanation (for a review); the rest need a weight.
EXPLAINED = 3


def evaluate(
    features: dict[str, Any],
    records: Iterable[Comparable],
    model: Model,
    *,
    skip_records: Collection[UUID] = (),
) -> Evaluation:
    """Score `features` against each person's records, best person first.

    A person with any record the guards bar (twins, generations, spouses) is never a match.
    """
    by_person: dict[UUID, list[Comparable]] = defaultdict(list)
    for row in records:
        if row.pk not in skip_records:
            by_person[row.person_id].append(row)
    found: list[tuple[float, UUID, Comparable]] = []
    barred: list[Barred] = []
    for person_id, rows in by_person.items():
        reason = None
        for row in rows:
            reason = conflict(features, row.features)
            if reason is not None:
                barred.append(Barred(person_id, row, reason))
                break
        if reason is not None:
            continue
        weight, best = max(
            ((model.weight(features, row.features), row) for row in rows),
            key=lambda item: (item[0], str(item[1].pk)),
        )
        found.append((weight, person_id, best))
    found.sort(key=lambda item: (-item[0], str(item[1])))
    matches = [
        Match(
            person_id,
            row,
            weight,
            model.score(features, row.features) if rank < EXPLAINED else None,
        )
        for rank, (weight, person_id, row) in enumerate(found)
    ]
    return Evaluation(matches, barred)


def explanation(score: Score) -> list[dict[str, Any]]:
    """A score's comparisons as JSON: what agreed, and the weight each added."""
    return [
        {"comparison": level.comparison, "label": level.label, "weight": round(level.weight, 3)}
        for level in score.levels
    ]
